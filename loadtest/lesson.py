"""Replay the README's 45-minute lesson through the app and print what each step took and showed.

    python -m loadtest.lesson
    python -m loadtest.lesson --steps reservoir dynamics --json lesson.json

Each of the lesson's six steps (Home, Reservoir, Dynamics, MNIST, Time series,
Liquid neurons) is one student's session on one page: a fresh
:class:`streamlit.testing.v1.AppTest` of ``app.py`` opened on the page's link,
then the lesson's moves one by one (sliders, presets, buttons), each a rerun of
the app's own code in this process.  After every rerun the script reads the
numbers the page then shows (the metrics, the exercise's status line, the
captions and tables the README quotes) and times the rerun (wall seconds).

Before the steps, one Home page in a session of its own measures the first
page of a fresh process (imports, first builds: a cold server's first
visitor).  The load average is read at the start and at the end: other work
on the machine changes every time, not the numbers shown (every page is
seeded).
"""

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from streamlit.testing.v1 import AppTest

from loadtest.server import ROOT

#: The router; AppTest resolves a relative path from the calling file, so it is absolute.
APP = str(ROOT / "app.py")
#: A number as a page writes it: 0.00067, 4.2e-04, 1,347, 92.2 (from "92.2%").
NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?")


class LessonError(RuntimeError):
    """A page raised, or showed an error, during one move of the lesson."""


# ----------------------------------------------------------------------------- what pages show

def number(text):
    """The first number in ``text`` ("92.2%" -> 92.2, "125 steps" -> 125.0), or ``None``."""
    found = NUMBER.search(text or "")
    return None if found is None else float(found.group().replace(",", ""))


def metric(at, label):
    """The text of the page's metric called ``label``, or ``None`` when the page has none."""
    return next((m.value for m in at.metric if m.label == label), None)


def button(at, label):
    """The page's button called ``label``."""
    return next(b for b in at.button if b.label == label)


def exercise_status(at):
    """The status line of the open exercise (done or not), or ``None`` when none is open."""
    for box in at.expander:
        if box.label.startswith("Exercises"):
            alerts = [*box.success, *box.info]
            return alerts[0].value if alerts else None
    return None


def status_number(at, pattern):
    """The number that ``pattern`` (a regular expression with one group) finds in the
    exercise's status line, or ``None``."""
    found = re.search(pattern, exercise_status(at) or "")
    return None if found is None else number(found.group(1))


def home_numbers(at):
    """The article's claimed accuracy, in %, as the Home page states it."""
    claims = (re.search(r"\*\*(\S+) test accuracy\*\*", m.value) for m in at.markdown)
    claim = next(found.group(1) for found in claims if found)
    return {"article's claim %": round(100 * number(claim), 2)}


def reservoir_numbers(at):
    """Spectral radius, input scaling, the echo-state check's verdict and final distance."""
    return {"spectral radius": number(metric(at, "Spectral radius")),
            "input scaling": at.slider(key="input_scaling").value,
            "forgets its start": metric(at, "Forgets its start"),
            "echo-state distance": status_number(at, r"runs end (\S+) apart")}


def dynamics_numbers(at):
    """Spectral radius and input scaling, the median swing and a measured memory capacity."""
    return {"spectral radius": at.slider(key="spectral_radius").value,
            "input scaling": at.slider(key="input_scaling").value,
            "swing": status_number(at, r"Median swing of the neurons: (\S+) "),
            "memory capacity": number(metric(at, "Memory capacity"))}


def mnist_numbers(at):
    """Test accuracy and the training time as the Results tab shows them."""
    return {"test accuracy %": number(metric(at, "Test accuracy")),
            "time shown s": number(metric(at, "Time"))}


def timeseries_numbers(at):
    """Test NRMSE and the closed-loop valid time."""
    valid = metric(at, "Valid time")
    return {"NRMSE": number(metric(at, "Test NRMSE")),
            "valid time steps": None if valid == "n/a" else number(valid)}


def liquid_numbers(at):
    """The three neurons' swings (the first chart's caption) and the comparison's accuracies."""
    # imported here, not above: the cold first page must load lnn_core itself, as a server does
    from lnn_core.figures.story import CELL_LABELS, CELL_NAMES

    caption = next((c.value for c in at.caption if c.value.startswith("How far the input")), "")
    shown = {}
    for cell, name in CELL_NAMES.items():
        found = re.search(re.escape(name) + r" (\S+?)[,.]\s", caption)
        shown[f"{CELL_LABELS[cell]} swing"] = None if found is None else number(found.group(1))
    if at.dataframe:
        table = at.dataframe[0].value
        for name, accuracy in zip(table["cell"], table["accuracy"]):
            label = next(CELL_LABELS[c] for c, n in CELL_NAMES.items() if n == name)
            shown[f"{label} accuracy %"] = round(100 * accuracy, 1)
    return shown


