"""Running a reservoir over many sequences: batching, ragged input, chunks, pooling.

The update rule of each neuron type lives in :mod:`lnn_core.engine.cells`; this
module owns the loop.  Sequences are sorted by length and run in chunks:
within a chunk all sequences advance together (one matrix product per time
step), and a sequence that has ended simply stops being stepped, so ragged
input gives exactly the features each sequence would give alone.  Only the
pooled features of a chunk are kept, so memory is bounded by the chunk size.
"""

import functools
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np
from threadpoolctl import ThreadpoolController

from .._validation import check_choice, check_int
from ..errors import DataError
from .cells import kernel_for
from .representations import model_space_width

#: Rows per block when the estimators stream features into the normal equations
#: (here, not in ``estimators``, so the memory guard can read it without scikit-learn).
FEATURE_BLOCK = 2048

__all__ = [
    "POOLINGS",
    "as_elapsed",
    "as_sequences",
    "collect_features",
    "default_chunk_size",
    "elapsed_from_timestamps",
    "n_features",
    "run_states",
    "single_threaded_blas",
    "stream_features",
]

#: Readout feature layouts ("model_space": :mod:`lnn_core.engine.representations`).
POOLINGS = ("last", "mean", "mean+last", "points", "model_space", "states")

# Budget of the per-chunk input drive array (float32), which sets the chunk size.
_DRIVE_BYTES = 32 * 2**20
# Largest default chunk: small enough that a chunk's arrays stay in cache.
_MAX_CHUNK = 256


def n_features(n_units, pooling, n_points=4):
    """Number of readout features per sequence for a pooling (``states`` excluded)."""
    if pooling == "model_space":
        return model_space_width(n_units)
    return {"last": 1, "mean": 1, "mean+last": 2, "points": n_points}[pooling] * n_units


def as_sequences(X, name="X"):
    """Check sequence input and return it as a 3-D array or a list of 2-D arrays.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_steps, n_inputs) or list of arrays
        of shape (n_steps_i, n_inputs) (a 1-D item is one input channel).

    Returns
    -------
    ndarray of shape (n_samples, n_steps, n_inputs), float32, or list of
    float32 ndarrays of shape (n_steps_i, n_inputs)

    Raises
    ------
    DataError
        Empty input, mismatched channel counts, zero-length sequences, NaN/inf.
    """
    if isinstance(X, np.ndarray) and X.ndim == 3:
        arrays = X
    elif isinstance(X, (list, tuple)):
        if len(X) == 0:
            raise DataError(f"{name} holds no sequences; at least one is needed")
        arrays = []
        for i, item in enumerate(X):
            item = np.asarray(item, dtype=np.float32)
            if item.ndim == 1:
                item = item[:, None]
            if item.ndim != 2 or item.shape[0] == 0:
                raise DataError(f"{name}[{i}] must be a non-empty array of shape (n_steps, n_inputs), "
                                f"got shape {item.shape}")
            arrays.append(item)
        widths = {a.shape[1] for a in arrays}
        if len(widths) > 1:
            raise DataError(f"all sequences in {name} must have the same number of input channels, "
                            f"found {sorted(widths)}")
        if len({a.shape[0] for a in arrays}) == 1:
            arrays = np.stack(arrays)
    else:
        arr = np.asarray(X)
        raise DataError(f"{name} must be an array of shape (n_samples, n_steps, n_inputs) or a list "
                        f"of (n_steps, n_inputs) arrays, got an array of shape {arr.shape}")
    if isinstance(arrays, np.ndarray):
        if arrays.size == 0:
            raise DataError(f"{name} is empty (shape {arrays.shape})")
        arrays = np.asarray(arrays, dtype=np.float32)
        if not np.isfinite(arrays).all():
            raise DataError(f"{name} contains NaN or infinite values; clean or impute them first")
    elif not all(np.isfinite(a).all() for a in arrays):
        bad = next(i for i, a in enumerate(arrays) if not np.isfinite(a).all())
        raise DataError(f"{name}[{bad}] contains NaN or infinite values; clean or impute them first")
    return arrays


