"""How a sweep runs: one reservoir per group of points, locally or on a Dask cluster (joblib)."""

import numbers
import time
import warnings
from dataclasses import dataclass, field

import pandas as pd
from joblib import Parallel, delayed

from .._validation import check_int
from ..engine.reservoir import make_reservoir
from ..engine.states import single_threaded_blas
from .results import summarize
from .space import (
    DEFAULT_PARAMETERS,
    PARAMETERS,
    RESERVOIR_PARAMETERS,
    RESULT_COLUMNS,
    SweepCancelled,
    check_parameter,
)


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
        return task.evaluate(reservoir, ridges)


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
        # releases the GIL); a backend set by the caller (Dask, loky) takes precedence.
        # One group per dispatch: a group is a whole reservoir run (coarse), and
        # joblib's automatic batching would send quick groups to one worker as one task
        results = Parallel(n_jobs=n_jobs, prefer="threads", batch_size=1,
                           return_as="generator")(
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

