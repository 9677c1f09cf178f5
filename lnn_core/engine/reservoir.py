"""Reservoir weights: the random recurrent matrix, its spectrum and scaling.

A reservoir is three fixed random matrices: the recurrent weights ``W``
(``n_units x n_units``, a fraction ``density`` nonzero), the input weights
``W_in`` (``n_units x n_inputs``) and the bias ``b`` (``n_units``).  Only ``W``
is rescaled: by ``spectral_radius / rho(W0)`` where ``rho(W0)`` is the largest
absolute eigenvalue of the unscaled draw ``W0``.

The unscaled draw and its radius depend on ``(n_units, density, seed)`` only,
so they are computed once and reused: moving the spectral-radius slider costs
one multiplication.  The cache holds at most :data:`DRAW_CACHE_BYTES` of draws
(least recently used dropped first; :func:`draw_bytes` each), so the memory it
keeps across runs is known and bounded (:mod:`lnn_core.guard` counts each new
draw).  ``seed=None`` draws a fresh seed from the operating system's entropy
every time, so unseeded reservoirs differ; the reservoir keeps that seed.  The radius comes from a few eigenvalues found iteratively
and certified (:func:`certified_radius`); the full spectrum, a dense solve, is
computed only when asked for (:attr:`Reservoir.eigenvalues`, for the pages that
draw it) and cached too.
"""

import functools
import threading
import warnings
from collections import OrderedDict, namedtuple
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse
import scipy.sparse.linalg

from .._validation import check_choice, check_int, check_number, check_seed

__all__ = [
    "CELLS",
    "DRAW_CACHE_BYTES",
    "RADIUS_RTOL",
    "Reservoir",
    "certified_radius",
    "draw_bytes",
    "fresh_seed",
    "make_reservoir",
    "unscaled_recurrent",
    "unscaled_spectrum",
]

#: Neuron types understood by :func:`make_reservoir`.
CELLS = ("esn", "ltc", "cfc")
#: Relative accuracy to which :func:`certified_radius` certifies an iterative radius;
#: when it cannot, the dense solve gives the radius.
RADIUS_RTOL = 1e-10
#: Largest reservoir: its dense float32 recurrent matrix is 1.6 GB.
MAX_UNITS = 20000
#: Largest spectral radius / input / bias scale: far past any useful value, and
#: it keeps every float32 weight finite.
MAX_SCALE = 1e6

#: Most bytes of unscaled draws kept by :func:`unscaled_recurrent`'s cache (256 MiB:
#: e.g. 33 draws of 1,000 units, 2 of 4,000); a larger draw is used and not kept.
DRAW_CACHE_BYTES = 256 * 2**20

# Child-generator slots: each matrix gets its own stream, so that W depends on
# (n_units, density, seed) only, whatever the number of inputs or the cell.
_SLOT_W, _SLOT_W_IN, _SLOT_BIAS, _SLOT_CELL = range(4)
# Below this many units the dense solve is as fast as the iterative one.
_ITERATIVE_FROM = 150
# Eigenvalues asked of each iterative run, the leading moduli both runs must share, and
# the Krylov basis: with ARPACK's default 20 vectors one run at 1,000 units, density 0.1,
# settled 0.16 % below the radius (caught by the agreement test); 40 found it in both.
_N_EIGS, _N_SHARED, _N_KRYLOV = 6, 3, 40
# Above this density the matrix-vector products use the dense array.
_SPARSE_BELOW = 0.2


@dataclass(frozen=True)
class RecurrentDraw:
    """The unscaled recurrent matrix of one ``(n_units, density, seed)``.

    Attributes
    ----------
    weights : ndarray of shape (n_units, n_units), float64, read-only
        Nonzero entries standard normal, exactly ``round(density * n_units**2)``
        of them.
    radius : float
        Largest absolute eigenvalue of ``weights`` (0 for a nilpotent/zero
        draw), to :data:`RADIUS_RTOL` relative.
    """

    weights: np.ndarray
    radius: float


def draw_bytes(n_units):
    """Bytes one unscaled draw keeps in the cache: its float64 ``n_units x n_units`` weights."""
    return 8 * n_units * n_units


CacheInfo = namedtuple("CacheInfo", "hits misses n_draws nbytes max_bytes")


