"""Data for Liquid Lab in one place: MNIST, built-in series, upload parsers.

This module only re-exports; the code lives in

* :mod:`lnn_core.data.mnist`: :func:`load_mnist` (upload, cache, download or the
  offline sample), :func:`download_mnist`, :func:`load_digits_sequences`;
* :mod:`lnn_core.data.generators`: seeded test signals, Mackey-Glass, Lorenz-63,
  NARMA-10, and the :data:`GENERATORS` registry;
* :mod:`lnn_core.data.parsers`: CSV and ``.ts`` parsers that return validated
  arrays or raise :class:`~lnn_core.errors.DataError`.
"""

from .generators import (
    GENERATORS,
    Series,
    generate,
    impulse,
    lorenz63,
    mackey_glass,
    mixed_sines,
    narma10,
    square_wave,
    step,
    white_noise,
)
from .mnist import (
    DEFAULT_URL,
    MNIST_SHA256,
    MNIST_SIZE,
    MnistData,
    cache_dir_default,
    download_mnist,
    load_digits_sequences,
    load_mnist,
)
from .parsers import (
    ForecastTable,
    ParseLimits,
    SequenceDataset,
    TrainTest,
    combine_train_test,
    parse_forecast_csv,
    parse_long_csv,
    parse_ts,
    parse_wide_csv,
    prepare_series,
    split_dataset,
)

__all__ = [
    "DEFAULT_URL",
    "GENERATORS",
    "MNIST_SHA256",
    "MNIST_SIZE",
    "ForecastTable",
    "MnistData",
    "ParseLimits",
    "SequenceDataset",
    "Series",
    "TrainTest",
    "cache_dir_default",
    "combine_train_test",
    "download_mnist",
    "generate",
    "impulse",
    "load_digits_sequences",
    "load_mnist",
    "lorenz63",
    "mackey_glass",
    "mixed_sines",
    "narma10",
    "parse_forecast_csv",
    "parse_long_csv",
    "parse_ts",
    "parse_wide_csv",
    "prepare_series",
    "split_dataset",
    "square_wave",
    "step",
    "white_noise",
]
