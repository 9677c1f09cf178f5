"""Irregular sampling: the same signal read at regular and at irregular times.

The article's claim for liquid neurons is that they integrate over the time
that passes between samples, so irregularly sampled signals suit them.  Here
a small classification task tests it: each sequence is a noisy sine of one of
three periods, random phase, read at ``n_samples`` times that are either
regular (every 1 time unit) or irregular (gaps drawn uniform in
[0.2, 1.8], mean 1).  The LTC and CfC are given the gaps (``dt=``), the ESN
is a discrete-time map and cannot use them; as a control the ESN is also
given the gap as a second input channel.

:func:`timed_sequence_scores` runs the same models on labelled sequences with
their own sample times (an uploaded file's time column): the LTC and CfC are
given the file's gaps, and, as a control, a gap of 1 before every sample
(time ignored).

>>> data = irregular_sines(30, irregular=True, seed=0)
>>> data.X.shape, data.dt.shape, sorted(set(data.y.tolist()))
((30, 50, 1), (30, 50), [0, 1, 2])
"""

import time
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import train_test_split

from .._validation import check_int, check_number, check_seed
from ..engine.estimators import EchoStateClassifier, EchoStateRegressor
from ..engine.metrics import nrmse
from ..engine.states import elapsed_from_timestamps
from ..errors import DataError

__all__ = ["MIN_ROWS", "MIN_SEQUENCES", "MODELS", "PERIODS", "SAMPLINGS", "TIME_SAMPLINGS",
           "IrregularSines", "elapsed_times", "irregular_sampling_scores", "irregular_sines",
           "timed_sequence_scores", "timed_series_scores"]

#: Period (time units) of each class's sine.
PERIODS = (6.0, 8.0, 10.5)
#: Models compared: (label, cell, whether the gap is a second input channel).
MODELS = (("ESN", "esn", False), ("ESN + Δt input", "esn", True), ("LTC", "ltc", False),
          ("CfC", "cfc", False))
#: Sampling schemes compared.
SAMPLINGS = ("regular", "irregular")
#: Elapsed times given with sequences that carry their own times: the file's gaps, and as
#: a control 1 before every sample (the time ignored).
TIME_SAMPLINGS = ("file's times", "Δt = 1")
#: Fewest sequences :func:`timed_sequence_scores` accepts (a quarter of them are the test).
MIN_SEQUENCES = 8
#: Fewest rows :func:`timed_series_scores` accepts (a quarter of them are the test).
MIN_ROWS = 40
#: Steps of a forecast's state transient, left out of training and scoring.
_WASHOUT = 10
_GAP_RANGE = (0.2, 1.8)
_NOISE = 0.1


@dataclass(frozen=True)
class IrregularSines:
    """Sequences of one sampling scheme.

    Attributes
    ----------
    X : ndarray of shape (n_sequences, n_samples, 1), float32
        Sampled values.
    dt : ndarray of shape (n_sequences, n_samples), float32
        Time before each sample (the first: 1).
    times : ndarray of shape (n_sequences, n_samples)
        Sample times, starting at 0.
    y : ndarray of shape (n_sequences,), int
        Class: index into :data:`PERIODS`.
    """

    X: np.ndarray
    dt: np.ndarray
    times: np.ndarray
    y: np.ndarray


def irregular_sines(n_sequences, n_samples=50, *, irregular=True, seed=0):
    """Noisy sines of three periods, sampled at regular or irregular times.

    Parameters
    ----------
    n_sequences : int in [3, 100000]
    n_samples : int in [2, 10000], default 50
    irregular : bool, default True
        Gaps uniform in [0.2, 1.8] (mean 1), else every gap 1.
    seed : int >= 0
        Seed of the classes, phases, gaps and noise (the gaps have their own
        stream, so regular and irregular data share classes and phases).

    Returns
    -------
    IrregularSines
    """
    n_sequences = check_int("n_sequences", n_sequences, low=3, high=100000)
    n_samples = check_int("n_samples", n_samples, low=2, high=10000)
    seed = check_seed("seed", seed)
    class_rng, phase_rng, gap_rng, noise_rng = np.random.default_rng(seed).spawn(4)
    y = class_rng.integers(0, len(PERIODS), n_sequences)
    phase = phase_rng.uniform(0, 2 * np.pi, (n_sequences, 1))
    if irregular:
        dt = gap_rng.uniform(*_GAP_RANGE, (n_sequences, n_samples))
    else:
        dt = np.ones((n_sequences, n_samples))
    dt[:, 0] = 1.0
    times = np.cumsum(dt, axis=1) - 1.0                       # (n_sequences, n_samples)
    omega = 2 * np.pi / np.asarray(PERIODS)[y][:, None]
    values = np.sin(omega * times + phase) + _NOISE * noise_rng.standard_normal(times.shape)
    return IrregularSines(values[:, :, None].astype(np.float32), dt.astype(np.float32), times, y)


