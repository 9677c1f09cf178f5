"""Capacity table: one fresh server (or proxy with replicas) per class size, measured in turn.

    python -m loadtest.capacity --users 10 30 60 --replicas 1 2 --duration 60

For each number of replicas and each class size it starts a fresh server
(``streamlit run app.py`` for one replica, ``deploy/serve.py`` with nginx for
more), runs ``python -m loadtest`` against it in a process of its own, stops
the server and prints one Markdown row; ``--json`` also writes every run's
full result.  Server CPU and memory are summed over the replicas (not nginx).
"""

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .client import SLIDER, StreamlitClient
from .server import ROOT, start_server, stop_server


#: Seconds ``deploy/serve.py`` may take to write its state file.
PROXY_STARTUP = 180
HEADER = ("| processes | students | load avg (1 min) | slider moves | move p50 | p95 | max "
          "| first load p50 | errors | longest health silence | lost checks "
          "| server RSS start/peak MiB | server CPU-s per interaction |")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, nargs="+", default=[10, 30, 60],
                        help="class sizes to measure (default 10 30 60)")
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2],
                        help="server processes to measure (default 1 2)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per run (default 60)")
    parser.add_argument("--page", default="reservoir", choices=("reservoir", "dynamics"))
    parser.add_argument("--port", type=int, default=8601,
                        help="port of the server or proxy; replicas take the next ones")
    parser.add_argument("--json", type=Path, help="write every run's full result here")
    return parser.parse_args(argv)


def start(replicas, port, folder, page):
    """Start the server(s); return ``(url, pids, stop)``."""
    if replicas == 1:
        server = start_server(port, folder / "server.log")
        return f"http://127.0.0.1:{port}", [server.pid], lambda: stop_server(server)
    state = folder / "state.json"
    with open(folder / "proxy.log", "wb") as log:
        proxy = subprocess.Popen([sys.executable, str(ROOT / "deploy" / "serve.py"),
                                  "--replicas", str(replicas), "--port", str(port),
                                  "--state-file", str(state)],
                                 cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                 start_new_session=True)

    def stop():
        if proxy.poll() is None:
            proxy.send_signal(signal.SIGTERM)
            proxy.wait(timeout=60)

    deadline = time.monotonic() + PROXY_STARTUP
    while not state.exists():
        if proxy.poll() is not None or time.monotonic() > deadline:
            stop()
            raise SystemExit(f"deploy/serve.py did not start; see {folder / 'proxy.log'}")
        time.sleep(0.5)
    info = json.loads(state.read_text())
    for replica in info["replicas"]:          # each replica's imports and first build, unmeasured
        with StreamlitClient(replica["url"]) as tab:
            tab.open(page)
            tab.set_slider(SLIDER, 1.0)
    return info["url"], [r["pid"] for r in info["replicas"]], stop


def measure(args, replicas, users, folder):
    """One run of ``python -m loadtest`` against a fresh server; its JSON result."""
    url, pids, stop = start(replicas, args.port, folder, args.page)
    out = folder / f"result-{replicas}-{users}.json"
    try:
        command = [sys.executable, "-m", "loadtest", "--users", str(users),
                   "--duration", str(args.duration), "--url", url, "--page", args.page,
                   "--json", str(out)]
        for pid in pids:
            command += ["--server-pid", str(pid)]
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    finally:
        stop()
    result = json.loads(out.read_text())
    result["processes"] = replicas
    return result


def row(result):
    """One Markdown row of the capacity table."""
    move = result["interactions"].get(f"{result['page']}: slider move", {})
    load = result["interactions"].get(f"{result['page']}: page load", {})

    def s(value):
        return "-" if value is None else f"{value:.2f} s"
    per = result["server_cpu_s_per_interaction"]
    return (f"| {result['processes']} | {result['users']} | {result['load_average_at_start'][0]:.1f} "
            f"| {result['moves']} | {s(move.get('p50_s'))} | {s(move.get('p95_s'))} "
            f"| {s(move.get('max_s'))} | {s(load.get('p50_s'))} | {result['errors']} "
            f"| {result['longest_health_silence_s']:.1f} s | {result['health_lost']} "
            f"| {result['rss_start_mb']:.0f}/{result['rss_peak_mb']:.0f} "
            f"| {'-' if per is None else f'{per:.3f}'} |")


def main(argv=None):
    args = parse_args(argv)
    results = []
    print(HEADER)
    print("|---" * (HEADER.count("|") - 1) + "|")
    with tempfile.TemporaryDirectory(prefix="capacity-") as tmp:
        for replicas in args.replicas:
            for users in args.users:
                result = measure(args, replicas, users, Path(tmp))
                results.append(result)
                print(row(result), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
