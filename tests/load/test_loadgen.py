"""The headless load generator against a real ``streamlit run app.py``.

One server on a free loopback port (8610-8649); the generator runs as
``python -m loadtest`` in a subprocess (Locust patches the standard library
for gevent, which must not happen inside pytest) with 3 students for ~20 s on
the Reservoir page.  Then the protocol client itself checks that moving the
slider changes what the server sends.  No assertion is about time.
"""

import json
import socket
import subprocess
import sys

import numpy as np
import pytest

from loadtest.client import StreamlitClient
from loadtest.server import ROOT, start_server, stop_server
from tests.app.conftest import decode_arrays

pytestmark = pytest.mark.slow

#: Loopback ports this test may use.
PORTS = range(8610, 8650)
USERS = 3


def free_port():
    """First port of :data:`PORTS` nothing listens on."""
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    process = start_server(port, tmp_path_factory.mktemp("load") / "server.log")
    yield f"http://127.0.0.1:{port}", process
    stop_server(process)


@pytest.fixture(scope="module")
def result(server, tmp_path_factory):
    url, process = server
    out = tmp_path_factory.mktemp("load") / "result.json"
    subprocess.run([sys.executable, "-m", "loadtest", "--users", str(USERS), "--duration", "20",
                    "--ramp", "1", "--url", url, "--server-pid", str(process.pid),
                    "--json", str(out)], cwd=ROOT, check=True, timeout=300)
    return json.loads(out.read_text())


@pytest.mark.timeout(400)
def test_every_student_loads_the_page_and_has_a_move_answered(result):
    assert result["errors"] == 0, result["interactions"]
    assert len(result["per_student"]) == USERS, result["per_student"]
    for student, done in result["per_student"].items():
        assert done.get("reservoir: page load", 0) == 1, (student, done)
        assert done.get("reservoir: slider move", 0) >= 1, (student, done)
    assert result["moves"] == sum(d["reservoir: slider move"]
                                  for d in result["per_student"].values())


@pytest.mark.timeout(400)
def test_reported_latencies_are_ordered_and_the_server_was_watched(result):
    for name, row in result["interactions"].items():
        assert row["done"] >= 1, name
        assert 0 < row["p50_s"] <= row["p95_s"] <= row["max_s"], (name, row)
    assert result["health_answered"] >= 1
    assert result["health_lost"] <= result["health_checks"] // 20
    assert 0 < result["rss_start_mb"] <= result["rss_peak_mb"]
    assert result["server_cpu_s"] > 0


def eigenvalues(run):
    """Complex eigenvalues drawn in the run's eigenvalue figure."""
    for chart in run.of_type("plotly_chart"):
        spec = decode_arrays(json.loads(chart.spec))
        trace = next((t for t in spec["data"] if t.get("name") == "eigenvalues"), None)
        if trace is not None:
            return np.asarray(trace["x"]) + 1j * np.asarray(trace["y"])
    raise AssertionError("no eigenvalue figure in the run")


@pytest.mark.timeout(200)
def test_a_slider_move_changes_what_the_server_sends(server):
    url, _ = server
    with StreamlitClient(url) as student:
        first = student.open("reservoir")
        assert first.slider("Spectral radius") == pytest.approx(0.9)
        assert np.abs(eigenvalues(first)).max() == pytest.approx(0.9, rel=1e-3)
        moved = student.set_slider("Spectral radius", 1.3)
    assert moved.status == "FINISHED_SUCCESSFULLY"
    assert moved.slider("Spectral radius") == pytest.approx(1.3)
    assert moved.metrics()["Spectral radius"] == "1.3"
    assert np.abs(eigenvalues(moved)).max() == pytest.approx(1.3, rel=1e-3)
    # the same matrix, rescaled: every eigenvalue grows by 1.3 / 0.9
    np.testing.assert_allclose(np.sort(np.abs(eigenvalues(moved))),
                               np.sort(np.abs(eigenvalues(first))) * 1.3 / 0.9, rtol=1e-3, atol=1e-6)
