"""Checking an uploaded file (or drafting from it) in a child process, with a deadline.

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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bot.banks.draft.article import ArticleError, article_from_bytes
from bot.banks.draft.build import draft_article
from bot.banks.draft.command import _from_banks, dump
from bot.banks.importers import ImportError_, import_questions
from bot.banks.verify import normalise
from bot.engine.validation import question_data

CHECK_SECONDS = 30.0  # the worst import file the limits allow takes about 2 s on one core
CHILD_MEMORY = 2 * 1024**3  # address space of the child; a hostile file fails, not the host
MAX_PROBLEMS = 50  # problem lines sent back; the count is always exact
MAX_WAITING = 20  # checks queued behind the one running; more are refused as "busy"

log = logging.getLogger(__name__)


@functools.cache
def _context() -> multiprocessing.context.ForkServerContext:
    """A fork server started on first use: each check forks from a small process that has
    the importers loaded, not from the bot (its threads, connections and memory)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(
        ["bot.banks.importers", "bot.engine.validation", "bot.banks.draft.build"]
    )
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


@dataclass(frozen=True, slots=True)
class DraftOptions:
    """What the admin says about an article, over what its text says."""

    bank_id: str
    source_id: str | None = None
    title: str | None = None
    published: date | None = None


@dataclass(frozen=True, slots=True)
class DraftedFile:
    """An article's drafts, with what the review needs to check an admin's edits."""

    title: str
    questions: tuple[dict[str, Any], ...]
    yaml: str  # the draft bank as a file, for editing offline and re-importing
    folded_article: str  # the article as `banks verify` compares evidence with it


def draft_file(
    data: bytes, *, filename: str, options: DraftOptions, banks_dir: Path
) -> DraftedFile:
    """Drafting itself; runs in the child, or inline in tests and tools."""
    article = article_from_bytes(
        data,
        filename,
        source_id=options.source_id,
        title=options.title,
        published=options.published,
    )
    people, titles = _from_banks(banks_dir)
    result = draft_article(
        article, bank_id=options.bank_id, other_people=people, other_titles=titles
    )
    return DraftedFile(
        article.title, tuple(result.questions), dump(result.bank), normalise(article.text)
    )


def _child(conn: Connection, job: Callable[..., Any], args: tuple[Any, ...]) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))
    try:
        outcome: tuple[str, Any] = ("ok", job(*args))
    except (ImportError_, ArticleError) as exc:
        outcome = ("refused", str(exc))
    except MemoryError:
        outcome = ("refused", "the file needed too much memory; split it")
    conn.send(outcome)
    conn.close()


def _check(data: bytes, filename: str, bank_id: str) -> CheckedFile:
    return check_file(data, bank_id=bank_id, filename=filename)


def _draft(data: bytes, filename: str, options: DraftOptions, banks_dir: Path) -> DraftedFile:
    return draft_file(data, filename=filename, options=options, banks_dir=banks_dir)


_ADVICE = {"checking": "split it into smaller files", "drafting": "send a shorter article"}


def _run(job: Callable[..., Any], args: tuple[Any, ...], timeout: float, what: str) -> Any:
    """`job(*args)` in a child process; `what` names the work in the admin's messages."""
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    proc = context.Process(target=_child, args=(sender, job, args), name=f"trivia-{what}")
    proc.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise CheckFailed(f"{what} the file took longer than {timeout:g} s; {_ADVICE[what]}")
        status, value = receiver.recv()
    except EOFError:
        proc.join()
        log.error("%s of %s stopped with exit code %s", what, args[1], proc.exitcode)
        raise CheckFailed(f"{what} the file stopped unexpectedly; it has been logged") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        receiver.close()
    if status != "ok":
        raise CheckFailed(value)
    return value


class Checker:
    """One check at a time (the bot keeps the other core); a few more may wait their turn."""

    def __init__(self, timeout: float = CHECK_SECONDS) -> None:
        self.timeout = timeout
        self._turn = asyncio.Semaphore(1)
        self._waiting = 0

    async def check(self, data: bytes, *, bank_id: str, filename: str) -> CheckedFile:
        checked = await self._offload(_check, (data, filename, bank_id), "checking")
        assert isinstance(checked, CheckedFile)
        return checked

    async def draft(
        self, data: bytes, *, filename: str, options: DraftOptions, banks_dir: Path
    ) -> DraftedFile:
        """An uploaded article's drafts; refusals and overruns raise CheckFailed."""
        drafted = await self._offload(_draft, (data, filename, options, banks_dir), "drafting")
        assert isinstance(drafted, DraftedFile)
        return drafted

    async def _offload(self, job: Callable[..., Any], args: tuple[Any, ...], what: str) -> Any:
        if self._waiting >= MAX_WAITING:
            raise CheckFailed("the bot is checking many files right now; try again in a minute")
        self._waiting += 1
        try:
            await self._turn.acquire()
        finally:
            self._waiting -= 1
        try:
            return await asyncio.to_thread(_run, job, args, self.timeout, what)
        finally:
            self._turn.release()
