"""Linear readouts: ridge from streamed normal equations, and the pseudo-inverse.

Ridge with an unpenalised intercept minimises ``||Y - F B - 1 c||^2 + ridge ||B||^2``.
Centering removes the intercept from the penalty, so only sums are needed::

    G = F'F - n m m'          (m: feature means, G: centred Gram matrix)
    H = F'Y - n m ybar'
    B = (G + ridge I)^-1 H,   c = ybar - m' B

``F'F``, ``F'Y``, the sums and ``n`` are accumulated chunk by chunk in float64,
so the full feature matrix never has to exist at once.
"""

import numpy as np
import scipy.linalg

from ._validation import check_number

__all__ = ["RidgeAccumulator", "ridge_solve", "dual_ridge", "pinv_readout"]


class RidgeAccumulator:
    """Accumulate the normal equations of a ridge readout over chunks.

    Parameters
    ----------
    n_features : int
        Columns of each feature chunk.
    n_outputs : int
        Columns of each target chunk.

    Examples
    --------
    >>> acc = RidgeAccumulator(3, 1)
    >>> rng = np.random.default_rng(0)
    >>> F = rng.standard_normal((50, 3)); y = F @ [1.0, 2.0, 3.0] + 4.0
    >>> acc.add(F[:20], y[:20, None]); acc.add(F[20:], y[20:, None])
    >>> coef, intercept = acc.solve(1e-8)
    >>> np.round(coef.ravel(), 4).tolist(), round(float(intercept[0]), 4)
    ([1.0, 2.0, 3.0], 4.0)
    """

    def __init__(self, n_features, n_outputs):
        self.gram = np.zeros((n_features, n_features))
        self.cross = np.zeros((n_features, n_outputs))
        self.feature_sum = np.zeros(n_features)
        self.target_sum = np.zeros(n_outputs)
        self.count = 0

    def add(self, features, targets):
        """Add a chunk.

        Parameters
        ----------
        features : ndarray of shape (n_chunk, n_features)
        targets : ndarray of shape (n_chunk, n_outputs)
        """
        F = np.asarray(features, dtype=np.float64)
        Y = np.asarray(targets, dtype=np.float64)
        self.gram += F.T @ F
        self.cross += F.T @ Y
        self.feature_sum += F.sum(axis=0)
        self.target_sum += Y.sum(axis=0)
        self.count += F.shape[0]

    def centred(self):
        """Centred Gram matrix ``G``, cross term ``H`` and the means.

        Returns
        -------
        G : ndarray of shape (n_features, n_features)
        H : ndarray of shape (n_features, n_outputs)
        feature_mean : ndarray of shape (n_features,)
        target_mean : ndarray of shape (n_outputs,)
        """
        if self.count == 0:
            raise ValueError("no samples were added to the ridge readout")
        m = self.feature_sum / self.count
        ybar = self.target_sum / self.count
        G = self.gram - self.count * np.outer(m, m)
        H = self.cross - self.count * np.outer(m, ybar)
        return G, H, m, ybar

    def solve(self, ridge):
        """Solve for one ridge strength.

        Returns
        -------
        coef : ndarray of shape (n_features, n_outputs)
        intercept : ndarray of shape (n_outputs,)
        """
        G, H, m, ybar = self.centred()
        coef = ridge_solve(G, H, ridge)
        return coef, ybar - m @ coef

    def solve_path(self, ridges):
        """Solve for many ridge strengths from one eigen-decomposition of ``G``.

        Parameters
        ----------
        ridges : sequence of float, each >= 0

        Returns
        -------
        list of (coef, intercept)
            One pair per ridge value, in order.
        """
        G, H, m, ybar = self.centred()
        eigval, eigvec = scipy.linalg.eigh(G)
        eigval = np.clip(eigval, 0.0, None)
        projected = eigvec.T @ H                         # (n_features, n_outputs)
        out = []
        for ridge in ridges:
            ridge = check_number("ridge", ridge, low=0)
            with np.errstate(divide="ignore", invalid="ignore"):
                scale = np.where(eigval + ridge > 0, 1.0 / (eigval + ridge), 0.0)
            coef = eigvec @ (scale[:, None] * projected)
            out.append((coef, ybar - m @ coef))
        return out


def ridge_solve(G, H, ridge):
    """Solve ``(G + ridge I) B = H`` for symmetric positive semi-definite ``G``.

    A Cholesky-based symmetric solve; if ``G + ridge I`` is singular (ridge 0
    on collinear features) the minimum-norm least-squares solution is used.

    Parameters
    ----------
    G : ndarray of shape (n_features, n_features)
    H : ndarray of shape (n_features, n_outputs)
    ridge : float, >= 0

    Returns
    -------
    ndarray of shape (n_features, n_outputs)
    """
    ridge = check_number("ridge", ridge, low=0)
    A = G + ridge * np.eye(G.shape[0])
    try:
        return scipy.linalg.solve(A, H, assume_a="pos", check_finite=False)
    except (np.linalg.LinAlgError, scipy.linalg.LinAlgError):
        return scipy.linalg.lstsq(A, H, check_finite=False)[0]


def dual_ridge(features, targets, ridge):
    """Ridge with an unpenalised intercept, solved in sample space.

    Same solution as :meth:`RidgeAccumulator.solve`, cheaper when there are
    more features than samples: with centred ``F`` and ``Y``,
    ``B = F' (F F' + ridge I)^-1 Y``.

    Parameters
    ----------
    features : ndarray of shape (n_samples, n_features)
    targets : ndarray of shape (n_samples, n_outputs)
    ridge : float, > 0

    Returns
    -------
    coef : ndarray of shape (n_features, n_outputs)
    intercept : ndarray of shape (n_outputs,)
    """
    ridge = check_number("ridge", ridge, low=0, low_open=True)
    F = np.asarray(features, dtype=np.float64)
    Y = np.asarray(targets, dtype=np.float64)
    m, ybar = F.mean(axis=0), Y.mean(axis=0)
    F = F - m                                           # (n_samples, n_features)
    K = F @ F.T
    K[np.diag_indices_from(K)] += ridge
    alpha = scipy.linalg.solve(K, Y - ybar, assume_a="pos", check_finite=False)
    coef = F.T @ alpha
    return coef, ybar - m @ coef


def pinv_readout(features, targets):
    """Least-squares readout through the Moore-Penrose pseudo-inverse, no intercept.

    This is what the article does; it is kept for reproducing it.

    Parameters
    ----------
    features : ndarray of shape (n_samples, n_features)
    targets : ndarray of shape (n_samples, n_outputs)

    Returns
    -------
    ndarray of shape (n_features, n_outputs)
    """
    return np.linalg.pinv(np.asarray(features, dtype=np.float64)) @ np.asarray(targets, np.float64)
