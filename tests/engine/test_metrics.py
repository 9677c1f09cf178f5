"""Metrics and diagnostics: accuracy, confusion, NRMSE, echo-state check, memory capacity."""

import numpy as np
import pytest
import sklearn.metrics

import lnn_core
from lnn_core import (
    accuracy,
    confusion_matrix,
    echo_state_check,
    make_reservoir,
    memory_capacity,
    nrmse,
    valid_time,
)
from lnn_core.engine.reservoir import Reservoir


def test_accuracy_and_confusion_matrix():
    y_true = np.array([0, 0, 1, 2, 2, 2])
    y_pred = np.array([0, 1, 1, 2, 0, 2])
    assert accuracy(y_true, y_pred) == pytest.approx(4 / 6)
    matrix, labels = confusion_matrix(y_true, y_pred)
    assert labels.tolist() == [0, 1, 2]
    assert matrix.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    with pytest.raises(ValueError, match="of one shape"):
        accuracy([1, 2], [1])


def test_nrmse_values():
    y = np.sin(np.arange(100))
    assert nrmse(y, y) == 0.0
    assert nrmse(y, np.full_like(y, y.mean())) == pytest.approx(1.0)
    assert nrmse(y, y + 0.1 * np.std(y)) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="constant target"):
        nrmse(np.ones(5), np.zeros(5))


def test_valid_time_counts_steps_within_threshold():
    truth = np.sin(np.arange(200) / 5)
    pred = truth.copy()
    pred[120:] += 1.0
    assert valid_time(truth, pred) == 120
    assert valid_time(truth, truth) == 200


def test_echo_state_check_fades_below_one_and_not_when_chaotic():
    u = np.sin(np.arange(400) / 7)
    calm = echo_state_check(make_reservoir(100, 1, spectral_radius=0.8, seed=0), u)
    wild = echo_state_check(make_reservoir(100, 1, spectral_radius=2.5, input_scaling=0.1, seed=0), u)
    assert calm.fades and calm.distance[-1] < 1e-4 and calm.distance.shape == (401,)
    assert not wild.fades and wild.distance[-1] > 0.05


def test_memory_capacity_bound_and_linear_reservoir_near_n_units():
    # near-linear: tiny inputs keep tanh in its linear range
    linear = make_reservoir(10, 1, spectral_radius=0.95, density=1.0, input_scaling=1e-3,
                            bias_scaling=0.0, seed=0)
    mc = memory_capacity(linear, n_steps=20000)
    assert 0.8 * 10 <= mc.total <= 10 + 1e-6
    assert mc.curve[0] > 0.99 and np.all((mc.curve >= 0) & (mc.curve <= 1))
    tanh = memory_capacity(make_reservoir(50, 1, spectral_radius=0.9, seed=1), n_steps=6000)
    assert 1.0 < tanh.total <= 50
    assert len(tanh.delays) == 100


def test_memory_capacity_needs_one_input():
    with pytest.raises(ValueError, match="one-input reservoir"):
        memory_capacity(make_reservoir(5, 2, seed=0))


def test_state_swing_measures_how_far_the_input_moves_the_neurons():
    """Each cell's swing on the page's sine (300 units, input scaling 0.5): ESN 0.17, LTC 0.06, CfC 0.07."""
    from lnn_core.data import datasets
    from lnn_core.engine.metrics import state_swing

    u = datasets.generate("Mixed sines", 300).values
    swing = {cell: state_swing(lnn_core.run_states(lnn_core.make_reservoir(
        300, 1, spectral_radius=0.9, input_scaling=0.5, seed=0, cell=cell), u), washout=50)
        for cell in ("esn", "ltc", "cfc")}
    assert 0.1 < swing["esn"] < 0.3 and 0.03 < swing["cfc"] < 0.15
    assert swing["esn"] / 3 <= swing["ltc"] < swing["esn"]
    assert state_swing(np.ones((10, 3))) == 0.0
    with pytest.raises(ValueError, match="states must have shape"):
        state_swing(np.ones(5))


# ---------------------------------------------------------------- issue 12: metrics that do not mislead

