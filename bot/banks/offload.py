"""Checking an uploaded file in a child process, with a deadline, off the bot's event loop.

Parsing and validating a 5 MB file is seconds of pure Python; on the event loop that froze
every server's clicks. A child process runs it on another core, can be killed when it
overruns, and gives its memory back when it exits. What comes back is compact: the valid
questions as compressed JSON, the problems as text.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import multiprocessing
import multiprocessing.context
import resource
import zlib
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from bot.banks.importers import ImportError_, import_questions
from bot.engine.validation import question_data

CHECK_SECONDS = 30.0  # the worst file the limits allow takes about 2 s on one core
CHILD_MEMORY = 2 * 1024**3  # address space of the child; a hostile file fails, not the host
MAX_PROBLEMS = 50  # problem lines sent back; the count is always exact
MAX_WAITING = 20  # checks queued behind the one running; more are refused as "busy"

log = logging.getLogger(__name__)


@functools.cache
def _context() -> multiprocessing.context.ForkServerContext:
    """A fork server started on first use: each check forks from a small process that has
    the importers loaded, not from the bot (its threads, connections and memory)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["bot.banks.importers", "bot.engine.validation"])
    return context


class CheckFailed(Exception):
    """The file could not be checked: its text says why, for the admin who sent it."""


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """A dry run's result, small enough to keep until the admin confirms."""

    format: str
    entries: int
    question_ids: tuple[str, ...]
    problems: tuple[str, ...]
    problem_count: int
    rows: bytes  # zlib-compressed JSON: [[question id, question JSON], ...]

    def items(self) -> list[tuple[str, str]]:
        """The valid questions as (id, JSON data) rows, ready to store."""
        return [(qid, data) for qid, data in json.loads(zlib.decompress(self.rows))]


def check_file(data: bytes, *, bank_id: str, filename: str) -> CheckedFile:
    """The dry run itself; runs in the child, or inline in tests and tools."""
    report = import_questions(data, None, bank_id=bank_id, filename=filename)
    items = [(q.id, json.dumps(question_data(q))) for q in report.questions]
    return CheckedFile(
        format=report.format,
        entries=report.entries,
        question_ids=tuple(qid for qid, _ in items),
        problems=tuple(str(p) for p in report.problems[:MAX_PROBLEMS]),
        problem_count=len(report.problems),
        rows=zlib.compress(json.dumps(items).encode(), 6),
    )


def _child(conn: Connection, data: bytes, bank_id: str, filename: str) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))
    try:
        outcome: tuple[str, Any] = ("ok", check_file(data, bank_id=bank_id, filename=filename))
    except ImportError_ as exc:
        outcome = ("refused", str(exc))
    except MemoryError:
        outcome = ("refused", "checking the file needed too much memory; split it")
    conn.send(outcome)
    conn.close()


def _run(data: bytes, bank_id: str, filename: str, timeout: float) -> CheckedFile:
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    proc = context.Process(
        target=_child, args=(sender, data, bank_id, filename), name="trivia-import-check"
    )
    proc.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise CheckFailed(
                f"checking the file took longer than {timeout:g} s; split it into smaller files"
            )
        status, value = receiver.recv()
    except EOFError:
        proc.join()
        log.error("the import check of %s stopped with exit code %s", filename, proc.exitcode)
        raise CheckFailed("the file checker stopped unexpectedly; it has been logged") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        receiver.close()
    if status != "ok":
        raise CheckFailed(value)
    assert isinstance(value, CheckedFile)
    return value


class Checker:
    """One check at a time (the bot keeps the other core); a few more may wait their turn."""

    def __init__(self, timeout: float = CHECK_SECONDS) -> None:
        self.timeout = timeout
        self._turn = asyncio.Semaphore(1)
        self._waiting = 0

    async def check(self, data: bytes, *, bank_id: str, filename: str) -> CheckedFile:
        if self._waiting >= MAX_WAITING:
            raise CheckFailed("the bot is checking many files right now; try again in a minute")
        self._waiting += 1
        try:
            await self._turn.acquire()
        finally:
            self._waiting -= 1
        try:
            return await asyncio.to_thread(_run, data, bank_id, filename, self.timeout)
        finally:
            self._turn.release()