def irregular_sampling_scores(estimator_kwargs, cell_options=None, *, n_train=600, n_test=300,
                              n_samples=50, seed=0, progress=None):
    """Test accuracy of each model of :data:`MODELS` under each sampling scheme.

    Parameters
    ----------
    estimator_kwargs : dict
        Keyword arguments of :class:`EchoStateClassifier` shared by every
        model (``n_units``, ``spectral_radius``, ...); ``cell`` is set per model.
    cell_options : dict or None
        ``{cell: options}`` for ``"ltc"`` and ``"cfc"``.
    n_train, n_test : int
        Sequences in each part (same draw, split after generation).
    n_samples : int
        Samples per sequence.
    seed : int >= 0
        Seed of the data.
    progress : callable, optional
        ``progress(done, total)`` after every fit.

    Returns
    -------
    list of dict
        One per (sampling, model): ``sampling``, ``model``, ``cell``,
        ``accuracy`` (test), ``seconds``.
    """
    n_train = check_int("n_train", n_train, low=3)
    n_test = check_int("n_test", n_test, low=1)
    split = (np.arange(n_train), np.arange(n_train, n_train + n_test))
    rows, total = [], len(SAMPLINGS) * len(MODELS)
    for sampling in SAMPLINGS:
        data = irregular_sines(n_train + n_test, n_samples, irregular=sampling == "irregular",
                               seed=seed)
        for row in _model_rows(sampling, data.X, data.dt, data.y, split, estimator_kwargs,
                               cell_options or {}):
            rows.append(row)
            if progress is not None:
                progress(len(rows), total)
    return rows


def elapsed_times(times):
    """Time before each sample of each sequence, in units of the median gap.

    ``dt_i[k] = (t_i[k] - t_i[k-1]) / m`` with ``m`` the median of every
    sequence's gaps, so that a typical gap lasts 1 time unit whatever the
    file's unit (seconds, days, nanoseconds of a date); the first sample of
    a sequence gets its sequence's median gap (see
    :func:`lnn_core.engine.states.elapsed_from_timestamps`).

    Parameters
    ----------
    times : list of array-like of shape (length_i,)
        Each sequence's sample times, increasing strictly.

    Returns
    -------
    list of float64 ndarrays of shape (length_i,)

    Raises
    ------
    DataError
        A sequence whose times do not increase strictly (named by its
        position), or no sequence with two samples.

    Examples
    --------
    >>> [d.tolist() for d in elapsed_times([[0, 2, 4], [10, 12, 16]])]
    [[1.0, 1.0, 1.0], [1.5, 1.0, 2.0]]
    """
    elapsed = []
    for i, t in enumerate(times):
        try:
            elapsed.append(elapsed_from_timestamps(t))
        except DataError as err:
            raise DataError(f"sequence {i + 1}: {err}.") from None
    gaps = np.concatenate([d[1:] for d in elapsed])
    if gaps.size == 0:
        raise DataError("every sequence has a single sample, so no time passes between samples.")
    unit = np.median(gaps)
    return [d / unit for d in elapsed]


