"""Resource guard: estimate the memory a run needs, and refuse it before it starts.

A reservoir run's memory is dominated by a few arrays whose sizes follow from
the settings alone, so it can be estimated before anything is allocated.
Alive throughout a run:

* the **reservoir**: ``W`` and its contiguous transposed copy (float32) and
  the eigen-decomposition workspace (float64);
* the **draw**: the unscaled float64 recurrent matrix, which the reservoir
  cache keeps after the run (:func:`lnn_core.engine.reservoir.draw_bytes`;
  over all runs the cache keeps at most
  :data:`~lnn_core.engine.reservoir.DRAW_CACHE_BYTES`, 256 MiB, dropping the
  least recently used draws);
* the **inputs**, as the float32 array the engine runs on; with shifted
  training copies (``copies > 1``, :func:`lnn_core.data.augment.shift_augment`)
  the fit reads ``copies`` times as many sequences, made as a new array
  beside the originals.

On top of them, the larger of two phases:

* **fit**: collecting features block by block (each of ``n_jobs`` threads
  steps a chunk of at most 256 sequences, whose input drive
  ``(n_steps, chunk, width)`` dominates), then solving the readout: the
  streamed normal equations (Gram matrix, its centred copy, the regularised
  matrix and the solver's copy: ``4 n_features^2`` float64), or, with more
  features than samples, the dual solve (the kept float32 feature matrix, two
  float64 copies of it and the ``n_samples^2`` kernel twice);
* **predict**: the ``n_samples x n_features`` float32 features of every
  sample (``n_features`` from :func:`lnn_core.engine.states.n_features`, doubled
  when ``bidirectional``), then their stacked copy.

For forecasting (``task="forecast"``) every reservoir state is a feature row:
the states of all ``n_steps`` steps are kept, and the readout has
``n_units`` features.

The estimate counts what the engine allocates, rounded up; measured peaks of
real runs (``tracemalloc``) are within a factor of 2 (``tests/test_guard.py``).

>>> from lnn_core.guard import check_budget, estimate_memory
>>> need = estimate_memory(60_000, 28, 28, 1000, pooling="points", n_points=28)
>>> check_budget(need)                                 # doctest: +ELLIPSIS
Traceback (most recent call last):
...
lnn_core.guard.ResourceError: This run needs about 23.6 GiB of memory, more than ...

A long-running server has a second memory problem: what a finished run frees
must go back to the system.  :func:`tune_allocator` sets glibc's malloc so it
does (see its docstring for the measured effect).
"""

import ctypes
import math
import os

from ._validation import check_choice, check_int, check_number
from .engine.reservoir import CELLS, draw_bytes
from .engine.states import FEATURE_BLOCK as _BLOCK  # samples per streamed feature block
from .engine.states import POOLINGS, default_chunk_size, default_n_jobs, n_features

__all__ = [
    "BUDGET_ENV",
    "DEFAULT_BUDGET",
    "ResourceError",
    "budget_from_env",
    "check_budget",
    "estimate_memory",
    "format_bytes",
    "memory_breakdown",
    "tune_allocator",
]

#: Memory one run may use unless ``LNN_LAB_MEMORY_BUDGET_MB`` says otherwise: 2 GiB.
DEFAULT_BUDGET = 2 * 1024**3
#: Environment variable holding the budget in MiB.
BUDGET_ENV = "LNN_LAB_MEMORY_BUDGET_MB"
#: Tasks the estimate knows: pooled sequence classification, step-wise forecasting.
TASKS = ("classify", "forecast")

_F32, _F64 = 4, 8
# RidgeAccumulator.add copies each block to float64 and centres it in place, while the
# caller holds the block: two copies of a block at the peak.
_ADD_COPIES = 2


class ResourceError(ValueError):
    """A run would need more memory than the budget allows.

    Subclasses ``ValueError`` so that code catching bad settings catches it too.
    """


