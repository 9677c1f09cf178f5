"""Data: MNIST from every source, built-in series, upload parsers, preprocessing.

:mod:`.mnist` sources (sample, cache, download, upload) and :mod:`.mnist_files` the
file formats; :mod:`.generators` built-in systems; :mod:`.parsers` uploaded time series
(one module per format); :mod:`.datasets` one import for the pages; :mod:`.digits` a
drawing made MNIST-like; :mod:`.augment` shifted copies; :mod:`.standardiser` scaling.
"""

from . import datasets, augment, digits, standardiser
from .datasets import *  # noqa: F403  (each module's __all__ is its public face)
from .augment import *  # noqa: F403  (each module's __all__ is its public face)
from .digits import *  # noqa: F403  (each module's __all__ is its public face)
from .standardiser import *  # noqa: F403  (each module's __all__ is its public face)

__all__ = [*datasets.__all__, *augment.__all__, *digits.__all__, *standardiser.__all__]
