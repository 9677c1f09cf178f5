"""Figures of the MNIST, time-series and liquid-neuron pages: data in, ``go.Figure`` out.

Pure Plotly builders: no Streamlit, no computation beyond arranging the
arrays they are given.  Styling that depends on the viewer (font size,
presenter mode) is left to the page.

>>> fig = accuracy_curve_figure([100, 200], [0.9, 0.95], [0.8, 0.85], "training images")
>>> [trace.name for trace in fig.data]
['train', 'test']
"""

import textwrap

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

__all__ = [
    "CELL_COLORS", "CELL_LABELS", "CELL_NAMES", "accuracy_curve_figure", "cell_comparison_figure",
    "cell_trajectories_figure", "class_scores_figure", "confusion_figure", "digit_figure",
    "digit_gallery_figure", "effective_tau_figure", "forecast_figure", "generation_figure",
    "irregular_sampling_figure", "ladder_figure", "reading_states_figure",
]

#: One colour per neuron type, used on every page.
CELL_COLORS = {"esn": "#636EFA", "ltc": "#00A67E", "cfc": "#EF553B"}
#: Short label of each neuron type (axes, legends).
CELL_LABELS = {"esn": "ESN", "ltc": "LTC", "cfc": "CfC"}
#: Display name of each neuron type.
CELL_NAMES = {"esn": "ESN (leaky tanh)", "ltc": "LTC (liquid time constant)",
              "cfc": "CfC (closed form)"}
_TRUE_COLOR, _PRED_COLOR, _TRAIN_COLOR, _TEST_COLOR = "#222222", "#EF553B", "#636EFA", "#EF553B"
_INPUT_COLOR = "#7F7F7F"
_GRAY = [[0.0, "white"], [1.0, "black"]]


# ----------------------------------------------------------------------------- MNIST

