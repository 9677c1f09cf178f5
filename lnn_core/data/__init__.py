"""Data: MNIST from every source, built-in series, upload parsers, preprocessing.

:mod:`.mnist` sources (sample, cache, download, upload) and :mod:`.mnist_files` the
file formats; :mod:`.generators` built-in systems; :mod:`.parsers` uploaded time series
(one module per format); :mod:`.datasets` one import for the pages; :mod:`.digits` a
drawing made MNIST-like; :mod:`.augment` shifted copies; :mod:`.standardiser` scaling.

The ``__all__`` of :mod:`.datasets`, :mod:`.augment`, :mod:`.digits` and
:mod:`.standardiser` is re-exported here, lazily (:mod:`lnn_core._lazy`).
"""

from .. import _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__, _lazy.public_names(__file__, ("datasets", "augment", "digits", "standardiser")),
    ("archives", "augment", "datasets", "digits", "generators", "mnist", "mnist_files",
     "parsers", "standardiser"))