def memory_breakdown(n_samples, n_steps, n_inputs, n_units, pooling="mean+last", n_points=4,
                     bidirectional=False, task="classify", *, cell="esn", n_outputs=10,
                     n_jobs=None, copies=1):
    """Bytes each part of a run needs, by part.

    Parameters
    ----------
    n_samples : int >= 1
        Sequences (``classify``) or series (``forecast``).
    n_steps : int >= 1
        Time steps per sequence (the longest, for ragged input).
    n_inputs : int >= 1
        Input channels per step.
    n_units : int >= 1
        Reservoir neurons.
    pooling : {"last", "mean", "mean+last", "points", "model_space"}, default "mean+last"
        Feature layout of a classifier (ignored for ``forecast``).
    n_points : int >= 1, default 4
        Steps sampled by ``"points"`` pooling.
    bidirectional : bool, default False
        Sequences also read backwards (twice the features).
    task : {"classify", "forecast"}, default "classify"
    cell : {"esn", "ltc", "cfc"}, default "esn"
        The CfC cell steps three heads, so its matrices and drive are 3 times wider.
    n_outputs : int >= 1, default 10
        Classes (``classify``) or target channels (``forecast``).
    n_jobs : int >= 1 or None
        Threads collecting states; ``None``: every usable core, as the engine does.
    copies : int >= 1, default 1
        Sequences fitted per training sample (``classify``): 5 with one-pixel
        shifted copies (:func:`lnn_core.data.augment.n_copies`).  The fit then
        streams ``copies * n_samples`` sequences, held beside the originals;
        predicting reads the originals only.

    Returns
    -------
    dict of str to int
        ``"reservoir"``, ``"draw"`` (what a new draw adds to the reservoir
        cache) and ``"inputs"`` (alive throughout), and the peak of
        each phase on top of them: ``"fit"`` (collecting states block by
        block, then solving the readout) and ``"predict"`` (the features of
        every sample, then their stacked copy).

    Raises
    ------
    ValueError
        A setting of the wrong type or out of range (the message names it).
    """
    n_samples = check_int("n_samples", n_samples, low=1)
    n_steps = check_int("n_steps", n_steps, low=1)
    n_inputs = check_int("n_inputs", n_inputs, low=1)
    n_units = check_int("n_units", n_units, low=1)
    task = check_choice("task", task, TASKS)
    cell = check_choice("cell", cell, CELLS)
    n_outputs = check_int("n_outputs", n_outputs, low=1)
    n_jobs = default_n_jobs() if n_jobs is None else check_int("n_jobs", n_jobs, low=1)
    copies = check_int("copies", copies, low=1)
    if task == "classify":
        pooling = check_choice("pooling", pooling, POOLINGS[:-1])
        if pooling == "points":
            n_points = check_int("n_points", n_points, low=1, high=n_steps)
    heads = 3 if cell == "cfc" else 1
    width = heads * n_units                             # columns of the kernel and the drive
    held = n_samples * (1 + copies if copies > 1 else 1)          # originals and their copies
    parts = {"reservoir": _reservoir_bytes(n_units, n_inputs, heads),
             "draw": draw_bytes(n_units),
             "inputs": _F32 * held * n_steps * n_inputs}
    if task == "forecast":
        parts.update(_forecast_bytes(n_samples, n_steps, n_inputs, n_units, width, n_outputs))
        return parts
    fitted = n_samples * copies                                    # sequences the fit reads
    per_sample = n_features(n_units, pooling, n_points)            # one direction
    total = per_sample * (2 if bidirectional else 1)               # readout features
    chunk = min(default_chunk_size(n_steps, width), fitted)
    running = min(n_jobs, math.ceil(fitted / chunk))
    chunk_work = _F32 * chunk * (n_steps * (n_inputs + width) + n_units + width + 2 * per_sample)
    if pooling in ("mean", "mean+last"):
        chunk_work += _F64 * chunk * n_units                       # running sum of the states
    if pooling == "points":
        chunk_work += _F32 * chunk * n_points * n_units
    if pooling == "model_space":                                   # fit keeps every state
        chunk_work += _F32 * fitted * n_steps * n_units
    block = min(fitted, _BLOCK)
    # collecting one block of features: chunks stepping, chunk results waiting, the block
    collect = running * chunk_work + 2 * running * _F32 * chunk * per_sample \
        + _F32 * block * total * (2 if bidirectional else 1)
    if total > fitted:                              # estimators._fit_ridge solves the dual
        kept = _F32 * fitted * total
        fit = max(collect + kept,                   # then one float64 copy, centred in place
                  kept + _F64 * fitted * total + 2 * _F64 * fitted**2)
    else:                                           # streamed normal equations
        # states.stream_features keeps chunks of the next blocks stepping while threads
        # reduce: up to one more block gathering, a float64 copy of a block in each reducing
        # thread, and the products of each block not yet merged beside the running sums
        n_blocks = math.ceil(fitted / block)
        live = min(running + 1, n_blocks)
        streaming = collect + (live - 1) * _F32 * block * total \
            + min(running, n_blocks) * _F64 * (_ADD_COPIES - 1) * block * total \
            + _F64 * min(live + 1, n_blocks) * total**2
        fit = max(streaming, _F64 * (4 * total**2 + 2 * total * n_outputs))
    parts["fit"] = fit
    # predicting: every block's features, then their stacked copy
    parts["predict"] = collect + 2 * _F32 * n_samples * total + _F64 * n_samples * n_outputs
    return parts


