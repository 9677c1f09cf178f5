"""Update rules, one per neuron type.  Each is one step; the loop lives in states.

Every cell reads the input drive ``d[t] = W_in u[t] + b``, which
:mod:`lnn_core.engine.states` computes for a whole chunk of sequences at once,
and the recurrent weights ``W`` (scaled to the spectral radius ``rho``).  The
liquid cells also read ``Δ[t]``, the time that passes before sample ``t``:
``Δ[t] = leak_rate · dt[t]``, where ``dt[t]`` is the elapsed time given with
the data (``dt=`` in :func:`lnn_core.engine.states.collect_features`) or, by
default, the cell's ``step`` (LTC) or ``time`` (CfC) option for every sample.
So for every cell ``leak_rate`` sets how far the state moves per sample, and
``spectral_radius`` sets the recurrent drive.

``"esn"``, leaky-integrator echo-state network (discrete time; it ignores
``dt``)::

    x[t] = (1 - a) x[t-1] + a tanh(W x[t-1] + W_in u[t] + b),   a = leak_rate

``"ltc"``, liquid time-constant network (Hasani et al., AAAI 2021), with
conductance-based synapses as in the ``ncps`` ``LTCCell``: the synapse from
neuron j to neuron i has conductance ``|W_ij|``, reversal potential
``E_ij = E_high`` if ``W_ij > 0`` (excitatory) and ``E_low`` if ``W_ij < 0``
(inhibitory), ``(E_low, E_high)`` the ``reversal_range``, and opens with the
presynaptic potential through the sigmoid gate
``s(x_j) = sigmoid(4 (x_j - 0.3))`` (slope 1 at its threshold 0.3, the low
end of ``ncps``' initial thresholds; at rest most gates are mostly shut)::

    dx_i/dt = -x_i / tau_i + sum_j |W_ij| s(x_j) (E_ij - x_i) + d_i[t]

With ``(E_low, E_high) = (-1, 1)`` the synaptic current is ``W s(x)`` and the
synaptic conductance ``|W| s(x)``; the spectral radius scales both.  Each
neuron's time constant ``1 / (1/tau_i + sum_j |W_ij| s(x_j))`` shrinks when
its synapses open: the "liquid" part.  The input enters as a current ``d``,
as in the ESN, so ``input_scaling`` means the same for every cell.  Over one
sample the input is held and the ODE is solved by ``L = unfolds`` steps of
the fused semi-implicit Euler solver of Hasani et al. with ``h = Δ[t] / L``::

    x <- (x + h (W_E s(x) + d[t])) / (1 + h (1/tau + |W| s(x))),
    W_E = E_high W+ + E_low |W-|

``"cfc"``, closed-form continuous-time cell (Hasani et al., Nat. Mach. Intell.
2022; the ``ncps`` ``CfCCell`` without its backbone)::

    x[t] = sigmoid(-f Δ[t]) * g + (1 - sigmoid(-f Δ[t])) * h,
    f = W_f x[t-1] + W_in_f u[t] + b_f          (linear, the time-constant head)
    g = tanh(W x[t-1] + W_in u[t] + b),  h = tanh(W_h x[t-1] + W_in_h u[t] + b_h)

``W_f`` and ``W_h`` are drawn like ``W`` and each scaled to the same
spectral radius.  With ``Δ`` small the state is the average of ``g`` and
``h``; as ``Δ`` grows each neuron moves to ``h`` (``f > 0``) or ``g``
(``f < 0``) at its own rate ``|f|``.
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from .._validation import check_int, check_number

__all__ = [
    "CELL_DEFAULTS",
    "GATE_SLOPE",
    "GATE_THRESHOLD",
    "CellKernel",
    "cfc_step",
    "esn_step",
    "kernel_for",
    "ltc_effective_tau",
    "ltc_gate",
    "ltc_step",
    "make_cell_params",
]

#: Options of each cell and their defaults, checked on validation splits of training parts
#: (never a test split) by :mod:`lnn_core.lab.cell_defaults` with the app's shared defaults
#: (300 units, input scaling 0.5, ridge 1e-4, ``mean+last`` pooling).  Validation accuracy,
#: 8x8 digits (347 images) / MNIST sample (1,000 images), their mean:
#:
#: - LTC ``step`` 0.25 / 0.5 / 1 / 2 with ``unfolds`` 3: 0.963 / **0.980** / 0.983 / 0.977 and
#:   0.920 / **0.920** / 0.870 / 0.838, means 0.941 / **0.950** / 0.926 / 0.907; with 1 unfold
#:   0.941 / 0.951 / 0.938 / 0.928, with 6: 0.944 / 0.943 / 0.925 / 0.901.  Step 0.5 is best
#:   at every ``unfolds``.  ``unfolds`` 1 and 3 tie (0.951, 0.950: one validation image);
#:   3 is kept, for a solution closer to the ODE over long irregular gaps (1 is 2.3x faster).
#: - CfC ``time`` 0.5 / 1 / 2 / 4 / 8: digits 0.986 / 0.986 / **0.988** / 0.974 / 0.965,
#:   MNIST 0.860 / 0.862 / **0.854** / 0.852 / 0.855, means 0.923 / 0.924 / **0.921** / 0.913 /
#:   0.910: flat from 0.5 to 2 (within 0.003, three validation images), lower from 4 on;
#:   2.0 is kept.
#: - For reference, the ESN: 0.974 / 0.871, mean 0.923.
CELL_DEFAULTS = {
    "esn": {},
    "ltc": {"tau_range": (0.5, 5.0), "reversal_range": (-1.0, 1.0), "step": 0.5, "unfolds": 3},
    "cfc": {"time": 2.0},
}
#: Steepness of the LTC's synaptic gates ``sigmoid(GATE_SLOPE (x - GATE_THRESHOLD))``:
#: slope 1 at the threshold, like tanh at 0.
GATE_SLOPE = 4.0
#: Presynaptic potential at which an LTC synapse is half open.
GATE_THRESHOLD = 0.3


def make_cell_params(cell, n_units, n_inputs, draw, scale, rng, *, input_scaling=1.0,
                     bias_scaling=0.2, **options):
    """Draw the fixed extra parameters of a cell.

    Parameters
    ----------
    cell : {"esn", "ltc", "cfc"}
    n_units, n_inputs : int
    draw : RecurrentDraw
        The unscaled recurrent draw (its density is that of the CfC's extra heads).
    scale : float
        Factor that brings the unscaled draw to the target spectral radius;
        the CfC's heads are scaled to the same radius.
    rng : numpy.random.Generator
        The cell's own child generator.
    input_scaling, bias_scaling : float
        Ranges of the CfC's extra input heads and biases.
    **options
        ``"ltc"``: ``tau_range`` (low, high) > 0, the leak time constants;
        ``reversal_range`` (E_low, E_high), the reversal potentials of
        inhibitory and excitatory synapses; ``step`` > 0, the time per sample
        when no ``dt`` is given; ``unfolds`` in [1, 100], solver steps per
        sample.  ``"cfc"``: ``time`` > 0, the time per sample when no ``dt``
        is given.

    Returns
    -------
    dict
        Arrays of shape (n_units,) or (n_units, n_units) and plain numbers.
    """
    known = CELL_DEFAULTS[cell]
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise ValueError(f"unknown option(s) {', '.join(unknown)} for cell {cell!r}; "
                         f"allowed: {', '.join(known) or 'none'}")
    opts = {**known, **options}
    if cell == "ltc":
        tau_low, tau_high = _check_range("tau_range", opts["tau_range"], positive=True)
        e_low, e_high = _check_range("reversal_range", opts["reversal_range"])
        step = check_number("step", opts["step"], low=0, low_open=True)
        unfolds = check_int("unfolds", opts["unfolds"], low=1, high=100)
        tau = rng.uniform(tau_low, tau_high, n_units).astype(np.float32)
        return {"tau": tau, "step": step, "unfolds": unfolds,
                "tau_range": (tau_low, tau_high), "reversal_range": (e_low, e_high)}
    if cell == "cfc":
        time = check_number("time", opts["time"], low=0, low_open=True)
        rec_rng, in_rng, bias_rng = rng.spawn(3)
        n_nonzero = int(np.count_nonzero(draw.weights))
        heads = np.zeros((2, n_units * n_units))
        for head in heads:
            if n_nonzero:
                where = rec_rng.choice(n_units * n_units, size=n_nonzero, replace=False)
                head[where] = rec_rng.standard_normal(n_nonzero)
        heads = heads.reshape(2, n_units, n_units)
        target = scale * draw.radius
        for head in heads:                         # each head to the reservoir's radius
            radius = _radius(head, rec_rng)
            head *= target / radius if radius > 0 else 0.0
        return {"W_f": heads[0].astype(np.float32), "W_h": heads[1].astype(np.float32),
                "W_in_f": in_rng.uniform(-input_scaling, input_scaling,
                                         (n_units, n_inputs)).astype(np.float32),
                "W_in_h": in_rng.uniform(-input_scaling, input_scaling,
                                         (n_units, n_inputs)).astype(np.float32),
                "bias_f": bias_rng.uniform(-bias_scaling, bias_scaling, n_units).astype(np.float32),
                "bias_h": bias_rng.uniform(-bias_scaling, bias_scaling, n_units).astype(np.float32),
                "time": time}
    return {}


def _radius(matrix, rng):
    """Largest absolute eigenvalue (:func:`~lnn_core.engine.reservoir.certified_radius`)."""
    from .reservoir import certified_radius

    if not matrix.any():
        return 0.0
    return certified_radius(np.asarray(matrix, dtype=np.float64), rng)


def _check_range(name, value, positive=False):
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (low, high) of numbers, got {value!r}") from None
    if not (np.isfinite(low) and np.isfinite(high)) or low > high or (positive and low <= 0):
        need = "0 < low <= high" if positive else "low <= high"
        raise ValueError(f"{name} must be a pair (low, high) with {need}, got {value!r}")
    return low, high


@dataclass(frozen=True)
class CellKernel:
    """What the runner needs to drive one cell.

    Attributes
    ----------
    recurrent : ndarray of shape (n_units, width), float32
        The matrix applied to the state (esn, cfc) or to the gates (ltc) at
        every step: ``W.T`` (esn); ``[W_E.T, |W|.T]`` (ltc, width
        ``2 n_units``); ``[W_f.T, W.T, W_h.T]`` (cfc, width ``3 n_units``).
    input : ndarray of shape (n_inputs, n_drive), float32
        Input weights, transposed (``n_drive`` is ``width`` but ``n_units``
        for the LTC).
    bias : ndarray of shape (n_drive,), float32
    step : callable
        ``step(x, drive, kernel, work, dt)`` updates ``x`` in place, using
        the scratch array ``work`` of shape (batch, width); ``dt`` is None
        (the cell's default time per sample) or an array of shape (batch, 1).
    leak_rate : float
    params : dict
    """

    recurrent: np.ndarray
    input: np.ndarray
    bias: np.ndarray
    step: object
    leak_rate: float
    params: dict


def kernel_for(reservoir):
    """Assemble the :class:`CellKernel` of a reservoir."""
    p = reservoir.cell_params
    params = dict(p)
    if reservoir.cell == "cfc":
        recurrent = np.hstack([p["W_f"].T, reservoir.W.T, p["W_h"].T])
        inputs = np.hstack([p["W_in_f"].T, reservoir.W_in.T, p["W_in_h"].T])
        bias = np.concatenate([p["bias_f"], reservoir.bias, p["bias_h"]])
        step = cfc_step
    elif reservoir.cell == "ltc":
        recurrent = np.hstack([ltc_current_weights(reservoir).T, np.abs(reservoir.W).T])
        inputs, bias, step = reservoir.W_in.T, reservoir.bias, ltc_step
        params["inv_tau"] = (1.0 / p["tau"]).astype(np.float32)
    else:
        recurrent, inputs, bias = reservoir.W.T, reservoir.W_in.T, reservoir.bias
        step = esn_step
    return CellKernel(np.ascontiguousarray(recurrent, dtype=np.float32),
                      np.ascontiguousarray(inputs, dtype=np.float32),
                      np.ascontiguousarray(bias, dtype=np.float32), step,
                      reservoir.leak_rate, params)


def ltc_current_weights(reservoir):
    """``W_E = E_high W+ + E_low |W-|``: synaptic current per unit of gate opening."""
    e_low, e_high = reservoir.cell_params["reversal_range"]
    W = reservoir.W
    return np.where(W > 0, e_high * W, -e_low * W).astype(np.float32)


def ltc_gate(x):
    """Opening of the synapses leaving neurons at potential ``x``, in (0, 1)."""
    return expit(GATE_SLOPE * (x - np.float32(GATE_THRESHOLD)))


def esn_step(x, drive, kernel, work, dt=None):
    """One leaky-tanh step for a batch (``dt`` is ignored: the ESN is discrete).

    ``x[t] = (1 - a) x[t-1] + a tanh(x[t-1] @ W.T + drive[t])``

    Parameters
    ----------
    x : ndarray of shape (batch, n_units), float32
        Previous state; updated in place to the new one.
    drive : ndarray of shape (batch, n_units), float32
        ``u[t] @ W_in.T + b``.
    kernel : CellKernel
    work : ndarray of shape (batch, n_units), float32
        Scratch space; overwritten.
    dt : None or ndarray of shape (batch, 1)
        Accepted for a common signature and ignored.
    """
    np.matmul(x, kernel.recurrent, out=work)      # (batch, n_units)
    work += drive
    a = kernel.leak_rate
    if a == 1.0:
        np.tanh(work, out=x)
        return
    np.tanh(work, out=work)
    work -= x                                      # x + a (tanh - x)
    work *= a
    x += work


def _elapsed(kernel, dt, default):
    """``leak_rate * dt``: a number, or shape (batch, 1) when ``dt`` is given."""
    if dt is None:
        return np.float32(kernel.leak_rate * default)
    return (np.float32(kernel.leak_rate) * dt).astype(np.float32)


def ltc_step(x, drive, kernel, work, dt=None):
    """One sample of the LTC: ``unfolds`` fused semi-implicit Euler steps.

    ``x <- (x + h (s(x) @ W_E.T + drive)) / (1 + h (1/tau + s(x) @ |W|.T))``
    with ``s`` the synaptic gate and ``h = leak_rate * dt / unfolds``; the
    input (``drive``) is held over the sample.

    Parameters as in :func:`esn_step`; ``work`` has shape (batch, 2 n_units)
    and ``dt`` (default: the ``step`` option) is used.
    """
    p = kernel.params
    n = x.shape[1]
    h = _elapsed(kernel, dt, p["step"]) / np.float32(p["unfolds"])   # scalar or (batch, 1)
    h_inv_tau = h * p["inv_tau"]                   # (n_units,) or (batch, n_units)
    current, conductance = work[:, :n], work[:, n:]
    for _ in range(p["unfolds"]):
        np.matmul(ltc_gate(x), kernel.recurrent, out=work)   # (batch, 2 n_units)
        current += drive
        current *= h
        x += current                               # x + h (W_E s + d)
        conductance *= h
        conductance += 1.0
        conductance += h_inv_tau                   # 1 + h (1/tau + |W| s)
        x /= conductance


def cfc_step(x, drive, kernel, work, dt=None):
    """One closed-form step: ``x = h + sigmoid(-f Δ) (g - h)``, ``Δ = leak_rate * dt``.

    ``work`` has shape (batch, 3 n_units): pre-activations of f, g, h; ``dt``
    (default: the ``time`` option) is used.  Parameters otherwise as in
    :func:`esn_step`.
    """
    n = x.shape[1]
    np.matmul(x, kernel.recurrent, out=work)      # (batch, 3 n_units)
    work += drive
    f, g, h = work[:, :n], work[:, n:2 * n], work[:, 2 * n:]
    f *= -_elapsed(kernel, dt, kernel.params["time"])
    expit(f, out=f)                                # time gate sigmoid(-f Δ)
    np.tanh(g, out=g)
    np.tanh(h, out=h)
    g -= h
    g *= f
    np.add(h, g, out=x)


def ltc_effective_tau(reservoir, states):
    """Time constant ``1 / (1/tau + |W| s(x))`` of every LTC neuron over time.

    The synaptic gates are evaluated at the start of each sample,
    ``s(x[t-1])``; the input enters as a current, so it moves the time
    constants through the states it drives.

    Parameters
    ----------
    reservoir : Reservoir
        With ``cell="ltc"``.
    states : ndarray of shape (n_steps, n_units)
        A trajectory from :func:`lnn_core.engine.states.run_states`.

    Returns
    -------
    ndarray of shape (n_steps, n_units)
        Between ``tau / (1 + tau sum_j |W_ij|)`` (every synapse open) and ``tau``
        (every synapse shut).
    """
    if reservoir.cell != "ltc":
        raise ValueError(f"effective time constants exist for cell 'ltc' only, got {reservoir.cell!r}")
    previous = np.vstack([np.zeros((1, reservoir.n_units), np.float32), states[:-1]])
    conductance = ltc_gate(previous) @ np.abs(reservoir.W).T
    return 1.0 / (1.0 / reservoir.cell_params["tau"] + conductance)
