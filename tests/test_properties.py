"""Bad input, generated: every parser and every parameter check answers with a result or a sentence.

For any bytes, each upload parser returns validated data or raises
``lnn_core.DataError`` with a non-empty message: never another exception,
never NaN or infinity slipped into the result.  Random parameters, of any
type and size, give a reservoir (or a fitted estimator with finite outputs)
or a ``ValueError`` that names the parameter.

Inputs come from ``st.binary()`` and from structured strategies that write
near-valid files (CSV tables with odd cells, ``.ts`` headers, MNIST CSV, npz
and IDX archives, damaged model files) so that the deep code paths run too.
"""

import gzip
import io
import math
import struct
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import lnn_core
from lnn_core import DataError, EchoStateClassifier
from lnn_core.data.mnist import load_mnist
from lnn_core.data.parsers import (
    ForecastTable,
    SequenceDataset,
    parse_forecast_csv,
    parse_long_csv,
    parse_ts,
    parse_wide_csv,
)
from lnn_core.data.standardiser import Standardiser
from lnn_core.engine.model_io import load_model, load_model_file, save_model

FUZZ = settings(max_examples=200, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FEW = settings(FUZZ, max_examples=100)

# ----------------------------------------------------------------------------- strategies

#: Cell texts that stress number parsing, missing values and type detection.
ODD_CELLS = ["nan", "NaN", "inf", "-inf", "Infinity", "", " ", "abc", "NA", "?", "null",
             "1e308", "1e309", "-1e400", "0x10", "1,5", "1.5.2", "+3", "  7 ", "2020-01-31",
             "31/12/2020", "now", "true", "\"4\"", "5;6", "é", "\u00a0"]
NAMES = ["time", "t", "step", "date", "value", "x", "y", "label", "class", "target", "id",
         "series", "sample", "dim", "", "value", "x"]

finite_cells = st.floats(allow_nan=False, allow_infinity=False, width=32).map(
    lambda v: repr(float(v)))
cells = st.one_of(finite_cells, st.integers(-5, 5).map(str), st.sampled_from(ODD_CELLS),
                  st.text(max_size=4))


@st.composite
def csv_text(draw, max_rows=12, max_cols=5):
    """A CSV-ish table: maybe a header, ragged rows, odd cells, one of three separators."""
    sep = draw(st.sampled_from([",", ";", "\t"]))
    n_cols = draw(st.integers(1, max_cols))
    rows = []
    if draw(st.booleans()):
        rows.append([draw(st.sampled_from(NAMES)) for _ in range(n_cols)])
    for _ in range(draw(st.integers(0, max_rows))):
        width = n_cols if draw(st.integers(0, 9)) else draw(st.integers(0, n_cols + 2))
        rows.append([draw(cells) for _ in range(width)])
    return "\n".join(sep.join(row) for row in rows) + draw(st.sampled_from(["", "\n", "\r\n"]))


@st.composite
def tidy_csv_text(draw):
    """Mostly valid tables (numbers, a few odd cells) so that parsing goes all the way."""
    n_rows, n_cols = draw(st.integers(2, 30)), draw(st.integers(1, 4))
    header = draw(st.permutations(["time", "value", "x", "label", "id"]))[:n_cols]
    rows = [",".join(header)]
    for i in range(n_rows):
        row = []
        for name in header:
            if draw(st.integers(0, 15)) == 0:
                row.append(draw(st.sampled_from(ODD_CELLS)))
            elif name == "time":
                row.append(str(i))
            elif name in ("label", "id"):
                row.append(str(draw(st.integers(0, 2))))
            else:
                row.append(draw(finite_cells))
        rows.append(",".join(row))
    return "\n".join(rows) + "\n"


@st.composite
def long_csv_text(draw):
    """A long table: id, label, maybe a time column, 1-2 channels; cells sometimes odd."""
    channels = draw(st.sampled_from([["x"], ["x", "y2"], ["value"]]))
    header = draw(st.permutations(["id", "label", *(["t"] if draw(st.booleans()) else []),
                                   *channels]))
    rows = [",".join(header)]
    for series in range(draw(st.integers(1, 6))):
        label = draw(st.sampled_from(["a", "b", "1", "2"]))
        for step in range(draw(st.integers(1, 5))):
            values = {"id": str(series), "label": label, "t": str(step)}
            row = [values.get(name) or draw(finite_cells) for name in header]
            if draw(st.integers(0, 12)) == 0:
                row[draw(st.integers(0, len(row) - 1))] = draw(st.sampled_from(ODD_CELLS))
            rows.append(",".join(row))
    return "\n".join(rows) + "\n"


@st.composite
def wide_csv_text(draw):
    """A wide table: label first, then values, rows of different lengths padded with blanks."""
    width = draw(st.integers(1, 6))
    rows = ["label," + ",".join(f"t{i}" for i in range(width))] if draw(st.booleans()) else []
    for _ in range(draw(st.integers(2, 8))):
        n = draw(st.integers(1, width)) if draw(st.integers(0, 10)) else 0
        row = [draw(st.sampled_from(["a", "b", "1", "2", "3.5"]))]
        row += [draw(finite_cells) for _ in range(n)] + [""] * (width - n)
        if draw(st.integers(0, 8)) == 0:
            row[draw(st.integers(0, len(row) - 1))] = draw(st.sampled_from(ODD_CELLS))
        rows.append(",".join(row))
    return "\n".join(rows) + "\n"


def encoded(text_strategy):
    """Text as bytes: UTF-8, UTF-8 with a BOM, Latin-1 or UTF-16."""
    def encode(pair):
        text, how = pair
        if how == "utf-8-sig":
            return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
        return text.encode(how, "replace")
    return st.tuples(text_strategy, st.sampled_from(["utf-8"] * 6 + ["utf-8-sig", "latin-1",
                                                                      "utf-16"])).map(encode)


ts_values = st.lists(st.one_of(finite_cells, st.sampled_from(["?", "nan", "inf", "", "x"])),
                     min_size=0, max_size=6).map(",".join)


@st.composite
def ts_text(draw):
    """A ``.ts`` file: a valid header with now and then a wrong or missing line, then cases."""
    dims, equal, length = draw(st.integers(1, 2)), draw(st.booleans()), draw(st.integers(1, 4))
    header = {"@problemName": "toy", "@timeStamps": "false",
              "@missing": draw(st.sampled_from(["false", "true"])),
              "@univariate": "true" if dims == 1 else "false", "@dimensions": str(dims),
              "@equalLength": "true" if equal else "false",
              "@seriesLength": str(length), "@classLabel": "true a b"}
    for _ in range(draw(st.integers(0, 2)) * (draw(st.integers(0, 3)) == 0)):
        key = draw(st.sampled_from(sorted(header)))
        header[key] = draw(st.sampled_from(["", "maybe", "0", "-1", "true", "false 1", "x y"]))
    lines = ["# generated", *(f"{key} {value}" for key, value in header.items()
                              if draw(st.integers(0, 15)))]
    if draw(st.integers(0, 15)):
        lines.append("@data")
    for _ in range(draw(st.integers(2, 8))):
        length = length if equal else draw(st.integers(1, 4))
        channels = []
        for _ in range(dims if draw(st.integers(0, 10)) else dims + 1):
            values = [draw(finite_cells) for _ in range(length)]
            if draw(st.integers(0, 5)) == 0:
                values[draw(st.integers(0, length - 1))] = draw(st.sampled_from(
                    ["?", "nan", "inf", "", "x", "1e400"]))
            channels.append(",".join(values))
        label = draw(st.sampled_from(["a", "b"] * 8 + ["c", ""]))
        lines.append(":".join([*channels, label]))
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- checks

def parsed_or_refused(parse, raw, **kwargs):
    """``parse(raw)``, or ``None`` when it raised a ``DataError`` with a message.

    Any other exception propagates and fails the test with the input that caused it.
    """
    try:
        return parse(raw, **kwargs)
    except DataError as err:
        assert str(err).strip(), f"{parse.__name__} raised a DataError without a message"
        return None


def check_table(table):
    """A forecasting table: float64 columns, NaN only in the counted missing cells, no inf."""
    assert isinstance(table, ForecastTable)
    frame = table.frame
    assert list(frame.columns) == list(table.numeric_columns)
    assert all(dtype == np.float64 for dtype in frame.dtypes)
    values = frame.to_numpy()
    assert not np.isinf(values).any(), "infinity in a parsed table"
    assert {c: int(frame[c].isna().sum()) for c in frame.columns} == \
        {c: int(table.n_missing.get(c, 0)) for c in frame.columns}
    assert table.description


def check_dataset(ds):
    """Labelled sequences: finite, non-empty, one label each, channels as named."""
    assert isinstance(ds, SequenceDataset)
    assert len(ds.X) == len(ds.y) >= 1
    assert len(ds.classes) >= 1 and set(ds.y.tolist()) == set(ds.classes.tolist())
    for x in ds.X:
        assert x.ndim == 2 and x.shape[0] >= 1 and x.shape[1] == ds.n_channels
        assert np.isfinite(x).all(), "NaN or infinity in a parsed sequence"
    assert ds.description


# ----------------------------------------------------------------------------- parsers

@FUZZ
@given(raw=st.binary(max_size=600) | encoded(csv_text()) | encoded(tidy_csv_text()))
@example(raw=b"time,value\n0,1\n1,inf\n")
@example(raw=b"value\n1e309\n2\n")
@example(raw=b"\xff\xfe\x00")
def test_parse_forecast_csv_returns_a_clean_table_or_a_data_error(raw):
    table = parsed_or_refused(parse_forecast_csv, raw, name="fuzz.csv")
    if table is not None:
        check_table(table)


@FUZZ
@given(raw=st.binary(max_size=600) | encoded(csv_text()) | encoded(long_csv_text()))
@example(raw=b"id,t,x,label\n1,0,nan,a\n1,1,0.7,a\n2,0,0.1,b\n")
def test_parse_long_csv_returns_clean_sequences_or_a_data_error(raw):
    ds = parsed_or_refused(parse_long_csv, raw, name="fuzz.csv")
    if ds is not None:
        check_dataset(ds)


@FUZZ
@given(raw=st.binary(max_size=600) | encoded(csv_text()) | encoded(wide_csv_text()))
@example(raw=b"a,1,2,3\nb,4,,\na,inf,1,2\n")
def test_parse_wide_csv_returns_clean_sequences_or_a_data_error(raw):
    ds = parsed_or_refused(parse_wide_csv, raw, name="fuzz.csv")
    if ds is not None:
        check_dataset(ds)


@FUZZ
@given(raw=st.binary(max_size=600) | encoded(ts_text()))
@example(raw=b"@missing true\n@classLabel true a b\n@data\n?,?,?:a\n1,2:b\n")
def test_parse_ts_returns_clean_sequences_or_a_data_error(raw):
    ds = parsed_or_refused(parse_ts, raw, name="fuzz.ts")
    if ds is not None:
        check_dataset(ds)


# ----------------------------------------------------------------------------- MNIST uploads

@st.composite
def mnist_csv(draw):
    """``label, 784 pixels`` rows (now and then the wrong width), a few odd cells."""
    width = draw(st.sampled_from([785] * 6 + [784, 65]))
    rows = ["label," + ",".join(f"p{i}" for i in range(width - 1))] if draw(st.booleans()) else []
    for k in range(draw(st.integers(2, 30))):
        label = str(k % draw(st.integers(1, 3))) if draw(st.integers(0, 20)) else \
            draw(st.sampled_from(["10", "-1", "a", "", "3.5"]))
        pixels = [draw(st.sampled_from(["0", "255", "128", "1.0", "0.5"]))] * (width - 1)
        if draw(st.integers(0, 10)) == 0:
            pixels[draw(st.integers(0, width - 2))] = draw(st.sampled_from(
                ["nan", "inf", "-1", "256", "", "x", "1e9"]))
        rows.append(",".join([label, *pixels]))
    return ("\n".join(rows) + "\n").encode()


@st.composite
def mnist_npz(draw):
    """A Keras-style npz (x_train, y_train, x_test, y_test), often with one thing wrong."""
    n_train, n_test = draw(st.integers(1, 6)), draw(st.integers(1, 4))
    arrays = {"x_train": np.full((n_train, 28, 28), 7, np.uint8),
              "y_train": np.arange(n_train, dtype=np.uint8) % 10,
              "x_test": np.full((n_test, 28, 28), 200, np.uint8),
              "y_test": np.arange(n_test, dtype=np.uint8) % 10}
    for _ in range(draw(st.integers(0, 2))):
        key = draw(st.sampled_from(sorted(arrays)))
        arrays[key] = draw(st.sampled_from([
            np.zeros((2, 784)), np.zeros((n_train, 8, 8)), np.zeros(0), np.full(
                arrays[key].shape, np.nan), np.full(arrays[key].shape, -1.0),
            np.full(arrays[key].shape, 300, np.int64), np.full(arrays[key].shape, "a"),
            np.full(arrays[key].shape, 0.5, np.float32), np.arange(n_train + 1)]))
    if draw(st.integers(0, 5)) == 0:
        del arrays[draw(st.sampled_from(sorted(arrays)))]
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


@st.composite
def idx_file(draw):
    """An IDX file: the magic number (sometimes wrong), dimensions and a payload."""
    ndim = draw(st.sampled_from([1, 3, 2]))
    dtype_code = draw(st.sampled_from([0x08, 0x08, 0x0D, 0x01]))
    dims = [draw(st.integers(0, 3))] + [draw(st.sampled_from([28, 8, 0, 2**31 - 1]))
                                        for _ in range(ndim - 1)]
    header = struct.pack(">HBB", 0, dtype_code, ndim) + b"".join(struct.pack(">I", d)
                                                                 for d in dims)
    payload = draw(st.binary(max_size=3 * 28 * 28 + 8))
    raw = header + payload
    return gzip.compress(raw) if draw(st.booleans()) else raw


def check_mnist(data):
    for X, y in ((data.X_train, data.y_train), (data.X_test, data.y_test)):
        assert X.ndim == 3 and X.dtype == np.float32 and len(X) == len(y)
        assert np.isfinite(X).all() and X.min() >= 0 and X.max() <= 1
        assert y.dtype == np.int64 and ((0 <= y) & (y <= 9)).all()
    assert len(data.y_train) >= 1 and data.description


@FEW
@given(raw=st.binary(max_size=800) | mnist_csv() | mnist_npz() | idx_file(),
       as_file=st.booleans())
def test_load_mnist_upload_returns_clean_images_or_a_data_error(raw, as_file):
    upload = io.BytesIO(raw) if as_file else raw
    data = parsed_or_refused(load_mnist, upload)
    if data is not None:
        check_mnist(data)


# ----------------------------------------------------------------------------- model files

@pytest.fixture(scope="module")
def saved_model():
    """A small fitted classifier, its file and the data to predict."""
    rng = np.random.default_rng(0)
    X, y = rng.random((30, 5, 2)), np.arange(30) % 3
    model = EchoStateClassifier(n_units=12, random_state=0).fit(X, y)
    return save_model(model), X


@st.composite
def damaged(draw, raw):
    """The model file with bytes flipped, cut short, or an array replaced."""
    how = draw(st.sampled_from(["flip", "truncate", "replace", "append"]))
    if how == "flip":
        data = bytearray(raw)
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, len(data) - 1))] ^= draw(st.integers(1, 255))
        return bytes(data)
    if how == "truncate":
        return raw[:draw(st.integers(0, len(raw) - 1))]
    if how == "append":
        return raw + draw(st.binary(min_size=1, max_size=64))
    with np.load(io.BytesIO(raw), allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    name = draw(st.sampled_from(sorted(arrays)))
    arrays[name] = draw(st.sampled_from([
        np.zeros(0), np.full(arrays[name].shape, np.nan), np.array("text"),
        np.zeros(arrays[name].shape + (1,)), np.array([1e300]), np.array(["{bad json"]),
        np.full(arrays[name].shape, np.inf, dtype=np.float32)]))
    if draw(st.booleans()):
        del arrays[draw(st.sampled_from(sorted(arrays)))]
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


@FEW
@given(data=st.data())
def test_load_model_returns_a_working_model_or_a_data_error(saved_model, data):
    raw, X = saved_model
    blob = data.draw(st.binary(max_size=400) | damaged(raw), label="file")
    model = parsed_or_refused(load_model, blob)
    if model is not None:
        scores = model.decision_function(X)
        assert np.isfinite(scores).all(), "a loaded model predicts NaN or infinity"
        assert set(model.predict(X).tolist()) <= set(model.classes_.tolist())


@pytest.fixture(scope="module")
def saved_forecaster():
    """A regressor file with its standardisation statistics, and raw series to run it on."""
    t = np.arange(400, dtype=float)
    raw_u = np.column_stack([50 + 10 * np.sin(t / 7), 3 * np.cos(t / 5)])
    raw_y = (200 + 40 * np.sin((t + 1) / 7))[:, None]
    inputs, targets = Standardiser.fit(raw_u[:300]), Standardiser.fit(raw_y[:300])
    model = lnn_core.EchoStateRegressor(n_units=20, random_state=0).fit(
        inputs.transform(raw_u[:300]), targets.transform(raw_y[:300]))
    return save_model(model, inputs, targets), raw_u


@FEW
@given(data=st.data())
def test_load_model_file_returns_a_working_model_with_statistics_or_a_data_error(
        saved_forecaster, data):
    raw, raw_u = saved_forecaster
    blob = data.draw(st.binary(max_size=400) | damaged(raw), label="file")
    loaded = parsed_or_refused(load_model_file, blob)
    if loaded is not None:
        assert np.isfinite(loaded.predict(raw_u)).all(), "a loaded model predicts NaN or infinity"
        for standardiser in (loaded.inputs, loaded.targets):
            assert np.isfinite(standardiser.mean).all() and (standardiser.spread > 0).all()


def test_an_undamaged_model_file_loads_back(saved_model):
    raw, X = saved_model
    assert isinstance(load_model(raw), EchoStateClassifier)


# ----------------------------------------------------------------------------- parameters

BAD_VALUES = [math.nan, math.inf, -math.inf, -1, -1e-9, 0, True, None, "0.5", [0.5], 1e300,
              1e308, 10**20, complex(1, 1)]


def any_value(good):
    """A good value most of the time, else anything: wrong types, NaN, inf, negative, huge."""
    return st.one_of(good, good, good, st.sampled_from(BAD_VALUES),
                     st.floats(allow_nan=True, allow_infinity=True))


#: Huge sizes that must be refused at once (not tried: they would need terabytes).
HUGE_UNITS = [10**5, 10**6, 10**12, 2**40]

reservoir_params = st.fixed_dictionaries({
    "n_units": st.one_of(st.integers(-3, 120), st.sampled_from([*BAD_VALUES[:3], "7", 7.5,
                                                                 *HUGE_UNITS])),
    "n_inputs": st.one_of(st.integers(-1, 4), st.sampled_from([0, 2.0, "1", None])),
    "spectral_radius": any_value(st.floats(0, 3)),
    "density": any_value(st.floats(0, 1)),
    "input_scaling": any_value(st.floats(0, 5)),
    "bias_scaling": any_value(st.floats(0, 2)),
    "leak_rate": any_value(st.floats(0.01, 1)),
    "seed": st.one_of(st.integers(0, 10**6), st.sampled_from([-1, 2**70, 1.5, "0", None])),
    "cell": st.sampled_from(["esn", "ltc", "cfc", "lstm", "", None, "ESN"]),
})


def names_a_parameter(err, params):
    """Whether the message names one of the parameters passed."""
    return any(name in str(err) for name in params)


@FUZZ
@given(params=reservoir_params)
def test_make_reservoir_builds_or_names_the_bad_parameter(params):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)   # a radius-0 draw warns, by design
            reservoir = lnn_core.make_reservoir(**params)
    except ValueError as err:
        assert names_a_parameter(err, params), f"ValueError without a parameter name: {err}"
        return
    for array in (reservoir.W, reservoir.W_in, reservoir.bias):
        assert np.isfinite(array).all(), "a reservoir with NaN or infinite weights"
    assert reservoir.W.shape == (reservoir.n_units, reservoir.n_units)
    assert reservoir.spectral_radius == 0 or math.isclose(
        reservoir.spectral_radius, float(params["spectral_radius"]))