class _DrawCache:
    """Least-recently-used cache of :class:`RecurrentDraw`, bounded by bytes, thread-safe.

    Keeps at most :data:`DRAW_CACHE_BYTES` (read at every insertion) of
    draws; a draw larger than that is returned and not kept.  Two threads
    missing the same key at once both draw it (the same matrix) and one is kept.
    """

    def __init__(self, draw):
        self._draw = draw
        self._entries = OrderedDict()           # key -> RecurrentDraw, oldest first
        self._lock = threading.Lock()
        self._hits = self._misses = self._nbytes = 0
        functools.update_wrapper(self, draw)

    def __call__(self, n_units, density, seed):
        key = (n_units, density, seed)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self._hits += 1
                return found
            self._misses += 1
        value = self._draw(n_units, density, seed)
        size = value.weights.nbytes
        with self._lock:
            limit = DRAW_CACHE_BYTES
            if size <= limit and key not in self._entries:
                while self._entries and self._nbytes + size > limit:
                    _, dropped = self._entries.popitem(last=False)
                    self._nbytes -= dropped.weights.nbytes
                self._entries[key] = value
                self._nbytes += size
        return value

    def cache_info(self):
        """Hits, misses, draws kept, their bytes and the byte bound."""
        with self._lock:
            return CacheInfo(self._hits, self._misses, len(self._entries), self._nbytes,
                             DRAW_CACHE_BYTES)

    def cache_clear(self):
        """Drop every kept draw and reset the counts."""
        with self._lock:
            self._entries.clear()
            self._hits = self._misses = self._nbytes = 0


@_DrawCache
def unscaled_recurrent(n_units, density, seed):
    """Draw the unscaled recurrent matrix and its spectral radius, cached.

    The cache keeps the most recently used draws up to :data:`DRAW_CACHE_BYTES`
    (``unscaled_recurrent.cache_info()`` gives its bytes, ``cache_clear()``
    empties it).

    Parameters
    ----------
    n_units : int
        Number of neurons, >= 1.
    density : float
        Fraction of nonzero weights, in [0, 1].
    seed : int
        Seed of the whole reservoir; the recurrent matrix uses its first child.
        (``None`` would key every unseeded draw alike: :func:`make_reservoir`
        turns it into a :func:`fresh_seed` first.)

    Returns
    -------
    RecurrentDraw
    """
    rng = _child_rngs(seed)[_SLOT_W]
    n_nonzero = round(density * n_units * n_units)
    weights = np.zeros(n_units * n_units)
    if n_nonzero:
        where = rng.choice(n_units * n_units, size=n_nonzero, replace=False)
        weights[where] = rng.standard_normal(n_nonzero)
    weights = weights.reshape(n_units, n_units)
    weights.setflags(write=False)
    radius = certified_radius(weights, rng) if n_nonzero else 0.0
    # Round-off on a nilpotent draw leaves a tiny nonzero radius; treat as 0.
    scale = float(np.max(np.abs(weights))) if n_nonzero else 0.0
    if radius <= 1e-10 * max(scale, 1e-300) * n_units:
        radius = 0.0
    return RecurrentDraw(weights, radius)


@functools.lru_cache(maxsize=8)
def unscaled_spectrum(n_units, density, seed):
    """Every eigenvalue of the unscaled draw (a dense solve), cached.

    Only the pages that draw the spectrum need it; scaling uses the radius of
    :func:`unscaled_recurrent`.

    Returns
    -------
    ndarray of shape (n_units,), complex128, read-only
    """
    eigenvalues = np.linalg.eigvals(unscaled_recurrent(n_units, density, seed).weights)
    eigenvalues.setflags(write=False)
    return eigenvalues


def certified_radius(weights, rng):
    """Largest absolute eigenvalue of a square matrix, to :data:`RADIUS_RTOL` relative.

    Random reservoir matrices crowd their largest eigenvalues near the circle
    of the radius, where an iterative method can settle on a wrong one (ARPACK
    asked for one eigenvalue returned radii 0.15-0.95 % too small at
    1,500-3,000 units).  So the answer is certified before it is used:

    1. ARPACK (40 Krylov vectors) finds the 6 largest-modulus eigenvalues of
       ``W`` (right eigenvectors ``x``) and, from an independent random start, those of
       ``W'`` (left eigenvectors ``y``): two independent Krylov runs.
    2. Both must converge and agree on the 3 leading moduli to
       ``RADIUS_RTOL / 10``: a larger eigenvalue missed by one run but
       not the other shows up as a disagreement.
    3. The leading eigenvalue's error is bounded to first order by
       ``kappa * max(|W x - lambda x| / |x|, |W' y - lambda y| / |y|)``
       with the condition number ``kappa = |x| |y| / |y' x|``; the bound
       must be below ``RADIUS_RTOL / 10`` of the radius.

    When any test fails (and below 150 units, where it is as fast) the radius
    comes from the dense solve, ``max |np.linalg.eigvals(W)|``.

    Parameters
    ----------
    weights : ndarray of shape (n, n), float64
    rng : numpy.random.Generator
        Draws the two random starts.

    Returns
    -------
    float
    """
    n = weights.shape[0]
    if n >= _ITERATIVE_FROM:
        radius = _iterative_radius(weights, rng)
        if radius is not None:
            return radius
    return float(np.max(np.abs(np.linalg.eigvals(weights)), initial=0.0))


