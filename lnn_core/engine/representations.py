"""The reservoir model space: a sequence described by a linear model of its own state dynamics.

Pooling keeps *where* the states were (their mean, their last value); the
model space keeps *how they moved*.  Following Bianchi et al. (2020), the
states ``h(t)`` of one sequence (``n_units`` each) are first projected on the
``d`` leading principal components of all the training states,
``z(t) = P' (h(t) - m)``, and a ridge regression of each step on the one
before is fitted to that sequence alone::

    z(t + 1) ≈ A z(t) + c,    t = 0 .. T - 2,
    [A; c] = argmin  sum_t |z(t + 1) - A z(t) - c|^2 + λ |A|^2

The flattened ``[A; c]`` (``d (d + 1)`` numbers) is the sequence's feature
vector; a ridge readout then classifies those.  Two sequences with the same
shape give similar dynamics whatever their length.

F. M. Bianchi, S. Scardapane, S. Løkse and R. Jenssen, "Reservoir computing
approaches for representation and classification of multivariate time
series", IEEE Transactions on Neural Networks and Learning Systems 32(5),
2169-2179 (2021), arXiv:1803.07870.

>>> rng = np.random.default_rng(0)
>>> states = [rng.standard_normal((30, 8)) for _ in range(3)]
>>> projection = fit_state_projection(states, n_components=4)
>>> model_space_features(states, projection).shape
(3, 20)
"""

from dataclasses import dataclass

import numpy as np
import scipy.linalg

from .._validation import check_int, check_number
from ..errors import DataError

__all__ = ["MODEL_SPACE_COMPONENTS", "MODEL_SPACE_RIDGE", "StateProjection",
           "fit_state_projection", "model_space_features", "model_space_width"]

#: Principal components of the states kept by the model space (fewer if the reservoir is smaller).
MODEL_SPACE_COMPONENTS = 30
#: Ridge penalty of each sequence's own dynamics model (λ above).
MODEL_SPACE_RIDGE = 0.1


def model_space_width(n_units, n_components=MODEL_SPACE_COMPONENTS):
    """Features per sequence: ``d (d + 1)`` with ``d = min(n_components, n_units)``."""
    d = min(n_components, n_units)
    return d * (d + 1)


@dataclass(frozen=True)
class StateProjection:
    """Centring and principal axes of reservoir states.

    Attributes
    ----------
    mean : ndarray of shape (n_units,), float64
    components : ndarray of shape (n_units, n_components), float64
        Orthonormal columns, by decreasing variance of the states along them.
    """

    mean: np.ndarray
    components: np.ndarray

    def transform(self, states):
        """``(states - mean) @ components``: shape (n_steps, n_components), float64."""
        return (np.asarray(states, dtype=np.float64) - self.mean) @ self.components


def fit_state_projection(states, n_components=MODEL_SPACE_COMPONENTS):
    """Principal axes of every state of every sequence (PCA by the covariance's eigenvectors).

    The covariance is accumulated in float64, one sequence at a time, so
    memory is ``n_units^2`` whatever the number of states.  Each axis' sign
    is fixed so that its largest entry is positive (the same states always
    give the same projection).

    Parameters
    ----------
    states : list of ndarrays of shape (n_steps_i, n_units), or ndarray of
        shape (n_samples, n_steps, n_units)
    n_components : int >= 1, default MODEL_SPACE_COMPONENTS
        Axes kept; at most ``n_units``.

    Returns
    -------
    StateProjection
    """
    n_components = check_int("n_components", n_components, low=1)
    n_units = states[0].shape[-1]
    total, count = np.zeros(n_units), 0
    scatter = np.zeros((n_units, n_units))
    for h in states:                                         # h: (n_steps_i, n_units)
        h = np.asarray(h, dtype=np.float64)
        total += h.sum(axis=0)
        scatter += h.T @ h
        count += len(h)
    mean = total / count
    covariance = scatter / count - np.outer(mean, mean)
    d = min(n_components, n_units)
    _, vectors = scipy.linalg.eigh(covariance, subset_by_index=(n_units - d, n_units - 1))
    vectors = vectors[:, ::-1]                               # largest variance first
    signs = np.sign(vectors[np.argmax(np.abs(vectors), axis=0), np.arange(d)])
    return StateProjection(mean, vectors * np.where(signs == 0, 1.0, signs))


def model_space_features(states, projection, ridge=MODEL_SPACE_RIDGE):
    """Each sequence's ridge model of its projected dynamics, flattened: ``[A; c]``.

    Parameters
    ----------
    states : list of ndarrays of shape (n_steps_i, n_units), or ndarray of
        shape (n_samples, n_steps, n_units)
        Every sequence needs at least 2 steps (one transition).
    projection : StateProjection
        From :func:`fit_state_projection` on the training states.
    ridge : float > 0, default MODEL_SPACE_RIDGE
        λ, on ``A`` only (the offset ``c`` is not penalised); positive, so
        every sequence's normal equations have one solution.

    Returns
    -------
    ndarray of shape (n_samples, d * (d + 1)), float64
        Row ``i`` is ``W.ravel()`` with ``W = [A'; c']`` of shape (d + 1, d):
        ``z(t + 1) ≈ [z(t), 1] @ W``.

    Raises
    ------
    DataError
        A sequence of a single step.
    """
    ridge = check_number("ridge", ridge, low=0, low_open=True)
    d = projection.components.shape[1]
    penalty = np.diag(np.r_[np.full(d, ridge), 0.0])         # (d + 1, d + 1)
    features = np.empty((len(states), d * (d + 1)))
    for i, h in enumerate(states):
        if len(h) < 2:
            raise DataError(f"sequence {i} has {len(h)} step; the model space needs at least "
                            "2 steps (one transition) per sequence")
        z = projection.transform(h)                          # (n_steps_i, d)
        before = np.hstack([z[:-1], np.ones((len(z) - 1, 1))])   # (n_steps_i - 1, d + 1)
        gram = before.T @ before + penalty
        features[i] = scipy.linalg.solve(gram, before.T @ z[1:], assume_a="pos",
                                         check_finite=False).ravel()
    return features
