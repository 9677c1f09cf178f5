"""A larger class: ``deploy/serve.py`` runs 2 replicas of the app behind nginx.

One ``python deploy/serve.py --replicas 2`` (proxy on 127.0.0.1:8650, replicas on
8651 and 8652; ``LNN_LAB_PROXY_PORT`` moves all three) serves the whole module, and the
last test stops it.  What a
classroom relies on:

* new visitors are spread over both replicas, and nginx's ``lab_replica`` cookie
  names the one each got;
* with that cookie a visitor stays on its replica: page loads, the session's
  websocket (a real rerun ``BackMsg`` answered by the app's ``ForwardMsg``\\ s) and
  a file upload into that session; the same upload sent with the other
  replica's cookie is refused by Streamlit (no such session there), which
  shows the cookie is what routes it;
* the frontend bundle comes from nginx (byte for byte the installed Streamlit's
  file, gzipped, with a year-long cache and no replica header);
* Debian's Chromium opens the app through the proxy: the home page draws, its
  websocket goes through nginx and every ``/static/`` file it loads is nginx's;
* every page opened by its URL (a shared link) shows that page, keeps the link's
  parameters and logs no console error: nginx sends ``/<page>?...`` to
  ``/?page=<page>&...`` and the router switches to the page, so the frontend never
  probes ``/<page>/_stcore/health`` (the two 404s of a plain ``streamlit run``);
* when a replica dies its visitors get the other one instead of an error;
* stopping ``serve.py`` (SIGTERM, as Ctrl-C) leaves no process, port or folder.

Skipped only where ``/usr/sbin/nginx`` is missing (``apt-get install -y nginx``).
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
import requests
import streamlit
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

from pages._ui.shell import PAGES
from tests.browser.conftest import RUN_TIMEOUT_MS
from tests.browser.test_e2e import IDLE, shared_sliders

pytestmark = pytest.mark.proxy

ROOT = Path(__file__).resolve().parents[2]
NGINX = "/usr/sbin/nginx"
#: nginx's port (``LNN_LAB_PROXY_PORT`` if set, 8650 otherwise); the replicas take the next two.
PROXY_PORT = int(os.environ.get("LNN_LAB_PROXY_PORT", "8650"))
REPLICA_PORTS = (PROXY_PORT + 1, PROXY_PORT + 2)
REPLICAS = ("r0", "r1")
#: Seconds serve.py may take until both replicas and nginx answer (2 shared cores).
STARTUP_TIMEOUT = 180
#: Seconds one script run of the home page may take over the websocket.
RUN_TIMEOUT = 90
#: Seconds serve.py may take to stop everything after SIGTERM.
STOP_TIMEOUT = 30
NEW_VISITORS = 20


@dataclass
class Deployment:
    """A running ``deploy/serve.py`` and what its ``--state-file`` says."""

    process: subprocess.Popen
    state: dict
    state_file: Path

    @property
    def url(self):
        return self.state["url"]

    def processes(self):
        """serve.py, nginx and the replicas with all their children, as ``psutil.Process``."""
        roots = [self.process.pid, self.state["proxy_pid"], *(r["pid"] for r in self.state["replicas"])]
        found = []
        for pid in roots:
            try:
                process = psutil.Process(pid)
                found += [process, *process.children(recursive=True)]
            except psutil.NoSuchProcess:
                pass
        return found

    def stop(self):
        """SIGTERM serve.py (as Ctrl-C would) and wait for it; its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=STOP_TIMEOUT)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """``python deploy/serve.py --replicas 2 --port 8650`` for the module."""
    if not os.access(NGINX, os.X_OK):
        pytest.skip(f"{NGINX} is missing: install Debian's nginx (apt-get install -y nginx) "
                    "to test the multi-replica deployment")
    folder = tmp_path_factory.mktemp("deploy")
    state_file, log_path = folder / "state.json", folder / "serve.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "deploy/serve.py", "--replicas", "2", "--port", str(PROXY_PORT),
             "--first-replica-port", str(REPLICA_PORTS[0]), "--state-file", str(state_file)],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=dict(os.environ, LNN_LAB_DATA=str(folder / "data"), PYTHONUNBUFFERED="1"))
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not state_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=STOP_TIMEOUT)
            pytest.fail(f"deploy/serve.py did not start within {STARTUP_TIMEOUT} s "
                        f"(exit code {process.returncode}); its output:\n"
                        f"{log_path.read_text(errors='replace')}", pytrace=False)
        time.sleep(0.2)
    running = Deployment(process, json.loads(state_file.read_text()), state_file)
    yield running
    running.stop()