def _reservoir_bytes(n_units, n_inputs, heads):
    """W (float32) and its transposed copy, the eigen workspace, CfC heads (not the draw)."""
    square = n_units * n_units
    recurrent = _F32 * square * (1 + heads) + _F64 * square
    if heads > 1:                                   # W_f, W_h (float32) and their float64 draw
        recurrent += (_F32 + _F64) * (heads - 1) * square
    return recurrent + 2 * _F32 * heads * n_units * (n_inputs + 1)


def _forecast_bytes(n_samples, n_steps, n_inputs, n_units, width, n_outputs):
    """Fit and predict of a regressor: every state is kept, then read out."""
    states = _F32 * n_samples * n_steps * n_units
    chunk = min(default_chunk_size(n_steps, width), n_samples)
    drive = _F32 * chunk * n_steps * (n_inputs + width)
    fit = states + max(drive,
                       _F64 * (_ADD_COPIES * min(n_steps, _BLOCK) * n_units  # one block
                               + 2 * n_units**2),
                       _F64 * (4 * n_units**2 + 2 * n_units * n_outputs))
    return {"fit": fit, "predict": states + drive + _F64 * n_samples * n_steps * n_outputs}


def estimate_memory(n_samples, n_steps, n_inputs, n_units, pooling="mean+last", n_points=4,
                    bidirectional=False, task="classify", **options):
    """Peak memory of fitting (and predicting with) a reservoir model, in bytes.

    ``reservoir + draw + inputs + max(fit, predict)`` of :func:`memory_breakdown`,
    which documents the parameters; ``options`` are its keyword-only ones
    (``cell``, ``n_outputs``, ``n_jobs``, ``copies``).

    Returns
    -------
    int
        Bytes; e.g. 60,000 MNIST images read row by row (28 steps of 28
        pixels) by 1,000 neurons with 28-point pooling need about 24 GiB.

    Examples
    --------
    >>> format_bytes(estimate_memory(1_347, 8, 8, 300))        # the 8x8 digits
    '31.7 MiB'
    """
    parts = memory_breakdown(n_samples, n_steps, n_inputs, n_units, pooling, n_points,
                             bidirectional, task, **options)
    return parts["reservoir"] + parts["draw"] + parts["inputs"] + max(parts["fit"],
                                                                      parts["predict"])


def format_bytes(n_bytes):
    """``1536 * 2**20`` -> ``"1.5 GiB"`` (binary units, one decimal)."""
    value = float(n_bytes)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{int(value)} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


#: Smaller settings suggested when a run is refused, by task.
ADVICE = {
    "classify": "fewer neurons, fewer training samples, 'last' pooling instead of "
                "'mean+last', or fewer points for 'points' pooling",
    "forecast": "fewer neurons, or a shorter series (fewer rows)",
}


