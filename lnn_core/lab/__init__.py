"""Experiments the pages run, on top of the engine and the data.

:mod:`.article` the article's algorithm and the ladder of fixes; :mod:`.digit_experiments`
the MNIST page's fits, curves and drawings; :mod:`.timeseries` the Time series page's
forecasting and sequence classification; :mod:`.irregular` the Liquid page's
irregular-sampling experiment.
"""

from . import article, digit_experiments, irregular, timeseries
from .article import *  # noqa: F403  (each module's __all__ is its public face)
from .digit_experiments import *  # noqa: F403  (each module's __all__ is its public face)
from .irregular import *  # noqa: F403  (each module's __all__ is its public face)
from .timeseries import *  # noqa: F403  (each module's __all__ is its public face)

__all__ = [*article.__all__, *digit_experiments.__all__, *irregular.__all__, *timeseries.__all__]
