"""Pure Plotly figure builders: data in, ``go.Figure`` out.

:mod:`.basic` the reservoir and its dynamics (spectrum, weights, trajectories, PCA,
memory); :mod:`.story` the MNIST, Time series and Liquid pages; :mod:`.sweep` sweep maps and
reports.  ``lnn_core.figures.eigenvalue_figure`` and the other builders of :mod:`.basic`
are re-exported here, lazily (:mod:`lnn_core._lazy`): Plotly is imported when a
builder is first used.
"""

from .. import _lazy

_MODULES = ("basic", "story", "sweep")
__getattr__, __dir__, __all__ = _lazy.attach(__name__, _lazy.public_names(__file__, ("basic",)),
                                             _MODULES, export_submodules=True)