def timed_sequence_scores(sequences, times, y, estimator_kwargs, cell_options=None, *,
                          test_size=0.25, seed=0, progress=None):
    """Test accuracy of each model of :data:`MODELS`, given the sequences' own times or not.

    The sequences are split (stratified, seeded) into a training and a test
    part; every model of :data:`MODELS` is fitted and scored twice: given
    each sample's elapsed time from ``times`` (:func:`elapsed_times`, in
    units of the median gap), and given 1 before every sample, as if the
    samples were regular (:data:`TIME_SAMPLINGS`).  The ESN ignores the
    elapsed time, so its two scores are equal; the "ESN + Δt input" reads it
    as a second input channel.

    Parameters
    ----------
    sequences : list of array-like of shape (length_i,) or (length_i, n_channels)
        The sequences; lengths may differ.
    times : list of array-like of shape (length_i,)
        Each sequence's sample times, increasing strictly.
    y : array-like of shape (n_sequences,)
        Labels: at least 2 classes, each with at least 2 sequences.
    estimator_kwargs : dict
        Keyword arguments of :class:`EchoStateClassifier` shared by every
        model; ``cell`` is set per model.
    cell_options : dict or None
        ``{cell: options}`` for ``"ltc"`` and ``"cfc"``.
    test_size : float in (0, 1), default 0.25
        Fraction of the sequences held out.
    seed : int >= 0
        Seed of the split.
    progress : callable, optional
        ``progress(done, total)`` after every fit.

    Returns
    -------
    list of dict
        As :func:`irregular_sampling_scores`, with ``sampling`` one of
        :data:`TIME_SAMPLINGS`.

    Raises
    ------
    DataError
        Fewer than :data:`MIN_SEQUENCES` sequences, fewer than 2 classes, a
        class with a single sequence, times that do not match the sequences
        or do not increase.
    """
    test_size = check_number("test_size", test_size, low=0, high=1, low_open=True,
                             high_open=True)
    seed = check_seed("seed", seed)
    sequences = [np.asarray(x, dtype=np.float32) for x in sequences]
    sequences = [x[:, None] if x.ndim == 1 else x for x in sequences]   # (length_i, n_channels)
    y = np.asarray(y)
    if len(times) != len(sequences) or len(y) != len(sequences):
        raise DataError(f"{len(sequences)} sequences need as many times and labels, got "
                        f"{len(times)} and {len(y)}.")
    for i, (x, t) in enumerate(zip(sequences, times)):
        if len(x) != len(t):
            raise DataError(f"sequence {i + 1} has {len(x)} samples but {len(t)} times.")
    split = _stratified_split(y, test_size, seed)
    elapsed = elapsed_times(times)
    rows, total = [], len(TIME_SAMPLINGS) * len(MODELS)
    for sampling, dt in zip(TIME_SAMPLINGS, (elapsed, [np.ones_like(d) for d in elapsed])):
        for row in _model_rows(sampling, sequences, dt, y, split, estimator_kwargs,
                               cell_options or {}):
            rows.append(row)
            if progress is not None:
                progress(len(rows), total)
    return rows


