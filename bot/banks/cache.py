"""Parsed and validated banks kept between starts, keyed by file content and code version.

Parsing and validating 15,000 questions takes over a second (libyaml alone is a third of
the 0.25 s budget, bench B6); a bank file that has not changed since the last start, read
by the same code, gives the same report, so it is read back from here instead. An entry
is named by a hash of the code version, the file's path and its bytes: an edited file,
another path or a new release simply misses, and a damaged entry is ignored and
rewritten. Entries are plain data in `marshal` format (no code runs on reading them),
written to a temporary file and renamed, so a crash never leaves half an entry.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import marshal
import os
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any

from bot.engine.models import Bank, Difficulty, Mode, Question, Source
from bot.engine.validation import BankReport, Problem

log = logging.getLogger(__name__)

FORMAT = 1
SUFFIX = ".bank"
_QUESTION_FIELDS = tuple(f.name for f in fields(Question))
_SOURCE_FIELDS = tuple(f.name for f in fields(Source))
_PROBLEM_FIELDS = tuple(f.name for f in fields(Problem))


@functools.cache
def code_version() -> str:
    """A hash of the code that turns bank bytes into a report, and of the Python reading it."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version} {marshal.version}".encode())
    package = Path(__file__).resolve().parents[1]
    for folder in ("engine", "banks"):
        for path in sorted((package / folder).glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


_BANK_FIELDS = tuple(f.name for f in fields(Bank))
_DIFFICULTY = _QUESTION_FIELDS.index("difficulty")
_MODES = _QUESTION_FIELDS.index("modes")
_DIFFICULTIES = {d.value: d for d in Difficulty}  # a dict lookup, not Enum.__call__
_SOURCES = _BANK_FIELDS.index("sources")
_QUESTIONS = _BANK_FIELDS.index("questions")


def _question(q: Question) -> tuple[Any, ...]:
    values = [getattr(q, name) for name in _QUESTION_FIELDS]
    values[_DIFFICULTY] = q.difficulty.value
    values[_MODES] = frozenset(m.value for m in q.modes)
    return tuple(values)


def _from_question(values: list[Any], modes: dict[frozenset[str], frozenset[Mode]]) -> Question:
    values[_DIFFICULTY] = _DIFFICULTIES[values[_DIFFICULTY]]
    key = values[_MODES]
    found = modes.get(key)
    if found is None:
        found = modes[key] = frozenset(Mode(m) for m in key)
    values[_MODES] = found
    return Question(*values)


def encode(report: BankReport) -> bytes:
    """The report as marshal bytes of plain tuples; raises ValueError for what it cannot hold."""
    bank = report.bank
    plain_bank = None
    if bank is not None:
        values = [getattr(bank, name) for name in _BANK_FIELDS]
        values[_SOURCES] = tuple(tuple(getattr(s, n) for n in _SOURCE_FIELDS) for s in bank.sources)
        values[_QUESTIONS] = tuple(_question(q) for q in bank.questions)
        plain_bank = tuple(values)
    problems = tuple(tuple(getattr(p, n) for n in _PROBLEM_FIELDS) for p in report.problems)
    return marshal.dumps((FORMAT, report.origin, plain_bank, problems))


def decode(data: bytes) -> BankReport:
    """Back from `encode`; damage raises ValueError, EOFError, TypeError, IndexError or KeyError."""
    fmt, origin, plain_bank, problems = marshal.loads(data)
    if fmt != FORMAT:
        raise ValueError(f"cache format {fmt}, not {FORMAT}")
    bank = None
    if plain_bank is not None:
        values = list(plain_bank)
        modes: dict[frozenset[str], frozenset[Mode]] = {}
        values[_SOURCES] = tuple(Source(*s) for s in values[_SOURCES])
        values[_QUESTIONS] = tuple(_from_question(list(q), modes) for q in values[_QUESTIONS])
        bank = Bank(*values)
    return BankReport(origin, bank, tuple(Problem(*p) for p in problems))


class BankCache:
    """One folder of entries; every failure to read or write one only costs the time saved."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.hits = 0
        self.misses = 0
        self.used: list[str] = []  # keys read or written, kept by prune()

    def key(self, origin: str, raw: bytes) -> str:
        digest = hashlib.sha256(code_version().encode())
        digest.update(b"\0" + origin.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(raw)
        return digest.hexdigest()

    def get(self, key: str) -> BankReport | None:
        try:
            data = (self.folder / (key + SUFFIX)).read_bytes()
        except OSError:
            self.misses += 1
            return None
        try:
            report = decode(data)
        except (ValueError, EOFError, TypeError, IndexError, KeyError) as exc:
            log.info("bank cache entry %s is damaged (%s); rebuilding it", key[:12], exc)
            self.misses += 1
            return None
        self.hits += 1
        return report

    def put(self, key: str, report: BankReport) -> None:
        try:
            data = encode(report)
        except ValueError as exc:  # a field marshal cannot hold: no entry, no harm
            log.debug("bank %s not cached: %s", report.origin, exc)
            return
        tmp = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=SUFFIX)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, self.folder / (key + SUFFIX))
            tmp = None
        except OSError as exc:  # a read-only data folder must not stop the bot
            log.debug("bank cache not written in %s: %s", self.folder, exc)
        finally:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)

    def prune(self, keep: Iterable[str]) -> None:
        """Remove entries this load did not use: old versions of files, old code."""
        wanted = {k + SUFFIX for k in keep}
        try:
            entries = list(self.folder.iterdir())
        except OSError:
            return
        for entry in entries:
            if entry.suffix == SUFFIX and entry.name not in wanted:
                entry.unlink(missing_ok=True)
