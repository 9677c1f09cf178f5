"""Update rules, one per neuron type.  Each is one step; the loop lives in states.

Every cell reads a pre-activation ``z = x[t-1] @ R + d[t]`` where ``R`` is the
(stacked) recurrent matrix and ``d[t] = u[t] @ I + c`` the input drive, which
:mod:`lnn_core.engine.states` computes for a whole chunk of sequences at once.

``"esn"``, leaky-integrator echo-state network::

    x[t] = (1 - a) x[t-1] + a tanh(W_in u[t] + W x[t-1] + b)

``"ltc"``, liquid time-constant network (Hasani et al., AAAI 2021)::

    dx/dt = -[1/tau + f(x, u)] * x + f(x, u) * A,   f = sigmoid(W x + W_in u + b)

solved per input step by ``L`` unfolds of the fused semi-implicit Euler step
``x <- (x + dt f A) / (1 + dt (1/tau + f))`` with ``dt = step / L``.  Each
neuron's effective time constant ``tau / (1 + tau f)`` moves with the input:
the "liquid" part.  The fused step is a weighted average of ``x``, ``A`` and 0,
so a state that starts between 0 and ``A`` stays there.

``"cfc"``, closed-form continuous-time cell (Hasani et al., Nat. Mach. Intell.
2022)::

    x[t] = sigmoid(-f t) * g + (1 - sigmoid(-f t)) * h

with ``f, g = tanh(.), h = tanh(.)`` fixed random linear heads of
``[x[t-1], u[t]]`` and ``t`` the ``time`` option.
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from .._validation import check_int, check_number

__all__ = ["CellKernel", "make_cell_params", "kernel_for", "esn_step", "ltc_step", "cfc_step",
           "ltc_effective_tau", "CELL_DEFAULTS"]

#: Options of each cell and their defaults.
CELL_DEFAULTS = {
    "esn": {},
    "ltc": {"tau_range": (0.5, 5.0), "reversal_range": (-1.0, 1.0), "step": 1.0, "unfolds": 6},
    "cfc": {"time": 1.0},
}


def make_cell_params(cell, n_units, n_inputs, draw, scale, rng, *, input_scaling=1.0,
                     bias_scaling=0.2, **options):
    """Draw the fixed extra parameters of a cell.

    Parameters
    ----------
    cell : {"esn", "ltc", "cfc"}
    n_units, n_inputs : int
    draw : RecurrentDraw
        The unscaled recurrent draw (for the CfC's extra heads' density).
    scale : float
        Factor that brings the unscaled draw to the target spectral radius.
    rng : numpy.random.Generator
        The cell's own child generator.
    input_scaling, bias_scaling : float
        Ranges of the CfC's extra input heads and biases.
    **options
        ``"ltc"``: ``tau_range`` (low, high) > 0, ``reversal_range`` (low, high),
        ``step`` > 0, ``unfolds`` >= 1.  ``"cfc"``: ``time`` >= 0.

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
        a_low, a_high = _check_range("reversal_range", opts["reversal_range"])
        step = check_number("step", opts["step"], low=0, low_open=True)
        unfolds = check_int("unfolds", opts["unfolds"], low=1, high=100)
        tau_rng, a_rng = rng.spawn(2)
        return {"tau": tau_rng.uniform(tau_low, tau_high, n_units).astype(np.float32),
                "reversal": a_rng.uniform(a_low, a_high, n_units).astype(np.float32),
                "step": step, "unfolds": unfolds,
                "tau_range": (tau_low, tau_high), "reversal_range": (a_low, a_high)}
    if cell == "cfc":
        time = check_number("time", opts["time"], low=0)
        rec_rng, in_rng, bias_rng = rng.spawn(3)
        n_nonzero = int(np.count_nonzero(draw.weights))
        heads = np.zeros((2, n_units * n_units))
        for head in heads:
            if n_nonzero:
                where = rec_rng.choice(n_units * n_units, size=n_nonzero, replace=False)
                head[where] = rec_rng.standard_normal(n_nonzero)
        heads = heads.reshape(2, n_units, n_units) * scale
        return {"W_f": heads[0].astype(np.float32), "W_h": heads[1].astype(np.float32),
                "W_in_f": in_rng.uniform(-input_scaling, input_scaling,
                                         (n_units, n_inputs)).astype(np.float32),
                "W_in_h": in_rng.uniform(-input_scaling, input_scaling,
                                         (n_units, n_inputs)).astype(np.float32),
                "bias_f": bias_rng.uniform(-bias_scaling, bias_scaling, n_units).astype(np.float32),
                "bias_h": bias_rng.uniform(-bias_scaling, bias_scaling, n_units).astype(np.float32),
                "time": time}
    return {}


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
        ``R`` in ``z = x @ R + d``; ``width`` is ``n_units`` (esn, ltc) or
        ``3 n_units`` (cfc: heads f, g, h side by side).
    input : ndarray of shape (n_inputs, width), float32
    bias : ndarray of shape (width,), float32
    step : callable
        ``step(x, drive, kernel, work)`` updates ``x`` in place, using the
        scratch array ``work`` of shape (batch, width).
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
    if reservoir.cell == "cfc":
        recurrent = np.hstack([p["W_f"].T, reservoir.W.T, p["W_h"].T])
        inputs = np.hstack([p["W_in_f"].T, reservoir.W_in.T, p["W_in_h"].T])
        bias = np.concatenate([p["bias_f"], reservoir.bias, p["bias_h"]])
        step = cfc_step
    else:
        recurrent, inputs, bias = reservoir.W.T, reservoir.W_in.T, reservoir.bias
        step = ltc_step if reservoir.cell == "ltc" else esn_step
    params = dict(p)
    if reservoir.cell == "ltc":
        params["inv_tau"] = (1.0 / p["tau"]).astype(np.float32)
    return CellKernel(np.ascontiguousarray(recurrent, dtype=np.float32),
                      np.ascontiguousarray(inputs, dtype=np.float32),
                      np.ascontiguousarray(bias, dtype=np.float32), step,
                      reservoir.leak_rate, params)


