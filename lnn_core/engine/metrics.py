"""Scores and reservoir diagnostics, as pure functions."""

import math

import numpy as np
import scipy.linalg
import scipy.stats
import sklearn.metrics

from .._validation import check_choice, check_int, check_number
from .states import run_states

__all__ = ["accuracy", "accuracy_interval", "confusion_matrix", "nrmse", "echo_state_check", "EchoStateCheck",
           "memory_capacity", "MemoryCapacity", "valid_time", "state_swing",
           "echo_state_edge", "EchoStateEdge"]


def accuracy(y_true, y_pred):
    """Fraction of equal labels (:func:`sklearn.metrics.accuracy_score`).

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.size == 0:
        raise ValueError(f"y_true and y_pred must be non-empty and of one shape, "
                         f"got {y_true.shape} and {y_pred.shape}")
    return float(sklearn.metrics.accuracy_score(y_true, y_pred))


def accuracy_interval(n_correct, n_total, confidence=0.95):
    """Wilson score interval of an accuracy measured on ``n_total`` test samples.

    With ``p = n_correct / n_total`` and ``z`` the normal quantile of
    ``(1 + confidence) / 2`` (1.96 for 95 %), the interval is

    ``(p + z²/2n ± z·sqrt(p(1 - p)/n + z²/4n²)) / (1 + z²/n)``

    (Wilson 1927; Newcombe 1998, method 3).  Unlike ``p ± z·sqrt(p(1 - p)/n)``
    it stays inside [0, 1] and is not empty at 0 % or 100 %: 13 of 13 correct
    gives 77.2 %-100 %.

    Parameters
    ----------
    n_correct : int in [0, n_total]
        Correctly classified test samples.
    n_total : int >= 1
        Test samples.
    confidence : float in (0, 1), default 0.95

    Returns
    -------
    low, high : float
        Bounds of the interval, as fractions.

    Examples
    --------
    >>> low, high = accuracy_interval(81, 263)          # Newcombe (1998), Table I
    >>> round(low, 4), round(high, 4)
    (0.2553, 0.3662)
    """
    n_total = check_int("n_total", n_total, low=1)
    n_correct = check_int("n_correct", n_correct, low=0, high=n_total)
    confidence = check_number("confidence", confidence, low=0, high=1, low_open=True,
                              high_open=True)
    z = float(scipy.stats.norm.ppf(0.5 + confidence / 2))
    p, n = n_correct / n_total, n_total
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def confusion_matrix(y_true, y_pred, labels=None):
    """Counts ``C[i, j]`` of samples of class ``labels[i]`` predicted as ``labels[j]``.

    :func:`sklearn.metrics.confusion_matrix`, with the labels returned beside it.

    Returns
    -------
    matrix : ndarray of shape (n_labels, n_labels), int64
    labels : ndarray of shape (n_labels,)
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    labels = np.unique(np.concatenate([y_true, y_pred])) if labels is None else np.asarray(labels)
    matrix = sklearn.metrics.confusion_matrix(y_true, y_pred, labels=labels)
    return matrix.astype(np.int64), labels


def state_swing(states, washout=0):
    """How far the input moves the neurons: median over neurons of each one's std over time.

    Parameters
    ----------
    states : array-like of shape (n_steps, n_units)
        A trajectory, e.g. from :func:`lnn_core.run_states`.
    washout : int in [0, n_steps - 2], default 0
        Initial steps left out (the fading start).

    Returns
    -------
    float
        0 for neurons that do not move; e.g. on the Liquid page's sine with
        the defaults (300 units, input scaling 0.5, spectral radius 0.9):
        ESN 0.168, LTC 0.060, CfC 0.074.
    """
    states = np.asarray(states, dtype=np.float64)
    if states.ndim != 2 or len(states) < 2:
        raise ValueError(f"states must have shape (n_steps >= 2, n_units), got {states.shape}")
    washout = check_int("washout", washout, low=0, high=len(states) - 2)
    return float(np.median(states[washout:].std(axis=0)))


#: How :func:`nrmse` and :func:`valid_time` combine several output channels.
MULTIOUTPUT = ("uniform_average", "raw_values", "pooled")