def as_elapsed(dt, lengths, name="dt"):
    """Check elapsed times against sequence lengths; return float32 arrays.

    Parameters
    ----------
    dt : array-like of shape (n_samples, n_steps), or list of arrays of shape (n_steps_i,)
        Time that passes before each sample, > 0 and finite.
    lengths : ndarray of shape (n_samples,)
        Steps of each sequence.

    Returns
    -------
    list of float32 ndarrays of shape (n_steps_i,)

    Raises
    ------
    DataError
        A count or length that does not match, or a value that is not a
        positive finite number.
    """
    if (isinstance(dt, np.ndarray) and dt.ndim == 2) or isinstance(dt, (list, tuple)):
        items = list(dt)
    else:
        raise DataError(f"{name} must give one elapsed time per step of each sequence (shape "
                        f"(n_samples, n_steps) or a list), got shape {np.shape(dt)}")
    if len(items) != len(lengths):
        raise DataError(f"{name} has {len(items)} sequence(s) of elapsed times but X has {len(lengths)}")
    out = []
    for i, (item, n) in enumerate(zip(items, lengths)):
        item = np.asarray(item, dtype=np.float64).ravel()
        if len(item) != n:
            raise DataError(f"{name}[{i}] has {len(item)} elapsed time(s) but sequence {i} has {n} steps")
        if not (np.isfinite(item).all() and (item > 0).all()):
            raise DataError(f"{name}[{i}] must hold positive finite elapsed times (timestamps must "
                            "increase strictly)")
        out.append(item.astype(np.float32))
    return out


def elapsed_from_timestamps(timestamps):
    """Elapsed time before each sample from its timestamps.

    ``dt[k] = t[k] - t[k-1]``; the first sample has no predecessor and gets
    the median gap (1 for a single sample).

    Parameters
    ----------
    timestamps : array-like of shape (n_steps,), strictly increasing

    Returns
    -------
    ndarray of shape (n_steps,), float64

    Examples
    --------
    >>> elapsed_from_timestamps([0.0, 0.5, 2.0])
    array([1. , 0.5, 1.5])
    """
    t = np.asarray(timestamps, dtype=np.float64).ravel()
    if t.size == 0 or not np.isfinite(t).all():
        raise DataError("timestamps must be a non-empty array of finite numbers")
    gaps = np.diff(t)
    if (gaps <= 0).any():
        k = int(np.argmax(gaps <= 0)) + 1
        raise DataError(f"timestamps must increase strictly; sample {k} is at {t[k]:g}, "
                        f"not after {t[k - 1]:g}")
    return np.concatenate([[np.median(gaps) if gaps.size else 1.0], gaps])


