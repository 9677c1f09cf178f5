"""The line of heavy jobs: slots, a memory budget and first come, first served.

:class:`JobGate` is plain threading (no Streamlit); :mod:`.gate` gives the pages one per
process and the waiting message.  See :mod:`.gate` for the rules."""

import collections
import itertools
import statistics
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from lnn_core.guard import ResourceError, check_budget, format_bytes

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


