"""Standardiser: statistics of the reference only, exact inverse, clear errors."""

import numpy as np
import pytest
from sklearn.preprocessing import StandardScaler

from lnn_core import DataError
from lnn_core.data.standardiser import Standardiser


@pytest.fixture
def reference():
    rng = np.random.default_rng(0)
    return rng.normal(loc=[5.0, -2.0, 0.0], scale=[3.0, 0.5, 1e-3], size=(400, 3))


def test_fit_matches_numpy_mean_and_population_std(reference):
    scaler = Standardiser.fit(reference)
    np.testing.assert_array_equal(scaler.mean, reference.mean(axis=0))
    np.testing.assert_array_equal(scaler.spread, reference.std(axis=0))
    z = scaler.transform(reference)
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=0), 1, rtol=1e-12)


def test_other_data_is_scaled_by_the_reference_statistics_only(reference):
    scaler = Standardiser.fit(reference)
    later = np.array([[8.0, -1.0, 0.0]])                  # not part of the statistics
    expected = (later - reference.mean(axis=0)) / reference.std(axis=0)
    np.testing.assert_array_equal(scaler.transform(later), expected)


def test_inverse_undoes_transform(reference):
    scaler = Standardiser.fit(reference[:100])
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(reference)), reference,
                               rtol=1e-13, atol=1e-12)


def test_a_constant_channel_is_only_centred():
    scaler = Standardiser.fit(np.array([[1.0, 7.0], [3.0, 7.0], [5.0, 7.0]]))
    assert scaler.spread.tolist() == [np.std([1.0, 3.0, 5.0]), 1.0]
    assert scaler.transform(np.array([[3.0, 9.0]])).tolist() == [[0.0, 2.0]]


def test_broadcasts_over_leading_axes(reference):
    scaler = Standardiser.fit(reference)
    batch = reference.reshape(4, 100, 3)                  # (n_samples, n_steps, n_channels)
    np.testing.assert_array_equal(scaler.transform(batch).reshape(400, 3),
                                  scaler.transform(reference))


def test_identity_changes_nothing(reference):
    scaler = Standardiser.identity(3)
    assert scaler.is_identity and scaler.n_channels == 3
    np.testing.assert_array_equal(scaler.transform(reference), reference)
    assert not Standardiser.fit(reference).is_identity


def test_statistics_are_read_only_float64():
    scaler = Standardiser([1, 2], [3, 4])
    assert scaler.mean.dtype == np.float64 and scaler.spread.dtype == np.float64
    with pytest.raises(ValueError, match="read-only"):
        scaler.mean[0] = 0.0


@pytest.mark.parametrize("mean, spread, match", [
    ([[0.0]], [[1.0]], r"mean must have shape \(n_channels,\)"),
    ([], [], r"mean must have shape \(n_channels,\)"),
    ([0.0, 1.0], [1.0], r"spread must have the shape of mean \(2,\)"),
    ([np.nan], [1.0], "mean must be finite"),
    ([0.0], [0.0], "spread must be finite and > 0"),
    ([0.0], [np.inf], "spread must be finite and > 0"),
])
def test_bad_statistics_are_refused_by_name(mean, spread, match):
    with pytest.raises(ValueError, match=match):
        Standardiser(mean, spread)


@pytest.mark.parametrize("reference, match", [
    (np.ones(5), r"shape \(n_rows, n_channels\).*got shape \(5,\)"),
    (np.ones((0, 2)), r"got shape \(0, 2\)"),
    (np.array([[1.0], [np.nan]]), "NaN or infinity"),
])
def test_bad_reference_is_a_data_error(reference, match):
    with pytest.raises(DataError, match=match):
        Standardiser.fit(reference)


def test_wrong_number_of_channels_is_a_data_error(reference):
    scaler = Standardiser.fit(reference)
    with pytest.raises(DataError, match=r"shape \(10, 2\).*3 channel\(s\).*\(\.\.\., 3\)"):
        scaler.transform(np.ones((10, 2)))
    with pytest.raises(DataError, match="3 channel"):
        scaler.inverse_transform(np.float64(1.0))


@pytest.mark.parametrize("n_channels", [0, -1, 1.5, True, "2"])
def test_identity_needs_a_positive_whole_number(n_channels):
    with pytest.raises(ValueError, match="n_channels must be a whole number >= 1"):
        Standardiser.identity(n_channels)


def test_a_channel_constant_up_to_rounding_is_only_centred_as_in_sklearn():
    # 0.1 in every row has a computed spread of ~1e-17, not 0: it used to divide by it,
    # turning a later 0.11 into ~7e14
    reference = np.column_stack([np.linspace(-1, 1, 50), np.full(50, 0.1)])
    scaler = Standardiser.fit(reference)
    sklearn_scaler = StandardScaler().fit(reference)
    np.testing.assert_allclose(scaler.spread, sklearn_scaler.scale_)
    np.testing.assert_allclose(scaler.mean, sklearn_scaler.mean_)
    assert scaler.spread[1] == 1.0
    assert scaler.transform(np.array([[0.0, 0.11]]))[0, 1] == pytest.approx(0.01)
