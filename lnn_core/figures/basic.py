"""Pure Plotly figure builders: arrays in, ``go.Figure`` out.

Nothing here imports Streamlit or reads global state; the pages add their
own styling (font sizes, heights) on top.  Large arrays are reduced before
plotting (a sub-block of a big matrix, a few hundred time steps), and each
figure says in its title what it shows.

>>> fig = eigenvalue_figure(np.array([0.5 + 0.5j, 0.5 - 0.5j]), spectral_radius=0.71)
>>> [trace.name for trace in fig.data]
['unit circle', 'spectral radius 0.71', 'eigenvalues']
"""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

__all__ = [
    "MAX_HEATMAP",
    "architecture_diagram",
    "circle_points",
    "curves_figure",
    "echo_state_figure",
    "eigenvalue_figure",
    "memory_capacity_figure",
    "pca_figure",
    "principal_components",
    "score_bars_figure",
    "state_animation",
    "state_heatmap",
    "trajectories_figure",
    "weight_heatmap",
    "weight_histogram",
]

#: Largest side of a plotted matrix; bigger ones show their top-left block.
MAX_HEATMAP = 200
_INPUT, _RESERVOIR, _READOUT = "#2563eb", "#0f766e", "#b45309"


def architecture_diagram(n_shown=14, seed=0):
    """Input -> reservoir -> readout sketch, drawn with scatter traces.

    Parameters
    ----------
    n_shown : int, default 14
        Reservoir neurons drawn.
    seed : int, default 0
        Seed of the neuron layout and of the drawn recurrent links.

    Returns
    -------
    go.Figure
        Traces named ``input``, ``reservoir``, ``readout`` (nodes) and
        ``fixed random weights``, ``trained weights`` (links).
    """
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0, 2 * np.pi, n_shown)
    radius = np.sqrt(rng.uniform(0.05, 1, n_shown))
    res_x, res_y = 5 + 1.8 * radius * np.cos(angle), 2.2 * radius * np.sin(angle)
    inp, out = (1.0, 0.0), (9.0, 0.0)

    def segments(pairs):
        xs, ys = [], []
        for (x0, y0), (x1, y1) in pairs:
            xs += [x0, x1, None]
            ys += [y0, y1, None]
        return xs, ys

    neurons = list(zip(res_x, res_y))
    recurrent = [(neurons[i], neurons[j]) for i in range(n_shown) for j in range(n_shown)
                 if i != j and rng.uniform() < 0.15]
    fixed_x, fixed_y = segments([(inp, n) for n in neurons] + recurrent)
    read_x, read_y = segments([(n, out) for n in neurons])
    fig = go.Figure([
        go.Scatter(x=fixed_x, y=fixed_y, mode="lines", name="fixed random weights",
                   line={"color": "#94a3b8", "width": 1}, hoverinfo="skip"),
        go.Scatter(x=read_x, y=read_y, mode="lines", name="trained weights",
                   line={"color": _READOUT, "width": 1.5}, hoverinfo="skip"),
        go.Scatter(x=[inp[0]], y=[inp[1]], mode="markers+text", name="input",
                   marker={"size": 34, "color": _INPUT}, text=["input u(t)"],
                   textposition="bottom center", hoverinfo="skip"),
        go.Scatter(x=res_x, y=res_y, mode="markers", name="reservoir",
                   marker={"size": 16, "color": _RESERVOIR}, hoverinfo="skip"),
        go.Scatter(x=[out[0]], y=[out[1]], mode="markers+text", name="readout",
                   marker={"size": 34, "color": _READOUT}, text=["readout y(t)"],
                   textposition="bottom center", hoverinfo="skip"),
    ])
    fig.add_annotation(x=5, y=2.75, text="<b>reservoir</b>: fixed, random, recurrent",
                       showarrow=False)
    fig.update_xaxes(visible=False, range=[-0.6, 10.6])
    fig.update_yaxes(visible=False, range=[-3, 3.2])
    fig.update_layout(title="Only the readout is trained", showlegend=True,
                      legend={"orientation": "h", "y": -0.05})
    return fig


