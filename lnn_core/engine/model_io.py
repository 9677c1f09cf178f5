"""Save a fitted estimator to a ``.npz`` file and load it back, without pickle.

A model file is a compressed NumPy archive (``np.savez_compressed``) of plain
numeric or unicode arrays:

==================  ==========================================================
``format_version``  int64 scalar, :data:`FORMAT_VERSION`
``estimator``       unicode scalar, ``"EchoStateClassifier"`` or ``"EchoStateRegressor"``
``params``          unicode array of shape (1,): the estimator's ``get_params()`` as JSON
``fitted``          unicode array of shape (1,): scalars learned in ``fit`` as JSON
``W``               float32 (n_units, n_units), the recurrent weights
``W_in``            float32 (n_units, n_inputs)
``bias``            float32 (n_units,)
cell arrays         ``tau`` (LTC); ``W_f``, ``W_h``, ``W_in_f``,
                    ``W_in_h``, ``bias_f``, ``bias_h`` (CfC)
``coef``            float64 (n_features, n_outputs), the readout
``intercept``       float64 (n_outputs,)
``classes``         classifier only: numeric or unicode (n_classes,)
``state_mean``      ``pooling="model_space"`` only: float64 (n_units,)
``state_components`` ``pooling="model_space"`` only: float64 (n_units, d), the
                    principal axes of the training states
``input_mean``      optional, float64 (n_inputs,): the standardisation of the inputs
``input_spread``    optional, float64 (n_inputs,), > 0
``target_mean``     optional, regressor only: float64 (n_outputs,), the
                    standardisation of the targets
``target_spread``   optional, regressor only: float64 (n_outputs,), > 0
==================  ==========================================================

The statistics are those of the training part the model was fitted on
(:class:`~lnn_core.data.standardiser.Standardiser`); :func:`load_model_file`
returns them with the estimator, so :meth:`ModelFile.predict` reads data in
its original units.  A file without them (written before they were stored)
loads with identity standardisations.

:func:`load_model` first reads what the file declares, without building
any array: each member's ``.npy`` header (shape and dtype), refusing a file
whose arrays would take more than ``max_bytes`` or whose ``W`` declares more
than ``max_units`` neurons (a 1 MB file of zeros can declare a gigabyte).
It then reads the arrays with ``allow_pickle=False`` and checks every
array's presence, shape, dtype and finiteness against the parameters before
rebuilding the estimator, so a loaded model predicts exactly what the saved
one did, and a damaged or foreign file is a :class:`~lnn_core.errors.DataError`
that names what is wrong.

>>> from sklearn.datasets import load_digits
>>> X, y = load_digits(return_X_y=True)
>>> from lnn_core import EchoStateClassifier
>>> clf = EchoStateClassifier(n_units=50, n_steps=8).fit(X[:200] / 16, y[:200])
>>> again = load_model(save_model(clf))
>>> bool((again.predict(X[200:300] / 16) == clf.predict(X[200:300] / 16)).all())
True
"""

import io
import json
import zipfile
import zlib
from typing import NamedTuple

import numpy as np

from .._validation import check_choice, check_int, check_number, check_seed
from ..data.archives import npy_headers
from ..data.standardiser import Standardiser
from ..errors import DataError
from .cells import make_cell_params
from .estimators import EchoStateClassifier, EchoStateRegressor
from .representations import MODEL_SPACE_COMPONENTS, StateProjection
from .reservoir import CELLS, RecurrentDraw, Reservoir
from .states import POOLINGS, n_features

__all__ = ["FORMAT_VERSION", "MAX_MODEL_BYTES", "MAX_UNITS", "ModelFile", "load_model",
           "load_model_file", "save_model"]

#: Version written by :func:`save_model`; :func:`load_model` reads this version.
FORMAT_VERSION = 1
#: Largest total size a model file's arrays may declare (guards memory).
MAX_MODEL_BYTES = 2 * 1024**3
#: Most neurons a loaded model may have unless the caller says otherwise (the app allows 2,000).
MAX_UNITS = 10_000