def _channels(name, y_true, y_pred):
    """Both arrays as float64 of shape (n_steps, n_channels), checked to match."""
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    shapes = y_true.shape, y_pred.shape
    if y_true.ndim in (1, 2) and y_pred.ndim in (1, 2) and len(y_true) >= 2:
        y_true, y_pred = y_true.reshape(len(y_true), -1), y_pred.reshape(len(y_pred), -1)
        if y_true.shape == y_pred.shape:                # (n,) and (n, 1) are one channel
            return y_true, y_pred
    raise ValueError(f"{name} needs two arrays of one shape, (n_steps >= 2,) or "
                     f"(n_steps >= 2, n_channels), got {shapes[0]} and {shapes[1]}")


def _spread(name, y_true, pooled):
    """Standard deviation of the truth: per channel, or of all values at once."""
    spread = np.std(y_true) if pooled else np.std(y_true, axis=0)
    if np.any(spread == 0):
        raise ValueError(f"{name} is undefined for a constant target channel "
                         "(standard deviation 0)")
    return spread


def nrmse(y_true, y_pred, *, multioutput="uniform_average"):
    """Root-mean-square error divided by the standard deviation of the truth, per channel.

    ``NRMSE_c = sqrt(mean_t (y_pred[t, c] - y_true[t, c])^2) / std_t(y_true[:, c])``:
    0 is perfect; 1 is no better than predicting the channel's mean.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_steps,) or (n_steps, n_channels)
    multioutput : {"uniform_average", "raw_values", "pooled"}, default "uniform_average"
        The mean of the channels' NRMSEs, each channel's NRMSE, or one NRMSE of all
        values flattened together (one standard deviation for every channel: a channel
        with a large offset then hides the errors of the others; only when asked).

    Returns
    -------
    float, or ndarray of shape (n_channels,) for ``"raw_values"``
    """
    multioutput = check_choice("multioutput", multioutput, MULTIOUTPUT)
    y_true, y_pred = _channels("nrmse", y_true, y_pred)
    pooled = multioutput == "pooled"
    rmse = np.sqrt(np.mean((y_true - y_pred) ** 2, axis=None if pooled else 0))
    per_channel = rmse / _spread("nrmse", y_true, pooled)
    if multioutput == "raw_values":
        return per_channel
    return float(np.mean(per_channel))


def valid_time(y_true, y_pred, threshold=0.2, *, multioutput="uniform_average"):
    """Steps a free-running prediction stays within ``threshold`` of the truth, per channel.

    The error of channel ``c`` at step ``t`` is ``|y_pred[t, c] - y_true[t, c]| /
    std(y_true[:, c])``; a channel's valid time is the number of steps before its
    error first exceeds ``threshold``.

    Parameters
    ----------
    y_true, y_pred : ndarray of shape (n_steps,) or (n_steps, n_channels)
    threshold : float
        In units of each channel's standard deviation.
    multioutput : {"uniform_average", "raw_values", "pooled"}, default "uniform_average"
        The forecast's valid time (steps until any channel leaves its band: the
        smallest channel's), each channel's, or the old pooled figure (root-mean-square
        error over channels divided by one standard deviation of all values; only
        when asked).

    Returns
    -------
    int, or ndarray of shape (n_channels,) of int for ``"raw_values"``
    """
    multioutput = check_choice("multioutput", multioutput, MULTIOUTPUT)
    y_true, y_pred = _channels("valid_time", y_true, y_pred)
    if multioutput == "pooled":
        error = np.sqrt(np.mean((y_true - y_pred) ** 2, axis=1, keepdims=True))
        error = error / _spread("valid_time", y_true, pooled=True)
    else:
        error = np.abs(y_true - y_pred) / _spread("valid_time", y_true, pooled=False)
    bad = error > threshold                                    # (n_steps, n_channels)
    steps = np.where(bad.any(axis=0), bad.argmax(axis=0), len(error))
    if multioutput == "raw_values":
        return steps.astype(np.int64)
    return int(steps.min())


class EchoStateCheck:
    """Distance between two runs of one reservoir from different initial states.

    Attributes
    ----------
    distance : ndarray of shape (n_steps + 1,)
        ``||x_a[t] - x_b[t]||`` divided by the distance of the two starts.
    fades : bool
        Whether the final distance is below 1e-3 of the initial one.
    """

    def __init__(self, distance, fades):
        self.distance = distance
        self.fades = fades


