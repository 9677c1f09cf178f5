"""The reservoir model space against scikit-learn (PCA, one Ridge per sequence) and in the classifier."""

from pathlib import Path

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.linear_model import Ridge
from sklearn.neighbors import KNeighborsClassifier

from lnn_core.data.parsers import parse_ts
from lnn_core.engine.estimators import EchoStateClassifier
from lnn_core.engine.model_io import load_model, save_model
from lnn_core.engine.representations import (
    fit_state_projection,
    model_space_features,
    model_space_width,
)
from lnn_core.engine.states import collect_features, run_states
from lnn_core.errors import DataError

ARCHIVE = Path(__file__).parents[1] / "data" / "archive"


def _states(seed=0, n=5, n_units=12):
    rng = np.random.default_rng(seed)
    return [np.tanh(rng.standard_normal((int(rng.integers(8, 20)), n_units))) for _ in range(n)]


def test_projection_matches_sklearn_pca_up_to_sign():
    states = _states()
    projection = fit_state_projection(states, n_components=4)
    pca = PCA(n_components=4).fit(np.concatenate(states))
    np.testing.assert_allclose(projection.mean, pca.mean_, atol=1e-12)
    overlap = np.abs(projection.components.T @ pca.components_.T)     # (4, 4)
    np.testing.assert_allclose(overlap, np.eye(4), atol=1e-8)


def test_features_are_one_sklearn_ridge_per_sequence():
    states = _states(seed=1)
    projection = fit_state_projection(states, n_components=5)
    features = model_space_features(states, projection, ridge=0.3)
    assert features.shape == (5, model_space_width(12, 5)) == (5, 30)
    for h, row in zip(states, features):
        z = projection.transform(h)
        ridge = Ridge(alpha=0.3).fit(z[:-1], z[1:])                   # intercept not penalised
        expected = np.vstack([ridge.coef_.T, ridge.intercept_[None]])  # (d + 1, d)
        np.testing.assert_allclose(row, expected.ravel(), atol=1e-9)


def test_a_single_step_sequence_is_refused_with_a_sentence():
    states = _states()
    projection = fit_state_projection(states, n_components=3)
    with pytest.raises(DataError, match="sequence 1 has 1 step"):
        model_space_features([states[0], states[1][:1]], projection)


def test_classifier_features_are_the_model_space_of_its_own_states():
    rng = np.random.default_rng(2)
    X = [rng.standard_normal((int(rng.integers(10, 30)), 2)) for _ in range(12)]   # ragged
    y = np.arange(12) % 3
    clf = EchoStateClassifier(n_units=40, pooling="model_space", random_state=3).fit(X, y)
    states = [run_states(clf.reservoir_, x) for x in X]
    projection = fit_state_projection(states)
    np.testing.assert_allclose(clf.state_projection_.mean, projection.mean, atol=1e-6)
    np.testing.assert_allclose(clf.transform_states(X), model_space_features(states, projection),
                               rtol=1e-4, atol=1e-4)
    assert np.array_equal(clf.predict(X[:5]), [clf.predict([x])[0] for x in X[:5]])


def test_a_saved_model_space_classifier_predicts_the_same():
    rng = np.random.default_rng(4)
    X, y = rng.standard_normal((20, 15, 1)), np.arange(20) % 2
    clf = EchoStateClassifier(n_units=30, pooling="model_space", ridge=1e-2).fit(X, y)
    loaded = load_model(save_model(clf))
    assert np.array_equal(loaded.predict(X), clf.predict(X))
    np.testing.assert_array_equal(loaded.state_projection_.components,
                                  clf.state_projection_.components)


def test_model_space_refuses_bidirectional_and_plain_state_collection():
    X, y = np.zeros((4, 5, 1)), [0, 1, 0, 1]
    with pytest.raises(ValueError, match="forwards only"):
        EchoStateClassifier(n_units=10, pooling="model_space", bidirectional=True).fit(X, y)
    clf = EchoStateClassifier(n_units=10).fit(X, y)
    with pytest.raises(ValueError, match="principal axes"):
        collect_features(clf.reservoir_, X, "model_space")


def _archive(name):
    train, test = (parse_ts(ARCHIVE / f"{name}_{part}.ts") for part in ("TRAIN", "TEST"))
    mean, std = np.concatenate(train.X).mean(), np.concatenate(train.X).std()
    return [(x - mean) / std for x in train.X], train.y, [(x - mean) / std for x in test.X], test.y


def test_model_space_beats_nearest_neighbour_on_gunpoint():
    X_train, y_train, X_test, y_test = _archive("GunPoint")
    flat = KNeighborsClassifier(1).fit(np.stack(X_train)[..., 0], y_train)
    nearest = flat.score(np.stack(X_test)[..., 0], y_test)
    clf = EchoStateClassifier(n_units=200, pooling="model_space", ridge=1.0).fit(X_train, y_train)
    assert (nearest, len(y_test)) == (pytest.approx(0.9133, abs=1e-4), 150)    # published 0.913
    assert clf.score(X_test, y_test) > nearest