def circle_points(radius, n_points=361):
    """Points ``(x, y)`` of a circle of ``radius`` around 0, closed (first = last)."""
    theta = np.linspace(0, 2 * np.pi, n_points)
    return radius * np.cos(theta), radius * np.sin(theta)


def eigenvalue_figure(eigenvalues, spectral_radius):
    """Eigenvalues in the complex plane with the unit circle and the radius circle.

    Parameters
    ----------
    eigenvalues : complex array of shape (n_units,)
    spectral_radius : float
        Radius of the dashed circle (the largest |eigenvalue|).

    Returns
    -------
    go.Figure
        Traces ``unit circle``, ``spectral radius …`` and ``eigenvalues``
        (x = real part, y = imaginary part), equal axis scales.
    """
    eigenvalues = np.asarray(eigenvalues)
    unit_x, unit_y = circle_points(1.0)
    rad_x, rad_y = circle_points(spectral_radius)
    fig = go.Figure([
        go.Scatter(x=unit_x, y=unit_y, mode="lines", name="unit circle",
                   line={"color": "#0f172a", "width": 1.5}, hoverinfo="skip"),
        go.Scatter(x=rad_x, y=rad_y, mode="lines", name=f"spectral radius {spectral_radius:g}",
                   line={"color": _READOUT, "dash": "dash", "width": 2}, hoverinfo="skip"),
        go.Scatter(x=eigenvalues.real, y=eigenvalues.imag, mode="markers", name="eigenvalues",
                   marker={"size": 5, "color": _RESERVOIR, "opacity": 0.7},
                   hovertemplate="%{x:.3f} %{y:+.3f}i<extra></extra>"),
    ])
    extent = 1.1 * max(1.0, spectral_radius)
    fig.update_xaxes(title="real part", range=[-extent, extent], zeroline=True,
                     constrain="domain")
    fig.update_yaxes(title="imaginary part", range=[-extent, extent], zeroline=True,
                     scaleanchor="x", scaleratio=1, constrain="domain")
    fig.update_layout(title=f"Eigenvalues of W ({eigenvalues.size} neurons)",
                      legend={"orientation": "h", "y": -0.2, "x": 0})
    return fig


def weight_heatmap(weights, max_size=MAX_HEATMAP):
    """Heatmap of a weight matrix; above ``max_size`` its top-left block.

    Parameters
    ----------
    weights : array of shape (n_rows, n_cols)
    max_size : int, default 200
        Largest number of rows and columns drawn.

    Returns
    -------
    go.Figure
        One heatmap trace, symmetric colour scale around 0; the title says
        whether the matrix is shown whole or as its first ``max_size`` rows
        and columns (a sub-block keeps the real sparsity visible; block
        averages would blur it).
    """
    weights = np.asarray(weights)
    block = weights[:max_size, :max_size]
    limit = float(np.max(np.abs(block))) or 1.0
    fig = go.Figure(go.Heatmap(z=block, colorscale="RdBu", zmid=0, zmin=-limit, zmax=limit,
                               colorbar={"title": "weight"},
                               hovertemplate="to %{y} from %{x}: %{z:.3f}<extra></extra>"))
    whole = block.shape == weights.shape
    what = (f"all {weights.shape[0]}×{weights.shape[1]}" if whole else
            f"first {block.shape[0]}×{block.shape[1]} of {weights.shape[0]}×{weights.shape[1]}")
    fig.update_xaxes(title="from neuron", constrain="domain")
    fig.update_yaxes(title="to neuron", autorange="reversed", scaleanchor="x",
                     constrain="domain")
    fig.update_layout(title=f"Recurrent weights W<br><sup>{what}</sup>")
    return fig


