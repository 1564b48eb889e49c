"""Losses of reinforcement learning (seed 002): value learning and policy gradients.

Targets that come from elsewhere (a target network's Q-values, advantages estimated by a
critic) are detached: they steer the gradient but receive none.
"""
from .. import functional as F
from .classification import pick_class
from .facts import loss
from .risk import reduce
from .validation import (check_class_indices, check_device, check_float_like, check_in_range,
                         check_labels_in, check_ndim, check_tensor)


def _check_actions(actions, scores, scores_name):
    """Integer actions (N,), one per row of ``scores`` (N, A), each in [0, A)."""
    check_tensor("actions", actions, "int")
    check_device(**{scores_name: scores, "actions": actions})
    if actions.shape != scores.shape[:1]:
        raise ValueError(f"actions: expected one action per row of {scores_name}, shape "
                         f"{scores.shape[:1]}, got {actions.shape}")
    check_class_indices("actions", actions, scores.shape[1])


def _check_per_sample(name, value, scores, scores_name):
    check_float_like(name, value, scores_name, scores, same_shape=False)
    if value.shape != scores.shape[:1]:
        raise ValueError(f"{name}: expected one value per row of {scores_name}, shape "
                         f"{scores.shape[:1]}, got {value.shape}")


@loss(family="rl", formula="(r + γ·(1 - done)·max_a′ Q′(s′, a′) - Q(s, a))²",
      reference="numpy:td_loss", convex=True, smooth=True, kinks="none", module="TDLoss")
def td_loss(q, actions, rewards, next_q, dones, gamma=0.99, reduction="mean"):
    """Temporal-difference (Q-learning) loss:

        𝓛 = (r + γ·(1 - done)·max_a′ Q′(s′, a′) - Q(s, a))²

    ``q`` (N, A): Q(s, ·) of the online network; ``actions`` (N,) the actions taken;
    ``rewards`` and ``dones`` (N,), dones in {0, 1}; ``next_q`` (N, A): Q′(s′, ·) of the target
    network, detached (no gradient).  γ ∈ [0, 1].
    """
    check_tensor("q", q)
    check_ndim("q", q, (2,))
    _check_actions(actions, q, "q")
    _check_per_sample("rewards", rewards, q, "q")
    check_float_like("next_q", next_q, "q", q)
    _check_per_sample("dones", dones, q, "q")
    check_labels_in("dones", dones, (0, 1))
    check_in_range("gamma", gamma, 0.0, 1.0)
    bootstrap = (rewards + gamma * (1.0 - dones) * next_q.max(axis=1)).detach()
    error = bootstrap - pick_class(q, actions)
    return reduce(error * error, reduction)


@loss(family="rl", formula="-log softmax(logits)_a · A", reference="numpy:policy_gradient_loss",
      convex=False, smooth=True, kinks="none (convex where A ≥ 0, concave where A < 0)",
      module="PolicyGradientLoss")
def policy_gradient_loss(logits, actions, advantages, reduction="mean"):
    """REINFORCE / actor loss: 𝓛 = -log π(a|s)·A(s, a), π = softmax(logits).

    ``logits`` (N, A), ``actions`` (N,), ``advantages`` (N,) detached: minimising 𝓛 raises the
    log-probability of actions with positive advantage.
    """
    check_tensor("logits", logits)
    check_ndim("logits", logits, (2,))
    _check_actions(actions, logits, "logits")
    _check_per_sample("advantages", advantages, logits, "logits")
    log_pi = pick_class(F.log_softmax(logits, axis=1), actions)
    return reduce(-log_pi * advantages.detach(), reduction)
