"""Simulate a class on one Liquid Lab server and print one row of what it measured.

    python -m loadtest --users 10 --duration 60 --url http://127.0.0.1:8501
    python -m loadtest --users 30 --duration 60 --start-server --port 8600 --json out.json

Runs :class:`loadtest.locustfile.Student` users with Locust as a library
(headless, stops by itself after ``--duration`` seconds) and, meanwhile:

* asks ``/_stcore/health`` every 0.5 s, each check on its own connection
  (as a monitor does); reports the longest time with no answered check and the
  checks lost (failed, or unanswered within 10 s);
* samples the server's resident memory (RSS) and reads its CPU time at the
  start and the end (the server is ``--server-pid``, the process listening on
  the URL's port, or the one ``--start-server`` started).

Before the students arrive, one warm-up visit opens the page (and trains
MNIST if anyone will), so the numbers describe a running server, not its
imports (``--no-warmup`` to include them).  The load average is read at the
start, because other work on the machine changes every number.
"""

import argparse
import itertools
import json
import os
import resource
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import gevent
import psutil
from locust import events
from locust.env import Environment

from loadtest import locustfile
from loadtest.client import StreamlitClient
from loadtest.server import HEALTH_TIMEOUT, ROOT, healthy, start_server, stop_server

#: Seconds between health checks and between memory samples.
SAMPLE_EVERY = 0.5
#: Seconds allowed after --duration for the users to stop and the last checks to end.
STOP_GRACE = 15


def percentile(values, q):
    """The ``q``-th percentile (0-100) of ``values``, linear between order statistics."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def parse_args(argv=None):
    """Command-line options, checked: a value out of range stops with one sentence."""
    parser = argparse.ArgumentParser(prog="python -m loadtest", description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=10, help="Simulated students (1-200).")
    parser.add_argument("--duration", type=float, default=60,
                        help="Seconds the students work (5-3600).")
    parser.add_argument("--url", default=None,
                        help="Server URL, e.g. http://127.0.0.1:8501 (default: the started one).")
    parser.add_argument("--page", choices=locustfile.PAGES, default="reservoir",
                        help="Page every student opens.")
    parser.add_argument("--train-fraction", type=float, default=0.0,
                        help="Fraction of students who also train MNIST (0-1).")
    parser.add_argument("--ramp", type=float, default=5.0,
                        help="Seconds over which the students arrive (default 5).")
    parser.add_argument("--seed", type=int, default=0, help="Seed of the students' choices.")
    parser.add_argument("--slider-values", type=int, default=13,
                        help="Distinct spectral radii from 0.3 to 1.5 the students pick from "
                             f"(2-{locustfile.MAX_VALUES}; default 13: 0.3, 0.4, …, 1.5).")
    parser.add_argument("--server-pid", type=int, action="append", default=None,
                        help="PID of the server (default: the process listening on the port); "
                             "repeat it for the replicas behind a proxy (measured together).")
    parser.add_argument("--start-server", action="store_true",
                        help="Start `streamlit run app.py` on --port and stop it at the end.")
    parser.add_argument("--port", type=int, default=8501,
                        help="Port of the started server (with --start-server).")
    parser.add_argument("--app-dir", default=None,
                        help="With --start-server: folder of the app.py to run (default: this "
                             "checkout), e.g. an exported older commit to compare.")
    parser.add_argument("--streamlit-option", action="append", default=[], metavar="NAME=VALUE",
                        help="With --start-server: a `streamlit run` option, e.g. "
                             "runner.postScriptGC=false (repeatable).")
    parser.add_argument("--no-warmup", action="store_true",
                        help="Skip the warm-up visit before the students arrive.")
    parser.add_argument("--json", default=None, help="Also write the results to this JSON file.")
    args = parser.parse_args(argv)
    if not 1 <= args.users <= 200:
        parser.error(f"--users must be from 1 to 200, got {args.users}")
    if not 5 <= args.duration <= 3600:
        parser.error(f"--duration must be from 5 to 3600 seconds, got {args.duration:g}")
    if not 0 <= args.train_fraction <= 1:
        parser.error(f"--train-fraction must be from 0 to 1, got {args.train_fraction:g}")
    if not 2 <= args.slider_values <= locustfile.MAX_VALUES:
        parser.error(f"--slider-values must be from 2 to {locustfile.MAX_VALUES}, "
                     f"got {args.slider_values}")
    if args.ramp < 0:
        parser.error(f"--ramp must be 0 or more seconds, got {args.ramp:g}")
    if args.url is None and not args.start_server:
        parser.error("give --url of a running server, or --start-server")
    if args.url is None:
        args.url = f"http://127.0.0.1:{args.port}"
    return args


# ----------------------------------------------------------------------------- the server

class Servers:
    """The server process, or the replicas behind a proxy, measured together."""

    def __init__(self, processes):
        self.processes = processes

    def cpu_seconds(self):
        """User + system CPU seconds of every process so far."""
        return sum(sum(process.cpu_times()[:2]) for process in self.processes)

    def rss_mb(self):
        """Resident memory of every process, MiB."""
        return sum(process.memory_info().rss for process in self.processes) / 2**20


def server_process(url, pids=None):
    """:class:`Servers` of ``pids``, else of the process listening on the URL's port."""
    if pids:
        return Servers([psutil.Process(pid) for pid in pids])
    port = urlsplit(url).port
    for connection in psutil.net_connections(kind="tcp"):
        if connection.status == psutil.CONN_LISTEN and connection.laddr.port == port \
                and connection.pid:
            return Servers([psutil.Process(connection.pid)])
    raise SystemExit(f"no process listens on port {port}: give --server-pid")


