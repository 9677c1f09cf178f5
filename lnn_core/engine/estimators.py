"""scikit-learn estimators: a reservoir with a trained ridge readout.

``EchoStateClassifier`` reads each sample as a sequence and classifies it from
pooled states; ``EchoStateRegressor`` maps a time series, step by step, to
aligned targets and can run closed-loop to generate a series on its own.
Both follow scikit-learn's conventions, so they work in ``Pipeline``,
``GridSearchCV`` and ``cross_val_score`` (a series with ``TimeSeriesSplit``:
see :class:`EchoStateRegressor`).
"""

import time

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from .._validation import check_choice, check_int, check_number, check_seed
from ..errors import DataError
from .readout import RidgeAccumulator, dual_ridge
from .representations import fit_state_projection, model_space_features
from .reservoir import make_reservoir
from .states import (
    FEATURE_BLOCK as _BLOCK,
)
from .states import (
    POOLINGS,
    as_sequences,
    collect_features,
    free_run,
    n_features,
    stream_features,
)

__all__ = ["EchoStateClassifier", "EchoStateRegressor"]


def _is_table(X):
    """Whether a list/tuple ``X`` is really a 2-D table (rows of equal length)."""
    if not isinstance(X, (list, tuple)) or not X:
        return False
    try:
        return np.asarray(X).ndim == 2
    except ValueError:                      # ragged
        return False


class _ReservoirParams:
    """Parameters shared by both estimators and the reservoir they build."""

    def _build_reservoir(self, n_inputs):
        check_number("ridge", self.ridge, low=0)
        check_seed("random_state", self.random_state)
        options = {} if self.cell_options is None else dict(self.cell_options)
        return make_reservoir(
            self.n_units, n_inputs, spectral_radius=self.spectral_radius, density=self.density,
            input_scaling=self.input_scaling, bias_scaling=self.bias_scaling,
            leak_rate=self.leak_rate, seed=self.random_state, cell=self.cell, **options)


def _fit_ridge(reservoir, sequences, targets, ridge, pooling, n_points, bidirectional, progress,
               dt=None):
    """Ridge readout on pooled features, in one pass over the states.

    When there are more features than samples the readout is solved in sample
    space (:func:`lnn_core.engine.readout.dual_ridge`), which then keeps the feature
    matrix; otherwise each block's products are formed in the thread that
    pooled it, merged into the normal equations in block order (reproducible),
    and the features dropped: memory stays bounded by a few blocks.
    """
    n = len(sequences)
    width = n_features(reservoir.n_units, pooling, n_points) * (2 if bidirectional else 1)
    options = {"n_points": n_points, "bidirectional": bidirectional, "progress": progress,
               "dt": dt}
    if width > n and ridge > 0:
        F = collect_features(reservoir, sequences, pooling, **options)
        return dual_ridge(F, targets, ridge)
    acc = RidgeAccumulator(width, targets.shape[1])
    blocks = stream_features(reservoir, sequences, pooling, block_rows=_BLOCK, **options,
                             reduce=lambda idx, F: RidgeAccumulator.moments(F, targets[idx]))
    for _, moments in blocks:
        acc.merge(moments)
    return acc.solve(ridge)


def _fit_model_space(reservoir, sequences, targets, ridge, progress, dt):
    """Principal axes of the training states, then a ridge readout of each sequence's dynamics."""
    states = collect_features(reservoir, sequences, "states", progress=progress, dt=dt)
    projection = fit_state_projection(states)
    F = model_space_features(states, projection)             # (n_samples, d (d + 1))
    del states
    if F.shape[1] > len(F) and ridge > 0:
        return projection, *dual_ridge(F, targets, ridge)
    acc = RidgeAccumulator(F.shape[1], targets.shape[1])
    acc.add(F, targets)
    return projection, *acc.solve(ridge)


def _series_elapsed(dt, several):
    """The regressor's ``dt`` as a list with one array per series."""
    if dt is None:
        return None
    return list(dt) if several else [dt]