def echo_state_check(reservoir, inputs, seed=0):
    """Drive one reservoir from two random initial states with the same input.

    With the echo-state property (fading memory) the two trajectories
    converge: the state forgets where it started and depends on the input only.

    Parameters
    ----------
    reservoir : Reservoir
    inputs : ndarray of shape (n_steps,) or (n_steps, n_inputs)
    seed : int
        Seed of the two initial states (uniform in [-1, 1]).

    Returns
    -------
    EchoStateCheck
        ``distance`` of shape (n_steps + 1,), starting with the initial one
        (normalised to 1).
    """
    rng = np.random.default_rng(seed)
    starts = rng.uniform(-1, 1, (2, reservoir.n_units)).astype(np.float32)
    a = run_states(reservoir, inputs, starts[0])
    b = run_states(reservoir, inputs, starts[1])
    initial = np.linalg.norm(starts[0] - starts[1])
    distance = np.concatenate([[1.0], np.linalg.norm(a - b, axis=1) / initial])
    return EchoStateCheck(distance, bool(distance[-1] < 1e-3))


class EchoStateEdge:
    """Where a reservoir stops forgetting its start, found by measurement.

    Attributes
    ----------
    radius : float
        The largest spectral radius found at which the echo-state check still
        fades (its two runs meet within the input), rounded down to 0.01; just
        above it they stay apart.
    found : bool
        Whether a radius that fades and one that does not were both seen in
        ``[low, high]`` (otherwise ``radius`` is the end of the range searched).
    checked : dict of float to float
        Every radius tried and the check's final distance there.
    """

    def __init__(self, radius, found, checked):
        self.radius = radius
        self.found = found
        self.checked = checked


def echo_state_edge(reservoir_at, inputs, *, low=0.1, high=3.0, tolerance=0.01, seed=0):
    """The spectral radius at which the echo-state check stops fading, for these settings.

    The "edge of chaos" of a reservoir is not a fixed radius: its input, input
    scaling, leak and neuron type move it.  This scans ``[low, high]`` in steps
    of 0.25, then bisects between the last radius that fades and the first that
    does not, down to ``tolerance``.

    Parameters
    ----------
    reservoir_at : callable
        ``reservoir_at(spectral_radius)`` -> :class:`~lnn_core.engine.reservoir.Reservoir`,
        the same draw at another radius (e.g. ``make_reservoir`` with a fixed seed).
    inputs : ndarray of shape (n_steps,) or (n_steps, n_inputs)
        The input both runs read (see :func:`echo_state_check`).
    low, high : float, 0 < low < high
    tolerance : float > 0
        Width of the final bracket.
    seed : int
        Seed of the check's two random starts.

    Returns
    -------
    EchoStateEdge
    """
    low = check_number("low", low, low=0.0, low_open=True)
    high = check_number("high", high, low=low, low_open=True)
    tolerance = check_number("tolerance", tolerance, low=0.0, low_open=True)
    checked = {}

    def fades(radius):
        check = echo_state_check(reservoir_at(radius), inputs, seed=seed)
        checked[radius] = float(check.distance[-1])
        return check.fades

    grid = np.append(np.arange(low, high, 0.25), high)
    if not fades(float(grid[0])):
        return EchoStateEdge(float(grid[0]), False, checked)
    last = float(grid[0])
    for radius in grid[1:]:
        if not fades(float(radius)):
            outside = float(radius)
            break
        last = float(radius)
    else:
        return EchoStateEdge(last, False, checked)
    while outside - last > tolerance:                 # fades at last, not at outside
        middle = (last + outside) / 2
        if fades(middle):
            last = middle
        else:
            outside = middle
    return EchoStateEdge(math.floor(last * 100) / 100, True, checked)   # a slider's 0.01 step


class MemoryCapacity:
    """Jaeger's short-term memory capacity.

    Attributes
    ----------
    delays : ndarray of shape (max_delay,)
        1, 2, ..., max_delay.
    curve : ndarray of shape (max_delay,)
        Squared correlation between ``u[t-k]`` and its reconstruction.
    total : float
        Sum of the curve; at most ``n_units`` for any reservoir.
    """

    def __init__(self, delays, curve):
        self.delays = delays
        self.curve = curve
        self.total = float(curve.sum())


#: Delays reconstructed at once by :func:`memory_capacity` (bounds its memory).
_DELAY_BLOCK = 256


