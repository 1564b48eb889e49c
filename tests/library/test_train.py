"""The training loop: a small MLP learns the digits; history, evaluation, metrics, progress bar."""
import sys

import numpy as np
import pytest

import minigrad as mg
from minigrad import data, nn, optim
from minigrad.train import accuracy, evaluate, fit


def cross_entropy(logits, labels):
    """−mean log softmax(logits)[label], from engine ops (the losses package has its own)."""
    return -logits.log_softmax(axis=1)[mg.arange(len(labels), device=labels.device), labels].mean()


def digits_loaders(device="cpu"):
    split = data.load_digits()
    train = data.DataLoader(data.TensorDataset(split.x_train, split.y_train), batch_size=64,
                            shuffle=True, device=device)
    test = data.DataLoader(data.TensorDataset(split.x_test, split.y_test), batch_size=256,
                           device=device)
    return train, test


def test_a_small_mlp_learns_the_digits(device):
    train, test = digits_loaders(device)
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 10))
    model.to(device)
    history = fit(model, cross_entropy, optim.Adam(model.parameters(), lr=1e-2), train,
                  epochs=3, metrics={"accuracy": accuracy}, progress=False, val_loader=test)
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == 3 for values in history.values())
    assert history["loss"][-1] < history["loss"][0]
    result = evaluate(model, test, cross_entropy, {"accuracy": accuracy})
    assert result["accuracy"] > 0.85  # chance is 0.1
    assert result == {"loss": history["val_loss"][-1], "accuracy": history["val_accuracy"][-1]}


def test_sgd_with_momentum_learns_too():
    train, test = digits_loaders()
    model = nn.Sequential(nn.Linear(64, 32), nn.Tanh(), nn.Linear(32, 10))
    fit(model, cross_entropy, optim.SGD(model.parameters(), lr=0.1, momentum=0.9), train,
        epochs=2, progress=False)
    assert evaluate(model, test, metrics={"accuracy": accuracy})["accuracy"] > 0.85


def test_fit_is_reproducible_under_a_seed():
    def run():
        mg.manual_seed(4)
        train, _ = digits_loaders()
        model = nn.Sequential(nn.Linear(64, 10))
        return fit(model, cross_entropy, optim.SGD(model.parameters(), lr=0.1), train,
                   progress=False)["loss"]
    assert run() == run()


def test_progress_bar_shows_and_can_be_missing(monkeypatch, capsys):
    x, y = mg.randn(8, 3), mg.randint(0, 2, (8,))
    loader = data.DataLoader(data.TensorDataset(x, y), batch_size=4)
    model = nn.Linear(3, 2)
    fit(model, cross_entropy, optim.SGD(model.parameters(), lr=0.1), loader, epochs=2)
    assert "4/4" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.raises(ImportError, match="pip install tqdm, or pass progress=False"):
        fit(model, cross_entropy, optim.SGD(model.parameters(), lr=0.1), loader)
    fit(model, cross_entropy, optim.SGD(model.parameters(), lr=0.1), loader, progress=False)


def test_evaluate_runs_in_eval_mode_without_a_graph_and_restores_the_mode():
    seen = []

    def spy(output, target):
        seen.append(output.requires_grad)
        return 0.0
    model = nn.Sequential(nn.Linear(3, 2), nn.Dropout(0.5))
    loader = data.DataLoader(data.TensorDataset(mg.randn(4, 3), mg.zeros(4)), batch_size=4)
    first = evaluate(model, loader, metrics={"same": spy})
    assert seen == [False] and model.training and model[1].training
    (x, _), = loader
    np.testing.assert_array_equal(model.eval()(x).numpy(), model[0](x).numpy())
    assert first == {"same": 0.0}


def test_accuracy_reads_classes_one_hot_and_binary_logits(device):
    logits = mg.tensor([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [1.0, 0.0, 5.0], [4.0, 0.0, 0.0]],
                       device=device)
    labels = mg.tensor([0, 1, 1, 0], device=device)
    assert accuracy(logits, labels) == 0.75
    assert accuracy(logits, mg.functional.one_hot(labels, 3).float()) == 0.75
    assert accuracy(mg.tensor([[0.3], [-2.0], [1.0]], device=device),
                    mg.tensor([1.0, 0.0, 0.0], device=device)) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match=r"accuracy: \(4,\) predictions for targets of shape "
                                         r"\(3,\)"):
        accuracy(logits, labels[:3])


def test_fit_refuses_bad_epochs_and_bad_batches():
    model = nn.Linear(2, 2)
    opt = optim.SGD(model.parameters(), lr=0.1)
    loader = data.DataLoader(data.TensorDataset(mg.zeros(4, 2), mg.zeros(4)), batch_size=2)
    with pytest.raises(ValueError, match="epochs must be a positive int, got 0"):
        fit(model, cross_entropy, opt, loader, epochs=0)
    single = data.DataLoader(data.TensorDataset(mg.zeros(4, 2)), batch_size=2)
    with pytest.raises(ValueError, match=r"each batch must be a pair \(inputs, targets\)"):
        fit(model, cross_entropy, opt, single, progress=False)
