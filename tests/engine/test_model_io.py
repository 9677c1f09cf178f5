"""Model files: a saved estimator loads back bit-identical; damaged files are DataErrors."""

import io
import json
import zipfile

import numpy as np
import pytest
from sklearn.datasets import load_digits

from lnn_core import DataError, EchoStateClassifier, EchoStateRegressor
from lnn_core.data.standardiser import Standardiser
from lnn_core.engine.model_io import (
    FORMAT_VERSION,
    ModelFile,
    load_model,
    load_model_file,
    save_model,
)
from tests.peak_memory import MAX_EXTRA_MB, run_child

CELLS = ("esn", "ltc", "cfc")
CELL_OPTIONS = {"esn": None, "ltc": {"tau_range": (0.3, 4.0), "unfolds": 3}, "cfc": {"time": 0.7}}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16, y


@pytest.fixture(scope="module")
def series():
    t = np.arange(400)
    u = np.column_stack([np.sin(t / 7), np.cos(t / 11)])
    return u


@pytest.fixture(scope="module")
def classifier(digits):
    X, y = digits
    return EchoStateClassifier(n_units=40, n_steps=8, random_state=3).fit(X[:300], y[:300])


def _arrays(data):
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def _npz(arrays):
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


@pytest.mark.parametrize("cell", CELLS)
def test_classifier_round_trip_is_bit_identical(digits, cell):
    X, y = digits
    original = EchoStateClassifier(n_units=60, n_steps=8, cell=cell,
                                   cell_options=CELL_OPTIONS[cell], pooling="points",
                                   random_state=1).fit(X[:400], y[:400])
    loaded = load_model(save_model(original))
    assert type(loaded) is EchoStateClassifier
    np.testing.assert_array_equal(loaded.predict(X[400:]), original.predict(X[400:]))
    np.testing.assert_array_equal(loaded.decision_function(X[400:]),
                                  original.decision_function(X[400:]))
    assert loaded.get_params() == original.get_params()
    assert loaded.fit_time_ == original.fit_time_


def test_bidirectional_tuned_classifier_round_trip(digits):
    X, y = digits
    original = EchoStateClassifier(n_units=40, n_steps=8, pooling="points", n_points=3,
                                   bidirectional=True, ridge=0.03).fit(X[:100], y[:100])
    loaded = load_model(save_model(original))        # 240 features > 100 samples: dual ridge
    assert loaded.coef_.shape == (2 * 3 * 40, 10)
    np.testing.assert_array_equal(loaded.decision_function(X[100:200]),
                                  original.decision_function(X[100:200]))


@pytest.mark.parametrize("cell", CELLS)
def test_regressor_round_trip_is_bit_identical(series, cell):
    original = EchoStateRegressor(n_units=50, cell=cell, cell_options=CELL_OPTIONS[cell],
                                  washout=20, random_state=2).fit(series[:-1], series[1:])
    loaded = load_model(save_model(original))
    assert type(loaded) is EchoStateRegressor
    np.testing.assert_array_equal(loaded.predict(series), original.predict(series))
    np.testing.assert_array_equal(loaded.generate(30, warmup=series[:200]),
                                  original.generate(30, warmup=series[:200]))


def test_regressor_with_one_dimensional_target_keeps_its_shape(series):
    original = EchoStateRegressor(n_units=30).fit(series[:-1, :1], series[1:, 0])
    loaded = load_model(save_model(original))
    assert loaded.predict(series[:, :1]).shape == (len(series),)
    np.testing.assert_array_equal(loaded.predict(series[:, :1]), original.predict(series[:, :1]))


def test_string_classes_are_stored_as_unicode_not_objects(digits):
    X, y = digits
    labels = np.array(["even", "odd"], dtype=object)[y[:200] % 2]
    original = EchoStateClassifier(n_units=30, n_steps=8).fit(X[:200], labels)
    data = save_model(original)
    assert _arrays(data)["classes"].dtype.kind == "U"
    loaded = load_model(data)
    assert loaded.predict(X[200:260]).tolist() == original.predict(X[200:260]).tolist()


