"""Time-series experiments: forecast a series (and let the model run on its own), or classify.

Both fit on the first part of the data and score on the rest, with every
channel standardised by statistics of the training part only
(:class:`~lnn_core.data.standardiser.Standardiser`):

* :func:`fit_forecast` maps ``u[t] -> y[t + horizon]`` with an
  :class:`~lnn_core.engine.estimators.EchoStateRegressor` on the first
  :data:`TRAIN_FRACTION` of the steps (:func:`chronological_split`) and
  reports the NRMSE on the rest.  When the target is one of the inputs, a
  one-step model of every input also runs closed-loop from the end of the
  training part, and its *valid time* is measured.
* :func:`fit_classifier` fits an :class:`~lnn_core.engine.estimators.EchoStateClassifier`
  on a stratified :data:`TRAIN_FRACTION` of the sequences and reports the
  test accuracy.

Each returns a :class:`Result` holding the model, its file (with the
standardisation statistics, :func:`~lnn_core.engine.model_io.save_model`) and
what it predicts; :func:`predicts_like` checks that a reloaded file predicts
the same from the data in its original units.  :func:`estimate_forecast_memory`
and :func:`estimate_classifier_memory` size a run for
:func:`lnn_core.guard.check_budget` before it starts.

>>> from lnn_core.data.generators import mackey_glass
>>> inputs, targets, channel = forecast_arrays(mackey_glass(1000, seed=0))
>>> result = fit_forecast(inputs, targets, {"n_units": 100, "random_state": 0},
...                       horizon=1, free_channel=channel)
>>> result.split, bool(result.score < 0.05), result.generated.shape
(749, True, (251,))
"""

import math
import time as time_module
from dataclasses import dataclass, field

import numpy as np

from .._validation import check_choice, check_int, check_number
from ..data.parsers import combine_train_test, prepare_series, split_dataset
from ..data.standardiser import Standardiser
from ..engine.estimators import EchoStateClassifier, EchoStateRegressor
from ..engine.metrics import accuracy, accuracy_interval, nrmse, valid_time
from ..engine.model_io import ModelFile, save_model
from ..errors import DataError
from ..guard import estimate_memory
from .baselines import baseline_forecasts, season_from_autocorrelation, season_from_time

__all__ = ["MAX_FREE_STEPS", "MIN_TEST_PAIRS", "MIN_TRAIN_PAIRS", "TRAIN_FRACTION", "TRANSFORMS",
           "Result", "chronological_split", "estimate_classifier_memory",
           "estimate_forecast_memory", "fit_classifier", "fit_forecast", "forecast_arrays",
           "min_forecast_rows", "predicts_like", "table_arrays", "table_times"]

#: Fraction of the steps (forecasting) or sequences (classification) used for training.
TRAIN_FRACTION = 0.75
#: Most steps the closed-loop generator runs.
MAX_FREE_STEPS = 500
#: Most initial steps left out of the forecaster's training (a tenth of them if fewer).
MAX_WASHOUT = 100
#: Fewest training and test pairs of an uploaded series (:func:`min_forecast_rows`).
MIN_TRAIN_PAIRS, MIN_TEST_PAIRS = 24, 8
#: Transforms of a forecast's series, applied before the model and inverted after it:
#: ``"log"`` for a positive series whose swings grow with its level, ``"difference"``
#: (the model forecasts the change since the last known value) for a trend.
TRANSFORMS = ("none", "log", "difference")