def get(deployment, path, replica=None):
    """GET ``path`` through the proxy, as a new visitor or with ``lab_replica=replica``."""
    cookies = {"lab_replica": replica} if replica else {}
    return requests.get(deployment.url + path, cookies=cookies, timeout=30)


def test_state_file_names_the_proxy_and_both_replicas(deployment):
    assert deployment.url == f"http://127.0.0.1:{PROXY_PORT}"
    assert [(r["name"], r["url"]) for r in deployment.state["replicas"]] == [
        (name, f"http://127.0.0.1:{port}") for name, port in zip(REPLICAS, REPLICA_PORTS)]
    for replica in deployment.state["replicas"]:
        assert requests.get(replica["url"] + "/_stcore/health", timeout=30).text == "ok"


def test_new_visitors_are_spread_over_both_replicas(deployment):
    answers = [get(deployment, "/") for _ in range(NEW_VISITORS)]
    assert {answer.status_code for answer in answers} == {200}
    assert all("<title>Streamlit</title>" in answer.text for answer in answers)
    replicas = [answer.headers["X-Lab-Replica"] for answer in answers]
    assert set(replicas) == set(REPLICAS)    # both named: all 20 on one has odds 2 in a million
    assert [answer.cookies["lab_replica"] for answer in answers] == replicas


@pytest.mark.parametrize("replica", REPLICAS)
def test_the_cookie_keeps_page_loads_on_its_replica(deployment, replica):
    for path in ("/", "/_stcore/health", "/reservoir", "/", "/_stcore/health"):
        answer = get(deployment, path, replica)
        assert answer.status_code == 200, path
        assert answer.headers["X-Lab-Replica"] == replica, path
        assert answer.cookies["lab_replica"] == replica, path


def open_stream(deployment, replica, xsrf_token):
    """The session websocket ``/_stcore/stream`` through the proxy, as the browser opens it."""
    return connect(deployment.url.replace("http://", "ws://") + "/_stcore/stream",
                   subprotocols=["streamlit", xsrf_token], origin=deployment.url,
                   additional_headers={"Cookie": f"lab_replica={replica}; _streamlit_xsrf={xsrf_token}"},
                   open_timeout=30, max_size=None)


def run_script(websocket):
    """Ask for one run of the home page; the session id and the kinds of ForwardMsg until it ends."""
    websocket.send(BackMsg(rerun_script=ClientState(query_string="", page_script_hash=""))
                   .SerializeToString())
    session_id, kinds = None, []
    deadline = time.monotonic() + RUN_TIMEOUT
    while "script_finished" not in kinds and time.monotonic() < deadline:
        message = ForwardMsg.FromString(websocket.recv(timeout=RUN_TIMEOUT))
        kinds.append(message.WhichOneof("type"))
        if kinds[-1] == "new_session":
            session_id = message.new_session.initialize.session_id
    return session_id, kinds


def upload(deployment, replica, session_id, xsrf_token):
    """PUT a small CSV into ``session_id`` through the proxy, routed by ``lab_replica=replica``."""
    return requests.put(f"{deployment.url}/_stcore/upload_file/{session_id}/proxy-test-file",
                        files={"UploadedFile": ("series.csv", b"t,x\n0,0.5\n1,0.25\n", "text/csv")},
                        headers={"X-Xsrftoken": xsrf_token},
                        cookies={"lab_replica": replica, "_streamlit_xsrf": xsrf_token}, timeout=30)


@pytest.mark.parametrize("replica", REPLICAS)
def test_a_session_its_websocket_and_its_upload_stay_on_one_replica(deployment, replica):
    other = REPLICAS[1 - REPLICAS.index(replica)]
    health = get(deployment, "/_stcore/health", replica)
    xsrf_token = health.cookies["_streamlit_xsrf"]    # the replica's XSRF cookie, as a browser gets it

    with open_stream(deployment, replica, xsrf_token) as websocket:
        assert websocket.response.headers["X-Lab-Replica"] == replica
        session_id, kinds = run_script(websocket)
        assert kinds[0] == "new_session" and session_id
        assert kinds.count("delta") >= 1            # the home page drew something
        assert kinds[-1] == "script_finished"

        landed = upload(deployment, replica, session_id, xsrf_token)
        assert landed.status_code == 204, landed.text
        assert landed.headers["X-Lab-Replica"] == replica

        astray = upload(deployment, other, session_id, xsrf_token)
        assert astray.status_code == 400
        assert "sticky sessions" in astray.text     # Streamlit: no such session on that replica
        assert astray.headers["X-Lab-Replica"] == other


