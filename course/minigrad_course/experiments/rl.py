"""Reinforcement learning with the two RL losses of seed 002, on a small gridworld.

    python -m minigrad_course rl [--seeds N] [--quick]

The world: a deterministic 4×4 grid, start in the top-left corner, a goal in the bottom-right
corner (reward +1, the episode ends), a pit at (1, 1) (reward −1, the episode ends), no reward
otherwise, walls that keep the agent in place, discount γ = 0.9, episodes cut after 40 steps.
Its optimal action values Q* come from value iteration in NumPy: the check of what is learned.

(a) Q-learning with ``td_loss``: a Q-network (an MLP on the one-hot state) learns from a replay
    buffer of ε-greedy transitions; the bootstrap target max_a′ Q′(s′, a′) comes from a target
    network, a copy of the Q-network refreshed every ``--target-every`` steps.  Measured: the
    largest error |Q − Q*| over every (state, action) pair of the non-terminal states, and
    whether the greedy policy reaches the goal from every state.

(b) REINFORCE with ``policy_gradient_loss``: a policy network π(a|s) samples a batch of episodes
    from the start; each step's advantage is its discounted return-to-go minus a baseline, a
    value network b(s) fitted to the returns with ``mse_loss``.  Measured: the expected
    discounted return of the policy from the start, computed exactly (a linear solve of the
    Bellman equation of π), against the random policy's and the optimum V*(start).  The same
    learner without the baseline (advantage = return) runs alongside for comparison.

Every gradient is minigrad's; NumPy only runs the environment, the replay buffer and the checks.
Observation while building it: on a 5×5 grid with three pits, REINFORCE from a fixed start
settles on wandering forever (return 0, better than a pit) and never finds the goal, while
ε-greedy Q-learning solves it: exploration matters as much as the loss.
"""
import time

import numpy as np

import minigrad as mg
from minigrad import losses, nn, optim

from ..plotting import pyplot
from . import base
from .base import Setting

NAME = "rl"
SEEDS = Setting(full=5, quick=1)
CONFIG = {
    "gamma": Setting(0.9),
    "hidden": Setting(64),
    "q_steps": Setting(4000, 2000, help="environment steps of Q-learning"),
    "q_lr": Setting(1e-3),
    "batch": Setting(32),
    "target_every": Setting(100, help="steps between copies of the Q-network into the target "
                                      "network"),
    "eps_end": Setting(0.1),
    "buffer": Setting(5000),
    "warmup": Setting(100),
    "eval_every": Setting(50),
    "pg_updates": Setting(300, 100, help="REINFORCE updates"),
    "pg_lr": Setting(3e-3),
    "episodes": Setting(16, help="episodes per REINFORCE update"),
    "pg_eval_every": Setting(5),
}
FIGURES = {"rl_learning_curves": ("lessons/07_generative_rl.ipynb",
                                  "seed 002: TD loss and policy-gradient loss")}

ACTIONS = ((-1, 0), (1, 0), (0, -1), (0, 1))
"""Moves (row, column) of the actions up, down, left, right."""
ARROWS = "↑↓←→"


# --- the environment and its exact solution -----------------------------------------------------
class GridWorld:
    """A deterministic grid as tables: ``next_state[s, a]``, ``reward[s, a]``, ``done[s, a]``.

    States are numbered row by row (s = row·size + column).  Entering the goal gives +1 and
    entering a pit −1, both ending the episode; every other move gives ``step_reward``.
    """

    def __init__(self, size=4, goal=(3, 3), pits=((1, 1),), start=(0, 0), step_reward=0.0,
                 max_steps=40):
        self.size, self.goal, self.pits, self.max_steps = size, tuple(goal), tuple(pits), max_steps
        self.n_states, self.n_actions = size * size, len(ACTIONS)
        self.start_state = start[0] * size + start[1]
        self.next_state = np.zeros((self.n_states, self.n_actions), dtype=np.int64)
        self.reward = np.full((self.n_states, self.n_actions), float(step_reward))
        self.done = np.zeros((self.n_states, self.n_actions))
        self.terminal = np.zeros(self.n_states, dtype=bool)
        for s in range(self.n_states):
            row, col = divmod(s, size)
            self.terminal[s] = (row, col) == self.goal or (row, col) in self.pits
            for a, (dr, dc) in enumerate(ACTIONS):
                r2, c2 = min(max(row + dr, 0), size - 1), min(max(col + dc, 0), size - 1)
                self.next_state[s, a] = r2 * size + c2
                if (r2, c2) == self.goal:
                    self.reward[s, a], self.done[s, a] = 1.0, 1.0
                elif (r2, c2) in self.pits:
                    self.reward[s, a], self.done[s, a] = -1.0, 1.0

    def one_hot(self, states):
        """The network input of a list of states: rows of the identity, float32."""
        x = np.zeros((len(states), self.n_states), dtype=np.float32)
        x[np.arange(len(states)), np.asarray(states)] = 1.0
        return mg.tensor(x)