def _iterative_radius(weights, rng):
    """The certified iterative radius of :func:`certified_radius`, or None."""
    n = weights.shape[0]
    density = np.count_nonzero(weights) / weights.size
    matrix = scipy.sparse.csr_array(weights) if density < _SPARSE_BELOW else weights
    starts = rng.standard_normal((2, n))

    def krylov(operator, start):
        """One ARPACK run: eigenvalues by decreasing modulus and their vectors, or None."""
        try:
            values, vectors = scipy.sparse.linalg.eigs(operator, k=_N_EIGS, which="LM",
                                                       v0=start, ncv=min(n - 1, _N_KRYLOV), tol=0,
                                                       maxiter=20 * n)
        except (scipy.sparse.linalg.ArpackNoConvergence, scipy.sparse.linalg.ArpackError):
            return None
        order = np.argsort(-np.abs(values), kind="stable")
        return values[order], vectors[:, order]

    # The runs are independent: side by side on two threads (ARPACK's iteration and the
    # products release the GIL), each exactly as it would run alone.
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(krylov, (matrix, matrix.T), starts))
    if runs[0] is None or runs[1] is None:
        return None
    (right_values, right), (left_values, left) = runs
    radius = float(np.abs(right_values[0]))
    if not np.isfinite(radius) or radius == 0.0:
        return None
    budget = RADIUS_RTOL / 10 * radius
    shared = np.abs(np.abs(right_values[:_N_SHARED]) - np.abs(left_values[:_N_SHARED]))
    if np.max(shared) > budget:
        return None
    value, x = right_values[0], right[:, 0]
    # the left run's eigenvector for the same eigenvalue (W' w = lambda w, so y = conj(w))
    match = int(np.argmin(np.abs(left_values - value)))
    w = left[:, match]
    residual = max(np.linalg.norm(weights @ x - value * x) / np.linalg.norm(x),
                   np.linalg.norm(weights.T @ w - value * w) / np.linalg.norm(w))
    overlap = abs(np.vdot(np.conj(w), x))
    if overlap == 0.0:
        return None
    kappa = np.linalg.norm(x) * np.linalg.norm(w) / overlap
    return radius if kappa * residual <= budget else None


def fresh_seed(seed):
    """``seed`` itself, or for ``None`` a new seed from the operating system's entropy.

    Parameters
    ----------
    seed : int >= 0 or None

    Returns
    -------
    int
        Below ``2**63``, so it shows and stores as a plain integer.
    """
    if seed is not None:
        return seed
    return int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> np.uint64(1))


def _child_rngs(seed):
    """Independent generators for W, W_in, bias and cell parameters."""
    return np.random.default_rng(seed).spawn(4)


@dataclass(frozen=True, eq=False)
class Reservoir:
    """A fixed random reservoir ready to run.

    Attributes
    ----------
    W : ndarray of shape (n_units, n_units), float32
        Recurrent weights scaled to ``spectral_radius``.
    W_in : ndarray of shape (n_units, n_inputs), float32
        Input weights, uniform in ``[-input_scaling, input_scaling]``.
    bias : ndarray of shape (n_units,), float32
        Uniform in ``[-bias_scaling, bias_scaling]``.
    leak_rate : float
        ``a`` in ``x[t] = (1 - a) x[t-1] + a tanh(W_in u[t] + W x[t-1] + b)``.
    cell : {"esn", "ltc", "cfc"}
        Update rule, see :mod:`lnn_core.engine.cells`.
    cell_params : dict
        Extra fixed arrays and numbers of the cell (``tau``, ``reversal`` ...).
    spectral_radius : float
        Largest absolute eigenvalue of ``W`` (0 for a degenerate draw).
    scale : float
        Factor applied to the unscaled draw (``spectral_radius / rho(W0)``).
    seed : int or None
        The seed every matrix was drawn from (a fresh one when
        :func:`make_reservoir` was given ``None``); ``None`` for weights that
        come from elsewhere (a model file of an unseeded model).
    """

    W: np.ndarray
    W_in: np.ndarray
    bias: np.ndarray
    leak_rate: float
    cell: str
    spectral_radius: float
    scale: float
    n_units: int
    density: float
    seed: int | None
    cell_params: dict = field(default_factory=dict)

    @property
    def n_inputs(self):
        """Number of input channels."""
        return self.W_in.shape[1]

    @property
    def eigenvalues(self):
        """Eigenvalues of ``W``, complex array of shape (n_units,).

        A dense solve on first access for each draw (cached by
        :func:`unscaled_spectrum`), then the cached spectrum times ``scale``;
        without a seed, a dense solve of ``W`` itself.
        """
        if self.seed is None:
            return np.linalg.eigvals(self.W.astype(np.float64))
        return unscaled_spectrum(self.n_units, self.density, self.seed) * self.scale


