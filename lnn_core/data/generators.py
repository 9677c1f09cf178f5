"""Built-in time series: test signals, chaotic systems and the NARMA-10 task.

Every generator returns a :class:`Series`.  Random ones take a ``seed``
(an int >= 0, or ``None`` for fresh randomness) and are deterministic for a
given seed; nothing touches NumPy's global random state.

:data:`GENERATORS` maps the names shown in the UI to the functions, and
:func:`generate` calls one with just ``n_steps`` and ``seed``.
"""

import inspect
import math
from dataclasses import dataclass

import numpy as np

from .._validation import check_int, check_number, check_seed

__all__ = [
    "GENERATORS",
    "Series",
    "generate",
    "impulse",
    "lorenz63",
    "mackey_glass",
    "mixed_sines",
    "narma10",
    "square_wave",
    "step",
    "white_noise",
]


@dataclass(frozen=True, eq=False)
class Series:
    """A generated time series.

    Attributes
    ----------
    values : ndarray of shape (n_steps,) or (n_steps, n_dims), float64
        The signal (for NARMA-10: the input ``u``).
    target : ndarray of shape (n_steps,) or None
        A target aligned with ``values`` (NARMA-10's ``y``), else ``None``.
    time : ndarray of shape (n_steps,), float64
        Time of each sample.
    description : str
        One sentence naming the series and its parameters.
    name : str
        Short name, as in :data:`GENERATORS`.
    """

    values: np.ndarray
    target: np.ndarray | None
    time: np.ndarray
    description: str
    name: str


def _n_steps(n_steps):
    return check_int("n_steps", n_steps, low=1)


def _readonly(*arrays):
    for array in arrays:
        if array is not None:
            array.setflags(write=False)


def _series(values, time, description, name, target=None):
    _readonly(values, time, target)
    return Series(
        values=values, target=target, time=time, description=description, name=name
    )


def mixed_sines(n_steps, periods=(8.0, 21.0, 55.0), seed=0):
    """Average of sines with random phases.

    .. math:: x_t = \\frac{1}{K} \\sum_{k=1}^{K} \\sin(2\\pi t / P_k + \\varphi_k),
              \\quad \\varphi_k \\sim U[0, 2\\pi)

    Parameters
    ----------
    n_steps : int >= 1
        Number of samples ``t = 0, …, n_steps - 1``.
    periods : sequence of float >= 2, default (8, 21, 55)
        Periods ``P_k`` in samples (below 2 a sine aliases).
    seed : int >= 0 or None, default 0
        Seed of the phases ``φ_k``.

    Returns
    -------
    Series
        ``values`` of shape (n_steps,) in [-1, 1].

    Examples
    --------
    >>> mixed_sines(100, periods=(10.0,), seed=0).values.shape
    (100,)
    """
    n_steps = _n_steps(n_steps)
    given = periods
    try:
        periods = tuple(periods)
    except TypeError:
        periods = ()
    if not periods:
        raise ValueError(
            f"periods must be a non-empty sequence of numbers >= 2, got {given!r}"
        )
    periods = np.array([check_number("periods", p, low=2) for p in periods])
    rng = np.random.default_rng(check_seed("seed", seed))
    phases = rng.uniform(0.0, 2.0 * np.pi, size=len(periods))  # (K,)
    t = np.arange(n_steps, dtype=np.float64)  # (n_steps,)
    values = np.sin(2.0 * np.pi * t[:, None] / periods + phases).mean(
        axis=1
    )  # (n_steps,)
    shown = ", ".join(f"{p:g}" for p in periods)
    return _series(
        values, t, f"Mixed sines, periods {shown}, seed {seed}", "Mixed sines"
    )


def square_wave(n_steps, period=20):
    """Square wave: +1 for the first half of each period, -1 for the second.

    .. math:: x_t = +1 \\text{ if } (t \\bmod P) < P/2 \\text{ else } -1

    Parameters
    ----------
    n_steps : int >= 1
        Number of samples.
    period : int >= 2, default 20
        Period ``P`` in samples.

    Returns
    -------
    Series
        ``values`` of shape (n_steps,) in {-1, +1}.
    """
    n_steps = _n_steps(n_steps)
    period = check_int("period", period, low=2)
    t = np.arange(n_steps, dtype=np.float64)
    values = np.where((np.arange(n_steps) % period) < period / 2, 1.0, -1.0)
    return _series(values, t, f"Square wave, period {period}", "Square wave")


