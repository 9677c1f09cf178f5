"""Pure Plotly figure builders: data in, ``go.Figure`` out.

:mod:`.basic` the reservoir and its dynamics (spectrum, weights, trajectories, PCA,
memory); :mod:`.story` the MNIST, Time series and Liquid pages; :mod:`.sweep` sweep maps and
reports.  ``lnn_core.figures.eigenvalue_figure`` and the other builders of :mod:`.basic`
are re-exported here.
"""

from . import basic, story, sweep
from .basic import *  # noqa: F403  (the builders of .basic, as lnn_core.figures.X)

__all__ = ["basic", "story", "sweep", *basic.__all__]