def value_iteration(env, gamma, tol=1e-12):
    """Q*(s, a) = r(s, a) + γ·(1 − done)·max_a′ Q*(s′, a′), iterated to a fixed point (NumPy).

    Terminal states keep Q = 0 (they are never acted in)."""
    q = np.zeros((env.n_states, env.n_actions))
    while True:
        new = env.reward + gamma * (1.0 - env.done) * q.max(axis=1)[env.next_state]
        new[env.terminal] = 0.0
        if np.abs(new - q).max() < tol:
            return new
        q = new


def policy_values(env, probs, gamma):
    """V^π of a stochastic policy ``probs`` (n_states, n_actions), exactly: the solution of
    (I − γ P_π) V = r_π, with no time limit."""
    n = env.n_states
    transition, reward = np.zeros((n, n)), np.zeros(n)
    for s in np.flatnonzero(~env.terminal):
        for a in range(env.n_actions):
            reward[s] += probs[s, a] * env.reward[s, a]
            if not env.done[s, a]:
                transition[s, env.next_state[s, a]] += probs[s, a]
    return np.linalg.solve(np.eye(n) - gamma * transition, reward)


def greedy_rollout(env, policy, state, gamma):
    """(discounted return, reached the goal) of the deterministic ``policy`` from ``state``."""
    total, discount = 0.0, 1.0
    for _ in range(env.max_steps):
        a = policy[state]
        reward, done = env.reward[state, a], env.done[state, a]
        total += discount * reward
        discount *= gamma
        state = env.next_state[state, a]
        if done:
            return total, reward > 0
    return total, False


def mlp(n_in, hidden, n_out):
    return nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, n_out))


def network_table(net, env):
    """The network's outputs for every state, as a NumPy array (n_states, outputs)."""
    with mg.no_grad():
        return net(env.one_hot(np.arange(env.n_states))).numpy()


def softmax_rows(logits):
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


