"""The job gate on the pages: a full server makes a student wait in line, a sweep gets its cores.

AppTest runs the script in a thread of this process, so the test can fill the
server-wide gate itself (``pages._ui.gate._gate``) and free it while the page waits.
"""

import threading
import time
from typing import ClassVar

import numpy as np
import pytest
from streamlit.testing.v1 import app_test
from streamlit.testing.v1.element_tree import parse_tree_from_messages

from lnn_core import sweep
from pages._ui import gate as gate_module
from pages._ui import mnist_jobs
from pages._ui.gate import JobGate
from tests.app.conftest import open_page

MiB = 2**20


class _RecordingRunner(app_test.LocalScriptRunner):
    """AppTest's script runner, kept where the test can read what a run has shown so far."""

    started: ClassVar[list] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.started.append(self)


def shown_so_far(runner):
    """Texts of the alerts (info, error...) the running script has sent so far."""
    tree = parse_tree_from_messages(list(runner.forward_msgs()))
    return [alert.value for kind in ("info", "error", "warning") for alert in tree.get(kind)]


@pytest.fixture
def one_slot_gate(monkeypatch):
    """A fresh server gate of one slot (and a 2 GiB budget) for this test only."""
    gate = JobGate(slots=1, budget=2048 * MiB)
    monkeypatch.setattr(gate_module, "_gate", gate)
    return gate


def _click_train_in_background(at, monkeypatch):
    """Press Train; run the page in a thread; return (thread, its runner)."""
    monkeypatch.setattr(app_test, "LocalScriptRunner", _RecordingRunner)
    _RecordingRunner.started.clear()
    next(b for b in at.button if b.label == "Train").click()
    thread = threading.Thread(target=at.run, kwargs={"timeout": 120})
    thread.start()
    while not _RecordingRunner.started and thread.is_alive():
        time.sleep(0.01)
    return thread, _RecordingRunner.started[-1]


def test_a_full_server_shows_the_place_in_line_then_trains_when_freed(one_slot_gate,
                                                                       monkeypatch):
    mnist_jobs.train.clear()                                   # a cache miss: real work
    at = open_page("pages/mnist.py")
    teacher = one_slot_gate.enqueue("teacher", "job", MiB)     # the only slot is taken
    thread, runner = _click_train_in_background(at, monkeypatch)
    waiting = []
    for _ in range(600):                                       # at most ~60 s
        waiting = [text for text in shown_so_far(runner) if text.startswith("Waiting")]
        if waiting or not thread.is_alive():
            break
        time.sleep(0.1)
    assert waiting and waiting[-1].startswith("Waiting for a free slot: 1st in line, about ")
    assert one_slot_gate.status() == (1, 1)                    # the teacher runs, Train waits
    one_slot_gate.release(teacher)
    thread.join(120)
    assert not thread.is_alive()
    assert not at.exception and not at.error
    assert not any(text.startswith("Waiting") for text in (i.value for i in at.info))
    assert {m.label for m in at.metric} >= {"Train accuracy", "Test accuracy"}
    assert one_slot_gate.status() == (0, 0)                    # the slot is free again


def test_a_cached_result_does_not_wait_in_line(one_slot_gate, monkeypatch):
    at = open_page("pages/mnist.py")
    next(b for b in at.button if b.label == "Train").click().run()       # computed once
    teacher = one_slot_gate.enqueue("teacher", "job", MiB)
    next(b for b in at.button if b.label == "Train").click().run()       # the same job again
    assert not at.exception and not at.error
    assert {m.label for m in at.metric} >= {"Train accuracy", "Test accuracy"}
    assert one_slot_gate.status() == (1, 0)                    # it never joined the line
    one_slot_gate.release(teacher)


def test_cancel_leaves_the_line(one_slot_gate, monkeypatch):
    mnist_jobs.train.clear()
    at = open_page("pages/mnist.py")
    teacher = one_slot_gate.enqueue("teacher", "job", MiB)
    thread, runner = _click_train_in_background(at, monkeypatch)
    while one_slot_gate.status() != (1, 1) and thread.is_alive():
        time.sleep(0.01)
    runner.request_stop()                                      # what Cancel or a closed tab does
    thread.join(120)
    assert one_slot_gate.status() == (1, 0)                    # the ticket was not leaked
    one_slot_gate.release(teacher)


@pytest.mark.parametrize("taken, granted", [(0, 2), (1, 1)])
def test_a_sweep_runs_on_the_cores_the_gate_grants(monkeypatch, taken, granted):
    gate = JobGate(slots=2, budget=2048 * MiB)
    monkeypatch.setattr(gate_module, "_gate", gate)
    seen = []
    iter_rows = sweep.Sweep.iter_rows

    def recording_iter_rows(self, n_jobs=-1):
        seen.append(n_jobs)
        return iter_rows(self, n_jobs)

    monkeypatch.setattr(sweep.Sweep, "iter_rows", recording_iter_rows)
    at = open_page("pages/sweep.py")
    at.slider(key="n_units").set_value(20)
    at.number_input(key="sweep_rows_values").set_value(2)
    at.selectbox(key="sweep_columns").set_value("none").run()
    others = [gate.enqueue(f"other {i}", "job", MiB) for i in range(taken)]
    next(b for b in at.button if b.label == "Run sweep").click().run()
    assert not at.exception and not at.error
    assert seen == [granted]                                   # never -1 (every core)
    assert at.metric[1].value == "2"
    for ticket in others:
        gate.release(ticket)


def test_a_large_upload_is_parsed_through_the_gate_and_held_while_cached(one_slot_gate):
    rng = np.random.default_rng(0)
    table = rng.standard_normal((20_000, 4)).cumsum(axis=0)
    raw = ("a,b,c,d\n" + "\n".join(",".join(f"{v:.12f}" for v in row) for row in table)).encode()
    assert len(raw) >= 2**20                                      # LARGE_UPLOAD
    at = open_page("pages/timeseries.py", session={"ts_source": "Upload", "n_units": 50})
    at.file_uploader(key="ts_upload").set_value(("walk.csv", raw, "text/csv")).run()
    assert not at.exception and not at.error
    assert "Test NRMSE" in {m.label for m in at.metric}
    assert one_slot_gate.held_bytes() >= table.nbytes             # the parsed table counts
    assert one_slot_gate.status() == (0, 0)
