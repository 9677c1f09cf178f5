"""Start, check and stop ``streamlit run app.py`` for a load test (no Locust, no gevent here)."""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Seconds a health check may take before it counts as lost.
HEALTH_TIMEOUT = 10
#: Seconds a started server may take to answer its first health check.
STARTUP_TIMEOUT = 60


def healthy(url, timeout=2):
    """Whether ``/_stcore/health`` answers 200 within ``timeout`` seconds."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as answer:
            return answer.status == 200
    except OSError:
        return False


def start_server(port, log_path, app_dir=ROOT, options=()):
    """``streamlit run app.py`` on 127.0.0.1:``port`` in its own process group; wait until healthy.

    Parameters
    ----------
    port : int
    log_path : path
        Where the server's output goes.
    app_dir : path, default this repository
        Folder holding ``app.py`` (another checkout, to compare two versions).
    options : sequence of str
        More ``streamlit run`` options as ``NAME=VALUE``, e.g. ``runner.postScriptGC=false``.
    """
    app_dir = Path(app_dir)
    if not (app_dir / "app.py").is_file():
        raise SystemExit(f"{app_dir} has no app.py: give the folder of Liquid Lab's app.py")
    extra = []
    for option in options:
        name, equals, value = option.partition("=")
        if not equals or not name:
            raise SystemExit(f"--streamlit-option {option!r} must look like NAME=VALUE, "
                             "e.g. runner.postScriptGC=false")
        extra += [f"--{name}", value]
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.headless", "true", "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *extra]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=app_dir, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    url, start = f"http://127.0.0.1:{port}", time.perf_counter()
    while not healthy(url):
        if process.poll() is not None or time.perf_counter() - start > STARTUP_TIMEOUT:
            stop_server(process)
            raise SystemExit(f"streamlit run app.py on port {port} did not answer its health "
                             f"check within {STARTUP_TIMEOUT} s; see {log_path}")
        time.sleep(0.2)
    return process


def stop_server(process):
    """Terminate the server's process group; kill it if it is still there 10 s later."""
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=10)
