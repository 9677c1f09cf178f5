"""Drawing preprocessing: crop, scale to a 20-px box, centre by mass, as MNIST did."""

import numpy as np
import pytest

from lnn_core import DataError
from lnn_core.data.digits import preprocess_drawing, preprocess_drawing_8x8

SIDE = 280


def canvas(strokes, ink="white"):
    """A square RGBA canvas with filled rectangles ``(top, bottom, left, right)``.

    ``ink="white"``: white on opaque black; ``"black"``: black on opaque white;
    ``"alpha"``: black strokes on a transparent canvas.
    """
    image = np.zeros((SIDE, SIDE, 4), np.uint8)
    background, color = {"white": (0, 255), "black": (255, 0), "alpha": (0, 0)}[ink]
    image[..., :3] = background
    image[..., 3] = 0 if ink == "alpha" else 255
    for top, bottom, left, right in strokes:
        image[top:bottom, left:right, :3] = color
        image[top:bottom, left:right, 3] = 255
    return image


def centre_of_mass(image):
    rows, cols = np.indices(image.shape)
    return (rows * image).sum() / image.sum(), (cols * image).sum() / image.sum()


def ink_box(image, floor=0.05):
    rows, cols = np.nonzero(image > floor)
    return rows.max() - rows.min() + 1, cols.max() - cols.min() + 1


SEVEN = [(40, 60, 60, 220), (60, 240, 190, 215)]          # a bar on top, a stem on the right
ONE = [(30, 250, 130, 150)]
CORNER_L = [(10, 120, 10, 30), (100, 120, 10, 90)]         # an "L" tucked in the top-left corner


@pytest.mark.parametrize("ink", ["white", "black", "alpha"])
@pytest.mark.parametrize("strokes", [SEVEN, ONE, CORNER_L], ids=["seven", "one", "corner"])
def test_mnist_geometry(strokes, ink):
    digit = preprocess_drawing(canvas(strokes, ink))
    assert digit.shape == (28, 28) and digit.dtype == np.float32
    assert 0.0 <= digit.min() and digit.max() <= 1.0
    row, col = centre_of_mass(digit)
    assert abs(row - 14) <= 0.5 and abs(col - 14) <= 0.5
    assert max(ink_box(digit)) == 20


def test_aspect_ratio_is_kept():
    digit = preprocess_drawing(canvas(ONE))                 # 220 tall, 20 wide
    height, width = ink_box(digit)
    assert height == 20
    assert width <= 3


def test_polarities_give_the_same_digit():
    images = [preprocess_drawing(canvas(SEVEN, ink)) for ink in ("white", "black", "alpha")]
    np.testing.assert_allclose(images[0], images[1], atol=1e-6)
    np.testing.assert_allclose(images[0], images[2], atol=1e-6)


def test_small_drawing_is_scaled_up():
    digit = preprocess_drawing(canvas([(100, 110, 100, 105)]))
    assert max(ink_box(digit)) == 20


def test_rgb_without_alpha_works():
    digit = preprocess_drawing(canvas(SEVEN)[..., :3])
    assert max(ink_box(digit)) == 20


@pytest.mark.parametrize("ink", ["white", "black", "alpha"])
def test_empty_drawing_asks_for_a_digit(ink):
    with pytest.raises(DataError, match="draw a digit first"):
        preprocess_drawing(canvas([], ink))


@pytest.mark.parametrize("bad", [np.zeros((28, 28), np.uint8), np.zeros((10, 10, 2), np.uint8),
                                 np.zeros((10, 10, 4), np.float32)])
def test_not_an_image_is_a_data_error(bad):
    with pytest.raises(DataError, match="shape|dtype"):
        preprocess_drawing(bad)


def test_eight_by_eight_fills_its_grid():
    digit = preprocess_drawing_8x8(canvas(SEVEN))
    assert digit.shape == (8, 8) and digit.dtype == np.float32
    assert digit.max() == pytest.approx(1.0)
    assert max(ink_box(digit)) == 8


def test_eight_by_eight_empty_drawing_asks_for_a_digit():
    with pytest.raises(DataError, match="draw a digit first"):
        preprocess_drawing_8x8(canvas([]))


def test_real_mnist_digits_survive_the_canvas_round_trip():
    """MNIST digits drawn large on a canvas come back as MNIST digits (the trusted reference)."""
    from PIL import Image

    from lnn_core.data import datasets
    images = datasets.load_mnist("sample").X_test[:40]
    for image in images:
        big = np.asarray(Image.fromarray((image * 255).astype(np.uint8)).resize(
            (SIDE, SIDE), Image.Resampling.BILINEAR))
        rgba = np.dstack([big, big, big, np.full_like(big, 255)])
        digit = preprocess_drawing(rgba)
        assert np.abs(digit - image).mean() < 0.08
        assert np.corrcoef(digit.ravel(), image.ravel())[0, 1] > 0.8