@dataclass(frozen=True, eq=False)
class Result:
    """A fitted model, its file, what it predicts and its score.

    Attributes
    ----------
    saved : ModelFile
        The estimator and the standardisations of its inputs (and targets).
    model_file : bytes
        ``saved`` as a ``.npz`` model file (:func:`~lnn_core.engine.model_io.save_model`).
    inputs : ndarray or list of ndarrays
        The data the predictions are for, in its original units: the
        forecaster's inputs, of shape (n_pairs, n_inputs), or the
        classifier's test sequences, of shapes (length_i, n_channels).
        ``saved.predict(inputs)`` gives :attr:`predicted` in those units.
    truth : ndarray of shape (n_pairs,) or (n_test,)
        Standardised targets ``horizon`` steps after each input, or test labels.
    predicted : ndarray of the shape of ``truth``
        The model's output (standardised for a forecaster).
    score : float
        Forecaster: NRMSE on the test part (steps ``split`` onwards); 0 is
        perfect, 1 no better than the mean.  Classifier: test accuracy.
    split : int
        Forecaster: training pairs (the test part starts there).  Classifier: 0.
    seconds : float
        Wall time of the fit and the predictions.
    generated, free_truth : ndarray of shape (n_free,) or None
        Closed-loop output of the target channel from step ``split``, and the
        (standardised) truth there; ``None`` without closed-loop generation.
    valid_steps : int
        Closed-loop steps before the error first exceeds 0.2 standard deviations.
    truth_units, predicted_units : ndarray of shape (n_pairs,) or None
        Forecaster: the targets and the model's forecasts in the data's units
        (any transform inverted); ``score`` compares them on ``[split:]``.
    target_time : ndarray of shape (n_pairs,) or None
        Forecaster: the time of each target (the file's dates or numbers, else
        its row number from 0).
    baselines : dict of str to float
        Forecaster: NRMSE of ``"naive"`` (the last known value) and
        ``"seasonal_naive"`` (the value one season before) on the same test
        targets (:func:`~lnn_core.lab.baselines.baseline_forecasts`).
    baseline_forecasts : dict of str to ndarray of shape (n_pairs - split,)
        Forecaster: those forecasts, in the data's units.
    season : int
        Forecaster: steps per season of the seasonal naive forecast (1: none found).
    season_source : str
        Forecaster: where the season comes from, in words.
    transform : str
        Forecaster: one of :data:`TRANSFORMS`.
    interval : tuple of float or None
        Classifier: 95 % Wilson interval of ``score``
        (:func:`~lnn_core.engine.metrics.accuracy_interval`).
    official_test : bool
        Classifier: scored on a separate test file (trained on all of the training file).
    """

    saved: ModelFile
    model_file: bytes
    inputs: object
    truth: np.ndarray
    predicted: np.ndarray
    score: float
    split: int
    seconds: float
    generated: np.ndarray | None = None
    free_truth: np.ndarray | None = None
    valid_steps: int = 0
    truth_units: np.ndarray | None = None
    predicted_units: np.ndarray | None = None
    target_time: np.ndarray | None = None
    baselines: dict = field(default_factory=dict)
    baseline_forecasts: dict = field(default_factory=dict)
    season: int = 1
    season_source: str = ""
    transform: str = "none"
    interval: tuple | None = None
    official_test: bool = False

    @property
    def n_test(self):
        """Test pairs (forecaster) or test sequences (classifier)."""
        return len(self.truth) - self.split

    @property
    def model(self):
        """The fitted estimator (``saved.estimator``)."""
        return self.saved.estimator


def chronological_split(n_rows, horizon, train_fraction=TRAIN_FRACTION):
    """Input/target pairs of a forecast ``horizon`` steps ahead, and how many train.

    Input ``t`` is paired with the target at ``t + horizon``, so ``n_rows``
    rows give ``n_pairs = n_rows - horizon`` pairs; the first
    ``split = int(train_fraction * n_pairs)`` train and the rest test (in
    time order: the test part is the future).

    Parameters
    ----------
    n_rows : int >= 4
        Time steps of the series.
    horizon : int in [0, n_rows - 4]
        Steps between an input and its target (0: map the input to a
        simultaneous output).
    train_fraction : float in (0, 1), default 0.75

    Returns
    -------
    n_pairs, split : int
        ``split >= 2`` training pairs and ``n_pairs - split >= 2`` test pairs.

    Raises
    ------
    ValueError
        A parameter out of range, or too few pairs for 2 training and 2 test ones.

    Examples
    --------
    >>> chronological_split(3000, horizon=1)
    (2999, 2249)
    """
    n_rows = check_int("n_rows", n_rows, low=4)
    horizon = check_int("horizon", horizon, low=0, high=n_rows - 4)
    train_fraction = check_number("train_fraction", train_fraction, low=0, high=1,
                                  low_open=True, high_open=True)
    n_pairs = n_rows - horizon
    split = int(train_fraction * n_pairs)
    if split < 2 or n_pairs - split < 2:
        raise ValueError(f"train_fraction={train_fraction:g} of {n_pairs} pairs (n_rows={n_rows}, "
                         f"horizon={horizon}) leaves {split} to train and {n_pairs - split} to "
                         "test; both need at least 2: use a longer series or a fraction "
                         "nearer 0.5")
    return n_pairs, split


