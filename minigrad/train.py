"""A training loop and its metrics: the last link of the chain, from a loss to a trained model.

    history = fit(model, cross_entropy, Adam(model.parameters(), lr=1e-3), loader, epochs=5,
                  metrics={"accuracy": accuracy})
    history["loss"]        # the mean training loss of each epoch
    evaluate(model, test_loader, cross_entropy, {"accuracy": accuracy})

Each step of ``fit`` is the derivation chain at work: the loss J(W) of a batch, its gradient
∇J(W) by ``backward()``, and the optimiser's move W ← W − lr·(its use of ∇J).
tqdm (for the progress bar) is imported only when a bar is asked for.
"""
from .autograd import no_grad
from .tensor import Tensor


def accuracy(output, target):
    """The fraction of correct predictions in a batch, as a float.

    ``output`` (N, C) with C > 1: the predicted class is the argmax; ``target`` holds class
    indices (N,) or class probabilities / one-hot rows (N, C).  ``output`` (N,) or (N, 1): a
    logit per sample, predicting 1 where it is > 0; ``target`` holds 0/1.
    """
    out = output.detach()
    tgt = target.detach() if isinstance(target, Tensor) else target
    if out.ndim == 2 and out.shape[1] > 1:
        predicted = out.argmax(axis=1)
        if tgt.ndim == 2:
            tgt = tgt.argmax(axis=1)
    else:
        predicted = (out.reshape(-1) > 0).long()
        tgt = tgt.reshape(-1)
    if predicted.shape != tgt.shape:
        raise ValueError(f"accuracy: {tuple(predicted.shape)} predictions for targets of shape "
                         f"{tuple(target.shape)}")
    return float((predicted == tgt).data.mean())


def _as_float(value):
    return value.item() if isinstance(value, Tensor) else float(value)


def _split_batch(batch):
    if not (isinstance(batch, (tuple, list)) and len(batch) == 2):
        raise ValueError("fit/evaluate: each batch must be a pair (inputs, targets); got "
                         f"{type(batch).__name__} of {len(batch) if hasattr(batch, '__len__') else '?'} items")
    return batch


class _Averages:
    """Running means of named values over samples (a batch of n counts n times)."""

    def __init__(self):
        self.totals, self.count = {}, 0

    def add(self, values, n):
        for name, value in values.items():
            self.totals[name] = self.totals.get(name, 0.0) + value * n
        self.count += n

    def means(self):
        return {name: total / self.count for name, total in self.totals.items()}


def _progress_bar(total, enabled, description):
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        raise ImportError("fit(progress=True) shows a bar with tqdm: pip install tqdm, or pass "
                          "progress=False") from None
    return tqdm(total=total, desc=description, unit="batch")


def fit(model, loss_fn, optimizer, loader, epochs=1, metrics=None, progress=True,
        val_loader=None):
    """Train ``model`` for ``epochs`` passes over ``loader``; return the history.

    For each batch (x, y): the gradients are zeroed, J = loss_fn(model(x), y) is computed and
    differentiated, and the optimiser steps.  ``metrics`` maps names to functions
    f(output, target) → number, computed on each batch's output.  The history maps 'loss' and
    each metric name to a list with one value per epoch: the mean over the epoch's samples
    (of the model as it was while it learned).  With ``val_loader``, 'val_loss' and 'val_<name>'
    are added, measured by :func:`evaluate` after each epoch.
    """
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive int, got {epochs!r}")
    metrics = dict(metrics or {})
    history = {name: [] for name in ["loss", *metrics]}
    bar = _progress_bar(epochs * len(loader), progress, "training")
    try:
        for epoch in range(epochs):
            model.train()
            averages = _Averages()
            for batch in loader:
                x, y = _split_batch(batch)
                optimizer.zero_grad()
                output = model(x)
                loss = loss_fn(output, y)
                loss.backward()
                optimizer.step()
                values = {"loss": loss.item()}
                with no_grad():
                    values.update((name, _as_float(f(output, y))) for name, f in metrics.items())
                averages.add(values, len(x))
                if bar is not None:
                    bar.set_postfix(epoch=f"{epoch + 1}/{epochs}", loss=f"{values['loss']:.4g}",
                                    refresh=False)
                    bar.update(1)
            for name, value in averages.means().items():
                history[name].append(value)
            if val_loader is not None:
                for name, value in evaluate(model, val_loader, loss_fn, metrics).items():
                    history.setdefault("val_" + name, []).append(value)
    finally:
        if bar is not None:
            bar.close()
    return history


def evaluate(model, loader, loss_fn=None, metrics=None):
    """Mean loss (if ``loss_fn``) and metrics of ``model`` over ``loader``, in eval mode and
    without recording a graph; the model's training mode is restored afterwards."""
    metrics = dict(metrics or {})
    if loss_fn is not None:
        metrics = {"loss": loss_fn, **metrics}
    was_training = model.training
    model.eval()
    averages = _Averages()
    try:
        with no_grad():
            for batch in loader:
                x, y = _split_batch(batch)
                output = model(x)
                averages.add({name: _as_float(f(output, y)) for name, f in metrics.items()},
                             len(x))
    finally:
        model.train(was_training)
    return averages.means()
