"""MNIST in files: the :class:`MnistData` container and decoding of user files
(``.npz``, IDX, gzip, zip, CSV, folders) from bytes, never unpickled.

Every file is judged by what it declares before anything large is allocated
or decompressed: an IDX header's dimensions, a ``.npy`` header's shape, a zip
member's size, a CSV's line count.  One upload may hold at most
:data:`MAX_UPLOAD_IMAGES` images, and the memory they need (the bytes as read
and their float32 copy) must fit the server's budget
(:func:`lnn_core.guard.budget_from_env`).  Compressed content is read through
a stream that stops at what the header declares, never trusting gzip's ISIZE
or a zip member's declared size.
"""

import gzip
import io
import os
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from ..errors import DataError
from .archives import npy_headers, read_bounded
from .parsers import decode_text, read_bytes

#: Largest user file read, and largest unpacked content (the full CSV pair is about 130 MB).
MAX_MNIST_BYTES = 300 * 1024 * 1024
#: Most images one upload may hold, all files together (the full MNIST is 70,000).
MAX_UPLOAD_IMAGES = 100_000
_PIXELS = 28 * 28
#: Bytes per pixel while an IDX / npz image is decoded: as read (its dtype) plus float32.
_F32 = 4
#: Bytes per pixel while a CSV is decoded: pandas' int64 table, its float64 copy, the
#: float64 pixels without the label column, then float32.
_CSV_BYTES_PER_PIXEL = 8 + 8 + 8 + 4
_NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")
_IDX_LABELS, _IDX_IMAGES = 0x00000801, 0x00000803


