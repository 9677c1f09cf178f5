"""Figure builders: the numbers in the traces are the numbers given."""

import numpy as np
import plotly.graph_objects as go
import pytest

from lnn_core import figures


def by_name(fig, name):
    return next(trace for trace in fig.data if trace.name == name)


@pytest.mark.parametrize("radius", [0.0, 0.5, 1.0, 1.7])
def test_circle_points_lie_on_the_circle(radius):
    x, y = figures.circle_points(radius)
    np.testing.assert_allclose(np.hypot(x, y), radius, atol=1e-12)
    assert (x[0], y[0]) == pytest.approx((x[-1], y[-1]))


def test_eigenvalue_figure_traces():
    rng = np.random.default_rng(0)
    eigenvalues = rng.standard_normal(50) + 1j * rng.standard_normal(50)
    fig = figures.eigenvalue_figure(eigenvalues, spectral_radius=1.3)
    assert isinstance(fig, go.Figure)
    unit = by_name(fig, "unit circle")
    np.testing.assert_allclose(np.hypot(unit.x, unit.y), 1.0, atol=1e-12)
    radius = by_name(fig, "spectral radius 1.3")
    np.testing.assert_allclose(np.hypot(radius.x, radius.y), 1.3, atol=1e-12)
    points = by_name(fig, "eigenvalues")
    np.testing.assert_array_equal(points.x, eigenvalues.real)
    np.testing.assert_array_equal(points.y, eigenvalues.imag)
    assert fig.layout.yaxis.scaleanchor == "x"  # a circle looks like a circle
    assert fig.layout.xaxis.range[1] == pytest.approx(1.1 * 1.3)


def test_weight_heatmap_shows_small_matrices_whole():
    weights = np.arange(12.0).reshape(3, 4) - 6
    fig = figures.weight_heatmap(weights)
    np.testing.assert_array_equal(fig.data[0].z, weights)
    assert fig.data[0].zmin == -6 and fig.data[0].zmax == 6  # symmetric around 0
    assert "all 3×4" in fig.layout.title.text


def test_weight_heatmap_takes_the_top_left_block_of_large_matrices():
    weights = np.random.default_rng(1).standard_normal((500, 500))
    fig = figures.weight_heatmap(weights, max_size=200)
    np.testing.assert_array_equal(fig.data[0].z, weights[:200, :200])
    assert "first 200×200 of 500×500" in fig.layout.title.text


def test_weight_histogram_counts_only_nonzero_weights():
    weights = np.zeros((10, 10))
    weights[0, :7] = [-1.0, -0.6, -0.2, 0.2, 0.6, 0.9, 1.0]
    fig = figures.weight_histogram(weights, n_bins=4)
    assert fig.data[0].y.sum() == 7
    assert "7 of 100" in fig.layout.title.text


def test_echo_state_figure_is_log_scaled_and_keeps_values():
    distance = np.array([1.0, 0.1, 0.01, 0.0])
    fig = figures.echo_state_figure(distance)
    assert fig.layout.yaxis.type == "log"
    np.testing.assert_array_equal(fig.data[0].y, [1.0, 0.1, 0.01, 1e-12])
    np.testing.assert_array_equal(fig.data[0].x, np.arange(4))


def test_trajectories_figure_draws_the_chosen_neurons():
    states = np.random.default_rng(2).standard_normal((30, 8))
    time = np.arange(30)
    fig = figures.trajectories_figure(time, np.sin(time), states, [1, 5])
    np.testing.assert_array_equal(by_name(fig, "input").y, np.sin(time))
    np.testing.assert_array_equal(by_name(fig, "neuron 5").y, states[:, 5])
    assert len(fig.data) == 3


def test_state_heatmap_is_neurons_by_time():
    states = np.random.default_rng(3).standard_normal((30, 250))
    fig = figures.state_heatmap(states, max_neurons=200)
    np.testing.assert_array_equal(fig.data[0].z, states[:, :200].T)
    assert "first 200 of 250" in fig.layout.title.text


def test_principal_components_match_a_known_plane():
    # a line in 5-D plus a smaller, uncorrelated (even vs odd) wiggle in another direction
    t = np.linspace(-1, 1, 200)
    direction, other = np.eye(5)[0], np.eye(5)[3]
    states = np.outer(3 * t, direction) + np.outer(0.5 * np.cos(3 * np.pi * t), other)
    projected, explained = figures.principal_components(states, 3)
    assert projected.shape == (200, 3)
    assert abs(np.corrcoef(projected[:, 0], t)[0, 1]) == pytest.approx(1.0)
    assert explained.sum() == pytest.approx(1.0)
    assert explained[2] == pytest.approx(0.0, abs=1e-12)
    # the projection keeps the variance: sum of squares equals the centred total
    centred = states - states.mean(axis=0)
    assert np.sum(projected ** 2) == pytest.approx(np.sum(centred ** 2))


def test_principal_components_of_a_constant_trajectory():
    projected, explained = figures.principal_components(np.ones((10, 4)), 2)
    np.testing.assert_array_equal(explained, 0)
    np.testing.assert_allclose(projected, 0)


@pytest.mark.parametrize("dims,trace_type", [(2, "scatter"), (3, "scatter3d")])
def test_pca_figure_dimensions(dims, trace_type):
    projected = np.random.default_rng(4).standard_normal((20, dims))
    fig = figures.pca_figure(projected, np.full(dims, 1 / dims))
    assert fig.data[0].type == trace_type
    np.testing.assert_array_equal(fig.data[0].x, projected[:, 0])


def test_memory_capacity_figure_reports_total_and_bound():
    delays, curve = np.arange(1, 6), np.array([1.0, 0.9, 0.5, 0.1, 0.0])
    fig = figures.memory_capacity_figure(delays, curve, curve.sum(), n_units=50)
    np.testing.assert_array_equal(fig.data[0].y, curve)
    assert "total 2.5" in fig.layout.title.text and "n_units = 50" in fig.layout.title.text


def test_state_animation_frames_hold_the_states():
    states = np.random.default_rng(5).uniform(-1, 1, (300, 60))
    inputs = np.linspace(0, 1, 300)
    fig = figures.state_animation(states, inputs, n_neurons=40, max_frames=50)
    assert len(fig.frames) == 50
    first, last = fig.frames[0], fig.frames[-1]
    assert (first.name, last.name) == ("0", "299")
    np.testing.assert_array_equal(last.data[0].y, states[299, :40])
    assert fig.layout.updatemenus[0].buttons[0].method == "animate"
    assert len(fig.layout.sliders[0].steps) == 50


def test_state_animation_of_a_short_run_has_one_frame_per_step():
    fig = figures.state_animation(np.zeros((5, 3)), np.zeros(5), max_frames=120)
    assert [frame.name for frame in fig.frames] == ["0", "1", "2", "3", "4"]


def test_curves_figure_overlays_each_curve():
    fig = figures.curves_figure([("a", [1, 2], [3, 4]), ("b", [1, 2, 3], [0, 1, 0])])
    assert [trace.name for trace in fig.data] == ["a", "b"]
    np.testing.assert_array_equal(fig.data[1].y, [0, 1, 0])


def test_architecture_diagram_names_its_parts():
    fig = figures.architecture_diagram(n_shown=10, seed=3)
    assert len(by_name(fig, "reservoir").x) == 10
    assert {"input", "readout", "fixed random weights", "trained weights"} <= \
        {trace.name for trace in fig.data}
