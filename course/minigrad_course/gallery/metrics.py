"""Calibration metrics of a classifier's predicted probabilities (lesson 05)."""
import numpy as np


def reliability_bins(probs, labels, bins=10):
    """Predictions grouped by their confidence (the largest probability) into ``bins`` equal
    bins of [0, 1]: (mean confidence, accuracy, count) of each bin, NaN where empty."""
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == labels
    which = np.clip(np.ceil(confidence * bins).astype(int) - 1, 0, bins - 1)  # (lo, hi] bins
    count = np.bincount(which, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_confidence = np.bincount(which, confidence, bins) / count
        accuracy = np.bincount(which, correct.astype(float), bins) / count
    return mean_confidence, accuracy, count


def expected_calibration_error(probs, labels, bins=10):
    """ECE = Σ_b (n_b / n)·|accuracy_b − confidence_b| over equal-width confidence bins."""
    confidence, accuracy, count = reliability_bins(probs, labels, bins)
    kept = count > 0
    return float(np.sum(count[kept] / count.sum() * np.abs(accuracy[kept] - confidence[kept])))
