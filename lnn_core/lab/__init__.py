"""Experiments the pages run, on top of the engine and the data.

:mod:`.article` the article's algorithm and the ladder of fixes; :mod:`.digit_experiments`
the MNIST page's fits, curves and drawings; :mod:`.timeseries` the Time series page's
forecasting and sequence classification; :mod:`.irregular` the Liquid page's
irregular-sampling experiment.

Each module's ``__all__`` is re-exported here, lazily (:mod:`lnn_core._lazy`).
"""

from .. import _lazy

_MODULES = ("article", "digit_experiments", "irregular", "timeseries")
__getattr__, __dir__, __all__ = _lazy.attach(__name__, _lazy.public_names(__file__, _MODULES), _MODULES)