estimator_params = st.fixed_dictionaries({
    "n_units": st.one_of(st.integers(-2, 40), st.sampled_from([math.nan, "10", 2.5, *HUGE_UNITS])),
    "spectral_radius": any_value(st.floats(0, 2)),
    "density": any_value(st.floats(0, 1)),
    "input_scaling": any_value(st.floats(0, 3)),
    "bias_scaling": any_value(st.floats(0, 1)),
    "leak_rate": any_value(st.floats(0.01, 1)),
    "ridge": any_value(st.sampled_from([0.0, 1e-8, 1e-4, 1.0, 1e6])),
    "pooling": st.sampled_from(["last", "mean", "mean+last", "points", "states", "max", None]),
    "n_points": st.one_of(st.integers(-1, 8), st.sampled_from([math.nan, 2.5, "3", None])),
    "bidirectional": st.sampled_from([False, True, 0, 1, "yes", None]),
    "cell": st.sampled_from(["esn", "ltc", "cfc", "gru", None]),
    "random_state": st.one_of(st.integers(0, 100), st.sampled_from([None, -1, 1.5, "a"])),
})


@FEW
@given(params=estimator_params, n_classes=st.integers(1, 3))
def test_classifier_fits_with_finite_outputs_or_names_the_bad_parameter(params, n_classes):
    rng = np.random.default_rng(1)
    X, y = rng.random((24, 6, 2)), np.arange(24) % n_classes
    model = EchoStateClassifier(**params)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            model.fit(X, y)
    except ValueError as err:       # DataError is a ValueError
        assert str(err).strip()
        if n_classes > 1:
            assert names_a_parameter(err, params), f"ValueError without a parameter name: {err}"
        return
    scores = model.decision_function(X)
    assert np.isfinite(model.coef_).all() and np.isfinite(model.intercept_).all()
    assert np.isfinite(scores).all(), "a fitted classifier scores NaN or infinity"
    assert set(model.predict(X).tolist()) <= set(y.tolist())