def weight_histogram(weights, n_bins=60):
    """Histogram of the nonzero entries of a weight matrix.

    Returns
    -------
    go.Figure
        One bar trace of counts; the title gives the number of nonzero weights.
    """
    values = np.asarray(weights).ravel()
    values = values[values != 0]
    counts, edges = np.histogram(values, bins=n_bins) if values.size else (np.zeros(0), [0])
    centers = (np.asarray(edges[:-1]) + np.asarray(edges[1:])) / 2
    fig = go.Figure(go.Bar(x=centers, y=counts, marker_color=_RESERVOIR, name="nonzero weights",
                           hovertemplate="%{x:.3f}: %{y}<extra></extra>"))
    fig.update_xaxes(title="weight value")
    fig.update_yaxes(title="count")
    fig.update_layout(title=f"Nonzero weights ({values.size:,} of {np.size(weights):,})",
                      bargap=0.02)
    return fig


def echo_state_figure(distance, threshold=1e-3):
    """Distance between two runs from different starts, log scale.

    Parameters
    ----------
    distance : array of shape (n_steps + 1,)
        Normalised distance (1 at step 0), e.g. ``echo_state_check(...).distance``.
    threshold : float
        Level below which the start counts as forgotten (a dotted line).
    """
    distance = np.asarray(distance, dtype=float)
    shown = np.maximum(distance, 1e-12)  # log axis: an exact 0 becomes 1e-12
    fig = go.Figure(go.Scatter(x=np.arange(distance.size), y=shown, mode="lines",
                               name="distance", line={"color": _RESERVOIR, "width": 2}))
    fig.add_hline(y=threshold, line_dash="dot")
    # on a log axis an annotation's y is log10 of the value
    fig.add_annotation(x=1, xref="x domain", y=np.log10(threshold),
                       text=f"forgotten ({threshold:g})", showarrow=False,
                       xanchor="right", yanchor="bottom")
    fig.update_xaxes(title="time step")
    fig.update_yaxes(title="distance / initial distance", type="log", exponentformat="power",
                     dtick=1)
    fig.update_layout(title="Two runs, same input, different starts")
    return fig


def trajectories_figure(time, inputs, states, neurons):
    """The input above a few neurons' activations, sharing the time axis.

    Parameters
    ----------
    time : array of shape (n_steps,)
    inputs : array of shape (n_steps,)
    states : array of shape (n_steps, n_units)
    neurons : sequence of int
        Neuron indices to draw.
    """
    states = np.asarray(states)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.3, 0.7],
                        vertical_spacing=0.06)
    fig.add_trace(go.Scatter(x=time, y=inputs, mode="lines", name="input",
                             line={"color": _INPUT, "width": 2}), row=1, col=1)
    for neuron in neurons:
        fig.add_trace(go.Scatter(x=time, y=states[:, neuron], mode="lines",
                                 name=f"neuron {neuron}", line={"width": 1.5}), row=2, col=1)
    fig.update_yaxes(title="input", row=1, col=1)
    fig.update_yaxes(title="activation", row=2, col=1)
    fig.update_xaxes(title="time step", row=2, col=1)
    fig.update_layout(title="Input and neuron activations")
    return fig


def state_heatmap(states, max_neurons=MAX_HEATMAP):
    """Neurons × time heatmap of a state trajectory (first ``max_neurons`` neurons).

    Parameters
    ----------
    states : array of shape (n_steps, n_units)
    """
    states = np.asarray(states)
    shown = states[:, :max_neurons].T                       # (neurons, n_steps)
    what = "all" if shown.shape[0] == states.shape[1] else f"first {shown.shape[0]} of"
    fig = go.Figure(go.Heatmap(z=shown, colorscale="RdBu", zmid=0, zmin=-1, zmax=1,
                               colorbar={"title": "state"},
                               hovertemplate="t=%{x} neuron %{y}: %{z:.3f}<extra></extra>"))
    fig.update_xaxes(title="time step")
    fig.update_yaxes(title="neuron", autorange="reversed")
    fig.update_layout(title=f"States of {what} {states.shape[1]} neurons over time")
    return fig


