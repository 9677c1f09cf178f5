"""Time-series experiments: the split, training-only statistics, measured scores, the model file."""

import numpy as np
import pytest

from lnn_core import DataError, EchoStateClassifier, EchoStateRegressor, nrmse
from lnn_core.data.generators import lorenz63, mackey_glass, narma10
from lnn_core.data.parsers import SequenceDataset, parse_forecast_csv
from lnn_core.data.standardiser import Standardiser
from lnn_core.engine.model_io import ModelFile, load_model_file, save_model
from lnn_core.guard import estimate_memory
from lnn_core.lab import timeseries as ts

#: The page's defaults (pages._ui.params.ReservoirParams) with 200 neurons, as estimator kwargs.
PARAMS = {"n_units": 200, "spectral_radius": 0.9, "density": 0.1, "input_scaling": 0.5,
          "bias_scaling": 0.2, "leak_rate": 1.0, "ridge": 1e-4, "cell": "esn", "random_state": 0}


@pytest.fixture(scope="module")
def mackey_glass_arrays():
    return ts.forecast_arrays(mackey_glass(2000, seed=0))


@pytest.fixture(scope="module")
def forecast(mackey_glass_arrays):
    inputs, targets, channel = mackey_glass_arrays
    return ts.fit_forecast(inputs, targets, PARAMS, horizon=1, free_channel=channel)


def sines(n_series=60, length=30, seed=0):
    """Two classes of noisy sines, slow and fast, around an offset of 10 (not standardised)."""
    rng = np.random.default_rng(seed)
    t = np.arange(length)
    X = [(10 + np.sin(t / (2 if i % 2 else 6)) + 0.1 * rng.standard_normal(length))[:, None]
         for i in range(n_series)]
    y = np.arange(n_series) % 2
    return SequenceDataset(X, y, np.array([0, 1]), ("value",), "noisy sines")


# ----------------------------------------------------------------------------- split

def test_chronological_split_counts_pairs_and_training_steps():
    assert ts.chronological_split(3000, 1) == (2999, 2249)
    assert ts.chronological_split(3000, 0) == (3000, 2250)
    assert ts.chronological_split(100, 10, train_fraction=0.5) == (90, 45)
    assert ts.chronological_split(10, 2) == (8, 6)


@pytest.mark.parametrize("args, match", [
    ((3, 0), r"n_rows must be a whole number >= 4, got 3"),
    ((100, 97), r"horizon must be a whole number in \[0, 96\], got 97"),
    ((100, -1), "horizon"),
    ((100, 1, 1.0), r"train_fraction must be a number in \(0, 1\)"),
    ((100, 1, 0.01), "leaves 0 to train and 99 to test"),
    ((8, 4), "leaves 3 to train and 1 to test"),
])
def test_chronological_split_names_the_bad_parameter(args, match):
    with pytest.raises(ValueError, match=match):
        ts.chronological_split(*args)


# ----------------------------------------------------------------------------- arrays

def test_forecast_arrays_of_a_one_channel_series(mackey_glass_arrays):
    inputs, targets, channel = mackey_glass_arrays
    assert inputs.shape == (2000, 1) and channel == 0
    np.testing.assert_array_equal(targets, inputs)


def test_forecast_arrays_pick_a_lorenz_channel_and_narma_keeps_its_target():
    inputs, targets, channel = ts.forecast_arrays(lorenz63(300, seed=0), channel=2)
    assert inputs.shape == (300, 3) and channel == 2
    np.testing.assert_array_equal(targets[:, 0], inputs[:, 2])
    series = narma10(300, seed=0)
    inputs, targets, channel = ts.forecast_arrays(series, channel=0)
    assert channel is None
    np.testing.assert_array_equal(targets[:, 0], series.target)
    with pytest.raises(ValueError, match=r"channel must be a whole number in \[0, 2\], got 3"):
        ts.forecast_arrays(lorenz63(300, seed=0), channel=3)


def test_table_arrays_find_the_closed_loop_channel():
    csv = "time,a,b\n" + "".join(f"{t},{np.sin(t / 5):.4f},{np.cos(t / 5):.4f}\n"
                                 for t in range(60))
    table = parse_forecast_csv(csv.encode(), name="ab.csv")
    inputs, targets, channel = ts.table_arrays(table, "b", ["a", "b"])
    assert inputs.shape == (60, 2) and channel == 1
    np.testing.assert_array_equal(targets[:, 0], inputs[:, 1])
    assert ts.table_arrays(table, "b", ["a"])[2] is None
    with pytest.raises(DataError, match="60"):
        ts.table_arrays(table, "a", ["a"], min_rows=61)