_ESTIMATORS = {cls.__name__: cls for cls in (EchoStateClassifier, EchoStateRegressor)}
_CELL_ARRAYS = {
    "esn": (),
    "ltc": ("tau",),
    "cfc": ("W_f", "W_h", "W_in_f", "W_in_h", "bias_f", "bias_h"),
}
# NotImplementedError: zipfile's answer to a member that declares a zip version it cannot
# extract (found by the property test: version 10.9)
_LOAD_ERRORS = (ValueError, OSError, EOFError, KeyError, NotImplementedError, zipfile.BadZipFile,
                zlib.error)
#: Arrays of the two optional standardisations, by part.
_STATISTICS = {"input": ("input_mean", "input_spread"),
               "target": ("target_mean", "target_spread")}


class ModelFile(NamedTuple):
    """What a model file holds: a fitted estimator and how its data was standardised.

    Attributes
    ----------
    estimator : EchoStateClassifier or EchoStateRegressor
        Fitted.
    inputs : Standardiser
        Of the ``n_inputs`` input channels; the identity for a file without
        statistics.
    targets : Standardiser or None
        Regressor: of the ``n_outputs`` target channels (the identity for a
        file without statistics).  Classifier: ``None``.
    """

    estimator: object
    inputs: Standardiser
    targets: Standardiser | None

    def predict(self, raw_inputs):
        """Predict from data in its original units.

        The inputs are standardised with :attr:`inputs`; a regressor's
        outputs are mapped back to the targets' units with :attr:`targets`.

        Parameters
        ----------
        raw_inputs : ndarray or list of ndarrays
            A regressor's series, of shape (n_steps, n_inputs); a
            classifier's sequences, of shape (n_samples, n_steps, n_inputs) or
            a list of arrays of shape (n_steps_i, n_inputs).

        Returns
        -------
        ndarray
            Regressor: of shape (n_steps,) or (n_steps, n_outputs), or a list
            of them for a list of series.  Classifier: labels of shape (n_samples,).

        Raises
        ------
        DataError
            Standardised inputs without ``n_inputs`` channels on their last axis.
        """
        if self.inputs.is_identity:          # any layout the estimator reads, e.g. flat images
            inputs = raw_inputs
        elif isinstance(raw_inputs, (list, tuple)):
            inputs = [self.inputs.transform(u) for u in raw_inputs]
        else:
            inputs = self.inputs.transform(raw_inputs)
        predicted = self.estimator.predict(inputs)
        if self.targets is None:
            return predicted
        if isinstance(predicted, list):
            return [self._restore(p) for p in predicted]
        return self._restore(predicted)

    def _restore(self, predicted):
        """Standardised outputs (n_steps,) or (n_steps, n_outputs) -> target units."""
        columns = predicted.reshape(len(predicted), -1)                  # (n_steps, n_outputs)
        return self.targets.inverse_transform(columns).reshape(predicted.shape)


