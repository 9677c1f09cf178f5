"""Serve Liquid Lab to a larger class: several Streamlit replicas behind nginx.

    python deploy/serve.py --replicas 2 --port 8080 [--host 127.0.0.1] [--state-file run.json]

Starts ``--replicas`` processes of ``streamlit run app.py`` on the loopback ports
after ``--port`` (8081, 8082, ... by default), waits for each one's health check,
writes ``deploy/nginx.conf.template`` filled in into a fresh temporary folder and
runs Debian's nginx in the foreground from there (its own pid file, logs and
temporary files; no system configuration is read).  nginx keeps each visitor on
one replica with a cookie of its own (``lab_replica``) and serves Streamlit's
frontend bundle from disk.

Ctrl-C or SIGTERM stops nginx and every replica (each runs in its own process
group) and removes the temporary folder.  The URL and the process ids are printed
and, with ``--state-file``, written as JSON for scripts (a load test, say)::

    {"url": "http://127.0.0.1:8080", "proxy_pid": 1234, "run_dir": "/tmp/...",
     "replicas": [{"name": "r0", "url": "http://127.0.0.1:8081", "pid": 1235}, ...]}
"""

import argparse
import grp
import gzip
import importlib.util
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")
#: Most replicas one machine is given (each is a full Streamlit server).
MAX_REPLICAS = 16
#: Seconds a replica, then nginx, may take to answer ``/_stcore/health``.
STARTUP_TIMEOUT = 120
#: Seconds a process may take to exit after SIGTERM before it is killed.
STOP_TIMEOUT = 10
#: Streamlit's own allowance for the multipart framing of an upload (MB).
MULTIPART_ALLOWANCE_MB = 1
#: Bundle files compressed once at start (nginx's gzip_static sends the ``.gz``).
COMPRESSED_SUFFIXES = (".js", ".css", ".json", ".svg")


def parse_args(argv=None):
    """Read and check the command line; a bad value ends the program with one sentence."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=2,
                        help=f"number of Streamlit processes, 1 to {MAX_REPLICAS} (default 2)")
    parser.add_argument("--port", type=int, default=8080, help="port nginx listens on (default 8080)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address nginx listens on (default 127.0.0.1; 0.0.0.0 for a classroom)")
    parser.add_argument("--first-replica-port", type=int,
                        help="port of the first replica, the others follow (default: --port + 1)")
    parser.add_argument("--state-file", type=Path,
                        help="write the URL and the process ids here as JSON once everything answers")
    args = parser.parse_args(argv)
    if args.first_replica_port is None:
        args.first_replica_port = args.port + 1
    if not 1 <= args.replicas <= MAX_REPLICAS:
        parser.error(f"--replicas is {args.replicas}; it must be between 1 and {MAX_REPLICAS}")
    replica_ports = range(args.first_replica_port, args.first_replica_port + args.replicas)
    for name, port in (("--port", args.port), ("--first-replica-port", replica_ports[0]),
                       ("the last replica's port", replica_ports[-1])):
        if not 1 <= port <= 65535:
            parser.error(f"{name} is {port}; ports go from 1 to 65535")
    if args.port in replica_ports:
        parser.error(f"--port {args.port} is also a replica's port (replicas use "
                     f"{replica_ports[0]}-{replica_ports[-1]}); choose another --first-replica-port")
    return args


def find_nginx():
    """The nginx executable, or ``None`` when it is not installed."""
    for candidate in NGINX_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def healthy(url):
    """Whether ``url``'s ``/_stcore/health`` answers 200 now."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:                          # refused, reset, timed out: not up (yet)
        return False


def wait_healthy(name, url, process, log_path):
    """Wait until ``url`` answers its health check; raise ``RuntimeError`` with the log if not."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not healthy(url):
        if process.poll() is not None or time.monotonic() > deadline:
            reason = (f"exited with code {process.returncode}" if process.returncode is not None
                      else f"did not answer {url}/_stcore/health within {STARTUP_TIMEOUT} s")
            tail = Path(log_path).read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{name} {reason}; the end of its log:\n{tail}")
        time.sleep(0.2)


def start(command, log_path, cwd=ROOT):
    """Start ``command`` in a process group of its own, output to ``log_path``."""
    with open(log_path, "wb") as log:
        return subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def stop(processes):
    """SIGTERM each process group, wait, then SIGKILL what is left."""
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for process in processes:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def max_upload_mb():
    """``server.maxUploadSize`` of ``.streamlit/config.toml`` (Streamlit's default 200 without it)."""
    config = ROOT / ".streamlit" / "config.toml"
    if not config.exists():
        return 200
    return tomllib.loads(config.read_text())["server"].get("maxUploadSize", 200)


def nginx_config(run_dir, static_dir, host, port, replica_ports):
    """``nginx.conf.template`` filled in for these replicas.

    Parameters
    ----------
    run_dir : Path
        nginx's prefix: pid file, logs and temporary files go here.
    static_dir : Path
        A copy of Streamlit's ``static/`` folder (``index.html``, ``favicon.png``, ``static/``).
    host : str
        Address nginx listens on.
    port : int
        Port nginx listens on.
    replica_ports : sequence of int
        Loopback port of each replica; replica ``i`` is named ``r{i}``.
    """
    names = [f"r{index}" for index in range(len(replica_ports))]
    upstreams = []
    for name, own_port in zip(names, replica_ports):
        servers = [f"server 127.0.0.1:{own_port} max_fails=1 fail_timeout=5s;"]
        servers += [f"server 127.0.0.1:{other} backup;" for other in replica_ports if other != own_port]
        upstreams.append(f"    upstream {name} {{ {' '.join(servers)} keepalive 8; }}")
    share = 100 / len(names)
    split = [f"        {share:.2f}% {name};" for name in names[:-1]] + [f"        * {names[-1]};"]
    fields = {
        "USER_LINE": worker_user_line(),
        "RUN_DIR": str(run_dir),
        "STATIC_DIR": str(static_dir),
        "HOST": host,
        "PORT": str(port),
        "MAX_BODY_MB": str(max_upload_mb() + MULTIPART_ALLOWANCE_MB),
        "UPSTREAMS": "\n".join(upstreams),
        "SPLIT_CLIENTS": "\n".join(split),
        "COOKIE_MAP": "\n".join(f'        "{name}" {name};' for name in names),
    }
    text = TEMPLATE.read_text()
    for key, value in fields.items():
        text = text.replace(f"@{key}@", value)
    return text


def worker_user_line():
    """``user nobody <its group>;`` when started as root (nginx's workers never run as root)."""
    if os.geteuid() != 0:
        return ""
    nobody = pwd.getpwnam("nobody")
    return f"user nobody {grp.getgrgid(nobody.pw_gid).gr_name};"


def copy_frontend(run_dir):
    """Copy Streamlit's frontend into ``run_dir/static``, for nginx's workers; that folder.

    The copy lets the workers, which drop root, serve the bundle even where the
    Python installation is not readable to them (under ``/root``, say).  Its text
    files are gzipped once here (23 MB of JavaScript and CSS become 7 MB, in about
    a second), so nginx never compresses them per request.
    """
    static_dir = run_dir / "static"
    source = Path(importlib.util.find_spec("streamlit").origin).parent / "static"   # not imported: slow
    shutil.copytree(source / "static", static_dir / "static")
    shutil.copy2(source / "favicon.png", static_dir / "favicon.png")
    for path in (static_dir / "static").rglob("*"):
        if path.suffix in COMPRESSED_SUFFIXES:
            path.with_name(path.name + ".gz").write_bytes(
                gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))
    return static_dir