def test_the_frontend_bundle_comes_from_nginx_with_long_caching(deployment):
    index = get(deployment, "/")
    scripts = re.findall(r'src="\./(static/js/[^"]+\.js)"', index.text)
    assert scripts, "index.html names no JavaScript bundle"
    installed = Path(streamlit.__file__).parent / "static"
    for path in (scripts[0], "favicon.png"):
        answer = get(deployment, "/" + path)
        assert answer.status_code == 200, path
        assert answer.content == (installed / path).read_bytes(), path
        assert answer.headers["X-Lab-Static"] == "nginx", path
        assert "X-Lab-Replica" not in answer.headers, path
        assert "lab_replica" not in answer.headers.get("Set-Cookie", ""), path
    bundle = get(deployment, "/" + scripts[0])
    assert bundle.headers["Content-Type"] == "text/javascript"
    assert bundle.headers["Content-Encoding"] == "gzip"     # requests asks for it; content above is unzipped
    assert bundle.headers["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.browser
def test_a_browser_gets_the_app_through_the_proxy(deployment, browser):
    context = browser.new_context()                 # the session's one Chromium (tests/conftest.py)
    try:
        page = context.new_page()
        page.set_default_timeout(RUN_TIMEOUT_MS)
        sockets, responses = [], []
        page.on("websocket", lambda websocket: sockets.append(websocket.url))
        page.on("response", lambda response: responses.append(response))
        page.goto(deployment.url + "/")
        page.get_by_role("heading", name="Liquid Lab").wait_for()
        static = [response.headers.get("x-lab-static") for response in responses
                  if "/static/" in response.url]
        cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    finally:
        context.close()
    assert sockets == [deployment.url.replace("http://", "ws://") + "/_stcore/stream"]
    assert len(static) >= 10 and set(static) == {"nginx"}
    assert cookies["lab_replica"]["value"] in REPLICAS and cookies["lab_replica"]["httpOnly"]


def test_a_page_url_is_sent_to_the_root_with_its_query(deployment):
    answer = requests.get(deployment.url + "/reservoir?spectral_radius=1.3&seed=7",
                          allow_redirects=False, timeout=30)
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/?page=reservoir&spectral_radius=1.3&seed=7"
    assert requests.get(deployment.url + "/dynamics", allow_redirects=False,
                        timeout=30).headers["Location"] == "/?page=dynamics"
    for path in ("/", "/favicon.png", "/_stcore/health"):
        assert requests.get(deployment.url + path, allow_redirects=False, timeout=30).status_code == 200


@pytest.mark.browser
@pytest.mark.parametrize("row", PAGES[1:], ids=[url for *_, url in PAGES[1:]])
def test_a_page_opened_by_its_url_logs_no_console_error(deployment, browser, row):
    _, title, _, url_path = row
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    errors, requested = [], []
    try:
        page = context.new_page()
        page.set_default_timeout(RUN_TIMEOUT_MS)
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
        page.on("request", lambda request: requested.append(request.url))
        page.goto(f"{deployment.url}/{url_path}?spectral_radius=1.3")
        page.get_by_role("heading", name=title).first.wait_for()
        page.wait_for_selector(IDLE, state="attached")
        page.wait_for_timeout(1000)                 # late errors (charts drawn after the run)
        address = page.url
        sliders = shared_sliders(page) if url_path in ("reservoir", "dynamics") else {}
    finally:
        context.close()
    assert errors == [], f"/{url_path}: console errors {errors}"
    assert [url for url in requested if f"/{url_path}/_stcore/" in url] == []
    assert address.startswith(f"{deployment.url}/{url_path}")    # the page's own URL again
    if sliders:
        assert sliders["Spectral radius"] == "1.3"


def test_a_dead_replicas_visitors_get_the_other_one(deployment):
    dead = deployment.state["replicas"][1]
    os.killpg(dead["pid"], signal.SIGKILL)
    deadline = time.monotonic() + STOP_TIMEOUT
    while port_answers(REPLICA_PORTS[1]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not port_answers(REPLICA_PORTS[1])
    answers = [get(deployment, path, dead["name"]) for path in ("/", "/_stcore/health", "/")]
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert answers[1].text == "ok"


def test_stopping_serve_stops_everything(deployment):
    processes = deployment.processes()
    assert len(processes) >= 3                      # serve.py, nginx's master and worker, a replica
    assert deployment.stop() == 0
    _, alive = psutil.wait_procs(processes, timeout=STOP_TIMEOUT)
    assert [process.pid for process in alive] == []
    assert not deployment.state_file.exists()
    assert not Path(deployment.state["run_dir"]).exists()
    assert [port for port in (PROXY_PORT, *REPLICA_PORTS) if port_answers(port)] == []


def port_answers(port):
    """Whether something accepts connections on 127.0.0.1:``port``."""
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0
