"""Data sets and loaders: batching, seeded shuffling, devices, the bundled data sets (the
course's robust-regression data is tested in tests/course/test_data.py)."""
import sys

import numpy as np
import pytest

import minigrad as mg
from minigrad import data


def numbered(n):
    """A data set whose samples carry their own index, to see where each one went."""
    x = mg.arange(n).reshape(n, 1).float()
    return data.TensorDataset(x, mg.arange(n))


def test_tensor_dataset_indexes_all_tensors():
    ds = numbered(5)
    assert len(ds) == 5
    x, y = ds[3]
    assert x.tolist() == [3.0] and y.item() == 3
    with pytest.raises(ValueError, match=r"share their first dimension; got shapes \[\(5, 1\), "
                                         r"\(4,\)\]"):
        data.TensorDataset(mg.zeros(5, 1), mg.zeros(4))
    with pytest.raises(TypeError, match="argument 0 is a ndarray"):
        data.TensorDataset(np.zeros(3))


@pytest.mark.parametrize("n, batch_size, drop_last, sizes", [
    (10, 4, False, [4, 4, 2]), (10, 4, True, [4, 4]), (8, 4, True, [4, 4]), (3, 5, False, [3])])
def test_batches_cover_the_data_once(n, batch_size, drop_last, sizes):
    loader = data.DataLoader(numbered(n), batch_size=batch_size, drop_last=drop_last)
    batches = list(loader)
    assert len(loader) == len(batches) and [len(x) for x, _ in batches] == sizes
    seen = np.concatenate([y.numpy() for _, y in batches])
    np.testing.assert_array_equal(seen, np.arange(sum(sizes)))
    for x, y in batches:
        np.testing.assert_array_equal(x.numpy()[:, 0], y.numpy())


def test_shuffle_is_seeded_by_minigrad_and_changes_each_pass():
    loader = data.DataLoader(numbered(50), batch_size=8, shuffle=True)
    mg.manual_seed(1)
    first = np.concatenate([y.numpy() for _, y in loader])
    second = np.concatenate([y.numpy() for _, y in loader])
    mg.manual_seed(1)
    again = np.concatenate([y.numpy() for _, y in loader])
    np.testing.assert_array_equal(first, again)
    assert sorted(first) == list(range(50)) and not np.array_equal(first, second)
    assert not np.array_equal(first, np.arange(50))


def test_loader_moves_batches_to_the_device(device):
    for x, y in data.DataLoader(numbered(6), batch_size=4, device=device):
        assert x.device == device and y.device == device


def test_loader_on_data_already_on_the_device(device):
    ds = data.TensorDataset(mg.arange(6, device=device), mg.ones(6, device=device))
    (x, y), = data.DataLoader(ds, batch_size=6, shuffle=True)
    assert x.device == device and sorted(x.tolist()) == list(range(6))


def test_generic_dataset_is_collated_field_by_field():
    class Squares(data.Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return mg.tensor([float(i), float(i * i)]), i, np.array([i, -i])

    x, label, pair = next(iter(data.DataLoader(Squares(), batch_size=3)))
    assert x.tolist() == [[0, 0], [1, 1], [2, 4]]
    assert label.tolist() == [0, 1, 2] and label.dtype == mg.int64
    assert pair.tolist() == [[0, 0], [1, -1], [2, -2]]


@pytest.mark.parametrize("batch_size", [0, -1, 1.5, True])
def test_bad_batch_size_is_refused(batch_size):
    with pytest.raises(ValueError, match=f"batch_size must be a positive int, got {batch_size}"):
        data.DataLoader(numbered(3), batch_size=batch_size)


def test_empty_dataset_is_refused():
    with pytest.raises(ValueError, match="empty"):
        data.DataLoader(data.TensorDataset(mg.zeros(0, 2)))


# --- the bundled data sets ----------------------------------------------------------------------
@pytest.mark.parametrize("load, n, features, classes", [
    (data.load_digits, 1797, 64, 10), (data.load_iris, 150, 4, 3), (data.load_wine, 178, 13, 3),
    (data.load_breast_cancer, 569, 30, 2), (data.load_diabetes, 442, 10, None)])
def test_bundled_datasets_are_split_standardised_and_seeded(load, n, features, classes):
    split = load(test_size=0.25)
    assert split.x_train.shape[1] == split.x_test.shape[1] == features
    assert len(split.x_train) + len(split.x_test) == n
    assert len(split.y_train) == len(split.x_train) and abs(len(split.x_test) - n / 4) <= 1
    x = split.x_train.numpy()
    assert x.dtype == np.float32
    np.testing.assert_allclose(x.mean(axis=0), 0, atol=1e-5)
    std = x.std(axis=0)
    assert np.all((np.abs(std - 1) < 1e-4) | (std == 0))  # constant pixels stay 0
    if classes:
        assert split.y_train.dtype == mg.int64
        assert set(split.y_train.tolist()) == set(range(classes))
    else:
        assert split.y_train.dtype == mg.float32
    np.testing.assert_array_equal(load(test_size=0.25).x_test.numpy(), split.x_test.numpy())
    assert not np.array_equal(load(test_size=0.25, seed=1).x_test.numpy(), split.x_test.numpy())


def test_bundled_dataset_on_device_in_float64(device):
    split = data.load_iris(dtype=mg.float64, device=device)
    assert split.x_train.device == device and split.x_train.dtype == mg.float64


def test_loaders_name_scikit_learn_when_it_is_missing(monkeypatch):
    for name in ("sklearn", "sklearn.datasets", "sklearn.model_selection"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match="need scikit-learn.*pip install scikit-learn"):
        data.load_iris()