def _position(n_steps, at):
    if at is None:
        return n_steps // 10
    return check_int("at", at, low=0, high=n_steps - 1)


def impulse(n_steps, at=None):
    """Unit impulse: ``x_t = 1`` if ``t == at`` else 0.

    Parameters
    ----------
    n_steps : int >= 1
        Number of samples.
    at : int in [0, n_steps - 1], optional
        Position of the impulse; default ``n_steps // 10``.

    Returns
    -------
    Series
        ``values`` of shape (n_steps,).
    """
    n_steps = _n_steps(n_steps)
    at = _position(n_steps, at)
    values = np.zeros(n_steps)
    values[at] = 1.0
    t = np.arange(n_steps, dtype=np.float64)
    return _series(values, t, f"Impulse at t = {at}", "Impulse")


def step(n_steps, at=None):
    """Unit step: ``x_t = 1`` if ``t >= at`` else 0.

    Parameters
    ----------
    n_steps : int >= 1
        Number of samples.
    at : int in [0, n_steps - 1], optional
        First sample equal to 1; default ``n_steps // 10``.

    Returns
    -------
    Series
        ``values`` of shape (n_steps,).
    """
    n_steps = _n_steps(n_steps)
    at = _position(n_steps, at)
    t = np.arange(n_steps, dtype=np.float64)
    values = (t >= at).astype(np.float64)
    return _series(values, t, f"Step at t = {at}", "Step")


def white_noise(n_steps, seed=0):
    """Gaussian white noise, ``x_t ~ N(0, 1)`` independent.

    Parameters
    ----------
    n_steps : int >= 1
        Number of samples.
    seed : int >= 0 or None, default 0
        Seed of the noise.

    Returns
    -------
    Series
        ``values`` of shape (n_steps,).
    """
    n_steps = _n_steps(n_steps)
    rng = np.random.default_rng(check_seed("seed", seed))
    values = rng.standard_normal(n_steps)
    t = np.arange(n_steps, dtype=np.float64)
    return _series(values, t, f"White noise N(0, 1), seed {seed}", "White noise")