# ------------------------------------------------------------------------ extreme values, named

@pytest.mark.parametrize("n_units", HUGE_UNITS)
def test_a_huge_n_units_is_refused_naming_it(n_units):
    """Terabytes of weights: a ValueError naming n_units, not a MemoryError or a NumPy message."""
    with pytest.raises(ValueError, match="n_units"):
        lnn_core.make_reservoir(n_units, 1)


@pytest.mark.parametrize("name", ["spectral_radius", "input_scaling", "bias_scaling"])
@pytest.mark.parametrize("value", [1e300, 1e39])
def test_a_scale_beyond_float32_is_refused_not_turned_into_infinity(name, value):
    """Weights are float32: a scale that overflows them must be refused, naming it."""
    try:
        reservoir = lnn_core.make_reservoir(20, 2, density=0.5, **{name: value})
    except ValueError as err:
        assert name in str(err)
        return
    for array in (reservoir.W, reservoir.W_in, reservoir.bias):
        assert np.isfinite(array).all(), f"{name}={value:g} gives infinite weights"


@pytest.mark.parametrize("cell", ["esn", "ltc", "cfc"])
def test_a_classifier_never_fits_nan_coefficients_silently(cell):
    rng = np.random.default_rng(1)
    X, y = rng.random((24, 6, 2)), np.arange(24) % 3
    try:
        model = EchoStateClassifier(n_units=10, input_scaling=1e300, cell=cell).fit(X, y)
    except ValueError as err:
        assert "input_scaling" in str(err)
        return
    assert np.isfinite(model.coef_).all(), f"{cell}: NaN readout after a successful fit"


@pytest.mark.parametrize("random_state", [-1, 1.5, "a"])
def test_a_bad_random_state_is_refused_under_its_own_name(random_state):
    """The estimator's parameter is random_state; a message about "seed" sends users astray."""
    rng = np.random.default_rng(1)
    X, y = rng.random((24, 6, 2)), np.arange(24) % 3
    with pytest.raises(ValueError, match="random_state"):
        EchoStateClassifier(n_units=10, random_state=random_state).fit(X, y)
