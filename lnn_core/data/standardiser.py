"""Standardise data channel by channel with statistics of its training part.

A reservoir's input weights and a ridge readout both assume inputs and
targets of order one, so the app standardises every channel,
``z = (x - mean) / spread``, with the mean and standard deviation of the
*training* part only (the test part must not leak into the model).  A model
file stores these statistics (:mod:`lnn_core.engine.model_io`), so a reloaded model
can read data in its original units.

>>> import numpy as np
>>> train = np.array([[1.0, 10.0], [3.0, 10.0]])
>>> scaler = Standardiser.fit(train)
>>> scaler.mean.tolist(), scaler.spread.tolist()       # a constant channel keeps spread 1
([2.0, 10.0], [1.0, 1.0])
>>> scaler.transform(np.array([[5.0, 12.0]])).tolist()
[[3.0, 2.0]]
>>> scaler.inverse_transform(scaler.transform(train)).tolist() == train.tolist()
True
"""

from dataclasses import dataclass

import numpy as np
from sklearn.preprocessing import StandardScaler

from ..errors import DataError

__all__ = ["Standardiser"]


@dataclass(frozen=True, eq=False)
class Standardiser:
    """Per-channel standardisation ``z = (x - mean) / spread``.

    Build it with :meth:`fit` (statistics of a reference, e.g. the training
    part) or :meth:`identity` (no change).

    Parameters
    ----------
    mean : array-like of shape (n_channels,)
        Subtracted from each channel; finite.
    spread : array-like of shape (n_channels,)
        Divides each centred channel; finite and > 0.

    Attributes
    ----------
    mean, spread : ndarray of shape (n_channels,), float64, read-only

    Raises
    ------
    ValueError
        ``mean`` or ``spread`` not one-dimensional, of different lengths,
        empty, not finite, or a spread <= 0 (the message names the array).
    """

    mean: np.ndarray
    spread: np.ndarray

    def __post_init__(self):
        mean = np.array(self.mean, dtype=np.float64)
        spread = np.array(self.spread, dtype=np.float64)
        if mean.ndim != 1 or mean.size == 0:
            raise ValueError(f"mean must have shape (n_channels,) with n_channels >= 1, "
                             f"got shape {mean.shape}")
        if spread.shape != mean.shape:
            raise ValueError(f"spread must have the shape of mean {mean.shape}, "
                             f"got shape {spread.shape}")
        if not np.isfinite(mean).all():
            raise ValueError("mean must be finite, got NaN or infinity")
        if not (np.isfinite(spread).all() and (spread > 0).all()):
            raise ValueError(f"spread must be finite and > 0, got {spread.tolist()}")
        for value in (mean, spread):
            value.setflags(write=False)
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "spread", spread)

    @classmethod
    def fit(cls, reference):
        """Mean and standard deviation of each channel of ``reference``.

        Parameters
        ----------
        reference : array-like of shape (n_rows, n_channels)
            The training part; finite, ``n_rows >= 1``.  Statistics as
            :class:`sklearn.preprocessing.StandardScaler` computes them: a channel
            that is constant up to rounding (e.g. 0.1 in every row, whose computed
            spread is 1e-17, not 0) gets spread 1, so it is only centred and a later
            0.11 becomes 0.01, not 7e14.

        Returns
        -------
        Standardiser

        Raises
        ------
        DataError
            ``reference`` is not a finite (n_rows >= 1, n_channels >= 1) array.
        """
        reference = np.asarray(reference, dtype=np.float64)
        if reference.ndim != 2 or reference.shape[0] == 0 or reference.shape[1] == 0:
            raise DataError(f"the reference of a standardisation must have shape (n_rows, "
                            f"n_channels) with both >= 1, got shape {reference.shape}")
        if not np.isfinite(reference).all():
            raise DataError("the reference of a standardisation contains NaN or infinity")
        scaler = StandardScaler().fit(reference)     # a (near-)constant channel gets scale 1
        return cls(scaler.mean_, scaler.scale_)

    @classmethod
    def identity(cls, n_channels):
        """The standardisation that changes nothing: mean 0, spread 1 for ``n_channels >= 1``."""
        if isinstance(n_channels, bool) or not isinstance(n_channels, (int, np.integer)) \
                or n_channels < 1:
            raise ValueError(f"n_channels must be a whole number >= 1, got {n_channels!r}")
        return cls(np.zeros(n_channels), np.ones(n_channels))

    @property
    def n_channels(self):
        """Number of channels (the length of :attr:`mean`)."""
        return len(self.mean)

    @property
    def is_identity(self):
        """Whether :meth:`transform` leaves data unchanged (mean 0, spread 1)."""
        return bool((self.mean == 0).all() and (self.spread == 1).all())

    def transform(self, values):
        """Standardise ``values``: ``(values - mean) / spread`` along the last axis.

        Parameters
        ----------
        values : array-like of shape (..., n_channels)

        Returns
        -------
        ndarray of the same shape, float64

        Raises
        ------
        DataError
            The last axis of ``values`` is not ``n_channels`` long.
        """
        values = self._check(values)
        return (values - self.mean) / self.spread

    def inverse_transform(self, values):
        """Undo :meth:`transform`: ``values * spread + mean`` along the last axis.

        Parameters
        ----------
        values : array-like of shape (..., n_channels)

        Returns
        -------
        ndarray of the same shape, float64
        """
        values = self._check(values)
        return values * self.spread + self.mean

    def _check(self, values):
        values = np.asarray(values, dtype=np.float64)
        if values.ndim == 0 or values.shape[-1] != self.n_channels:
            raise DataError(f"the data has shape {values.shape} but this standardisation is "
                            f"for {self.n_channels} channel(s): expected shape "
                            f"(..., {self.n_channels})")
        return values