def _least_squares(z, ridge):
    """``solve(T)``: coefficients of the readout of ``T`` from ``z``, float64.

    ``ridge == 0``: least squares through one QR factorisation of ``z``, reused
    for every block of targets; if ``z`` is rank-deficient (a pivot of ``R``
    below ``eps * n_units`` of the largest: collinear neurons), the
    minimum-norm solution of LAPACK's SVD-based ``gelsd`` instead.
    ``ridge > 0``: the penalised normal equations.
    """
    if ridge > 0:
        gram = z.T @ z + ridge * len(z) * np.eye(z.shape[1])
        factor = scipy.linalg.cho_factor(gram)
        return lambda targets: scipy.linalg.cho_solve(factor, z.T @ targets)
    q, r = scipy.linalg.qr(z, mode="economic")
    diagonal = np.abs(np.diag(r))
    if diagonal.min() <= diagonal.max() * np.finfo(np.float64).eps * z.shape[1]:
        return lambda targets: scipy.linalg.lstsq(z, targets, lapack_driver="gelsd")[0]
    return lambda targets: scipy.linalg.solve_triangular(r, q.T @ targets)


def _squared_correlation(a, b):
    """Squared Pearson correlation of each column of ``a`` with the same column of ``b``
    (0 where either is constant)."""
    a, b = a - a.mean(axis=0), b - b.mean(axis=0)
    denominator = np.sqrt((a * a).sum(axis=0) * (b * b).sum(axis=0))
    numerator = (a * b).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.where(denominator > 0, numerator / denominator, 0.0)
    return c * c


def memory_capacity(reservoir, max_delay=None, n_steps=None, washout=200, seed=0, ridge=0.0):
    """Memory capacity of a one-input reservoir on i.i.d. uniform input.

    For each delay ``k`` a linear readout reconstructs ``u[t-k]`` from the state
    ``x[t]``; ``MC_k`` is the squared correlation of reconstruction and target
    on held-out steps, ``MC = sum_k MC_k <= n_units`` (Jaeger 2001).  The readout
    is a float64 least-squares fit on standardised states (each neuron centred
    and divided by its spread on the training half), so the result does not
    depend on the scale of the states: a near-linear reservoir driven with
    input scaling 1e-4 has the capacity of the same reservoir at scaling 1.

    Parameters
    ----------
    reservoir : Reservoir
        With ``n_inputs == 1``.
    max_delay : int, optional
        Largest delay (default ``2 * n_units``: a reservoir cannot remember
        more than ``n_units`` values, but near ``spectral_radius`` 1 its
        memory spreads over more delays than that, and a shorter curve cuts it).
    n_steps : int, optional
        Length of the random input; after ``washout + max_delay`` steps, half
        trains the readouts and half is held out for scoring.  Default:
        ``washout + max_delay + 2 * max(2000, 5 * n_units)``, so that each
        half has at least five samples per neuron.
    washout : int
        Initial steps dropped.
    seed : int
        Seed of the input, uniform in [-0.5, 0.5].
    ridge : float >= 0, default 0
        Penalty on the standardised states (0: plain least squares, the
        minimum-norm solution where states are collinear).

    Returns
    -------
    MemoryCapacity
    """
    if reservoir.n_inputs != 1:
        raise ValueError(f"memory capacity needs a one-input reservoir, got {reservoir.n_inputs} inputs")
    max_delay = 2 * reservoir.n_units if max_delay is None else max_delay
    max_delay = check_int("max_delay", max_delay, low=1)
    washout = check_int("washout", washout, low=0)
    if n_steps is None:
        n_steps = washout + max_delay + 2 * max(2000, 5 * reservoir.n_units)
    n_steps = check_int("n_steps", n_steps, low=washout + 2 * max_delay + 20)
    ridge = check_number("ridge", ridge, low=0.0)
    u = np.random.default_rng(seed).uniform(-0.5, 0.5, n_steps)
    states = run_states(reservoir, u).astype(np.float64)          # (n_steps, n_units)
    start = washout + max_delay
    n_train = (n_steps - start) // 2
    x = states[start:]                                            # (n_steps - start, n_units)
    mean, spread = x[:n_train].mean(axis=0), x[:n_train].std(axis=0)
    z = (x - mean) / np.where(spread > 0, spread, 1.0)            # standardised states
    solve = _least_squares(z[:n_train], ridge)
    curve = np.empty(max_delay)
    for first in range(0, max_delay, _DELAY_BLOCK):               # bounded memory per block
        delays = np.arange(first + 1, min(first + _DELAY_BLOCK, max_delay) + 1)
        targets = np.stack([u[start - k:n_steps - k] for k in delays], axis=1)
        train = targets[:n_train]
        predicted = z[n_train:] @ solve(train - train.mean(axis=0))
        curve[delays - 1] = _squared_correlation(targets[n_train:], predicted)
    return MemoryCapacity(np.arange(1, max_delay + 1), curve)