def check_budget(estimate, budget=None, what="this run", task="classify"):
    """Refuse a run whose memory estimate exceeds the budget.

    Parameters
    ----------
    estimate : int
        Bytes, from :func:`estimate_memory`.
    budget : int or None
        Bytes allowed; ``None`` reads :func:`budget_from_env` (default
        :data:`DEFAULT_BUDGET`, 2 GiB).
    what : str, default "this run"
        What is being checked, as the sentence's subject ("training on 60,000 images").
    task : {"classify", "forecast"}, default "classify"
        Which smaller settings the sentence suggests (:data:`ADVICE`).

    Raises
    ------
    ResourceError
        With a sentence giving the estimate, the budget and smaller settings to try.
    ValueError
        ``estimate`` or ``budget`` not a non-negative number.
    """
    estimate = check_number("estimate", estimate, low=0)
    check_choice("task", task, TASKS)
    budget = budget_from_env() if budget is None else check_number("budget", budget, low=0,
                                                                   low_open=True)
    if estimate > budget:
        subject = what[:1].upper() + what[1:]
        raise ResourceError(
            f"{subject} needs about {format_bytes(estimate)} of memory, more than the "
            f"{format_bytes(budget)} budget of this server. Use smaller settings: "
            f"{ADVICE[task]}.")


def budget_from_env(environ=None):
    """Memory budget in bytes from ``LNN_LAB_MEMORY_BUDGET_MB`` (MiB), else :data:`DEFAULT_BUDGET`.

    Parameters
    ----------
    environ : mapping, optional
        Where to read the variable (default ``os.environ``).

    Raises
    ------
    ValueError
        The variable is set but is not a positive number of MiB.
    """
    text = (os.environ if environ is None else environ).get(BUDGET_ENV, "").strip()
    if not text:
        return DEFAULT_BUDGET
    try:
        megabytes = float(text)
    except ValueError:
        megabytes = math.nan
    if not (math.isfinite(megabytes) and megabytes > 0):
        raise ValueError(f"{BUDGET_ENV} must be a positive number of MiB, got {text!r}")
    return int(megabytes * 2**20)


# glibc's mallopt parameter numbers (<malloc.h>).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD, _M_ARENA_MAX = -1, -3, -8


def tune_allocator(arena_max=2, mmap_threshold=256 * 1024, trim_threshold=1024**2):
    """Make glibc's ``malloc`` return freed memory to the system, process-wide.

    By default glibc gives every thread that allocates its own arena (up to 8
    per core) and raises its mmap threshold after each large free (up to
    32 MiB), so the arrays of runs in many threads are carved from arenas
    that keep their pages once freed: a server's resident memory only grows.
    Few arenas, a fixed mmap threshold (arrays larger than it are mapped and
    unmapped on their own) and a low trim threshold keep it near its baseline.
    Measured with 20 browser sessions at once on the app
    (``tests/app/test_many_users.py``): RSS baseline 245 MiB, peak 283 and
    282 MiB after the sessions ended without this; 241, 254 and 251 MiB with
    the same settings given as ``MALLOC_*`` environment variables.

    Parameters
    ----------
    arena_max : int >= 1
        Most malloc arenas (``M_ARENA_MAX``).
    mmap_threshold : int >= 0
        Bytes from which an allocation is its own mapping (``M_MMAP_THRESHOLD``).
    trim_threshold : int >= 0
        Free bytes at the top of the heap that trigger giving them back
        (``M_TRIM_THRESHOLD``).

    Returns
    -------
    bool
        Whether every setting took effect: ``False`` where the C library is
        not glibc (macOS, musl), which is harmless.
    """
    settings = {_M_ARENA_MAX: check_int("arena_max", arena_max, low=1),
                _M_MMAP_THRESHOLD: check_int("mmap_threshold", mmap_threshold, low=0,
                                             high=32 * 1024**2),
                _M_TRIM_THRESHOLD: check_int("trim_threshold", trim_threshold, low=0)}
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):               # not glibc
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return all(mallopt(param, value) == 1 for param, value in settings.items())