def interrupt(signum, frame):
    """SIGTERM handler: stop as Ctrl-C does."""
    raise KeyboardInterrupt


def serve(args, nginx):
    """Start the replicas and nginx, then wait for Ctrl-C, SIGTERM or nginx's exit.

    Ctrl-C and SIGTERM both raise ``KeyboardInterrupt``, at start-up too; once
    stopping has begun they are ignored, so a second Ctrl-C cannot cut it short.
    """
    signal.signal(signal.SIGTERM, interrupt)
    run_dir = Path(tempfile.mkdtemp(prefix="liquid-lab-proxy-"))
    run_dir.chmod(0o755)                     # nginx's workers (not root) read and write below
    (run_dir / "temp").mkdir()
    replica_ports = list(range(args.first_replica_port, args.first_replica_port + args.replicas))
    replicas, proxy = [], None
    try:
        static_dir = copy_frontend(run_dir)
        for index, port in enumerate(replica_ports):
            replicas.append(start([sys.executable, "-m", "streamlit", "run", "app.py",
                                   "--server.port", str(port), "--server.headless", "true",
                                   "--server.address", "127.0.0.1",
                                   "--server.fileWatcherType", "none"],
                                  run_dir / f"replica-r{index}.log"))
        for index, (port, process) in enumerate(zip(replica_ports, replicas)):
            wait_healthy(f"replica r{index}", f"http://127.0.0.1:{port}", process,
                         run_dir / f"replica-r{index}.log")
        (run_dir / "nginx.conf").write_text(
            nginx_config(run_dir, static_dir, args.host, args.port, replica_ports))
        proxy = start([nginx, "-p", str(run_dir), "-c", str(run_dir / "nginx.conf"),
                       "-e", str(run_dir / "error.log"), "-g", "daemon off;"],
                      run_dir / "nginx.out", cwd=run_dir)
        local_host = "127.0.0.1" if args.host in ("0.0.0.0", "") else args.host
        url = f"http://{local_host}:{args.port}"
        wait_healthy("nginx", url, proxy, run_dir / "error.log")
        state = {"url": url, "proxy_pid": proxy.pid, "run_dir": str(run_dir),
                 "replicas": [{"name": f"r{index}", "url": f"http://127.0.0.1:{port}", "pid": process.pid}
                              for index, (port, process) in enumerate(zip(replica_ports, replicas))]}
        if args.state_file:
            args.state_file.write_text(json.dumps(state, indent=2))
        print(f"Liquid Lab: {url} (nginx pid {proxy.pid}; replicas "
              + ", ".join(f"{r['name']} pid {r['pid']} on {r['url']}" for r in state["replicas"])
              + "). Ctrl-C stops everything.", flush=True)
        proxy.wait()
        raise RuntimeError(f"nginx exited with code {proxy.returncode}; the end of its log:\n"
                           + (run_dir / "error.log").read_text(errors="replace")[-2000:])
    except KeyboardInterrupt:
        pass                                 # the usual way to stop
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_IGN)
        stop(([proxy] if proxy else []) + replicas)
        if args.state_file:
            args.state_file.unlink(missing_ok=True)
        shutil.rmtree(run_dir, ignore_errors=True)
    print("Liquid Lab stopped: nginx and the replicas have exited.", flush=True)


def main(argv=None):
    """Entry point: returns the exit code."""
    args = parse_args(argv)
    nginx = find_nginx()
    if nginx is None:
        sys.exit("deploy/serve.py needs nginx, which is not installed here: "
                 "apt-get install -y nginx")
    try:
        serve(args, nginx)
    except RuntimeError as error:
        sys.exit(f"deploy/serve.py stopped: {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
