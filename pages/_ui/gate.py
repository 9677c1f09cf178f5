"""The server-wide job gate: heavy jobs take turns, in arrival order, within cores and memory.

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

import collections
import functools
import itertools
import os
import statistics
import threading
import time
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, fields, is_dataclass

import numpy as np
import pandas as pd
import streamlit as st

from lnn_core.guard import ResourceError, budget_from_env, check_budget, format_bytes

#: Environment variable overriding the number of job slots (default: the server's cores).
SLOTS_ENV = "LNN_LAB_JOB_SLOTS"
#: Seconds between two updates of the waiting message.
POLL_SECONDS = 0.5
#: Assumed duration of a kind of job never seen finishing.
DEFAULT_SECONDS = 10.0
_SESSION_KEY = "_gate_session"


class JobRefused(ResourceError):
    """The gate will not take this job (too large, or the session already has one)."""


@dataclass(eq=False)
class Ticket:
    """One job's place at the gate.

    Attributes
    ----------
    owner : str
        The session that asked.
    label : str
        What the job is, in words ("training"); also keys the typical durations.
    nbytes : int
        Declared peak memory.
    slots : int
        Most slots (worker threads) the job can use; it is granted between 1 and this.
    granted : int
        Slots granted (0 while waiting).
    refused : str or None
        Why the gate dropped the job from the line, as a sentence.
    """

    owner: str
    label: str
    nbytes: int
    slots: int = 1
    granted: int = 0
    refused: str | None = None
    started: float | None = field(default=None, repr=False)


class JobGate:
    """Admit jobs first come, first served, within ``slots`` and ``budget`` bytes.

    Thread-safe; pure Python (no Streamlit), so it can be tested with threads.

    Parameters
    ----------
    slots : int >= 1
        Jobs (worker threads) that may run at once.
    budget : int > 0
        Bytes the admitted jobs' estimates plus the held bytes may add up to.

    Examples
    --------
    >>> gate = JobGate(slots=2, budget=2**30)
    >>> ticket = gate.enqueue("session-a", "training", 2**20)
    >>> gate.wait(ticket, timeout=1.0), ticket.granted
    (True, 1)
    >>> gate.release(ticket)
    """

    def __init__(self, slots, budget):
        if int(slots) < 1:
            raise ValueError(f"slots must be at least 1, got {slots}")
        if not budget > 0:
            raise ValueError(f"budget must be a positive number of bytes, got {budget}")
        self.slots, self.budget = int(slots), int(budget)
        self._cond = threading.Condition()
        self._waiting = collections.deque()
        self._running = []
        self._held = {}
        self._durations = collections.defaultdict(lambda: collections.deque(maxlen=5))

    # ------------------------------------------------------------------ the line
    def enqueue(self, owner, label, nbytes, slots=1):
        """Join the end of the line; admitted at once if the line is empty and the job fits.

        Raises
        ------
        JobRefused
            ``owner`` already holds a ticket, or ``nbytes`` alone exceeds the budget.
        """
        check_budget(nbytes, self.budget, what=label)
        ticket = Ticket(str(owner), str(label), int(nbytes), max(1, min(int(slots), self.slots)))
        with self._cond:
            mine = next((t for t in itertools.chain(self._running, self._waiting)
                         if t.owner == ticket.owner), None)
            if mine is not None:
                raise JobRefused(f"You already have a job at the server ({mine.label}); wait "
                                 "for it to finish or cancel it, then start this one.")
            self._waiting.append(ticket)
            self._admit()
        return ticket

    def wait(self, ticket, timeout):
        """Block until ``ticket`` is admitted or refused, at most ``timeout`` seconds.

        Returns
        -------
        bool
            Whether it runs now.

        Raises
        ------
        JobRefused
            The gate dropped it (its memory cannot fit while nothing else runs).
        """
        with self._cond:
            self._cond.wait_for(lambda: ticket.granted or ticket.refused, timeout)
            if ticket.refused:
                raise JobRefused(ticket.refused)
            return bool(ticket.granted)

    @contextmanager
    def admitted(self, owner, label, nbytes, slots=1, on_wait=None, poll=POLL_SECONDS):
        """Wait in line, run the block, and always leave: ``with gate.admitted(...) as granted``.

        Parameters
        ----------
        owner, label, nbytes, slots
            As in :meth:`enqueue`.
        on_wait : callable ``(place, seconds)``, optional
            Called every ``poll`` seconds while waiting, with the place in line
            (1 = next) and :meth:`eta`.  An exception it raises (Streamlit's
            rerun or stop) ends the wait; the ticket is released either way.
        poll : float > 0, default :data:`POLL_SECONDS`

        Yields
        ------
        int
            Slots granted, between 1 and ``slots``.
        """
        ticket = self.enqueue(owner, label, nbytes, slots)
        try:
            admitted = self.wait(ticket, 0)
            while not admitted:
                if on_wait is not None:
                    on_wait(self.place(ticket), self.eta(ticket))
                admitted = self.wait(ticket, poll)
            yield ticket.granted
        finally:
            self.release(ticket)

    def release(self, ticket):
        """Leave the line or free the slots; harmless if already released."""
        with self._cond:
            if ticket in self._running:
                self._running.remove(ticket)
                self._durations[ticket.label].append(time.monotonic() - ticket.started)
            elif ticket in self._waiting:
                self._waiting.remove(ticket)
            self._admit()

    def place(self, ticket):
        """1 for the first waiting ticket, 2 for the next...; 0 once admitted or gone."""
        with self._cond:
            return self._waiting.index(ticket) + 1 if ticket in self._waiting else 0

    def status(self):
        """``(running, waiting)`` counts, e.g. for a caption."""
        with self._cond:
            return len(self._running), len(self._waiting)

    def eta(self, ticket):
        """Seconds until ``ticket`` probably starts, from the typical durations of the jobs.

        Each job is assumed to take its label's median of the last five runs
        (:data:`DEFAULT_SECONDS` if none finished yet); a running job past that
        is assumed to be half done.  The jobs ahead then take the earliest free
        slots.
        """
        with self._cond:
            now = time.monotonic()
            free_at = [now + self._remaining(t, now) for t in self._running
                       for _ in range(t.granted)]
            free_at += [now] * (self.slots - len(free_at))
            for ahead in self._waiting:
                if ahead is ticket:
                    break
                free_at.sort()
                start = free_at[0]
                for i in range(min(ahead.slots, len(free_at))):
                    free_at[i] = start + self._typical(ahead.label)
            return max(min(free_at) - now, 0.0)

    def _remaining(self, ticket, now):
        elapsed, typical = now - ticket.started, self._typical(ticket.label)
        return max(typical - elapsed if elapsed < typical else elapsed / 2, 1.0)

    def _typical(self, label):
        seen = self._durations.get(label)
        return statistics.median(seen) if seen else DEFAULT_SECONDS

    def _admit(self):
        """Admit from the head of the line while slots and memory allow (lock held)."""
        while self._waiting:
            head = self._waiting[0]
            free = self.slots - sum(t.granted for t in self._running)
            used = sum(t.nbytes for t in self._running) + sum(self._held.values())
            if free < 1:
                break
            if used + head.nbytes > self.budget:
                if self._running:
                    break                                  # wait for a job to free memory
                head.refused = (
                    f"{head.label[:1].upper()}{head.label[1:]} needs about "
                    f"{format_bytes(head.nbytes)} of memory, but cached uploads hold "
                    f"{format_bytes(used)} of the server's {format_bytes(self.budget)}; "
                    "try smaller settings, or again in a few minutes.")
                self._waiting.popleft()
                continue
            head.granted, head.started = min(head.slots, free), time.monotonic()
            self._running.append(self._waiting.popleft())
        self._cond.notify_all()

    # ------------------------------------------------------------------ the ledger
    def hold(self, key, nbytes):
        """Count ``nbytes`` held by a cached result (e.g. a parsed upload) against the budget."""
        with self._cond:
            self._held[key] = int(nbytes)

    def release_held(self, key):
        """Stop counting what :meth:`hold` counted under ``key`` (unknown keys are ignored)."""
        with self._cond:
            self._held.pop(key, None)
            self._admit()

    def held_bytes(self):
        """Bytes currently held by cached results."""
        with self._cond:
            return sum(self._held.values())


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
