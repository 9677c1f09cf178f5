"""Digit experiments: sizes offered, fits scored against a direct fit, curves, drawings, files."""

import numpy as np
import pytest

from lnn_core import (
    DataError,
    EchoStateClassifier,
    EchoStateRegressor,
    guard,
    run_states,
)
from lnn_core.data.datasets import load_digits_sequences
from lnn_core.data.digits import preprocess_drawing, preprocess_drawing_8x8
from lnn_core.engine.model_io import save_model
from lnn_core.lab import digit_experiments as experiments

KWARGS = (("n_units", 60), ("random_state", 3))


@pytest.fixture(scope="module")
def digits():
    """scikit-learn's 8×8 digits: 1,347 training and 450 test images."""
    return load_digits_sequences()


@pytest.fixture(scope="module")
def run(digits):
    return experiments.fit_and_score(digits.X_train, digits.y_train, digits.X_test, digits.y_test,
                                     KWARGS, n_train=600, n_scored=250)


def canvas_with_a_bar():
    """A 280×280 RGBA canvas, white-on-black, with one vertical stroke (a "1")."""
    canvas = np.zeros((280, 280, 4), np.uint8)
    canvas[..., 3] = 255
    canvas[40:240, 130:150, :3] = 255
    return canvas


# ----------------------------------------------------------------------------- choices

@pytest.mark.parametrize(("n_available", "candidates", "expected"), [
    (1347, experiments.TRAINING_SIZES, [500, 1000, 1347]),
    (60000, experiments.TRAINING_SIZES, [500, 1000, 2000, 5000, 10000, 20000, 60000]),
    (20000, experiments.TRAINING_SIZES, [500, 1000, 2000, 5000, 10000, 20000]),
    (240, experiments.TRAINING_SIZES, [240]),
    (4000, experiments.LADDER_SIZES, [2000, 4000]),
    (60000, experiments.LADDER_SIZES, [2000, 4000, 10000, 60000]),
])
def test_training_sizes_are_the_smaller_candidates_then_everything(n_available, candidates,
                                                                   expected):
    assert experiments.training_sizes(n_available, candidates) == expected


@pytest.mark.parametrize("n_available", [0, -5, 2.5, True])
def test_training_sizes_refuse_a_bad_count_naming_it(n_available):
    with pytest.raises(ValueError, match=r"n_available must be a whole number >= 1"):
        experiments.training_sizes(n_available)


def test_nearest_picks_the_closest_size_and_the_smaller_of_a_tie():
    assert experiments.nearest([500, 1000, 1347], 10000) == 1347
    assert experiments.nearest([500, 1000, 2000, 5000, 10000, 60000], 10000) == 10000
    assert experiments.nearest([2000, 4000, 6000], 5000) == 4000
    with pytest.raises(ValueError, match="sizes must hold at least one value"):
        experiments.nearest([], 10)


@pytest.mark.parametrize(("n_train", "n_available", "expected"),
                         [(2000, 10000, 1000), (4000, 10000, 1000), (10000, 10000, 2500),
                          (60000, 10000, 10000), (240, 60, 60)])
def test_ladder_tests_on_a_quarter_at_least_1000_at_most_all(n_train, n_available, expected):
    assert experiments.ladder_test_size(n_train, n_available) == expected


def test_curve_values_of_the_size_and_of_a_parameter():
    sizes = [500, 1000, 2000, 5000]
    assert experiments.curve_values("n_train", sizes, 2000) == (500, 1000, 2000)
    assert experiments.curve_values("ridge", sizes, 2000) == (1e-8, 1e-6, 1e-4, 1e-2, 1.0)
    with pytest.raises(ValueError, match=r"vary must be one of 'n_train', 'spectral_radius'.*"
                                         r"got 'density'"):
        experiments.curve_values("density", sizes, 2000)


# ----------------------------------------------------------------------------- fitting

def test_fit_and_score_matches_a_direct_fit(digits, run):
    direct = EchoStateClassifier(n_units=60, random_state=3).fit(digits.X_train[:600],
                                                                 digits.y_train[:600])
    np.testing.assert_array_equal(run.test_pred, direct.predict(digits.X_test))
    np.testing.assert_array_equal(run.train_pred, direct.predict(digits.X_train[:250]))
    assert run.test_accuracy == pytest.approx(direct.score(digits.X_test, digits.y_test))
    assert run.train_accuracy == pytest.approx(np.mean(run.train_pred == digits.y_train[:250]))
    assert run.train_pred.shape == (250,) and run.test_pred.shape == (450,)
    assert run.seconds > 0


