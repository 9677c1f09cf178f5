"""Locust users that behave like students of a class on Liquid Lab.

Each :class:`Student` is one browser tab, played by :class:`loadtest.client.StreamlitClient`:
it opens a page (Reservoir by default, or Dynamics), then every 2.5-7.5 s
(think time) moves the sidebar's "Spectral radius" slider to another of
:data:`SPECTRAL_RADII`.  A fraction of the students (``train_fraction``) also
open the MNIST page in a second tab, on its default data (the built-in 8×8
digits), and press **Train** after each move, with a "Number of neurons" from
:data:`TRAIN_UNITS`.  Every interaction is reported with
``events.request.fire`` under a name such as ``"reservoir: slider move"``,
``"reservoir: page load"`` or ``"mnist: train"`` (its ``context`` names the
student's number), so Locust's statistics (and ``python -m loadtest``) give
its p50/p95/max; the time is from sending the rerun to the server's
``script_finished``.

A move counts as a failure if the server's answer does not show the new value
(the slider and the "Spectral radius" metric): the load must do real work.

Run it with Locust's own command line, from the repository root::

    PYTHONPATH=. locust -f loadtest/locustfile.py --headless -u 10 -r 5 -t 60s \\
        -H http://127.0.0.1:8501 --page reservoir --train-fraction 0.1

There is no warm-up then: the first page load includes the server's imports.
``python -m loadtest`` runs these users as a library and adds the warm-up and
the health, memory and CPU sampling.
"""

import itertools
import random
import time

from locust import User, between, events, task

from loadtest.client import SLIDER, StreamlitClient

#: Most distinct slider values (0.01 apart from 0.3 to 1.5, the slider's own step).
MAX_VALUES = 121


def spectral_radii(n_values=13):
    """``n_values`` evenly spaced slider values from 0.3 to 1.5, on the slider's 0.01 grid.

    The default 13 are 0.3, 0.4, …, 1.5; 121 is every value the slider offers
    there (few repeats: most moves are new work for the server).
    """
    if not 2 <= n_values <= MAX_VALUES:
        raise ValueError(f"n_values must be from 2 to {MAX_VALUES}, got {n_values}")
    return tuple(sorted({round(0.3 + 1.2 * i / (n_values - 1), 2) for i in range(n_values)}))


#: The slider values students pick from by default: 0.3, 0.4, …, 1.5.
SPECTRAL_RADII = spectral_radii()
#: "Number of neurons" a training student picks before each Train.
TRAIN_UNITS = (100, 200, 300, 400)
#: Pages a student may open, by URL path; each has the "Spectral radius" slider.
PAGES = ("reservoir", "dynamics")


@events.init_command_line_parser.add_listener
def _options(parser):
    parser.add_argument("--page", choices=PAGES, default="reservoir",
                        help="Page every student opens (default reservoir).")
    parser.add_argument("--train-fraction", type=float, default=0.0,
                        help="Fraction of students who also train the MNIST page (0-1).")
    parser.add_argument("--seed", type=int, default=0, help="Seed of the students' choices.")
    parser.add_argument("--slider-values", type=int, default=13,
                        help=f"Distinct spectral radii students pick from (2-{MAX_VALUES}).")


class Student(User):
    """One student: a page, a slider moved every 2.5-7.5 s, maybe MNIST training.

    Class attributes ``page``, ``train_fraction``, ``seed`` and
    ``slider_values`` are the defaults; Locust's command line (``--page`` …)
    overrides them.
    """

    wait_time = between(2.5, 7.5)
    page = "reservoir"
    train_fraction = 0.0
    seed = 0
    slider_values = len(SPECTRAL_RADII)
    _numbers = itertools.count()

    def on_start(self):
        options = self.environment.parsed_options
        for name in ("page", "train_fraction", "seed", "slider_values"):
            if options is not None and hasattr(options, name):
                setattr(self, name, getattr(options, name))
        if self.page not in PAGES:
            raise ValueError(f"page must be one of {PAGES}, got {self.page!r}")
        if not 0 <= self.train_fraction <= 1:
            raise ValueError(f"train_fraction must be in [0, 1], got {self.train_fraction}")
        self.radii = spectral_radii(self.slider_values)
        self.number = number = next(Student._numbers)
        self.rng = random.Random(self.seed * 100_003 + number)
        # students 0, 1, 2 … train when the running count of trainers steps up: an exact share
        self.trains = int((number + 1) * self.train_fraction) > int(number * self.train_fraction)
        self.tab = self.mnist_tab = None
        self.radius = None

    def on_stop(self):
        for client in (self.tab, self.mnist_tab):
            if client is not None:
                client.close()

    def _timed(self, name, action, check=None):
        """Run ``action()``, report it as one request named ``name``; return its Run or None."""
        start = time.perf_counter()
        try:
            run = action()
            problem = check(run) if check else None
            if problem is None and run.status != "FINISHED_SUCCESSFULLY":
                problem = f"the script ended with {run.status}"
            if problem is None and run.errors():
                problem = f"the page shows an error: {run.errors()[0][:200]}"
        except Exception as err:  # noqa: BLE001 - any failure is one failed request, never a crash
            self.environment.events.request.fire(
                request_type="WS", name=name, response_time=1000 * (time.perf_counter() - start),
                response_length=0, exception=err, context={"student": self.number})
            return None
        self.environment.events.request.fire(
            request_type="WS", name=name, response_time=1000 * run.seconds,
            response_length=run.n_bytes, exception=AssertionError(problem) if problem else None,
            context={"student": self.number})
        return None if problem else run

    def _open(self):
        self.tab = StreamlitClient(self.host)
        run = self._timed(f"{self.page}: page load", lambda: self.tab.open(self.page))
        if run is None:
            self.tab.close()
            self.tab = None
        else:
            self.radius = run.slider(SLIDER)

    @task
    def move_slider(self):
        """Move "Spectral radius" to another value; open the page first if needed."""
        if self.tab is None:
            self._open()
            return
        value = self.rng.choice([r for r in self.radii if r != self.radius])

        def echoed(run):
            if run.slider(SLIDER) != value:
                return f"the slider came back at {run.slider(SLIDER)}, not {value}"
            shown = run.metrics().get(SLIDER)
            if self.page == "reservoir" and shown != f"{value:.3g}":
                return f"the metric shows {shown}, not {value:.3g}"
            return None

        run = self._timed(f"{self.page}: slider move",
                          lambda: self.tab.set_slider(SLIDER, value), echoed)
        if run is None:                                # reopen on the next turn
            self.tab.close()
            self.tab = None
        else:
            self.radius = value
        if self.trains:
            self._train()

    def _train(self):
        if self.mnist_tab is None:
            self.mnist_tab = StreamlitClient(self.host)
            if self._timed("mnist: page load", lambda: self.mnist_tab.open("mnist")) is None:
                self.mnist_tab.close()
                self.mnist_tab = None
                return
        n_units = self.rng.choice(TRAIN_UNITS)
        ready = self._timed("mnist: neurons", lambda: self.mnist_tab.set_slider(
            "Number of neurons", n_units))
        trained = ready and self._timed(
            "mnist: train", lambda: self.mnist_tab.click("Train"),
            lambda run: None if "Test accuracy" in run.metrics() else "no Test accuracy shown")
        if not trained:
            self.mnist_tab.close()
            self.mnist_tab = None