@dataclass(frozen=True, eq=False)
class MnistData:
    """Images and labels split into train and test.

    Attributes
    ----------
    X_train : ndarray of shape (n_train, h, w), float32 in [0, 1]
    y_train : ndarray of shape (n_train,), int64 in 0..9
    X_test : ndarray of shape (n_test, h, w), float32 in [0, 1]
    y_test : ndarray of shape (n_test,), int64 in 0..9
    description : str
        Where the data came from, e.g.
        ``"Full MNIST, 60,000 / 10,000, from cache (~/.keras/datasets/mnist.npz)"``.
    source : str
        ``"upload"``, ``"cache"``, ``"download"``, ``"sample"`` or ``"builtin"``.

    All arrays are read-only.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    description: str
    source: str


def _display(path):
    path = Path(path)
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def _label(n_train, n_test):
    return "Full MNIST" if (n_train, n_test) == (60_000, 10_000) else "MNIST"


def _make(X_train, y_train, X_test, y_test, where, source):
    for array in (X_train, y_train, X_test, y_test):
        array.setflags(write=False)
    description = f"{_label(len(y_train), len(y_test))}, {len(y_train):,} / {len(y_test):,}, {where}"
    return MnistData(X_train, y_train, X_test, y_test, description, source)


# --------------------------------------------------------------------------- #
# User files
# --------------------------------------------------------------------------- #
@dataclass(frozen=True, eq=False)
class _Part:
    """One decoded file: an npz (all four arrays), IDX images/labels, or a CSV."""

    kind: str  # "npz", "images", "labels", "csv"
    name: str
    arrays: tuple


class _Tally:
    """Images and memory an upload declares so far, refused before they are allocated."""

    def __init__(self):
        self.images = 0
        self.bytes = 0

    def labels(self, name, n_labels):
        """Refuse a labels file declaring more labels than one upload may hold images."""
        if n_labels > MAX_UPLOAD_IMAGES:
            raise DataError(
                f"{name} declares {n_labels:,} labels; one upload may hold at most "
                f"{MAX_UPLOAD_IMAGES:,} images (the full MNIST is 70,000)."
            )

    def images_of(self, name, n_images, bytes_per_pixel, declares=None):
        """Count ``n_images`` 28×28 images needing ``bytes_per_pixel`` each while decoded.

        ``declares`` completes the sentence "{name} …" (default "declares
        {n_images} images of 28×28").
        """
        from ..guard import budget_from_env, format_bytes  # guard imports the engine

        declares = declares or f"declares {n_images:,} images of 28×28"
        if n_images > MAX_UPLOAD_IMAGES:
            raise DataError(
                f"{name} {declares}; one upload may hold at most "
                f"{MAX_UPLOAD_IMAGES:,} images (the full MNIST is 70,000)."
            )
        self.images += n_images
        if self.images > MAX_UPLOAD_IMAGES:
            raise DataError(
                f"{name} {declares}, {self.images:,} in the upload with the files before it; "
                f"one upload may hold at most {MAX_UPLOAD_IMAGES:,} images "
                "(the full MNIST is 70,000)."
            )
        need = n_images * _PIXELS * bytes_per_pixel
        self.bytes += need
        budget = budget_from_env()
        if self.bytes > budget:
            raise DataError(
                f"{name} {declares}, which need about "
                f"{format_bytes(need)} of memory to decode ({format_bytes(self.bytes)} with "
                f"the files before it), more than the {format_bytes(budget)} budget of this "
                "server (LNN_LAB_MEMORY_BUDGET_MB)."
            )


def _from_user(source):
    items = _collect(source)
    tally = _Tally()
    parts = []
    for name, raw in items:
        parts.extend(_decode(name, raw, depth=0, tally=tally))
    arrays, how = _assemble(parts)
    names = ", ".join(name for name, _ in items)
    return _make(*arrays, f"from upload ({names}{how})", "upload")


def _collect(source):
    """Return [(name, bytes)] for a path, folder, file object, bytes, or list of them."""
    if isinstance(source, (list, tuple)):
        if not source:
            raise DataError("No MNIST files given: the list is empty.")
        items = []
        for k, item in enumerate(source, start=1):
            items.extend(_collect_one(item, f"file {k}"))
        return items
    return _collect_one(source, "upload")


def _collect_one(item, default_name):
    if isinstance(item, (str, os.PathLike)):
        path = Path(item).expanduser()
        if path.is_dir():
            return _idx_folder(path)
        if not path.is_file():
            raise DataError(
                f"No file or folder named {str(item)!r}. source must be 'auto', 'cache', "
                "'download', 'sample', a path, bytes, or uploaded files."
            )
        return [
            (path.name, read_bytes(path, name=path.name, max_bytes=MAX_MNIST_BYTES))
        ]
    name = os.path.basename(str(getattr(item, "name", "") or "")) or default_name
    return [(name, read_bytes(item, name=name, max_bytes=MAX_MNIST_BYTES))]


def _idx_folder(folder):
    found = []
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        try:
            with open(path, "rb") as handle:
                head = handle.read(4)
            if head[:2] == b"\x1f\x8b":
                with gzip.open(path, "rb") as handle:
                    head = handle.read(4)
        except (OSError, EOFError, gzip.BadGzipFile):
            continue
        if int.from_bytes(head[:4], "big") in (_IDX_LABELS, _IDX_IMAGES):
            found.append(
                (path.name, read_bytes(path, name=path.name, max_bytes=MAX_MNIST_BYTES))
            )
    if len(found) not in (2, 4):
        names = ", ".join(n for n, _ in found) or "none"
        raise DataError(
            f"The folder {_display(folder)} should hold the IDX files of MNIST "
            f"(train/t10k images and labels); found {len(found)} IDX files ({names})."
        )
    return found


def _is_idx(head):
    return head[:2] == b"\x00\x00" and len(head) >= 4 and head[2] in (
        0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E)


def _decode(name, raw, depth, tally):
    """Recognise one file by its content and decode it into parts."""
    if not raw:
        raise DataError(f"{name} is empty.")
    if raw[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return _decode_zip(name, raw, depth, tally)
    if raw[:2] == b"\x1f\x8b":
        if depth > 1:
            raise DataError(f"{name} is compressed more than once; unpack it first.")
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
                return _decode_stream(name, stream, MAX_MNIST_BYTES, depth + 1, tally)
        except (OSError, EOFError, zlib.error) as exc:
            raise DataError(f"{name} is a damaged gzip file: {exc}.") from None
    if _is_idx(raw):
        return [_decode_idx(name, raw, _idx_declared(name, raw, tally))]
    head = raw[:4096]
    if b"\x00" in head:
        raise DataError(
            f"{name} is not a recognised MNIST file: expected a Keras .npz, IDX files "
            f"(raw or .gz) or a CSV, but it starts with the bytes {raw[:8].hex(' ')}."
        )
    return [_decode_csv(name, raw, tally)]


def _decode_stream(name, stream, limit, depth, tally):
    """Decode a decompressing stream (gzip, zip member), unpacking no more than it declares.

    An IDX file is unpacked up to the size its header declares (checked
    first), anything else up to ``limit`` bytes.
    """
    head = stream.read(16)  # the longest IDX header MNIST uses (images: 3 dimensions)
    if _is_idx(head):
        declared = _idx_declared(name, head, tally)
        rest = read_bounded(
            stream, declared.n_bytes - len(head),
            refusal=f"{name} unpacks to more than the {declared.n_bytes:,} bytes its IDX "
                    f"header declares ({declared.what}).")
        return [_decode_idx(name, head + rest, declared)]
    raw = head + read_bounded(
        stream, limit - len(head),
        refusal=f"{name} unpacks to more than {limit // (1024 * 1024)} MB; that is not MNIST.")
    return _decode(name, raw, depth, tally)


def _decode_zip(name, raw, depth, tally):
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, NotImplementedError) as exc:
        raise DataError(f"{name} is a damaged zip / npz file: {exc}.") from None
    if sum(info.file_size for info in members) > MAX_MNIST_BYTES:
        raise DataError(
            f"{name} unpacks to more than {MAX_MNIST_BYTES // (1024 * 1024)} MB; "
            "that is not MNIST."
        )
    if not members:
        raise DataError(f"{name} is an empty zip archive.")
    if all(info.filename.endswith(".npy") for info in members):
        return [_Part("npz", name, _npz_arrays(raw, name, tally))]
    if depth > 0:
        raise DataError(f"{name} holds another archive; unpack it first.")
    parts = []
    for info in members:
        if os.path.basename(info.filename).startswith("."):
            continue
        member = f"{name}/{info.filename}"
        if info.file_size > MAX_MNIST_BYTES:
            raise DataError(
                f"{member} declares {info.file_size:,} bytes unpacked; the limit is "
                f"{MAX_MNIST_BYTES:,} bytes."
            )
        try:  # the stream stops at the declared size and checks it, and the checksum, there
            with archive.open(info) as stream:
                parts.extend(_decode_stream(member, stream, info.file_size, depth + 1, tally))
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError):
            raise DataError(
                f"{member} does not match the size and checksum it declares "
                f"({info.file_size:,} bytes unpacked); the archive is damaged or crafted."
            ) from None
    return parts


def _npz_declared(raw, name, tally):
    """Check the shapes a Keras-style npz declares before any array is read."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            headers = npy_headers(archive, name)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise DataError(f"{name} is not a valid npz file: {exc}.") from None
    for key in _NPZ_KEYS:
        if key not in headers:
            continue  # reported with the other missing keys below
        shape, dtype, _ = headers[key]
        if key.startswith("y_"):
            tally.labels(f"{name}: {key}", shape[0] if shape else 0)
            continue
        if shape[1:] not in ((28, 28), (_PIXELS,)):
            raise DataError(f"{name}: {key} must have shape (n, 28, 28), found {shape}.")
        tally.images_of(f"{name}: {key}", shape[0], dtype.itemsize + _F32)


def _npz_arrays(raw, name, tally=None):
    """Validate a Keras-style npz and return (X_train, y_train, X_test, y_test)."""
    _npz_declared(raw, name, _Tally() if tally is None else tally)
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
            files = list(npz.files)
            missing = [key for key in _NPZ_KEYS if key not in files]
            if missing:
                raise DataError(
                    f"{name} is an npz file but lacks {', '.join(missing)}; expected the "
                    f"Keras keys {', '.join(_NPZ_KEYS)}, found {', '.join(files) or 'none'}."
                )
            loaded = {}
            for key in _NPZ_KEYS:
                try:
                    loaded[key] = npz[key]
                except Exception as exc:  # noqa: BLE001 - damaged .npy headers vary
                    if "allow_pickle" in str(exc) or "Object arrays" in str(exc):
                        raise DataError(
                            f"{name}: array {key!r} holds Python objects (pickled data); "
                            "for safety it is not loaded. Save plain numeric arrays."
                        ) from None
                    raise DataError(
                        f"{name}: array {key!r} cannot be read: {exc}."
                    ) from None
    except DataError:
        raise
    except Exception as exc:  # noqa: BLE001 - any damage in an untrusted npz is bad data
        raise DataError(f"{name} is not a valid npz file: {exc}.") from None
    X_train = _check_images(loaded["x_train"], f"{name}: x_train")
    X_test = _check_images(loaded["x_test"], f"{name}: x_test")
    y_train = _check_labels(loaded["y_train"], f"{name}: y_train")
    y_test = _check_labels(loaded["y_test"], f"{name}: y_test")
    for images, labels, split in (
        (X_train, y_train, "train"),
        (X_test, y_test, "test"),
    ):
        if len(images) != len(labels):
            raise DataError(
                f"{name}: x_{split} has {len(images):,} images but y_{split} has "
                f"{len(labels):,} labels."
            )
    return X_train, y_train, X_test, y_test


def _check_images(array, what):
    """(n, 28, 28) or (n, 784) numbers 0..255 -> float32 (n, 28, 28) in [0, 1]."""
    if array.dtype.kind not in "uif":
        raise DataError(f"{what} must hold numbers, found dtype {array.dtype}.")
    if array.ndim == 2 and array.shape[1] == 784:
        array = array.reshape(-1, 28, 28)
    if array.ndim != 3 or array.shape[1:] != (28, 28):
        raise DataError(f"{what} must have shape (n, 28, 28), found {array.shape}.")
    if len(array) == 0:
        raise DataError(f"{what} holds no images.")
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise DataError(f"{what} holds NaN or infinite pixels.")
    low, high = array.min(), array.max()
    if low < 0 or high > 255:
        raise DataError(f"{what}: pixels must lie in 0..255, found {low:g}..{high:g}.")
    images = array.astype(np.float32)
    images /= np.float32(255)
    return images


def _check_labels(array, what):
    if array.dtype.kind not in "uif" or array.ndim != 1:
        raise DataError(
            f"{what} must be a 1-D array of digits, found dtype {array.dtype}, "
            f"shape {array.shape}."
        )
    if len(array) == 0:
        raise DataError(f"{what} holds no labels.")
    bad = ~np.isin(array, np.arange(10))
    if bad.any():
        i = int(np.argmax(bad))
        raise DataError(
            f"{what}: label {i + 1:,} is {array[i].item()}; labels must be digits 0..9."
        )
    return array.astype(np.int64)


@dataclass(frozen=True)
class _IdxHeader:
    """What an IDX header declares, checked against the limits."""

    magic: int
    dims: tuple
    header: int  # bytes of the header
    n_bytes: int  # header and body

    @property
    def what(self):
        kind = "images of 28×28" if self.magic == _IDX_IMAGES else "labels"
        return f"{self.dims[0]:,} {kind}"


def _idx_declared(name, head, tally):
    """Read and check an IDX header (magic, dims) before its body is unpacked or copied."""
    magic = int.from_bytes(head[:4], "big")
    if magic not in (_IDX_LABELS, _IDX_IMAGES):
        raise DataError(
            f"{name} looks like an IDX file but its magic number is 0x{magic:08X}; "
            "expected 0x00000801 (labels) or 0x00000803 (images)."
        )
    n_dims = magic & 0xFF
    header = 4 + 4 * n_dims
    if len(head) < header:
        raise DataError(
            f"{name} is truncated: the IDX header needs {header} bytes, found {len(head)}."
        )
    dims = tuple(int.from_bytes(head[4 + 4 * k : 8 + 4 * k], "big") for k in range(n_dims))
    if magic == _IDX_IMAGES and dims[1:] != (28, 28):
        raise DataError(f"{name}: IDX images must be 28×28, found {dims[1]}×{dims[2]}.")
    if dims[0] == 0:
        raise DataError(f"{name}: the IDX file holds 0 items.")
    if magic == _IDX_IMAGES:
        tally.images_of(name, dims[0], 1 + _F32)
    else:
        tally.labels(name, dims[0])
    return _IdxHeader(magic, dims, header, header + int(np.prod(dims)))


def _decode_idx(name, raw, declared):
    header, dims = declared.header, declared.dims
    expected = declared.n_bytes - header
    body = len(raw) - header
    if body < expected:
        raise DataError(
            f"{name} is truncated: its header announces {dims[0]:,} items "
            f"({expected:,} bytes) but only {body:,} bytes follow."
        )
    if body > expected:
        raise DataError(
            f"{name} has {body - expected:,} bytes more than its header announces "
            f"({dims[0]:,} items, {expected:,} bytes)."
        )
    values = np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)
    if declared.magic == _IDX_LABELS:
        return _Part("labels", name, (_check_labels(values, name),))
    return _Part("images", name, (_check_images(values, name),))


