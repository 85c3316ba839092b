"""Group commit for answers: many clicks share one transaction, none is acknowledged unsaved."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from bot.storage.records import AnswerRow
from bot.storage.repository import Repository

log = logging.getLogger(__name__)


class AnswerWriter:
    """Queue answers, write them in batches, resolve each caller once its batch committed.

    A failed batch stays queued and is retried with backoff, so a database outage
    delays answers but never drops them.
    """

    def __init__(
        self,
        repo: Repository,
        *,
        max_batch: int = 500,
        first_retry: float = 0.1,
        max_retry: float = 5.0,
    ) -> None:
        self._repo = repo
        self._max_batch = max_batch
        self._first_retry = first_retry
        self._max_retry = max_retry
        self._pending: list[tuple[AnswerRow, asyncio.Future[None]]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self.failures = 0
        self.last_error: str | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="answer-writer")

    @property
    def backlog(self) -> int:
        return len(self._pending)

    def submit(self, rows: Sequence[AnswerRow]) -> asyncio.Future[None]:
        """Queue rows; the future resolves when the last of them is committed."""
        self.start()
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        if not rows:
            done.set_result(None)
            return done
        for row in rows[:-1]:
            self._pending.append((row, loop.create_future()))
        self._pending.append((rows[-1], done))
        self._wake.set()
        return done

    async def write(self, rows: Sequence[AnswerRow]) -> None:
        """Queue rows and wait until they are durable."""
        await asyncio.shield(self.submit(rows))

    async def flush(self) -> None:
        """Wait until everything queued so far is committed."""
        if self._pending:
            await asyncio.shield(self._pending[-1][1])

    async def _run(self) -> None:
        delay = self._first_retry
        while True:
            if not self._pending:
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            # let every click that arrived in this loop iteration join the batch
            await asyncio.sleep(0)
            batch = self._pending[: self._max_batch]
            try:
                await self._repo.record_answers([row for row, _ in batch])
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
            del self._pending[: len(batch)]
            for _, future in batch:
                if not future.done():
                    future.set_result(None)

    async def close(self, grace: float = 10.0) -> None:
        """Drain the queue, then stop; what cannot be saved in time is logged, not hidden."""
        self._closing = True
        self._wake.set()
        if self._task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._task), grace)
        except TimeoutError:
            log.error(
                "%d answers could not be saved before shutdown: %s",
                len(self._pending),
                self.last_error,
            )
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
