"""Losses of generative models (seed 000): the VAE's evidence bound and the GAN's two players."""
from .. import functional as F
from .classification import binary_cross_entropy
from .facts import loss
from .regression import mse_loss
from .risk import reduce
from .validation import check_bool, check_choice, check_float_like, check_ndim, check_tensor


@loss(family="generative", formula="Σ recon(x̂, x) - ½Σ(1 + logvar - μ² - e^logvar)",
      reference="numpy:vae_loss", convex=True, smooth=True, kinks="none", module="VAELoss")
def vae_loss(x_recon, x, mu, logvar, recon="bce", reduction="mean"):
    """Negative evidence lower bound of a VAE, per sample (row):

        𝓛 = Σ_features recon(x̂, x) + KL(N(μ, σ²) ‖ N(0, 1)),
        KL = -½·Σ_latent (1 + log σ² - μ² - σ²),

    recon 'bce' (x̂ are probabilities, e.g. a sigmoid decoder; binary_cross_entropy) or 'mse'
    (squared error).  The reduction then runs over the batch.
    """
    check_tensor("x_recon", x_recon)
    check_ndim("x_recon", x_recon, (2,))
    check_float_like("x", x, "x_recon", x_recon)
    check_tensor("mu", mu)
    check_ndim("mu", mu, (2,))
    check_float_like("mu", mu, "x_recon", x_recon, same_shape=False)
    if mu.shape[0] != x_recon.shape[0]:
        raise ValueError(f"mu: batch size {mu.shape[0]} differs from x_recon's {x_recon.shape[0]}")
    check_float_like("logvar", logvar, "mu", mu)
    check_choice("recon", recon, ("bce", "mse"))
    if recon == "bce":
        reconstruction = binary_cross_entropy(x_recon, x, reduction="none")
    else:
        reconstruction = mse_loss(x_recon, x, reduction="none")
    kl = -0.5 * (1.0 + logvar - mu * mu - F.exp(logvar)).sum(axis=1)
    return reduce(reconstruction.sum(axis=1) + kl, reduction)


@loss(family="generative", formula="softplus(-real) + softplus(fake)",
      reference="numpy:gan_discriminator_loss", convex=True, smooth=True, kinks="none",
      module="GANDiscriminatorLoss")
def gan_discriminator_loss(real_logits, fake_logits, reduction="mean"):
    """The discriminator's loss: BCE-with-logits of real → 1 plus fake → 0,

        𝓛 = -log σ(real) - log(1 - σ(fake)) = softplus(-real) + softplus(fake),

    for real and fake logits of one shape (pair them up; 'mean' then averages each term).
    """
    check_tensor("real_logits", real_logits)
    check_float_like("fake_logits", fake_logits, "real_logits", real_logits)
    return reduce(F.softplus(-real_logits) + F.softplus(fake_logits), reduction)


@loss(family="generative", formula="softplus(-fake); minimax: -softplus(fake)",
      reference="numpy:gan_generator_loss", convex=True, smooth=True,
      kinks="none (the minimax form is concave)", module="GANGeneratorLoss")
def gan_generator_loss(fake_logits, non_saturating=True, reduction="mean"):
    """The generator's loss on the discriminator's logits for generated samples:

        non-saturating (default):  𝓛 = -log σ(fake) = softplus(-fake)
        minimax (False):           𝓛 = log(1 - σ(fake)) = -softplus(fake)

    The minimax form has a vanishing gradient while the discriminator rejects the fakes
    confidently (fake → -∞), which is why the non-saturating form is used in practice.
    """
    check_tensor("fake_logits", fake_logits)
    check_bool("non_saturating", non_saturating)
    if non_saturating:
        return reduce(F.softplus(-fake_logits), reduction)
    return reduce(-F.softplus(fake_logits), reduction)
