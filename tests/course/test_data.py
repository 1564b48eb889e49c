"""The course's synthetic data: the robust-regression problem of the paper's Fig. 4."""
import numpy as np
import pytest

import minigrad as mg
from minigrad_course import data


def test_robust_regression_has_a_noisy_line_and_an_outlier_cloud():
    d = data.make_robust_regression(dtype=mg.float64)
    x, y, outlier = d.x.numpy(), d.y.numpy(), d.is_outlier.numpy()
    assert x.shape == y.shape == outlier.shape == (1500,) and outlier.sum() == 500
    residual = y[~outlier] - (d.slope * x[~outlier] + d.intercept)
    assert abs(residual.mean()) < 0.1 and abs(residual.std() - 1) < 0.1
    np.testing.assert_allclose([x[outlier].mean(), y[outlier].mean()], [3, 30], atol=0.5)
    np.testing.assert_allclose(np.cov(x[outlier], y[outlier]), [[4, 0], [0, 25]], atol=3)
    inlier_fit = np.polyfit(x[~outlier], y[~outlier], 1)
    all_fit = np.polyfit(x, y, 1)  # least squares: the squared error's minimiser
    np.testing.assert_allclose(inlier_fit, [d.slope, d.intercept], rtol=0.05)
    assert abs(all_fit[0] - d.slope) / d.slope > 0.5  # the outliers pull it far off


def test_robust_regression_is_seeded_and_configurable():
    a = data.make_robust_regression(n=20, n_outliers=5, seed=3)
    b = data.make_robust_regression(n=20, n_outliers=5, seed=3)
    c = data.make_robust_regression(n=20, n_outliers=5, seed=4)
    np.testing.assert_array_equal(a.y.numpy(), b.y.numpy())
    assert not np.array_equal(a.y.numpy(), c.y.numpy())
    line = data.make_robust_regression(n=30, n_outliers=0, slope=-1.0, intercept=0.5,
                                       x_range=(-1, 1))
    assert line.is_outlier.numpy().sum() == 0 and np.all(np.abs(line.x.numpy()) <= 1)
    with pytest.raises(ValueError, match="n_outliers"):
        data.make_robust_regression(n=0, n_outliers=0)
