"""The job gate with threads: slots, memory budget, arrival order, cancelling, failing jobs."""

import threading
import time

import numpy as np
import psutil
import pytest

from lnn_core.guard import ResourceError
from pages._ui import gate as gate_module
from pages._ui.gate import JobGate, JobRefused

MiB = 2**20


class _Cancelled(Exception):
    """Stands for Streamlit's rerun exception, raised where the page updates its message."""


class _Jobs:
    """Start jobs one after another (so their arrival order is known) and watch them run."""

    def __init__(self, gate, nbytes):
        self.gate, self.nbytes = gate, nbytes
        self.lock = threading.Lock()
        self.running = self.most_running = 0
        self.started, self.first_place, self.errors = [], {}, []
        self.all_queued = threading.Event()
        self.threads = []

    def body(self, index, fail=False, cancel=None):
        def on_wait(place, seconds):
            self.first_place.setdefault(index, place)
            if cancel is not None and cancel.is_set():
                raise _Cancelled

        try:
            with self.gate.admitted(f"student {index}", "job", self.nbytes, on_wait=on_wait,
                                    poll=0.02):
                with self.lock:
                    self.running += 1
                    self.most_running = max(self.most_running, self.running)
                    self.started.append(index)
                held = np.ones(self.nbytes // 8)              # the declared bytes, touched
                self.all_queued.wait(10)
                time.sleep(0.5)
                with self.lock:
                    self.running -= 1
                del held
                if fail:
                    raise RuntimeError("the job failed")
        except (RuntimeError, _Cancelled) as err:
            self.errors.append((index, type(err).__name__))

    def start(self, index, **options):
        thread = threading.Thread(target=self.body, args=(index,), kwargs=options)
        queued = sum(self.gate.status()) + 1
        thread.start()
        while sum(self.gate.status()) < queued and thread.is_alive():
            time.sleep(0.005)                                  # this one is in line now
        self.threads.append(thread)

    def join(self):
        for thread in self.threads:
            thread.join(30)
        return not any(thread.is_alive() for thread in self.threads)


class _PeakRss:
    """Sample the process's resident memory every 10 ms in a thread."""

    def __enter__(self):
        self.process = psutil.Process()
        self.baseline = self.peak = self.process.memory_info().rss
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample)
        self.thread.start()
        return self

    def _sample(self):
        while not self.done.wait(0.01):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()

    @property
    def extra(self):
        return self.peak - self.baseline


def test_two_slots_run_five_jobs_two_at_a_time_in_arrival_order():
    gate = JobGate(slots=2, budget=100 * MiB)
    jobs = _Jobs(gate, 40 * MiB)
    with _PeakRss() as rss:
        for index in range(5):
            jobs.start(index)
        assert gate.status() == (2, 3)
        jobs.all_queued.set()
        assert jobs.join()
    assert jobs.most_running == 2
    assert jobs.started == [0, 1, 2, 3, 4]                    # first come, first served
    assert jobs.first_place == {2: 1, 3: 2, 4: 3}             # places told while waiting
    assert not jobs.errors and gate.status() == (0, 0)
    assert rss.extra <= gate.budget, f"peak extra RSS {rss.extra / MiB:.0f} MiB"


def test_memory_budget_admits_one_large_job_at_a_time():
    gate = JobGate(slots=2, budget=60 * MiB)                 # two 40 MiB jobs do not fit
    jobs = _Jobs(gate, 40 * MiB)
    with _PeakRss() as rss:
        for index in range(3):
            jobs.start(index)
        assert gate.status() == (1, 2)
        jobs.all_queued.set()
        assert jobs.join()
    assert jobs.most_running == 1 and jobs.started == [0, 1, 2]
    assert rss.extra <= gate.budget, f"peak extra RSS {rss.extra / MiB:.0f} MiB"


def test_a_cancelled_waiter_leaves_the_line_and_the_others_move_up():
    gate = JobGate(slots=1, budget=100 * MiB)
    blocker = gate.enqueue("teacher", "job", MiB)              # holds the only slot
    jobs, cancel = _Jobs(gate, MiB), threading.Event()
    jobs.start(0)
    jobs.start(1, cancel=cancel)
    jobs.start(2)
    assert gate.status() == (1, 3)
    cancel.set()                                               # student 1 presses Cancel
    while gate.status() != (1, 2):
        time.sleep(0.005)
    assert (1, "_Cancelled") in jobs.errors
    waiting = list(gate._waiting)
    assert [t.owner for t in waiting] == ["student 0", "student 2"]
    assert [gate.place(t) for t in waiting] == [1, 2]
    jobs.all_queued.set()
    gate.release(blocker)
    assert jobs.join()
    assert jobs.started == [0, 2] and gate.status() == (0, 0)