def warm_up(url, page, train):
    """Open the page (and train MNIST) once, so imports and first builds are not measured."""
    with StreamlitClient(url) as tab:
        tab.open(page)
        tab.set_slider(locustfile.SLIDER, 1.0)
    if train:
        with StreamlitClient(url) as tab:
            tab.open("mnist")
            tab.click("Train")


# ----------------------------------------------------------------------------- sampling

class Monitor:
    """Health checks every 0.5 s (each its own greenlet and connection) and RSS samples."""

    def __init__(self, url, process):
        self.url, self.process = url, process
        self.probes = []                                    # (asked, answered or None)
        self.rss = []
        self._greenlets = []
        self._running = False

    def _probe(self, asked):
        answered = time.perf_counter() if healthy(self.url, HEALTH_TIMEOUT) else None
        self.probes.append((asked, answered))

    def _loop(self):
        while self._running:
            self._greenlets.append(gevent.spawn(self._probe, time.perf_counter()))
            try:
                self.rss.append(self.process.rss_mb())
            except psutil.Error:
                pass
            gevent.sleep(SAMPLE_EVERY)

    def start(self):
        self._running, self.start_time = True, time.perf_counter()
        self._loop_greenlet = gevent.spawn(self._loop)

    def stop(self):
        self._running = False
        self.end_time = time.perf_counter()
        self._loop_greenlet.join(timeout=SAMPLE_EVERY * 4)
        gevent.joinall(self._greenlets, timeout=HEALTH_TIMEOUT + 1)

    def summary(self):
        answers = sorted(a for _, a in self.probes if a is not None)
        moments = [self.start_time, *answers, self.end_time]
        return {"health_checks": len(self.probes), "health_answered": len(answers),
                "health_lost": len(self.probes) - len(answers),
                "longest_health_silence_s": max(b - a for a, b in itertools.pairwise(moments)),
                "rss_start_mb": self.rss[0] if self.rss else None,
                "rss_peak_mb": max(self.rss) if self.rss else None,
                "rss_end_mb": self.rss[-1] if self.rss else None}


# ----------------------------------------------------------------------------- the run

