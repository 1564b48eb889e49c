"""Training speed and memory: minigrad against PyTorch CPU and a hand-written NumPy MLP.

    python -m benchmarks.training            # the full run (2000 steps for the memory check)
    python -m benchmarks.training --quick    # 200 steps for the memory check

(from the repository root, minigrad installed.)

1. One epoch of an MLP 64→128→128→10 (ReLU) on the digits (1437 training samples, batches
   of 64, SGD lr 0.1, cross-entropy), float32.  Target: minigrad ≤ 1.0× PyTorch.
2. One training step of an MLP 784→1024→1024→10, batch 256, float32, on random data.
   Target: minigrad ≤ 1.15× the hand-written NumPy.
3. Memory of the step of 2: the peak traced by tracemalloc (NumPy reports its buffers to it),
   and the memory still held after step 100 and after the last step (flat: no leak).

The NumPy version is the forward and backward written out by hand, the floor any engine on
NumPy can reach: what minigrad adds to it is its own overhead.  All three run the same batches
from the same initial weights.  Timings are the best of several runs (on one thread, of CPU
time: see best_time).

Threads: every library runs on BENCH_THREADS threads (default 1, set before NumPy loads its
BLAS).  One thread gives stable numbers on a small shared machine, where a BLAS thread pool
that waits for a busy core can slow a step down several times.
"""
import argparse
import gc
import time
import tracemalloc

import numpy as np
import torch

from . import THREADS  # set before NumPy loads its BLAS (benchmarks/__init__.py)

torch.set_num_threads(THREADS)

import minigrad as mg  # noqa: E402
from minigrad import data, nn, optim  # noqa: E402

from .common import print_table  # noqa: E402

LR = 0.1


def best_time(fn, repeat):
    """The best of ``repeat`` calls of ``fn``, in seconds.

    On one thread, the CPU time of this process: on a small machine shared with other jobs,
    wall time also counts the time other processes held the core.  On several threads CPU
    time would add the threads up, so wall time is used.
    """
    clock = time.process_time if THREADS == 1 else time.perf_counter
    fn()  # warm up: caches, allocator, lazy imports
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        fn()
        best = min(best, clock() - start)
    return best

try:  # the catalogue's cross-entropy when it is there, else the same formula from engine ops
    from minigrad.losses import cross_entropy
    CROSS_ENTROPY = "minigrad.losses.cross_entropy"
except ImportError:
    def cross_entropy(logits, labels):
        """−mean log softmax(logits)[label]."""
        rows = mg.arange(len(labels), device=labels.device)
        return -logits.log_softmax(axis=1)[rows, labels].mean()
    CROSS_ENTROPY = "log_softmax + getitem (engine ops)"


# --- the three implementations of one MLP -------------------------------------------------------
def initial_weights(sizes, seed=0):
    """[(W, b)] per layer, W of shape (out, in), U(±1/√in) as PyTorch, float32."""
    rng = np.random.default_rng(seed)
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        bound = 1 / np.sqrt(n_in)
        layers.append((rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32),
                       rng.uniform(-bound, bound, n_out).astype(np.float32)))
    return layers


def minigrad_mlp(weights):
    """A train step of minigrad's Sequential MLP with SGD."""
    layers = []
    for w, b in weights:
        linear = nn.Linear(w.shape[1], w.shape[0])
        linear.load_state_dict({"weight": w, "bias": b})
        layers += [linear, nn.ReLU()]
    model = nn.Sequential(*layers[:-1])
    opt = optim.SGD(model.parameters(), lr=LR)

    def step(x, y):
        opt.zero_grad()
        loss = cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    step.weights = lambda: [p.numpy() for p in model.parameters()]
    return step


def torch_mlp(weights):
    layers = []
    for w, b in weights:
        linear = torch.nn.Linear(w.shape[1], w.shape[0])
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w))
            linear.bias.copy_(torch.from_numpy(b))
        layers += [linear, torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    opt = torch.optim.SGD(model.parameters(), lr=LR)

    def step(x, y):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    step.weights = lambda: [p.detach().numpy() for p in model.parameters()]
    return step


def numpy_mlp(weights):
    """The same step written out by hand: forward, cross-entropy, backward, SGD in place."""
    params = [(w.copy(), b.copy()) for w, b in weights]

    def step(x, y):
        activations = [x]
        for i, (w, b) in enumerate(params):
            z = activations[-1] @ w.T + b
            activations.append(np.maximum(z, 0) if i < len(params) - 1 else z)
        logits = activations[-1]
        shifted = logits - logits.max(axis=1, keepdims=True)
        probs = np.exp(shifted)
        probs /= probs.sum(axis=1, keepdims=True)
        g = probs  # d(mean CE)/d logits = (softmax − onehot) / N
        g[np.arange(len(y)), y] -= 1
        g /= len(y)
        for i in range(len(params) - 1, -1, -1):
            w, b = params[i]
            a = activations[i]
            grad_w, grad_b = g.T @ a, g.sum(axis=0)
            if i:
                g = (g @ w) * (a > 0)
            w -= LR * grad_w
            b -= LR * grad_b
    step.weights = lambda: [a for w, b in params for a in (w, b)]
    return step


def check_agreement(batches, weights):
    """Three steps of each implementation end at the same weights (float32 rounding apart)."""
    steps = {"minigrad": minigrad_mlp(weights), "torch": torch_mlp(weights),
             "numpy": numpy_mlp(weights)}
    converters = {"minigrad": mg.from_numpy, "torch": torch.from_numpy, "numpy": lambda a: a}
    for name, step in steps.items():
        for x, y in batches[:3]:
            step(converters[name](x), converters[name](y))
    for name in ("minigrad", "torch"):
        for a, b in zip(steps[name].weights(), steps["numpy"].weights()):
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5, err_msg=name)


