"""Irregular sampling: the same signal read at regular and at irregular times.

The article's claim for liquid neurons is that they integrate over the time
that passes between samples, so irregularly sampled signals suit them.  Here
a small classification task tests it: each sequence is a noisy sine of one of
three periods, random phase, read at ``n_samples`` times that are either
regular (every 1 time unit) or irregular (gaps drawn uniform in
[0.2, 1.8], mean 1).  The LTC and CfC are given the gaps (``dt=``), the ESN
is a discrete-time map and cannot use them; as a control the ESN is also
given the gap as a second input channel.

>>> data = irregular_sines(30, irregular=True, seed=0)
>>> data.X.shape, data.dt.shape, sorted(set(data.y.tolist()))
((30, 50, 1), (30, 50), [0, 1, 2])
"""

import time
from dataclasses import dataclass

import numpy as np

from .._validation import check_int, check_seed
from ..engine.estimators import EchoStateClassifier

__all__ = ["MODELS", "PERIODS", "SAMPLINGS", "IrregularSines", "irregular_sampling_scores",
           "irregular_sines"]

#: Period (time units) of each class's sine.
PERIODS = (6.0, 8.0, 10.5)
#: Models compared: (label, cell, whether the gap is a second input channel).
MODELS = (("ESN", "esn", False), ("ESN + Δt input", "esn", True), ("LTC", "ltc", False),
          ("CfC", "cfc", False))
#: Sampling schemes compared.
SAMPLINGS = ("regular", "irregular")
_GAP_RANGE = (0.2, 1.8)
_NOISE = 0.1


@dataclass(frozen=True)
class IrregularSines:
    """Sequences of one sampling scheme.

    Attributes
    ----------
    X : ndarray of shape (n_sequences, n_samples, 1), float32
        Sampled values.
    dt : ndarray of shape (n_sequences, n_samples), float32
        Time before each sample (the first: 1).
    times : ndarray of shape (n_sequences, n_samples)
        Sample times, starting at 0.
    y : ndarray of shape (n_sequences,), int
        Class: index into :data:`PERIODS`.
    """

    X: np.ndarray
    dt: np.ndarray
    times: np.ndarray
    y: np.ndarray


def irregular_sines(n_sequences, n_samples=50, *, irregular=True, seed=0):
    """Noisy sines of three periods, sampled at regular or irregular times.

    Parameters
    ----------
    n_sequences : int in [3, 100000]
    n_samples : int in [2, 10000], default 50
    irregular : bool, default True
        Gaps uniform in [0.2, 1.8] (mean 1), else every gap 1.
    seed : int >= 0
        Seed of the classes, phases, gaps and noise (the gaps have their own
        stream, so regular and irregular data share classes and phases).

    Returns
    -------
    IrregularSines
    """
    n_sequences = check_int("n_sequences", n_sequences, low=3, high=100000)
    n_samples = check_int("n_samples", n_samples, low=2, high=10000)
    seed = check_seed("seed", seed)
    class_rng, phase_rng, gap_rng, noise_rng = np.random.default_rng(seed).spawn(4)
    y = class_rng.integers(0, len(PERIODS), n_sequences)
    phase = phase_rng.uniform(0, 2 * np.pi, (n_sequences, 1))
    if irregular:
        dt = gap_rng.uniform(*_GAP_RANGE, (n_sequences, n_samples))
    else:
        dt = np.ones((n_sequences, n_samples))
    dt[:, 0] = 1.0
    times = np.cumsum(dt, axis=1) - 1.0                       # (n_sequences, n_samples)
    omega = 2 * np.pi / np.asarray(PERIODS)[y][:, None]
    values = np.sin(omega * times + phase) + _NOISE * noise_rng.standard_normal(times.shape)
    return IrregularSines(values[:, :, None].astype(np.float32), dt.astype(np.float32), times, y)


def irregular_sampling_scores(estimator_kwargs, cell_options=None, *, n_train=600, n_test=300,
                              n_samples=50, seed=0, progress=None):
    """Test accuracy of each model of :data:`MODELS` under each sampling scheme.

    Parameters
    ----------
    estimator_kwargs : dict
        Keyword arguments of :class:`EchoStateClassifier` shared by every
        model (``n_units``, ``spectral_radius``, ...); ``cell`` is set per model.
    cell_options : dict or None
        ``{cell: options}`` for ``"ltc"`` and ``"cfc"``.
    n_train, n_test : int
        Sequences in each part (same draw, split after generation).
    n_samples : int
        Samples per sequence.
    seed : int >= 0
        Seed of the data.
    progress : callable, optional
        ``progress(done, total)`` after every fit.

    Returns
    -------
    list of dict
        One per (sampling, model): ``sampling``, ``model``, ``cell``,
        ``accuracy`` (test), ``seconds``.
    """
    n_train = check_int("n_train", n_train, low=3)
    n_test = check_int("n_test", n_test, low=1)
    cell_options = cell_options or {}
    rows, total = [], len(SAMPLINGS) * len(MODELS)
    for sampling in SAMPLINGS:
        data = irregular_sines(n_train + n_test, n_samples, irregular=sampling == "irregular",
                               seed=seed)
        for label, cell, gap_input in MODELS:
            start = time.perf_counter()
            X = np.concatenate([data.X, data.dt[:, :, None]], axis=2) if gap_input else data.X
            model = EchoStateClassifier(**{**estimator_kwargs, "cell": cell,
                                           "cell_options": cell_options.get(cell)})
            model.fit(X[:n_train], data.y[:n_train], dt=data.dt[:n_train])
            accuracy = float(np.mean(model.predict(X[n_train:], dt=data.dt[n_train:])
                                     == data.y[n_train:]))
            rows.append({"sampling": sampling, "model": label, "cell": cell, "accuracy": accuracy,
                         "seconds": time.perf_counter() - start})
            if progress is not None:
                progress(len(rows), total)
    return rows
