"""Metrics and diagnostics: accuracy, confusion, NRMSE, echo-state check, memory capacity."""

import numpy as np
import pytest

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