def digit_figure(image, title=""):
    """One grey-scale image, ink black on white.

    Parameters
    ----------
    image : ndarray of shape (height, width), values in [0, 1]
    title : str
    """
    fig = go.Figure(go.Heatmap(z=np.asarray(image), colorscale=_GRAY, zmin=0, zmax=1,
                               showscale=False, hovertemplate="row %{y}, column %{x}: "
                               "%{z:.2f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", scaleanchor="x", showticklabels=False)
    fig.update_xaxes(showticklabels=False, constrain="domain")
    fig.update_layout(title=title, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def digit_gallery_figure(images, titles, n_columns=8):
    """Small multiples of images, each with a title (e.g. "true 4 → 9").

    Parameters
    ----------
    images : ndarray of shape (n_images, height, width), values in [0, 1]
    titles : sequence of str, length n_images
    n_columns : int
    """
    images = np.asarray(images)
    if len(images) == 0:
        fig = go.Figure()
        fig.add_annotation(text="No images to show", showarrow=False, font={"size": 16})
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return fig
    n_columns = min(n_columns, len(images))
    n_rows = -(-len(images) // n_columns)
    fig = make_subplots(n_rows, n_columns, subplot_titles=list(titles),
                        horizontal_spacing=0.02, vertical_spacing=0.12 / n_rows)
    for i, image in enumerate(images):
        fig.add_trace(go.Heatmap(z=image, colorscale=_GRAY, zmin=0, zmax=1, showscale=False,
                                 hoverinfo="skip"), i // n_columns + 1, i % n_columns + 1)
        suffix = "" if i == 0 else str(i + 1)
        fig.layout[f"yaxis{suffix}"].scaleanchor = f"x{suffix}"     # square pixels
    fig.update_yaxes(autorange="reversed", showticklabels=False, showgrid=False, ticks="",
                     zeroline=False, constrain="domain")
    fig.update_xaxes(showticklabels=False, showgrid=False, ticks="", zeroline=False,
                     constrain="domain")
    fig.update_annotations(font_size=13)
    fig.update_layout(height=max(180, 150 * n_rows), margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def confusion_figure(matrix, labels, title="Confusion matrix (test set)"):
    """Counts of true (rows) against predicted (columns) labels, with the counts written in.

    Parameters
    ----------
    matrix : ndarray of shape (n_labels, n_labels)
        ``matrix[i, j]``: samples of class ``labels[i]`` predicted ``labels[j]``.
    labels : sequence, length n_labels
    """
    names = [str(label) for label in labels]
    matrix = np.asarray(matrix)
    fig = go.Figure(go.Heatmap(
        z=matrix, x=names, y=names, colorscale="Blues", text=matrix, texttemplate="%{text}",
        hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>",
        colorbar={"title": "count"}))
    fig.update_xaxes(title="predicted", type="category", side="bottom")
    fig.update_yaxes(title="true", type="category", autorange="reversed")
    fig.update_layout(title=title)
    return fig


def reading_states_figure(image, states, n_neurons=None, title="Reading the digit row by row"):
    """The image beside the reservoir's states after each of its rows.

    Row ``t`` of the heatmap is the state ``x[t]`` after reading image row
    ``t``: the network's memory of the digit so far.  The subplot titles are
    short ("input rows", "states": the number of neurons is in the x-axis
    title) so that at 18 px, over a chart half a 1280-pixel screen wide, they
    stay clear of each other (a 69-pixel image column, a 161-pixel states column).

    Parameters
    ----------
    image : ndarray of shape (n_rows, width), in [0, 1]
    states : ndarray of shape (n_rows, n_units)
    n_neurons : int, optional
        Show only the first ``n_neurons`` neurons (all by default).
    """
    n_units = np.shape(states)[1]
    states = np.asarray(states)[:, :n_neurons]
    shown = states.shape[1]
    fig = make_subplots(1, 2, column_widths=[0.3, 0.7], horizontal_spacing=0.06,
                        subplot_titles=("input rows", "states"))
    fig.add_trace(go.Heatmap(z=image, colorscale=_GRAY, zmin=0, zmax=1, showscale=False,
                             hovertemplate="row %{y}, pixel %{x}: %{z:.2f}<extra></extra>"),
                  1, 1)
    limit = float(np.max(np.abs(states))) or 1.0
    fig.add_trace(go.Heatmap(z=states, colorscale="RdBu", zmid=0, zmin=-limit, zmax=limit,
                             colorbar={"title": "state"},
                             hovertemplate="after row %{y}, neuron %{x}: %{z:.3f}<extra></extra>"),
                  1, 2)
    fig.update_yaxes(autorange="reversed", title="row (time step)", row=1, col=1)
    fig.update_yaxes(autorange="reversed", showticklabels=False, row=1, col=2)
    fig.update_xaxes(showticklabels=False, row=1, col=1)
    fig.update_xaxes(title="neuron" if shown == n_units else f"neuron (first {shown} of {n_units})",
                     row=1, col=2)
    fig.update_layout(title=title)
    return fig


def ladder_figure(names, explanations, accuracies, reference=None, reference_label=""):
    """The article's baseline and each fix's test accuracy, one bar per rung.

    Parameters
    ----------
    names, explanations : sequence of str
        Short label and one-sentence explanation of each rung, written under its name.
    accuracies : sequence of float in [0, 1]
    reference : float, optional
        A dashed line, e.g. the accuracy the article reports.
    reference_label : str
    """
    labels = [f"<b>{name}</b><br><span style='font-size:11px;color:#555'>"
              + "<br>".join(textwrap.wrap(text, 52)) + "</span>"
              for name, text in zip(names, explanations)]
    colors = ["#B0B0B0"] + ["#00A67E"] * (len(labels) - 1)
    fig = go.Figure(go.Bar(x=list(accuracies), y=labels, orientation="h", marker_color=colors,
                           text=[f"{a:.1%}" for a in accuracies], textposition="outside",
                           cliponaxis=False, hovertemplate="%{x:.1%}<extra></extra>"))
    if reference is not None:
        fig.add_vline(x=reference, line_dash="dash", line_color="#EF553B",
                      annotation_text=reference_label, annotation_position="top")
    fig.update_xaxes(title="test accuracy", range=[0, 1.08], tickformat=".0%")
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(title="From the article's method to a working reservoir, one fix at a time",
                      height=110 + 95 * len(labels), showlegend=False)
    return fig


def accuracy_curve_figure(x, train, test, x_title, log_x=False, title=None):
    """Train and test accuracy against a training-set size or a hyperparameter.

    Parameters
    ----------
    x : sequence of float
    train, test : sequence of float in [0, 1], same length as ``x``
    x_title : str
    log_x : bool
    """
    fig = go.Figure()
    for name, values, color in (("train", train, _TRAIN_COLOR), ("test", test, _TEST_COLOR)):
        fig.add_trace(go.Scatter(x=list(x), y=list(values), name=name, mode="lines+markers",
                                 line={"color": color, "width": 3},
                                 hovertemplate=f"{x_title} %{{x}}: %{{y:.1%}}"
                                               f"<extra>{name}</extra>"))
    fig.update_xaxes(title=x_title, type="log" if log_x else "linear")
    if log_x:      # label the measured points only: no "2 3 4" minor labels between decades
        fig.update_xaxes(tickvals=list(x), ticktext=[f"{v:,g}" for v in x])
    fig.update_yaxes(title="accuracy", tickformat=".0%")
    fig.update_layout(title=title or f"Accuracy against {x_title}", hovermode="x unified",
                      legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1,
                              "xanchor": "right"})
    return fig


def class_scores_figure(classes, scores, title="Readout score of each class"):
    """Readout output of each class for one input; the winner highlighted.

    Parameters
    ----------
    classes : sequence, length n_classes
    scores : sequence of float, length n_classes
    """
    scores = np.asarray(scores, dtype=float)
    winner = int(np.argmax(scores))
    colors = ["#00A67E" if i == winner else "#B0B0B0" for i in range(len(scores))]
    fig = go.Figure(go.Bar(x=[str(c) for c in classes], y=scores, marker_color=colors,
                           hovertemplate="class %{x}: %{y:.3f}<extra></extra>"))
    fig.update_xaxes(title="class", type="category")
    fig.update_yaxes(title="score")
    fig.update_layout(title=title, showlegend=False)
    return fig


# ----------------------------------------------------------------------------- time series

def forecast_figure(time, truth, predicted, title="Prediction on the test part", *,
                    baseline=None, x_title="time step", y_title="value"):
    """True and predicted series on one axis, with a baseline's forecast if given.

    Parameters
    ----------
    time : sequence, length n_steps
        Step numbers, or the file's dates or years.
    truth, predicted : ndarray of shape (n_steps,)
    baseline : (str, ndarray of shape (n_steps,)), optional
        A reference forecast and its name, drawn thin and grey.
    x_title, y_title : str
        Axis titles.
    """
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=time, y=truth, name="true", line={"color": _TRUE_COLOR, "width": 2}))
    fig.add_trace(go.Scatter(x=time, y=predicted, name="predicted",
                             line={"color": _PRED_COLOR, "width": 2, "dash": "dot"}))
    if baseline is not None:
        name, values = baseline
        fig.add_trace(go.Scatter(x=time, y=values, name=name,
                                 line={"color": "#9E9E9E", "width": 1, "dash": "dash"}))
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(title=y_title)
    fig.update_layout(title=title, hovermode="x unified",
                      legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1,
                              "xanchor": "right"})
    return fig


def generation_figure(time, truth, generated, valid_steps, title=None):
    """Closed-loop generation against the truth, with the valid time marked.

    Parameters
    ----------
    time : sequence, length n_steps
    truth, generated : ndarray of shape (n_steps,)
    valid_steps : int
        Steps before the error first exceeds the threshold.
    """
    fig = forecast_figure(time, truth, generated, title or
                          f"The model running on its own: valid for {valid_steps} steps")
    fig.data[1].name = "generated (closed loop)"
    low, high = float(np.min(truth)), float(np.max(truth))
    margin = 0.5 * (high - low) or 1.0
    fig.update_yaxes(range=[low - margin, high + margin])   # a run that flies off stays readable
    if 0 < valid_steps < len(time):
        fig.add_vrect(x0=time[0], x1=time[valid_steps], fillcolor="#00A67E", opacity=0.08,
                      line_width=0, annotation_text="valid", annotation_position="top left")
    return fig


# ----------------------------------------------------------------------------- liquid neurons

def cell_trajectories_figure(time, inputs, trajectories, neurons, title=None):
    """The same input through each neuron type: input on top, chosen neurons below.

    Parameters
    ----------
    time : ndarray of shape (n_steps,)
    inputs : ndarray of shape (n_steps,)
    trajectories : dict of str to ndarray of shape (n_steps, n_units)
        Keyed by cell (``"esn"``, ``"ltc"``, ``"cfc"``).
    neurons : sequence of int
        Indices of the neurons drawn.
    """
    cells = list(trajectories)
    fig = make_subplots(2, len(cells), shared_xaxes=True, row_heights=[0.25, 0.75],
                        vertical_spacing=0.06, horizontal_spacing=0.05,
                        subplot_titles=[CELL_NAMES.get(c, c) for c in cells])
    for col, cell in enumerate(cells, start=1):
        fig.add_trace(go.Scatter(x=time, y=inputs, name="input", showlegend=col == 1,
                                 line={"color": _INPUT_COLOR, "width": 2}), 1, col)
        states = np.asarray(trajectories[cell])
        for k, neuron in enumerate(neurons):
            fig.add_trace(go.Scatter(x=time, y=states[:, neuron], name=f"neuron {neuron}",
                                     legendgroup=f"neuron {neuron}", showlegend=col == 1,
                                     line={"width": 1.8, "color": _neuron_color(k)}), 2, col)
        fig.update_yaxes(title="input" if col == 1 else None, row=1, col=col)
        fig.update_yaxes(title="state" if col == 1 else None, row=2, col=col)
        fig.update_xaxes(title="time step", row=2, col=col)
    fig.update_layout(title=title, hovermode="x unified",
                      legend={"orientation": "h", "y": -0.18, "yanchor": "top"})
    return fig


def effective_tau_figure(time, inputs, effective_tau, neurons, title=None):
    """The LTC's effective time constants moving with the input.

    Three rows sharing the time axis: the input; a heatmap of every neuron's
    effective time constant relative to its own average over the run (so
    the input-driven changes show, not the spread of base time constants);
    the chosen neurons' effective time constants as lines.

    Parameters
    ----------
    time : ndarray of shape (n_steps,)
    inputs : ndarray of shape (n_steps,)
    effective_tau : ndarray of shape (n_steps, n_units)
    neurons : sequence of int
    """
    tau = np.asarray(effective_tau, dtype=float)
    change = 100 * (tau / tau.mean(axis=0) - 1)                  # % from each neuron's mean
    limit = float(np.max(np.abs(change))) or 1.0
    fig = make_subplots(3, 1, shared_xaxes=True, row_heights=[0.2, 0.45, 0.35],
                        vertical_spacing=0.04)
    fig.add_trace(go.Scatter(x=time, y=inputs, name="input",
                             line={"color": _INPUT_COLOR, "width": 2}), 1, 1)
    fig.add_trace(go.Heatmap(x=time, z=change.T, colorscale="RdBu_r", zmid=0, zmin=-limit,
                             zmax=limit, name="τ_eff change",
                             colorbar={"title": "% from mean", "len": 0.45, "y": 0.55},
                             hovertemplate="t %{x}, neuron %{y}: %{z:+.1f} %<extra></extra>"),
                  2, 1)
    for k, neuron in enumerate(neurons):
        fig.add_trace(go.Scatter(x=time, y=tau[:, neuron], name=f"neuron {neuron}",
                                 line={"width": 1.8, "color": _neuron_color(k)}), 3, 1)
    fig.update_yaxes(title="input", row=1, col=1)
    fig.update_yaxes(title="neuron", row=2, col=1)
    fig.update_yaxes(title="τ_eff", row=3, col=1)
    fig.update_xaxes(title="time step", row=3, col=1)
    fig.update_layout(title=title or "Effective time constant 1/(1/τ + Σ|W|·s(x)) of each LTC neuron: "
                      "faster (blue) or slower (red) than its average",
                      legend={"orientation": "h", "y": -0.12, "yanchor": "top"})
    return fig


def cell_comparison_figure(cells, scores, seconds, score_name):
    """Score and run time of each neuron type on one task, side by side.

    Parameters
    ----------
    cells : sequence of str
        ``"esn"``, ``"ltc"``, ``"cfc"``.
    scores : sequence of float
        Test accuracy (higher is better) or NRMSE (lower is better).
    seconds : sequence of float
        Training and testing time.
    score_name : str
        ``"accuracy"`` or ``"NRMSE"``, the title of the first panel.
    """
    names = [CELL_LABELS.get(c, c) for c in cells]
    colors = [CELL_COLORS.get(c, _INPUT_COLOR) for c in cells]
    better = "higher is better" if score_name == "accuracy" else "lower is better"
    fig = make_subplots(1, 2, subplot_titles=(f"test {score_name} ({better})", "run time (s)"),
                        horizontal_spacing=0.12)
    fmt = ".1%" if score_name == "accuracy" else ".3f"
    fig.add_trace(go.Bar(x=names, y=scores, marker_color=colors, texttemplate=f"%{{y:{fmt}}}",
                         textposition="outside", cliponaxis=False), 1, 1)
    fig.add_trace(go.Bar(x=names, y=seconds, marker_color=colors, texttemplate="%{y:.2f} s",
                         textposition="outside", cliponaxis=False), 1, 2)
    if score_name == "accuracy":
        fig.update_yaxes(tickformat=".0%", range=[0, 1.1], row=1, col=1)
    fig.update_layout(showlegend=False, title="The three neuron types on one task")
    return fig


def irregular_sampling_figure(times, values, models, samplings, scores, legend=None,
                              score_name="accuracy"):
    """One irregularly sampled sequence, and each model's score per sampling scheme.

    Parameters
    ----------
    times, values : ndarray of shape (n_samples,)
        One sequence's sample times and values.
    models, samplings : sequence of str
        Model label and sampling scheme of each score.
    scores : sequence of float
        Test score of each (model, sampling).
    legend : dict of str to str, optional
        Legend entry of each sampling scheme; default "<scheme> sampling".
    score_name : {"accuracy", "NRMSE"}, default "accuracy"
        What the scores are: an accuracy (higher is better, in %) or a
        forecast's NRMSE (lower is better).
    """
    accuracy = score_name == "accuracy"
    fig = make_subplots(1, 2, column_widths=[0.4, 0.6], horizontal_spacing=0.1,
                        subplot_titles=("one sequence, read at irregular times",
                                        "test accuracy (higher is better)" if accuracy else
                                        "test NRMSE (lower is better)"))
    fig.add_trace(go.Scatter(x=times, y=values, mode="lines+markers", name="samples",
                             line={"color": _INPUT_COLOR, "width": 1}, showlegend=False), 1, 1)
    palette = {"regular": "#B6B6B6", "irregular": "#636EFA", "Δt = 1": "#B6B6B6",
               "file's times": "#636EFA"}
    for sampling in dict.fromkeys(samplings):
        picked = [(m, a) for m, s, a in zip(models, samplings, scores) if s == sampling]
        fig.add_trace(go.Bar(x=[m for m, _ in picked], y=[a for _, a in picked],
                             name=(legend or {}).get(sampling, f"{sampling} sampling"),
                             marker_color=palette.get(sampling),
                             texttemplate="%{y:.1%}" if accuracy else "%{y:.3g}",
                             textposition="outside", cliponaxis=False),
                      1, 2)
    fig.update_xaxes(title="time", row=1, col=1)
    fig.update_yaxes(title="value", row=1, col=1)
    if accuracy:
        fig.update_yaxes(tickformat=".0%", range=[0, 1.12], row=1, col=2)
    fig.update_layout(barmode="group", title="Irregular sampling: elapsed time as input",
                      legend={"orientation": "h", "y": -0.15, "yanchor": "top"})
    return fig


def _neuron_color(k):
    palette = ("#636EFA", "#EF553B", "#00A67E", "#AB63FA", "#FFA15A", "#19D3F3", "#FF6692",
               "#B6E880")
    return palette[k % len(palette)]