# ----------------------------------------------------------------------------- one student

class Session:
    """One student's tab on one page: an AppTest, and a row per move (seconds, numbers shown).

    Parameters
    ----------
    step : int
        The README's lesson step (1-6) the moves belong to.
    read : callable
        ``read(at) -> dict`` of the numbers the page shows; ``None`` values are left out.
    timeout : float
        Seconds one rerun may take before AppTest gives up.
    """

    def __init__(self, step, read, timeout):
        self.step, self.read, self.timeout = step, read, timeout
        self.rows = []
        self.at = None

    def open(self, action, page, query=None):
        """Open ``page`` (path from the repo root) with a link's ``query``, as a new tab."""
        self.at = AppTest.from_file(APP, default_timeout=self.timeout)
        for key, value in (query or {}).items():
            self.at.query_params[key] = value
        self.at.switch_page(page)               # before the first run: the page's URL
        self._timed(action)

    def move(self, action, change):
        """``change(at)`` sets a widget or clicks a button; then the rerun is timed."""
        change(self.at)
        self._timed(action)

    def _timed(self, action):
        start = time.perf_counter()
        try:
            self.at.run()
        except RuntimeError as error:               # AppTest's timeout
            raise LessonError(f"Step {self.step}, {action}: {error}") from None
        seconds = time.perf_counter() - start
        problems = [e.value for e in self.at.exception] + [e.value for e in self.at.error]
        if problems:
            raise LessonError(f"Step {self.step}, {action}: the page showed {problems[0]!r}.")
        shown = {name: value for name, value in self.read(self.at).items() if value is not None}
        self.rows.append({"step": self.step, "action": action, "seconds": seconds,
                          "shown": shown})


def set_widget(kind, key, value):
    """A move: set the widget of ``kind`` (``"slider"``, ``"toggle"`` …) called ``key``."""
    return lambda at: getattr(at, kind)(key=key).set_value(value)


def press(label):
    """A move: click the button called ``label``."""
    return lambda at: button(at, label).click()


def press_key(key):
    """A move: click the button whose key is ``key``."""
    return lambda at: at.button(key=key).click()


# ----------------------------------------------------------------------------- the six steps

@dataclass(frozen=True)
class Step:
    """One step of the README's lesson: a page opened by a link, then the students' moves.

    Attributes
    ----------
    number : int
        The step's number in the README (1-6).
    page : str
        The page's file, from the repo root.
    exercise : str or None
        The exercise the link opens (``?exercise=``).
    read : callable
        ``read(at) -> dict``: the numbers the page shows that the README quotes.
    moves : tuple of (str, callable)
        What the student does, in order: a name and ``change(at)`` (see :func:`set_widget`).
    """

    number: int
    page: str
    exercise: str | None
    read: Callable
    moves: tuple = ()


MEASURE = ("Measure memory capacity", press("Measure memory capacity"))
RESET = ("Reset this page", press_key("reset_page"))
TRAIN = press("Train")

#: The lesson, in order: name (``--steps``) -> :class:`Step`.
STEPS = {
    "home": Step(1, "pages/home.py", None, home_numbers),
    "reservoir": Step(2, "pages/reservoir.py", "reservoir-edge", reservoir_numbers, (
        *((f"spectral radius {radius:g}", set_widget("slider", "spectral_radius", radius))
          for radius in (1.1, 1.2, 1.23, 1.3)),
        ("exercise Drive it harder",
         set_widget("segmented_control", "exercise_reservoir", "reservoir-input")),
        ("spectral radius 1.5", set_widget("slider", "spectral_radius", 1.5)),
        ("input scaling 1.5", set_widget("slider", "input_scaling", 1.5)),
        ("input scaling 2", set_widget("slider", "input_scaling", 2.0)))),
    "dynamics": Step(3, "pages/dynamics.py", "dynamics-quiet", dynamics_numbers, (
        ("Too quiet", press("Too quiet")), ("Chaotic", press("Chaotic")), MEASURE,
        RESET, MEASURE,
        ("spectral radius 1.0", set_widget("slider", "spectral_radius", 1.0)),
        ("input scaling 0.1", set_widget("slider", "input_scaling", 0.1)), MEASURE,
        RESET, ("Edge of chaos", press("Edge of chaos")), MEASURE)),
    "mnist": Step(4, "pages/mnist.py", "mnist-few-images", mnist_numbers, (
        ("training images 500", set_widget("select_slider", "mnist_n_train", 500)),
        ("Train (8×8 digits, 500)", TRAIN),
        ("data: MNIST sample", set_widget("segmented_control", "mnist_source", "sample")),
        ("training images 4,000", set_widget("select_slider", "mnist_n_train", 4000)),
        ("Train (sample, 4,000)", TRAIN),
        ("Also read bottom-up: on", set_widget("toggle", "mnist_bidirectional", True)),
        ("Train (bottom-up)", TRAIN),
        ("Also read bottom-up: off", set_widget("toggle", "mnist_bidirectional", False)),
        ("pooling last", set_widget("selectbox", "mnist_pooling", "last")),
        ("Train (pooling last)", TRAIN))),
    "timeseries": Step(5, "pages/timeseries.py", "ts-one-step", timeseries_numbers, (
        ("series Lorenz-63", set_widget("selectbox", "ts_series", "Lorenz-63")),
        ("horizon 30", set_widget("slider", "ts_horizon", 30)))),
    "liquid": Step(6, "pages/liquid.py", "liquid-shunting", liquid_numbers, (
        ("spectral radius 1.5", set_widget("slider", "spectral_radius", 1.5)),
        ("Compare the three neurons", press("Compare the three neurons")))),
}


