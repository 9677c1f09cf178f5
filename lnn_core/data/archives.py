"""Reading user archives by what they declare: bounded streams and ``.npy`` headers.

A compressed upload can unpack to far more than it weighs (a megabyte of
gzip holds a gigabyte of zeros), and its sizes are its own claims: the gzip
trailer's ISIZE, a zip member's ``file_size`` and a ``.npy`` header's shape
may all lie.  These helpers read what a file declares first, so the caller
can refuse it before anything large is allocated, and then read its content
through a stream that stops one byte past the limit, whatever was declared.

>>> import io, numpy as np, zipfile
>>> buffer = io.BytesIO()
>>> np.savez_compressed(buffer, W=np.zeros((3, 4), np.float32))
>>> with zipfile.ZipFile(buffer) as archive:
...     npy_headers(archive, "model.npz")["W"]
NpyHeader(shape=(3, 4), dtype=dtype('float32'), nbytes=48)
"""

from typing import NamedTuple

import numpy as np

from ..errors import DataError

__all__ = ["NpyHeader", "npy_headers", "read_bounded"]


class NpyHeader(NamedTuple):
    """What one ``.npy`` member of an ``.npz`` archive declares.

    Attributes
    ----------
    shape : tuple of int
    dtype : numpy.dtype
    nbytes : int
        ``prod(shape) * dtype.itemsize``: the memory its array would take.
    """

    shape: tuple
    dtype: np.dtype
    nbytes: int


def read_bounded(stream, limit, *, refusal):
    """Read a (decompressing) stream, refusing it as soon as it passes ``limit`` bytes.

    At most ``limit + 1`` bytes are ever decompressed, so a gzip whose trailer
    (ISIZE) understates its content, or a bomb, costs ``limit`` bytes at most.

    Parameters
    ----------
    stream : binary file-like
        E.g. a ``gzip.GzipFile`` or a zip member opened with ``ZipFile.open``.
    limit : int >= 0
        Most bytes accepted.
    refusal : str
        The sentence raised when the stream holds more, e.g. ``"train.gz unpacks
        to more than the 7,856 bytes its IDX header declares."``

    Returns
    -------
    bytes
        At most ``limit`` bytes.

    Raises
    ------
    DataError
        ``refusal``: the stream holds more than ``limit`` bytes.

    A damaged stream raises what the stream raises (``OSError``,
    ``zlib.error``, ``zipfile.BadZipFile``); the caller names the file.
    """
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise DataError(refusal)
    return data


def npy_headers(archive, name):
    """The shape and dtype every ``.npy`` member of an ``.npz`` declares, no data read.

    Only each member's header is decompressed (``np.lib.format.read_magic``
    and ``read_array_header_1_0`` / ``_2_0`` on the member stream), so a
    caller can refuse an archive by its declared sizes before any array is built.

    Parameters
    ----------
    archive : zipfile.ZipFile
        The opened ``.npz``.
    name : str
        File name for messages.

    Returns
    -------
    dict of str to NpyHeader
        By array name (the member name without ``.npy``); other members are
        not read.

    Raises
    ------
    DataError
        A damaged header, an array of
        Python objects (never unpickled), or a header that declares a
        negative or unreadable shape.
    """
    headers = {}
    for info in archive.infolist():
        if info.is_dir() or not info.filename.endswith(".npy"):
            continue  # not an array: never read
        key = info.filename[: -len(".npy")]
        try:
            with archive.open(info) as stream:
                version = np.lib.format.read_magic(stream)
                if version == (1, 0):
                    shape, _, dtype = np.lib.format.read_array_header_1_0(stream)
                elif version == (2, 0):
                    shape, _, dtype = np.lib.format.read_array_header_2_0(stream)
                else:
                    raise ValueError(f"unsupported .npy format version {version}")
        except Exception as exc:  # noqa: BLE001 - numpy's header parser raises many types
            raise DataError(f"{name}: the header of array {key!r} cannot be read "
                            f"({exc}).") from None
        if dtype.hasobject:
            raise DataError(f"{name}: array {key!r} holds Python objects (pickled data), "
                            "which are never loaded, so the file is not loaded; save plain "
                            "numeric arrays.")
        if any(not isinstance(d, int) or d < 0 for d in shape):
            raise DataError(f"{name}: array {key!r} declares the shape {shape}, which is "
                            "not an array shape.")
        headers[key] = NpyHeader(tuple(shape), dtype, int(np.prod(shape, dtype=object))
                                 * dtype.itemsize)
    return headers
