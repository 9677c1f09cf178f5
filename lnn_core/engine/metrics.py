"""Scores and reservoir diagnostics, as pure functions."""

import numpy as np

from .._validation import check_int
from .readout import RidgeAccumulator
from .states import run_states

__all__ = ["accuracy", "confusion_matrix", "nrmse", "echo_state_check", "EchoStateCheck",
           "memory_capacity", "MemoryCapacity", "valid_time", "state_swing"]


def accuracy(y_true, y_pred):
    """Fraction of equal labels.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.size == 0:
        raise ValueError(f"y_true and y_pred must be non-empty and of one shape, "
                         f"got {y_true.shape} and {y_pred.shape}")
    return float(np.mean(y_true == y_pred))


def confusion_matrix(y_true, y_pred, labels=None):
    """Counts ``C[i, j]`` of samples of class ``labels[i]`` predicted as ``labels[j]``.

    Returns
    -------
    matrix : ndarray of shape (n_labels, n_labels), int64
    labels : ndarray of shape (n_labels,)
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    labels = np.unique(np.concatenate([y_true, y_pred])) if labels is None else np.asarray(labels)
    index = {label: i for i, label in enumerate(labels.tolist())}
    matrix = np.zeros((len(labels), len(labels)), np.int64)
    for t, p in zip(y_true.tolist(), y_pred.tolist()):
        matrix[index[t], index[p]] += 1
    return matrix, labels


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
        the defaults (300 units, input scaling 0.5): ESN 0.17, LTC 0.004,
        CfC 0.07.
    """
    states = np.asarray(states, dtype=np.float64)
    if states.ndim != 2 or len(states) < 2:
        raise ValueError(f"states must have shape (n_steps >= 2, n_units), got {states.shape}")
    washout = check_int("washout", washout, low=0, high=len(states) - 2)
    return float(np.median(states[washout:].std(axis=0)))


def nrmse(y_true, y_pred):
    """Root-mean-square error divided by the standard deviation of ``y_true``.

    0 is perfect; 1 is no better than predicting the mean.  Multi-output
    targets are flattened.
    """
    y_true = np.asarray(y_true, dtype=np.float64).ravel()
    y_pred = np.asarray(y_pred, dtype=np.float64).ravel()
    if y_true.shape != y_pred.shape or y_true.size < 2:
        raise ValueError(f"nrmse needs two arrays of one shape with >= 2 values, got "
                         f"{y_true.shape} and {y_pred.shape}")
    spread = np.std(y_true)
    if spread == 0:
        raise ValueError("nrmse is undefined for a constant target (standard deviation 0)")
    return float(np.sqrt(np.mean((y_true - y_pred) ** 2)) / spread)


def valid_time(y_true, y_pred, threshold=0.2):
    """Steps a free-running prediction stays within ``threshold`` of the truth.

    The error at each step is ``|y_pred - y_true| / std(y_true)``; the valid
    time is the number of steps before it first exceeds ``threshold``.

    Parameters
    ----------
    y_true, y_pred : ndarray of shape (n_steps,) or (n_steps, n_outputs)
    threshold : float
        In units of the truth's standard deviation.
    """
    y_true = np.asarray(y_true, dtype=np.float64).reshape(len(y_true), -1)
    y_pred = np.asarray(y_pred, dtype=np.float64).reshape(len(y_pred), -1)
    error = np.sqrt(np.mean((y_true - y_pred) ** 2, axis=1)) / np.std(y_true)
    bad = np.nonzero(error > threshold)[0]
    return int(bad[0]) if bad.size else len(error)


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


def memory_capacity(reservoir, max_delay=None, n_steps=4000, washout=200, seed=0, ridge=1e-9):
    """Memory capacity of a one-input reservoir on i.i.d. uniform input.

    For each delay ``k`` a linear readout reconstructs ``u[t-k]`` from the state
    ``x[t]``; ``MC_k`` is the squared correlation of reconstruction and target
    on held-out steps, ``MC = sum_k MC_k <= n_units``.

    Parameters
    ----------
    reservoir : Reservoir
        With ``n_inputs == 1``.
    max_delay : int, optional
        Largest delay (default ``2 * n_units``, at most 200).
    n_steps : int
        Length of the random input; the second half is held out for scoring.
    washout : int
        Initial steps dropped.
    seed : int
        Seed of the input, uniform in [-0.5, 0.5].
    ridge : float
        Tiny penalty for numerical safety.

    Returns
    -------
    MemoryCapacity
    """
    if reservoir.n_inputs != 1:
        raise ValueError(f"memory capacity needs a one-input reservoir, got {reservoir.n_inputs} inputs")
    max_delay = min(2 * reservoir.n_units, 200) if max_delay is None else max_delay
    max_delay = check_int("max_delay", max_delay, low=1)
    n_steps = check_int("n_steps", n_steps, low=washout + 2 * max_delay + 20)
    u = np.random.default_rng(seed).uniform(-0.5, 0.5, n_steps)
    states = run_states(reservoir, u).astype(np.float64)          # (n_steps, n_units)
    start = washout + max_delay
    split = start + (n_steps - start) // 2
    targets = np.stack([u[start - k:n_steps - k] for k in range(1, max_delay + 1)], axis=1)
    x = states[start:]
    n_train = split - start
    acc = RidgeAccumulator(reservoir.n_units, max_delay)
    acc.add(x[:n_train], targets[:n_train])
    coef, intercept = acc.solve(ridge)
    predicted = x[n_train:] @ coef + intercept
    held = targets[n_train:]
    curve = np.empty(max_delay)
    for k in range(max_delay):
        c = np.corrcoef(held[:, k], predicted[:, k])[0, 1]
        curve[k] = 0.0 if not np.isfinite(c) else c * c
    return MemoryCapacity(np.arange(1, max_delay + 1), curve)