def principal_components(states, n_components=3):
    """Project a trajectory on its first principal components.

    Uses the eigen-decomposition of the smaller of the two Gram matrices of
    the centred states (``X X^T`` or ``X^T X``): the same projection as an
    SVD ``X = U S V^T`` (``projected = U_k S_k = X V_k``) at a fraction of the
    cost when one side is short.  Each component's sign is arbitrary.

    Parameters
    ----------
    states : array of shape (n_steps, n_units)
    n_components : int, default 3

    Returns
    -------
    projected : ndarray of shape (n_steps, k), k = min(n_components, n_steps, n_units)
    explained : ndarray of shape (k,)
        Fraction of the variance each component explains (0 for a constant trajectory).
    """
    centred = np.asarray(states, dtype=np.float64)
    centred = centred - centred.mean(axis=0)                  # (n_steps, n_units)
    n_steps, n_units = centred.shape
    k = min(n_components, n_steps, n_units)
    if n_steps <= n_units:
        values, vectors = np.linalg.eigh(centred @ centred.T)  # (n_steps,), ascending
        values, vectors = values[::-1][:k].clip(min=0), vectors[:, ::-1][:, :k]
        projected = vectors * np.sqrt(values)                 # U_k S_k
    else:
        values, vectors = np.linalg.eigh(centred.T @ centred)  # (n_units,), ascending
        values, vectors = values[::-1][:k].clip(min=0), vectors[:, ::-1][:, :k]
        projected = centred @ vectors                         # X V_k
    total = float(np.sum(centred ** 2))
    explained = values / total if total > 0 else np.zeros(k)
    return projected, explained


def pca_figure(projected, explained, time=None):
    """2-D or 3-D line of a projected trajectory, coloured by time.

    Parameters
    ----------
    projected : array of shape (n_steps, 2) or (n_steps, 3)
    explained : array of shape (2,) or (3,)
        Variance fractions, shown in the axis titles.
    time : array of shape (n_steps,), optional
    """
    projected = np.asarray(projected)
    time = np.arange(len(projected)) if time is None else np.asarray(time)
    titles = [f"PC{i + 1} ({100 * e:.0f} %)" for i, e in enumerate(explained)]
    marker = {"size": 3, "color": time, "colorscale": "Viridis",
              "colorbar": {"title": "time step"}}
    if projected.shape[1] >= 3:
        trace = go.Scatter3d(x=projected[:, 0], y=projected[:, 1], z=projected[:, 2],
                             mode="lines", name="trajectory",
                             line={"color": time, "colorscale": "Viridis", "width": 4,
                                   "showscale": True, "colorbar": {"title": "time step"}})
        fig = go.Figure(trace)
        fig.update_layout(scene={"xaxis_title": titles[0], "yaxis_title": titles[1],
                                 "zaxis_title": titles[2],
                                 # a wide box seen from close by fills a wide chart
                                 "aspectmode": "manual",
                                 "aspectratio": {"x": 1.4, "y": 1.4, "z": 0.8},
                                 "camera": {"eye": {"x": 1.5, "y": 1.5, "z": 0.9},
                                            "center": {"x": 0, "y": 0, "z": -0.15}}})
    else:
        fig = go.Figure(go.Scatter(x=projected[:, 0], y=projected[:, 1], name="trajectory",
                                   mode="lines+markers", marker=marker,
                                   line={"color": "#94a3b8", "width": 1}))
        fig.update_xaxes(title=titles[0])
        fig.update_yaxes(title=titles[1])
    fig.update_layout(title="Trajectory in its principal components")
    return fig


def memory_capacity_figure(delays, curve, total, n_units):
    """Memory-capacity curve over delays with its total against the ``n_units`` bound.

    Parameters
    ----------
    delays : array of shape (max_delay,)
    curve : array of shape (max_delay,)
        Squared correlation of the reconstruction of ``u[t - k]``, in [0, 1].
    total : float
        Sum of the curve.
    n_units : int
        The theoretical upper bound of ``total``.
    """
    fig = go.Figure(go.Bar(x=delays, y=curve, name="MC_k", marker_color=_RESERVOIR,
                           hovertemplate="delay %{x}: %{y:.3f}<extra></extra>"))
    fig.update_xaxes(title="delay k (steps)")
    fig.update_yaxes(title="MC_k (squared correlation)", range=[0, 1.05])
    fig.update_layout(title=f"Memory capacity: total {total:.1f} (bound: n_units = {n_units})",
                      bargap=0)
    return fig


