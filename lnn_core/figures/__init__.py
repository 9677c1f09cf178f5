"""Pure Plotly figure builders: data in, ``go.Figure`` out.

:mod:`.basic` the reservoir and its dynamics (spectrum, weights, trajectories, PCA,
memory); :mod:`.story` the MNIST, Time series and Liquid pages; :mod:`.sweep` sweep maps and
reports.  ``lnn_core.figures.eigenvalue_figure`` and the other builders of :mod:`.basic`
are re-exported here.
"""

from . import story, sweep
from .basic import (
    MAX_HEATMAP,
    architecture_diagram,
    circle_points,
    curves_figure,
    echo_state_figure,
    eigenvalue_figure,
    memory_capacity_figure,
    pca_figure,
    principal_components,
    state_animation,
    state_heatmap,
    trajectories_figure,
    weight_heatmap,
    weight_histogram,
)

__all__ = [
    "story",
    "sweep",
    "MAX_HEATMAP",
    "architecture_diagram",
    "circle_points",
    "curves_figure",
    "echo_state_figure",
    "eigenvalue_figure",
    "memory_capacity_figure",
    "pca_figure",
    "principal_components",
    "state_animation",
    "state_heatmap",
    "trajectories_figure",
    "weight_heatmap",
    "weight_histogram",
]
