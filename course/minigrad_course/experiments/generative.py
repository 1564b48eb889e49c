"""Generative losses of seed 000: a VAE on the digits and a GAN on a 1-D toy distribution.

    python -m minigrad_course generative [--seeds N] [--quick]

(a) VAE, ``vae_loss``: scikit-learn's 8×8 digits with pixels scaled to [0, 1] (not
    standardised: the decoder ends in a sigmoid and the reconstruction term is binary
    cross-entropy), an MLP encoder 64 → 128 → (μ, log σ²) with a 2-D latent, an MLP decoder
    2 → 128 → 64, the reparameterisation z = μ + σ·ε with ε drawn by minigrad.  The loss is the
    negative evidence lower bound (−ELBO) per image, in nats.  With grey-level targets the
    binary cross-entropy of even a perfect reconstruction is the pixels' entropy, not 0: the
    table reports that floor.  Also measured: how well the unsupervised 2-D latent separates
    the digits (5-NN accuracy of the test images' μ against the training images' μ).

(b) GAN, ``gan_discriminator_loss`` and the non-saturating ``gan_generator_loss``: a target
    mixture ½·N(−2, 0.5²) + ½·N(2, 0.5²), an MLP generator from 4-D Gaussian noise and an MLP
    discriminator, one step of each per batch (Adam, lr 3·10⁻⁴, β₁ = 0.5).  Measured: the 1-D
    Wasserstein distance W₁ between 5000 generated and 5000 target samples (the mean gap
    between the sorted samples), against the untrained generator's and against the floor that
    two samples of the target itself show.

Every gradient is minigrad's; NumPy only draws the target samples and computes the metrics.
"""
import math
import time

import numpy as np

import minigrad as mg
from minigrad import losses, nn, optim
from minigrad.data import DataLoader, TensorDataset

from ..plotting import pyplot
from . import base
from .base import Setting

NAME = "generative"
SEEDS = Setting(full=3, quick=1)
CONFIG = {
    "vae_epochs": Setting(100, 15, help="VAE epochs"),
    "vae_hidden": Setting(128),
    "vae_lr": Setting(1e-3),
    "gan_steps": Setting(5000, 1200, help="GAN steps, one discriminator and one generator "
                                          "update each"),
    "gan_noise": Setting(4),
    "gan_hidden": Setting(32),
    "gan_lr": Setting(3e-4),
    "gan_batch": Setting(256),
    "gan_eval_every": Setting(50, 100),
    "gan_eval_samples": Setting(5000),
}
FIGURES = {"vae_digits": ("lessons/07_generative_rl.ipynb", "seed 000: reconstruction loss"),
           "gan_toy": ("lessons/07_generative_rl.ipynb", "seed 000: adversarial loss")}