class EchoStateClassifier(ClassifierMixin, _ReservoirParams, BaseEstimator):
    """Sequence classifier: reservoir states, pooled, read out by ridge regression.

    Each sample is a sequence ``u[0..T-1]`` read from a zero state with
    ``x[t] = (1 - a) x[t-1] + a tanh(W_in u[t] + W x[t-1] + b)`` (for
    ``cell="esn"``); the pooled states feed a ridge readout trained on one-hot
    targets, and the class is the largest readout output.

    Parameters
    ----------
    n_units : int, default 500
        Reservoir neurons (>= 1).
    spectral_radius : float, default 0.9
        Largest absolute eigenvalue of the recurrent matrix (>= 0).
    density : float, default 0.1
        Fraction of nonzero recurrent weights, in [0, 1].
    input_scaling : float, default 0.5
        Input weights uniform in ``[-input_scaling, input_scaling]``.
    bias_scaling : float, default 0.2
        Biases uniform in ``[-bias_scaling, bias_scaling]``.
    leak_rate : float, default 1.0
        ``a`` in (0, 1]: the ESN's leak; for LTC and CfC the fraction of
        each sample's elapsed time the cell integrates over (its memory),
        see :mod:`lnn_core.engine.cells`.
    ridge : float, default 1e-4
        L2 penalty of the readout (>= 0); the intercept is not penalised.
    pooling : {"last", "mean", "mean+last", "points", "model_space"}, default "mean+last"
        How states become features, see :func:`lnn_core.engine.states.collect_features`;
        ``"model_space"``: each sequence's own dynamics model, see
        :mod:`lnn_core.engine.representations` (not with ``bidirectional``).
    n_steps : int or None, default None
        For 2-D ``X`` of shape (n_samples, n_features): split each row into
        ``n_steps`` steps of ``n_features / n_steps`` inputs (flattened MNIST
        with ``n_steps=28`` is read row by row).  ``None``: one input per step.
    n_points : int, default 4
        Steps sampled by ``pooling="points"``.
    bidirectional : bool, default False
        Also read every sequence backwards through the same reservoir and
        put both directions' features side by side (twice the cost).
    cell : {"esn", "ltc", "cfc"}, default "esn"
        Neuron type, see :mod:`lnn_core.engine.cells`.
    cell_options : dict or None, default None
        Options of the cell (``tau_range``, ``reversal_range``, ``step``,
        ``unfolds`` for LTC; ``time`` for CfC).  ``step`` and ``time`` are
        the time per sample when ``fit``/``predict`` get no ``dt``.
    random_state : int or None, default 0
        Seed of all reservoir weights.

    Attributes
    ----------
    reservoir_ : Reservoir
        With ``W``, ``W_in``, ``bias`` and ``eigenvalues``.
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (n_features, n_classes)
    intercept_ : ndarray of shape (n_classes,)
    state_projection_ : StateProjection
        Only for ``pooling="model_space"``: principal axes of the training states.
    n_features_in_ : int
        Only when fitted on a 2-D array.
    n_inputs_ : int
        Input channels per step.
    fit_time_ : float
        Seconds spent in ``fit``.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = EchoStateClassifier(n_units=200, n_steps=8).fit(X[:1000] / 16, y[:1000])
    >>> clf.score(X[1000:] / 16, y[1000:]) > 0.9
    True
    """

    def __init__(self, n_units=500, spectral_radius=0.9, density=0.1, input_scaling=0.5,
                 bias_scaling=0.2, leak_rate=1.0, ridge=1e-4, pooling="mean+last", n_steps=None,
                 n_points=4, bidirectional=False, cell="esn", cell_options=None,
                 random_state=0):
        self.n_units = n_units
        self.spectral_radius = spectral_radius
        self.density = density
        self.input_scaling = input_scaling
        self.bias_scaling = bias_scaling
        self.leak_rate = leak_rate
        self.ridge = ridge
        self.pooling = pooling
        self.n_steps = n_steps
        self.n_points = n_points
        self.bidirectional = bidirectional
        self.cell = cell
        self.cell_options = cell_options
        self.random_state = random_state

    def _sequences(self, X, reset):
        """Turn ``X`` into sequences, validating against what ``fit`` saw."""
        if (isinstance(X, (list, tuple)) and not _is_table(X)) or getattr(X, "ndim", 2) == 3:
            if reset and hasattr(self, "n_features_in_"):
                del self.n_features_in_        # sequences have no fixed feature count
            return as_sequences(X)
        X = validate_data(self, X, reset=reset, dtype=[np.float64, np.float32])
        n_steps = X.shape[1] if self.n_steps is None else check_int("n_steps", self.n_steps, low=1)
        if X.shape[1] % n_steps:
            raise ValueError(f"n_steps={n_steps} must divide the {X.shape[1]} features of each "
                             "row (each step gets the same number of inputs)")
        return X.reshape(X.shape[0], n_steps, X.shape[1] // n_steps).astype(np.float32)

    def fit(self, X, y, progress=None, dt=None):
        """Fit the readout.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_steps, n_inputs), list of ndarrays
            of shape (n_steps_i, n_inputs), or ndarray of shape
            (n_samples, n_features) split by ``n_steps``.
        y : array-like of shape (n_samples,)
        progress : callable, optional
            ``progress(done, total)`` in samples while states are collected.
        dt : array-like of shape (n_samples, n_steps) or list of arrays of
            shape (n_steps_i,), optional
            Time before each sample of each sequence (irregular sampling,
            see :func:`lnn_core.engine.states.elapsed_from_timestamps`).  LTC
            and CfC integrate over it; the ESN ignores it.

        Returns
        -------
        self
        """
        start = time.perf_counter()
        check_choice("pooling", self.pooling, POOLINGS[:-1])
        if self.pooling == "model_space" and self.bidirectional:
            raise ValueError("pooling='model_space' reads each sequence forwards only; set "
                             "bidirectional=False or choose a pooled layout")
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        seqs = self._sequences(X, reset=True)
        y = column_or_1d(y, warn=True)
        if len(y) != len(seqs):
            raise ValueError(f"X has {len(seqs)} samples but y has {len(y)} labels")
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"a classifier needs at least 2 classes, found 1 class "
                             f"({self.classes_[0]!r}) in {len(y)} sample(s)")
        self.n_inputs_ = seqs[0].shape[-1]
        self.reservoir_ = self._build_reservoir(self.n_inputs_)
        targets = np.eye(len(self.classes_))[encoded]                # one-hot, (n, n_classes)
        ridge = check_number("ridge", self.ridge, low=0)
        if self.pooling == "model_space":
            self.state_projection_, self.coef_, self.intercept_ = _fit_model_space(
                self.reservoir_, seqs, targets, ridge, progress, dt)
            self.fit_time_ = time.perf_counter() - start
            return self
        self.coef_, self.intercept_ = _fit_ridge(self.reservoir_, seqs, targets, ridge, self.pooling,
                                                 self.n_points, bool(self.bidirectional), progress, dt)
        self.fit_time_ = time.perf_counter() - start
        return self

    def transform_states(self, X, progress=None, dt=None):
        """Pooled reservoir features of ``X``, shape (n_samples, n_features); ``dt`` as in ``fit``."""
        check_is_fitted(self)
        if self.pooling == "model_space":
            states = collect_features(self.reservoir_, self._sequences(X, reset=False), "states",
                                      progress=progress, dt=dt)
            return model_space_features(states, self.state_projection_).astype(np.float32)
        return collect_features(self.reservoir_, self._sequences(X, reset=False), self.pooling,
                                n_points=self.n_points, bidirectional=bool(self.bidirectional),
                                progress=progress, dt=dt)

    def _scores(self, X, progress=None, dt=None):
        """Readout outputs, shape (n_samples, n_classes): one pass, features never kept."""
        check_is_fitted(self)
        seqs = self._sequences(X, reset=False)
        scores = np.empty((len(seqs), self.coef_.shape[1]))
        pooling, readout = self.pooling, lambda _, F: F @ self.coef_ + self.intercept_
        if pooling == "model_space":          # each block's states become its dynamics models
            pooling, readout = "states", lambda _, states: (
                model_space_features(states, self.state_projection_) @ self.coef_ + self.intercept_)
        for idx, block in stream_features(self.reservoir_, seqs, pooling,
                                          n_points=self.n_points,
                                          bidirectional=bool(self.bidirectional),
                                          progress=progress, dt=dt, reduce=readout):
            scores[idx] = block
        return scores

    def decision_function(self, X, dt=None):
        """Readout outputs: shape (n_samples, n_classes), or (n_samples,) for 2 classes."""
        scores = self._scores(X, dt=dt)
        return scores[:, 1] - scores[:, 0] if len(self.classes_) == 2 else scores

    def predict(self, X, progress=None, dt=None):
        """Predicted labels, shape (n_samples,); ``dt`` as in ``fit``."""
        check_is_fitted(self)
        return self.classes_[np.argmax(self._scores(X, progress, dt), axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        return tags


class EchoStateRegressor(RegressorMixin, _ReservoirParams, BaseEstimator):
    """Time-series regressor: states of a driven reservoir, read out by ridge.

    The reservoir reads the series ``u[0..T-1]`` from a zero state; the
    readout maps ``x[t]`` to ``y[t]``.  With ``y[t] = u[t+1]`` it forecasts
    one step ahead, and :meth:`generate` then runs it closed-loop.

    The first ``washout`` steps of every series are a transient: the state
    still remembers its zero start there.  ``fit`` leaves them out of the
    readout's training, :meth:`score` leaves them out of the R², and
    :meth:`predict` returns every step, the transient included (slice
    ``[washout:]`` to drop it).

    Parameters
    ----------
    n_units, spectral_radius, density, input_scaling, bias_scaling, leak_rate,
    cell, cell_options, random_state
        As in :class:`EchoStateClassifier`.
    ridge : float, default 1e-6
        L2 penalty of the readout (>= 0).
    washout : int, default 0
        Initial steps of each series that are a transient (>= 0): left out of
        training and of :meth:`score`.

    Attributes
    ----------
    reservoir_ : Reservoir
    coef_ : ndarray of shape (n_units, n_outputs)
    intercept_ : ndarray of shape (n_outputs,)
    n_features_in_ : int
        Input channels.
    fit_time_ : float

    Notes
    -----
    Cross-validate a series with ``TimeSeriesSplit``: every fold trains on a
    past stretch and scores on the stretch that follows it, read from a zero
    state, so the first ``washout`` steps of each test fold are left out too.
    ``KFold(shuffle=True)`` would scatter the steps of one series into every
    fold: the reservoir would read a different, broken series.  Keep the
    default scoring (this estimator's :meth:`score`): a ``scoring=`` string
    calls :meth:`predict` and counts the transient.

    Examples
    --------
    >>> t = np.arange(600)
    >>> u = np.sin(t / 8)[:, None]
    >>> reg = EchoStateRegressor(n_units=100, washout=50).fit(u[:-1], u[1:, 0])
    >>> bool(reg.score(u[:-1], u[1:, 0]) > 0.99)
    True

    Cross-validation over time, five folds each scored after its washout:

    >>> from sklearn.model_selection import TimeSeriesSplit, cross_val_score
    >>> scores = cross_val_score(EchoStateRegressor(n_units=100, washout=50),
    ...                          u[:-1], u[1:, 0], cv=TimeSeriesSplit(n_splits=5))
    >>> scores.shape, bool(scores.min() > 0.99)
    ((5,), True)
    """

    def __init__(self, n_units=500, spectral_radius=0.9, density=0.1, input_scaling=0.5,
                 bias_scaling=0.2, leak_rate=1.0, ridge=1e-6, washout=0, cell="esn",
                 cell_options=None, random_state=0):
        self.n_units = n_units
        self.spectral_radius = spectral_radius
        self.density = density
        self.input_scaling = input_scaling
        self.bias_scaling = bias_scaling
        self.leak_rate = leak_rate
        self.ridge = ridge
        self.washout = washout
        self.cell = cell
        self.cell_options = cell_options
        self.random_state = random_state

    def _series(self, U, reset):
        if isinstance(U, (list, tuple)) and not _is_table(U):
            series = [validate_data(self, np.asarray(u), reset=reset and i == 0,
                                    dtype=[np.float64, np.float32]) for i, u in enumerate(U)]
            if not series:
                raise DataError("U holds no series; at least one is needed")
            return series
        return [validate_data(self, U, reset=reset, dtype=[np.float64, np.float32])]

    def fit(self, U, Y, progress=None, dt=None):
        """Fit the readout on one or more series.

        Parameters
        ----------
        U : ndarray of shape (n_steps, n_inputs), or list of such arrays
        Y : ndarray of shape (n_steps,) or (n_steps, n_outputs), or a list
            aligned with ``U``
        progress : callable, optional
            ``progress(done, total)`` in series.
        dt : ndarray of shape (n_steps,), or a list aligned with ``U``, optional
            Time before each sample; LTC and CfC integrate over it, the ESN
            ignores it.

        Returns
        -------
        self
        """
        start = time.perf_counter()
        if Y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        washout = check_int("washout", self.washout, low=0)
        several = isinstance(U, (list, tuple)) and not _is_table(U)
        series = self._series(U, reset=True)
        targets = list(Y) if several else [Y]
        if len(targets) != len(series):
            raise ValueError(f"U has {len(series)} series but Y has {len(targets)}")
        targets = [np.asarray(t, dtype=np.float64) for t in targets]
        self._y_1d = targets[0].ndim == 1
        targets = [t.reshape(len(t), -1) for t in targets]
        for i, (u, t) in enumerate(zip(series, targets)):
            if len(u) != len(t):
                raise ValueError(f"series {i}: U has {len(u)} steps but Y has {len(t)}")
            if len(u) <= washout:
                raise ValueError(f"series {i} has {len(u)} steps, not more than washout={washout}; "
                                 "lower washout or give a longer series")
            if not np.isfinite(t).all():
                raise ValueError(f"Y of series {i} contains NaN or infinity")
        self.reservoir_ = self._build_reservoir(series[0].shape[1])
        states = collect_features(self.reservoir_, [u.astype(np.float32) for u in series], "states",
                                  progress=progress, dt=_series_elapsed(dt, several))
        acc = RidgeAccumulator(self.reservoir_.n_units, targets[0].shape[1])
        for x, t in zip(states, targets):
            # float64 products (RidgeAccumulator converts each block): forecasting readouts
            # use tiny ridges, where float32 products lose digits; in blocks of rows, so a
            # long series is never copied whole (2 copies in add)
            for first in range(washout, len(x), _BLOCK):
                rows = slice(first, first + _BLOCK)
                acc.add(x[rows], t[rows])
        self.coef_, self.intercept_ = acc.solve(self.ridge)
        self.fit_time_ = time.perf_counter() - start
        return self

    def predict(self, U, dt=None):
        """Outputs for every step, each series read from a zero state.

        The first ``washout`` outputs of each series are read from transient
        states the readout was not trained on; they are returned (so that
        outputs stay aligned with ``U``) but :meth:`score` leaves them out.

        Parameters
        ----------
        U : ndarray of shape (n_steps, n_inputs), or list of such arrays
        dt : as in :meth:`fit`, optional

        Returns
        -------
        ndarray of shape (n_steps,) or (n_steps, n_outputs), or a list of them
        """
        check_is_fitted(self)
        series = self._series(U, reset=False)
        several = isinstance(U, (list, tuple)) and not _is_table(U)
        states = collect_features(self.reservoir_, [u.astype(np.float32) for u in series], "states",
                                  dt=_series_elapsed(dt, several))
        out = [self._readout(x) for x in states]
        return out if isinstance(U, (list, tuple)) and not _is_table(U) else out[0]

    def score(self, X, y, sample_weight=None, dt=None):
        """R² of the predictions after the washout of each series.

        The first ``washout`` steps of every series are dropped from the
        outputs, the targets and ``sample_weight``; the remaining steps of all
        series are scored together by :func:`sklearn.metrics.r2_score`
        (outputs averaged uniformly).

        Parameters
        ----------
        X : ndarray of shape (n_steps, n_inputs), or list of such arrays
            The input series (``U`` of :meth:`fit`; named as scikit-learn calls it).
        y : ndarray of shape (n_steps,) or (n_steps, n_outputs), or a list
            aligned with ``X``
        sample_weight : ndarray of shape (n_steps,), or a list aligned with ``X``, optional
        dt : as in :meth:`fit`, optional

        Returns
        -------
        float

        Raises
        ------
        ValueError
            A series not longer than ``washout``, or ``y`` not aligned with ``X``.
        """
        check_is_fitted(self)
        washout = check_int("washout", self.washout, low=0)
        several = isinstance(X, (list, tuple)) and not _is_table(X)
        predicted = self.predict(X, dt=dt)
        predicted, targets = (predicted, list(y)) if several else ([predicted], [y])
        weights = None if sample_weight is None else \
            (list(sample_weight) if several else [sample_weight])
        if len(targets) != len(predicted):
            raise ValueError(f"X has {len(predicted)} series but y has {len(targets)}")
        kept_true, kept_pred, kept_weights = [], [], []
        for i, (p, t) in enumerate(zip(predicted, targets)):
            t = np.asarray(t, dtype=np.float64)
            if len(t) != len(p):
                raise ValueError(f"series {i}: X has {len(p)} steps but y has {len(t)}")
            if len(t) <= washout:
                raise ValueError(f"series {i} has {len(t)} steps, not more than washout={washout}; "
                                 "there is no step left to score")
            kept_true.append(t.reshape(len(t), -1)[washout:])
            kept_pred.append(p.reshape(len(p), -1)[washout:])
            if weights is not None:
                kept_weights.append(np.asarray(weights[i], dtype=np.float64)[washout:])
        return float(r2_score(np.concatenate(kept_true), np.concatenate(kept_pred),
                              sample_weight=None if weights is None else
                              np.concatenate(kept_weights)))

    def _readout(self, states):
        y = states @ self.coef_ + self.intercept_
        return y[:, 0] if self._y_1d else y

    def generate(self, n_steps, warmup):
        """Run closed-loop: each prediction becomes the next input.

        Needs a model trained to predict its own next input (outputs as many
        as inputs).

        Parameters
        ----------
        n_steps : int
            Steps to generate.
        warmup : ndarray of shape (n_warmup, n_inputs)
            Series read first (teacher-forced) to set the state; generation
            starts with the prediction that follows its last step.

        Returns
        -------
        ndarray of shape (n_steps,) or (n_steps, n_outputs)
        """
        check_is_fitted(self)
        warmup = self._series(warmup, reset=False)[0]
        if self.coef_.shape[1] != self.n_features_in_:
            raise ValueError(f"generate needs as many outputs as inputs; this model maps "
                             f"{self.n_features_in_} input(s) to {self.coef_.shape[1]} output(s)")
        out = free_run(self.reservoir_, lambda x: x @ self.coef_ + self.intercept_, n_steps,
                       warmup=warmup)
        return out[:, 0] if self._y_1d else out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.non_deterministic = self.random_state is None
        return tags