def test_three_dimensional_input_round_trip(digits):
    X, y = digits
    images = X.reshape(-1, 8, 8)
    original = EchoStateClassifier(n_units=30).fit(images[:200], y[:200])
    loaded = load_model(io.BytesIO(save_model(original)))     # a file-like works too
    assert loaded.n_features_in_ is None
    np.testing.assert_array_equal(loaded.predict(images[200:300]),
                                  original.predict(images[200:300]))


def test_file_holds_only_plain_arrays_and_the_documented_fields(classifier):
    arrays = _arrays(save_model(classifier))
    assert int(arrays["format_version"]) == FORMAT_VERSION
    assert str(arrays["estimator"]) == "EchoStateClassifier"
    assert json.loads(str(arrays["params"][0]))["n_units"] == 40
    assert all(a.dtype.kind != "O" for a in arrays.values())
    assert arrays["W"].dtype == np.float32 and arrays["coef"].dtype == np.float64


def test_unfitted_estimator_cannot_be_saved():
    with pytest.raises(ValueError, match="not fitted"):
        save_model(EchoStateClassifier())


@pytest.mark.parametrize("data", [b"", b"hello, not a model", b"PK\x03\x04" + b"\x00" * 40])
def test_garbage_is_a_data_error(data):
    with pytest.raises(DataError, match="not a Liquid Lab model|cannot be opened"):
        load_model(data)