def timed_series_scores(values, times, estimator_kwargs, cell_options=None, *,
                        train_fraction=0.75, progress=None):
    """One-step-ahead test NRMSE of each model of :data:`MODELS`, given the series' times or not.

    At step ``k`` a model reads ``values[k]``, held over the time until the
    next sample (``times[k + 1] - times[k]``, in units of the median gap),
    and predicts ``values[k + 1]``: the LTC and CfC integrate over that gap,
    the "ESN + Δt input" reads it as a second input, the ESN ignores it.  As
    a control every gap is 1 (:data:`TIME_SAMPLINGS`).  The first
    ``train_fraction`` of the steps train the readout (after a 10-step
    washout); the rest are the test, read on from the training part's state.

    Parameters
    ----------
    values : array-like of shape (n_rows,)
        The series.
    times : array-like of shape (n_rows,)
        Its sample times, increasing strictly.
    estimator_kwargs : dict
        Keyword arguments of :class:`EchoStateRegressor` shared by every
        model; ``cell`` is set per model.
    cell_options : dict or None
        ``{cell: options}`` for ``"ltc"`` and ``"cfc"``.
    train_fraction : float in (0, 1), default 0.75
    progress : callable, optional
        ``progress(done, total)`` after every fit.

    Returns
    -------
    list of dict
        As :func:`irregular_sampling_scores`, with ``nrmse`` (test, lower is
        better) in place of ``accuracy``.

    Raises
    ------
    DataError
        Fewer than :data:`MIN_ROWS` rows, values that are not finite, times
        that do not match the values or do not increase.
    """
    train_fraction = check_number("train_fraction", train_fraction, low=0, high=1,
                                  low_open=True, high_open=True)
    values = np.asarray(values, dtype=np.float64).ravel()
    if len(values) < MIN_ROWS:
        raise DataError(f"{len(values)} rows are too few: the forecast needs at least "
                        f"{MIN_ROWS}, a quarter of them to test on.")
    if len(times) != len(values):
        raise DataError(f"{len(values)} values need as many times, got {len(times)}.")
    if not np.isfinite(values).all():
        raise DataError("the series holds a missing or infinite value; drop or fill it first.")
    gaps = elapsed_times([times])[0][1:]                      # (n_rows - 1,): time to the next
    inputs, targets = values[:-1, None], values[1:]
    split = round(train_fraction * len(targets))
    rows, total = [], len(TIME_SAMPLINGS) * len(MODELS)
    for sampling, dt in zip(TIME_SAMPLINGS, (gaps, np.ones_like(gaps))):
        for label, cell, gap_input in MODELS:
            start = time.perf_counter()
            u = np.column_stack([inputs, dt]) if gap_input else inputs   # (n_rows - 1, 1 or 2)
            model = EchoStateRegressor(**{**estimator_kwargs, "cell": cell, "washout": _WASHOUT,
                                          "cell_options": (cell_options or {}).get(cell)})
            model.fit(u[:split], targets[:split], dt=dt[:split])
            error = nrmse(targets[split:], model.predict(u, dt=dt)[split:])
            rows.append({"sampling": sampling, "model": label, "cell": cell,
                         "nrmse": float(error), "seconds": time.perf_counter() - start})
            if progress is not None:
                progress(len(rows), total)
    return rows


def _stratified_split(y, test_size, seed):
    """Training and test indices, every class in both; a sentence when that cannot be."""
    classes, counts = np.unique(y, return_counts=True)
    if len(y) < MIN_SEQUENCES:
        raise DataError(f"{len(y)} sequences are too few: the experiment needs at least "
                        f"{MIN_SEQUENCES}, some to train on and some to test on.")
    if len(classes) < 2:
        raise DataError(f"every sequence has the label {str(classes[0])!r}; the experiment "
                        "needs at least 2 classes.")
    if counts.min() < 2:
        raise DataError(f"class {str(classes[np.argmin(counts)])!r} has only 1 sequence; each "
                        "class needs at least 2, one to train on and one to test on.")
    try:
        return train_test_split(np.arange(len(y)), test_size=test_size, random_state=seed,
                                stratify=y)
    except ValueError:
        raise DataError(f"{len(y)} sequences of {len(classes)} classes leave too few for a test "
                        f"part of {test_size:.0%} that holds every class.") from None


def _model_rows(sampling, X, dt, y, split, estimator_kwargs, cell_options):
    """Fit and score every model of :data:`MODELS` on one split; yield a row per model."""
    train, test = split

    def take(items, index):
        return items[index] if isinstance(items, np.ndarray) else [items[i] for i in index]

    for label, cell, gap_input in MODELS:
        start = time.perf_counter()
        if not gap_input:
            inputs = X
        elif isinstance(X, np.ndarray):                       # (n_sequences, n_samples, 2)
            inputs = np.concatenate([X, dt[:, :, None]], axis=2)
        else:                                                 # each (length_i, n_channels + 1)
            inputs = [np.column_stack([x, d]).astype(np.float32) for x, d in zip(X, dt)]
        model = EchoStateClassifier(**{**estimator_kwargs, "cell": cell,
                                       "cell_options": cell_options.get(cell)})
        model.fit(take(inputs, train), y[train], dt=take(dt, train))
        accuracy = float(np.mean(model.predict(take(inputs, test), dt=take(dt, test))
                                 == y[test]))
        yield {"sampling": sampling, "model": label, "cell": cell, "accuracy": accuracy,
               "seconds": time.perf_counter() - start}