def run(args):
    """Run the class; return the results dict."""
    locustfile.Student.host = args.url
    locustfile.Student.page = args.page
    locustfile.Student.train_fraction = args.train_fraction
    locustfile.Student.seed = args.seed
    locustfile.Student.slider_values = args.slider_values
    locustfile.Student._numbers = itertools.count()
    samples, per_student = {}, {}

    def record(name, response_time, exception, context=None, **_):
        samples.setdefault(name, {"ok": [], "failed": 0, "errors": []})
        if exception is None:
            samples[name]["ok"].append(response_time / 1000)
            done = per_student.setdefault(str((context or {}).get("student")), {})
            done[name] = done.get(name, 0) + 1
        else:
            samples[name]["failed"] += 1
            samples[name]["errors"].append(str(exception)[:300])

    environment = Environment(user_classes=[locustfile.Student], events=events)
    environment.events.request.add_listener(record)
    runner = environment.create_local_runner()
    process = server_process(args.url, args.server_pid)
    monitor = Monitor(args.url, process)
    load_average = os.getloadavg()
    monitor.start()
    cpu_start = process.cpu_seconds()
    own_start = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    runner.start(args.users, spawn_rate=args.users / args.ramp if args.ramp else args.users)
    stopper = gevent.spawn_later(args.duration, runner.quit)
    runner.greenlet.join(timeout=args.duration + STOP_GRACE)
    stopper.kill()
    if runner.state != "stopped":
        runner.quit()
    seconds = time.perf_counter() - start
    cpu_seconds = process.cpu_seconds() - cpu_start
    own_end = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = (own_end.ru_utime + own_end.ru_stime) - (own_start.ru_utime + own_start.ru_stime)
    monitor.stop()
    environment.events.request.remove_listener(record)

    page = args.page
    interactions = {}
    for name, seen in sorted(samples.items()):
        ok = seen["ok"]
        interactions[name] = {
            "done": len(ok), "failed": seen["failed"], "errors": seen["errors"][:5],
            "p50_s": percentile(ok, 50), "p95_s": percentile(ok, 95),
            "max_s": max(ok) if ok else None}
    moves = interactions.get(f"{page}: slider move", {}).get("done", 0)
    work = sum(i["done"] for i in interactions.values())
    return {"users": args.users, "page": page, "train_fraction": args.train_fraction,
            "slider_values": args.slider_values,
            "app_dir": str(args.app_dir or ROOT), "streamlit_options": args.streamlit_option,
            "duration_s": seconds, "load_average_at_start": load_average,
            "url": args.url, "moves": moves,
            "errors": sum(i["failed"] for i in interactions.values()),
            "server_cpu_s": cpu_seconds, "client_cpu_s": client_cpu,
            "server_cpu_s_per_interaction": cpu_seconds / work if work else None,
            "interactions": interactions, "per_student": per_student, **monitor.summary()}


def fmt(value):
    """Seconds with two decimals, or ``-``."""
    return "-" if value is None else f"{value:.2f}"


def table(result):
    """Markdown lines: one summary row, then one row per interaction."""
    page = result["page"]
    move = result["interactions"].get(f"{page}: slider move", {})
    load = result["interactions"].get(f"{page}: page load", {})
    lines = [
        ("| page | users | load avg (1 min) | moves | move p50 | p95 | max | first load p50 "
        "| errors | longest health silence | lost checks | RSS start/peak/end MiB "
        "| server CPU-s | CPU-s per interaction |"),
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        (f"| {page} | {result['users']} | {result['load_average_at_start'][0]:.2f} "
        f"| {result['moves']} | {fmt(move.get('p50_s'))} | {fmt(move.get('p95_s'))} "
        f"| {fmt(move.get('max_s'))} | {fmt(load.get('p50_s'))} | {result['errors']} "
        f"| {result['longest_health_silence_s']:.1f} | {result['health_lost']} "
        f"| {result['rss_start_mb']:.0f}/{result['rss_peak_mb']:.0f}/{result['rss_end_mb']:.0f} "
        f"| {result['server_cpu_s']:.1f} | {fmt(result['server_cpu_s_per_interaction'])} |"),
        "",
        "| interaction | done | failed | p50 s | p95 s | max s |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in result["interactions"].items():
        lines.append(f"| {name} | {row['done']} | {row['failed']} | {fmt(row['p50_s'])} "
                     f"| {fmt(row['p95_s'])} | {fmt(row['max_s'])} |")
    return lines


def main(argv=None):
    args = parse_args(argv)
    server = None
    if args.start_server:
        log = Path(os.environ.get("TMPDIR", "/tmp")) / f"loadtest-server-{args.port}.log"
        server = start_server(args.port, log, args.app_dir or ROOT, args.streamlit_option)
        args.server_pid = [server.pid]
    try:
        if not healthy(args.url):
            raise SystemExit(f"{args.url}/_stcore/health does not answer: is the server running?")
        if not args.no_warmup:
            warm_up(args.url, args.page, args.train_fraction > 0)
        result = run(args)
    finally:
        if server is not None:
            stop_server(server)
    print("\n".join(table(result)))
    for name, row in result["interactions"].items():
        for error in row["errors"]:
            print(f"error in {name}: {error}", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
