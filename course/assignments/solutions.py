"""Reference solutions: the gradients derived by hand, written in NumPy.

These are the "check it" formulas of the exercises, and the only hand-coded gradients of the
exercise package: the grader never uses them (it asks the engine's autograd), the tests and
the solutions notebook do.  Each function takes and returns NumPy arrays, under the name and
signature the statement gives.
"""
import numpy as np


# --- helpers (forward functions, written stably) ---------------------------------------------
def log_sigmoid(x):
    """log σ(x) = -log(1 + e^-x), finite for any x."""
    return -np.logaddexp(0.0, -x)


def sigmoid(x):
    """σ(x) = 1/(1 + e^-x), without overflow."""
    return np.exp(log_sigmoid(x))


def softmax(x):
    """softmax along the last axis, shifted by the row maximum so that nothing overflows."""
    shifted = np.exp(x - x.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


HELPERS = (log_sigmoid, sigmoid, softmax)


# --- solutions -------------------------------------------------------------------------------
def grad_bce_with_logits(x, y):
    # d/dx [softplus(x) - y x] = σ(x) - y, and the mean divides by N.
    return (sigmoid(x) - y) / x.size


def grad_cross_entropy(x, y):
    # d/dx_c [-x_y + log Σ_k e^x_k] = softmax(x)_c - [c = y], then the mean over N rows.
    onehot = np.eye(x.shape[1])[y]
    return (softmax(x) - onehot) / x.shape[0]


def grad_huber(x, y, delta):
    # h'(e) = e inside, δ·sign(e) outside: clip(e, -δ, δ); de/dx = -1 turns y - x into x - y.
    return np.clip(x - y, -delta, delta) / x.size


def grad_l1(x, y):
    # d|e|/dx = sign(x - y), with sign(0) = 0: the subgradient at the kink.
    return np.sign(x - y) / x.size


def grad_sigmoid_focal(x, y, alpha, gamma):
    # s = 2y - 1, p_t = σ(s x), ∂p_t/∂x = s p_t (1 - p_t), and with ℓ = -α_t (1 - p_t)^γ log p_t:
    # ∂ℓ/∂x = α_t s (1 - p_t)^γ [γ p_t log p_t - (1 - p_t)].
    s = 2.0 * y - 1.0
    p_t, one_minus_p_t = sigmoid(s * x), sigmoid(-s * x)
    alpha_t = alpha * y + (1.0 - alpha) * (1.0 - y)
    slope = alpha_t * s * one_minus_p_t ** gamma * (gamma * p_t * log_sigmoid(s * x) - one_minus_p_t)
    return slope / x.size


def grad_smae(x, y):
    # ℓ(e) = e t with t = tanh(e/2): ℓ'(e) = t + (e/2)(1 - t²); de/dx = -1.
    e = y - x
    t = np.tanh(e / 2)
    return -(t + e / 2 * (1 - t * t)) / x.size


def smae_second_derivative(x, y):
    # ℓ''(e) = (1 - t²)(1 - e t / 2); (de/dx)² = 1.  Negative where e·tanh(e/2) > 2, |e| > ≈2.40.
    e = y - x
    t = np.tanh(e / 2)
    return (1 - t * t) * (1 - e * t / 2)


def grad_m_loss(p, y):
    # d/dp [y (1/p - 1)] = -y / p², then the mean over the N samples.
    return -y / p ** 2 / p.shape[0]


def grad_l_loss(p, y):
    # 1 - (1 - p)² = p(2 - p): d/dp [p(2 - p)]^(-1/2) = -(1 - p) [p(2 - p)]^(-3/2);
    # d/dp (1 - p²)^(-1/2) = p (1 - p²)^(-3/2).
    positive = -y * (1 - p) / (p * (2 - p)) ** 1.5
    negative = (1 - y) * p / (1 - p * p) ** 1.5
    return (positive + negative) / p.shape[0]


def grad_l2_penalty(W, lam):
    # d/dW λ Σ W² = 2 λ W.
    return 2 * lam * W


def grad_matmul_a(A, B, G):
    # ∂L/∂A_ik = Σ_j G_ij B_kj: G Bᵀ.
    return G @ B.T


def grad_matmul_b(A, B, G):
    # ∂L/∂B_kj = Σ_i A_ik G_ij: Aᵀ G.
    return A.T @ G


def grad_bias(a, b, G):
    # Each b element was added to many z elements: sum G over the axes that broadcasting
    # added (the leading ones) or stretched (where b has size 1).
    summed = G.sum(axis=tuple(range(G.ndim - b.ndim)))
    stretched = tuple(axis for axis, size in enumerate(b.shape) if size == 1)
    return summed.sum(axis=stretched, keepdims=True).reshape(b.shape)


def grad_logsumexp(x):
    # d/dx_c log Σ_k e^x_k = e^x_c / Σ_k e^x_k: the softmax.
    return softmax(x)


def grad_triplet_anchor(a, p, n, margin):
    # ∂‖a - p‖/∂a = (a - p)/‖a - p‖; the hinge passes the gradient where its bracket is ≥ 0.
    to_positive = np.linalg.norm(a - p, axis=-1, keepdims=True)
    to_negative = np.linalg.norm(a - n, axis=-1, keepdims=True)
    active = (to_positive - to_negative + margin) >= 0
    return active * ((a - p) / to_positive - (a - n) / to_negative) / a.shape[0]


def grad_mse(x, y):
    # d/dx (x - y)² = 2 (x - y).
    return 2 * (x - y) / x.size


def grad_logistic_regression(w, X, y):
    # The BCE-with-logits gradient σ(z) - y, pulled back through z = X w: Xᵀ(σ(Xw) - y)/N.
    return X.T @ (sigmoid(X @ w) - y) / X.shape[0]


def grad_linear_regression_bias(b, X, W, Y):
    # ∂J/∂Ŷ = 2 (Ŷ - Y)/(N k); b was added to every row, so sum over the rows.
    residual_gradient = 2 * (X @ W + b - Y) / Y.size
    return residual_gradient.sum(axis=0).reshape(b.shape)


SOLUTIONS = {
    "bce_with_logits": grad_bce_with_logits,
    "cross_entropy": grad_cross_entropy,
    "huber": grad_huber,
    "l1": grad_l1,
    "sigmoid_focal": grad_sigmoid_focal,
    "smae": grad_smae,
    "smae_curvature": smae_second_derivative,
    "m_loss": grad_m_loss,
    "l_loss": grad_l_loss,
    "l2_penalty": grad_l2_penalty,
    "matmul_a": grad_matmul_a,
    "matmul_b": grad_matmul_b,
    "bias": grad_bias,
    "logsumexp": grad_logsumexp,
    "triplet_anchor": grad_triplet_anchor,
    "mse": grad_mse,
    "logistic_regression": grad_logistic_regression,
    "linear_regression_bias": grad_linear_regression_bias,
}
"""The reference solution of every exercise, by exercise name."""