def save_model(estimator, input_standardiser=None, target_standardiser=None):
    """Serialise a fitted :class:`EchoStateClassifier` or :class:`EchoStateRegressor`.

    Parameters
    ----------
    estimator : EchoStateClassifier or EchoStateRegressor
        Fitted.
    input_standardiser : Standardiser, optional
        How the inputs were standardised before ``fit``: ``n_inputs``
        channels.  Not stored when ``None`` (it loads as the identity).
    target_standardiser : Standardiser, optional
        Regressor only: how the targets were standardised, ``n_outputs``
        channels.

    Returns
    -------
    bytes
        A compressed ``.npz`` archive; see the module docstring for its arrays.

    Raises
    ------
    ValueError
        An unfitted or foreign estimator, class labels of mixed types, a
        standardiser with the wrong number of channels, or a target
        standardiser for a classifier.
    TypeError
        A standardiser that is not a :class:`Standardiser`.
    """
    kind = type(estimator).__name__
    if kind not in _ESTIMATORS:
        raise ValueError(f"save_model saves {' or '.join(_ESTIMATORS)}, got {kind}")
    if not hasattr(estimator, "reservoir_"):
        raise ValueError(f"this {kind} is not fitted yet; call fit before saving it")
    reservoir = estimator.reservoir_
    fitted = {"n_inputs": int(reservoir.n_inputs), "fit_time": float(estimator.fit_time_),
              "spectral_radius": float(reservoir.spectral_radius),
              "scale": float(reservoir.scale)}
    arrays = {"W": reservoir.W, "W_in": reservoir.W_in, "bias": reservoir.bias,
              "coef": np.asarray(estimator.coef_, np.float64),
              "intercept": np.asarray(estimator.intercept_, np.float64)}
    arrays.update({name: reservoir.cell_params[name] for name in _CELL_ARRAYS[reservoir.cell]})
    if kind == "EchoStateClassifier":
        arrays["classes"] = _plain_classes(estimator.classes_)
        n_in = getattr(estimator, "n_features_in_", None)
        fitted["n_features_in"] = None if n_in is None else int(n_in)
    else:
        fitted["n_features_in"] = int(estimator.n_features_in_)
        fitted["y_1d"] = bool(estimator._y_1d)
    if hasattr(estimator, "state_projection_"):             # pooling="model_space"
        arrays["state_mean"] = estimator.state_projection_.mean
        arrays["state_components"] = estimator.state_projection_.components
    if hasattr(estimator, "feature_names_in_"):
        arrays["feature_names_in"] = np.asarray(estimator.feature_names_in_, dtype=str)
    if kind == "EchoStateClassifier" and target_standardiser is not None:
        raise ValueError("target_standardiser must be None for a classifier (its targets are "
                         "labels)")
    n_channels = {"input": reservoir.n_inputs, "target": np.shape(estimator.coef_)[1]}
    for part, standardiser in (("input", input_standardiser), ("target", target_standardiser)):
        if standardiser is None:
            continue
        if not isinstance(standardiser, Standardiser):
            raise TypeError(f"{part}_standardiser must be a Standardiser or None, got "
                             f"{type(standardiser).__name__}")
        if standardiser.n_channels != n_channels[part]:
            raise ValueError(f"{part}_standardiser must have {n_channels[part]} channel(s) like "
                             f"the model's {part}s, got {standardiser.n_channels}")
        mean_name, spread_name = _STATISTICS[part]
        arrays[mean_name], arrays[spread_name] = standardiser.mean, standardiser.spread
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer, format_version=np.int64(FORMAT_VERSION), estimator=np.str_(kind),
        params=np.array([json.dumps(estimator.get_params(), default=_json_default)]),
        fitted=np.array([json.dumps(fitted)]), **arrays)
    return buffer.getvalue()


def _json_default(value):
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"parameter value {value!r} of type {type(value).__name__} cannot be saved")


def _plain_classes(classes):
    """Class labels as a numeric or unicode array (never object)."""
    classes = np.asarray(classes)
    if classes.dtype.kind in "biufU":
        return classes
    if all(isinstance(c, str) for c in classes.tolist()):
        return classes.astype(str)
    raise ValueError("class labels must be all numbers or all strings to be saved, got "
                     f"{sorted({type(c).__name__ for c in classes.tolist()})}")


def load_model(data, *, max_units=MAX_UNITS, max_bytes=MAX_MODEL_BYTES):
    """Rebuild a fitted estimator from the bytes written by :func:`save_model`.

    Parameters
    ----------
    data : bytes or binary file-like (e.g. a Streamlit upload)
    max_units : int >= 1, default :data:`MAX_UNITS`
        Most neurons accepted; a file whose ``W`` declares more is refused
        before any array is read (its predictions would cost ``n_units**2``
        per step).
    max_bytes : int >= 1, default :data:`MAX_MODEL_BYTES`
        Most bytes the file's arrays may declare in all.

    Returns
    -------
    EchoStateClassifier or EchoStateRegressor
        Fitted; its predictions are bit-identical to the saved estimator's.
        (:func:`load_model_file` also returns the standardisations.)

    Raises
    ------
    DataError
        Not an ``.npz`` file, truncated, holding object arrays (pickle is
        never used), declaring more than ``max_units`` neurons or
        ``max_bytes`` of arrays, another format version, or an array that is
        missing or has the wrong shape or dtype (the message names the array,
        the expected and the found shape).
    """
    return load_model_file(data, max_units=max_units, max_bytes=max_bytes).estimator