# --- (a) Q-learning with the TD loss ------------------------------------------------------------
def q_learning(env, seed, cfg):
    """Train a Q-network with ε-greedy exploration, a replay buffer and a target network.

    Returns a dict: the learning curve (env steps, max |Q − Q*|, fraction of states from which
    the greedy policy reaches the goal), the final Q table, and the final measures.
    """
    base.seed_everything(seed)
    rng = np.random.default_rng(seed)
    gamma = cfg["gamma"]
    q_star = value_iteration(env, gamma)
    live = np.flatnonzero(~env.terminal)
    net, target = mlp(env.n_states, cfg["hidden"], 4), mlp(env.n_states, cfg["hidden"], 4)
    target.load_state_dict(net.state_dict())
    optimizer = optim.Adam(net.parameters(), lr=cfg["q_lr"])
    size = cfg["buffer"]
    buf_s, buf_a = np.zeros(size, np.int64), np.zeros(size, np.int64)
    buf_r, buf_d = np.zeros(size, np.float32), np.zeros(size, np.float32)
    buf_s2 = np.zeros(size, np.int64)
    stored = 0
    state, t = env.start_state, 0
    steps = cfg["q_steps"]
    curve = {"step": [], "q_error": [], "goal_fraction": []}
    for step in range(1, steps + 1):
        # ε falls linearly from 1 to eps_end over the first half of training
        epsilon = max(cfg["eps_end"], 1.0 - (1.0 - cfg["eps_end"]) * step / (0.5 * steps))
        if rng.random() < epsilon:
            action = int(rng.integers(env.n_actions))
        else:
            with mg.no_grad():
                action = int(net(env.one_hot([state])).numpy().argmax())
        i = stored % size
        buf_s[i], buf_a[i] = state, action
        buf_r[i], buf_s2[i] = env.reward[state, action], env.next_state[state, action]
        buf_d[i] = env.done[state, action]
        stored += 1
        state, t = buf_s2[i], t + 1
        if buf_d[i] or t >= env.max_steps:
            state, t = env.start_state, 0

        if stored >= cfg["warmup"]:
            idx = rng.integers(min(stored, size), size=cfg["batch"])
            with mg.no_grad():
                next_q = target(env.one_hot(buf_s2[idx]))   # Q′(s′, ·): no gradient
            loss = losses.td_loss(net(env.one_hot(buf_s[idx])), mg.tensor(buf_a[idx]),
                                  mg.tensor(buf_r[idx]), next_q, mg.tensor(buf_d[idx]), gamma=gamma)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if step % cfg["target_every"] == 0:
            target.load_state_dict(net.state_dict())

        if step % cfg["eval_every"] == 0 or step == steps:
            q = network_table(net, env)
            policy = q.argmax(axis=1)
            curve["step"].append(step)
            curve["q_error"].append(float(np.abs(q - q_star)[live].max()))
            curve["goal_fraction"].append(
                float(np.mean([greedy_rollout(env, policy, s, gamma)[1] for s in live])))
    q = network_table(net, env)
    policy = q.argmax(axis=1)
    start_return, reaches = greedy_rollout(env, policy, env.start_state, gamma)
    return {"curve": curve, "q": q, "policy": policy,
            "q_error": float(np.abs(q - q_star)[live].max()),
            "v_error": float(np.abs(q.max(axis=1) - q_star.max(axis=1))[live].max()),
            "goal_fraction": curve["goal_fraction"][-1],
            "reaches_goal_from_start": bool(reaches), "start_return": float(start_return)}


# --- (b) REINFORCE with the policy-gradient loss ------------------------------------------------
def sample_episodes(env, probs, n, gamma, rng):
    """``n`` episodes from the start under ``probs``: (states, actions, returns-to-go, the
    discounted return of each episode)."""
    states, actions, returns, episode_returns = [], [], [], []
    for _ in range(n):
        s, ss, aa, rr = env.start_state, [], [], []
        for _ in range(env.max_steps):
            a = int(rng.choice(env.n_actions, p=probs[s]))
            ss.append(s)
            aa.append(a)
            rr.append(env.reward[s, a])
            done, s = env.done[s, a], env.next_state[s, a]
            if done:
                break
        g, to_go = 0.0, []
        for r in reversed(rr):
            g = r + gamma * g
            to_go.append(g)
        states += ss
        actions += aa
        returns += to_go[::-1]
        episode_returns.append(g)
    return (np.array(states), np.array(actions), np.array(returns, dtype=np.float32),
            float(np.mean(episode_returns)))


def reinforce(env, seed, cfg, baseline=True):
    """REINFORCE from the start state; the advantage of each step is its return-to-go minus the
    value network's b(s) (``baseline``) or the bare return-to-go.

    The loss is the mean over the batch's steps of −log π(a|s)·A (the usual form without the
    γ^t factor).  Returns the curve of the exact expected return V^π(start) per update.
    """
    base.seed_everything(seed)
    rng = np.random.default_rng(seed)
    gamma = cfg["gamma"]
    policy = mlp(env.n_states, cfg["hidden"], env.n_actions)
    value = mlp(env.n_states, cfg["hidden"], 1)
    policy_opt = optim.Adam(policy.parameters(), lr=cfg["pg_lr"])
    value_opt = optim.Adam(value.parameters(), lr=cfg["pg_lr"])
    curve = {"update": [], "expected_return": [], "batch_return": []}
    for update in range(cfg["pg_updates"] + 1):
        probs = softmax_rows(network_table(policy, env).astype(np.float64))
        if update % cfg["pg_eval_every"] == 0 or update == cfg["pg_updates"]:
            curve["update"].append(update)
            curve["expected_return"].append(
                float(policy_values(env, probs, gamma)[env.start_state]))
        if update == cfg["pg_updates"]:
            break
        states, actions, returns, batch_return = sample_episodes(env, probs, cfg["episodes"],
                                                                 gamma, rng)
        if update % cfg["pg_eval_every"] == 0:
            curve["batch_return"].append(batch_return)
        x = env.one_hot(states)
        advantages = returns
        if baseline:
            b = value(x).reshape(-1)
            advantages = returns - b.numpy()
            value_loss = losses.mse_loss(b, mg.tensor(returns))
            value_opt.zero_grad()
            value_loss.backward()
            value_opt.step()
        loss = losses.policy_gradient_loss(policy(x), mg.tensor(actions),
                                           mg.tensor(advantages.astype(np.float32)))
        policy_opt.zero_grad()
        loss.backward()
        policy_opt.step()
    return {"curve": curve, "final_return": curve["expected_return"][-1]}


