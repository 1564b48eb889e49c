"""Optimisers: SGD (with momentum and Nesterov), Adam and AdamW, as in torch.optim.

An optimiser holds parameters (tensors with ``requires_grad=True``) and, at each ``step()``,
moves them against their gradient ``.grad``.  Updates act on the raw arrays (``.data``), in
place, through the arrays' own operators and the tensor's array module ``xp``: they record no
graph, and run unchanged on the CPU and on a GPU.

    opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
    for x, y in loader:
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

The update rules follow PyTorch's exactly (same order of operations), so twenty steps agree
with ``torch.optim`` to the last digits in float64.
"""
import math
import numbers

from . import autograd
from .tensor import Tensor


class Optimizer:
    """Base class: parameter groups, per-parameter state, zero_grad, state_dict.

    ``params`` is an iterable of tensors, or of dicts ``{'params': [...], 'lr': ...}`` (one per
    group, each overriding the defaults).  Subclasses implement ``update(p, state, group)``.
    """

    def __init__(self, params, defaults):
        if isinstance(params, Tensor) or not hasattr(params, "__iter__"):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            f"Tensors or dicts, but got {type(params).__name__}")
        self.defaults = dict(defaults)
        self.check_hyperparameters(self.defaults)
        params = list(params)
        if not params:
            raise ValueError(f"{type(self).__name__}: got an empty list of parameters")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        self.param_groups = []
        self.state = {}  # parameter -> {name: array or int}; tensors hash by identity
        for group in groups:
            self.add_param_group(group)

    def check_hyperparameters(self, group):
        """Raise ValueError (TypeError for one that is not a number) naming the first bad
        hyperparameter in ``group``."""
        for name in ("lr", "momentum", "dampening", "weight_decay", "eps"):
            _check_number(self, name, group.get(name, 0.0))
        for beta in group.get("betas", ()):
            _check_number(self, "betas", beta)
        if group["lr"] < 0:
            raise ValueError(f"{type(self).__name__}: lr must be ≥ 0, got {group['lr']}")
        if group.get("weight_decay", 0) < 0:
            raise ValueError(f"{type(self).__name__}: weight_decay must be ≥ 0, "
                             f"got {group['weight_decay']}")

    def add_param_group(self, group):
        """Add a dict ``{'params': [...], ...}``; missing hyperparameters take the defaults."""
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError(f"{type(self).__name__}: a parameter group is a dict with a "
                            "'params' entry")
        params = [group["params"]] if isinstance(group["params"], Tensor) else list(group["params"])
        known = {id(p) for g in self.param_groups for p in g["params"]}
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"{type(self).__name__}: parameter {i} is a "
                                f"{type(p).__name__}, not a minigrad Tensor")
            if not (p.requires_grad and p.is_leaf):
                raise ValueError(f"{type(self).__name__}: parameter {i} (shape {p.shape}) is "
                                 "not a leaf tensor with requires_grad=True")
            if id(p) in known:
                raise ValueError(f"{type(self).__name__}: parameter {i} (shape {p.shape}) "
                                 "appears twice")
            known.add(id(p))
        full_group = {**self.defaults, **group, "params": params}
        self.check_hyperparameters(full_group)
        self.param_groups.append(full_group)

    def zero_grad(self):
        """Forget every parameter's gradient (``.grad = None``)."""
        for group in self.param_groups:
            for p in group["params"]:
                p.grad = None

    def step(self, closure=None):
        """Update every parameter that has a gradient; ``closure`` (optional) recomputes the
        loss and is called first, its value returned."""
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    if not getattr(getattr(p.data, "flags", None), "writeable", True):
                        raise RuntimeError(
                            f"{type(self).__name__}.step: a parameter (shape {p.shape}) is "
                            "read-only (its array is not writeable, e.g. from_numpy of a "
                            "read-only array); give the optimiser a writable copy "
                            "(minigrad.tensor(array, requires_grad=True))")
                    self.update(p, self.state.setdefault(p, {}), group)
                    autograd.bump_version(p)  # the update changed p's array in place
        return loss

    def update(self, p, state, group):
        raise TypeError(f"{type(self).__name__} has no update(); subclasses define it")

    # --- state ---------------------------------------------------------------------------------
    def state_dict(self):
        """{'state': {index: {name: array copy or int}}, 'param_groups': [{..., 'params':
        [indices]}]}, parameters numbered in order across the groups (PyTorch's layout)."""
        index, groups, state = 0, [], {}
        for group in self.param_groups:
            indices = []
            for p in group["params"]:
                if p in self.state:
                    state[index] = {k: (v.copy() if hasattr(v, "copy") else v)
                                    for k, v in self.state[p].items()}
                indices.append(index)
                index += 1
            groups.append({**{k: v for k, v in group.items() if k != "params"},
                           "params": indices})
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore hyperparameters and state saved by :meth:`state_dict` from an optimiser
        over parameters of the same shapes, in the same groups."""
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError(f"load_state_dict: the state has {len(groups)} parameter groups, "
                             f"this optimiser {len(self.param_groups)}")
        params = {}
        for saved, group in zip(groups, self.param_groups):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(f"load_state_dict: a group has {len(saved['params'])} "
                                 f"parameters in the state, {len(group['params'])} here")
            params.update(zip(saved["params"], group["params"]))
        new_state = {}
        for index, values in state_dict["state"].items():
            p = params[index]
            new_state[p] = {}
            for name, value in values.items():
                if hasattr(value, "shape"):
                    if tuple(value.shape) != p.shape:
                        raise ValueError(f"load_state_dict: state {name!r} of parameter {index} "
                                         f"has shape {tuple(value.shape)}, the parameter "
                                         f"{p.shape}")
                    value = p.xp.asarray(value).astype(p.dtype, copy=True)
                new_state[p][name] = value
        for saved, group in zip(groups, self.param_groups):
            group.update({k: v for k, v in saved.items() if k != "params"})
        self.state = new_state

    def __repr__(self):
        lines = [f"{type(self).__name__}("]
        for i, group in enumerate(self.param_groups):
            settings = ", ".join(f"{k}={v}" for k, v in group.items() if k != "params")
            lines.append(f"  group {i}: {len(group['params'])} parameters, {settings}")
        return "\n".join(lines + [")"])


def _check_number(optimizer, name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{type(optimizer).__name__}: {name} must be a number, got "
                        f"{type(value).__name__} {value!r}")


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum, Nesterov momentum and L2 decay.

        d = ∇θ + λ·θ                                   (weight_decay λ)
        b = d at the first step, else  b = μ·b + (1 − τ)·d   (momentum μ, dampening τ)
        d = d + μ·b  if nesterov,  else  d = b
        θ = θ − lr·d
    """

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, nesterov=False,
                 weight_decay=0.0):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      nesterov=nesterov, weight_decay=weight_decay))

    def check_hyperparameters(self, group):
        super().check_hyperparameters(group)
        if group["momentum"] < 0:
            raise ValueError(f"SGD: momentum must be ≥ 0, got {group['momentum']}")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("SGD: nesterov needs momentum > 0 and dampening = 0")

    def update(self, p, state, group):
        # BEGIN TASK 6 optim
        d = p.grad.data
        if group["weight_decay"]:
            d = d + group["weight_decay"] * p.data
        momentum = group["momentum"]
        if momentum:
            buffer = state.get("momentum_buffer")
            if buffer is None:
                buffer = state["momentum_buffer"] = d.copy()
            else:
                buffer *= momentum
                buffer += (1 - group["dampening"]) * d
            d = d + momentum * buffer if group["nesterov"] else buffer
        p.data -= group["lr"] * d
        # END TASK 6


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): steps scaled by running moments of the gradient.

        g = ∇θ + λ·θ                       (weight_decay λ: L2 added to the gradient)
        m = β₁·m + (1 − β₁)·g              (first moment)
        v = β₂·v + (1 − β₂)·g²             (second moment; amsgrad: v̂ = max(v̂, v))
        θ = θ − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)

    The factors 1 − βᵗ undo the bias of moments started at zero.
    """

    decoupled_weight_decay = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 amsgrad=False):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad))

    def check_hyperparameters(self, group):
        super().check_hyperparameters(group)
        betas = group["betas"]
        if len(betas) != 2 or not all(0.0 <= b < 1.0 for b in betas):
            raise ValueError(f"{type(self).__name__}: betas must be two numbers in [0, 1), "
                             f"got {betas}")
        if group["eps"] < 0:
            raise ValueError(f"{type(self).__name__}: eps must be ≥ 0, got {group['eps']}")

    def update(self, p, state, group):
        # BEGIN TASK 6 optim
        xp, lr, weight_decay = p.xp, group["lr"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        g = p.grad.data
        if not state:
            state["step"] = 0
            state["exp_avg"] = xp.zeros_like(p.data)
            state["exp_avg_sq"] = xp.zeros_like(p.data)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = xp.zeros_like(p.data)
        if weight_decay and self.decoupled_weight_decay:
            p.data *= 1 - lr * weight_decay
        elif weight_decay:
            g = g + weight_decay * p.data
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m += (1 - beta1) * (g - m)
        v *= beta2
        v += (1 - beta2) * (g * g)
        state["step"] += 1
        step = state["step"]
        if group["amsgrad"]:
            xp.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
            v = state["max_exp_avg_sq"]
        denominator = xp.sqrt(v) / math.sqrt(1 - beta2 ** step) + group["eps"]
        p.data -= lr / (1 - beta1 ** step) * (m / denominator)
        # END TASK 6


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019): the decay shrinks θ
    directly, θ = θ·(1 − lr·λ), instead of entering the gradient and its moments."""

    decoupled_weight_decay = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)