# ----------------------------------------------------------------------------- forecasting

def test_mackey_glass_one_step_nrmse_is_small(forecast):
    # measured 0.00082 (seeds 1 and 2 of the reservoir: 0.0013); 1.0 would be the mean
    assert forecast.score < 0.003
    assert forecast.split == 1499 and forecast.truth.shape == forecast.predicted.shape == (1999,)


def test_mackey_glass_closed_loop_stays_valid_for_tens_of_steps(forecast):
    # measured 79 steps (121 and 109 with seeds 1 and 2), of the 500 generated
    assert forecast.generated.shape == forecast.free_truth.shape == (500,)
    assert forecast.valid_steps >= 40


def test_forecast_equals_a_reference_fit_on_hand_standardised_data(mackey_glass_arrays, forecast):
    inputs, targets, _ = mackey_glass_arrays
    split = 1499
    mean, spread = inputs[:split].mean(axis=0), inputs[:split].std(axis=0)
    u = (inputs - mean) / spread                           # training input rows [0, split)
    trained = targets[1:split + 1]                         # their targets, one step later
    y = ((targets - trained.mean()) / trained.std())[:, 0]
    reference = EchoStateRegressor(**PARAMS, washout=100).fit(u[:split], y[1:split + 1])
    np.testing.assert_array_equal(forecast.predicted, reference.predict(u[:1999]))
    np.testing.assert_array_equal(forecast.truth, y[1:])
    # scored in the data's units, which NRMSE does not see (up to rounding)
    assert forecast.score == pytest.approx(nrmse(y[1 + split:], forecast.predicted[split:]),
                                           rel=1e-12)
    np.testing.assert_allclose(forecast.predicted_units,
                               forecast.predicted * trained.std() + trained.mean(), rtol=1e-12)


def test_standardisation_uses_only_the_training_part(mackey_glass_arrays, forecast):
    inputs, _, channel = mackey_glass_arrays
    shifted = inputs.copy()
    shifted[1500:] = 100 * shifted[1500:] + 7             # a wild future: rows after the
    # last training target (row 1499 is the target of training pair 1498)
    other = ts.fit_forecast(shifted, shifted, PARAMS, horizon=1, free_channel=channel)
    for name in ("inputs", "targets"):
        np.testing.assert_array_equal(getattr(other.saved, name).mean,
                                      getattr(forecast.saved, name).mean)
        np.testing.assert_array_equal(getattr(other.saved, name).spread,
                                      getattr(forecast.saved, name).spread)
    np.testing.assert_array_equal(other.model.coef_, forecast.model.coef_)
    np.testing.assert_array_equal(other.predicted[:1499], forecast.predicted[:1499])
    assert other.score > 1       # measured 4.3: worse than the mean, it never saw that part


def test_same_seed_same_result_other_seed_other_weights(mackey_glass_arrays, forecast):
    inputs, targets, channel = mackey_glass_arrays
    again = ts.fit_forecast(inputs, targets, PARAMS, horizon=1, free_channel=channel)
    np.testing.assert_array_equal(again.predicted, forecast.predicted)
    np.testing.assert_array_equal(again.generated, forecast.generated)
    other = ts.fit_forecast(inputs, targets, PARAMS | {"random_state": 1}, 1, channel)
    assert not np.array_equal(other.model.reservoir_.W, forecast.model.reservoir_.W)


def test_narma_maps_input_to_output_without_generation():
    inputs, targets, channel = ts.forecast_arrays(narma10(1200, seed=0))
    result = ts.fit_forecast(inputs, targets, PARAMS, horizon=0, free_channel=channel)
    assert result.generated is None and result.free_truth is None and result.valid_steps == 0
    assert result.split == 900 and 0 < result.score < 1   # measured 0.65 with 2,000 steps


def test_forecast_refuses_bad_arrays_by_name():
    good = np.sin(np.arange(100.0))[:, None]
    with pytest.raises(DataError, match=r"inputs must have shape \(n_rows, n_inputs\)"):
        ts.fit_forecast(good[:, 0], good, PARAMS)
    with pytest.raises(DataError, match=r"targets must have shape \(100, 1\)"):
        ts.fit_forecast(good, np.ones((100, 2)), PARAMS)
    bad = good.copy()
    bad[5] = np.nan
    with pytest.raises(DataError, match="inputs contain NaN"):
        ts.fit_forecast(bad, good, PARAMS)
    with pytest.raises(ValueError, match=r"free_channel must be a whole number in \[0, 0\]"):
        ts.fit_forecast(good, good, PARAMS, free_channel=1)


