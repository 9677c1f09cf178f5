"""Hyperparameter sweeps: a grid or a random search over reservoir parameters.

Modules by role: :mod:`.space` (parameters, grids, random points), :mod:`.tasks`
(what is scored), :mod:`.run` (execution, local or Dask), :mod:`.results`
(summaries, best point, results CSV), :mod:`.config` and :mod:`.cli` (the command line).

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
  :func:`~lnn_core.engine.reservoir.make_reservoir` (per process), so a sweep over
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

from .cli import main
from .config import SweepConfig, load_config
from .results import (
    SweepLayout,
    best_parameters,
    best_point,
    read_results,
    summarize,
    sweep_layout,
)
from .run import Sweep, SweepResult, evaluate_reservoir, results_frame, run_sweep
from .space import (
    DEFAULT_PARAMETERS,
    METRICS,
    PARAMETERS,
    RESERVOIR_PARAMETERS,
    RESULT_COLUMNS,
    SCALES,
    SweepCancelled,
    check_parameter,
    grid_points,
    random_points,
    spaced,
)
from .tasks import (
    TASKS,
    ClassificationTask,
    CrossValidatedTask,
    ForecastTask,
    check_folds,
    digits_task,
    mackey_glass_task,
    make_task,
    mnist_task,
    narma10_task,
)

__all__ = [
    "DEFAULT_PARAMETERS",
    "METRICS",
    "PARAMETERS",
    "RESERVOIR_PARAMETERS",
    "RESULT_COLUMNS",
    "SCALES",
    "TASKS",
    "ClassificationTask",
    "CrossValidatedTask",
    "ForecastTask",
    "Sweep",
    "SweepCancelled",
    "SweepConfig",
    "SweepLayout",
    "SweepResult",
    "best_parameters",
    "best_point",
    "check_folds",
    "check_parameter",
    "digits_task",
    "evaluate_reservoir",
    "grid_points",
    "load_config",
    "mackey_glass_task",
    "main",
    "make_task",
    "mnist_task",
    "narma10_task",
    "random_points",
    "read_results",
    "results_frame",
    "run_sweep",
    "spaced",
    "summarize",
    "sweep_layout",
]