# --- 1. an epoch on the digits ------------------------------------------------------------------
def digits_epoch():
    split = data.load_digits()
    x, y = split.x_train.numpy(), split.y_train.numpy()
    starts = range(0, len(x), 64)
    batches = [(x[s:s + 64], y[s:s + 64]) for s in starts]
    weights = initial_weights([64, 128, 128, 10])
    check_agreement(batches, weights)

    def epoch(step, batches):
        return lambda: [step(xb, yb) for xb, yb in batches]

    mg_batches = [(mg.from_numpy(xb), mg.from_numpy(yb)) for xb, yb in batches]
    torch_batches = [(torch.from_numpy(xb), torch.from_numpy(yb)) for xb, yb in batches]
    times = {
        "minigrad": best_time(epoch(minigrad_mlp(weights), mg_batches), repeat=15),
        "torch": best_time(epoch(torch_mlp(weights), torch_batches), repeat=15),
        "numpy": best_time(epoch(numpy_mlp(weights), batches), repeat=15),
    }
    return times, len(batches)


# --- 2. a step of a large MLP -------------------------------------------------------------------
def large_batch():
    rng = np.random.default_rng(1)
    return (rng.standard_normal((256, 784)).astype(np.float32),
            rng.integers(0, 10, 256).astype(np.int64))


def large_step():
    x, y = large_batch()
    weights = initial_weights([784, 1024, 1024, 10])
    mg_step, torch_step, np_step = minigrad_mlp(weights), torch_mlp(weights), numpy_mlp(weights)
    xm, ym = mg.from_numpy(x), mg.from_numpy(y)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    return {
        "minigrad": best_time(lambda: mg_step(xm, ym), repeat=20),
        "torch": best_time(lambda: torch_step(xt, yt), repeat=20),
        "numpy": best_time(lambda: np_step(x, y), repeat=20),
    }


# --- 3. memory ----------------------------------------------------------------------------------
def memory(steps):
    """(peak MiB, MiB held after step 100, MiB held after the last step) of each step."""
    x, y = large_batch()
    weights = initial_weights([784, 1024, 1024, 10])
    runs = {"minigrad": (minigrad_mlp(weights), (mg.from_numpy(x), mg.from_numpy(y))),
            "numpy": (numpy_mlp(weights), (x, y))}
    result = {}
    for name, (step, (xb, yb)) in runs.items():
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        early = None
        for i in range(steps):
            step(xb, yb)
            if i == min(99, steps - 1):
                early = tracemalloc.get_traced_memory()[0]
        late, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        mib = 2.0 ** 20
        result[name] = ((peak - base) / mib, (early - base) / mib, (late - base) / mib)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 steps for the memory check")
    steps = 200 if parser.parse_args().quick else 2000
    print(f"numpy {np.__version__}, torch {torch.__version__}, BENCH_THREADS={THREADS}; "
          f"minigrad's cross-entropy: {CROSS_ENTROPY}")

    times, n_batches = digits_epoch()
    large = large_step()
    ms = {k: v * 1e3 for k, v in times.items()}
    large_ms = {k: v * 1e3 for k, v in large.items()}
    print_table("Training time, ms (ratios: minigrad ÷ the other; < 1 means minigrad is faster)",
                ["workload", "minigrad", "torch", "numpy", "vs torch", "vs numpy", "target"],
                [[f"digits MLP 64-128-128-10, 1 epoch ({n_batches} batches of 64)",
                  f"{ms['minigrad']:.2f}", f"{ms['torch']:.2f}", f"{ms['numpy']:.2f}",
                  f"{ms['minigrad'] / ms['torch']:.2f}", f"{ms['minigrad'] / ms['numpy']:.2f}",
                  "≤ 1.00 vs torch"],
                 ["MLP 784-1024-1024-10, 1 step, batch 256",
                  f"{large_ms['minigrad']:.2f}", f"{large_ms['torch']:.2f}",
                  f"{large_ms['numpy']:.2f}", f"{large_ms['minigrad'] / large_ms['torch']:.2f}",
                  f"{large_ms['minigrad'] / large_ms['numpy']:.2f}", "≤ 1.15 vs numpy"]])

    mem = memory(steps)
    rows = []
    for name, (peak, early, late) in mem.items():
        rows.append([name, f"{peak:.1f}", f"{early:.2f}", f"{late:.2f}",
                     "yes" if late - early < 1.0 else f"no (+{late - early:.2f} MiB)"])
    rows.append(["minigrad ÷ numpy", f"{mem['minigrad'][0] / mem['numpy'][0]:.2f}", "", "", ""])
    print_table(f"Memory of the 784-1024-1024-10 step (tracemalloc, MiB above the start; "
                f"{steps} steps)",
                ["", "peak", "held after step 100", f"held after step {steps}", "flat"], rows)
    print("minigrad holds the parameters' gradients (.grad) between steps; zero_grad() frees "
          "them at the start of the next one.")


if __name__ == "__main__":
    main()