def mackey_glass(
    n_steps,
    tau=17.0,
    beta=0.2,
    gamma=0.1,
    n=10.0,
    dt=1.0,
    seed=0,
    washout=500,
    substeps=10,
):
    """Mackey-Glass delay differential equation, sampled every ``dt``.

    .. math:: \\frac{dx}{dt} = \\beta \\frac{x(t-\\tau)}{1 + x(t-\\tau)^n} - \\gamma x(t)

    Integrated with fourth-order Runge-Kutta on a fine grid of step
    ``h = dt / substeps`` (0.1 by default); the delayed value between grid
    points is linearly interpolated from the stored history.  The history on
    ``[-τ, 0]`` is the constant ``1.2 + U(-0.1, 0.1)`` drawn from ``seed``; the
    first ``washout`` samples (the transient) are discarded.  With the
    defaults (``τ = 17``) the series is chaotic and stays within about
    [0.2, 1.4].

    Parameters
    ----------
    n_steps : int >= 1
        Number of samples returned.
    tau : float >= h, default 17
        Delay ``τ``.
    beta, gamma : float > 0, defaults 0.2 and 0.1
        Production and decay rates.
    n : float > 0, default 10
        Hill exponent.
    dt : float > 0, default 1
        Sampling interval.
    seed : int >= 0 or None, default 0
        Seed of the initial history.
    washout : int >= 0, default 500
        Samples discarded before the returned ones.
    substeps : int >= 1, default 10
        Runge-Kutta steps per sample.

    Returns
    -------
    Series
        ``values`` of shape (n_steps,); ``time = dt * arange(n_steps)``.

    Examples
    --------
    >>> mackey_glass(300, seed=0).values.shape
    (300,)
    """
    n_steps = _n_steps(n_steps)
    beta = check_number("beta", beta, low=0, low_open=True)
    gamma = check_number("gamma", gamma, low=0, low_open=True)
    n = check_number("n", n, low=0, low_open=True)
    dt = check_number("dt", dt, low=0, low_open=True)
    washout = check_int("washout", washout, low=0)
    substeps = check_int("substeps", substeps, low=1)
    h = dt / substeps
    tau = check_number("tau", tau, low=h)
    rng = np.random.default_rng(check_seed("seed", seed))
    start = 1.2 + rng.uniform(-0.1, 0.1)

    delay = tau / h  # delay in fine steps, >= 1
    if abs(delay - round(delay)) < 1e-9:
        delay = float(round(delay))
    offset = math.ceil(delay) + 1  # buffer index of t = 0
    n_fine = (washout + n_steps - 1) * substeps
    buffer = [start] * (offset + 1)  # x on the fine grid, buffer[offset + i] = x(i h)
    base = offset - delay  # buffer position of x(i h - τ) is i + base
    lo0, fr0 = math.floor(base), base - math.floor(base)
    lo_half, fr_half = math.floor(base + 0.5), base + 0.5 - math.floor(base + 0.5)

    def rate(x, x_delayed):
        return beta * x_delayed / (1.0 + abs(x_delayed) ** n) - gamma * x

    x = start
    for i in range(n_fine):
        a, b = buffer[i + lo0], buffer[i + lo0 + 1]
        delayed_now = a + fr0 * (b - a)  # x(t - τ)
        a, b = buffer[i + lo_half], buffer[i + lo_half + 1]
        delayed_half = a + fr_half * (b - a)  # x(t + h/2 - τ)
        a = buffer[i + lo0 + 1]
        b = buffer[i + lo0 + 2] if fr0 > 0 else a
        delayed_next = a + fr0 * (b - a)  # x(t + h - τ)
        k1 = rate(x, delayed_now)
        k2 = rate(x + 0.5 * h * k1, delayed_half)
        k3 = rate(x + 0.5 * h * k2, delayed_half)
        k4 = rate(x + h * k3, delayed_next)
        x += h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        buffer.append(x)
    fine = np.asarray(buffer[offset:])  # (n_fine + 1,), x(0), x(h), …
    values = fine[washout * substeps :: substeps].copy()  # (n_steps,)
    time = dt * np.arange(n_steps, dtype=np.float64)
    description = (
        f"Mackey-Glass, τ = {tau:g}, β = {beta:g}, γ = {gamma:g}, n = {n:g}, "
        f"sampled every {dt:g}, seed {seed}"
    )
    return _series(values, time, description, "Mackey-Glass")


def lorenz63(
    n_steps,
    dt=0.01,
    sigma=10.0,
    rho=28.0,
    beta=8.0 / 3.0,
    seed=0,
    washout=1000,
):
    """Lorenz-63 system integrated with fourth-order Runge-Kutta.

    .. math::
        \\dot x = \\sigma (y - x), \\quad
        \\dot y = x (\\rho - z) - y, \\quad
        \\dot z = x y - \\beta z

    The start is ``(1, 1, 1) + U(-1, 1)^3`` drawn from ``seed``; the first
    ``washout`` steps bring the state onto the attractor and are discarded.
    With the classic parameters the attractor lies within about
    ``|x| < 20``, ``|y| < 28``, ``0 < z < 50``.

    Parameters
    ----------
    n_steps : int >= 1
        Number of samples returned.
    dt : float > 0, default 0.01
        Integration (and sampling) step.
    sigma, rho, beta : float > 0, defaults 10, 28, 8/3
        System parameters.
    seed : int >= 0 or None, default 0
        Seed of the initial state.
    washout : int >= 0, default 1000
        Steps discarded before the returned ones.

    Returns
    -------
    Series
        ``values`` of shape (n_steps, 3), columns x, y, z.
    """
    n_steps = _n_steps(n_steps)
    dt = check_number("dt", dt, low=0, low_open=True)
    sigma = check_number("sigma", sigma, low=0, low_open=True)
    rho = check_number("rho", rho, low=0, low_open=True)
    beta = check_number("beta", beta, low=0, low_open=True)
    washout = check_int("washout", washout, low=0)
    rng = np.random.default_rng(check_seed("seed", seed))
    x, y, z = (1.0 + rng.uniform(-1.0, 1.0, size=3)).tolist()

    def rate(x, y, z):
        return sigma * (y - x), x * (rho - z) - y, x * y - beta * z

    values = np.empty((n_steps, 3))
    for i in range(washout + n_steps):
        if i >= washout:
            values[i - washout] = (x, y, z)
        a1, b1, c1 = rate(x, y, z)
        a2, b2, c2 = rate(x + 0.5 * dt * a1, y + 0.5 * dt * b1, z + 0.5 * dt * c1)
        a3, b3, c3 = rate(x + 0.5 * dt * a2, y + 0.5 * dt * b2, z + 0.5 * dt * c2)
        a4, b4, c4 = rate(x + dt * a3, y + dt * b3, z + dt * c3)
        x += dt / 6.0 * (a1 + 2.0 * a2 + 2.0 * a3 + a4)
        y += dt / 6.0 * (b1 + 2.0 * b2 + 2.0 * b3 + b4)
        z += dt / 6.0 * (c1 + 2.0 * c2 + 2.0 * c3 + c4)
    if not np.isfinite(values).all():
        raise ValueError(f"Lorenz-63 diverged with dt={dt:g}; use a smaller dt")
    time = dt * np.arange(n_steps, dtype=np.float64)
    description = f"Lorenz-63, σ = {sigma:g}, ρ = {rho:g}, β = {beta:.4g}, dt = {dt:g}, seed {seed}"
    return _series(values, time, description, "Lorenz-63")


