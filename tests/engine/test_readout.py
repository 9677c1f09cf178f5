"""Ridge from streamed normal equations against scikit-learn; pinv."""

import numpy as np
import pytest
from sklearn.linear_model import Ridge

from lnn_core import RidgeAccumulator, pinv_readout, ridge_solve
from lnn_core.engine.readout import dual_ridge


@pytest.mark.parametrize("ridge", [1e-6, 1e-2, 1.0, 30.0])
def test_streamed_ridge_matches_sklearn(ridge):
    rng = np.random.default_rng(0)
    F = rng.standard_normal((500, 40)) * rng.uniform(0.1, 5, 40) + rng.uniform(-3, 3, 40)
    Y = F @ rng.standard_normal((40, 3)) + rng.standard_normal((500, 3)) + 7.0
    acc = RidgeAccumulator(40, 3)
    for start in range(0, 500, 64):                      # streamed in chunks
        acc.add(F[start:start + 64], Y[start:start + 64])
    coef, intercept = acc.solve(ridge)
    ref = Ridge(alpha=ridge, solver="cholesky").fit(F, Y)
    np.testing.assert_allclose(coef, ref.coef_.T, rtol=1e-5, atol=1e-9)
    np.testing.assert_allclose(intercept, ref.intercept_, rtol=1e-5)


def test_intercept_is_not_penalised():
    rng = np.random.default_rng(1)
    F = rng.standard_normal((200, 5))
    acc = RidgeAccumulator(5, 1)
    acc.add(F, np.full((200, 1), 100.0))
    coef, intercept = acc.solve(1e6)
    assert intercept[0] == pytest.approx(100.0)
    assert np.abs(coef).max() < 1e-6


def test_solve_path_equals_separate_solves():
    rng = np.random.default_rng(2)
    F, Y = rng.standard_normal((300, 20)), rng.standard_normal((300, 4))
    acc = RidgeAccumulator(20, 4)
    acc.add(F, Y)
    ridges = [0.0, 1e-3, 1.0, 100.0]
    for ridge, (coef, intercept) in zip(ridges, acc.solve_path(ridges)):
        ref_coef, ref_intercept = acc.solve(ridge)
        np.testing.assert_allclose(coef, ref_coef, rtol=1e-7, atol=1e-10)
        np.testing.assert_allclose(intercept, ref_intercept, rtol=1e-7, atol=1e-10)


def test_ridge_zero_on_collinear_features_stays_finite():
    F = np.ones((50, 3))
    coef = ridge_solve(F.T @ F * 0, np.ones((3, 1)), 0.0)
    assert np.isfinite(coef).all()


def test_pinv_readout_is_least_squares_without_intercept():
    rng = np.random.default_rng(3)
    F = rng.standard_normal((100, 8))
    W = rng.standard_normal((8, 2))
    np.testing.assert_allclose(pinv_readout(F, F @ W), W, atol=1e-10)


def test_empty_accumulator_and_bad_ridge():
    with pytest.raises(ValueError, match="no samples"):
        RidgeAccumulator(2, 1).solve(1.0)
    acc = RidgeAccumulator(2, 1)
    acc.add(np.eye(2), np.ones((2, 1)))
    with pytest.raises(ValueError, match="ridge must be a number >= 0, got -1"):
        acc.solve(-1)


@pytest.mark.parametrize("ridge", [1e-3, 1.0])
def test_dual_ridge_matches_sklearn_when_features_outnumber_samples(ridge):
    rng = np.random.default_rng(4)
    F = rng.standard_normal((60, 200)) + 2.0
    Y = rng.standard_normal((60, 3))
    coef, intercept = dual_ridge(F, Y, ridge)
    ref = Ridge(alpha=ridge, solver="svd").fit(F, Y)
    np.testing.assert_allclose(coef, ref.coef_.T, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(intercept, ref.intercept_, rtol=1e-5, atol=1e-8)


def test_float32_features_accumulate_close_to_float64():
    rng = np.random.default_rng(5)
    F = rng.standard_normal((3000, 50)).astype(np.float32)
    Y = rng.standard_normal((3000, 2))
    single, double = RidgeAccumulator(50, 2), RidgeAccumulator(50, 2)
    for start in range(0, 3000, 1000):
        single.add(F[start:start + 1000], Y[start:start + 1000])
        double.add(F[start:start + 1000].astype(np.float64), Y[start:start + 1000])
    np.testing.assert_allclose(single.solve(1e-3)[0], double.solve(1e-3)[0], rtol=1e-4, atol=1e-6)


def test_large_feature_means_do_not_cancel_in_float32_chunks():
    """Pooled tanh states have means far above their spread: no cancellation allowed."""
    rng = np.random.default_rng(6)
    F = (0.9 + 0.01 * rng.standard_normal((4000, 30))).astype(np.float32)
    Y = F.astype(np.float64) @ rng.standard_normal((30, 2)) * 100
    acc = RidgeAccumulator(30, 2)
    for start in range(0, 4000, 512):
        acc.add(F[start:start + 512], Y[start:start + 512])
    coef, intercept = acc.solve(1e-6)
    ref = Ridge(alpha=1e-6, solver="cholesky").fit(F.astype(np.float64), Y)
    np.testing.assert_allclose(coef, ref.coef_.T, rtol=1e-3, atol=1e-3 * np.abs(ref.coef_).max())


def test_classifier_readout_is_the_exact_ridge_of_its_float32_states():
    """The readout behind ``EchoStateClassifier.fit`` at the default ridge: float32 states
    streamed in blocks, every product in float64, equals scikit-learn's Ridge on the same
    states as one float64 matrix.

    With float32 block products (the old code) the scores were 1.2e-4 (200 units)
    to 5.5e-4 (500 units) from the reference: more than the 1e-4 the science issue
    allows.  Now they agree to ~1e-11.
    """
    from lnn_core import EchoStateClassifier
    from lnn_core.data.mnist import load_mnist
    from lnn_core.engine.estimators import _BLOCK

    data = load_mnist("sample")
    X_train, y_train, X_test = data.X_train, data.y_train, data.X_test
    assert len(X_train) > _BLOCK                                  # at least two blocks merge
    clf = EchoStateClassifier(n_units=200, input_scaling=0.5, ridge=1e-4).fit(X_train, y_train)
    F_train = clf.transform_states(X_train).astype(np.float64)
    ref = Ridge(alpha=1e-4, solver="cholesky").fit(F_train, np.eye(10)[y_train])
    expected = ref.predict(clf.transform_states(X_test).astype(np.float64))
    scores = clf.decision_function(X_test)
    np.testing.assert_allclose(scores, expected, rtol=0, atol=1e-8)
    np.testing.assert_array_equal(scores.argmax(1), expected.argmax(1))
    np.testing.assert_allclose(clf.coef_, ref.coef_.T, rtol=0,
                               atol=1e-7 * np.abs(ref.coef_).max())