def default_chunk_size(n_steps, width):
    """Sequences per chunk: at most 256, and the chunk's drive array within 32 MiB."""
    return int(np.clip(_DRIVE_BYTES // max(1, 4 * n_steps * width), 1, _MAX_CHUNK))


def default_n_jobs():
    """Worker threads for state collection: the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_blas_lock = threading.Lock()
_blas_users = 0
_blas_limiter = None


@functools.cache
def _threadpools():
    """The process's thread pools (BLAS, OpenMP), found once: each search took ~15 ms."""
    return ThreadpoolController()


@contextmanager
def single_threaded_blas():
    """Hold BLAS at one thread while any caller runs chunks in parallel threads.

    Each worker thread then runs its own matrix products and element-wise
    updates on one core, so both kinds of work use every core.  The limit is
    process-wide, so it is reference-counted: the first user sets it, the last
    one restores it.
    """
    global _blas_users, _blas_limiter
    with _blas_lock:
        if _blas_users == 0:
            _blas_limiter = _threadpools().limit(limits=1, user_api="blas")
        _blas_users += 1
    try:
        yield
    finally:
        with _blas_lock:
            _blas_users -= 1
            if _blas_users == 0:
                _blas_limiter.restore_original_limits()
                _blas_limiter = None


def collect_features(reservoir, X, pooling="mean+last", *, n_points=4, bidirectional=False,
                     chunk_size=None, n_jobs=None, initial_state=None, progress=None, dt=None):
    """Run the reservoir over every sequence and pool its states into features.

    Each sequence starts from ``initial_state`` (zero by default) and its
    states ``x[0..T-1]`` are pooled:

    - ``last``: ``x[T-1]``
    - ``mean``: the mean over time
    - ``mean+last``: both, concatenated
    - ``points``: ``x`` at ``n_points`` evenly spaced steps ending at ``T-1``
    - ``states``: every state (no pooling)

    Parameters
    ----------
    reservoir : Reservoir
    X : ndarray of shape (n_samples, n_steps, n_inputs) or list of ndarrays
        of shape (n_steps_i, n_inputs)
        Input sequences; a list may be ragged.
    pooling : {"last", "mean", "mean+last", "points", "states"}
    n_points : int, default 4
        Number of sampled steps for ``points`` (at most the shortest length).
    bidirectional : bool, default False
        Also read every sequence backwards (from the same initial state) and
        put both readings' features side by side, forwards first (pooled
        layouts only).
    chunk_size : int or None
        Sequences run together; ``None`` picks one that keeps memory bounded.
    n_jobs : int or None
        Threads running chunks side by side (``None``: every usable core).
        Memory is bounded by ``n_jobs`` chunks; results do not depend on it.
    initial_state : ndarray of shape (n_units,) or (n_samples, n_units), optional
    progress : callable, optional
        ``progress(done, total)`` after every chunk, in sequences.
    dt : array-like of shape (n_samples, n_steps) or list of arrays of
        shape (n_steps_i,), optional
        Time that passes before each sample (see
        :func:`elapsed_from_timestamps`).  The LTC and CfC integrate over it
        (times ``leak_rate``); the ESN is a discrete-time map and ignores it.
        ``None``: the cell's ``step`` (LTC) or ``time`` (CfC) for every sample.

    Returns
    -------
    ndarray of shape (n_samples, n_features), float32
        For pooled layouts; ``n_features`` from :func:`n_features`, doubled
        when ``bidirectional``.
    ndarray of shape (n_samples, n_steps, n_units) or list of ndarrays of
    shape (n_steps_i, n_units)
        For ``states`` (a list when the input was ragged).

    See Also
    --------
    stream_features : the same pass, handing features on block by block.
    """
    X = as_sequences(X)
    n_samples = len(X)
    out = [None] * n_samples if pooling == "states" else None
    for idx, pooled in stream_features(reservoir, X, pooling, n_points=n_points,
                                       bidirectional=bidirectional, chunk_size=chunk_size,
                                       n_jobs=n_jobs, initial_state=initial_state,
                                       progress=progress, dt=dt):
        if pooling == "states":
            for j, i in enumerate(idx):
                out[i] = pooled[j]
        else:
            if out is None:
                out = np.empty((n_samples, pooled.shape[1]), np.float32)
            out[idx] = pooled
    if pooling == "states" and not isinstance(X, list):
        return np.stack(out)
    return out


def stream_features(reservoir, X, pooling="mean+last", *, reduce=None, block_rows=1, n_points=4,
                    bidirectional=False, chunk_size=None, n_jobs=None, initial_state=None,
                    progress=None, dt=None):
    """Run every sequence once, yielding its pooled features block by block.

    The single pass behind :func:`collect_features`, for callers that reduce
    features as they come (a readout's normal equations, its outputs) and so
    never hold the features of every sample at once.

    Parameters
    ----------
    reservoir : Reservoir
    X : ndarray of shape (n_samples, n_steps, n_inputs) or list of ndarrays
        of shape (n_steps_i, n_inputs)
    pooling : {"last", "mean", "mean+last", "points", "states"}
    reduce : callable, optional
        ``reduce(idx, features)``, run in the worker thread that completes a
        block (so several may run at once): its result is yielded instead of
        the features, which are then dropped.
    block_rows : int, default 1
        Blocks are runs of consecutive chunks holding at least this many
        sequences (the last may hold fewer); pooled layouts only.
    n_points, bidirectional, chunk_size, n_jobs, initial_state, progress, dt
        As in :func:`collect_features`.

    Yields
    ------
    idx : ndarray of shape (n_block,), int
        The block's rows of ``X``.
    value
        ``reduce(idx, features)``, or the features themselves: float32 of
        shape (n_block, n_features), or for ``states`` a list of arrays of
        shape (n_steps_i, n_units).

    Notes
    -----
    Which sequences form a block, and the order blocks are yielded in, depend
    on the input and ``chunk_size`` only, never on thread timing: a reduction
    merged in the order yielded is reproducible to the bit.
    """
    check_choice("pooling", pooling, POOLINGS)
    if pooling == "model_space":
        raise ValueError("pooling='model_space' needs principal axes fitted on training "
                         "states: use EchoStateClassifier, or pooling='states' and "
                         "lnn_core.engine.representations")
    X = as_sequences(X)
    ragged = isinstance(X, list)
    n_samples = len(X)
    lengths = np.array([len(s) for s in X]) if ragged else np.full(n_samples, X.shape[1])
    n_inputs = X[0].shape[-1]
    if n_inputs != reservoir.n_inputs:
        raise DataError(f"the sequences have {n_inputs} input channel(s) but the reservoir "
                        f"was built for {reservoir.n_inputs}")
    if pooling == "points":
        n_points = check_int("n_points", n_points, low=1, high=int(lengths.min()))
    if bidirectional and pooling == "states":
        raise ValueError("bidirectional needs a pooled layout; pooling='states' keeps every "
                         "state of one reading")
    kernel = kernel_for(reservoir)
    n_units = reservoir.n_units
    width = kernel.recurrent.shape[1]
    if chunk_size is None:
        chunk_size = default_chunk_size(int(lengths.max()), width)
    chunk_size = check_int("chunk_size", chunk_size, low=1)
    block_rows = check_int("block_rows", block_rows, low=1)
    x0 = _initial_states(initial_state, n_samples, n_units)
    elapsed = None if dt is None or reservoir.cell == "esn" else as_elapsed(dt, lengths)
    n_jobs = default_n_jobs() if n_jobs is None else check_int("n_jobs", n_jobs, low=1)

    order = np.argsort(lengths, kind="stable")
    per_block = 1 if pooling == "states" else max(1, -(-block_rows // chunk_size))
    chunks = [order[start:start + chunk_size] for start in range(0, n_samples, chunk_size)]
    blocks = [_Block(np.concatenate(chunks[k:k + per_block]), min(per_block, len(chunks) - k))
              for k in range(0, len(chunks), per_block)]

    def run(chunk_number):
        idx = chunks[chunk_number]
        seqs = [X[i] for i in idx] if ragged else X[idx]
        chunk_x0 = None if x0 is None else x0[idx if x0.shape[0] > 1 else [0] * len(idx)]
        chunk_dt = None if elapsed is None else [elapsed[i] for i in idx]
        pooled = _run_chunk(kernel, seqs, lengths[idx], pooling, n_points, chunk_x0, n_units,
                            chunk_dt)
        if bidirectional:
            backwards = [s[::-1] for s in seqs] if ragged else seqs[:, ::-1]
            pooled = np.hstack([pooled, _run_chunk(
                kernel, backwards, lengths[idx], pooling, n_points, chunk_x0, n_units,
                None if chunk_dt is None else [_reversed_elapsed(d) for d in chunk_dt])])
        block = blocks[chunk_number // per_block]
        features = block.gather(pooled, (chunk_number % per_block) * chunk_size)
        if features is None:                       # the block still waits for other chunks
            return len(idx), None
        return len(idx), (block.idx, features if reduce is None else reduce(block.idx, features))

    done = 0
    # While one thread reduces a block (a block's normal-equation products take as long as
    # stepping several of its chunks), the others step the next block's chunks: without
    # that room the fit of FAST_97 took 15.4-20.7 s instead of 10.5-12.6 s on 2 cores.
    window = n_jobs * (per_block + 1)
    for n_done, result in _map_chunks(run, range(len(chunks)), n_jobs, window):
        done += n_done
        if progress is not None:
            progress(done, n_samples)
        if result is not None:
            yield result


class _Block:
    """Consecutive chunks gathered into one array, by whichever threads pool them."""

    def __init__(self, idx, n_chunks):
        self.idx = idx
        self._n_chunks = n_chunks
        self._waiting = n_chunks
        self._features = None
        self._lock = threading.Lock()

    def gather(self, pooled, offset):
        """Place a chunk's features; return the block's once its last chunk is in."""
        if self._n_chunks == 1:
            return pooled                          # a block of one chunk: nothing to gather
        with self._lock:
            if self._features is None:
                self._features = np.empty((len(self.idx), pooled.shape[1]), pooled.dtype)
        self._features[offset:offset + len(pooled)] = pooled     # disjoint rows
        with self._lock:
            self._waiting -= 1
            if self._waiting:
                return None
        features, self._features = self._features, None
        return features


def _map_chunks(run, chunks, n_jobs, window):
    """Yield ``run(chunk)`` in order, on ``n_jobs`` threads, at most ``window`` chunks in flight."""
    if n_jobs == 1 or len(chunks) == 1:
        yield from map(run, chunks)
        return
    with single_threaded_blas(), ThreadPoolExecutor(n_jobs) as pool:
        pending = []                          # the window keeps memory bounded
        for idx in chunks:
            pending.append(pool.submit(run, idx))
            if len(pending) >= window:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


def _initial_states(initial_state, n_samples, n_units):
    if initial_state is None:
        return None
    x0 = np.asarray(initial_state, dtype=np.float32)
    x0 = x0.reshape(1, -1) if x0.ndim == 1 else x0
    if x0.ndim != 2 or x0.shape[1] != n_units or x0.shape[0] not in (1, n_samples):
        raise ValueError(f"initial_state must have shape ({n_units},) or ({n_samples}, {n_units}), "
                         f"got {np.shape(initial_state)}")
    return x0


def _reversed_elapsed(dt):
    """Elapsed times of a sequence read backwards: the gap before each sample is the one after it."""
    return np.concatenate([dt[:1], dt[:0:-1]])


def _run_chunk(kernel, seqs, lengths, pooling, n_points, x0, n_units, dt=None):
    """Run one chunk of sequences sorted by increasing length."""
    batch, t_max = len(seqs), int(lengths[-1])
    inputs = np.zeros((t_max, batch, kernel.input.shape[0]), np.float32)
    for j, seq in enumerate(seqs):
        inputs[:len(seq), j] = seq                     # time-major padding
    if dt is not None:
        elapsed = np.ones((t_max, batch, 1), np.float32)
        for j, item in enumerate(dt):
            elapsed[:len(item), j, 0] = item
    drive = inputs @ kernel.input                       # (t_max, batch, width)
    drive += kernel.bias
    x = np.zeros((batch, n_units), np.float32) if x0 is None else x0.copy()
    work = np.empty((batch, kernel.recurrent.shape[1]), np.float32)
    # active[t]: the first sequence still running at step t (sorted by length)
    first_active = np.searchsorted(lengths, np.arange(t_max), side="right")
    keep_sum = pooling in ("mean", "mean+last")
    total = np.zeros((batch, n_units)) if keep_sum else None
    if pooling == "points":
        # step at which each sequence's j-th point is taken, shape (batch, n_points)
        at = (np.round(np.arange(1, n_points + 1) * lengths[:, None] / n_points) - 1).astype(int)
        points = np.empty((batch, n_points, n_units), np.float32)
    if pooling == "states":
        states = np.empty((t_max, batch, n_units), np.float32)
    for t in range(t_max):
        s = first_active[t]
        kernel.step(x[s:], drive[t, s:], kernel, work[s:],   # (batch - s, n_units)
                    None if dt is None else elapsed[t, s:])
        if keep_sum:
            total[s:] += x[s:]
        elif pooling == "points":
            rows, cols = np.nonzero(at == t)
            points[rows, cols] = x[rows]
        elif pooling == "states":
            states[t] = x
    if pooling == "last":
        return x
    if pooling == "points":
        return points.reshape(batch, -1)
    if pooling == "states":
        return [states[:n, j] for j, n in enumerate(lengths)]
    mean = (total / lengths[:, None]).astype(np.float32)
    return mean if pooling == "mean" else np.hstack([mean, x])


def run_states(reservoir, inputs, initial_state=None, dt=None):
    """State trajectory of one sequence.

    Parameters
    ----------
    reservoir : Reservoir
    inputs : ndarray of shape (n_steps,) or (n_steps, n_inputs)
    initial_state : ndarray of shape (n_units,), optional (zero by default)
    dt : ndarray of shape (n_steps,), optional
        Time before each sample; used by LTC and CfC, ignored by the ESN
        (see :func:`collect_features`).

    Returns
    -------
    ndarray of shape (n_steps, n_units), float32
    """
    inputs = np.asarray(inputs, dtype=np.float32)
    inputs = inputs[:, None] if inputs.ndim == 1 else inputs
    return collect_features(reservoir, inputs[None], "states", initial_state=initial_state,
                            dt=None if dt is None else [dt])[0]


def free_run(reservoir, readout, n_steps, *, warmup):
    """Closed-loop generation: each output is fed back as the next input.

    The reservoir first reads ``warmup`` (teacher forcing) from a zero state;
    then ``y[k] = readout(x)`` and ``x <- step(x, y[k])`` for ``n_steps`` steps.

    Parameters
    ----------
    reservoir : Reservoir
        Its ``n_inputs`` must equal the readout's number of outputs.
    readout : callable
        Maps states of shape (1, n_units) to outputs of shape (1, n_inputs).
    n_steps : int, >= 1
    warmup : ndarray of shape (n_warmup, n_inputs), n_warmup >= 1

    Returns
    -------
    ndarray of shape (n_steps, n_inputs), float64
    """
    n_steps = check_int("n_steps", n_steps, low=1)
    warmup = np.asarray(warmup, dtype=np.float32)
    kernel = kernel_for(reservoir)
    x = run_states(reservoir, warmup)[-1:].copy()          # (1, n_units)
    work = np.empty((1, kernel.recurrent.shape[1]), np.float32)
    outputs = np.empty((n_steps, reservoir.n_inputs))
    for k in range(n_steps):
        y = np.asarray(readout(x), dtype=np.float64).reshape(1, -1)
        outputs[k] = y[0]
        drive = y.astype(np.float32) @ kernel.input + kernel.bias   # (1, width)
        kernel.step(x, drive, kernel, work)
    return outputs