def _decode_csv(name, raw, tally):
    """CSV: label then 784 pixels 0..255 per row, header optional."""
    _decode_text(name, _text_prefix(raw))  # binary or not UTF-8: not recognised
    start = re.match(rb"[\r\n]*", raw).end()  # blank lines before the first row
    first_end = raw.find(b"\n", start)
    n_columns = raw.count(b",", start, len(raw) if first_end < 0 else first_end) + 1
    if n_columns != 785:  # counted on the bytes: a huge single line fails before decoding
        raise DataError(
            f"{name} has {n_columns:,} columns; an MNIST CSV needs 785 "
            "(the label, then 784 pixel values)."
        )
    n_lines = raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1)  # rows, maybe a header
    tally.images_of(name, n_lines, _CSV_BYTES_PER_PIXEL,
                    declares=f"has {n_lines:,} lines, one image of 28×28 each")
    text = _decode_text(name, raw).lstrip("\r\n")
    if not text.strip():
        raise DataError(f"{name} is empty.")
    line = text.split("\n", 1)[0]
    n_columns = line.count(",") + 1
    if n_columns != 785:
        raise DataError(
            f"{name} has {n_columns:,} columns; an MNIST CSV needs 785 "
            "(the label, then 784 pixel values)."
        )
    has_header = not all(_is_number(cell) for cell in line.split(","))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)  # lost cells
            frame = pd.read_csv(
                io.StringIO(text),
                header=0 if has_header else None,
                index_col=False,
                low_memory=False,
            )
    except pd.errors.ParserWarning:
        raise DataError(
            f"{name}, row 2 has more cells than the header (785); every row needs "
            "the label and 784 pixel values."
        ) from None
    except pd.errors.ParserError as exc:
        raise DataError(f"{name} could not be read as CSV: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - pandas raises many types; one for the user
        raise DataError(f"{name} could not be read as CSV: {exc}") from None
    columns = (
        [str(c) for c in frame.columns]
        if has_header
        else ["label", *(f"pixel {k}" for k in range(784))]
    )
    labelled = [j for j, c in enumerate(columns) if c.strip().lower() == "label"]
    label_at = labelled[0] if labelled else 0
    offset = 2 if has_header else 1
    if frame.empty:
        raise DataError(f"{name} has a header row but no images.")
    for j in range(frame.shape[1]):
        column = frame.iloc[:, j]
        if column.dtype.kind not in "iuf":
            numbers = pd.to_numeric(column, errors="coerce")
            bad = numbers.isna() & column.notna()
            i = int(np.argmax(bad.to_numpy()))
            raise DataError(
                f"{name}, row {i + offset:,}, column {columns[j]!r}: expected a number, "
                f"found {column.iloc[i]!r}."
            )
    values = frame.to_numpy(dtype=np.float64)  # (n, 785)
    holes = np.isnan(values)
    if holes.any():
        i, j = np.unravel_index(int(np.argmax(holes)), holes.shape)
        raise DataError(f"{name}, row {i + offset:,}, column {columns[j]!r} is empty.")
    labels = values[:, label_at]
    pixels = np.delete(values, label_at, axis=1)
    bad = ~np.isin(labels, np.arange(10))
    if bad.any():
        i = int(np.argmax(bad))
        raise DataError(
            f"{name}, row {i + offset:,}, column {columns[label_at]!r}: expected a digit "
            f"0..9, found {labels[i]:g}."
        )
    out = (pixels < 0) | (pixels > 255)
    if out.any():
        i, j = np.unravel_index(int(np.argmax(out)), out.shape)
        j_col = j + (1 if j >= label_at else 0)
        raise DataError(
            f"{name}, row {i + offset:,}, column {columns[j_col]!r}: expected a pixel "
            f"value 0..255, found {pixels[i, j]:g}."
        )
    images = (pixels.astype(np.float32) / np.float32(255)).reshape(-1, 28, 28)
    return _Part("csv", name, (images, labels.astype(np.int64)))


def _text_prefix(raw, size=64 * 1024):
    """The first ``size`` bytes of ``raw``, without a UTF-8 character cut at the end."""
    if len(raw) <= size:
        return raw
    end = size
    while end and raw[end - 1] & 0xC0 == 0x80:  # continuation bytes of a cut character
        end -= 1
    if end and raw[end - 1] >= 0xC0:  # and its lead byte
        end -= 1
    return raw[:end]


def _decode_text(name, raw):
    try:
        return decode_text(raw, name=name)
    except DataError as exc:
        raise DataError(
            f"{name} is not a recognised MNIST file (a Keras .npz, IDX files or a CSV): {exc}"
        ) from None


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _role_by_name(name):
    lowered = os.path.basename(name).lower()
    if "train" in lowered:
        return "train"
    if "t10k" in lowered or "test" in lowered:
        return "test"
    return None


def _order_train_test(parts, what):
    """Sort two parts into (train, test): by names if they say, else larger = train."""
    roles = [_role_by_name(p.name) for p in parts]
    if sorted(r or "" for r in roles) == ["test", "train"]:
        return parts if roles[0] == "train" else parts[::-1]
    sizes = [len(p.arrays[-1]) for p in parts]
    if sizes[0] == sizes[1]:
        raise DataError(
            f"Cannot tell which {what} is for training: {parts[0].name} and {parts[1].name} "
            f"both hold {sizes[0]:,} items; put 'train' and 'test' in their names."
        )
    return parts if sizes[0] > sizes[1] else parts[::-1]


def _split(images, labels, name):
    """Stratified 80 / 20 split with random_state 0."""
    digits, counts = np.unique(labels, return_counts=True)
    if (counts < 2).any():
        raise DataError(
            f"{name}: digit {digits[counts < 2][0]} has only 1 image; splitting into "
            "train and test needs at least 2 per digit (or upload a separate test file)."
        )
    try:
        X_train, X_test, y_train, y_test = train_test_split(
            images, labels, test_size=0.2, random_state=0, stratify=labels
        )
    except ValueError as exc:
        raise DataError(
            f"{name} is too small to split 80 / 20 by digit: {exc}"
        ) from None
    return X_train, y_train, X_test, y_test


def _assemble(parts):
    """Turn decoded parts into (X_train, y_train, X_test, y_test) and a note."""
    kinds = sorted({p.kind for p in parts})
    listing = ", ".join(f"{p.name} ({p.kind})" for p in parts)
    if kinds == ["npz"] and len(parts) == 1:
        return parts[0].arrays, ""
    if kinds == ["csv"] and len(parts) == 1:
        return _split(*parts[0].arrays, parts[0].name), "; split 80 / 20"
    if kinds == ["csv"] and len(parts) == 2:
        train, test = _order_train_test(parts, "CSV file")
        return (*train.arrays, *test.arrays), ""
    if kinds == ["images", "labels"]:
        images = [p for p in parts if p.kind == "images"]
        labels = [p for p in parts if p.kind == "labels"]
        if len(images) == len(labels) == 1:
            pair = _pair(images[0], labels[0])
            return _split(*pair, images[0].name), "; split 80 / 20"
        if len(images) == len(labels) == 2:
            image_train, image_test = _order_train_test(images, "IDX images file")
            label_train, label_test = _order_train_test(labels, "IDX labels file")
            return (
                *_pair(image_train, label_train),
                *_pair(image_test, label_test),
            ), ""
    raise DataError(
        "Upload one Keras mnist.npz, or the IDX files (train and test images and labels), "
        f"or one or two CSV files; got {listing}."
    )


def _pair(images, labels):
    n_images, n_labels = len(images.arrays[0]), len(labels.arrays[0])
    if n_images != n_labels:
        raise DataError(
            f"{images.name} holds {n_images:,} images but {labels.name} holds "
            f"{n_labels:,} labels; they must match."
        )
    return images.arrays[0], labels.arrays[0]