def play(step, timeout):
    """One student's session through ``step``: the rows of every move (seconds, numbers)."""
    tab = Session(step.number, step.read, timeout)
    query = {} if step.exercise is None else {"exercise": step.exercise}
    tab.open(f"open {Path(step.page).stem}" + (f" ?exercise={step.exercise}" if query else ""),
             step.page, query)
    for action, change in step.moves:
        tab.move(action, change)
    return tab.rows


def cold_first_page(timeout):
    """Seconds of the first run of Home in this process (a fresh server's first visitor)."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    start = time.perf_counter()
    at.run()
    return time.perf_counter() - start


def run(steps, timeout):
    """The cold first page, then each of ``steps`` in a session of its own; the results dict."""
    load_at_start = os.getloadavg()
    cold = cold_first_page(timeout)
    rows = [row for name in steps for row in play(STEPS[name], timeout)]
    return {"load_average_at_start": load_at_start, "load_average_at_end": os.getloadavg(),
            "cold_first_page_s": cold, "steps": rows,
            "seconds_per_step": {step: sum(r["seconds"] for r in rows if r["step"] == step)
                                 for step in dict.fromkeys(r["step"] for r in rows)}}


# ----------------------------------------------------------------------------- output

def shown_text(shown):
    """``name value`` pairs, numbers with up to 3 significant digits (as the pages write)."""
    return "; ".join(f"{name} {value:.3g}" if isinstance(value, float) else f"{name} {value}"
                     for name, value in shown.items())


def table(result):
    """Markdown lines: the load and the cold first page, then one row per move."""
    start, end = result["load_average_at_start"], result["load_average_at_end"]
    load = (f"Load average (1, 5, 15 min): {start[0]:.2f} {start[1]:.2f} {start[2]:.2f} at the "
            f"start, {end[0]:.2f} {end[1]:.2f} {end[2]:.2f} at the end.")
    cold = (f"Cold first page (Home, first AppTest run of this process): "
            f"{result['cold_first_page_s']:.2f} s.")
    lines = [load, cold, "", "| step | move | seconds | the page shows |", "|---|---|---|---|"]
    for row in result["steps"]:
        lines.append(f"| {row['step']} | {row['action']} | {row['seconds']:.2f} "
                     f"| {shown_text(row['shown'])} |")
    lines += ["", "| step | seconds (all its moves) |", "|---|---|"]
    lines += [f"| {step} | {seconds:.1f} |" for step, seconds in result["seconds_per_step"].items()]
    return lines


def parse_args(argv=None):
    """Command-line options, checked: a value out of range stops with one sentence."""
    parser = argparse.ArgumentParser(prog="python -m loadtest.lesson",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--steps", nargs="+", choices=list(STEPS), default=list(STEPS),
                        help="Steps to replay, in the lesson's order (default: all six).")
    parser.add_argument("--timeout", type=float, default=600,
                        help="Seconds one rerun may take (10-3600, default 600).")
    parser.add_argument("--json", default=None,
                        help="Also write the results to this JSON file ('-': print JSON only).")
    args = parser.parse_args(argv)
    if not 10 <= args.timeout <= 3600:
        parser.error(f"--timeout must be from 10 to 3600 seconds, got {args.timeout:g}")
    args.steps = [name for name in STEPS if name in args.steps]
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        result = run(args.steps, args.timeout)
    except LessonError as error:
        raise SystemExit(str(error)) from None
    if args.json == "-":
        json.dump(result, sys.stdout, indent=2)
        print()
        return result
    print("\n".join(table(result)))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
