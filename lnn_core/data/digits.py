"""Turn a hand-drawn digit into an MNIST-style 28x28 image.

MNIST digits were size-normalised to fit a 20x20 box (keeping their aspect
ratio, anti-aliased) and then placed in a 28x28 field so that their centre of
mass sits at the centre.  :func:`preprocess_drawing` does the same to a
canvas image, so the model sees a drawing the way it saw its training data.
"""

import numpy as np
from PIL import Image

from ..errors import DataError

__all__ = ["DIGIT_BOX", "MNIST_SIDE", "preprocess_drawing", "preprocess_drawing_8x8"]

#: Side of an MNIST image, in pixels.
MNIST_SIDE = 28
#: Side of the box the digit's longer side is scaled to.
DIGIT_BOX = 20
# Ink below this (of 1) is treated as background when finding the digit's box.
_INK_FLOOR = 0.05


def preprocess_drawing(rgba):
    """Crop, scale and centre a drawing the MNIST way.

    Steps: ink from the image (its alpha channel if it has transparency,
    else luminance against the background, so white-on-black and
    black-on-white both work); crop to the ink's bounding box; scale the
    longer side to 20 px keeping the aspect ratio (area averaging when
    shrinking); paste into a 28x28 field with the centre of mass at (14, 14)
    in pixel-index coordinates, where MNIST's digits have theirs on average.

    Parameters
    ----------
    rgba : ndarray of shape (height, width, 4) or (height, width, 3), uint8
        The canvas image.

    Returns
    -------
    ndarray of shape (28, 28), float32 in [0, 1]
        Ink 1, background 0.

    Raises
    ------
    DataError
        ``"draw a digit first"`` when the image holds no ink; a message naming
        the shape for an array that is not an RGB(A) image.

    Examples
    --------
    >>> canvas = np.zeros((200, 200, 4), np.uint8)
    >>> canvas[40:160, 90:110] = 255                       # a white vertical bar
    >>> digit = preprocess_drawing(canvas)
    >>> digit.shape, int((digit.max(axis=1) > 0.1).sum())
    ((28, 28), 20)
    """
    ink = _ink(rgba)
    rows, cols = np.nonzero(ink > _INK_FLOOR)
    if rows.size == 0:
        raise DataError("draw a digit first")
    crop = ink[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    box = _scale_to_box(crop)
    return _centre_by_mass(box)


def preprocess_drawing_8x8(rgba):
    """Crop and scale a drawing like scikit-learn's 8x8 digits.

    Those digits fill their whole 8x8 grid (32x32 bitmaps summed in 4x4
    blocks), so the drawing's longer side is scaled to 8 pixels by area
    averaging, centred by its bounding box, and its ink rescaled so the
    darkest pixel is 1.

    Parameters
    ----------
    rgba : ndarray of shape (height, width, 4) or (height, width, 3), uint8

    Returns
    -------
    ndarray of shape (8, 8), float32 in [0, 1]

    Raises
    ------
    DataError
        ``"draw a digit first"`` for an empty drawing.
    """
    ink = _ink(rgba)
    rows, cols = np.nonzero(ink > _INK_FLOOR)
    if rows.size == 0:
        raise DataError("draw a digit first")
    crop = ink[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    box = _scale_to_box(crop, side=8)
    grid = np.zeros((8, 8), np.float32)
    top, left = (8 - box.shape[0]) // 2, (8 - box.shape[1]) // 2
    grid[top:top + box.shape[0], left:left + box.shape[1]] = box
    return grid / max(float(grid.max()), 1e-6)


def _ink(rgba):
    """Ink in [0, 1], shape (height, width), float32."""
    image = np.asarray(rgba)
    if image.ndim != 3 or image.shape[2] not in (3, 4) or min(image.shape[:2]) < 1:
        raise DataError(f"a drawing must be an RGBA image of shape (height, width, 4), "
                        f"got an array of shape {image.shape}")
    if image.dtype != np.uint8:
        raise DataError(f"a drawing must hold uint8 pixels 0..255, got dtype {image.dtype}")
    pixels = image.astype(np.float32) / 255.0
    if image.shape[2] == 4 and (image[..., 3] < 255).any():
        return pixels[..., 3]
    luminance = pixels[..., :3] @ np.array([0.299, 0.587, 0.114], np.float32)
    border = np.concatenate([luminance[0], luminance[-1], luminance[:, 0], luminance[:, -1]])
    background = float(np.median(border))           # a canvas's edge is background
    return np.abs(luminance - background) / max(background, 1.0 - background)


def _scale_to_box(crop, side=DIGIT_BOX):
    """Scale so the longer side is ``side`` pixels, keeping the aspect ratio."""
    height, width = crop.shape
    factor = side / max(height, width)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))   # PIL: (w, h)
    resample = Image.Resampling.BOX if factor < 1 else Image.Resampling.BILINEAR
    scaled = Image.fromarray(np.ascontiguousarray(crop, dtype=np.float32)).resize(size, resample)
    return np.clip(np.asarray(scaled, dtype=np.float32), 0.0, 1.0)


def _centre_by_mass(box):
    """Paste ``box`` into a 28x28 field with its centre of mass at (14, 14)."""
    height, width = box.shape
    total = float(box.sum())
    centre_row = float(np.arange(height) @ box.sum(axis=1)) / total
    centre_col = float(np.arange(width) @ box.sum(axis=0)) / total
    target = MNIST_SIDE / 2
    # integer shift, clipped so the whole digit stays inside the field
    top = int(np.clip(round(target - centre_row), 0, MNIST_SIDE - height))
    left = int(np.clip(round(target - centre_col), 0, MNIST_SIDE - width))
    field = np.zeros((MNIST_SIDE, MNIST_SIDE), np.float32)
    field[top:top + height, left:left + width] = box
    return field