def esn_step(x, drive, kernel, work):
    """One leaky-tanh step for a batch.

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


def ltc_step(x, drive, kernel, work):
    """One input step of the LTC: ``unfolds`` fused semi-implicit Euler steps.

    ``x <- (x + dt f A) / (1 + dt (1/tau + f))``, ``f = sigmoid(x @ W.T + drive)``,
    ``dt = step / unfolds``; the input (``drive``) is held over the step.

    Parameters as in :func:`esn_step`.
    """
    p = kernel.params
    dt = np.float32(p["step"] / p["unfolds"])
    dt_inv_tau = dt * p["inv_tau"]                 # (n_units,)
    dt_a = dt * p["reversal"]
    for _ in range(p["unfolds"]):
        np.matmul(x, kernel.recurrent, out=work)  # (batch, n_units)
        work += drive
        expit(work, out=work)                      # f
        x += work * dt_a                           # x + dt f A
        work *= dt
        work += 1.0
        work += dt_inv_tau                         # 1 + dt (1/tau + f)
        x /= work


def cfc_step(x, drive, kernel, work):
    """One closed-form step: ``x = h + sigmoid(-f t) (g - h)``.

    ``work`` has shape (batch, 3 n_units): pre-activations of f, g, h.
    Parameters otherwise as in :func:`esn_step`.
    """
    n = x.shape[1]
    np.matmul(x, kernel.recurrent, out=work)      # (batch, 3 n_units)
    work += drive
    f, g, h = work[:, :n], work[:, n:2 * n], work[:, 2 * n:]
    f *= -kernel.params["time"]
    expit(f, out=f)                                # time gate sigmoid(-f t)
    np.tanh(g, out=g)
    np.tanh(h, out=h)
    g -= h
    g *= f
    np.add(h, g, out=x)


def ltc_effective_tau(reservoir, inputs, states):
    """Effective time constant ``tau / (1 + tau f)`` of every LTC neuron over time.

    The gate is evaluated at the start of each input step,
    ``f[t] = sigmoid(W x[t-1] + W_in u[t] + b)``.

    Parameters
    ----------
    reservoir : Reservoir
        With ``cell="ltc"``.
    inputs : ndarray of shape (n_steps, n_inputs)
    states : ndarray of shape (n_steps, n_units)
        The trajectory from :func:`lnn_core.engine.states.run_states` for ``inputs``.

    Returns
    -------
    ndarray of shape (n_steps, n_units)
        Between ``tau / (1 + tau)`` (gate open) and ``tau`` (gate shut).
    """
    if reservoir.cell != "ltc":
        raise ValueError(f"effective time constants exist for cell 'ltc' only, got {reservoir.cell!r}")
    inputs = np.asarray(inputs, dtype=np.float32).reshape(len(states), -1)
    previous = np.vstack([np.zeros((1, reservoir.n_units), np.float32), states[:-1]])
    gate = expit(previous @ reservoir.W.T + inputs @ reservoir.W_in.T + reservoir.bias)
    tau = reservoir.cell_params["tau"]
    return tau / (1.0 + tau * gate)
