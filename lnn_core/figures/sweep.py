"""Plotly figures of sweep results: a summary table in, a ``go.Figure`` out.

Every builder takes the per-point summary of :func:`lnn_core.sweep.summarize`
(columns ``point``, ``metric``, the parameters, ``score_mean``, ``score_std``,
``n_seeds``) and marks the best point with a star and its parameters.

>>> import pandas as pd
>>> summary = pd.DataFrame({"point": [0, 1], "task": "digits", "metric": "accuracy",
...     "n_units": 50, "spectral_radius": [0.5, 1.0], "density": 0.1, "input_scaling": 0.5,
...     "bias_scaling": 0.2, "leak_rate": 1.0, "ridge": 1e-4, "score_mean": [0.9, 0.95],
...     "score_std": float("nan"), "n_seeds": 1})
>>> [trace.name for trace in sweep_figure(summary).data]
['mean', 'best']
"""

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..sweep import METRICS, PARAMETERS, best_point, sweep_layout

__all__ = [
    "N_MARKED", "describe_point", "heatmap_figure", "line_figure", "report_figure", "sweep_figure",
]

#: Points marked as "top" in the report (the best one gets a star on top).
N_MARKED = 5
_METRIC_LABELS = {"accuracy": "validation accuracy", "nrmse": "validation NRMSE"}
_BEST = {"color": "#d62728", "symbol": "star", "size": 18, "line": {"color": "black", "width": 1}}


def describe_point(row, names=PARAMETERS):
    """``"spectral_radius=0.9, leak_rate=0.3"`` for the given parameters of a row."""
    return ", ".join(f"{name}={_number(row[name])}" for name in names)


def _number(value):
    return f"{int(value)}" if float(value).is_integer() and abs(value) >= 1 else f"{value:.3g}"


def _labels(values):
    """Short distinct tick labels: as few significant digits as keep them apart."""
    for digits in (3, 4, 6, 17):
        labels = [f"{v:.{digits}g}" for v in values]
        if len(set(labels)) == len(labels):
            return labels
    return [repr(v) for v in values]


def _metric(summary):
    metric = summary["metric"].iloc[0]
    return metric, _METRIC_LABELS.get(metric, metric)


def _log_axis(values):
    """Whether values spread over decades (a ridge path, log-spaced grids)."""
    values = np.unique(np.asarray(values, dtype=float))
    if len(values) < 3 or values[0] <= 0:
        return False
    ratios = np.diff(np.log(values))
    geometric = np.allclose(ratios, ratios[0], rtol=1e-6) and not np.allclose(
        np.diff(values), values[1] - values[0], rtol=1e-6)
    return bool(geometric or values[-1] / values[0] >= 100)