def load_model_file(data, *, max_units=MAX_UNITS, max_bytes=MAX_MODEL_BYTES):
    """Rebuild a fitted estimator and the standardisations of its data.

    Parameters
    ----------
    data : bytes or binary file-like (e.g. a Streamlit upload)
    max_units : int >= 1, default :data:`MAX_UNITS`
        Most neurons accepted, checked on ``W``'s declared shape before any
        array is read.
    max_bytes : int >= 1, default :data:`MAX_MODEL_BYTES`
        Most bytes the file's arrays may declare in all (from their ``.npy``
        headers, before any is read).

    Returns
    -------
    ModelFile
        ``(estimator, inputs, targets)``; ``inputs`` and (for a regressor)
        ``targets`` are identity standardisations if the file has no statistics.

    Raises
    ------
    DataError
        As :func:`load_model`; also statistics of the wrong shape or dtype,
        not finite, a spread <= 0, a mean without its spread (or the other
        way round), or target statistics in a classifier's file.
    """
    max_units = check_int("max_units", max_units, low=1)
    max_bytes = check_int("max_bytes", max_bytes, low=1)
    raw = _read_bytes(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise DataError("this file is not a Liquid Lab model (.npz archive written by "
                        "'Download model'); it may be truncated or of another type") from None
    with archive:
        headers = npy_headers(archive, "the model file")
    _check_declared(headers, max_units, max_bytes)
    try:
        archive = np.load(io.BytesIO(raw), allow_pickle=False)
    except _LOAD_ERRORS as exc:
        raise DataError(f"the model file cannot be opened as .npz: {exc}") from None
    with archive:
        loader = _Loader(archive, headers, max_units)
        estimator = loader.estimator()
        return ModelFile(estimator, *loader.standardisers(estimator))


def _check_declared(headers, max_units, max_bytes):
    """Refuse a model by what its ``.npy`` headers declare, before any array is read."""
    from ..guard import format_bytes  # the guard imports the engine
    total = sum(header.nbytes for header in headers.values())
    if total > max_bytes:
        raise DataError(f"The model file declares arrays of {format_bytes(total)} in all; "
                        f"the limit is {format_bytes(max_bytes)} (max_bytes={max_bytes:,}).")
    if "W" not in headers:
        return                              # reported as a missing array by the loader
    shape, dtype, nbytes = headers["W"]
    if len(shape) == 2 and max(shape) > max_units:
        raise DataError(f"The model file declares n_units={max(shape):,} (W of "
                        f"{shape[0]:,}×{shape[1]:,} {dtype}, {format_bytes(nbytes)}); this "
                        f"server loads models of at most {max_units:,} neurons "
                        f"(max_units={max_units:,}).")


def _read_bytes(data):
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    if hasattr(data, "read"):
        if hasattr(data, "seek"):
            data.seek(0)
        raw = data.read()
        if isinstance(raw, (bytes, bytearray)):
            return bytes(raw)
    raise DataError(f"a model must be given as bytes or a binary file, got {type(data).__name__}")


class _Loader:
    """Reads and checks the arrays of one opened model archive.

    ``headers`` (from :func:`~lnn_core.data.archives.npy_headers`) give each
    array's declared shape, checked before the array is read; ``max_units``
    bounds the parameters' ``n_units``.
    """

    def __init__(self, archive, headers, max_units):
        self.archive = archive
        self.headers = headers
        self.max_units = max_units

    def array(self, name, shape=None, kinds="f", dtype=None):
        """The array ``name``, checked for shape, dtype kind/exact dtype and finiteness."""
        if name not in self.archive.files:
            raise DataError(f"the model file has no array {name!r}; it is incomplete or not "
                            "a Liquid Lab model")
        if shape is not None and name in self.headers:    # refused before it is read
            _check_shape(name, self.headers[name], shape)
        try:
            value = self.archive[name]
        except _LOAD_ERRORS as exc:
            raise DataError(f"array {name!r} of the model file cannot be read ({exc}); the "
                            "file is damaged or holds Python objects, which are never "
                            "loaded") from None
        if shape is not None:
            _check_shape(name, value, shape)
        if value.dtype.kind not in kinds or (dtype is not None and value.dtype != dtype):
            expected = np.dtype(dtype).name if dtype is not None else f"kind {kinds!r}"
            raise DataError(f"array {name!r} of the model file should be {expected} but is "
                            f"{value.dtype}")
        if value.dtype.kind == "f" and not np.isfinite(value).all():
            raise DataError(f"array {name!r} of the model file contains NaN or infinity")
        return value

    def json(self, name):
        text = self.array(name, shape=(1,), kinds="U")[0]
        try:
            value = json.loads(str(text))
        except json.JSONDecodeError as exc:
            raise DataError(f"array {name!r} of the model file is not valid JSON: {exc}") from None
        if not isinstance(value, dict):
            raise DataError(f"array {name!r} of the model file should hold a JSON object")
        return value

    def estimator(self):
        version = self.array("format_version", shape=(), kinds="iu")
        if int(version) != FORMAT_VERSION:
            raise DataError(f"the model file has format version {int(version)}; this Liquid "
                            f"Lab reads version {FORMAT_VERSION}")
        kind = str(self.array("estimator", shape=(), kinds="U"))
        if kind not in _ESTIMATORS:
            raise DataError(f"the model file holds a {kind!r}; expected one of "
                            f"{', '.join(_ESTIMATORS)}")
        estimator = _ESTIMATORS[kind]()
        params = self.json("params")
        expected = set(estimator.get_params())
        if set(params) != expected:
            missing, extra = sorted(expected - set(params)), sorted(set(params) - expected)
            raise DataError(f"the model file's params do not match a {kind}: missing "
                            f"{missing or 'none'}, unexpected {extra or 'none'}")
        if isinstance(params["cell_options"], dict):
            params["cell_options"] = {key: tuple(v) if isinstance(v, list) else v
                                      for key, v in params["cell_options"].items()}
        estimator.set_params(**params)
        fitted = self.json("fitted")
        try:
            cell_scalars = _check_params(estimator, fitted, self.max_units)
        except (ValueError, TypeError, KeyError) as exc:
            raise DataError(f"the model file's parameters are invalid: {exc}") from None
        estimator.reservoir_ = self.reservoir(estimator, fitted, cell_scalars)
        self.readout(estimator, fitted)
        estimator.fit_time_ = float(fitted["fit_time"])
        if "feature_names_in" in self.archive.files:
            estimator.feature_names_in_ = self.array(
                "feature_names_in", shape=(estimator.n_features_in_,), kinds="U").astype(object)
        return estimator

    def reservoir(self, estimator, fitted, cell_scalars):
        n, n_inputs = estimator.n_units, fitted["n_inputs"]
        f32 = np.float32
        W = self.array("W", (n, n), dtype=f32)
        W_in = self.array("W_in", (n, n_inputs), dtype=f32)
        bias = self.array("bias", (n,), dtype=f32)
        if estimator.cell == "ltc" and "reversal" in self.archive.files:
            raise DataError("this LTC model file was written for the earlier LTC equations "
                            "(one reversal potential per neuron); refit the model and save it again")
        shapes = {"tau": (n,), "W_f": (n, n), "W_h": (n, n),
                  "W_in_f": (n, n_inputs), "W_in_h": (n, n_inputs), "bias_f": (n,), "bias_h": (n,)}
        cell_params = dict(cell_scalars)
        for name in _CELL_ARRAYS[estimator.cell]:
            cell_params[name] = self.array(name, shapes[name], dtype=f32)
        if estimator.cell == "ltc" and not (cell_params["tau"] > 0).all():
            raise DataError("array 'tau' of the model file must be positive (time constants)")
        for value in (W, W_in, bias, *cell_params.values()):
            if isinstance(value, np.ndarray):
                value.setflags(write=False)
        return Reservoir(W=W, W_in=W_in, bias=bias, leak_rate=float(estimator.leak_rate),
                         cell=estimator.cell, spectral_radius=fitted["spectral_radius"],
                         scale=fitted["scale"], n_units=n, density=float(estimator.density),
                         seed=estimator.random_state, cell_params=cell_params)

    def readout(self, estimator, fitted):
        coef = self.array("coef", dtype=np.float64)
        if isinstance(estimator, EchoStateClassifier):
            classes = self.array("classes", kinds="biufU")
            if classes.ndim != 1 or len(classes) < 2 or len(np.unique(classes)) != len(classes):
                raise DataError(f"array 'classes' of the model file should list at least 2 "
                                f"distinct labels, found shape {classes.shape}")
            n_outputs = len(classes)
            directions = 2 if estimator.bidirectional else 1      # read backwards too
            width = directions * n_features(estimator.n_units, estimator.pooling,
                                             estimator.n_points)
            estimator.classes_ = classes
            if estimator.pooling == "model_space":
                n, d = estimator.n_units, min(MODEL_SPACE_COMPONENTS, estimator.n_units)
                estimator.state_projection_ = StateProjection(
                    self.array("state_mean", (n,), dtype=np.float64),
                    self.array("state_components", (n, d), dtype=np.float64))
            estimator.n_inputs_ = fitted["n_inputs"]
            estimator.n_features_in_ = fitted["n_features_in"]
        else:
            n_outputs = 1 if fitted["y_1d"] or coef.ndim != 2 else max(coef.shape[1], 1)
            width = estimator.n_units
            estimator.n_features_in_ = fitted["n_inputs"]
            estimator._y_1d = fitted["y_1d"]
        estimator.coef_ = _check_shape("coef", coef, (width, n_outputs))
        estimator.intercept_ = self.array("intercept", (n_outputs,), dtype=np.float64)

    def standardisers(self, estimator):
        """``(inputs, targets)`` standardisations; identity where the file has none."""
        classifier = isinstance(estimator, EchoStateClassifier)
        if classifier and any(name in self.archive.files for name in _STATISTICS["target"]):
            raise DataError("the model file holds target statistics ('target_mean', "
                            "'target_spread'), but a classifier's targets are labels")
        inputs = self.standardiser("input", estimator.reservoir_.n_inputs)
        targets = None if classifier else self.standardiser("target", estimator.coef_.shape[1])
        return inputs, targets

    def standardiser(self, part, n_channels):
        """The ``part`` ("input" or "target") statistics, checked, or the identity."""
        names = _STATISTICS[part]
        found = [name in self.archive.files for name in names]
        if not any(found):
            return Standardiser.identity(n_channels)
        if not all(found):
            present, absent = names if found[0] else names[::-1]
            raise DataError(f"the model file has array {present!r} but no {absent!r}; both or "
                            "neither must be stored")
        mean, spread = (self.array(name, (n_channels,), dtype=np.float64) for name in names)
        if not (spread > 0).all():
            raise DataError(f"array {names[1]!r} of the model file must be > 0 (a standard "
                            f"deviation), found {spread.tolist()}")
        return Standardiser(mean, spread)


def _check_shape(name, value, shape):
    if value.shape != tuple(shape):
        raise DataError(f"array {name!r} of the model file should have shape {tuple(shape)} "
                        f"but has shape {value.shape}")
    return value


def _check_params(estimator, fitted, max_units):
    """Validate parameters and fitted scalars; return the cell's scalar parameters."""
    p = estimator.get_params()
    check_int("n_units", p["n_units"], low=1, high=max_units)
    for name in ("spectral_radius", "input_scaling", "bias_scaling", "ridge"):
        check_number(name, p[name], low=0)
    check_number("density", p["density"], low=0, high=1)
    check_number("leak_rate", p["leak_rate"], low=0, high=1, low_open=True)
    check_choice("cell", p["cell"], CELLS)
    check_seed("random_state", p["random_state"])
    options = p["cell_options"] or {}
    if not isinstance(options, dict):
        raise TypeError(f"cell_options must be a dict or None, got {options!r}")
    if isinstance(estimator, EchoStateClassifier):
        check_choice("pooling", p["pooling"], POOLINGS[:-1])
        check_int("n_points", p["n_points"], low=1)
        if p["n_steps"] is not None:
            check_int("n_steps", p["n_steps"], low=1)
        if not isinstance(p["bidirectional"], bool):
            raise TypeError(f"bidirectional must be true or false, got {p['bidirectional']!r}")
        if fitted["n_features_in"] is not None:
            check_int("n_features_in", fitted["n_features_in"], low=1)
    else:
        check_int("washout", p["washout"], low=0)
        if not isinstance(fitted["y_1d"], bool):
            raise TypeError(f"y_1d must be true or false, got {fitted['y_1d']!r}")
    check_int("n_inputs", fitted["n_inputs"], low=1)
    for name in ("fit_time", "spectral_radius", "scale"):
        check_number(name, fitted[name], low=0)
    # The cell's own validation on a one-unit draw yields its scalar options cheaply.
    scalars = make_cell_params(p["cell"], 1, 1, RecurrentDraw(np.zeros((1, 1)), 0.0), 1.0,
                               np.random.default_rng(0), **options)
    return {key: value for key, value in scalars.items() if not isinstance(value, np.ndarray)}