# --- the experiment -----------------------------------------------------------------------------
def sci(values):
    """'m ± s' in scientific notation, for errors that span orders of magnitude."""
    m, s = base.mean_sd(values)
    return f"{m:.1e} ± {s:.1e}"


def band(ax, x, runs, label, color, **kw):
    """Mean of ``runs`` (seeds × points) as a line, min–max over seeds as a shaded band."""
    runs = np.asarray(runs, dtype=float)
    ax.plot(x, runs.mean(axis=0), color=color, label=label, **kw)
    if len(runs) > 1:
        ax.fill_between(x, runs.min(axis=0), runs.max(axis=0), color=color, alpha=0.2, lw=0)


def draw(env, q_runs, pg_runs, pg_plain_runs, q_star, random_return, cfg):
    plt = pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.3))
    n = len(q_runs)

    ax = axes[0]
    steps = q_runs[0]["curve"]["step"]
    band(ax, steps, [r["curve"]["q_error"] for r in q_runs], "max |Q − Q*|", "C0")
    ax.set_yscale("log")
    ax.set_xlabel("environment steps")
    ax.set_ylabel("max over (s, a) of |Q − Q*|", color="C0")
    twin = ax.twinx()
    band(twin, steps, [r["curve"]["goal_fraction"] for r in q_runs], "greedy reaches goal", "C1")
    twin.set_ylim(-0.05, 1.05)
    twin.set_ylabel("fraction of states whose greedy path reaches the goal", color="C1")
    ax.set_title(f"(a) Q-learning, td_loss ({n} seed{'s' * (n > 1)}; band = min–max)")

    ax = axes[1]
    updates = pg_runs[0]["curve"]["update"]
    band(ax, updates, [r["curve"]["expected_return"] for r in pg_runs], "with baseline b(s)", "C2")
    band(ax, updates, [r["curve"]["expected_return"] for r in pg_plain_runs],
         "without baseline", "C4", ls="--")
    v_star = q_star.max(axis=1)[env.start_state]
    ax.axhline(v_star, color="k", lw=1, ls=":", label=f"optimum V*(start) = {v_star:.3f}")
    ax.axhline(random_return, color="gray", lw=1, ls="-.",
               label=f"random policy = {random_return:.3f}")
    ax.set_ylim(random_return - 0.1, v_star + 0.1)
    ax.set_xlabel(f"policy updates ({cfg['episodes']} episodes each)")
    ax.set_ylabel("expected discounted return from the start")
    ax.set_title("(b) REINFORCE, policy_gradient_loss")
    ax.legend(loc="lower right", fontsize=8)

    ax = axes[2]
    v_star_grid = q_star.max(axis=1).reshape(env.size, env.size)
    learned = q_runs[0]["q"].max(axis=1)
    colours = v_star_grid.copy()   # the goal and the pit coloured by their rewards
    colours[env.goal] = 1.0
    for pit in env.pits:
        colours[pit] = -1.0
    ax.imshow(colours, cmap="RdYlGn", vmin=-1, vmax=1)
    for s in range(env.n_states):
        row, col = divmod(s, env.size)
        colour = "white"
        if (row, col) == env.goal:
            text = "GOAL\n+1"
        elif (row, col) in env.pits:
            text = "PIT\n−1"
        else:
            colour = "black"
            text = (f"{ARROWS[q_runs[0]['policy'][s]]}\nQ-net {learned[s]:.3f}\n"
                    f"V* {v_star_grid[row, col]:.3f}")
        ax.text(col, row, text, ha="center", va="center", fontsize=8, color=colour)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title("greedy policy and max_a Q of the Q-network (seed 0)\nagainst V* by value "
                 "iteration (colour)")
    fig.tight_layout()
    return fig


