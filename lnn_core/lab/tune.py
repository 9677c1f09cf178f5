"""Tune a reservoir for the data at hand: a small search scored on the training data only.

The parameters that matter most for a task are searched on a fixed grid
with :mod:`lnn_core.sweep` (points that differ only in ``ridge`` share one
reservoir run):

* classification (:func:`tune_classifier`): leak rate × input scaling ×
  spectral radius × ridge, for each representation of :data:`REPRESENTATIONS`
  (the reservoir model space, mean state, mean and last state), scored by
  stratified :data:`N_SPLITS`-fold cross-validation, repeated :data:`N_REPEATS`
  times, on the training sequences;
* forecasting (:func:`tune_forecast`): leak rate × input scaling × spectral
  radius × ridge, fitted on the first 75 % of the training part and scored
  by NRMSE on the rest of it (chronological: the validation part is later).

The test part is never seen.  The point the caller is using now (its
"current" parameters) is scored the same way first, so the result says
whether the search found something better; the best point keeps the current
one when nothing beats it.  Small validation parts give many equal scores:
among them the largest ridge wins, then the earlier representation.  Every
reservoir has the caller's ``n_units``, ``density``, ``bias_scaling`` and seed.

>>> from lnn_core.data.parsers import parse_ts          # doctest: +SKIP
>>> result = tune_classifier(parse_ts(path), {"n_units": 100})   # doctest: +SKIP
>>> result.best["pooling"], result.best_score > result.current_score   # doctest: +SKIP
"""

import time
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .._validation import check_int
from ..data.standardiser import Standardiser
from ..sweep import (
    PARAMETERS,
    CrossValidatedTask,
    ForecastTask,
    Sweep,
    best_point,
    grid_points,
    summarize,
)
from .timeseries import MAX_WASHOUT, TRAIN_FRACTION, chronological_split

__all__ = ["CLASSIFIER_GRID", "FORECAST_GRID", "N_REPEATS", "N_SPLITS", "REPRESENTATIONS", "TuneResult",
           "classifier_task", "forecast_task", "points_table", "tune_classifier",
           "tune_forecast"]

#: Representations a classifier is tuned over (pooling of :class:`EchoStateClassifier`); on
#: equal validation scores the earlier one wins.
REPRESENTATIONS = ("model_space", "mean", "mean+last")
#: Values searched for a classifier, for each representation (18 reservoirs, 54 points).
CLASSIFIER_GRID = {"leak_rate": (0.1, 0.3, 1.0), "input_scaling": (0.2, 0.5, 1.0),
                   "spectral_radius": (0.5, 0.9), "ridge": (1e-4, 1e-2, 1.0)}
#: Values searched for a forecaster (27 reservoirs, 108 points).
FORECAST_GRID = {"leak_rate": (0.1, 0.3, 1.0), "input_scaling": (0.1, 0.5, 1.0),
                 "spectral_radius": (0.5, 0.9, 1.2), "ridge": (1e-8, 1e-6, 1e-4, 1e-2)}
#: Folds of the cross-validation of a classifier, and how many times it is repeated.
N_SPLITS, N_REPEATS = 3, 3
# Parameters every point keeps from the caller.
_KEPT = ("n_units", "density", "bias_scaling")


@dataclass(frozen=True, eq=False)
class TuneResult:
    """What a tuning search found.

    Attributes
    ----------
    metric : {"accuracy", "nrmse"}
        Validation score: mean cross-validated accuracy (higher is better) or
        NRMSE (lower is better).
    runs : dict of str to pandas.DataFrame
        The sweep's rows (:data:`lnn_core.sweep.RESULT_COLUMNS`) per
        representation (``"series"`` for a forecaster).
    current : dict
        The caller's parameters (and ``pooling`` for a classifier).
    current_score : float
        Their validation score.
    best : dict
        The best point's parameters: ``n_units``, ``spectral_radius``,
        ``density``, ``input_scaling``, ``bias_scaling``, ``leak_rate``,
        ``ridge`` and, for a classifier, ``pooling``; ``current`` itself
        when no point scored better.
    best_score : float
    evaluations : int
        Points scored, the current one included.
    seconds : float
    cancelled : bool
        Stopped before every point was scored.
    """

    metric: str
    runs: dict
    current: dict
    current_score: float
    best: dict
    best_score: float
    evaluations: int
    seconds: float
    cancelled: bool

    @property
    def improved(self):
        """Whether a searched point scored strictly better than the current parameters."""
        if self.metric == "accuracy":
            return self.best_score > self.current_score
        return self.best_score < self.current_score

    def summary(self, representation):
        """Mean score per point of one representation (:func:`lnn_core.sweep.summarize`)."""
        return summarize(self.runs[representation])