def _orthogonal_reservoir(n_units, spectral_radius, input_scaling, seed=0):
    """A near-linear reservoir: W = rho * Q (Q orthogonal), no bias, tiny inputs."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((n_units, n_units)))
    return Reservoir(W=(spectral_radius * q).astype(np.float32),
                     W_in=rng.uniform(-input_scaling, input_scaling, (n_units, 1)).astype(np.float32),
                     bias=np.zeros(n_units, np.float32), leak_rate=1.0, cell="esn",
                     spectral_radius=spectral_radius, scale=1.0, n_units=n_units, density=1.0,
                     seed=seed)


def _reference_memory_capacity(reservoir, max_delay, n_steps, washout=200, seed=0):
    """Independent float64 reference: own tanh loop, numpy least squares with an intercept."""
    u = np.random.default_rng(seed).uniform(-0.5, 0.5, n_steps)
    w, w_in = reservoir.W.astype(np.float64), reservoir.W_in[:, 0].astype(np.float64)
    x, states = np.zeros(reservoir.n_units), np.empty((n_steps, reservoir.n_units))
    for t in range(n_steps):
        x = np.tanh(w @ x + w_in * u[t])
        states[t] = x
    start = washout + max_delay
    n_train = (n_steps - start) // 2
    targets = np.stack([u[start - k:n_steps - k] for k in range(1, max_delay + 1)], axis=1)
    design = np.hstack([states[start:], np.ones((n_steps - start, 1))])
    coef = np.linalg.lstsq(design[:n_train], targets[:n_train], rcond=None)[0]
    predicted = design[n_train:] @ coef
    return sum(np.corrcoef(targets[n_train:, k], predicted[:, k])[0, 1] ** 2
               for k in range(max_delay))


def test_memory_capacity_matches_float64_least_squares_at_any_input_scale():
    # was 136 against the reference's 198: the fixed ridge 1e-9 swamped states of size 1e-4
    reservoir = _orthogonal_reservoir(200, 0.95, 1e-4)
    ours = memory_capacity(reservoir, max_delay=400)
    reference = _reference_memory_capacity(reservoir, 400, n_steps=200 + 400 + 2 * 2000)
    assert reference > 190
    assert ours.total == pytest.approx(reference, rel=0.05)


def test_memory_capacity_default_delays_do_not_cut_the_curve():
    # a default of at most 200 delays cut a 400-unit reservoir near rho 1 at 200
    reservoir = _orthogonal_reservoir(400, 0.98, 0.01)
    default = memory_capacity(reservoir)
    assert len(default.delays) == 800
    assert default.total > 300


def test_memory_capacity_approaches_n_units_as_the_radius_nears_one():
    totals = [memory_capacity(_orthogonal_reservoir(50, rho, 0.01), max_delay=400).total
              for rho in (0.5, 0.8, 0.95)]
    assert totals[0] < totals[1] < totals[2]
    assert totals[2] > 0.9 * 50 and totals[2] <= 50 * 1.02


def test_nrmse_is_per_channel_unless_pooled_is_asked():
    t = np.linspace(0, 20, 500)
    truth = np.stack([np.sin(t), 100 + np.sin(t)], axis=1)
    noisy = truth + np.random.default_rng(0).normal(0, 0.1, truth.shape)
    per_channel = nrmse(truth, noisy, multioutput="raw_values")
    reference = (np.sqrt(sklearn.metrics.mean_squared_error(truth, noisy, multioutput="raw_values"))
                 / truth.std(axis=0))
    np.testing.assert_allclose(per_channel, reference, rtol=1e-12)
    assert per_channel == pytest.approx([0.14, 0.14], abs=0.01)      # was 0.002 pooled
    assert nrmse(truth, noisy) == pytest.approx(per_channel.mean())
    assert nrmse(truth, noisy, multioutput="pooled") < 0.005
    with pytest.raises(ValueError, match="multioutput"):
        nrmse(truth, noisy, multioutput="median")


def test_valid_time_is_per_channel_and_the_forecast_is_valid_while_every_channel_is():
    t = np.linspace(0, 20, 500)
    truth = np.stack([np.sin(t), 100 + np.sin(t)], axis=1)
    spread = truth.std(axis=0)
    predicted = truth.copy()
    predicted[6:, 0] += 0.5 * spread[0]            # channel 0 leaves its band at step 6
    predicted[19:, 1] += 0.5 * spread[1]           # channel 1 at step 19
    assert valid_time(truth, predicted, multioutput="raw_values").tolist() == [6, 19]
    assert valid_time(truth, predicted) == 6       # was 500 of 500 (pooled spread)
    assert valid_time(truth, predicted, multioutput="pooled") == 500


def test_accuracy_and_confusion_matrix_equal_sklearn():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 4, 300), rng.integers(0, 4, 300)
    assert accuracy(y_true, y_pred) == sklearn.metrics.accuracy_score(y_true, y_pred)
    matrix, labels = confusion_matrix(y_true, y_pred)
    np.testing.assert_array_equal(matrix, sklearn.metrics.confusion_matrix(y_true, y_pred))
    assert labels.tolist() == [0, 1, 2, 3]


def test_echo_state_edge_brackets_where_the_check_stops_fading():
    inputs = np.sin(np.arange(300) / 5)

    def at(radius, input_scaling=0.5):
        return make_reservoir(80, 1, spectral_radius=radius, input_scaling=input_scaling, seed=3)

    edge = lnn_core.echo_state_edge(at, inputs)
    assert edge.found
    assert echo_state_check(at(edge.radius), inputs).fades
    assert not echo_state_check(at(edge.radius + 0.02), inputs).fades
    strong = lnn_core.echo_state_edge(lambda r: at(r, input_scaling=2.0), inputs)
    assert strong.radius > edge.radius               # a stronger input damps the state more
    calm = lnn_core.echo_state_edge(at, inputs, high=0.6)
    assert not calm.found and calm.radius == 0.6     # fades everywhere in the range searched
