"""Loss modules: one class per function of minigrad.losses, as torch.nn.MSELoss is to
torch.nn.functional.mse_loss.

Each class is generated from its function's signature: the arguments without a default are the
tensors ``forward`` takes; those with a default are the options the constructor takes (same
names, same defaults), kept as attributes.  So the checks of every argument stay in one place,
the function::

    criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
    loss = criterion(logits, labels)      # = losses.cross_entropy(logits, labels, label_smoothing=0.1)
"""
import inspect

from .. import losses
from .module import Module

CLASS_NAMES = {
    "mse_loss": "MSELoss", "l1_loss": "L1Loss", "huber_loss": "HuberLoss",
    "smooth_l1_loss": "SmoothL1Loss", "log_cosh_loss": "LogCoshLoss", "smae_loss": "SMAELoss",
    "binary_cross_entropy": "BCELoss", "binary_cross_entropy_with_logits": "BCEWithLogitsLoss",
    "cross_entropy": "CrossEntropyLoss", "nll_loss": "NLLLoss", "kl_div": "KLDivLoss",
    "sigmoid_focal_loss": "SigmoidFocalLoss", "focal_loss": "FocalLoss",
    "hinge_loss": "HingeLoss", "square_loss": "SquareLoss", "logistic_loss": "LogisticLoss",
    "zero_one_loss": "ZeroOneLoss", "m_loss": "MLoss", "l_loss": "LLoss",
    "contrastive_loss": "ContrastiveLoss", "triplet_margin_loss": "TripletMarginLoss",
    "dice_loss": "DiceLoss", "iou_loss": "IoULoss", "dice_bce_loss": "DiceBCELoss",
    "vae_loss": "VAELoss", "gan_discriminator_loss": "GANDiscriminatorLoss",
    "gan_generator_loss": "GANGeneratorLoss", "detection_loss": "DetectionLoss",
    "td_loss": "TDLoss", "policy_gradient_loss": "PolicyGradientLoss",
}


def loss_class(function, class_name):
    """A Module subclass whose constructor takes ``function``'s options and whose forward
    takes its tensors."""
    parameters = inspect.signature(function).parameters.values()
    inputs = [p.name for p in parameters if p.default is p.empty]
    options = [p for p in parameters if p.default is not p.empty]
    init_signature = inspect.Signature(options)

    def __init__(self, *args, **kwargs):
        Module.__init__(self)
        try:
            bound = init_signature.bind(*args, **kwargs)
        except TypeError as err:
            raise TypeError(f"{class_name}: {err}; its options are "
                            f"{[p.name for p in options]}") from None
        bound.apply_defaults()
        for name, value in bound.arguments.items():
            setattr(self, name, value)

    def forward(self, *tensors):
        if len(tensors) != len(inputs):
            raise TypeError(f"{class_name}: forward takes {len(inputs)} tensors "
                            f"({', '.join(inputs)}), got {len(tensors)}")
        return function(*tensors, **{p.name: getattr(self, p.name) for p in options})

    def __repr__(self):
        settings = ", ".join(f"{p.name}={getattr(self, p.name)!r}" for p in options
                             if getattr(self, p.name) is not p.default)
        return f"{class_name}({settings})"

    __init__.__signature__ = inspect.Signature(
        [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)] + options)
    doc = (f"Module form of minigrad.losses.{function.__name__}: "
           f"{class_name}({', '.join(p.name for p in options)})({', '.join(inputs)}).\n\n"
           f"{inspect.getdoc(function)}")
    return type(class_name, (Module,), {
        "__init__": __init__, "forward": forward, "__repr__": __repr__, "__doc__": doc,
        "__module__": __name__, "function": staticmethod(function),
        "inputs": tuple(inputs), "options": tuple(p.name for p in options)})


for _function_name, _class_name in CLASS_NAMES.items():
    globals()[_class_name] = loss_class(getattr(losses, _function_name), _class_name)

__all__ = list(CLASS_NAMES.values())
