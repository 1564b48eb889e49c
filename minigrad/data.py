"""Datasets and loaders, all offline: scikit-learn's bundled data sets.

    data = load_digits()                                   # standardised, split, seeded
    loader = DataLoader(TensorDataset(data.x_train, data.y_train), batch_size=64, shuffle=True)
    for x, y in loader:
        ...

Shuffling draws from minigrad's generator, so ``minigrad.manual_seed`` fixes the batches.
scikit-learn is needed only by the ``load_*`` functions, and imported when they run.
"""
from collections import namedtuple

import numpy as np

from .creation import generator, tensor
from .functional import stack
from .tensor import Tensor, float32, int64


class Dataset:
    """A map-style data set: ``len(ds)`` samples, ``ds[i]`` the i-th (a tuple of fields)."""

    def __getitem__(self, index):
        raise TypeError(f"{type(self).__name__} has no __getitem__(); subclasses define it")

    def __len__(self):
        raise TypeError(f"{type(self).__name__} has no __len__(); subclasses define it")


class TensorDataset(Dataset):
    """Samples are the rows of tensors sharing their first dimension: ds[i] = (x[i], y[i])."""

    def __init__(self, *tensors):
        if not tensors:
            raise ValueError("TensorDataset: give at least one tensor")
        for i, t in enumerate(tensors):
            if not isinstance(t, Tensor):
                raise TypeError(f"TensorDataset: argument {i} is a {type(t).__name__}, "
                                "not a minigrad Tensor")
            if t.ndim == 0 or len(t) != len(tensors[0]):
                raise ValueError(f"TensorDataset: the tensors must share their first dimension; "
                                 f"got shapes {[tuple(t.shape) for t in tensors]}")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return len(self.tensors[0])


def collate(samples):
    """A list of samples (tuples of tensors, arrays or numbers) → a tuple of batched tensors."""
    if not isinstance(samples[0], (tuple, list)):
        return collate([(s,) for s in samples])[0]
    fields = []
    for values in zip(*samples):
        if isinstance(values[0], Tensor):
            fields.append(stack(values))
        else:
            fields.append(tensor(np.stack([np.asarray(v) for v in values])))
    return tuple(fields)


class DataLoader:
    """Batches of a data set: tuples of tensors whose first dimension is the batch.

    ``shuffle`` draws a new order at each pass from minigrad's generator; ``drop_last`` drops
    a last batch smaller than ``batch_size``; ``device`` moves each batch there.  A
    :class:`TensorDataset` is batched by one index per tensor (no Python loop over samples).
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, device=None):
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive int, got {batch_size!r}")
        if len(dataset) == 0:
            raise ValueError("DataLoader: the data set is empty")
        self.dataset, self.batch_size = dataset, batch_size
        self.shuffle, self.drop_last, self.device = shuffle, drop_last, device

    def __len__(self):
        """The number of batches in one pass."""
        full, rest = divmod(len(self.dataset), self.batch_size)
        return full + (1 if rest and not self.drop_last else 0)

    def __iter__(self):
        n = len(self.dataset)
        order = generator().permutation(n) if self.shuffle else np.arange(n)
        for b in range(len(self)):
            yield self.batch(order[b * self.batch_size:(b + 1) * self.batch_size])

    def batch(self, indices):
        """The batch of the samples at ``indices`` (a NumPy integer array), on ``device``."""
        if isinstance(self.dataset, TensorDataset):
            fields = self.dataset[indices]
        else:
            fields = collate([self.dataset[int(i)] for i in indices])
        if self.device is not None:
            fields = tuple(t.to(self.device) for t in fields)
        return fields


# --- scikit-learn's bundled data sets -----------------------------------------------------------
Split = namedtuple("Split", "x_train y_train x_test y_test")
Split.__doc__ = "A seeded train/test split of features x (standardised) and targets y."


def _sklearn():
    try:
        import sklearn.datasets
        import sklearn.model_selection
    except ImportError:
        raise ImportError("minigrad.data's load_* functions need scikit-learn, which ships "
                          "the data sets: pip install scikit-learn") from None
    return sklearn


def _load(name, classification, test_size, seed, dtype, device):
    """Load a bundled data set, split it (stratified for classes) and standardise x.

    The mean and standard deviation come from the training part only (the test part must not
    leak into training); a constant feature is left centred, not divided by 0.
    """
    sklearn = _sklearn()
    x, y = getattr(sklearn.datasets, f"load_{name}")(return_X_y=True)
    x_train, x_test, y_train, y_test = sklearn.model_selection.train_test_split(
        x, y, test_size=test_size, random_state=seed, stratify=y if classification else None)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    std[std == 0] = 1.0
    target_dtype = int64 if classification else dtype
    return Split(tensor((x_train - mean) / std, dtype=dtype, device=device),
                 tensor(y_train, dtype=target_dtype, device=device),
                 tensor((x_test - mean) / std, dtype=dtype, device=device),
                 tensor(y_test, dtype=target_dtype, device=device))


def _bundled_loader(name, classification, description):
    def load(test_size=0.2, seed=0, dtype=float32, device="cpu"):
        return _load(name, classification, test_size, seed, dtype, device)
    load.__name__ = load.__qualname__ = f"load_{name}"
    load.__doc__ = (f"{description}\n\n    Returns Split(x_train, y_train, x_test, y_test): "
                    "features standardised with the training part's mean and standard "
                    "deviation; ``seed`` fixes the split" +
                    (" (stratified by class); labels are int64." if classification else
                     "; targets are left in their units."))
    return load


load_digits = _bundled_loader("digits", True, "8×8 images of digits: 1797 samples, 64 "
                                                "features (pixel values 0–16), 10 classes.")
load_iris = _bundled_loader("iris", True, "Iris flowers: 150 samples, 4 features, 3 classes.")
load_wine = _bundled_loader("wine", True, "Wines: 178 samples, 13 features, 3 classes.")
load_breast_cancer = _bundled_loader("breast_cancer", True, "Breast tumours: 569 samples, 30 "
                                                            "features, 2 classes (1 = benign).")
load_diabetes = _bundled_loader("diabetes", False, "Diabetes progression: 442 samples, 10 "
                                                   "features, a continuous target.")