def run(setup):
    """Q-learning and REINFORCE (with and without a baseline) on every seed; the table, the
    results and the figure."""
    seeds, cfg = setup.seeds, setup.config
    env = GridWorld()
    q_star = value_iteration(env, cfg["gamma"])
    random_return = float(policy_values(env, np.full((env.n_states, env.n_actions), 0.25),
                                        cfg["gamma"])[env.start_state])
    v_star_start = float(q_star.max(axis=1)[env.start_state])

    start = time.perf_counter()
    q_runs = [q_learning(env, seed, cfg) for seed in seeds]
    q_time = time.perf_counter() - start
    start = time.perf_counter()
    pg_runs = [reinforce(env, seed, cfg, baseline=True) for seed in seeds]
    pg_plain_runs = [reinforce(env, seed, cfg, baseline=False) for seed in seeds]
    pg_time = time.perf_counter() - start

    fmt = base.fmt_mean_sd
    q_rows = [
        ["‖Q − Q*‖∞ over the (s, a) of non-terminal states", sci([r["q_error"] for r in q_runs])],
        ["‖V − V*‖∞ over non-terminal states (V = max_a Q)", sci([r["v_error"] for r in q_runs])],
        ["fraction of states from which the greedy policy reaches the goal",
         fmt([r["goal_fraction"] for r in q_runs], 2)],
        [f"greedy discounted return from the start (optimum {v_star_start:.3f})",
         fmt([r["start_return"] for r in q_runs], 3)],
    ]
    pg_rows = []
    for label, runs in (("REINFORCE with baseline b(s)", pg_runs),
                        ("REINFORCE without baseline", pg_plain_runs)):
        first = [r["curve"]["expected_return"][0] for r in runs]
        curves = np.array([r["curve"]["expected_return"] for r in runs])
        within = [next((u for u, v in zip(r["curve"]["update"], r["curve"]["expected_return"])
                        if v >= 0.9 * v_star_start), None) for r in runs]
        reached = [u for u in within if u is not None]
        pg_rows.append([label, fmt(first, 3), fmt(curves[:, -1], 3),
                        f"{len(reached)}/{len(runs)}"
                        + (f", after {fmt(reached, 0)} updates" if reached else "")])
    text = "\n".join([
        f"## rl: 4×4 gridworld (goal +1, pit −1, γ = {cfg['gamma']}), {len(seeds)} seed(s)"
        + (" (quick)" if setup.quick else ""), "",
        f"(a) Q-learning with td_loss: {cfg['q_steps']} steps, target network every "
        f"{cfg['target_every']} steps, ε 1 → {cfg['eps_end']}. Q* by value iteration.", "",
        base.markdown_table(["quantity", "mean ± sd over seeds"], q_rows), "",
        f"(b) REINFORCE with policy_gradient_loss: {cfg['pg_updates']} updates of "
        f"{cfg['episodes']} episodes. Expected discounted return from the start (exact): random "
        f"policy {random_return:.3f}, optimum {v_star_start:.3f}.", "",
        base.markdown_table(["learner", "expected return before", "after training",
                               "seeds reaching 90 % of optimum"], pg_rows), "",
        f"time: Q-learning {q_time:.1f} s, REINFORCE {pg_time:.1f} s",
    ])
    return base.Report(text, {
        "optimal_start_value": v_star_start, "random_start_value": random_return,
        "q_star": q_star,
        "q_learning": [{k: v for k, v in r.items()} for r in q_runs],
        "reinforce_baseline": pg_runs, "reinforce_no_baseline": pg_plain_runs,
        "seconds": {"q_learning": q_time, "reinforce": pg_time},
    }, {"rl_learning_curves": draw(env, q_runs, pg_runs, pg_plain_runs, q_star, random_return,
                                   cfg)})
