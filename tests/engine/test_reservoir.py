"""Reservoir weights: scaling, spectrum reuse, seeds, validation."""

import warnings

import numpy as np
import pytest

from lnn_core import make_reservoir
from lnn_core.engine import reservoir
from lnn_core.engine.reservoir import (
    certified_radius,
    unscaled_recurrent,
    unscaled_spectrum,
)


@pytest.mark.parametrize("radius", [0.0, 0.5, 0.9, 1.3])
@pytest.mark.parametrize("n_units,density", [(50, 0.2), (300, 0.05), (300, 1.0)])
def test_spectral_radius_matches_target(n_units, density, radius):
    res = make_reservoir(n_units, 2, spectral_radius=radius, density=density, seed=3)
    true_radius = np.max(np.abs(np.linalg.eigvals(res.W.astype(np.float64))))
    assert true_radius == pytest.approx(radius, rel=1e-6, abs=1e-6)
    assert np.max(np.abs(res.eigenvalues)) == pytest.approx(radius, rel=1e-6, abs=1e-9)


def test_density_is_exact_fraction_of_nonzeros():
    res = make_reservoir(200, 1, density=0.07, seed=1)
    assert np.count_nonzero(res.W) == round(0.07 * 200 * 200)


def test_changing_radius_reuses_the_cached_draw():
    unscaled_recurrent.cache_clear()
    make_reservoir(120, 1, spectral_radius=0.5, seed=11)
    make_reservoir(120, 1, spectral_radius=1.1, seed=11)
    make_reservoir(120, 3, spectral_radius=0.2, seed=11, input_scaling=2.0)
    info = unscaled_recurrent.cache_info()
    assert info.misses == 1 and info.hits == 2


