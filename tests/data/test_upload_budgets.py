"""Uploads are judged by what they declare before anything is allocated or unpacked.

The bombs are crafted here; each load runs in a child process that reports its
own extra peak memory (:func:`tests.peak_memory.run_child`).
"""

import gzip
import io
import os
import zipfile

import numpy as np
import pytest

from lnn_core.data.mnist import load_mnist
from lnn_core.data.mnist_files import MAX_UPLOAD_IMAGES
from lnn_core.data.parsers import (
    ParseLimits,
    parse_forecast_csv,
    parse_ts,
    parse_wide_csv,
)
from lnn_core.errors import DataError
from tests.peak_memory import MAX_EXTRA_MB, run_child

BOMB_IMAGES = 382_000


def idx_header(magic, dims):
    return magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in dims)


def write_idx_gz(path, magic, dims):
    """An IDX file of zeros as gzip: one member per MiB, the zeros compressed only once."""
    left = int(np.prod(dims))
    zeros = gzip.compress(bytes(1 << 20), compresslevel=9)          # about 1 kB
    with open(path, "wb") as handle:
        handle.write(gzip.compress(idx_header(magic, dims)))
        handle.write(zeros * (left >> 20))
        handle.write(gzip.compress(bytes(left & ((1 << 20) - 1))))


def test_gzip_bomb_of_four_idx_files_is_refused_by_its_headers(tmp_path):
    for split in ("train", "t10k"):
        write_idx_gz(tmp_path / f"{split}-images-idx3-ubyte.gz", 0x803, (BOMB_IMAGES, 28, 28))
        write_idx_gz(tmp_path / f"{split}-labels-idx1-ubyte.gz", 0x801, (BOMB_IMAGES,))
    files = sorted(str(p) for p in tmp_path.iterdir())
    assert sum(os.path.getsize(f) for f in files) < 1_000_000      # 0.6 MB on disk
    result = run_child(
        "from lnn_core.data.mnist import load_mnist\nfrom pathlib import Path",
        f"load_mnist([Path(f) for f in {files!r}])")
    assert result["message"] == (
        "t10k-images-idx3-ubyte.gz declares 382,000 images of 28×28; one upload may hold at "
        "most 100,000 images (the full MNIST is 70,000).")
    assert result["extra_mb"] < MAX_EXTRA_MB


@pytest.mark.slow
def test_the_full_mnist_in_idx_gz_files_is_admitted(tmp_path):
    for split, n in (("train", 60_000), ("t10k", 10_000)):
        write_idx_gz(tmp_path / f"{split}-images-idx3-ubyte.gz", 0x803, (n, 28, 28))
        write_idx_gz(tmp_path / f"{split}-labels-idx1-ubyte.gz", 0x801, (n,))
    files = sorted(str(p) for p in tmp_path.iterdir())
    result = run_child(
        "from lnn_core.data.mnist import load_mnist\nfrom pathlib import Path",
        f"data = load_mnist([Path(f) for f in {files!r}])\n"
        "    assert data.description.startswith('Full MNIST, 60,000 / 10,000'), data.description")
    assert result["message"] is None
    assert result["extra_mb"] < MAX_EXTRA_MB                  # 70,000 x 784 x 5 bytes: 262 MiB


def idx_bytes(array, magic):
    return idx_header(magic, array.shape) + array.astype(np.uint8).tobytes()


def small_idx(n, seed):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = (np.arange(n) % 10).astype(np.uint8)
    return idx_bytes(images, 0x803), idx_bytes(labels, 0x801)


def test_small_gzipped_idx_files_still_load():
    train_images, train_labels = small_idx(100, seed=1)
    test_images, test_labels = small_idx(20, seed=2)
    named = {"train-images-idx3-ubyte.gz": train_images, "train-labels-idx1-ubyte.gz":
             train_labels, "t10k-images-idx3-ubyte.gz": test_images,
             "t10k-labels-idx1-ubyte.gz": test_labels}
    uploads = []
    for name, raw in named.items():
        upload = io.BytesIO(gzip.compress(raw))
        upload.name = name
        uploads.append(upload)
    data = load_mnist(uploads)
    assert data.X_train.shape == (100, 28, 28) and data.X_test.shape == (20, 28, 28)
    expected = np.frombuffer(train_images, np.uint8, offset=16).reshape(100, 28, 28)
    np.testing.assert_array_equal(data.X_train, expected.astype(np.float32) / 255)


def test_image_count_of_all_files_together_is_limited():
    n = MAX_UPLOAD_IMAGES // 2 + 1                        # each file alone is allowed
    header = idx_header(0x803, (n, 28, 28))
    first, second = (io.BytesIO(gzip.compress(header + bytes(n * 784))) for _ in range(2))
    first.name, second.name = "a-images.gz", "b-images.gz"
    with pytest.raises(DataError) as caught:
        load_mnist([first, second])
    assert str(caught.value) == (
        "b-images.gz declares 50,001 images of 28×28, 100,002 in the upload with the files "
        "before it; one upload may hold at most 100,000 images (the full MNIST is 70,000).")


def test_gzip_holding_more_than_its_idx_header_declares_is_cut_at_the_header():
    images, labels = small_idx(10, seed=3)
    upload = io.BytesIO(gzip.compress(images + bytes(50_000_000)))  # 50 MB more than declared
    upload.name = "train-images.gz"
    with pytest.raises(DataError) as caught:
        load_mnist([upload, labels])
    assert str(caught.value) == ("train-images.gz unpacks to more than the 7,856 bytes its IDX "
                                 "header declares (10 images of 28×28).")