def state_animation(states, inputs, n_neurons=40, max_frames=120):
    """Bar chart of neuron activations, animated through time (Plotly frames).

    Parameters
    ----------
    states : array of shape (n_steps, n_units)
    inputs : array of shape (n_steps,)
    n_neurons : int, default 40
        First neurons drawn as bars.
    max_frames : int, default 120
        Frames at evenly spaced time steps (the animation plays in the browser).

    Returns
    -------
    go.Figure
        With ``frames`` named by their time step, a Play/Pause button and a slider.
    """
    states = np.asarray(states)[:, :n_neurons]
    inputs = np.asarray(inputs, dtype=float)
    steps = np.unique(np.linspace(0, len(states) - 1, min(max_frames, len(states))).astype(int))
    neurons = np.arange(states.shape[1])

    def bars(t):
        return {"type": "bar", "x": neurons, "y": states[t], "marker": {"color": _RESERVOIR}}

    def title(t):
        return f"State at time step {t} (input {inputs[t]:+.2f})"

    frames = [{"data": [bars(t)], "name": str(t), "layout": {"title": {"text": title(t)}}}
              for t in steps]
    # 120 frames of plain, known-good dicts: Plotly's per-property validation of them
    # was most of a Dynamics rerun's time (0.74 s of ~1.3 s at 1,000 units; 0.18 s without)
    fig = go.Figure({"data": [bars(steps[0])], "frames": frames}, _validate=False)
    play = {"frame": {"duration": 80, "redraw": True}, "fromcurrent": True,
            "transition": {"duration": 0}}
    pause = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}
    fig.update_layout(
        title={"text": title(steps[0])}, showlegend=False,
        updatemenus=[{"type": "buttons", "direction": "left", "x": 0, "y": -0.18,
                      "xanchor": "left", "yanchor": "top", "showactive": False,
                      "buttons": [{"label": "▶ Play", "method": "animate", "args": [None, play]},
                                  {"label": "❚❚ Pause", "method": "animate",
                                   "args": [[None], pause]}]}],
        sliders=[{"x": 0.2, "len": 0.8, "y": -0.12, "yanchor": "top",
                  "currentvalue": {"prefix": "time step "},
                  "steps": [{"label": str(t), "method": "animate",
                             "args": [[str(t)], {"frame": {"duration": 0, "redraw": True},
                                                 "mode": "immediate"}]} for t in steps]}])
    fig.update_xaxes(title="neuron")
    fig.update_yaxes(title="activation", range=[-1.05, 1.05])
    return fig


def curves_figure(curves, x_title="x", y_title="y", title="Recorded curves"):
    """Overlay named curves.

    Parameters
    ----------
    curves : sequence of (name, x, y)
    """
    fig = go.Figure([go.Scatter(x=x, y=y, mode="lines+markers", name=name,
                                marker={"size": 4}) for name, x, y in curves])
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(title=y_title)
    fig.update_layout(title=title, legend={"orientation": "h", "y": -0.2})
    return fig


def score_bars_figure(names, scores, title="Scores"):
    """Grouped bars: each score (x) of each run (one trace per run), the value above its bar.

    Parameters
    ----------
    names : sequence of str, length n_scores
        Score names, e.g. ``["test accuracy", "train accuracy"]``.
    scores : dict of str to sequence of float, each of length n_scores
        Run label -> its value of each score (NaN where a run has none).
    title : str
    """
    fig = go.Figure([go.Bar(x=list(names), y=list(values), name=label,
                            texttemplate="%{y:.4g}", textposition="outside", cliponaxis=False)
                     for label, values in scores.items()])
    fig.update_yaxes(title="value")
    fig.update_layout(title=title, barmode="group", legend={"orientation": "h", "y": -0.2})
    return fig
