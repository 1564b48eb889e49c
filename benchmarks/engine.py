"""Engine overhead and throughput: minigrad against PyTorch CPU and hand-written NumPy.

    python -m benchmarks.engine          (from the repository root, minigrad installed)

1. Small ops: a chain of 200 applications of one op on an 8×8 float32 tensor, forward and
   backward; µs per op.  This measures the per-op overhead of the Python engine.
2. A chain of 8 matmuls of 512×512 float32 matrices, forward and backward (BLAS-bound).

NumPy is the hand-written forward and backward of the same chain.  Ratios > 1 mean minigrad
is slower.  Threads: BENCH_THREADS for both (default 1; see benchmarks/__init__.py).
"""
import numpy as np
import torch

import minigrad as mg

from . import THREADS

from .common import best_time, print_table

CHAIN = 200

# name: (minigrad op, torch op, numpy forward, numpy backward(g, x, y) -> dx)
SMALL_OPS = {
    "add": (lambda t: t + 0.5, lambda t: t + 0.5, lambda x: x + np.float32(0.5), lambda g, x, y: g),
    "mul": (lambda t: t * 0.99, lambda t: t * 0.99, lambda x: x * np.float32(0.99),
            lambda g, x, y: g * np.float32(0.99)),
    "exp": (lambda t: (t * 0.01).exp(), lambda t: (t * 0.01).exp(), None, None),
    "tanh": (lambda t: t.tanh(), lambda t: t.tanh(), np.tanh, lambda g, x, y: g * (1 - y * y)),
    "sigmoid": (lambda t: t.sigmoid(), lambda t: t.sigmoid(), lambda x: 1 / (1 + np.exp(-x)),
                lambda g, x, y: g * y * (1 - y)),
    "relu": (lambda t: t.relu(), lambda t: t.relu(), lambda x: np.maximum(x, 0),
             lambda g, x, y: g * (x > 0)),
    "matmul 8x8": (lambda t: t @ t.T * 0.1, lambda t: t @ t.T * 0.1, None, None),
    "sum(axis)+bcast": (lambda t: t - t.sum(axis=1, keepdims=True) * 0.1,
                        lambda t: t - t.sum(dim=1, keepdim=True) * 0.1, None, None),
    "getitem": (lambda t: t[:, [1, 0, 2, 3, 4, 5, 6, 7]],
                lambda t: t[:, [1, 0, 2, 3, 4, 5, 6, 7]], None, None),
}


def chain(make_leaf, op, x0):
    """Forward and backward through CHAIN applications of ``op``, from the leaf ``make_leaf(x0)``
    (minigrad or torch: both spell the rest the same way)."""
    def run():
        y = make_leaf(x0)
        for _ in range(CHAIN):
            y = op(y)
        y.sum().backward()
    return run


def minigrad_leaf(x0):
    return mg.tensor(x0, requires_grad=True)


def torch_leaf(x0):
    return torch.tensor(x0, requires_grad=True)


def chain_numpy(forward, backward, x0):
    def run():
        xs = [x0]
        for _ in range(CHAIN):
            xs.append(forward(xs[-1]))
        g = np.ones_like(xs[-1])
        for i in range(CHAIN, 0, -1):
            g = backward(g, xs[i - 1], xs[i])
    return run


def small_ops():
    x0 = np.random.default_rng(0).standard_normal((8, 8)).astype(np.float32)
    rows = []
    for name, (mg_op, torch_op, np_fwd, np_bwd) in SMALL_OPS.items():
        t_mg = best_time(chain(minigrad_leaf, mg_op, x0)) / CHAIN * 1e6
        t_torch = best_time(chain(torch_leaf, torch_op, x0)) / CHAIN * 1e6
        cells = [name, f"{t_mg:.1f}", f"{t_torch:.1f}", f"{t_mg / t_torch:.2f}"]
        if np_fwd is not None:
            t_np = best_time(chain_numpy(np_fwd, np_bwd, x0)) / CHAIN * 1e6
            cells += [f"{t_np:.1f}", f"{t_mg / t_np:.2f}"]
        else:
            cells += ["", ""]
        rows.append(cells)
    print_table(f"Small ops: forward + backward, µs per op (chain of {CHAIN}, 8×8 float32)",
                ["op", "minigrad", "torch", "ratio vs torch", "numpy", "ratio vs numpy"], rows)


def matmul_chain(n=512, depth=8):
    rng = np.random.default_rng(0)
    weights = [(rng.standard_normal((n, n)) / np.sqrt(n)).astype(np.float32) for _ in range(depth)]
    x0 = rng.standard_normal((n, n)).astype(np.float32)

    def run_mg():
        ws = [mg.tensor(w, requires_grad=True) for w in weights]
        y = mg.tensor(x0)
        for w in ws:
            y = y @ w
        y.sum().backward()

    def run_torch():
        ws = [torch.tensor(w, requires_grad=True) for w in weights]
        y = torch.tensor(x0)
        for w in ws:
            y = y @ w
        y.sum().backward()

    def run_numpy():
        acts = [x0]
        for w in weights:
            acts.append(acts[-1] @ w)
        g = np.ones_like(acts[-1])
        for i in range(depth - 1, -1, -1):
            _ = acts[i].T @ g  # dW
            g = g @ weights[i].T

    t_mg, t_torch, t_np = (best_time(f, repeat=5) * 1e3 for f in (run_mg, run_torch, run_numpy))
    print_table(f"Matmul chain: {depth} × ({n}×{n}) float32, forward + backward, ms",
                ["minigrad", "torch", "numpy", "ratio vs torch", "ratio vs numpy"],
                [[f"{t_mg:.2f}", f"{t_torch:.2f}", f"{t_np:.2f}", f"{t_mg / t_torch:.2f}",
                  f"{t_mg / t_np:.2f}"]])


if __name__ == "__main__":
    torch.set_num_threads(THREADS)
    print(f"numpy {np.__version__}, torch {torch.__version__} ({torch.get_num_threads()} threads)")
    small_ops()
    matmul_chain()
