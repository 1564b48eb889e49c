"""The toy problems of the figures and lessons, and the helpers that solve or train them with
the engine: logistic data with two weights and its regularisation path (lesson 02), coin flips
and a likelihood surface (03), a digits classifier trained with label smoothing (05), points
in the plane for the ranking losses and an image for the overlap losses (06), the Gaussians of
the KL check (07)."""
import numpy as np

import minigrad as mg
from minigrad import losses, nn, optim
from minigrad.data import DataLoader, TensorDataset, load_digits
from minigrad.train import accuracy, fit

from .metrics import expected_calibration_error


def logistic_sample(n, weights, bias, seed):
    """n points x ~ N(0, I) with labels y ~ Bernoulli(σ(x·weights + bias)), float64 arrays."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, len(weights)))
    p = 1.0 / (1.0 + np.exp(-(x @ np.asarray(weights, dtype=float) + bias)))
    return x, (rng.random(n) < p).astype(np.float64)


def two_weight_problem(n=200, seed=0):
    """Data of a logistic regression with two weights and no bias: (x of shape (n, 2), y).

    The true weights are (2, 0.4): one strong feature and one weak one, so that an L1 penalty
    visibly drives the weak weight to 0 before the strong one.
    """
    return logistic_sample(n, (2.0, 0.4), 0.0, seed)


PATH_LAMBDAS = (0.0, 0.01, 0.03, 0.1, 0.2, 0.3, 0.5, 1.0)


def regularization_path(lams=PATH_LAMBDAS, penalty="l2", steps=3000, lr=0.5, n=200, seed=0):
    """Minimisers of J(w) + λ·Ω(w) for each λ in ``lams``, on :func:`two_weight_problem`.

    J is the mean binary cross-entropy of logits x·w; Ω(w) = Σw² ('l2') or Σ|w| ('l1').  All
    λ are solved at once: the rows of a (K, 2) tensor W are independent problems, so the
    engine's gradient of Σₖ [Jₖ(Wₖ) + λₖΩ(Wₖ)] holds each problem's gradient in its row.
    Plain gradient descent with step ``lr``; for 'l1' the step shrinks in the second half of
    the run (as lr/(1 + t'/5)), so that the subgradient's zig-zag around 0 dies out (the
    result is then within about 1e-3 of the exact minimiser).  Returns a (K, 2) float64 array.
    """
    if penalty not in ("l1", "l2"):
        raise ValueError(f"penalty: expected 'l1' or 'l2', got {penalty!r}")
    x, y = two_weight_problem(n, seed)
    features = mg.Tensor(x.T, dtype="float64")                       # (2, n)
    targets = mg.Tensor(np.broadcast_to(y, (len(lams), n)).copy(), dtype="float64")
    lam = mg.Tensor(np.asarray(lams, dtype=np.float64), dtype="float64")
    W = mg.Tensor(np.zeros((len(lams), 2)), dtype="float64", requires_grad=True)
    for t in range(steps):
        logits = W @ features                                   # (K, n)
        pointwise = losses.binary_cross_entropy_with_logits(logits, targets, reduction="none")
        risk = pointwise.mean(axis=1)
        omega = (W * W).sum(axis=1) if penalty == "l2" else W.abs().sum(axis=1)
        (g,) = mg.grad((risk + lam * omega).sum(), W)
        late = t - steps // 2
        step = lr if penalty == "l2" or late < 0 else lr / (1.0 + late / 5.0)
        W = mg.Tensor(W.numpy() - step * g.numpy(), dtype="float64", requires_grad=True)
    return W.numpy()


def risk_on_grid(x, y, w1, w2):
    """J(w) = mean BCE of logits x·w, at every point of the grid w1 × w2 (engine values)."""
    grid = np.stack(np.meshgrid(w1, w2), axis=-1).reshape(-1, 2)      # (G, 2)
    logits = mg.Tensor(grid, dtype="float64") @ mg.Tensor(x.T, dtype="float64")  # (G, n)
    targets = mg.Tensor(np.broadcast_to(y, logits.shape).copy(), dtype="float64")
    risk = losses.binary_cross_entropy_with_logits(logits, targets, reduction="none").mean(axis=1)
    return risk.numpy().reshape(len(w2), len(w1))


def coin_flips(n=50, theta=0.3, seed=0):
    """n Bernoulli(θ) draws (float64 zeros and ones): the data of the simplest likelihood."""
    return (np.random.default_rng(seed).random(n) < theta).astype(np.float64)


def logistic_likelihood_surface(n=100, weight=1.5, bias=-0.5, seed=0, steps=500, lr=1.0):
    """The log-likelihood of a one-feature logistic regression over a grid of (w, b), and the
    minimiser of the mean binary cross-entropy found by gradient descent with the engine.

    Returns a dict: x, y (the data), w, b (grid axes), loglik (mean log-likelihood ℓ/n on the
    grid, shape (len(b), len(w))), grid_argmax (w, b), bce_argmin (w, b), truth (w, b).
    """
    x, y = logistic_sample(n, (weight,), bias, seed)
    x = x[:, 0]
    w, b = np.linspace(-0.5, 3.5, 161), np.linspace(-2.0, 1.0, 121)
    W, B = np.meshgrid(w, b)
    logits = mg.Tensor(W[..., None] * x + B[..., None], dtype="float64")  # (len(b), len(w), n)
    targets = mg.Tensor(np.broadcast_to(y, logits.shape).copy(), dtype="float64")
    p = logits.sigmoid()
    loglik = (targets * p.log() + (1 - targets) * (1 - p).log()).mean(axis=-1).numpy()
    row, col = np.unravel_index(np.argmax(loglik), loglik.shape)

    params = mg.Tensor(np.zeros(2), dtype="float64", requires_grad=True)
    xs, ys = mg.Tensor(x, dtype="float64"), mg.Tensor(y, dtype="float64")
    for _ in range(steps):
        bce = losses.binary_cross_entropy_with_logits(params[0] * xs + params[1], ys)
        (g,) = mg.grad(bce, params)
        params = mg.Tensor(params.numpy() - lr * g.numpy(), dtype="float64", requires_grad=True)
    return {"x": x, "y": y, "w": w, "b": b, "loglik": loglik,
            "grid_argmax": (w[col], b[row]), "bce_argmin": tuple(params.numpy()),
            "truth": (weight, bias)}


CALIBRATION_EPSILONS = (0.0, 0.1)


CALIBRATION_SEEDS = (0, 1, 2)


def train_digits_classifier(label_smoothing=0.0, seed=0, hidden=64, epochs=30, lr=1e-2,
                            batch_size=64):
    """A softmax classifier (64 → ``hidden`` → 10, ReLU; no hidden layer when ``hidden`` is 0)
    trained on scikit-learn's digits with cross_entropy(label_smoothing=ε) and Adam.

    ``seed`` fixes the train/test split, the initialisation and the batches.  Returns
    (test probabilities of shape (n_test, 10), test labels, training accuracy), NumPy arrays.
    """
    mg.manual_seed(seed)
    data = load_digits(seed=seed)
    if hidden:
        model = nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))
    else:
        model = nn.Linear(64, 10)
    loader = DataLoader(TensorDataset(data.x_train, data.y_train), batch_size=batch_size,
                        shuffle=True)
    fit(model, lambda out, y: losses.cross_entropy(out, y, label_smoothing=label_smoothing),
        optim.Adam(model.parameters(), lr=lr), loader, epochs=epochs, progress=False)
    model.eval()
    with mg.no_grad():
        probs = mg.softmax(model(data.x_test), axis=1).numpy().astype(np.float64)
        train_accuracy = accuracy(model(data.x_train), data.y_train)
    return probs, data.y_test.numpy(), train_accuracy


def digits_calibration(epsilons=CALIBRATION_EPSILONS, seeds=CALIBRATION_SEEDS, **training):
    """Train :func:`train_digits_classifier` once per ε and seed; measure on the test split.

    Returns {ε: {"probs": [per seed], "labels": [per seed], and per-seed lists "accuracy",
    "confidence" (mean largest probability), "ece", "nll" (mean −log p of the true class),
    "train_accuracy"}}.
    """
    results = {}
    for eps in epsilons:
        runs = {key: [] for key in ("probs", "labels", "accuracy", "confidence", "ece", "nll",
                                    "train_accuracy")}
        for seed in seeds:
            probs, labels, train_accuracy = train_digits_classifier(eps, seed, **training)
            runs["probs"].append(probs)
            runs["labels"].append(labels)
            runs["accuracy"].append(float(np.mean(probs.argmax(axis=1) == labels)))
            runs["confidence"].append(float(probs.max(axis=1).mean()))
            runs["ece"].append(expected_calibration_error(probs, labels))
            runs["nll"].append(float(-np.log(probs[np.arange(len(labels)), labels]).mean()))
            runs["train_accuracy"].append(train_accuracy)
        results[eps] = runs
    return results


TRIPLET_TOY = {"anchor": (0.0, 0.0), "positive": (1.2, 0.6), "hard negative": (0.8, -0.5),
               "easy negative": (-2.6, 0.4)}
"""Four points in the plane: two triplets (anchor, positive, hard negative) and (anchor, positive,
easy negative); the hard negative is inside the margin, the easy one beyond it."""


CONTRASTIVE_TOY = {  # name: (first point, second point, y)
    "similar pair": ((-0.75, 0.3), (0.75, 0.3), 1.0),
    "dissimilar, too close": ((-0.3, -1.0), (0.3, -1.0), 0.0),
    "dissimilar, far enough": ((-0.9, 1.5), (0.9, 1.5), 0.0),
}
"""Three pairs in the plane for the contrastive loss with margin 1."""


def triplet_toy_gradients(points=None, margin=1.0):
    """The engine's gradient of the summed triplet losses of (anchor, positive, n) for each
    negative n of ``points`` (default :data:`TRIPLET_TOY`), with respect to every point.

    Returns ({name: gradient (2,)}, the loss of each triplet)."""
    points = TRIPLET_TOY if points is None else points
    names = list(points)
    P = mg.Tensor(np.array([points[name] for name in names], dtype=np.float64), dtype="float64",
               requires_grad=True)
    negatives = list(range(2, len(names)))
    loss = losses.triplet_margin_loss(P[[0] * len(negatives)], P[[1] * len(negatives)],
                                      P[negatives], margin=margin, reduction="none")
    (g,) = mg.grad(loss.sum(), P)
    return dict(zip(names, g.numpy())), loss.numpy()


def contrastive_toy_gradients(pairs=None, margin=1.0):
    """The engine's gradient of each pair's contrastive loss with respect to both its points.

    Returns {name: (gradient of the first point, of the second point, the pair's loss)}."""
    pairs = CONTRASTIVE_TOY if pairs is None else pairs
    names = list(pairs)
    x1 = mg.Tensor(np.array([pairs[n][0] for n in names]), dtype="float64", requires_grad=True)
    x2 = mg.Tensor(np.array([pairs[n][1] for n in names]), dtype="float64", requires_grad=True)
    y = mg.Tensor(np.array([pairs[n][2] for n in names]), dtype="float64")
    loss = losses.contrastive_loss(x1, x2, y, margin=margin, reduction="none")
    g1, g2 = mg.grad(loss.sum(), [x1, x2])
    return {n: (g1.numpy()[k], g2.numpy()[k], loss.numpy()[k]) for k, n in enumerate(names)}


def overlap_gradients(n_pixels=256, counts=None, p=0.5):
    """The gradients of BCE (mean over pixels), Dice and IoU with respect to the logits of one
    image of ``n_pixels`` pixels, k of them foreground, where the network predicts σ(x) = ``p``
    everywhere (an untrained network: p = ½), for each k in ``counts`` (default 1 … n/2).

    Returns (counts, {loss: {"foreground": |∂L/∂x| of one foreground pixel, "background": of
    one background pixel, "share": the foreground's part of Σ|∂L/∂x|,
    "push": −Σ∂L/∂x / Σ|∂L/∂x|, the net push on a bias shared by all pixels (positive: towards
    foreground)}}), NumPy arrays.
    """
    counts = np.unique(np.geomspace(1, n_pixels // 2, 40).astype(int)) if counts is None \
        else np.asarray(counts)
    targets = (np.arange(n_pixels)[None, :] < counts[:, None]).astype(np.float64)  # (K, n)
    y = mg.Tensor(targets, dtype="float64")
    logit = float(np.log(p / (1 - p)))
    pointwise = {
        "BCE": lambda x: losses.binary_cross_entropy_with_logits(x, y, reduction="none")
        .mean(axis=1),
        "Dice": lambda x: losses.dice_loss(x.sigmoid(), y, reduction="none"),
        "IoU": lambda x: losses.iou_loss(x.sigmoid(), y, reduction="none"),
        "Dice, ε = 0.01": lambda x: losses.dice_loss(x.sigmoid(), y, eps=0.01, reduction="none"),
    }
    out = {}
    for name, fn in pointwise.items():
        x = mg.Tensor(np.full(targets.shape, logit), dtype="float64", requires_grad=True)
        (g,) = mg.grad(fn(x).sum(), x)   # the rows are independent images: row k is image k's
        g = g.numpy()
        total = np.abs(g).sum(axis=1)
        out[name] = {"foreground": np.abs(g[:, 0]), "background": np.abs(g[:, -1]),
                     "share": (np.abs(g) * targets).sum(axis=1) / total,
                     "push": -g.sum(axis=1) / total}
    return counts, out


KL_SETTINGS = ((1.0, 0.5), (0.5, 0.2), (0.0, 0.1), (-2.5, 1.5))
"""(μ, σ) of the Gaussians q = N(μ, σ²) whose KL to N(0, 1) the Monte Carlo check estimates."""


def kl_closed_form(mu, sigma):
    """KL(N(μ, σ²) ‖ N(0, 1)) from ``vae_loss`` itself: its reconstruction term is 0 for a
    reconstruction of 0 against a target of 0, so what remains is the KL term (engine)."""
    mu = np.atleast_1d(np.asarray(mu, dtype=np.float64))
    logvar = 2 * np.log(np.atleast_1d(np.asarray(sigma, dtype=np.float64)))
    zero = mg.Tensor(np.zeros((mu.size, 1)), dtype="float64")
    kl = losses.vae_loss(zero, zero, mg.Tensor(mu.reshape(-1, 1), dtype="float64"),
                         mg.Tensor(logvar.reshape(-1, 1), dtype="float64"), reduction="none")
    return kl.numpy()


def kl_monte_carlo(mu, sigma, n, seed=0):
    """Running Monte Carlo estimates of KL(q ‖ p) = E_q[log q(z) − log p(z)], q = N(μ, σ²),
    p = N(0, 1), from n draws z ~ q: (running mean, its standard error), NumPy arrays."""
    z = mu + sigma * np.random.default_rng(seed).standard_normal(n)
    log_ratio = -0.5 * ((z - mu) / sigma) ** 2 - np.log(sigma) + 0.5 * z ** 2
    count = np.arange(1, n + 1)
    mean = np.cumsum(log_ratio) / count
    second = np.cumsum(log_ratio ** 2) / count
    return mean, np.sqrt(np.maximum(second - mean ** 2, 0) / count)
