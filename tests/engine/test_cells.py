"""The neuron types against independent references, and every parameter acting on every cell."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from lnn_core import DataError, collect_features, make_reservoir, run_states
from lnn_core.data import datasets
from lnn_core.engine.metrics import state_swing

SINE = datasets.generate("Mixed sines", 300).values          # the Liquid page's sine


def ltc_rhs(res, u_t):
    """``dx/dt`` of the LTC written from its definition, synapse by synapse, in float64."""
    W = res.W.astype(np.float64)
    E = np.where(W > 0, 1.0, -1.0)                             # reversal potentials, range (-1, 1)
    tau = res.cell_params["tau"].astype(np.float64)
    drive = res.W_in.astype(np.float64) @ u_t + res.bias

    def rhs(_t, x):
        gate = 1.0 / (1.0 + np.exp(-4.0 * (x - 0.3)))            # opening of each sender's synapses
        synaptic = (np.abs(W) * gate[None, :] * (E - x[:, None])).sum(axis=1)
        return -x / tau + synaptic + drive
    return rhs


def test_ltc_fused_solver_converges_to_a_fine_ode_integration():
    """The fused solver is first order: its error at the end of each sample halves with h.

    The reference integrates the ODE sample by sample with the input held
    (RK45, rtol 1e-10).  A first-order method lands within ~C h of it; here
    C ~ 0.2 (measured with step 1: 7.6e-3, 3.8e-3, 1.9e-3 at 25, 50, 100
    unfolds, states up to 0.99), so 4e-3 at 100 unfolds bounds twice the
    measured error, far above float32 round-off (~1e-6).
    """
    res = make_reservoir(6, 1, spectral_radius=0.9, density=0.5, input_scaling=0.5, seed=3,
                         cell="ltc")
    u = np.random.default_rng(0).uniform(-1, 1, (8, 1))
    x, reference = np.zeros(6), []
    for u_t in u:
        x = solve_ivp(ltc_rhs(res, u_t), (0.0, res.cell_params["step"]), x, rtol=1e-10,
                      atol=1e-12).y[:, -1]
        reference.append(x)
    reference = np.array(reference)
    errors = [np.abs(run_states(make_reservoir(6, 1, spectral_radius=0.9, density=0.5,
                                               input_scaling=0.5, seed=3, cell="ltc",
                                               unfolds=n), u) - reference).max()
              for n in (25, 50, 100)]
    assert errors[2] < 4e-3
    assert 1.6 < errors[0] / errors[1] < 2.4 and 1.6 < errors[1] / errors[2] < 2.4


def test_cfc_closed_form_equals_its_equation_with_the_elapsed_time():
    res = make_reservoir(20, 2, spectral_radius=0.8, seed=4, cell="cfc", leak_rate=0.7)
    p = res.cell_params
    rng = np.random.default_rng(1)
    u, dt = rng.standard_normal((15, 2)), rng.uniform(0.2, 2.0, 15)
    x, expected = np.zeros(20), []
    for u_t, dt_t in zip(u, dt):
        f = p["W_f"] @ x + p["W_in_f"] @ u_t + p["bias_f"]
        g = np.tanh(res.W @ x + res.W_in @ u_t + res.bias)
        h = np.tanh(p["W_h"] @ x + p["W_in_h"] @ u_t + p["bias_h"])
        gate = 1.0 / (1.0 + np.exp(f * 0.7 * dt_t))                # sigmoid(-f Δ), Δ = leak · dt
        x = gate * g + (1 - gate) * h
        expected.append(x)
    np.testing.assert_allclose(run_states(res, u, dt=dt), expected, atol=2e-5)


@pytest.mark.parametrize("rho", [0.5, 0.9, 1.5])
def test_cfc_heads_have_exactly_the_target_spectral_radius(rho):
    """Was 0.923 / 0.905 for a target 0.9: the heads reused the main draw's scale."""
    res = make_reservoir(300, 1, spectral_radius=rho, seed=0, cell="cfc")
    for head in ("W_f", "W_h"):
        radius = np.max(np.abs(np.linalg.eigvals(res.cell_params[head].astype(np.float64))))
        assert radius == pytest.approx(rho, rel=1e-5)


def spread(cell, seed=0, **kwargs):
    res = make_reservoir(300, 1, input_scaling=0.5, seed=seed, cell=cell, **kwargs)
    return state_swing(run_states(res, SINE), washout=50)


def test_ltc_neurons_move_at_the_defaults_and_the_spectral_radius_matters():
    """Was ESN 0.17, LTC 0.005, and the LTC the same at every radius (0.0053 / 0.0054 / 0.0053).

    The property is asked of the cell, not of one draw, so it is checked on the median
    over five reservoirs (seeds 0-4).  Measured: LTC / ESN spread 0.354, 0.425, 0.415,
    0.376, 0.445 (median 0.415, a quarter above the one-third asked); LTC spread at
    radius 0.5 over that at 1.5: 1.73, 1.68, 1.62, 1.78, 1.82 (median 1.73, every one
    above the 1.5 asked).
    """
    seeds = range(5)
    ratios = [spread("ltc", seed) / spread("esn", seed) for seed in seeds]
    assert np.median(ratios) >= 1 / 3
    changes = []
    for seed in seeds:
        low, high = (spread("ltc", seed, spectral_radius=rho) for rho in (0.5, 1.5))
        changes.append(max(low, high) / min(low, high))
    assert np.median(changes) >= 1.5