def test_same_seed_bit_identical_and_different_seed_differs():
    a = make_reservoir(100, 3, seed=7)
    b = make_reservoir(100, 3, seed=7)
    c = make_reservoir(100, 3, seed=8)
    for name in ("W", "W_in", "bias"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
        assert not np.array_equal(getattr(a, name), getattr(c, name))


def test_seed_zero_is_a_seed_not_randomness():
    assert np.array_equal(make_reservoir(30, 1, seed=0).W, make_reservoir(30, 1, seed=0).W)


def test_recurrent_matrix_does_not_depend_on_inputs_or_scalings():
    a = make_reservoir(80, 1, seed=5, input_scaling=0.1)
    b = make_reservoir(80, 9, seed=5, input_scaling=3.0, bias_scaling=1.0)
    assert np.array_equal(a.W, b.W)


def test_input_and_bias_ranges():
    res = make_reservoir(400, 5, input_scaling=0.3, bias_scaling=0.05, seed=2)
    assert np.abs(res.W_in).max() <= 0.3 and np.abs(res.W_in).max() > 0.29
    assert np.abs(res.bias).max() <= 0.05
    assert res.W.dtype == res.W_in.dtype == res.bias.dtype == np.float32


@pytest.mark.parametrize("kwargs", [{"n_units": 1, "density": 0.0}, {"n_units": 40, "density": 0.0}])
def test_degenerate_draw_gives_zero_radius_with_warning(kwargs):
    with pytest.warns(RuntimeWarning, match="spectral radius 0"):
        res = make_reservoir(n_inputs=1, spectral_radius=0.9, seed=0, **kwargs)
    assert res.spectral_radius == 0.0
    assert np.all(res.W == 0) and np.isfinite(res.W).all()
    assert np.all(np.abs(res.eigenvalues) == 0)


def test_single_unit_with_self_loop_is_scaled():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = make_reservoir(1, 1, spectral_radius=0.7, density=1.0, seed=0)
    assert abs(res.W[0, 0]) == pytest.approx(0.7)


@pytest.mark.parametrize("name,value,fragment", [
    ("n_units", 0, r"n_units must be a whole number in \[1, 20000\], got 0"),
    ("n_units", 2.5, "n_units must be a whole number"),
    ("spectral_radius", -0.1, r"spectral_radius must be a number in \[0, 1e\+06\], got -0.1"),
    ("spectral_radius", float("nan"), "spectral_radius must be a number in"),
    ("n_units", 10**6, r"n_units must be a whole number in \[1, 20000\]"),
    ("density", 1.5, r"density must be a number in \[0, 1\], got 1.5"),
    ("input_scaling", -1, "input_scaling must be a number in"),
    ("bias_scaling", "big", "bias_scaling must be a number in .*, got 'big'"),
    ("leak_rate", 0.0, r"leak_rate must be a number in \(0, 1\], got 0.0"),
    ("leak_rate", 1.2, r"leak_rate must be a number in \(0, 1\]"),
    ("seed", -3, "seed must be a whole number >= 0, got -3"),
    ("cell", "lstm", "cell must be one of 'esn', 'ltc', 'cfc', got 'lstm'"),
])
def test_bad_parameters_raise_clear_value_error(name, value, fragment):
    kwargs = {"n_units": 20, "n_inputs": 1, name: value}
    with pytest.raises(ValueError, match=fragment):
        make_reservoir(**kwargs)


def test_unknown_cell_option_is_named():
    with pytest.raises(ValueError, match="unknown option.*tau_range.*'esn'"):
        make_reservoir(10, 1, tau_range=(1, 2))
    with pytest.raises(ValueError, match="tau_range must be a pair"):
        make_reservoir(10, 1, cell="ltc", tau_range=(0.0, 1.0))


def _draw(n_units, density, seed):
    """The unscaled matrix of ``unscaled_recurrent``, and the generator left after drawing it."""
    rng = reservoir._child_rngs(seed)[reservoir._SLOT_W]
    weights = np.zeros(n_units * n_units)
    n_nonzero = round(density * n_units * n_units)
    where = rng.choice(n_units * n_units, size=n_nonzero, replace=False)   # as drawn there
    weights[where] = rng.standard_normal(n_nonzero)
    return weights.reshape(n_units, n_units), rng


def dense_radius(weights):
    return float(np.max(np.abs(np.linalg.eigvals(weights))))


RADIUS_GRID = [(n, density, seed) for n in (150, 400, 1000) for density in (0.01, 0.05, 0.2, 1.0)
               for seed in (0, 1)]


@pytest.mark.parametrize(("n_units", "density", "seed"), RADIUS_GRID)
def test_iterative_radius_equals_the_dense_one_to_1e_10(n_units, density, seed):
    """Certified when it answers; either way the radius used is the dense one to 1e-10.

    One certified run per draw, the one :func:`unscaled_recurrent` makes (a second
    run from another start, called directly, doubled the cost: 20.6 s of ARPACK at
    1,000 dense units under load, against 11.0 s for the dense solve).
    """
    weights, _ = _draw(n_units, density, seed)
    exact = dense_radius(weights)
    unscaled_recurrent.cache_clear()
    assert unscaled_recurrent(n_units, density, seed).radius == \
        pytest.approx(exact, rel=reservoir.RADIUS_RTOL, abs=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize(("n_units", "density", "seed"),
                         [(2000, 0.01, 0), (2000, 0.1, 1), (2000, 1.0, 0),
                          (3000, 0.01, 1), (3000, 0.1, 0), (3000, 1.0, 1)])
def test_iterative_radius_equals_the_dense_one_on_large_draws(n_units, density, seed):
    """Every size with every density once, seeds alternating: six dense solves, not twelve.

    (Both seeds of every density are checked against the dense solve at 150-1,000 units.)
    """
    weights, rng = _draw(n_units, density, seed)
    iterative = reservoir._iterative_radius(weights, rng)
    assert iterative is not None, "certificate refused: the dense solve would answer"
    assert iterative == pytest.approx(dense_radius(weights), rel=reservoir.RADIUS_RTOL, abs=0)


def test_most_draws_are_certified_without_the_dense_solve():
    certified = [reservoir._iterative_radius(*_draw(400, density, seed)) is not None
                 for density in (0.05, 0.2, 1.0) for seed in (0, 1, 2)]
    assert sum(certified) >= 8


def test_a_run_that_settles_below_the_radius_is_refused(monkeypatch):
    """ARPACK's default 20 Krylov vectors: one run lands 0.16 % low at 1,000 units, density 0.1."""
    monkeypatch.setattr(reservoir, "_N_KRYLOV", 20)
    weights, rng = _draw(1000, 0.1, 0)
    assert reservoir._iterative_radius(weights, rng) is None


def test_fallback_to_the_dense_solve_is_exact_when_certification_fails(monkeypatch):
    weights, rng = _draw(400, 0.1, 3)
    calls = []
    eigvals = np.linalg.eigvals
    monkeypatch.setattr(np.linalg, "eigvals", lambda a: calls.append(a.shape) or eigvals(a))
    monkeypatch.setattr(reservoir, "RADIUS_RTOL", -1.0)       # no certificate can pass
    radius = certified_radius(weights, rng)
    assert calls == [(400, 400)]
    assert radius == float(np.max(np.abs(eigvals(weights))))


def test_the_spectrum_is_computed_only_when_asked_for_and_cached(monkeypatch):
    unscaled_recurrent.cache_clear()
    unscaled_spectrum.cache_clear()
    calls = []
    eigvals = np.linalg.eigvals
    monkeypatch.setattr(np.linalg, "eigvals", lambda a: calls.append(a.shape) or eigvals(a))
    res = make_reservoir(300, 1, spectral_radius=0.7, density=0.1, seed=5)
    assert calls == []                                        # the radius was certified
    first = res.eigenvalues
    again = make_reservoir(300, 2, spectral_radius=1.2, density=0.1, seed=5).eigenvalues
    assert calls == [(300, 300)]
    np.testing.assert_allclose(again, first * 1.2 / 0.7, rtol=1e-12)
    assert np.max(np.abs(first)) == pytest.approx(0.7, rel=1e-9)


def test_seed_none_draws_a_fresh_reservoir_every_time():
    """Was: every unseeded reservoir shared one cached W (two unseeded fits, the same matrix)."""
    from lnn_core import EchoStateClassifier

    X, y = np.random.default_rng(0).random((30, 5, 2)), np.arange(30) % 3
    first = EchoStateClassifier(n_units=50, random_state=None).fit(X, y).reservoir_
    second = EchoStateClassifier(n_units=50, random_state=None).fit(X, y).reservoir_
    for name in ("W", "W_in", "bias"):
        assert not np.array_equal(getattr(first, name), getattr(second, name))
    assert first.seed != second.seed and isinstance(first.seed, int)
    zero = [EchoStateClassifier(n_units=50, random_state=0).fit(X, y) for _ in range(2)]
    for name in ("W", "W_in", "bias"):
        assert np.array_equal(getattr(zero[0].reservoir_, name), getattr(zero[1].reservoir_, name))
    np.testing.assert_array_equal(zero[0].coef_, zero[1].coef_)


def test_the_spectrum_of_an_unseeded_reservoir_is_its_own_after_the_cache_is_emptied():
    """Was: after the cache dropped the draw, ``eigenvalues`` drew a new matrix (0.949 for 0.9)."""
    res = make_reservoir(200, 1, spectral_radius=0.9, seed=None)
    unscaled_recurrent.cache_clear()
    unscaled_spectrum.cache_clear()
    np.testing.assert_allclose(np.sort(np.abs(res.eigenvalues)),
                               np.sort(np.abs(np.linalg.eigvals(res.W.astype(np.float64)))),
                               rtol=1e-5, atol=1e-6)
    assert np.max(np.abs(res.eigenvalues)) == pytest.approx(0.9, rel=1e-6)
