"""Real-browser fixtures: one Streamlit server per session, Debian's Chromium driven by Playwright.

* :func:`streamlit_server` runs ``streamlit run app.py`` from the repo root on a
  free loopback port (the first free one of ``LNN_LAB_PORTS=low-high`` if set), with ``LNN_LAB_DATA`` pointing into a fresh temporary
  folder (no MNIST cache of the machine is seen), waits for
  ``/_stcore/health`` and stops the server at the end (terminate, then kill).
* :func:`browser` launches ``/usr/bin/chromium`` headless through Playwright
  (``playwright install`` is never used); the tests are skipped when that
  binary is missing (CI installs Debian's ``chromium`` package).
* :func:`page` is a fresh browser context per test, so every test is a new
  Streamlit session (its own ``st.session_state``).
* :func:`metrics_log` keeps measured numbers (startup seconds …) and writes
  them to ``artifacts/browser_metrics.json`` when the session ends.
"""

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from loadtest.server import healthy

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
#: Where every run leaves its screenshots and numbers (``artifacts/`` is gitignored).
ARTIFACTS = ROOT / "artifacts"
#: Seconds the server may take to answer its health check before the session fails.
STARTUP_TIMEOUT = 30
#: Milliseconds one script run (or one awaited element) may take: 2 shared cores.
RUN_TIMEOUT_MS = 90_000
VIEWPORT = {"width": 1400, "height": 900}


@dataclass(frozen=True)
class Server:
    """A running ``streamlit run app.py``."""

    url: str
    startup_seconds: float
    process: subprocess.Popen
    log: Path

    def healthy(self):
        """Whether ``/_stcore/health`` answers now."""
        return healthy(self.url)

    def output(self):
        """What the server printed so far (stdout and stderr)."""
        return self.log.read_text(errors="replace")


def _free_port():
    """A free loopback port: the first free one of ``LNN_LAB_PORTS`` (e.g. ``8800-8849``) if set.

    Without ``LNN_LAB_PORTS`` the system picks any free port.
    """
    ports = os.environ.get("LNN_LAB_PORTS")
    if not ports:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]
    low, high = (int(p) for p in ports.split("-"))
    for port in range(low, high + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:             # taken: try the next one
                continue
            return port
    pytest.fail(f"LNN_LAB_PORTS={ports}: every port of that range is taken", pytrace=False)


def start_server(data_dir, log_path, extra_args=()):
    """Start ``streamlit run app.py`` and wait for its health check; return a :class:`Server`.

    ``extra_args`` are more ``streamlit run`` options (e.g. ``--server.disconnectedSessionTTL 5``).

    Fails the test session, with the server's output, if it exits early or
    does not answer within :data:`STARTUP_TIMEOUT` seconds.
    """
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, LNN_LAB_DATA=str(data_dir), PYTHONUNBUFFERED="1")
    command = [sys.executable, "-m", "streamlit", "run", "app.py",
               "--server.headless", "true", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", *extra_args]
    start = time.perf_counter()
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    while not healthy(url):
        if process.poll() is not None or time.perf_counter() - start > STARTUP_TIMEOUT:
            stop_server(process)
            reason = (f"exited with code {process.returncode}" if process.returncode is not None
                      else f"did not answer /_stcore/health within {STARTUP_TIMEOUT} s")
            pytest.fail(f"streamlit run app.py {reason}; its output:\n"
                        f"{Path(log_path).read_text(errors='replace')}", pytrace=False)
        time.sleep(0.1)
    return Server(url, time.perf_counter() - start, process, Path(log_path))


def stop_server(process):
    """Terminate the server, and kill it if it is still there 10 s later."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def metrics_log():
    """``metrics_log(name, value)`` keeps a measured number for the report.

    The session's numbers replace ``artifacts/browser_metrics.json`` when it ends.
    """
    metrics = {}
    yield metrics.__setitem__
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "browser_metrics.json").write_text(json.dumps(metrics, indent=2, sort_keys=True))


@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory, metrics_log):
    """The app served on a free port of 127.0.0.1 for the whole test session."""
    folder = tmp_path_factory.mktemp("streamlit_server")
    (folder / "data").mkdir()
    server = start_server(folder / "data", folder / "server.log")
    metrics_log("server_startup_seconds", round(server.startup_seconds, 2))
    yield server
    stop_server(server.process)


@pytest.fixture(scope="session")
def base_url(streamlit_server):
    """Base URL of the running app, e.g. ``http://127.0.0.1:41234``."""
    return streamlit_server.url


@pytest.fixture
def page(browser, base_url):
    """A new browser context and page: a fresh Streamlit session for each test."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(RUN_TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()