def test_truncated_file_is_a_data_error(classifier):
    data = save_model(classifier)
    with pytest.raises(DataError):
        load_model(data[: len(data) // 2])


@pytest.mark.parametrize("member", [0, -1])
def test_a_member_declaring_an_unknown_zip_version_is_a_data_error(classifier, member):
    """zipfile raises NotImplementedError ("zip file version 10.9") for such a member;
    the property test found a damaged file that reached the page as that traceback."""
    data = bytearray(save_model(classifier))
    entries = [i for i in range(len(data)) if data[i:i + 4] == b"PK\x01\x02"]
    data[entries[member] + 6:entries[member] + 8] = (109).to_bytes(2, "little")   # 10.9
    with pytest.raises(DataError):
        load_model(bytes(data))


def test_object_array_is_refused_without_unpickling(classifier):
    arrays = _arrays(save_model(classifier))
    arrays["classes"] = np.array([object(), 1, "x"], dtype=object)
    with pytest.raises(DataError, match="'classes'.*never loaded"):
        load_model(_npz(arrays))


def test_missing_array_is_named(classifier):
    arrays = _arrays(save_model(classifier))
    del arrays["W_in"]
    with pytest.raises(DataError, match="no array 'W_in'"):
        load_model(_npz(arrays))


def test_wrong_shape_names_array_expected_and_found(classifier):
    arrays = _arrays(save_model(classifier))
    arrays["W"] = arrays["W"][:-1]
    with pytest.raises(DataError, match=r"'W'.*shape \(40, 40\).*shape \(39, 40\)"):
        load_model(_npz(arrays))


def test_wrong_readout_shape_is_named(classifier):
    arrays = _arrays(save_model(classifier))
    arrays["coef"] = arrays["coef"][:, :5]
    with pytest.raises(DataError, match=r"'coef'.*\(80, 10\).*\(80, 5\)"):
        load_model(_npz(arrays))


def test_wrong_dtype_is_named(classifier):
    arrays = _arrays(save_model(classifier))
    arrays["bias"] = arrays["bias"].astype(np.float64)
    with pytest.raises(DataError, match="'bias'.*float32.*float64"):
        load_model(_npz(arrays))


def test_non_finite_weights_are_refused(classifier):
    arrays = _arrays(save_model(classifier))
    arrays["W"] = arrays["W"].copy()
    arrays["W"][0, 0] = np.nan
    with pytest.raises(DataError, match="'W'.*NaN"):
        load_model(_npz(arrays))


def test_other_format_version_is_refused(classifier):
    arrays = _arrays(save_model(classifier))
    arrays["format_version"] = np.int64(FORMAT_VERSION + 1)
    with pytest.raises(DataError, match="format version"):
        load_model(_npz(arrays))


def test_invalid_parameters_are_a_data_error(classifier):
    arrays = _arrays(save_model(classifier))
    params = json.loads(str(arrays["params"][0]))
    params["leak_rate"] = 7
    arrays["params"] = np.array([json.dumps(params)])
    with pytest.raises(DataError, match="leak_rate"):
        load_model(_npz(arrays))


def test_unknown_parameter_is_a_data_error(classifier):
    arrays = _arrays(save_model(classifier))
    params = json.loads(str(arrays["params"][0])) | {"surprise": 1}
    arrays["params"] = np.array([json.dumps(params)])
    with pytest.raises(DataError, match="surprise"):
        load_model(_npz(arrays))


def test_zip_that_is_not_npz_is_a_data_error():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(DataError, match="no array"):
        load_model(buffer.getvalue())


# ----------------------------------------------------------------------------- standardisation

@pytest.fixture(scope="module")
def scaled_regressor(series):
    """A regressor fitted on standardised data, as the Time series page fits it."""
    raw = 3.0 * series + np.array([10.0, -4.0])                 # (400, 2), far from standard
    inputs, targets = Standardiser.fit(raw[:300]), Standardiser.fit(raw[1:301])
    model = EchoStateRegressor(n_units=40, washout=20, random_state=5).fit(
        inputs.transform(raw[:300]), targets.transform(raw[1:301]))
    return raw, model, inputs, targets


def test_standardisation_round_trip_predicts_in_data_units(scaled_regressor):
    raw, model, inputs, targets = scaled_regressor
    data = save_model(model, inputs, targets)
    arrays = _arrays(data)
    for name in ("input_mean", "input_spread", "target_mean", "target_spread"):
        assert arrays[name].dtype == np.float64 and arrays[name].shape == (2,)
    loaded = load_model_file(data)
    assert isinstance(loaded, ModelFile) and type(loaded.estimator) is EchoStateRegressor
    np.testing.assert_array_equal(loaded.inputs.mean, inputs.mean)
    np.testing.assert_array_equal(loaded.inputs.spread, inputs.spread)
    np.testing.assert_array_equal(loaded.targets.mean, targets.mean)
    np.testing.assert_array_equal(loaded.targets.spread, targets.spread)
    expected = targets.inverse_transform(model.predict(inputs.transform(raw)))
    np.testing.assert_array_equal(loaded.predict(raw), expected)
    np.testing.assert_array_equal(ModelFile(model, inputs, targets).predict(raw), expected)
    # in data units, the next step is predicted well from the raw series
    error = np.abs(loaded.predict(raw)[300:-1] - raw[301:]).max()
    assert error < 0.05 * np.ptp(raw), error
    assert loaded.predict([raw[:50], raw[:80]])[1].shape == (80, 2)   # a list of series


def test_one_dimensional_target_is_restored_to_its_units(series):
    raw = 5.0 * series[:, :1] + 2.0
    inputs, targets = Standardiser.fit(raw[:300]), Standardiser.fit(raw[1:301])
    model = EchoStateRegressor(n_units=30).fit(inputs.transform(raw[:300]),
                                               targets.transform(raw[1:301])[:, 0])
    loaded = load_model_file(save_model(model, inputs, targets))
    predicted = loaded.predict(raw)
    assert predicted.shape == (400,)
    np.testing.assert_allclose(predicted, model.predict(inputs.transform(raw)) * targets.spread[0]
                               + targets.mean[0], rtol=1e-12)


def test_classifier_stores_input_statistics_only(digits):
    X, y = digits
    images = X.reshape(-1, 8, 8) * 16                          # raw pixel counts 0..16
    inputs = Standardiser.fit(images[:200].reshape(-1, 8))
    model = EchoStateClassifier(n_units=30).fit(inputs.transform(images[:200]), y[:200])
    loaded = load_model_file(save_model(model, inputs))
    assert loaded.targets is None and "target_mean" not in _arrays(save_model(model, inputs))
    np.testing.assert_array_equal(loaded.predict(images[200:300]),
                                  model.predict(inputs.transform(images[200:300])))
    np.testing.assert_array_equal(loaded.predict(list(images[200:210])),
                                  model.predict(inputs.transform(images[200:210])))


def test_file_without_statistics_loads_with_identity_standardisations(classifier, series):
    loaded = load_model_file(save_model(classifier))            # as files written before
    assert loaded.inputs.is_identity and loaded.inputs.n_channels == 8 and loaded.targets is None
    regressor = EchoStateRegressor(n_units=20).fit(series[:-1], series[1:])
    loaded = load_model_file(save_model(regressor))
    assert loaded.inputs.is_identity and loaded.targets.is_identity
    np.testing.assert_array_equal(loaded.predict(series), regressor.predict(series))
    assert type(load_model(save_model(regressor))) is EchoStateRegressor    # unchanged API


@pytest.mark.parametrize("name, value, match", [
    ("input_mean", np.zeros(3), r"'input_mean'.*shape \(2,\) but has shape \(3,\)"),
    ("input_spread", np.ones((2, 1)), r"'input_spread'.*shape \(2,\) but has shape \(2, 1\)"),
    ("target_mean", np.zeros(2, np.float32), r"'target_mean'.*float64 but is float32"),
    ("target_spread", np.array([1.0, np.nan]), r"'target_spread'.*NaN or infinity"),
    ("input_spread", np.array([1.0, 0.0]), r"'input_spread'.*must be > 0"),
    ("target_spread", np.array([-1.0, 1.0]), r"'target_spread'.*must be > 0"),
    ("input_mean", np.array(["a", "b"]), r"'input_mean'.*float64 but is <U1"),
    ("input_mean", np.array([object(), 1.0], dtype=object), r"'input_mean'.*never loaded"),
])
def test_bad_statistics_are_named(scaled_regressor, name, value, match):
    _, model, inputs, targets = scaled_regressor
    arrays = _arrays(save_model(model, inputs, targets))
    arrays[name] = value
    with pytest.raises(DataError, match=match):
        load_model_file(_npz(arrays))


@pytest.mark.parametrize("dropped, present, absent", [
    ("input_spread", "input_mean", "input_spread"),
    ("target_mean", "target_spread", "target_mean"),
])
def test_a_mean_without_its_spread_is_named(scaled_regressor, dropped, present, absent):
    _, model, inputs, targets = scaled_regressor
    arrays = _arrays(save_model(model, inputs, targets))
    del arrays[dropped]
    with pytest.raises(DataError, match=f"has array '{present}' but no '{absent}'"):
        load_model_file(_npz(arrays))


def test_target_statistics_in_a_classifier_file_are_refused(classifier):
    arrays = _arrays(save_model(classifier))
    arrays["target_mean"], arrays["target_spread"] = np.zeros(10), np.ones(10)
    with pytest.raises(DataError, match="target statistics.*classifier"):
        load_model_file(_npz(arrays))


def test_save_refuses_mismatched_standardisers(scaled_regressor, classifier):
    _, model, inputs, _ = scaled_regressor
    with pytest.raises(ValueError, match=r"input_standardiser must have 2 channel\(s\).*got 3"):
        save_model(model, Standardiser.identity(3))
    with pytest.raises(ValueError, match=r"target_standardiser must have 2 channel\(s\).*got 1"):
        save_model(model, inputs, Standardiser.identity(1))
    with pytest.raises(TypeError, match="input_standardiser must be a Standardiser or None"):
        save_model(model, {"mean": [0, 0]})
    with pytest.raises(ValueError, match="target_standardiser must be None for a classifier"):
        save_model(classifier, Standardiser.identity(8), Standardiser.identity(10))


# --------------------------------------------------------------------------- #
# Budgets: a file is judged by its .npy headers before any array is read
# --------------------------------------------------------------------------- #
def _giant(regressor_file, n_units):
    """A model file declaring ``n_units`` neurons, all weights zero, compressed to ~1 MB."""
    arrays = _arrays(regressor_file)
    params = json.loads(str(arrays["params"][0]))
    params["n_units"] = n_units
    arrays["params"] = np.array([json.dumps(params)])
    arrays["W"] = np.zeros((n_units, n_units), np.float32)
    arrays["W_in"] = np.zeros((n_units, arrays["W_in"].shape[1]), np.float32)
    arrays["bias"] = np.zeros(n_units, np.float32)
    arrays["coef"] = np.zeros((n_units, arrays["coef"].shape[1]), np.float64)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def regressor_file():
    series = np.sin(np.linspace(0, 20, 300))[:, None]
    return save_model(EchoStateRegressor(n_units=30, random_state=0).fit(series[:-1], series[1:]))


def test_model_declaring_16000_units_is_refused_before_any_array_is_read(regressor_file,
                                                                         tmp_path):
    path = tmp_path / "giant.npz"
    path.write_bytes(_giant(regressor_file, 16_000))
    assert path.stat().st_size < 2_000_000                     # W alone declares 1 GB
    result = run_child("from lnn_core.engine.model_io import load_model_file\n"
                       "from pathlib import Path",
                       f"load_model_file(Path({str(path)!r}).read_bytes(), max_units=2000)")
    assert result["message"] == (
        "The model file declares n_units=16,000 (W of 16,000×16,000 float32, 976.6 MiB); this "
        "server loads models of at most 2,000 neurons (max_units=2,000).")
    assert result["extra_mb"] < MAX_EXTRA_MB


def test_arrays_over_the_byte_limit_are_refused_by_their_headers(regressor_file):
    with pytest.raises(DataError) as caught:
        load_model_file(_giant(regressor_file, 600), max_bytes=1_000_000)
    assert str(caught.value) == ("The model file declares arrays of 1.4 MiB in all; the limit "
                                 "is 976.6 KiB (max_bytes=1,000,000).")


def test_a_real_model_at_the_app_limit_still_loads(regressor_file, classifier):
    series = np.sin(np.linspace(0, 20, 300))[:, None]
    again = load_model_file(regressor_file, max_units=2000)
    reference = EchoStateRegressor(n_units=30, random_state=0).fit(series[:-1], series[1:])
    np.testing.assert_array_equal(again.predict(series), reference.predict(series))
    assert load_model(save_model(classifier), max_units=40).n_units == 40


def test_units_over_the_limit_are_refused_even_if_w_is_small(regressor_file):
    arrays = _arrays(regressor_file)
    params = json.loads(str(arrays["params"][0]))
    params["n_units"] = 3_000                                  # W still 30 x 30
    arrays["params"] = np.array([json.dumps(params)])
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    with pytest.raises(DataError, match=r"n_units must be .*2000"):
        load_model_file(buffer.getvalue(), max_units=2000)


def test_an_ltc_file_of_the_earlier_equations_is_refused_with_a_sentence(digits):
    """Files written before the conductance LTC hold one reversal potential per neuron."""
    X, y = digits
    model = EchoStateClassifier(n_units=20, n_steps=8, cell="ltc").fit(X[:100], y[:100])
    arrays = dict(np.load(io.BytesIO(save_model(model)), allow_pickle=False))
    arrays["reversal"] = np.zeros(20, np.float32)
    old = io.BytesIO()
    np.savez_compressed(old, **arrays)
    with pytest.raises(DataError, match="written for the earlier LTC equations"):
        load_model(old.getvalue())
