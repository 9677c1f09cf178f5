"""Figure builders: the data given is the data drawn."""

import numpy as np
import plotly.graph_objects as go
import pytest

from lnn_core.figures import story as figs


def test_digit_figure_shows_the_image_upright():
    image = np.random.default_rng(0).random((28, 28))
    fig = figs.digit_figure(image, "a digit")
    np.testing.assert_array_equal(np.asarray(fig.data[0].z), image)
    assert fig.layout.yaxis.autorange == "reversed"


def test_gallery_has_one_panel_per_image_with_its_title():
    images = np.zeros((10, 8, 8))
    titles = [f"true {i} → {9 - i}" for i in range(10)]
    fig = figs.digit_gallery_figure(images, titles, n_columns=4)
    assert len(fig.data) == 10
    assert [a.text for a in fig.layout.annotations] == titles


def test_empty_gallery_says_so():
    fig = figs.digit_gallery_figure(np.zeros((0, 28, 28)), [])
    assert fig.layout.annotations[0].text == "No images to show"


def test_confusion_figure_writes_the_counts():
    matrix = np.array([[5, 1], [0, 7]])
    fig = figs.confusion_figure(matrix, ["cat", "dog"])
    np.testing.assert_array_equal(np.asarray(fig.data[0].z), matrix)
    assert list(fig.data[0].x) == ["cat", "dog"]
    assert fig.data[0].texttemplate == "%{text}"


def test_reading_states_pairs_image_rows_with_states():
    image, states = np.zeros((28, 28)), np.random.default_rng(1).standard_normal((28, 300))
    fig = figs.reading_states_figure(image, states, n_neurons=100)
    assert np.asarray(fig.data[1].z).shape == (28, 100)
    assert fig.data[1].zmid == 0
    assert [note.text for note in fig.layout.annotations] == ["input rows", "states"]
    assert fig.layout.xaxis2.title.text == "neuron (first 100 of 300)"


def test_ladder_keeps_order_values_and_explanations():
    fig = figs.ladder_figure(["Article", "+ fix"], ["as written", "a long explanation " * 5],
                             [0.3, 0.9], reference=0.3584, reference_label="article")
    bar = fig.data[0]
    assert list(bar.x) == [0.3, 0.9]
    assert "Article" in bar.y[0] and "as written" in bar.y[0]
    assert "<br>" in bar.y[1]                            # long explanations are wrapped
    assert fig.layout.shapes[0].x0 == 0.3584


def test_accuracy_curve_has_train_and_test():
    fig = figs.accuracy_curve_figure([0.1, 1.0], [0.9, 0.95], [0.8, 0.85], "ridge", log_x=True)
    assert [t.name for t in fig.data] == ["train", "test"]
    assert list(fig.data[1].y) == [0.8, 0.85]
    assert fig.layout.xaxis.type == "log"


def test_class_scores_highlight_the_winner():
    fig = figs.class_scores_figure(range(4), [0.1, 0.7, -0.2, 0.3])
    colors = list(fig.data[0].marker.color)
    assert colors[1] != colors[0] and colors.count(colors[0]) == 3


def test_generation_marks_valid_time():
    time = np.arange(100)
    fig = figs.generation_figure(time, np.sin(time), np.sin(time), valid_steps=40)
    assert fig.data[1].name == "generated (closed loop)"
    assert fig.layout.shapes[0].x1 == 40
    assert "40 steps" in fig.layout.title.text


def test_generation_that_flies_off_keeps_the_truth_readable():
    time = np.arange(50)
    fig = figs.generation_figure(time, np.sin(time), 1e6 * np.cos(time), valid_steps=3)
    assert tuple(fig.layout.yaxis.range) == pytest.approx((-2.0, 2.0), abs=0.01)


@pytest.mark.parametrize("valid", [0, 100])
def test_generation_without_a_band_when_all_or_nothing_is_valid(valid):
    time = np.arange(100)
    fig = figs.generation_figure(time, np.sin(time), np.sin(time), valid_steps=valid)
    assert len(fig.layout.shapes) == 0


def test_trajectories_one_column_per_cell():
    states = {c: np.random.default_rng(2).standard_normal((50, 20)) for c in ("esn", "ltc", "cfc")}
    fig = figs.cell_trajectories_figure(np.arange(50), np.ones(50), states, [0, 5])
    assert len(fig.data) == 3 * (1 + 2)
    assert [a.text for a in fig.layout.annotations] == [figs.CELL_NAMES[c] for c in states]
    np.testing.assert_array_equal(fig.data[2].y, states["esn"][:, 5])


def test_effective_tau_heatmap_is_neurons_by_time_relative_to_each_mean():
    tau = 0.5 + np.random.default_rng(3).random((60, 12))
    fig = figs.effective_tau_figure(np.arange(60), np.zeros(60), tau, [3])
    heatmap = next(t for t in fig.data if isinstance(t, go.Heatmap))
    z = np.asarray(heatmap.z)
    assert z.shape == (12, 60)
    np.testing.assert_allclose(z.mean(axis=1), 0, atol=1e-9)     # each neuron around its mean
    np.testing.assert_allclose(z[3], 100 * (tau[:, 3] / tau[:, 3].mean() - 1))
    np.testing.assert_array_equal(fig.data[-1].y, tau[:, 3])      # lines stay absolute


def test_constant_time_constants_do_not_divide_by_zero():
    fig = figs.effective_tau_figure(np.arange(5), np.zeros(5), np.ones((5, 3)), [0])
    assert fig.data[1].zmax == 1.0


def test_cell_comparison_uses_percent_for_accuracy_only():
    fig = figs.cell_comparison_figure(["esn", "ltc"], [0.9, 0.8], [1.0, 2.0], "accuracy")
    assert fig.layout.yaxis.tickformat == ".0%"
    fig = figs.cell_comparison_figure(["esn", "ltc"], [0.1, 0.2], [1.0, 2.0], "NRMSE")
    assert fig.layout.yaxis.tickformat is None
    assert list(fig.data[1].y) == [1.0, 2.0]
