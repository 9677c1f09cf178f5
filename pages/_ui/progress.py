"""Progress bars for slow work, phase by phase, with the time left."""

import threading
import time

import streamlit as st

#: Phases of fitting and scoring a classifier (``lnn_core.lab.digit_experiments.fit_and_score``),
#: as the engine reports them: it counts the training sequences while it collects their
#: states, is silent while it solves the readout, then counts the training images it scores
#: and the test images.  Each entry: (counted phase, the silent work after it or None).
FIT_PHASES = (("Collecting reservoir states", "Solving the readout (one linear system, no count)"),
              ("Scoring the training images", None), ("Scoring the test images", None))


def _seconds(value):
    """``12.3`` -> ``"12 s"``, ``95`` -> ``"1 min 35 s"``."""
    value = round(value)
    return f"{value // 60} min {value % 60} s" if value >= 60 else f"{value} s"


def progress_callback(label, phases=None):
    """A progress bar for slow work run behind a button, through one or more phases.

    The engine reports ``progress(done, total)``.  The bar names the current
    phase, the count and, after the phase's first second, the time left at
    its rate so far.  A phase ends when its count reaches its total: the bar then
    names the silent work that follows, if any (solving the readout), until
    the next count begins (a new total, or a count that starts again).

    Parameters
    ----------
    label : str
        The work as a whole, e.g. ``"Training"``; the phases' names follow it.
    phases : sequence of (str, str or None), optional
        Each counted phase and the silent work after it (e.g. :data:`FIT_PHASES`);
        default one phase, ``label`` itself.

    Returns
    -------
    callback : callable ``(done, total)``
        Updates the bar; calls from other threads are ignored (Streamlit
        elements belong to the script thread).
    finish : callable ``()``
        Removes the bar.

    >>> callback, finish = progress_callback("Training", FIT_PHASES)
    >>> run = fit_and_score(..., progress=callback); finish()
    """
    names = [f"{label}: {name[0].lower()}{name[1:]}" for name, _ in phases] if phases else [label]
    after = [f"{label}: {silent[0].lower()}{silent[1:]}…" if silent else None
             for _, silent in phases] if phases else [None]
    bar = st.progress(0.0, text=names[0])
    owner = threading.get_ident()
    # "since": (count, time) the rate of the current phase is measured from
    state = {"phase": 0, "done": 0, "total": None, "since": (0, time.perf_counter()),
             "shown": None}

    def show(fraction, text):
        if (round(fraction, 2), text) != state["shown"]:
            state["shown"] = (round(fraction, 2), text)
            bar.progress(min(max(fraction, 0.0), 1.0), text=text)

    def callback(done, total):
        if threading.get_ident() != owner:
            return
        now = time.perf_counter()
        finished = state["total"] is not None and state["done"] >= state["total"]
        if state["total"] is not None and (finished or total != state["total"]
                                           or done < state["done"]):
            state["phase"] = min(state["phase"] + 1, len(names) - 1)    # the next count
            state["since"] = (done, now)
        state.update(done=done, total=total)
        phase = state["phase"]
        if done >= total and after[phase]:
            show(1.0, after[phase])
            return
        counted, elapsed = done - state["since"][0], now - state["since"][1]
        left = f", about {_seconds(elapsed / counted * (total - done))} left" \
            if counted > 0 and done < total and elapsed >= 1 else ""
        show(done / max(total, 1), f"{names[phase]}: {done:,} / {total:,}{left}")

    return callback, bar.empty
