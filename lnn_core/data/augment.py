"""Training-set augmentation for images read as sequences."""

import numpy as np

from .._validation import check_int

__all__ = ["shift_augment"]


def shift_augment(images, labels, max_shift=1):
    """Add copies of every image shifted by up to ``max_shift`` pixels.

    Each image gets four shifted copies per shift size (up, down, left,
    right), with zeros moved in at the border: handwriting does not sit at
    one exact position, and these copies teach the readout so.

    Parameters
    ----------
    images : ndarray of shape (n_images, height, width)
    labels : ndarray of shape (n_images,)
    max_shift : int, >= 1

    Returns
    -------
    images : ndarray of shape (n_images * (1 + 4 * max_shift), height, width)
        The originals first, then the shifted copies.
    labels : ndarray of shape (n_images * (1 + 4 * max_shift),)
    """
    max_shift = check_int("max_shift", max_shift, low=1, high=5)
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(f"images must have shape (n_images, height, width), got {images.shape}")
    out, out_labels = [images], [np.asarray(labels)]
    for s in range(1, max_shift + 1):
        for axis, step in ((1, s), (1, -s), (2, s), (2, -s)):
            shifted = np.roll(images, step, axis=axis)
            edge = [slice(None)] * 3
            edge[axis] = slice(0, step) if step > 0 else slice(step, None)
            shifted[tuple(edge)] = 0
            out.append(shifted)
            out_labels.append(np.asarray(labels))
    return np.concatenate(out), np.concatenate(out_labels)