def test_a_job_that_raises_frees_its_slot():
    gate = JobGate(slots=1, budget=100 * MiB)
    jobs = _Jobs(gate, MiB)
    jobs.start(0, fail=True)
    jobs.start(1)
    jobs.all_queued.set()
    assert jobs.join()
    assert jobs.errors == [(0, "RuntimeError")]
    assert jobs.started == [0, 1] and gate.status() == (0, 0)


def test_one_job_per_student_and_too_large_jobs_are_refused_with_a_sentence():
    gate = JobGate(slots=2, budget=100 * MiB)
    first = gate.enqueue("student", "training", MiB)
    with pytest.raises(JobRefused, match=r"already have a job at the server \(training\)"):
        gate.enqueue("student", "sweep", MiB)
    gate.release(first)
    with pytest.raises(ResourceError, match="Sweep needs about 200.0 MiB of memory, more than "
                                            "the 100.0 MiB budget"):
        gate.enqueue("student", "sweep", 200 * MiB)
    assert gate.status() == (0, 0)


def test_held_cache_bytes_count_toward_the_budget():
    gate = JobGate(slots=2, budget=100 * MiB)
    gate.hold("parsed upload", 70 * MiB)
    running = gate.enqueue("a", "job", 20 * MiB)
    waiting = gate.enqueue("b", "job", 20 * MiB)               # 70 + 20 + 20 > 100
    assert gate.status() == (1, 1) and gate.place(waiting) == 1
    gate.release_held("parsed upload")                          # the cache dropped the entry
    assert gate.place(waiting) == 0 and waiting.granted == 1
    gate.release(running)
    gate.release(waiting)
    gate.hold("parsed upload", 90 * MiB)
    with (pytest.raises(JobRefused, match="cached uploads hold 90.0 MiB"),
          gate.admitted("c", "job", 20 * MiB)):
        pass                                                    # nothing runs to free memory
    assert gate.status() == (0, 0)


def test_estimate_counts_the_jobs_ahead_from_typical_durations():
    gate = JobGate(slots=1, budget=100 * MiB)
    gate._durations["job"].extend([4.0, 6.0, 5.0])            # median 5 s
    running = gate.enqueue("a", "job", MiB)
    ahead = gate.enqueue("b", "job", MiB)
    mine = gate.enqueue("c", "job", MiB)
    assert 4.0 < gate.eta(ahead) <= 5.0                         # the running job's rest
    assert 9.0 < gate.eta(mine) <= 10.0                         # plus the one ahead
    for ticket in (mine, ahead, running):
        gate.release(ticket)


def test_slots_come_from_the_environment(monkeypatch):
    monkeypatch.setattr(gate_module, "_gate", None)
    monkeypatch.setenv(gate_module.SLOTS_ENV, "3")
    monkeypatch.setenv("LNN_LAB_MEMORY_BUDGET_MB", "512")
    built = gate_module.job_gate()
    assert (built.slots, built.budget) == (3, 512 * MiB)
    monkeypatch.setattr(gate_module, "_gate", None)
    monkeypatch.setenv(gate_module.SLOTS_ENV, "-1")
    with pytest.raises(ValueError, match="LNN_LAB_JOB_SLOTS must be a whole number"):
        gate_module.job_gate()


def test_cached_parse_results_are_held_until_the_cache_drops_them(monkeypatch):
    gate = JobGate(slots=1, budget=100 * MiB)
    monkeypatch.setattr(gate_module, "_gate", gate)

    @gate_module.counted_cache(max_entries=1)
    def parse(size):
        return {"values": np.zeros(size // 8), "raw": b"x" * 10}

    parse(8 * MiB)
    assert gate.held_bytes() == 8 * MiB + 10
    parse(8 * MiB)                                              # a cache hit holds nothing more
    assert gate.held_bytes() == 8 * MiB + 10
    parse(16 * MiB)                                             # max_entries=1 drops the first
    assert gate.held_bytes() == 16 * MiB + 10
    parse.clear()
    assert gate.held_bytes() == 0


def test_an_overdue_job_is_assumed_half_done():
    gate = JobGate(slots=1, budget=100 * MiB)
    gate._durations["job"].append(2.0)
    running = gate.enqueue("a", "job", MiB)
    mine = gate.enqueue("b", "job", MiB)
    running.started -= 30.0                                     # it has run 30 s, typically 2 s
    assert 15.0 <= gate.eta(mine) < 16.0
    gate.release(mine)
    gate.release(running)