def forecast_arrays(series, channel=0):
    """Inputs, target and closed-loop channel of a generated series.

    Parameters
    ----------
    series : lnn_core.data.generators.Series
        With ``values`` of shape (n_steps,) or (n_steps, n_channels) and,
        for NARMA-10, a ``target`` of shape (n_steps,).
    channel : int in [0, n_channels - 1], default 0
        The channel to forecast; ignored when the series has a ``target``.

    Returns
    -------
    inputs : ndarray of shape (n_steps, n_channels)
    targets : ndarray of shape (n_steps, 1)
        The chosen channel, or the series' own target.
    free_channel : int or None
        ``channel`` when the target is one of the inputs (the model can then
        run closed-loop), ``None`` for a separate target.
    """
    inputs = np.asarray(series.values, dtype=np.float64).reshape(len(series.values), -1)
    if series.target is not None:               # NARMA-10: map the input u to the output y
        return inputs, np.asarray(series.target, dtype=np.float64).reshape(-1, 1), None
    channel = check_int("channel", channel, low=0, high=inputs.shape[1] - 1)
    return inputs, inputs[:, [channel]], channel


def min_forecast_rows(horizon, transform="none"):
    """Fewest rows an uploaded series needs to be forecast ``horizon`` steps ahead.

    :data:`MIN_TRAIN_PAIRS` + :data:`MIN_TEST_PAIRS` input/target pairs (so
    that the chronological split keeps at least that many of each), plus the
    horizon, plus the row the ``"difference"`` transform uses up.

    Parameters
    ----------
    horizon : int >= 0
    transform : one of :data:`TRANSFORMS`, default "none"

    Returns
    -------
    int

    Examples
    --------
    >>> min_forecast_rows(1)          # a 36-month series can be forecast one step ahead
    33
    """
    horizon = check_int("horizon", horizon, low=0)
    check_choice("transform", transform, TRANSFORMS)
    pairs = max(MIN_TRAIN_PAIRS + MIN_TEST_PAIRS, math.ceil(MIN_TRAIN_PAIRS / TRAIN_FRACTION))
    return pairs + horizon + (transform == "difference")