def test_fit_and_score_reads_the_8x8_digits_well(digits):
    result = experiments.fit_and_score(digits.X_train, digits.y_train, digits.X_test,
                                       digits.y_test, {"n_units": 300}, n_train=1347)
    assert result.test_accuracy >= 0.9                  # the page's default: 95-97 %
    assert result.train_pred.shape == (1347,)           # fewer than N_SCORED: all are scored


def test_same_seed_same_run_and_another_seed_another(digits, run):
    again = experiments.fit_and_score(digits.X_train, digits.y_train, digits.X_test,
                                      digits.y_test, dict(KWARGS), n_train=600, n_scored=250)
    np.testing.assert_array_equal(again.model.coef_, run.model.coef_)
    other = experiments.fit_and_score(digits.X_train, digits.y_train, digits.X_test,
                                      digits.y_test, {"n_units": 60, "random_state": 0},
                                      n_train=600, n_scored=250)
    assert not np.array_equal(other.model.coef_, run.model.coef_)


def test_fit_and_score_reports_progress(digits):
    calls = []
    experiments.fit_and_score(digits.X_train, digits.y_train, digits.X_test, digits.y_test,
                              KWARGS, n_train=200, progress=lambda done, total: calls.append(
                                  (done, total)))
    assert calls and calls[-1][0] == calls[-1][1]


@pytest.mark.parametrize("n_train", [0, 1348])
def test_fit_and_score_refuses_n_train_out_of_range(digits, n_train):
    with pytest.raises(ValueError, match=rf"n_train must be a whole number in \[1, 1347\], "
                                         rf"got {n_train}"):
        experiments.fit_and_score(digits.X_train, digits.y_train, digits.X_test, digits.y_test,
                                  KWARGS, n_train=n_train)


def test_fit_and_score_refuses_flat_images_and_missing_labels(digits):
    flat = digits.X_train.reshape(len(digits.X_train), -1)
    with pytest.raises(DataError, match=r"training images must be .*\(n_images, n_rows, n_cols\)"
                                        r", got shape \(1347, 64\)"):
        experiments.fit_and_score(flat, digits.y_train, digits.X_test, digits.y_test, KWARGS,
                                  n_train=100)
    with pytest.raises(DataError, match=r"test labels must have shape \(450,\)"):
        experiments.fit_and_score(digits.X_train, digits.y_train, digits.X_test,
                                  digits.y_test[:-1], KWARGS, n_train=100)


def test_accuracy_curve_points_are_the_fits_of_each_value(digits):
    calls = []
    curve = experiments.accuracy_curve(digits.X_train, digits.y_train, digits.X_test,
                                       digits.y_test, KWARGS, "n_units", (20, 80), n_train=400,
                                       progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 2), (2, 2)]
    for units, train_score, test_score in zip((20, 80), curve.train_accuracy,
                                              curve.test_accuracy):
        model = EchoStateClassifier(n_units=units, random_state=3).fit(digits.X_train[:400],
                                                                       digits.y_train[:400])
        assert test_score == pytest.approx(model.score(digits.X_test, digits.y_test))
        assert train_score == pytest.approx(model.score(digits.X_train[:400],
                                                        digits.y_train[:400]))
    assert curve.vary == "n_units" and curve.values == (20, 80)


def test_accuracy_curve_over_training_sizes_learns_more_from_more(digits):
    curve = experiments.accuracy_curve(digits.X_train, digits.y_train, digits.X_test,
                                       digits.y_test, {"n_units": 200}, "n_train", (50, 1347),
                                       n_train=1347)
    assert curve.test_accuracy[1] > curve.test_accuracy[0] + 0.05
    assert curve.test_accuracy[1] >= 0.9


def test_accuracy_curve_refuses_no_values_and_unknown_parameters(digits):
    args = (digits.X_train, digits.y_train, digits.X_test, digits.y_test, KWARGS)
    with pytest.raises(ValueError, match="values must hold at least one value"):
        experiments.accuracy_curve(*args, "n_units", (), n_train=100)
    with pytest.raises(ValueError, match="vary must be one of"):
        experiments.accuracy_curve(*args, "seed", (1, 2), n_train=100)