def narma10(n_steps, seed=0):
    """NARMA-10 benchmark: input ``u`` and the system's output ``y``.

    .. math::
        y_{t+1} = 0.3\\, y_t + 0.05\\, y_t \\sum_{i=0}^{9} y_{t-i}
                  + 1.5\\, u_{t-9} u_t + 0.1, \\qquad u_t \\sim U[0, 0.5]

    with ``y_0 = … = y_9 = 0``.  A model reads ``u`` and must output ``y``;
    doing so needs a memory of at least ten steps.

    Parameters
    ----------
    n_steps : int >= 1
        Length of ``u`` and ``y``.
    seed : int >= 0 or None, default 0
        Seed of the input.

    Returns
    -------
    Series
        ``values = u`` and ``target = y``, both of shape (n_steps,).

    Raises
    ------
    ValueError
        If the recursion diverges (rare; try another seed).
    """
    n_steps = _n_steps(n_steps)
    rng = np.random.default_rng(check_seed("seed", seed))
    u = rng.uniform(0.0, 0.5, size=n_steps)
    y = np.zeros(n_steps)
    for t in range(9, n_steps - 1):
        window = float(y[t - 9 : t + 1].sum())  # y[t-9] + … + y[t]
        y[t + 1] = 0.3 * y[t] + 0.05 * y[t] * window + 1.5 * u[t - 9] * u[t] + 0.1
        if abs(y[t + 1]) > 1e3:
            raise ValueError(
                f"NARMA-10 diverged at t = {t + 1} for seed {seed}; try another seed"
            )
    time = np.arange(n_steps, dtype=np.float64)
    return _series(
        u, time, f"NARMA-10, u ~ U[0, 0.5], seed {seed}", "NARMA-10", target=y
    )


#: UI name -> generator function.
GENERATORS = {
    "Mixed sines": mixed_sines,
    "Square wave": square_wave,
    "Impulse": impulse,
    "Step": step,
    "White noise": white_noise,
    "Mackey-Glass": mackey_glass,
    "Lorenz-63": lorenz63,
    "NARMA-10": narma10,
}


def generate(name, n_steps, seed=0):
    """Call the generator named ``name`` with defaults, ``n_steps`` and ``seed``.

    The seed is passed only to generators that are random; deterministic ones
    ignore it.

    Parameters
    ----------
    name : str
        A key of :data:`GENERATORS`.
    n_steps : int >= 1
        Number of samples.
    seed : int >= 0 or None, default 0
        Seed for random generators.

    Returns
    -------
    Series

    Examples
    --------
    >>> generate("NARMA-10", 200, seed=1).target.shape
    (200,)
    """
    if name not in GENERATORS:
        raise ValueError(
            f"name must be one of {', '.join(map(repr, GENERATORS))}, got {name!r}"
        )
    function = GENERATORS[name]
    if "seed" in inspect.signature(function).parameters:
        return function(n_steps, seed=seed)
    return function(n_steps)
