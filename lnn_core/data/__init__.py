"""Data: MNIST from every source, built-in series, upload parsers, preprocessing.

:mod:`.mnist` sources (sample, cache, download, upload) and :mod:`.mnist_files` the
file formats; :mod:`.generators` built-in systems; :mod:`.parsers` uploaded time series
(one module per format); :mod:`.datasets` one import for the pages; :mod:`.digits` a
drawing made MNIST-like; :mod:`.augment` shifted copies; :mod:`.standardiser` scaling.
"""

from .augment import shift_augment
from .digits import DIGIT_BOX, MNIST_SIDE, preprocess_drawing, preprocess_drawing_8x8
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
from .mnist import MnistData, download_mnist, load_digits_sequences, load_mnist
from .parsers import (
    ForecastTable,
    ParseLimits,
    SequenceDataset,
    TrainTest,
    combine_train_test,
    decode_text,
    parse_forecast_csv,
    parse_long_csv,
    parse_ts,
    parse_wide_csv,
    prepare_series,
    read_bytes,
    split_dataset,
)
from .standardiser import Standardiser

__all__ = [
    "GENERATORS",
    "Series",
    "generate",
    "impulse",
    "lorenz63",
    "mackey_glass",
    "mixed_sines",
    "narma10",
    "square_wave",
    "step",
    "white_noise",
    "ForecastTable",
    "ParseLimits",
    "SequenceDataset",
    "TrainTest",
    "combine_train_test",
    "decode_text",
    "parse_forecast_csv",
    "parse_long_csv",
    "parse_ts",
    "parse_wide_csv",
    "prepare_series",
    "read_bytes",
    "split_dataset",
    "Standardiser",
    "DIGIT_BOX",
    "MNIST_SIDE",
    "preprocess_drawing",
    "preprocess_drawing_8x8",
    "shift_augment",
    "MnistData",
    "load_digits_sequences",
    "load_mnist",
    "download_mnist",
]