@pytest.mark.parametrize("cell", ["esn", "ltc", "cfc"])
def test_leak_rate_changes_the_states_of_every_cell(cell):
    """Was: identical LTC and CfC states for leak rates 1.0 and 0.1."""
    fast = run_states(make_reservoir(100, 1, seed=0, cell=cell, leak_rate=1.0), SINE)
    slow = run_states(make_reservoir(100, 1, seed=0, cell=cell, leak_rate=0.1), SINE)
    assert np.abs(fast - slow).max() > 0.05


@pytest.mark.parametrize("cell, option", [("ltc", "step"), ("cfc", "time")])
def test_elapsed_time_is_used_by_the_liquid_cells(cell, option):
    res = make_reservoir(50, 1, seed=0, cell=cell, **{option: 0.8})
    u = SINE[:60]
    default = run_states(res, u)
    np.testing.assert_allclose(run_states(res, u, dt=np.full(60, 0.8)), default, atol=1e-6)
    shorter = run_states(res, u, dt=np.full(60, 0.3))
    irregular = run_states(res, u, dt=np.random.default_rng(0).uniform(0.2, 1.8, 60))
    assert np.abs(shorter - default).max() > 0.02 and np.abs(irregular - default).max() > 0.02


def test_the_esn_ignores_elapsed_time():
    res = make_reservoir(50, 1, seed=0)
    np.testing.assert_array_equal(run_states(res, SINE[:60], dt=np.full(60, 0.3)),
                                  run_states(res, SINE[:60]))


@pytest.mark.parametrize("cell", ["ltc", "cfc"])
def test_each_sequence_integrates_its_own_elapsed_times(cell):
    """A ragged batch with per-sequence gaps equals each sequence run alone."""
    rng = np.random.default_rng(2)
    X = [rng.standard_normal((n, 2)) for n in (5, 12, 9)]
    dt = [rng.uniform(0.1, 2.0, len(x)) for x in X]
    res = make_reservoir(30, 2, seed=1, cell=cell)
    batched = collect_features(res, X, "states", dt=dt, chunk_size=2)
    for x, d, states in zip(X, dt, batched):
        np.testing.assert_allclose(states, run_states(res, x, dt=d), atol=1e-6)


def test_elapsed_times_are_checked_with_a_sentence():
    from lnn_core.engine.states import elapsed_from_timestamps

    res = make_reservoir(10, 1, seed=0, cell="ltc")
    with pytest.raises(DataError, match=r"dt\[0\] has 3 elapsed time\(s\) but sequence 0 has 4 steps"):
        collect_features(res, np.zeros((1, 4, 1)), dt=[np.ones(3)])
    with pytest.raises(DataError, match="positive finite elapsed times"):
        collect_features(res, np.zeros((1, 4, 1)), dt=[[1.0, 0.0, 1.0, 1.0]])
    with pytest.raises(DataError, match="timestamps must increase strictly; sample 2 is at 1"):
        elapsed_from_timestamps([0.0, 1.0, 1.0])
    np.testing.assert_allclose(elapsed_from_timestamps([0.0, 0.5, 2.0]), [1.0, 0.5, 1.5])


@pytest.mark.parametrize("bidirectional", [False, True])
def test_the_classifier_reads_elapsed_time_in_fit_and_predict(bidirectional):
    from lnn_core import EchoStateClassifier
    from lnn_core.lab.irregular import irregular_sines

    data = irregular_sines(60, 20, seed=1)
    model = EchoStateClassifier(n_units=40, cell="cfc", bidirectional=bidirectional).fit(
        data.X, data.y, dt=data.dt)
    with_gaps = model.decision_function(data.X, dt=data.dt)
    assert np.abs(with_gaps - model.decision_function(data.X)).max() > 1e-3
    features = model.transform_states(data.X, dt=data.dt)
    alone = collect_features(model.reservoir_, data.X[:1], "mean+last", dt=data.dt[:1])
    np.testing.assert_allclose(features[:1, :alone.shape[1]], alone, atol=1e-6)


def test_the_regressor_reads_elapsed_time_in_fit_and_predict():
    from lnn_core import EchoStateRegressor

    u = SINE[:, None]
    dt = np.random.default_rng(0).uniform(0.2, 1.8, len(u))
    model = EchoStateRegressor(n_units=40, cell="ltc", washout=20).fit(u[:-1], u[1:, 0], dt=dt[:-1])
    assert np.abs(model.predict(u[:-1], dt=dt[:-1]) - model.predict(u[:-1])).max() > 1e-3
