"""Shifted training copies."""

import numpy as np
import pytest

from lnn_core.data.augment import shift_augment


def test_shift_augment_moves_pixels_and_keeps_labels():
    img = np.zeros((1, 5, 5))
    img[0, 2, 2] = 1.0
    X, y = shift_augment(img, np.array([7]), max_shift=1)
    assert X.shape == (5, 5, 5) and y.tolist() == [7] * 5
    assert [tuple(np.argwhere(x)[0]) for x in X] == [(2, 2), (3, 2), (1, 2), (2, 3), (2, 1)]


def test_shift_augment_fills_the_border_with_zeros():
    img = np.ones((1, 4, 4))
    X, _ = shift_augment(img, np.array([0]), max_shift=1)
    assert X[1][0].sum() == 0 and X[1][1:].sum() == 12      # shifted down: top row empty
    with pytest.raises(ValueError, match="max_shift must be a whole number in"):
        shift_augment(img, np.array([0]), max_shift=0)
