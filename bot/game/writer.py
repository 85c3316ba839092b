"""Group commit for answers: many clicks share one transaction, none is acknowledged unsaved."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections import deque
from collections.abc import Sequence

from bot.storage.records import AnswerRow
from bot.storage.repository import Repository

log = logging.getLogger(__name__)

# In a burst, a batch waits for company: until LINGER_ROWS rows are queued or its oldest row
# is LINGER_S old. A commit's fixed cost (a thread hop, BEGIN/COMMIT, with synchronous=FULL
# an fsync) was 100-130 us of CPU and each row's 35-45 us (bench B1, 1,000 clicks a second:
# 3 rows a commit at a fixed 3 ms wait, 7 at 8 ms); at 3,000 a second the rows come in 3 ms.
LINGER_S = 0.008
LINGER_ROWS = 8
BURST_GAP_S = 0.005  # a commit this soon after the previous one is part of a burst
# Rows queued at most before new answers are refused (docs/operations.md): a queued click
# holds about 640 bytes (its row, names and future), so 32 MB; at 1,000 clicks a second it
# is 50 s of a database outage.
MAX_BACKLOG = 50_000


class SaveLate(Exception):
    """Set on a caller's future when its rows are still unsaved after the ack deadline.

    The rows stay queued and are still saved; only the wait is over.
    """


class AnswerWriter:
    """Queue answers, write them in batches, resolve each caller once its batch committed.

    A failed batch stays queued and is retried with backoff, so a database outage
    delays answers but never drops them. A caller still waiting `ack_deadline` seconds
    after it submitted gets SaveLate instead, checked by one timer for the whole queue:
    a burst of clicks must not cost a timer, a shield and their garbage per click. Each
    tick looks only at the submits that came due since the last one, never at the whole
    backlog. Past `max_backlog` queued rows, `full` tells front-ends to refuse new answers.
    """

    def __init__(
        self,
        repo: Repository,
        *,
        max_batch: int = 500,
        first_retry: float = 0.1,
        max_retry: float = 5.0,
        ack_deadline: float = 2.0,  # Discord waits 3 s for the reply; leave time to send it
        max_backlog: int = MAX_BACKLOG,
    ) -> None:
        self._repo = repo
        self._max_batch = max_batch
        self._enough = min(LINGER_ROWS, max_batch)  # rows that end a lingering batch's wait
        self._first_retry = first_retry
        self._max_retry = max_retry
        self._ack_deadline = ack_deadline
        self._max_backlog = max_backlog
        # (row, the future of the submit it ends, or None, when it was submitted)
        self._pending: list[tuple[AnswerRow, asyncio.Future[None] | None, float]] = []
        # every submit's future, oldest first, until it has committed or its ack deadline passed
        self._due: deque[tuple[float, asyncio.Future[None]]] = deque()
        self.expiry_visits = 0  # submits the ack timer has looked at, ever (a cost, for tests)
        self._queued = 0  # rows ever queued, and of those committed (in queue order)
        self._saved = 0
        self._flushers: list[tuple[int, asyncio.Future[None]]] = []  # (rows to wait for, waiter)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._late_timer: asyncio.Handle | None = None
        self._closing = False
        self._last_commit = -1.0
        self._company: asyncio.Future[None] | None = None  # a lingering batch waits on it
        self.failures = 0
        self.last_error: str | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="answer-writer")

    @property
    def backlog(self) -> int:
        return len(self._pending)

    @property
    def full(self) -> bool:
        """Whether a new answer must be refused: the database is that far behind."""
        return len(self._pending) >= self._max_backlog

    def submit(self, rows: Sequence[AnswerRow]) -> asyncio.Future[None]:
        """Queue rows; the future resolves when the last of them is committed.

        It fails with SaveLate if that takes longer than the ack deadline; nothing is lost.
        """
        self.start()
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        if not rows:
            done.set_result(None)
            return done
        now = loop.time()
        self._pending.extend((row, None, now) for row in rows[:-1])
        self._pending.append((rows[-1], done, now))
        self._due.append((now, done))
        self._queued += len(rows)
        self._wake.set()
        if self._company is not None and len(self._pending) >= self._enough:
            _arrived(self._company)
        if self._late_timer is None:
            self._late_timer = loop.call_later(self._ack_deadline / 20, self._expire)
        return done

    def _expire(self) -> None:
        """Tell callers whose rows are past the ack deadline; re-arm while any may come due.

        Each submit is looked at once: when it has committed or its deadline has passed,
        oldest first. A tick costs what came due since the last, whatever the backlog.
        """
        self._late_timer = None
        loop = asyncio.get_running_loop()
        cutoff = loop.time() - self._ack_deadline
        due = self._due
        # submitted in order: past the first young one still waiting, all are younger
        while due and (due[0][0] <= cutoff or due[0][1].done()):
            _, future = due.popleft()
            self.expiry_visits += 1
            if not future.done():
                future.set_exception(SaveLate())
                future.exception()  # retrieved here: a caller that gave up must not warn
        if due:
            self._late_timer = loop.call_later(self._ack_deadline / 20, self._expire)

    async def write(self, rows: Sequence[AnswerRow]) -> None:
        """Queue rows and wait until they are durable, however long that takes."""
        self.submit(rows)
        await self.flush()

    async def flush(self) -> None:
        """Wait until everything queued so far is committed."""
        if self._saved < self._queued:
            waiter = asyncio.get_running_loop().create_future()
            self._flushers.append((self._queued, waiter))
            await waiter

    async def _run(self) -> None:
        delay = self._first_retry
        while True:
            if not self._pending:
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            await self._linger()
            batch = self._pending[: self._max_batch]
            end = self._saved + len(batch)
            try:
                await self._repo.record_answers(
                    [row for row, _, _ in batch], functools.partial(self._committed, end)
                )
            except Exception as exc:  # retried: an outage must not lose answers
                self.failures += 1
                self.last_error = str(exc)
                log.warning(
                    "saving %d answers failed (%s); retrying in %.1fs", len(batch), exc, delay
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._max_retry)
                continue
            delay = self._first_retry
            self.last_error = None
            self._committed(end)

    def _committed(self, end: int) -> None:
        """The queue is committed up to row `end` (counted from the first ever queued).

        Called by the repository the moment it knows, and again once its call returns:
        the second is a no-op. Each hop between the commit and a click's reply is a loop
        iteration, and under load an iteration waits for other clicks' work (bench B1).
        """
        count = end - self._saved
        if count <= 0:
            return
        batch = self._pending[:count]
        del self._pending[:count]
        self._saved = end
        self._last_commit = asyncio.get_running_loop().time()
        for _, future, _ in batch:
            if future is not None and not future.done():
                future.set_result(None)
        if self._flushers:
            waiting = []
            for target, waiter in self._flushers:
                if target > self._saved:
                    waiting.append((target, waiter))
                elif not waiter.done():
                    waiter.set_result(None)
            self._flushers = waiting

    async def _linger(self) -> None:
        """In a burst, let a young batch wait for company; a lone click commits at once."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        deadline = self._pending[0][2] + LINGER_S
        if (
            now >= deadline
            or now - self._last_commit >= BURST_GAP_S
            or len(self._pending) >= self._enough
            or self._closing
        ):
            return
        company = self._company = loop.create_future()
        timer = loop.call_at(deadline, _arrived, company)
        try:
            await company
        finally:
            timer.cancel()
            self._company = None

    async def close(self, grace: float = 10.0) -> list[AnswerRow]:
        """Drain the queue, then stop; returns what could not be saved within `grace`.

        The caller keeps those rows (the service writes them to its recovery file): a
        player was told each of them is kept and will be saved.
        """
        self._closing = True
        self._wake.set()
        if self._late_timer is not None:
            self._late_timer.cancel()
            self._late_timer = None
        self._due.clear()
        if self._task is None:
            return []
        try:
            await asyncio.wait_for(asyncio.shield(self._task), max(grace, 0.0))
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            log.error(
                "%d answers could not be saved before shutdown (%s); they go to the recovery file",
                len(self._pending),
                self.last_error,
            )
        left = [row for row, _, _ in self._pending]
        self._pending.clear()
        return left


def _arrived(company: asyncio.Future[None]) -> None:
    if not company.done():
        company.set_result(None)