# ----------------------------------------------------------------------------- model file

def test_model_file_carries_the_statistics_and_predicts_in_data_units(forecast):
    loaded = load_model_file(forecast.model_file)
    split = forecast.split
    np.testing.assert_array_equal(loaded.inputs.mean, forecast.inputs[:split].mean(axis=0))
    np.testing.assert_array_equal(loaded.targets.spread,
                                  forecast.inputs[1:split + 1].std(axis=0))
    in_units = loaded.predict(forecast.inputs)             # raw data in, raw units out
    np.testing.assert_array_equal(in_units, forecast.saved.predict(forecast.inputs))
    np.testing.assert_allclose(in_units, loaded.targets.inverse_transform(
        forecast.predicted[:, None])[:, 0], rtol=1e-12)
    assert nrmse(forecast.inputs[split + 1:, 0], in_units[split:-1]) < 0.003
    assert ts.predicts_like(forecast, loaded)


def test_a_file_without_statistics_does_not_predict_like_the_trained_model(forecast):
    unscaled = load_model_file(save_model(forecast.model))    # as files saved before the stats
    assert unscaled.inputs.is_identity and unscaled.targets.is_identity
    assert not ts.predicts_like(forecast, unscaled)


def test_a_file_of_another_kind_is_a_data_error(forecast):
    classifier = ts.fit_classifier(sines(), {"n_units": 30}, seed=0)
    with pytest.raises(DataError, match="holds a EchoStateClassifier; the page is showing a "
                                        "EchoStateRegressor"):
        ts.predicts_like(forecast, load_model_file(classifier.model_file))


# ----------------------------------------------------------------------------- classification

def test_classifier_separates_slow_and_fast_sines():
    result = ts.fit_classifier(sines(), PARAMS | {"n_units": 100}, seed=0)
    assert isinstance(result.model, EchoStateClassifier)
    assert len(result.truth) == 15 and result.score >= 0.9    # measured 1.0
    loaded = load_model_file(result.model_file)
    assert loaded.targets is None
    assert 9.5 < loaded.inputs.mean[0] < 10.5             # the sines' offset
    assert ts.predicts_like(result, loaded)


def test_classifier_statistics_come_from_the_training_sequences_only():
    dataset = sines()
    result = ts.fit_classifier(dataset, {"n_units": 30}, seed=0)
    test_ids = {id(x) for x in result.inputs}
    train = [x for x in dataset.X if id(x) not in test_ids]
    assert len(train) == 45
    np.testing.assert_array_equal(result.saved.inputs.mean, np.concatenate(train).mean(axis=0))
    np.testing.assert_array_equal(result.saved.inputs.spread, np.concatenate(train).std(axis=0))


def test_classifier_reports_progress_and_refuses_a_bad_fraction():
    calls = []
    ts.fit_classifier(sines(), {"n_units": 30}, seed=0, progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1][0] == calls[-1][1]
    with pytest.raises(ValueError, match=r"train_fraction must be a number in \(0, 1\)"):
        ts.fit_classifier(sines(), {"n_units": 30}, seed=0, train_fraction=1.5)


# ----------------------------------------------------------------------------- memory

def test_forecast_memory_is_the_guards_estimate_for_the_closed_loop_model():
    assert ts.estimate_forecast_memory(3000, 3, {"n_units": 300, "cell": "cfc"}) == \
        estimate_memory(1, 3000, 3, 300, task="forecast", cell="cfc", n_outputs=3)
    small = ts.estimate_forecast_memory(3000, 1, PARAMS)
    assert 2**20 < small < 2**25                           # a few MiB for 200 neurons
    assert ts.estimate_forecast_memory(3000, 1, PARAMS | {"n_units": 2000}) > 10 * small


def test_classifier_memory_uses_the_longest_sequence_and_the_pooling():
    dataset = sines()
    assert ts.estimate_classifier_memory(dataset, {"n_units": 50, "pooling": "last"}) == \
        estimate_memory(60, 30, 1, 50, "last", task="classify", n_outputs=2)
    assert ts.estimate_classifier_memory(dataset, {}) == estimate_memory(60, 30, 1, 500,
                                                                         n_outputs=2)


def test_result_model_is_the_saved_estimator(forecast):
    assert forecast.model is forecast.saved.estimator
    assert isinstance(forecast.saved, ModelFile)
    assert isinstance(forecast.saved.inputs, Standardiser)
