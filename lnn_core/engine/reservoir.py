"""Reservoir weights: the random recurrent matrix, its spectrum and scaling.

A reservoir is three fixed random matrices: the recurrent weights ``W``
(``n_units x n_units``, a fraction ``density`` nonzero), the input weights
``W_in`` (``n_units x n_inputs``) and the bias ``b`` (``n_units``).  Only ``W``
is rescaled: by ``spectral_radius / rho(W0)`` where ``rho(W0)`` is the largest
absolute eigenvalue of the unscaled draw ``W0``.

The unscaled draw and its spectrum depend on ``(n_units, density, seed)`` only,
so they are computed once and reused: moving the spectral-radius slider costs
one multiplication, not a new eigen-decomposition.
"""

import functools
import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse
import scipy.sparse.linalg

from .._validation import check_choice, check_int, check_number, check_seed

__all__ = ["Reservoir", "make_reservoir", "unscaled_recurrent", "CELLS", "DENSE_EIG_LIMIT"]

#: Neuron types understood by :func:`make_reservoir`.
CELLS = ("esn", "ltc", "cfc")
#: Above this many units the spectral radius comes from ARPACK, not a dense solve.
#: ARPACK is not reliable on these matrices: their largest eigenvalues crowd the
#: circle of the radius, and with ``k=1`` it returned a radius 0.15-0.95 % too small
#: at 1,500-3,000 units (measured against the dense solve, which takes 10-12 s at
#: 3,000 units on 2 cores); so it is used only where a dense solve would take minutes.
DENSE_EIG_LIMIT = 4000
#: Largest reservoir: its dense float32 recurrent matrix is 1.6 GB.
MAX_UNITS = 20000
#: Largest spectral radius / input / bias scale: far past any useful value, and
#: it keeps every float32 weight finite.
MAX_SCALE = 1e6

# Child-generator slots: each matrix gets its own stream, so that W depends on
# (n_units, density, seed) only, whatever the number of inputs or the cell.
_SLOT_W, _SLOT_W_IN, _SLOT_BIAS, _SLOT_CELL = range(4)


@dataclass(frozen=True)
class RecurrentDraw:
    """The unscaled recurrent matrix of one ``(n_units, density, seed)``.

    Attributes
    ----------
    weights : ndarray of shape (n_units, n_units), float64, read-only
        Nonzero entries standard normal, exactly ``round(density * n_units**2)``
        of them.
    radius : float
        Largest absolute eigenvalue of ``weights`` (0 for a nilpotent/zero draw).
    eigenvalues : ndarray of shape (n_units,), complex128, or None
        Full spectrum for ``n_units <= DENSE_EIG_LIMIT``; ``None`` above
        (computed on demand by :attr:`Reservoir.eigenvalues`).
    """

    weights: np.ndarray
    radius: float
    eigenvalues: np.ndarray | None


@functools.lru_cache(maxsize=16)
def unscaled_recurrent(n_units, density, seed):
    """Draw the unscaled recurrent matrix and its spectrum, cached.

    Parameters
    ----------
    n_units : int
        Number of neurons, >= 1.
    density : float
        Fraction of nonzero weights, in [0, 1].
    seed : int or None
        Seed of the whole reservoir; the recurrent matrix uses its first child.

    Returns
    -------
    RecurrentDraw
    """
    rng = _child_rngs(seed)[_SLOT_W]
    n_nonzero = int(round(density * n_units * n_units))
    weights = np.zeros(n_units * n_units)
    if n_nonzero:
        where = rng.choice(n_units * n_units, size=n_nonzero, replace=False)
        weights[where] = rng.standard_normal(n_nonzero)
    weights = weights.reshape(n_units, n_units)
    if n_units <= DENSE_EIG_LIMIT:
        eigenvalues = np.linalg.eigvals(weights)
        radius = float(np.max(np.abs(eigenvalues))) if n_units else 0.0
    else:
        eigenvalues = None
        radius = _arpack_radius(weights, rng)
    if eigenvalues is not None:
        eigenvalues.setflags(write=False)
    weights.setflags(write=False)
    # Round-off on a nilpotent draw leaves a tiny nonzero radius; treat as 0.
    scale = float(np.max(np.abs(weights))) if n_nonzero else 0.0
    if radius <= 1e-10 * max(scale, 1e-300) * n_units:
        radius = 0.0
    return RecurrentDraw(weights, radius, eigenvalues)


def _arpack_radius(weights, rng):
    """Largest |eigenvalue| of a large sparse matrix through ARPACK."""
    sparse = scipy.sparse.csr_matrix(weights)
    if sparse.nnz == 0:
        return 0.0
    # six eigenvalues from two starts: a missed one only ever makes the radius too
    # small, so the largest modulus seen is the best estimate
    radius = 0.0
    for start in rng.standard_normal((2, weights.shape[0])):
        try:
            top = scipy.sparse.linalg.eigs(sparse, k=min(6, weights.shape[0] - 2), which="LM",
                                           v0=start, return_eigenvectors=False, maxiter=5000,
                                           tol=1e-8)
        except scipy.sparse.linalg.ArpackNoConvergence as err:
            top = err.eigenvalues
        radius = max(radius, float(np.max(np.abs(top), initial=0.0)))
    return radius


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

        Reuses the cached unscaled spectrum (times ``scale``); above
        ``DENSE_EIG_LIMIT`` units a dense solve runs on first access.
        """
        draw = unscaled_recurrent(self.n_units, self.density, self.seed)
        if draw.eigenvalues is not None:
            return draw.eigenvalues * self.scale
        return np.linalg.eigvals(self.W.astype(np.float64))


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
        Target largest absolute eigenvalue of ``W``.  Below 1 the ESN forgets
        its initial state (echo-state property, in practice); above 1 it can
        become chaotic.
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
        Seed of every random draw (0 is a seed like any other).
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
    seed = check_seed("seed", seed)
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
