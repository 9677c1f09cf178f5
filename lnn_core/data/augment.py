"""Training-set augmentation for images read as sequences."""

import numpy as np

from .._validation import check_int

__all__ = ["MAX_SHIFT", "n_copies", "shift_augment"]

#: Largest shift :func:`shift_augment` makes, in pixels (21 images per original).
MAX_SHIFT = 5


def n_copies(max_shift):
    """Images per original after :func:`shift_augment`: the original and 4 per pixel of shift.

    Parameters
    ----------
    max_shift : int in [0, MAX_SHIFT]
        0: no copies.

    Returns
    -------
    int
        ``1 + 4 * max_shift``.

    Examples
    --------
    >>> n_copies(1)
    5
    """
    return 1 + 4 * check_int("max_shift", max_shift, low=0, high=MAX_SHIFT)


def shift_augment(images, labels, max_shift=1):
    """Add copies of every image shifted by up to ``max_shift`` pixels.

    Each image gets four shifted copies per shift size (up, down, left,
    right), with zeros moved in at the border: handwriting does not sit at
    one exact position, and these copies teach the readout so.  The result
    is written into one array, so the peak memory is the originals plus the
    result (``n_copies(max_shift)`` times the originals).

    Parameters
    ----------
    images : ndarray of shape (n_images, height, width)
    labels : ndarray of shape (n_images,)
    max_shift : int in [1, MAX_SHIFT]

    Returns
    -------
    images : ndarray of shape (n_images * (1 + 4 * max_shift), height, width)
        The originals first, then the copies: for each shift ``s``, moved
        down, up, right and left by ``s`` pixels.
    labels : ndarray of shape (n_images * (1 + 4 * max_shift),)
    """
    max_shift = check_int("max_shift", max_shift, low=1, high=MAX_SHIFT)
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(f"images must have shape (n_images, height, width), got {images.shape}")
    n = len(images)
    out = np.zeros((n * n_copies(max_shift), *images.shape[1:]), images.dtype)
    out[:n] = images
    copy = 1
    for s in range(1, max_shift + 1):
        for axis, step in ((1, s), (1, -s), (2, s), (2, -s)):
            target, source = [slice(None)] * 3, [slice(None)] * 3
            # moved by +s: rows s.. take rows ..-s; moved by -s: rows ..-s take rows s..
            target[axis], source[axis] = (slice(s, None), slice(None, -s)) if step > 0 else \
                (slice(None, -s), slice(s, None))
            out[copy * n:(copy + 1) * n][tuple(target)] = images[tuple(source)]
            copy += 1
    return out, np.tile(np.asarray(labels), n_copies(max_shift))