def test_check_fit_memory_uses_the_guards_estimate_with_the_cell(digits):
    esn = guard.estimate_memory(1000, 8, 8, 300, "mean+last", 4, False, cell="esn")
    cfc = guard.estimate_memory(1000, 8, 8, 300, "mean+last", 4, False, cell="cfc")
    assert cfc > esn
    budget = (esn + cfc) // 2
    experiments.check_fit_memory(digits.X_train, 1000, {"n_units": 300}, budget=budget)
    with pytest.raises(guard.ResourceError, match=r"Training on 1,000 images needs about"):
        experiments.check_fit_memory(digits.X_train, 1000, {"n_units": 300, "cell": "cfc"},
                                     budget=budget)
    with pytest.raises(ValueError, match=r"n_train must be a whole number in \[1, 1347\]"):
        experiments.check_fit_memory(digits.X_train, 5000, {"n_units": 300})


# ----------------------------------------------------------------------------- results

def test_misclassified_and_the_results_table():
    y_true, y_pred = np.array([7, 1, 4, 9]), np.array([7, 7, 4, 4])
    np.testing.assert_array_equal(experiments.misclassified(y_true, y_pred), [1, 3])
    assert experiments.results_table(y_true, y_pred).to_csv().splitlines() == [
        "test_image,true,predicted", "0,7,7", "1,1,7", "2,4,4", "3,9,4"]
    with pytest.raises(ValueError, match=r"of one shape, got \(4,\) and \(3,\)"):
        experiments.misclassified(y_true, y_pred[:3])


def test_a_saved_classifier_loads_back_and_predicts_the_same(digits, run):
    model = experiments.load_classifier(save_model(run.model))
    check = experiments.check_model(model, digits.X_test, digits.y_test, run.test_pred)
    np.testing.assert_array_equal(check.predictions, run.test_pred)
    assert check.n_same == 450
    assert check.test_accuracy == pytest.approx(run.test_accuracy)
    assert experiments.check_model(model, digits.X_test, digits.y_test).n_same is None


def test_check_model_counts_agreement_with_other_predictions(digits, run):
    other = run.test_pred.copy()
    other[:10] = (other[:10] + 1) % 10                  # ten changed labels
    assert experiments.check_model(run.model, digits.X_test, digits.y_test, other).n_same == 440
    with pytest.raises(ValueError, match=r"reference_pred must have shape \(450,\)"):
        experiments.check_model(run.model, digits.X_test, digits.y_test, other[:5])


def test_load_classifier_refuses_a_regressor_and_garbage():
    series = np.sin(np.arange(200) / 5)[:, None]
    regressor = EchoStateRegressor(n_units=20, washout=10).fit(series[:-1], series[1:, 0])
    with pytest.raises(DataError, match="time-series regressor, not a digit classifier"):
        experiments.load_classifier(save_model(regressor))
    with pytest.raises(DataError, match="not a Liquid Lab model"):
        experiments.load_classifier(b"not a model at all")


# ----------------------------------------------------------------------------- drawings

def test_read_drawing_at_8x8_is_the_models_own_reading(run):
    canvas = canvas_with_a_bar()
    reading = experiments.read_drawing(run.model, canvas)
    np.testing.assert_array_equal(reading.image, preprocess_drawing_8x8(canvas))
    np.testing.assert_allclose(reading.scores, run.model.decision_function(reading.image[None])[0],
                               rtol=1e-6)
    assert reading.label == run.model.predict(reading.image[None])[0]
    np.testing.assert_array_equal(reading.states, run_states(run.model.reservoir_, reading.image))
    assert reading.states.shape == (8, 60)


def test_read_drawing_at_28x28_for_an_mnist_model():
    rng = np.random.default_rng(0)
    model = EchoStateClassifier(n_units=30).fit(rng.random((40, 28, 28), np.float32),
                                                np.arange(40) % 10)
    canvas = canvas_with_a_bar()
    reading = experiments.read_drawing(model, canvas)
    np.testing.assert_array_equal(reading.image, preprocess_drawing(canvas))
    assert reading.scores.shape == (10,) and reading.states.shape == (28, 30)


def test_read_drawing_refuses_an_empty_canvas_and_other_image_sizes(run):
    with pytest.raises(DataError, match="draw a digit first"):
        experiments.read_drawing(run.model, np.zeros((280, 280, 4), np.uint8))
    rng = np.random.default_rng(0)
    model = EchoStateClassifier(n_units=20).fit(rng.random((30, 5, 5), np.float32),
                                                np.arange(30) % 3)
    with pytest.raises(ValueError, match=r"model.n_inputs_ must be one of \[8, 28\].*got 5"):
        experiments.read_drawing(model, canvas_with_a_bar())