def make_reservoir(n_units=500, n_inputs=1, *, spectral_radius=0.9, density=0.1,
                   input_scaling=1.0, bias_scaling=0.2, leak_rate=1.0, seed=0,
                   cell="esn", **cell_options):
    """Build a reservoir with validated parameters.

    Parameters
    ----------
    n_units : int in [1, 20000]
        Number of neurons.
    n_inputs : int, >= 1
        Number of input channels per time step.
    spectral_radius : float in [0, 1e6]
        Target largest absolute eigenvalue of ``W``: how strongly the state
        feeds back on itself.  Below 1 is neither necessary nor sufficient for
        the echo-state property (the tanh and the input damp the state);
        :func:`~lnn_core.engine.metrics.echo_state_check` and
        :func:`~lnn_core.engine.metrics.echo_state_edge` measure it.
    density : float in [0, 1]
        Fraction of nonzero recurrent weights.
    input_scaling : float, >= 0
        ``W_in`` is uniform in ``[-input_scaling, input_scaling]``.
    bias_scaling : float, >= 0
        ``b`` is uniform in ``[-bias_scaling, bias_scaling]``.
    leak_rate : float in (0, 1]
        ESN: fraction of the state replaced at each step (1 = no leak).  LTC
        and CfC: fraction of each sample's elapsed time they integrate over
        (see :mod:`lnn_core.engine.cells`).
    seed : int >= 0 or None
        Seed of every random draw (0 is a seed like any other); ``None``: a
        fresh seed from the operating system every call (:func:`fresh_seed`),
        kept as the reservoir's ``seed``.
    cell : {"esn", "ltc", "cfc"}
        Neuron type; see :mod:`lnn_core.engine.cells` for the options of each.
    **cell_options
        Options of the chosen cell (e.g. ``tau_range`` for ``"ltc"``).

    Returns
    -------
    Reservoir

    Warns
    -----
    RuntimeWarning
        When the recurrent draw has spectral radius 0 (density 0, or one unit
        without a self-loop): the recurrent weights stay zero.

    Examples
    --------
    >>> res = make_reservoir(100, 2, spectral_radius=0.8, seed=1)
    >>> round(float(np.max(np.abs(res.eigenvalues))), 6)
    0.8
    """
    from .cells import make_cell_params  # cells needs Reservoir's fields only

    n_units = check_int("n_units", n_units, low=1, high=MAX_UNITS)
    n_inputs = check_int("n_inputs", n_inputs, low=1, high=10**6)
    spectral_radius = check_number("spectral_radius", spectral_radius, low=0, high=MAX_SCALE)
    density = check_number("density", density, low=0, high=1)
    input_scaling = check_number("input_scaling", input_scaling, low=0, high=MAX_SCALE)
    bias_scaling = check_number("bias_scaling", bias_scaling, low=0, high=MAX_SCALE)
    leak_rate = check_number("leak_rate", leak_rate, low=0, high=1, low_open=True)
    seed = fresh_seed(check_seed("seed", seed))
    cell = check_choice("cell", cell, CELLS)

    draw = unscaled_recurrent(n_units, density, seed)
    if draw.radius == 0.0:
        if spectral_radius > 0:
            warnings.warn(
                f"the recurrent matrix drawn with n_units={n_units}, density={density:g}, "
                f"seed={seed} has spectral radius 0 (no cycles), so it cannot be scaled to "
                f"{spectral_radius:g}; the reservoir has no recurrent memory. "
                "Increase density or n_units.", RuntimeWarning, stacklevel=2)
        scale, achieved = 0.0, 0.0
    else:
        scale = spectral_radius / draw.radius
        achieved = spectral_radius
    W = (draw.weights * scale).astype(np.float32)

    rngs = _child_rngs(seed)
    W_in = rngs[_SLOT_W_IN].uniform(-input_scaling, input_scaling,
                                    (n_units, n_inputs)).astype(np.float32)
    bias = rngs[_SLOT_BIAS].uniform(-bias_scaling, bias_scaling, n_units).astype(np.float32)
    cell_params = make_cell_params(cell, n_units, n_inputs, draw, scale, rngs[_SLOT_CELL],
                                   input_scaling=input_scaling, bias_scaling=bias_scaling,
                                   **cell_options)
    for array in (W, W_in, bias, *[v for v in cell_params.values() if isinstance(v, np.ndarray)]):
        array.setflags(write=False)
    return Reservoir(W=W, W_in=W_in, bias=bias, leak_rate=leak_rate, cell=cell,
                     spectral_radius=achieved, scale=scale, n_units=n_units,
                     density=density, seed=seed, cell_params=cell_params)