def table_arrays(table, target_column, input_columns, missing="drop", min_rows=None, *,
                 horizon=1, transform="none"):
    """Inputs, target and closed-loop channel from chosen columns of an uploaded table.

    Parameters
    ----------
    table : lnn_core.data.parsers.ForecastTable
    target_column : str
        The column to forecast.
    input_columns : sequence of str
        Columns fed to the model; when it includes ``target_column`` the
        model can run closed-loop on it.
    missing : {"drop", "interpolate"}, default "drop"
        What to do with missing cells (:func:`lnn_core.data.parsers.prepare_series`).
    min_rows : int >= 1, optional
        Fewest rows acceptable once missing cells are handled; default
        :func:`min_forecast_rows` of ``horizon`` and ``transform``.
    horizon : int >= 0, default 1
    transform : one of :data:`TRANSFORMS`, default "none"

    Returns
    -------
    inputs : ndarray of shape (n_rows, len(input_columns))
    targets : ndarray of shape (n_rows, 1)
    free_channel : int or None
        Index of ``target_column`` among ``input_columns``, else ``None``.

    Raises
    ------
    DataError
        An unknown or empty column, or fewer than ``min_rows`` rows (the
        message says whether missing cells took them and what needs them).
    """
    input_columns = list(input_columns)
    needed = min_forecast_rows(horizon, transform) if min_rows is None else \
        check_int("min_rows", min_rows, low=1)
    inputs, targets = prepare_series(table, target_column, input_columns, missing=missing)
    if len(inputs) < needed:
        used = list(dict.fromkeys(input_columns + [target_column]))
        dropped = len(table.frame) - len(inputs)
        rows = f"{len(inputs):,} rows in {', '.join(map(repr, used))}" + (
            f" once the {dropped:,} with a missing cell are dropped" if dropped else "")
        why = (f"{MIN_TRAIN_PAIRS} input/target pairs to train and {MIN_TEST_PAIRS} to test, "
               f"plus the {horizon}-step horizon"
               + (" and the first row, which the difference transform uses up"
                  if transform == "difference" else "")) if min_rows is None else "min_rows"
        raise DataError(f"{table.name} has {rows}; forecasting "
                        f"{horizon} step{'s' if horizon != 1 else ''} ahead needs at least "
                        f"{needed:,} ({why})."
                        + (" Interpolate the missing cells instead." if dropped else ""))
    free_channel = input_columns.index(target_column) if target_column in input_columns else None
    return inputs, targets, free_channel


def table_times(table, columns, missing="drop"):
    """The time of each row :func:`table_arrays` keeps, or ``None`` without a time column.

    Parameters
    ----------
    table : lnn_core.data.parsers.ForecastTable
    columns : sequence of str
        Every column used (inputs and target).
    missing : {"drop", "interpolate"}, default "drop"

    Returns
    -------
    ndarray of shape (n_rows,) or None
        Dates (datetime64; time-zone-aware ones in UTC) or numbers.
    """
    if table.time is None:
        return None
    keep = np.ones(len(table.frame), dtype=bool)
    if missing == "drop":
        keep = table.frame[list(dict.fromkeys(columns))].notna().all(axis=1).to_numpy()
    time = table.time[keep]
    if getattr(time.dtype, "tz", None) is not None:
        time = time.dt.tz_convert("UTC").dt.tz_localize(None)
    return time.to_numpy()


def _transform(inputs, targets, transform, horizon):
    """The series the model sees: ``(inputs, targets)`` transformed, and the rows used up.

    ``"log"``: natural logarithms.  ``"difference"``: inputs ``u[t] - u[t-1]``
    and targets ``y[t] - y[t - horizon]``, so the model's output for the pair
    ``(t, t + horizon)`` is the change since the last known value; row 0 is used up.
    """
    if transform == "log":
        for name, values in (("inputs", inputs), ("target", targets)):
            if (values <= 0).any():
                row = int(np.argmax((values <= 0).any(axis=1)))
                raise DataError(f"The log transform needs a positive series, but the {name} "
                                f"hold {values[row].min():g} in row {row + 1:,}; choose "
                                "'none' or 'difference'.")
        return np.log(inputs), np.log(targets), 0
    if transform == "difference":
        lagged = targets[np.maximum(np.arange(len(targets)) - horizon, 0)]
        return np.diff(inputs, axis=0), (targets - lagged)[1:], 1
    return inputs, targets, 0


def _season(series, time, n_train, horizon):
    """Steps per season of the seasonal naive forecast, and where it comes from."""
    season, spacing = season_from_time(time)
    if season is not None and season <= n_train:
        return season, f"{spacing} time column"
    found = season_from_autocorrelation(series[:n_train + horizon])
    if found is not None:
        return found, "autocorrelation of the training part"
    return 1, "no season found (the seasonal naive forecast is the naive one)"


