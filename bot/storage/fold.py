"""Totals counted a moment after their answers' commit, by a task of the repository's own.

An answer's commit writes the answer and a row in `answers_to_count` (migration 0013), not
the eight totals tables and their rank indexes: those were three quarters of the pages a
50-answer commit wrote at 2M answers (bench B4). The repository then folds the queued rows
into the totals in a transaction of its own: once no commit has come for IDLE_S, at least
every MAX_LAG_S while commits come back to back (one fold then covers hundreds of commits
and writes each totals page once), and at once when a board or stats read asks. The fold
deletes the queue rows it counts in the same transaction, so a crash between the commit
and the fold loses nothing and never counts twice: the next start folds what is queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator

log = logging.getLogger(__name__)

# No answer commit for this long: the writer is between bursts, fold now. Longer than the
# answer writer's wait for company in a burst (LINGER_S, 8 ms), or a fold slips in between
# every two of a burst's commits; each costs the next commit a wait for the writer (about
# 9 ms for 50 answers at 2M answers, bench B4).
IDLE_S = 0.010
MAX_LAG_S = 1.0  # commits back to back: fold at least this often
RETRY_S = 0.5  # a failed fold (disk full, outage) is tried again this much later
QUEUE_SINCE = 13  # the migration that queues answers (older schemas only in tests)
QUEUED = "SELECT COUNT(*) FROM answers_to_count"


class Folder:
    """When the queued answers are counted; reads call `settle` to see their own writes.

    Counts answers this process committed (and, at open, those a crash left queued);
    `settle` waits for a fold covering every answer committed before it, starting one at
    once if none is due. A failed fold fails the reads waiting on it (the database is
    unavailable) and is retried later: the queue keeps its rows meanwhile.
    """

    def __init__(self, fold: Callable[[], Awaitable[int]]) -> None:
        self._fold = fold
        self._committed = 0  # answers queued, ever, by this process's count
        self._counted = 0  # of those, how many a finished fold covered
        self._oldest: float | None = None  # loop time of the oldest uncounted commit
        self._latest = 0.0  # loop time of the latest commit
        self._writing = 0  # answer commits in flight: the writer is not idle
        self._wake = asyncio.Event()  # a read, the close or the timer: look again at what is due
        self._timer: asyncio.Handle | None = None  # when to look again, at the latest
        self._timer_at = 0.0  # its time: uvloop's handle for a time past has no when()
        self._urgent = False  # a read or the close waits: fold now
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self.folds = 0
        self.last_error: str | None = None

    @property
    def uncounted(self) -> int:
        return self._committed - self._counted

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Around an answer commit: no fold for idleness while one is in flight."""
        self._writing += 1
        try:
            yield
        finally:
            self._writing -= 1
            if not self._writing and self._committed > self._counted:
                self._arm()  # idle from now: the fold may be due sooner

    def committed(self, count: int) -> None:
        """After a commit that queued `count` answers: a timer, not a wake-up of the task.

        Waking the fold task after every commit (a new wait_for, its timer and task) cost
        more than the commit's own Python at 1,000 clicks a second (bench B1, CPU per
        click); a commit only ever puts the due time later, except the first of a batch.
        """
        if count <= 0 or self._closing:
            return
        now = asyncio.get_running_loop().time()
        self._committed += count
        self._latest = now
        if self._oldest is None:
            self._oldest = now
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="fold-totals")
        if self._timer is None:
            self._arm()

    def _due_at(self) -> float:
        """When the queued answers are due: MAX_LAG_S after the oldest, or IDLE_S of quiet."""
        oldest = self._latest if self._oldest is None else self._oldest
        due = oldest + MAX_LAG_S
        if not self._writing:
            due = min(due, self._latest + IDLE_S)
        return due

    def _arm(self) -> None:
        """Wake the task at the due time, unless a timer already wakes it sooner."""
        due = self._due_at()
        if self._timer is not None:
            if self._timer_at <= due:
                return  # it finds the due time moved, and arms again
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_at(due, self._ring)
        self._timer_at = due

    def _ring(self) -> None:
        self._timer = None
        self._wake.set()

    async def settle(self) -> None:
        """Wait until every answer committed before this call is in the totals.

        Once closed, at once: a close whose fold failed left the rest to the next start.
        """
        if self._counted >= self._committed or self._task is None or self._task.done():
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append((self._committed, waiter))
        self._urgent = True
        self._wake.set()
        await waiter

    async def close(self) -> None:
        """Fold what is queued, then stop (a failure leaves it for the next start)."""
        self._closing = True
        self._urgent = True
        self._wake.set()
        if self._task is not None:
            await self._task
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if self._counted >= self._committed:
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            await self._due(loop)
            target = self._committed
            started = loop.time()
            self._urgent = False
            try:
                await self._fold()
            except Exception as exc:  # the queue keeps its rows: counted at a later fold
                self.last_error = str(exc)
                log.warning("counting answers in the totals failed (%s); retrying", exc)
                self._resolve(exc)
                if self._closing:
                    return
                await asyncio.sleep(RETRY_S)
                continue
            self.folds += 1
            self.last_error = None
            self._counted = target
            # commits that came during the fold came after it started: the lag bound holds
            self._oldest = None if target >= self._committed else started
            self._resolve(None)

    async def _due(self, loop: asyncio.AbstractEventLoop) -> None:
        """Until the writer is idle, the oldest commit is MAX_LAG_S old, or a read asks.

        Idle: no answer commit in flight and none for IDLE_S. Commits back to back are
        never idle, so hundreds of them share one fold.
        """
        while not self._urgent:
            if self._due_at() <= loop.time():
                return
            self._arm()
            self._wake.clear()
            await self._wake.wait()

    def _resolve(self, error: Exception | None) -> None:
        """Wake the reads this fold covered, or (failed) every read waiting."""
        waiting = []
        for target, waiter in self._waiters:
            if waiter.done():
                continue
            if error is not None:
                waiter.set_exception(error)
            elif target <= self._counted:
                waiter.set_result(None)
            else:
                waiting.append((target, waiter))
        self._waiters = waiting
