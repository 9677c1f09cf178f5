"""Built-in series: shapes, seeds, physics checked against references."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from lnn_core.data.generators import (
    GENERATORS,
    Series,
    generate,
    impulse,
    lorenz63,
    mackey_glass,
    mixed_sines,
    narma10,
    square_wave,
    step,
    white_noise,
)

RANDOM = ["Mixed sines", "White noise", "Mackey-Glass", "Lorenz-63", "NARMA-10"]


@pytest.mark.parametrize("name", list(GENERATORS))
def test_every_generator_returns_a_series_of_the_right_shape(name):
    series = generate(name, 120, seed=1)
    assert isinstance(series, Series)
    assert series.name == name
    expected = (120, 3) if name == "Lorenz-63" else (120,)
    assert series.values.shape == expected
    assert series.values.dtype == np.float64
    assert series.time.shape == (120,)
    assert np.all(np.diff(series.time) > 0)
    assert np.isfinite(series.values).all()
    assert series.description
    assert not series.values.flags.writeable


@pytest.mark.parametrize("name", RANDOM)
def test_same_seed_same_series_other_seed_differs(name):
    first, again = generate(name, 200, seed=5), generate(name, 200, seed=5)
    other = generate(name, 200, seed=6)
    np.testing.assert_array_equal(first.values, again.values)
    assert not np.array_equal(first.values, other.values)


def test_seed_zero_is_a_seed():
    np.testing.assert_array_equal(
        white_noise(50, seed=0).values, white_noise(50, seed=0).values
    )
    assert not np.array_equal(
        white_noise(50, seed=0).values, white_noise(50, seed=1).values
    )


def test_generate_rejects_unknown_names():
    with pytest.raises(ValueError, match="name must be one of 'Mixed sines'"):
        generate("Sawtooth", 10)


def test_mixed_sines_matches_its_formula():
    series = mixed_sines(64, periods=(8.0, 16.0), seed=2)
    phases = np.random.default_rng(2).uniform(0.0, 2.0 * np.pi, size=2)
    t = np.arange(64)
    expected = (
        np.sin(2 * np.pi * t / 8 + phases[0]) + np.sin(2 * np.pi * t / 16 + phases[1])
    ) / 2
    np.testing.assert_allclose(series.values, expected, atol=1e-12)


def test_square_impulse_step_exact_values():
    np.testing.assert_array_equal(
        square_wave(8, period=4).values, [1, 1, -1, -1, 1, 1, -1, -1]
    )
    np.testing.assert_array_equal(impulse(5, at=2).values, [0, 0, 1, 0, 0])
    np.testing.assert_array_equal(step(5, at=2).values, [0, 0, 1, 1, 1])
    assert impulse(50).values[5] == 1.0  # default n_steps // 10


def test_white_noise_is_standard_normal():
    values = white_noise(20_000, seed=3).values
    assert abs(values.mean()) < 0.03
    assert abs(values.std() - 1.0) < 0.03


def test_mackey_glass_range_and_chaos():
    values = mackey_glass(1500, seed=0).values
    assert 0.2 < values.min() < 0.6
    assert 1.1 < values.max() < 1.5
    assert values.std() > 0.1
    assert (
        len(np.unique(np.round(values, 6))) > 1000
    )  # not periodic with a short period


def test_mackey_glass_converges_to_a_fine_step_integration():
    coarse = mackey_glass(200, washout=0, substeps=10, seed=4).values
    fine = mackey_glass(200, washout=0, substeps=100, seed=4).values
    np.testing.assert_allclose(coarse, fine, atol=1e-3)


def test_mackey_glass_without_delay_feedback_decays_exponentially():
    # beta -> tiny: dx/dt = -gamma x, so x(t) = x0 exp(-gamma t)
    series = mackey_glass(30, beta=1e-12, gamma=0.1, washout=0, seed=0)
    x0 = series.values[0]
    np.testing.assert_allclose(
        series.values, x0 * np.exp(-0.1 * series.time), rtol=1e-9
    )


def test_lorenz_stays_on_the_attractor():
    values = lorenz63(5000, seed=1).values
    x, y, z = values.T
    assert np.abs(x).max() < 25 and np.abs(y).max() < 35
    assert 0 < z.min() and z.max() < 55
    assert x.min() < -10 and x.max() > 10  # visits both wings


def _lorenz_reference(start, times):
    def rhs(_, s):
        return [
            10 * (s[1] - s[0]),
            s[0] * (28 - s[2]) - s[1],
            s[0] * s[1] - 8 / 3 * s[2],
        ]

    solution = solve_ivp(
        rhs, (0, times[-1]), start, t_eval=times, rtol=1e-12, atol=1e-12
    )
    return solution.y.T


def test_lorenz_matches_a_tight_reference_integration():
    fine = lorenz63(1001, dt=0.001, washout=0, seed=2)
    reference = _lorenz_reference(fine.values[0], fine.time)
    np.testing.assert_allclose(fine.values, reference, atol=1e-6)
    coarse = lorenz63(
        101, dt=0.01, washout=0, seed=2
    )  # the default step: RK4 error ~1e-3
    np.testing.assert_allclose(coarse.values, reference[::10], atol=5e-3)


def test_narma10_matches_a_reference_loop():
    series = narma10(400, seed=7)
    u = np.random.default_rng(7).uniform(0, 0.5, size=400)
    y = np.zeros(400)
    for t in range(9, 399):
        total = sum(y[t - i] for i in range(10))
        y[t + 1] = 0.3 * y[t] + 0.05 * y[t] * total + 1.5 * u[t - 9] * u[t] + 0.1
    np.testing.assert_array_equal(series.values, u)
    np.testing.assert_allclose(series.target, y, rtol=1e-12)
    assert np.isfinite(series.target).all()
    assert series.target.shape == (400,)


@pytest.mark.parametrize(
    ("call", "param"),
    [
        (lambda: mixed_sines(0), "n_steps"),
        (lambda: mixed_sines(10, periods=(1.0,)), "periods"),
        (lambda: mixed_sines(10, periods=()), "periods"),
        (lambda: mixed_sines(10, seed=-1), "seed"),
        (lambda: square_wave(10, period=1), "period"),
        (lambda: impulse(10, at=10), "at"),
        (lambda: step(10, at=-1), "at"),
        (lambda: white_noise(2.5), "n_steps"),
        (lambda: mackey_glass(10, tau=0.01), "tau"),
        (lambda: mackey_glass(10, beta=0), "beta"),
        (lambda: mackey_glass(10, dt=-1), "dt"),
        (lambda: mackey_glass(10, washout=-1), "washout"),
        (lambda: mackey_glass(10, substeps=0), "substeps"),
        (lambda: lorenz63(10, rho=float("nan")), "rho"),
        (lambda: lorenz63(10, seed=1.5), "seed"),
        (lambda: narma10("10"), "n_steps"),
    ],
)
def test_bad_parameters_name_the_parameter(call, param):
    with pytest.raises(ValueError, match=rf"^{param} must be"):
        call()
