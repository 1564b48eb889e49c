"""The synthetic data of the course's experiments: the paper's robust-regression problem."""
from collections import namedtuple

import numpy as np

import minigrad as mg

RobustRegression = namedtuple("RobustRegression", "x y is_outlier slope intercept")
RobustRegression.__doc__ = ("Points (x, y) of 1-D tensors, a bool mask of the outliers, and the "
                            "true line y = slope·x + intercept.")


def make_robust_regression(n=1000, n_outliers=500, slope=2.0, intercept=3.0, x_range=(0.0, 10.0),
                           outlier_mean=(3.0, 30.0), outlier_cov=((4.0, 0.0), (0.0, 25.0)),
                           seed=0, dtype=mg.float32, device="cpu"):
    """The robust-regression data of the paper's Fig. 4 (Noel et al., seed 001).

    ``n`` inliers on a line with unit Gaussian noise, and ``n_outliers`` points from a 2-D
    Gaussian:

        x ~ U(x_range),   y = slope·x + intercept + ε,   ε ~ N(0, 1)
        (x, y)_outlier ~ N(outlier_mean, outlier_cov)

    The paper gives neither its line nor its outliers' mean and covariance; these defaults are
    ours.  They put a cloud of outliers above the left part of the line, far enough (about 20
    units, twenty noise standard deviations) that the squared error is pulled far off the line
    while losses that grow linearly stay near it.  Fitting y = a·x + b by Adam on seeds 0–4,
    the errors of (slope, intercept) are, mean ± std: MSE 78 ± 3 % and 460 ± 12 %, log-cosh
    15 ± 2 % and 88 ± 11 %, SMAE 11 ± 1 % and 64 ± 6 % — the paper's order (its Table 1,
    minigrad_course.paper.TABLE_1).

    Returns RobustRegression(x, y, is_outlier, slope, intercept): the inliers first, then the
    outliers (shuffle with a DataLoader); x and y of shape (n + n_outliers,) — for a Linear
    layer use x.reshape(-1, 1).  ``seed`` seeds a generator of its own, so that experiments
    can repeat over seeds without touching minigrad's.
    """
    if n < 0 or n_outliers < 0 or n + n_outliers == 0:
        raise ValueError(f"make_robust_regression: need n ≥ 0 and n_outliers ≥ 0, not both 0; "
                         f"got n={n}, n_outliers={n_outliers}")
    rng = np.random.default_rng(seed)
    x = rng.uniform(x_range[0], x_range[1], n)
    y = slope * x + intercept + rng.standard_normal(n)
    outliers = rng.multivariate_normal(outlier_mean, outlier_cov, n_outliers).reshape(-1, 2)
    is_outlier = np.r_[np.zeros(n, dtype=bool), np.ones(n_outliers, dtype=bool)]
    return RobustRegression(mg.tensor(np.r_[x, outliers[:, 0]], dtype=dtype, device=device),
                            mg.tensor(np.r_[y, outliers[:, 1]], dtype=dtype, device=device),
                            mg.tensor(is_outlier, device=device), slope, intercept)
