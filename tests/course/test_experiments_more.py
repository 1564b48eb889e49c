"""The RL, generative, embedding and segmentation experiments in their --quick configuration.

Each must not only run but learn: Q-learning's greedy policy reaches the goal and its values
match value iteration's; REINFORCE beats the random policy; the VAE's loss falls; the GAN moves
its samples onto the target; the 2-D embeddings classify digits far above chance; the overlap
losses find the rare foreground.  A few checks of the pieces (the exact solutions, samplers and
scores the experiments measure with) come first.
"""
import json

import numpy as np
import pytest

from minigrad_course import experiments
from minigrad_course.experiments import base, embeddings, generative, rl, segmentation


def run_quick(module, tmp_path, *extra):
    return base.run(module, ["--quick", "--out", str(tmp_path / "results"),
                             "--figures", str(tmp_path / "figures"), *extra])


def saved(tmp_path, name, figures):
    """The JSON the run saved, after checking its markdown and figures exist."""
    assert (tmp_path / "results" / f"{name}.md").exists()
    for figure in figures:
        assert (tmp_path / "figures" / f"{figure}.png").stat().st_size > 10_000
    return json.loads((tmp_path / "results" / f"{name}.json").read_text())


# --- the pieces ---------------------------------------------------------------------------------
def test_value_iteration_gives_the_discounted_shortest_path():
    env = rl.GridWorld()
    q_star = rl.value_iteration(env, 0.9)
    v = q_star.max(axis=1)
    # six moves from (0, 0) to (3, 3), the reward on the sixth: γ⁵
    assert v[env.start_state] == pytest.approx(0.9 ** 5)
    assert v[2 * 4 + 3] == pytest.approx(1.0)            # next to the goal
    assert q_star[0 * 4 + 1, 1] == pytest.approx(-1.0)   # (0, 1) down into the pit
    # the exact evaluation of the greedy policy agrees with value iteration
    greedy = np.eye(4)[q_star.argmax(axis=1)]
    assert rl.policy_values(env, greedy, 0.9)[~env.terminal] == pytest.approx(v[~env.terminal])
    assert rl.greedy_rollout(env, q_star.argmax(axis=1), env.start_state, 0.9) == \
        (pytest.approx(0.9 ** 5), True)


def test_pair_sampler_draws_same_and_different_classes():
    rng = np.random.default_rng(0)
    labels = rng.integers(10, size=300)
    sampler = embeddings.PairSampler(labels, rng)
    anchors = rng.integers(300, size=5000)
    same, different = sampler.same(anchors), sampler.different(anchors)
    assert (labels[same] == labels[anchors]).all() and (same != anchors).all()
    assert (labels[different] != labels[anchors]).all()


def test_overlap_scores_and_blobs():
    truth = np.zeros((1, 1, 4, 4), dtype=np.float32)
    truth[0, 0, :2, :2] = 1                              # 4 pixels
    predicted = np.zeros((1, 1, 4, 4), dtype=bool)
    predicted[0, 0, :2, :1] = predicted[0, 0, 3, 3] = True  # 2 hits, 1 false alarm
    scores = segmentation.overlap_scores(predicted, truth)
    assert scores["dice"] == pytest.approx(2 * 2 / (3 + 4))
    assert scores["iou"] == pytest.approx(2 / 5)
    assert scores["precision"] == pytest.approx(2 / 3) and scores["recall"] == pytest.approx(0.5)
    _, masks = segmentation.make_blobs(400, np.random.default_rng(0))
    assert 0.03 < masks.mean() < 0.07                      # the imbalance the task is about
    assert masks.sum(axis=(1, 2, 3)).min() > 0             # every image has an object


def test_wasserstein_of_shifted_samples():
    a = np.random.default_rng(0).standard_normal(1000)
    assert generative.wasserstein_1d(a, a + 0.5) == pytest.approx(0.5)


# --- the experiments ----------------------------------------------------------------------------
def test_rl_q_learning_and_reinforce_learn_the_gridworld(tmp_path, capsys):
    results = run_quick(rl, tmp_path)
    (q,) = results["q_learning"]
    assert q["goal_fraction"] == 1.0 and q["reaches_goal_from_start"]
    assert q["start_return"] == pytest.approx(results["optimal_start_value"])
    assert q["v_error"] < 0.01 and q["q_error"] < 0.05   # against value iteration's Q*
    assert q["curve"]["q_error"][-1] < q["curve"]["q_error"][0] / 20
    optimum, random = results["optimal_start_value"], results["random_start_value"]
    for run in results["reinforce_baseline"] + results["reinforce_no_baseline"]:
        curve = run["curve"]["expected_return"]
        assert curve[0] < random + 0.1                    # starts near the random policy
        assert run["final_return"] > 0.75 * optimum > random
    assert "REINFORCE with baseline" in capsys.readouterr().out
    assert saved(tmp_path, "rl", ["rl_learning_curves"])["optimal_start_value"] == \
        pytest.approx(0.9 ** 5)


def test_generative_vae_loss_falls_and_gan_matches_the_target(tmp_path):
    results = run_quick(generative, tmp_path)
    (vae,) = results["vae"]
    assert vae["final"] < vae["initial"] - 10             # nats per image
    assert vae["final"] > results["vae_reconstruction_floor"]
    assert vae["kl"] > 0.5                                 # the latent is used, not collapsed
    assert vae["latent_knn"] > 0.4                         # chance 0.1
    (gan,) = results["gan"]
    assert gan["trained"]["w1"] < gan["untrained"]["w1"] / 3
    assert gan["trained"]["std"] == pytest.approx(gan["target"]["std"], rel=0.25)
    assert 0.3 < gan["trained"]["right_mode_fraction"] < 0.7   # both modes, not one
    saved(tmp_path, "generative", ["vae_digits", "gan_toy"])


def test_embeddings_separate_the_digits(tmp_path):
    results = run_quick(embeddings, tmp_path)
    untrained = max(results["references"]["untrained"])
    for name in embeddings.LOSSES:
        (accuracy,) = results["knn"][name]
        assert accuracy > 0.75 > untrained > results["chance"], name
        assert accuracy > results["references"]["pca"]     # beats the best linear 2-D view
    saved(tmp_path, "embeddings", ["embeddings_digits"])


def test_segmentation_overlap_losses_find_the_rare_foreground(tmp_path):
    results = run_quick(segmentation, tmp_path)
    scores = {name: s[0] for name, s in results["scores"].items()}
    for name in ("dice", "iou", "dice_bce"):
        assert scores[name]["dice"] > 0.4, name            # all background scores 0
    for name in ("dice", "iou"):
        assert scores[name]["dice"] > results["pixel_threshold"]["dice"], name
    # the imbalance: early on plain BCE still predicts (almost) no foreground, Dice does not
    early = results["config"]["early_step"]
    bce_early = segmentation.early_dice(results["curves"]["bce"][0], early)
    dice_early = segmentation.early_dice(results["curves"]["dice"][0], early)
    assert bce_early < 0.1 < 0.4 < dice_early
    saved(tmp_path, "segmentation", ["segmentation_masks"])


@pytest.mark.parametrize("module", [rl, generative, embeddings, segmentation])
def test_experiment_interface(module):
    assert experiments.MODULES[module.NAME] is module
    args = base.parse_args(module, ["--quick", "--seeds", "2"])
    assert args.quick and args.seeds == 2
    assert base.setup(module, args).seeds == [0, 1]
