"""The server-wide job gate for the pages: one :class:`~.job_queue.JobGate` per process.

Every session of a Streamlit server runs in one process.  Without a gate,
every student's training, ladder, curve, sweep and import ran at once, each
as if alone.  :class:`JobGate` admits a heavy job only while

* a **slot** is free: as many slots as the server has cores
  (``os.cpu_count()``, or ``LNN_LAB_JOB_SLOTS``), and
* its declared **memory** fits: the admitted jobs' estimates plus the bytes
  held by cached parsed uploads (the ledger: :meth:`JobGate.hold`) stay
  within the budget (:func:`lnn_core.guard.budget_from_env`,
  ``LNN_LAB_MEMORY_BUDGET_MB``, default 2 GiB),

strictly first come, first served: a job that does not fit waits, and so does
everyone behind it (no overtaking, so a large job is never starved).  One
session holds at most one ticket; a second is refused with a sentence.

Pages use :func:`gated` around a cached function whose body starts with
:func:`granted_slots`, or :func:`job_slot` around uncached work.  The gate
sits *inside* the cache: a cache hit never runs the body, so it never
waits in line, and identical jobs are computed once (Streamlit holds one lock
per cache key while the first session computes it; the others wait on that
lock without taking a slot).  The waiting student sees their place in line
and an estimate, updated twice a second, and a Cancel button; any rerun
(Cancel, another widget, a closed tab) interrupts the wait, and the ticket
is dropped in a ``finally``.
"""

import functools
import os
import threading
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import fields, is_dataclass

import numpy as np
import pandas as pd
import streamlit as st

from lnn_core.guard import budget_from_env

from .job_queue import _SESSION_KEY, SLOTS_ENV, JobGate, JobRefused  # noqa: F401  (JobRefused: for callers)

# ---------------------------------------------------------------------- the server's gate
_gate = None
_gate_lock = threading.Lock()


def job_gate():
    """The process-wide :class:`JobGate`, built on first use from the environment.

    Slots: ``LNN_LAB_JOB_SLOTS`` if set, else ``os.cpu_count()``; budget:
    :func:`lnn_core.guard.budget_from_env`.
    """
    global _gate
    with _gate_lock:
        if _gate is None:
            text = os.environ.get(SLOTS_ENV, "").strip()
            if text and not (text.isdigit() and int(text) >= 1):
                raise ValueError(f"{SLOTS_ENV} must be a whole number of slots >= 1, got {text!r}")
            _gate = JobGate(int(text) if text else os.cpu_count() or 1, budget_from_env())
        return _gate


def nbytes_of(value):
    """Bytes of the arrays, tables and bytes inside ``value`` (dataclasses, tuples, lists, dicts)."""
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return int(np.sum(value.memory_usage(deep=True)))
    if isinstance(value, (bytes, bytearray, str)):
        return len(value)
    if is_dataclass(value):
        return sum(nbytes_of(getattr(value, f.name)) for f in fields(value))
    if isinstance(value, dict):
        return sum(nbytes_of(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(nbytes_of(v) for v in value)
    return 0


def counted_cache(**cache_options):
    """``st.cache_resource`` whose entries count toward the gate's memory budget while cached.

    The result's bytes (:func:`nbytes_of`) are held in the ledger from when
    it is computed until Streamlit drops the entry (``ttl``, ``max_entries``,
    ``clear``).

    >>> @counted_cache(max_entries=4, ttl="1h")
    ... def parse_upload(sha256, _raw): ...
    """
    def release(value):
        job_gate().release_held(id(value))

    def decorate(func):
        @functools.wraps(func)
        def counted(*args, **kwargs):
            value = func(*args, **kwargs)
            job_gate().hold(id(value), nbytes_of(value))
            return value
        return st.cache_resource(on_release=release, **cache_options)(counted)
    return decorate


# ---------------------------------------------------------------------- pages' API
_granted = ContextVar("granted_slots", default=0)


class _NoSlot(Exception):
    """A gated cached function was called on a cache miss without a slot."""


def granted_slots():
    """First line of a gated cached function's body: the slots granted to this job.

    Raises an exception the surrounding :func:`gated` catches to take a place
    in line first (nothing is cached, so the function runs again once admitted).
    """
    slots = _granted.get()
    if not slots:
        raise _NoSlot("a gated function must be called through pages._ui.gate.gated()")
    return slots


def _session_owner():
    return st.session_state.setdefault(_SESSION_KEY, uuid.uuid4().hex)


def _ordinal(n):
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@contextmanager
def job_slot(label, nbytes, slots=1):
    """Wait in line (showing the place and a Cancel button), then run the block; yield the slots.

    A click on Cancel (or any widget, or a closed tab) makes Streamlit stop
    the script run at the next update of the message, which releases the
    ticket (:meth:`JobGate.admitted`).

    Parameters
    ----------
    label : str
        What kind of job runs, in words ("training", "sweep"): named in
        sentences, and the key of its typical duration.
    nbytes : int
        Its estimated peak memory.
    slots : int, default 1
        Worker threads it can use; it gets between 1 and this many.

    Raises
    ------
    JobRefused
        Shown by :func:`pages._ui.errors.guarded` as a sentence.
    """
    shown = {}

    def show(place, seconds):
        if not shown:                                   # first time: the message and Cancel
            shown["area"] = st.empty()
            area = shown["area"].container()
            shown["message"] = area.empty()
            area.button("Cancel", key=f"gate_cancel_{uuid.uuid4().hex}",
                        icon=":material/close:", help="Leave the line; nothing runs.")
        shown["message"].info(f"Waiting for a free slot: {_ordinal(place)} in line, about "
                              f"{max(round(seconds), 1)} s.", icon=":material/hourglass_top:")

    with job_gate().admitted(_session_owner(), label, nbytes, slots, on_wait=show) as granted:
        if shown:
            shown["area"].empty()
        token = _granted.set(granted)
        try:
            yield granted
        finally:
            _granted.reset(token)


def gated(func, *args, label, nbytes, slots=1, **kwargs):
    """Call a cached function, waiting in line for a slot only if its result is not cached.

    ``func``'s body must start with ``granted_slots()``.  A cache hit returns
    at once; on a miss the body stops before doing anything, this takes a
    place in line (:func:`job_slot`), and calls ``func`` again once admitted.
    If another session finished the same job meanwhile, that call is a cache
    hit and the slot is given back at once; if it is still computing it, the
    call waits for it on Streamlit's per-key lock (holding the slot, a rare case).

    Parameters
    ----------
    func : cached callable
    *args, **kwargs
        Its arguments.
    label, nbytes, slots
        As in :func:`job_slot`.
    """
    try:
        return func(*args, **kwargs)
    except _NoSlot:
        pass
    with job_slot(label, nbytes, slots):
        return func(*args, **kwargs)