def fit_forecast(inputs, targets, estimator_params, horizon=1, free_channel=None,
                 train_fraction=TRAIN_FRACTION, *, transform="none", time=None):
    """Fit ``u[t] -> y[t + horizon]`` on the first part, score on the rest, beside baselines.

    The series is first transformed (``transform``), then inputs and target
    are standardised by the mean and standard deviation of the training
    pairs only: input rows ``[0, split)`` and target rows ``[horizon,
    horizon + split)``.  The regressor leaves ``min(100, split // 10)``
    initial steps out of training (its washout).  Its forecasts are taken
    back to the data's units (standardisation and transform inverted) and
    scored there by NRMSE on the test pairs, as are the naive and seasonal
    naive forecasts of the same targets (:mod:`lnn_core.lab.baselines`).
    With ``free_channel``, a second regressor learns ``u[t] -> u[t + 1]`` of
    the transformed series on the training part and then runs closed-loop
    for up to :data:`MAX_FREE_STEPS` steps from step ``split``.

    Parameters
    ----------
    inputs : array-like of shape (n_rows, n_inputs)
        Finite, in the data's units.
    targets : array-like of shape (n_rows,) or (n_rows, 1)
        One target channel, aligned with ``inputs``.
    estimator_params : mapping
        Keyword arguments of :class:`EchoStateRegressor` other than
        ``washout`` (e.g. ``n_units``, ``ridge``, ``random_state``: the seed
        of every weight).
    horizon : int in [0, n_rows - 4], default 1
        Steps ahead (at least 1 with ``transform="difference"``).
    free_channel : int in [0, n_inputs - 1] or None, default None
        The input channel that *is* the target; enables closed-loop generation.
    train_fraction : float in (0, 1), default 0.75
    transform : one of :data:`TRANSFORMS`, default "none"
        ``"log"`` needs positive inputs and target.
    time : array-like of shape (n_rows,), optional
        The time of each row (dates or numbers): its spacing gives the season
        of the seasonal naive forecast (else the training part's
        autocorrelation does), and it is the result's ``target_time``.

    Returns
    -------
    Result
        ``truth``/``predicted`` of shape (n_pairs,) standardised, their
        ``*_units`` in the data's units, ``score`` the test NRMSE and
        ``baselines`` the baselines' test NRMSE.

    Raises
    ------
    DataError
        ``inputs``, ``targets`` or ``time`` of the wrong shape, or not finite;
        ``"log"`` of a series that is not positive.
    ValueError
        A parameter out of range (see :func:`chronological_split`).

    Examples
    --------
    >>> t = np.arange(120.0)
    >>> months = np.arange("1990-01", "2000-01", dtype="datetime64[M]")
    >>> sales = 100 + t + 10 * np.sin(2 * np.pi * t / 12)
    >>> result = fit_forecast(sales[:, None], sales, {"n_units": 50, "random_state": 0},
    ...                       time=months)
    >>> result.season, result.season_source, sorted(result.baselines)
    (12, 'monthly time column', ['naive', 'seasonal_naive'])
    """
    start = time_module.perf_counter()
    raw_inputs, raw_targets = _check_series(inputs, targets)
    transform = check_choice("transform", transform, TRANSFORMS)
    if transform == "difference":
        horizon = check_int("horizon", horizon, low=1)
    if free_channel is not None:
        free_channel = check_int("free_channel", free_channel, low=0,
                                 high=raw_inputs.shape[1] - 1)
    if time is not None and len(time) != len(raw_inputs):
        raise DataError(f"time must have one entry per row ({len(raw_inputs)}), "
                        f"got {len(time)}")
    inputs, targets, offset = _transform(raw_inputs, raw_targets, transform, horizon)
    n_pairs, split = chronological_split(len(inputs), horizon, train_fraction)
    input_standardiser = Standardiser.fit(inputs[:split])                  # training inputs
    target_standardiser = Standardiser.fit(targets[horizon:horizon + split])  # and their targets
    U = input_standardiser.transform(inputs)                    # (n_rows - offset, n_inputs)
    Y = target_standardiser.transform(targets)[:, 0]            # (n_rows - offset,)
    params = dict(estimator_params, washout=min(MAX_WASHOUT, split // 10))
    model = EchoStateRegressor(**params).fit(U[:split], Y[horizon:horizon + split])
    predicted, truth = model.predict(U[:n_pairs]), Y[horizon:]  # both (n_pairs,)
    origins = np.arange(n_pairs) + offset                       # forecast origins, raw rows
    series = raw_targets[:, 0]
    truth_units = series[origins + horizon]
    output = target_standardiser.inverse_transform(predicted[:, None])[:, 0]
    if transform == "log":
        predicted_units = np.exp(output)
    elif transform == "difference":
        predicted_units = series[origins] + output          # the change, added to y[t]
    else:
        predicted_units = output
    season, season_source = _season(series, time, split + offset, horizon)
    references = baseline_forecasts(series, origins[split:], horizon, season)
    baselines = {name: nrmse(truth_units[split:], values) for name, values in references.items()}
    generated = free_truth = None
    valid_steps = 0
    if free_channel is not None:
        runner = EchoStateRegressor(**params).fit(U[:split - 1], U[1:split])
        n_free = min(MAX_FREE_STEPS, len(U) - split)
        generated = runner.generate(n_free, warmup=U[:split])[:, free_channel]
        free_truth = U[split:split + n_free, free_channel]
        valid_steps = valid_time(free_truth, generated)
    saved = ModelFile(model, input_standardiser, target_standardiser)
    row_time = np.arange(len(series)) if time is None else np.asarray(time)
    return Result(saved, save_model(model, input_standardiser, target_standardiser),
                  inputs[:n_pairs], truth, predicted,
                  nrmse(truth_units[split:], predicted_units[split:]), split,
                  time_module.perf_counter() - start, generated, free_truth, valid_steps,
                  truth_units=truth_units, predicted_units=predicted_units,
                  target_time=row_time[origins + horizon], baselines=baselines,
                  baseline_forecasts=references, season=season, season_source=season_source,
                  transform=transform)


def fit_classifier(dataset, estimator_params, seed, train_fraction=TRAIN_FRACTION, progress=None,
                   *, test=None):
    """Fit on the training sequences, score on the test ones, with a 95 % interval.

    Without ``test``, a stratified ``train_fraction`` of ``dataset`` trains and
    the rest tests; with ``test`` (an official TEST file, such as a UCR/UEA
    archive problem's ``_TEST.ts``), all of ``dataset`` trains and ``test``
    tests.  Every channel is standardised by its mean and standard deviation
    over all the steps of the training sequences.

    Parameters
    ----------
    dataset : lnn_core.data.parsers.SequenceDataset
        Sequences ``X`` (list of arrays of shape (length_i, n_channels)) and
        labels ``y`` of shape (n_series,); every class needs 2 sequences
        when it is split.
    estimator_params : mapping
        Keyword arguments of :class:`EchoStateClassifier` (e.g. ``n_units``,
        ``pooling``, ``random_state``).
    seed : int >= 0
        Seed of the train/test shuffle (unused with ``test``).
    train_fraction : float in (0, 1), default 0.75
    progress : callable, optional
        ``progress(done, total)`` while the training states are collected.
    test : lnn_core.data.parsers.SequenceDataset, optional
        Test sequences with the channels of ``dataset`` and only its classes.

    Returns
    -------
    Result
        ``inputs`` the raw test sequences, ``truth``/``predicted`` their
        labels of shape (n_test,), ``score`` the test accuracy and
        ``interval`` its 95 % Wilson interval.

    Raises
    ------
    DataError
        A class with a single sequence, or a test part too small for every
        class; a test file whose channels or classes do not match.
    ValueError
        ``train_fraction`` or ``seed`` out of range.
    """
    start = time_module.perf_counter()
    train_fraction = check_number("train_fraction", train_fraction, low=0, high=1,
                                  low_open=True, high_open=True)
    official = test is not None
    if official:
        train, test = combine_train_test(dataset, test)
    else:
        train, test = split_dataset(dataset, 1 - train_fraction, seed)
    standardiser = Standardiser.fit(np.concatenate(train.X))   # (total steps, n_channels)
    model = EchoStateClassifier(**dict(estimator_params))
    model.fit([standardiser.transform(x) for x in train.X], train.y, progress=progress)
    saved = ModelFile(model, standardiser, None)
    predicted = saved.predict(test.X)
    n_correct = int(np.sum(np.asarray(test.y) == np.asarray(predicted)))
    return Result(saved, save_model(model, standardiser), test.X, test.y, predicted,
                  accuracy(test.y, predicted), 0, time_module.perf_counter() - start,
                  interval=accuracy_interval(n_correct, len(test.y)),
                  official_test=official)


def predicts_like(result, model_file):
    """Whether a loaded model file predicts exactly what ``result``'s model did.

    Both are applied to ``result.inputs`` in the data's original units, each
    through its own standardisation, so a file without statistics (read as
    the identity) predicts differently from a model trained on standardised data.

    Parameters
    ----------
    result : Result
    model_file : ModelFile
        From :func:`lnn_core.engine.model_io.load_model_file`.

    Returns
    -------
    bool
        All predictions bit-identical.

    Raises
    ------
    DataError
        The file holds another kind of estimator than ``result``.
    """
    found, expected = type(model_file.estimator).__name__, type(result.model).__name__
    if found != expected:
        raise DataError(f"this file holds a {found}; the page is showing a {expected}")
    return bool(np.array_equal(model_file.predict(result.inputs),
                               result.saved.predict(result.inputs)))


def estimate_forecast_memory(n_rows, n_inputs, estimator_params):
    """Peak bytes of :func:`fit_forecast` (the larger of its two regressors).

    Parameters
    ----------
    n_rows, n_inputs : int >= 1
        Shape of the ``inputs``.
    estimator_params : mapping
        As for :func:`fit_forecast`; ``n_units`` (default 500) and ``cell``
        (default ``"esn"``) are used.

    Returns
    -------
    int
        From :func:`lnn_core.guard.estimate_memory` with ``task="forecast"``,
        one series, and ``n_inputs`` outputs (the closed-loop model's).
    """
    params = dict(estimator_params)
    return estimate_memory(1, n_rows, n_inputs, params.get("n_units", 500), task="forecast",
                           cell=params.get("cell", "esn"), n_outputs=n_inputs)


def estimate_classifier_memory(dataset, estimator_params):
    """Peak bytes of :func:`fit_classifier` on ``dataset``, every sequence as long as the longest.

    Parameters
    ----------
    dataset : lnn_core.data.parsers.SequenceDataset
    estimator_params : mapping
        As for :func:`fit_classifier`; ``n_units``, ``pooling``, ``n_points``,
        ``bidirectional`` and ``cell`` are used (with the classifier's defaults).

    Returns
    -------
    int
        From :func:`lnn_core.guard.estimate_memory` with ``task="classify"``.
    """
    params = dict(estimator_params)
    return estimate_memory(dataset.n_series, max(len(x) for x in dataset.X), dataset.n_channels,
                           params.get("n_units", 500), params.get("pooling", "mean+last"),
                           params.get("n_points", 4), params.get("bidirectional", False),
                           cell=params.get("cell", "esn"), n_outputs=len(dataset.classes))


def _check_series(inputs, targets):
    """``inputs`` as (n_rows, n_inputs) and ``targets`` as (n_rows, 1) float64 arrays."""
    inputs = np.asarray(inputs, dtype=np.float64)
    targets = np.asarray(targets, dtype=np.float64)
    if targets.ndim == 1:
        targets = targets[:, None]
    if inputs.ndim != 2 or inputs.shape[1] == 0:
        raise DataError(f"inputs must have shape (n_rows, n_inputs), got shape {inputs.shape}")
    if targets.shape != (len(inputs), 1):
        raise DataError(f"targets must have shape ({len(inputs)}, 1) or ({len(inputs)},) like "
                        f"the inputs' rows, got shape {targets.shape}")
    for name, values in (("inputs", inputs), ("targets", targets)):
        if not np.isfinite(values).all():
            raise DataError(f"{name} contain NaN or infinity")
    return inputs, targets