def test_images_over_the_memory_budget_are_refused_before_they_are_read(monkeypatch):
    monkeypatch.setenv("LNN_LAB_MEMORY_BUDGET_MB", "1")
    images, labels = small_idx(300, seed=4)            # 300 x 784 x 5 bytes = 1.1 MiB
    with pytest.raises(DataError) as caught:
        load_mnist([images, labels])
    assert str(caught.value) == (
        "file 1 declares 300 images of 28×28, which need about 1.1 MiB of memory to decode "
        "(1.1 MiB with the files before it), more than the 1.0 MiB budget of this server "
        "(LNN_LAB_MEMORY_BUDGET_MB).")


def lying_zip(name, content, declared):
    """A zip whose member ``name`` declares ``declared`` bytes but holds ``content``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    raw = bytearray(buffer.getvalue())
    local = raw.index(b"PK\x03\x04")
    central = raw.index(b"PK\x01\x02")
    raw[local + 22 : local + 26] = declared.to_bytes(4, "little")    # uncompressed size
    raw[central + 24 : central + 28] = declared.to_bytes(4, "little")
    return bytes(raw)


def test_zip_member_that_lies_about_its_size_is_refused():
    row = ",".join(["3", *["0"] * 784])
    content = ("\n".join([row] * 2_000) + "\n").encode()     # 3.1 MB of CSV, says 1,000 bytes
    upload = io.BytesIO(lying_zip("train.csv", content, declared=1_000))
    upload.name = "mnist.zip"
    with pytest.raises(DataError) as caught:
        load_mnist(upload)
    assert str(caught.value) == (
        "mnist.zip/train.csv does not match the size and checksum it declares (1,000 bytes "
        "unpacked); the archive is damaged or crafted.")


def test_idx_inside_a_zip_is_judged_by_its_header_before_it_is_unpacked(tmp_path):
    header = idx_header(0x803, (BOMB_IMAGES, 28, 28))
    path = tmp_path / "mnist.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive, \
            archive.open("train-images-idx3-ubyte", "w", force_zip64=True) as member:
        member.write(header)
        for _ in range(BOMB_IMAGES * 784 // (1 << 20)):
            member.write(bytes(1 << 20))
    result = run_child("from lnn_core.data.mnist import load_mnist\nfrom pathlib import Path",
                       f"load_mnist(Path({str(path)!r}))")
    assert result["message"] == (
        "mnist.zip/train-images-idx3-ubyte declares 382,000 images of 28×28; one upload may "
        "hold at most 100,000 images (the full MNIST is 70,000).")
    assert result["extra_mb"] < MAX_EXTRA_MB


def test_mnist_csv_with_more_lines_than_the_limit_is_refused_before_parsing():
    row = ",".join(["3", *["0"] * 784])
    raw = ("\n".join([row] * (MAX_UPLOAD_IMAGES + 1)) + "\n").encode()
    with pytest.raises(DataError) as caught:
        load_mnist(raw)
    assert str(caught.value) == (
        "upload has 100,001 lines, one image of 28×28 each; one upload may hold at most "
        "100,000 images (the full MNIST is 70,000).")


# --------------------------------------------------------------------------- #
# CSV and .ts parsers: cells estimated from the bytes
# --------------------------------------------------------------------------- #
def wide_csv(rows, columns):
    """``rows`` series of ``columns`` values in [0, 1) with 4 decimals, labels 0..2."""
    values = np.random.default_rng(5).random(columns)
    line = ",".join(f"{v:.4f}" for v in values)
    return "".join(f"{r % 3},{line}\n" for r in range(rows)).encode()


def test_wide_csv_over_the_cell_limit_is_refused_before_pandas_reads_it(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_bytes(wide_csv(700, 10_000))                          # 49 MB
    result = run_child("from lnn_core.data.parsers import parse_wide_csv\nfrom pathlib import Path",
                       f"parse_wide_csv(Path({str(path)!r}))")
    assert result["message"] == (
        "wide.csv has about 700 rows of 10,001 columns, which count as 17,001,700 cells "
        "(rows plus 1,000, times columns); the limit is max_cells=10,000,000.")
    assert result["extra_mb"] < 300                        # the bytes and their text only


def test_table_under_the_cell_limit_still_parses():
    table = parse_wide_csv(wide_csv(50, 200), name="ucr.csv")
    assert table.n_series == 50 and table.lengths.tolist() == [200] * 50
    forecast = parse_forecast_csv(b"time,x\n" + b"".join(b"%d,%d.5\n" % (i, i) for i in range(
        1_000)), name="series.csv")
    assert forecast.frame.shape == (1_000, 1)


def test_cell_limit_is_a_parse_limit():
    raw = wide_csv(20, 10)                                  # (20 + 1,000) x 11 = 11,220
    with pytest.raises(DataError, match=r"which count as 11,220 cells .* max_cells=11,000\."):
        parse_wide_csv(raw, name="small.csv", limits=ParseLimits(max_cells=11_000))
    assert parse_wide_csv(raw, limits=ParseLimits(max_cells=11_220)).n_series == 20


def test_ts_file_over_the_cell_limit_is_refused_before_it_is_split():
    header = "@problemName p\n@univariate true\n@classLabel true a b\n@data\n"
    raw = (header + "1,2,3:a\n4,5,6:b\n").encode()  # 4 commas, 2 colons, 6 lines + 1: 13
    with pytest.raises(DataError) as caught:
        parse_ts(raw, name="p.ts", limits=ParseLimits(max_cells=10))
    assert str(caught.value) == ("p.ts holds about 13 values (counting its commas, colons and "
                                 "lines); the limit is max_cells=10.")
    assert parse_ts(raw, name="p.ts", limits=ParseLimits(max_cells=13)).n_series == 2