# --- (a) the VAE ----------------------------------------------------------------------------------
def digits_unit_interval(seed=0, test_size=0.2):
    """The digits with pixels in [0, 1] (value / 16), split as minigrad.data.load_digits splits
    them (stratified, ``seed``) but not standardised: (x_train, y_train, x_test, y_test) NumPy."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype(np.float32)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=test_size,
                                                        random_state=seed, stratify=y)
    return x_train, y_train, x_test, y_test


class VAE(nn.Module):
    """An MLP encoder to (μ, log σ²) and an MLP decoder ending in a sigmoid."""

    def __init__(self, n_in=64, hidden=128, latent=2):
        super().__init__()
        self.latent = latent
        self.encoder = nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(),
                                     nn.Linear(hidden, 2 * latent))
        self.decoder = nn.Sequential(nn.Linear(latent, hidden), nn.ReLU(),
                                     nn.Linear(hidden, n_in), nn.Sigmoid())

    def encode(self, x):
        out = self.encoder(x)
        return out[:, :self.latent], out[:, self.latent:]

    def forward(self, x):
        mu, logvar = self.encode(x)
        z = mu + mg.exp(0.5 * logvar) * mg.randn(*mu.shape)   # reparameterisation: ε ~ N(0, I)
        return self.decoder(z), mu, logvar


def vae_terms(model, x):
    """(−ELBO, reconstruction, KL) per image, averaged over ``x`` (NumPy), one draw of z."""
    with mg.no_grad():
        xt = mg.tensor(x)
        recon, mu, logvar = model(xt)
        total = losses.vae_loss(recon, xt, mu, logvar).item()
        mu, logvar = mu.numpy(), logvar.numpy()
    kl = float(np.mean(-0.5 * (1 + logvar - mu ** 2 - np.exp(logvar)).sum(axis=1)))
    return total, total - kl, kl


def bce_floor(x):
    """The reconstruction term of a perfect reconstruction x̂ = x: Σ_pixels H(x), per image."""
    p = np.clip(x.astype(np.float64), 1e-12, 1 - 1e-12)
    entropy = -(p * np.log(p) + (1 - p) * np.log(1 - p))
    entropy[(x == 0) | (x == 1)] = 0.0
    return float(entropy.sum(axis=1).mean())


def train_vae(seed, data, cfg):
    base.seed_everything(seed)
    x_train, y_train, x_test, y_test = data
    model = VAE(hidden=cfg["vae_hidden"])
    optimizer = optim.Adam(model.parameters(), lr=cfg["vae_lr"])
    loader = DataLoader(TensorDataset(mg.tensor(x_train)), batch_size=64, shuffle=True)
    curve = {"epoch": [0], "train": [vae_terms(model, x_train)[0]],
             "test": [vae_terms(model, x_test)[0]]}
    for epoch in range(1, cfg["vae_epochs"] + 1):
        total, count = 0.0, 0
        for (xb,) in loader:
            recon, mu, logvar = model(xb)
            loss = losses.vae_loss(recon, xb, mu, logvar)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total, count = total + loss.item() * len(xb), count + len(xb)
        curve["epoch"].append(epoch)
        curve["train"].append(total / count)            # while it learned, as fit() reports
        curve["test"].append(vae_terms(model, x_test)[0])
    test_total, test_recon, test_kl = vae_terms(model, x_test)
    with mg.no_grad():
        mu_train = model.encode(mg.tensor(x_train))[0].numpy()
        mu_test = model.encode(mg.tensor(x_test))[0].numpy()
    return {"model": model, "curve": curve, "initial": curve["test"][0], "final": test_total,
            "reconstruction": test_recon, "kl": test_kl, "mu_test": mu_test,
            "latent_knn": base.knn_accuracy(mu_train, y_train, mu_test, y_test)}


# --- (b) the GAN --------------------------------------------------------------------------------
MODES, MODE_SD = (-2.0, 2.0), 0.5


def sample_target(rng, n):
    """n draws of ½·N(−2, 0.5²) + ½·N(2, 0.5²), float32."""
    centres = np.asarray(MODES)[rng.integers(len(MODES), size=n)]
    return (centres + MODE_SD * rng.standard_normal(n)).astype(np.float32)


def target_density(x):
    return sum(np.exp(-0.5 * ((x - m) / MODE_SD) ** 2) / (MODE_SD * math.sqrt(2 * math.pi))
               for m in MODES) / len(MODES)


def wasserstein_1d(a, b):
    """W₁ between two equal-size 1-D samples: the mean gap between their sorted values."""
    return float(np.abs(np.sort(a) - np.sort(b)).mean())


def mlp(n_in, hidden, n_out):
    return nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                         nn.Linear(hidden, n_out))


def statistics(samples, reference):
    return {"mean": float(samples.mean()), "std": float(samples.std()),
            "right_mode_fraction": float((samples > 0).mean()),
            "w1": wasserstein_1d(samples, reference)}


def window_means(values, width):
    """Means of consecutive windows of ``width`` values (the last one may be shorter)."""
    return [float(np.mean(values[i:i + width])) for i in range(0, len(values), width)]


def train_gan(seed, cfg):
    base.seed_everything(seed)
    rng = np.random.default_rng(seed)
    noise = cfg["gan_noise"]
    generator = mlp(noise, cfg["gan_hidden"], 1)
    discriminator = mlp(1, cfg["gan_hidden"], 1)
    g_opt = optim.Adam(generator.parameters(), lr=cfg["gan_lr"], betas=(0.5, 0.999))
    d_opt = optim.Adam(discriminator.parameters(), lr=cfg["gan_lr"], betas=(0.5, 0.999))
    n_eval = cfg["gan_eval_samples"]
    eval_noise = mg.tensor(rng.standard_normal((n_eval, noise)).astype(np.float32))
    reference = sample_target(np.random.default_rng(10_000 + seed), n_eval)

    def generate():
        with mg.no_grad():
            return generator(eval_noise).numpy().ravel()

    untrained = generate()
    curve = {"step": [0], "w1": [wasserstein_1d(untrained, reference)], "d_loss": [],
             "g_loss": []}
    batch = cfg["gan_batch"]
    for step in range(1, cfg["gan_steps"] + 1):
        real = mg.tensor(sample_target(rng, batch).reshape(-1, 1))
        fake = generator(mg.tensor(rng.standard_normal((batch, noise)).astype(np.float32)))
        d_loss = losses.gan_discriminator_loss(discriminator(real), discriminator(fake.detach()))
        d_opt.zero_grad()
        d_loss.backward()
        d_opt.step()
        g_loss = losses.gan_generator_loss(discriminator(fake), non_saturating=True)
        g_opt.zero_grad()
        g_loss.backward()           # through the discriminator into the generator
        g_opt.step()                # (the discriminator's .grad it leaves is zeroed next step)
        curve["d_loss"].append(d_loss.item())
        curve["g_loss"].append(g_loss.item())
        if step % cfg["gan_eval_every"] == 0 or step == cfg["gan_steps"]:
            curve["step"].append(step)
            curve["w1"].append(wasserstein_1d(generate(), reference))
    trained = generate()
    last_quarter = [w for s, w in zip(curve["step"], curve["w1"])
                    if s >= 0.75 * cfg["gan_steps"]]
    return {"curve": curve, "untrained": statistics(untrained, reference),
            "trained": statistics(trained, reference),
            "target": statistics(sample_target(np.random.default_rng(20_000 + seed), n_eval),
                                 reference),
            "w1_last_quarter": float(np.mean(last_quarter)),
            "samples_untrained": untrained, "samples_trained": trained}


# --- the figures -------------------------------------------------------------------------------
def tile(images, gap=1, fill=0.2):
    """A (rows, columns, h, w) array of images as one picture, with ``gap`` pixels of grey
    ``fill`` between them (8×8 digits touching each other read as stripes)."""
    rows, cols, h, w = images.shape
    canvas = np.full((rows * (h + gap) - gap, cols * (w + gap) - gap), fill, dtype=float)
    for i in range(rows):
        for j in range(cols):
            canvas[i * (h + gap):i * (h + gap) + h, j * (w + gap):j * (w + gap) + w] = images[i, j]
    return canvas


def draw_vae(vae_runs, data):
    plt = pyplot()
    x_train, y_train, x_test, y_test = data
    best = vae_runs[0]
    model = best["model"]
    fig = plt.figure(figsize=(17, 8.2))
    grid = fig.add_gridspec(2, 3, width_ratios=[1, 1.15, 1], height_ratios=[1.6, 1])

    ax = fig.add_subplot(grid[0, 0])
    for i, run in enumerate(vae_runs):
        ax.plot(run["curve"]["epoch"], run["curve"]["train"], color="C0", alpha=0.8,
                label="train (mean over the epoch)" if i == 0 else None)
        ax.plot(run["curve"]["epoch"], run["curve"]["test"], color="C1", alpha=0.8,
                label="test" if i == 0 else None)
    floor = bce_floor(x_test)
    ax.axhline(floor, color="gray", ls=":",
               label=f"reconstruction floor {floor:.1f}\n(BCE of a perfect copy)")
    ax.set_ylim(floor - 2, min(max(vae_runs[0]["curve"]["test"]) + 2, 60))
    ax.set_xlabel("epoch")
    ax.set_ylabel("−ELBO per image (nats)")
    ax.set_title(f"(a) vae_loss falls ({len(vae_runs)} seed{'s' * (len(vae_runs) > 1)})")
    ax.legend(fontsize=8)

    ax = fig.add_subplot(grid[1, 0])
    picks = [int(np.flatnonzero(y_test == d)[k]) for k in range(2) for d in range(10)]
    with mg.no_grad():
        mu, _ = model.encode(mg.tensor(x_test[picks]))
        recon = model.decoder(mu).numpy()
    originals, decoded = x_test[picks].reshape(2, 10, 8, 8), recon.reshape(2, 10, 8, 8)
    ax.imshow(tile(np.stack([originals[0], decoded[0], originals[1], decoded[1]])),
              cmap="gray_r", vmin=0, vmax=1)
    ax.set_xticks([])
    ax.set_yticks([3.5, 12.5, 21.5, 30.5])
    ax.set_yticklabels(["test image", "decoded μ", "test image", "decoded μ"])
    ax.set_title("(b) reconstructions through the 2-D latent (seed 0)")

    ax = fig.add_subplot(grid[:, 1])
    points = best["mu_test"]
    scatter = ax.scatter(points[:, 0], points[:, 1], c=y_test, cmap="tab10", s=12, vmin=-0.5,
                         vmax=9.5)
    for d in range(10):
        cx, cy = np.median(points[y_test == d], axis=0)
        ax.text(cx, cy, str(d), fontsize=14, weight="bold", ha="center", va="center",
                bbox=dict(boxstyle="round,pad=0.15", fc="white", alpha=0.75, lw=0))
    fig.colorbar(scatter, ax=ax, ticks=range(10), label="digit", shrink=0.8)
    ax.set_xlabel("μ₁")
    ax.set_ylabel("μ₂")
    ax.set_title(f"(c) latent μ of the test images, seed 0 (labels at class medians;\n"
                 f"5-NN accuracy {best['latent_knn']:.0%}, chance 10 %)")

    ax = fig.add_subplot(grid[:, 2])
    n = 12
    lo, hi = np.percentile(points, 3, axis=0), np.percentile(points, 97, axis=0)
    z1, z2 = np.linspace(lo[0], hi[0], n), np.linspace(hi[1], lo[1], n)
    zs = np.array([[a, b] for b in z2 for a in z1], dtype=np.float32)
    with mg.no_grad():
        images = model.decoder(mg.tensor(zs)).numpy().reshape(n, n, 8, 8)
    ax.imshow(tile(images), cmap="gray_r", vmin=0, vmax=1)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title("(d) the decoder over a 12×12 grid of z\n(the central 94 % of (c)'s μ, same "
                 "orientation)")
    fig.tight_layout()
    return fig


def draw_gan(gan_runs, cfg):
    plt = pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.4))
    run = gan_runs[0]
    ax = axes[0]
    bins = np.linspace(-5, 5, 81)
    xs = np.linspace(-5, 5, 400)
    ax.hist(np.clip(run["samples_untrained"], -5, 5), bins=bins, density=True, alpha=0.45,
            color="C7", label=f"untrained generator (W₁ {run['untrained']['w1']:.2f};\n"
                              f"its narrow peak runs off the top)")
    ax.hist(run["samples_trained"], bins=bins, density=True, alpha=0.6, color="C0",
            label=f"trained generator (W₁ {run['trained']['w1']:.2f})")
    ax.plot(xs, target_density(xs), color="k", lw=1.5, label="target density")
    trained_peak = np.histogram(run["samples_trained"], bins=bins, density=True)[0].max()
    ax.set_ylim(0, 1.25 * max(trained_peak, target_density(np.asarray(MODES)).max()))
    ax.set_xlabel("x")
    ax.set_ylabel("density")
    ax.set_title("(a) generated samples (seed 0, 5000 draws)")
    ax.legend(fontsize=8)

    ax = axes[1]
    for i, r in enumerate(gan_runs):
        ax.plot(r["curve"]["step"], r["curve"]["w1"], color="C0", alpha=0.7,
                label="generator vs target" if i == 0 else None)
    floors = [r["target"]["w1"] for r in gan_runs]
    ax.axhline(np.mean(floors), color="gray", ls=":",
               label=f"target vs target (sampling floor {np.mean(floors):.3f})")
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("W₁ to the target")
    ax.set_title(f"(b) Wasserstein-1 distance ({len(gan_runs)} seed{'s' * (len(gan_runs) > 1)})")
    ax.legend(fontsize=8)

    ax = axes[2]
    width = max(1, cfg["gan_steps"] // 60)
    kernel = np.ones(width) / width
    for key, colour, label in (("d_loss", "C3", "discriminator loss"),
                               ("g_loss", "C2", "generator loss (non-saturating)")):
        smooth = np.convolve(run["curve"][key], kernel, mode="valid")
        ax.plot(np.arange(len(smooth)) + width, smooth, color=colour, label=label)
    ax.axhline(2 * math.log(2), color="C3", ls=":", lw=1, label="2·log 2 (D cannot tell)")
    ax.axhline(math.log(2), color="C2", ls=":", lw=1, label="log 2")
    ax.set_xlabel("step")
    ax.set_ylabel(f"loss (moving mean of {width} steps)")
    ax.set_title("(c) the two players' losses (seed 0)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


# --- the experiment -----------------------------------------------------------------------------
def run(setup):
    """Train the VAE and the GAN on every seed; the table, the results and the figures."""
    seeds, cfg = setup.seeds, setup.config
    fmt = base.fmt_mean_sd
    data = digits_unit_interval()

    start = time.perf_counter()
    vae_runs = [train_vae(seed, data, cfg) for seed in seeds]
    vae_time = time.perf_counter() - start
    start = time.perf_counter()
    gan_runs = [train_gan(seed, cfg) for seed in seeds]
    gan_time = time.perf_counter() - start

    floor = bce_floor(data[2])
    vae_rows = [
        ["−ELBO before training", fmt([r["initial"] for r in vae_runs], 1)],
        ["−ELBO after training", fmt([r["final"] for r in vae_runs], 1)],
        [f"  reconstruction (BCE summed over 64 pixels; floor {floor:.1f})",
         fmt([r["reconstruction"] for r in vae_runs], 1)],
        ["  KL(q(z∣x) ‖ N(0, I))", fmt([r["kl"] for r in vae_runs], 2)],
        ["5-NN accuracy of the digits in the 2-D latent μ (chance 10 %)",
         fmt([r["latent_knn"] for r in vae_runs], 1, scale=100) + " %"],
    ]
    gan_rows = []
    for label, key in (("untrained generator", "untrained"), ("trained generator", "trained"),
                       ("target (a second sample)", "target")):
        gan_rows.append([label] + [fmt([r[key][s] for r in gan_runs], 3)
                                   for s in ("mean", "std", "right_mode_fraction", "w1")])
    text = "\n".join([
        f"## generative, {len(seeds)} seed(s)" + (" (quick)" if setup.quick else ""), "",
        f"(a) VAE on the digits (pixels in [0, 1]), 2-D latent, {cfg['vae_epochs']} epochs; "
        f"test set, nats per image:", "",
        base.markdown_table(["quantity (test set)", "mean ± sd over seeds"], vae_rows), "",
        f"(b) GAN on ½·N(−2, 0.5²) + ½·N(2, 0.5²), non-saturating generator loss, "
        f"{cfg['gan_steps']} steps; {cfg['gan_eval_samples']} samples "
        f"(target: mean 0, std {math.sqrt(MODE_SD ** 2 + 4):.3f}, half the mass right of 0). "
        f"W₁ over the last quarter of training: "
        f"{fmt([r['w1_last_quarter'] for r in gan_runs], 3)}.", "",
        base.markdown_table(["samples", "mean", "std", "fraction > 0", "W₁ to the target"],
                              gan_rows), "",
        f"time: VAE {vae_time:.1f} s, GAN {gan_time:.1f} s",
    ])
    return base.Report(text, {
        "vae": [{k: v for k, v in r.items() if k not in ("model", "mu_test")} for r in vae_runs],
        "vae_reconstruction_floor": floor,
        "gan": [{**{k: v for k, v in r.items() if not k.startswith("samples")},
                 "curve": {**r["curve"],   # the per-step losses as means over windows
                           **{key: window_means(r["curve"][key], cfg["gan_eval_every"])
                              for key in ("d_loss", "g_loss")}}} for r in gan_runs],
        "gan_loss_window": cfg["gan_eval_every"],
        "seconds": {"vae": vae_time, "gan": gan_time},
    }, {"vae_digits": draw_vae(vae_runs, data), "gan_toy": draw_gan(gan_runs, cfg)})
