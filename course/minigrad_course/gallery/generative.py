"""Lesson 07, generative losses: the GAN generator's saturating and non-saturating losses, and
the VAE loss's KL term against a Monte Carlo estimate."""
import numpy as np

from minigrad import losses
from minigrad.calculus import derivatives

from ..plotting import pyplot
from .problems import KL_SETTINGS, kl_closed_form, kl_monte_carlo


def gan_generator_gradients():
    """Seed 000's adversarial loss: the generator's two losses against the discriminator's
    logit l on a generated sample (D = σ(l)): minimax log(1 − σ(l)) and non-saturating
    −log σ(l), and the size of their slopes (engine) — the minimax one vanishes exactly where
    the discriminator confidently rejects the fakes."""
    plt = pyplot()
    l = np.linspace(-8, 4, 601)
    curves = {
        "minimax (saturating): log(1 − D)":
            lambda t: losses.gan_generator_loss(t, non_saturating=False, reduction="none"),
        "non-saturating: −log D":
            lambda t: losses.gan_generator_loss(t, non_saturating=True, reduction="none"),
    }
    fig, (value_ax, slope_ax) = plt.subplots(1, 2, figsize=(12, 4.3))
    for k, (name, fn) in enumerate(curves.items()):
        value, slope = derivatives(fn, l, order=1)
        value_ax.plot(l, value, color=f"C{k}", label=name)
        slope_ax.plot(l, np.abs(slope), color=f"C{k}", label=name)
    for ax in (value_ax, slope_ax):
        ax.axvspan(-8, -3, color="C3", alpha=0.08)
        ax.set_xlabel("discriminator's logit l on a generated sample (D = σ(l))")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    value_ax.annotate("D confidently says 'fake'", (-7.8, 3.5), color="C3", fontsize=9)
    value_ax.set(ylabel="generator loss", ylim=(-4.5, 8.5),
                 title="both are minimised by raising l (fooling D)")
    slope_ax.set(yscale="log", ylabel="|∂loss/∂l| (engine)", ylim=(1e-4, 2),
                 title="where D wins, the minimax gradient vanishes (≈ σ(l))")
    fig.tight_layout()
    return fig


def vae_kl_monte_carlo(n=20000):
    """The KL term of the VAE loss against its Monte Carlo estimate: running means of
    log q(z) − log p(z) over draws z ~ q converge to the closed form that vae_loss computes."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    count = np.arange(1, n + 1)
    for k, (mu, sigma) in enumerate(KL_SETTINGS):
        mean, se = kl_monte_carlo(mu, sigma, n, seed=k)
        exact = kl_closed_form(mu, sigma)[0]
        ax.plot(count, mean, color=f"C{k}", label=f"μ = {mu:g}, σ = {sigma:g}: closed form "
                                                   f"{exact:.3f}")
        ax.fill_between(count, mean - 2 * se, mean + 2 * se, color=f"C{k}", alpha=0.15, lw=0)
        ax.axhline(exact, color=f"C{k}", ls=":", lw=1.2)
    ax.set(xscale="log", xlim=(10, n), ylim=(0, 4.2), xlabel="Monte Carlo draws z ~ q",
           ylabel="KL(q ‖ N(0, 1))",
           title="KL term of vae_loss (dotted) against the running Monte Carlo mean\n"
                 "of log q(z) − log p(z) (band: ±2 standard errors)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