def tune_classifier(dataset, params, *, n_splits=N_SPLITS, split_seed=0, n_jobs=1,
                    progress=None, should_stop=None):
    """Search leak, input scaling, spectral radius, ridge and representation by cross-validation.

    Parameters
    ----------
    dataset : lnn_core.data.parsers.SequenceDataset
        The training sequences only; every channel is standardised by its
        mean and spread over all their steps.
    params : mapping
        The current keyword arguments of :class:`EchoStateClassifier`;
        ``n_units`` (default 300), ``density``, ``bias_scaling``,
        ``random_state`` (the seed of every reservoir) and ``pooling`` are
        used; ``cell`` must be ``"esn"`` (the sweep builds echo-state reservoirs).
    n_splits : int >= 2, default 3
        Stratified folds; every class needs that many sequences.  The
        cross-validation is repeated :data:`N_REPEATS` times.
    split_seed : int >= 0, default 0
        Seed of the shuffle before the folds are cut.
    n_jobs : int, default 1
        Reservoirs scored side by side (threads).
    progress : callable, optional
        ``progress(done, total)`` in points.
    should_stop : callable, optional
        ``should_stop() -> bool``; the search stops and keeps what it scored.

    Returns
    -------
    TuneResult

    Raises
    ------
    ValueError
        Another neuron type than ``"esn"``.
    DataError
        A class with fewer than ``n_splits`` sequences.
    """
    current = _current(params, pooling=dict(params).get("pooling", "mean+last"))
    task = classifier_task(dataset, current["pooling"], n_splits, split_seed)
    tasks = {pooling: replace(task, name=pooling, pooling=pooling) for pooling in REPRESENTATIONS}
    return _search(task, tasks, CLASSIFIER_GRID, current, n_jobs, progress, should_stop)


def tune_forecast(inputs, targets, params, horizon=1, train_fraction=TRAIN_FRACTION, *,
                  n_jobs=1, progress=None, should_stop=None):
    """Search leak, input scaling, spectral radius and ridge on the training part of a series.

    The pairs ``u[t] -> y[t + horizon]`` are split as by
    :func:`lnn_core.lab.timeseries.fit_forecast`; of its training part, the
    first 75 % fit each point (after a washout of a tenth, at most 100 steps)
    and the last 25 % score it.

    Parameters
    ----------
    inputs : ndarray of shape (n_rows, n_inputs)
    targets : ndarray of shape (n_rows,) or (n_rows, 1)
    params : mapping
        The current keyword arguments of :class:`EchoStateRegressor`, used
        as in :func:`tune_classifier`.
    horizon : int >= 0, default 1
    train_fraction : float in (0, 1), default 0.75
        As in :func:`fit_forecast`.
    n_jobs, progress, should_stop
        As in :func:`tune_classifier`.

    Returns
    -------
    TuneResult
    """
    task = forecast_task(inputs, targets, horizon, train_fraction)
    return _search(task, {"series": replace(task, name="series")}, FORECAST_GRID,
                   _current(params), n_jobs, progress, should_stop)


def classifier_task(dataset, pooling="mean+last", n_splits=N_SPLITS, split_seed=0,
                    n_repeats=N_REPEATS):
    """Cross-validation of a classifier on training sequences, each channel standardised.

    Parameters
    ----------
    dataset : lnn_core.data.parsers.SequenceDataset
        The training sequences only.
    pooling, n_splits, split_seed, n_repeats
        As in :class:`lnn_core.sweep.CrossValidatedTask`.

    Returns
    -------
    lnn_core.sweep.CrossValidatedTask
        Named ``"upload"``, described by the dataset's description.
    """
    standardiser = Standardiser.fit(np.concatenate(dataset.X))
    return CrossValidatedTask("upload", [standardiser.transform(x) for x in dataset.X],
                              dataset.y, pooling, n_splits, split_seed, n_repeats=n_repeats,
                              description=f"{dataset.description} ({n_splits}-fold CV "
                                          f"× {n_repeats})")