def sweep_figure(summary):
    """The natural figure of a sweep: line (1-D), heatmap (2-D grid) or report.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`lnn_core.sweep.summarize`.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    layout = sweep_layout(summary)
    if layout.kind == "line":
        return line_figure(summary, layout.parameters[0])
    if layout.kind == "heatmap":
        return heatmap_figure(summary, *layout.parameters)
    return report_figure(summary)


def line_figure(summary, parameter):
    """Score against one parameter: mean line, ± std band, best point starred.

    Parameters
    ----------
    summary : pandas.DataFrame
    parameter : str
        The swept parameter (x axis).
    """
    _, label = _metric(summary)
    data = summary.sort_values(parameter)
    x, mean, std = data[parameter], data["score_mean"], data["score_std"]
    fig = go.Figure()
    if std.notna().any():
        spread = std.fillna(0.0)
        fig.add_trace(go.Scatter(
            x=np.concatenate([x, x[::-1]]), y=np.concatenate([mean + spread, (mean - spread)[::-1]]),
            fill="toself", fillcolor="rgba(31, 119, 180, 0.2)", line={"width": 0},
            hoverinfo="skip", name="± std over seeds"))
    fig.add_trace(go.Scatter(
        x=x, y=mean, mode="lines+markers", name="mean", line={"color": "#1f77b4"},
        customdata=np.stack([std.fillna(0.0), data["n_seeds"]], axis=1),
        hovertemplate=f"{parameter}=%{{x:.4g}}<br>{label} %{{y:.4g}} "
                      "± %{customdata[0]:.2g} (%{customdata[1]} seed(s))<extra></extra>"))
    best = best_point(summary)
    fig.add_trace(go.Scatter(x=[best[parameter]], y=[best["score_mean"]], mode="markers",
                             marker=_BEST, name="best",
                             hovertemplate=f"best: {describe_point(best)}<extra></extra>"))
    fig.update_layout(title=f"{label} against {parameter} (best {best['score_mean']:.4g} at "
                            f"{parameter}={_number(best[parameter])})",
                      xaxis_title=parameter, yaxis_title=label, hovermode="closest")
    if _log_axis(x):
        fig.update_xaxes(type="log")
    return fig


def heatmap_figure(summary, rows, columns):
    """Mean score on a 2-D grid, bright = good, best cell starred.

    Cells are evenly spaced whatever the grid spacing; the tick labels give
    the values.

    Parameters
    ----------
    summary : pandas.DataFrame
        A grid over ``rows`` × ``columns``; missing cells stay blank.
    rows, columns : str
        Parameters of the y and x axes.
    """
    metric, label = _metric(summary)
    mean = summary.pivot(index=rows, columns=columns, values="score_mean").sort_index(axis=0)
    mean = mean.sort_index(axis=1)
    std = summary.pivot(index=rows, columns=columns, values="score_std").reindex_like(mean)
    x_labels, y_labels = _labels(mean.columns), _labels(mean.index)
    scale = "Viridis" if METRICS[metric] == "max" else "Viridis_r"
    fig = go.Figure(go.Heatmap(
        z=mean.to_numpy(), x=x_labels, y=y_labels, colorscale=scale, name=label,
        colorbar={"title": {"text": metric}}, customdata=std.fillna(0.0).to_numpy(),
        hovertemplate=f"{columns}=%{{x}}<br>{rows}=%{{y}}<br>{label} %{{z:.4g}} "
                      "± %{customdata:.2g}<extra></extra>"))
    best = best_point(summary)
    fig.add_trace(go.Scatter(x=[x_labels[list(mean.columns).index(best[columns])]],
                             y=[y_labels[list(mean.index).index(best[rows])]],
                             mode="markers", marker=_BEST, name="best", showlegend=False,
                             hovertemplate=f"best: {describe_point(best)}<extra></extra>"))
    fig.update_layout(title=f"{label} (best {best['score_mean']:.4g} at "
                            f"{rows}={_number(best[rows])}, {columns}={_number(best[columns])})",
                      xaxis_title=columns, yaxis_title=rows)
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category")
    return fig


def report_figure(summary, parameters=None):
    """Score against each parameter, every point shown, the best ones marked.

    One panel per parameter (the varying ones by default), sharing the score
    axis.  Error bars are the std over seeds; the :data:`N_MARKED` best
    points are orange, the best one a red star.

    Parameters
    ----------
    summary : pandas.DataFrame
    parameters : sequence of str, optional
        Panels to draw (default: the parameters that vary, else ``n_units``).
    """
    metric, label = _metric(summary)
    if parameters is None:
        parameters = sweep_layout(summary).parameters or ("n_units",)
    ascending = METRICS[metric] == "min"
    ranked = summary.dropna(subset=["score_mean"]).sort_values(
        ["score_mean", "point"], ascending=[ascending, True])
    top = ranked.head(N_MARKED)
    best = best_point(summary)
    n_columns = min(3, len(parameters))
    n_rows = math.ceil(len(parameters) / n_columns)
    fig = make_subplots(rows=n_rows, cols=n_columns, shared_yaxes=True,
                        horizontal_spacing=0.04, vertical_spacing=0.15)
    hover = [describe_point(row) for _, row in summary.iterrows()]
    for k, name in enumerate(parameters):
        row, col = k // n_columns + 1, k % n_columns + 1
        first = k == 0
        fig.add_trace(go.Scatter(
            x=summary[name], y=summary["score_mean"], mode="markers", name="all points",
            legendgroup="all", showlegend=first, marker={"color": "#1f77b4", "opacity": 0.6},
            error_y={"type": "data", "array": summary["score_std"].fillna(0.0),
                     "thickness": 1, "width": 0},
            text=hover, hovertemplate=f"%{{text}}<br>{label} %{{y:.4g}}<extra></extra>"),
            row=row, col=col)
        fig.add_trace(go.Scatter(
            x=top[name], y=top["score_mean"], mode="markers", name=f"top {len(top)}",
            legendgroup="top", showlegend=first,
            marker={"color": "#ff7f0e", "size": 11, "line": {"color": "black", "width": 1}},
            hoverinfo="skip"), row=row, col=col)
        fig.add_trace(go.Scatter(
            x=[best[name]], y=[best["score_mean"]], mode="markers", name="best",
            legendgroup="best", showlegend=first, marker=_BEST,
            hovertemplate=f"best: {describe_point(best)}<extra></extra>"), row=row, col=col)
        fig.update_xaxes(title_text=name, row=row, col=col,
                         type="log" if _log_axis(summary[name]) else "linear")
    fig.update_yaxes(title_text=label, col=1)
    fig.update_layout(title=f"{label} of {len(summary)} point(s); best {best['score_mean']:.4g} "
                            f"at {describe_point(best, parameters)}",
                      height=max(420, 320 * n_rows))
    return fig