def forecast_task(inputs, targets, horizon=1, train_fraction=TRAIN_FRACTION):
    """A forecaster's validation on the training part of a series (chronological).

    The training pairs of :func:`lnn_core.lab.timeseries.fit_forecast`: the
    first 75 % fit (after a washout of a tenth, at most 100 steps), the rest
    validate; both standardised by the fitting part's statistics.

    Returns
    -------
    lnn_core.sweep.ForecastTask
        Named ``"upload"``.
    """
    inputs = np.asarray(inputs, dtype=np.float64).reshape(len(inputs), -1)
    targets = np.asarray(targets, dtype=np.float64).reshape(len(targets), 1)
    _, split = chronological_split(len(inputs), horizon, train_fraction)
    inputs, targets = inputs[:split], targets[horizon:horizon + split]   # the training pairs
    n_fit = int(0.75 * split)
    return ForecastTask("upload", Standardiser.fit(inputs[:n_fit]).transform(inputs),
                        Standardiser.fit(targets[:n_fit]).transform(targets), n_fit,
                        min(MAX_WASHOUT, n_fit // 10),
                        description=f"{split:,} training pairs {horizon} step(s) ahead: "
                                    f"{n_fit:,} fit, {split - n_fit:,} validate")


def _current(params, **extra):
    """The caller's sweep parameters (defaults of the Time series page where missing)."""
    params = dict(params)
    if params.get("cell", "esn") != "esn":
        raise ValueError(f"Tune searches echo-state reservoirs; the current neuron type is "
                         f"{params['cell']!r}: choose the echo-state cell (cell='esn') first")
    defaults = {"n_units": 300, "spectral_radius": 0.9, "density": 0.1, "input_scaling": 0.5,
                "bias_scaling": 0.2, "leak_rate": 1.0, "ridge": 1e-4}
    current = {name: params.get(name, defaults[name]) for name in PARAMETERS}
    current["seed"] = check_int("random_state", params.get("random_state", 0), low=0)
    return current | extra


def _search(current_task, tasks, grid, current, n_jobs, progress, should_stop):
    """Score the current point, then the grid on every task; keep the best."""
    start = time.perf_counter()
    points = grid_points(grid)
    kept = {name: current[name] for name in _KEPT}
    plans = [Sweep(task, points, fixed=kept, seeds=(current["seed"],)) for task in tasks.values()]
    total = 1 + sum(plan.n_planned for plan in plans)

    def report(offset):
        return None if progress is None else lambda n, _: progress(offset + n, total)

    baseline = Sweep(current_task, [{name: current[name] for name in PARAMETERS}],
                     seeds=(current["seed"],)).run(n_jobs)
    current_score = float(baseline.runs["score"].iloc[0])
    done, runs, cancelled = 1, {}, False
    if progress is not None:
        progress(done, total)
    best, best_score = dict(current), current_score
    better = np.greater if current_task.metric == "accuracy" else np.less
    for name, plan in zip(tasks, plans):
        if cancelled or (should_stop is not None and should_stop()):
            cancelled = True
            break
        result = plan.run(n_jobs, report(done), should_stop)
        done += len(result.runs)
        cancelled = result.cancelled
        if result.runs.empty:
            continue
        runs[name] = result.runs
        top = _most_regularised_best(summarize(result.runs))
        if better(top["score_mean"], best_score):
            best_score = float(top["score_mean"])
            best = {**{p: top[p].item() for p in PARAMETERS}, "seed": current["seed"]}
            best["n_units"] = int(best["n_units"])
            if "pooling" in current:
                best["pooling"] = name
    return TuneResult(current_task.metric, runs, current, current_score, best, best_score, done,
                      time.perf_counter() - start, cancelled)


def _most_regularised_best(summary):
    """The best point; among points tied with it, the one with the largest ridge.

    Small validation parts give many exact ties; the strongest penalty among
    them generalises best (fewer effective parameters for the same score).
    """
    best = best_point(summary)
    tied = summary[summary["score_mean"] == best["score_mean"]]
    return tied.sort_values(["ridge", "point"], ascending=[False, True], kind="stable").iloc[0]


def points_table(result):
    """Every scored point of ``result`` with its representation, best first (for a table)."""
    frames = [result.summary(name).assign(representation=name) for name in result.runs]
    table = pd.concat(frames, ignore_index=True)
    return table.sort_values("score_mean", ascending=result.metric == "nrmse", kind="stable",
                             ignore_index=True)
