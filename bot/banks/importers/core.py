"""Turning an uploaded or local file into a validated bank, without touching the disk."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any

from bot.banks.importers.base import BankImportError, Entry, ImportProblem, Parsed
from bot.banks.importers.csvfile import parse_csv
from bot.banks.importers.opentdb import parse_opentdb
from bot.banks.importers.ours import parse_ours
from bot.banks.importers.red import parse_red
from bot.banks.loader import MAX_FILE_BYTES
from bot.banks.verify import normalise
from bot.engine.models import Bank, Question
from bot.engine.validation import (
    MAX_ID,
    MAX_TITLE,
    SLUG,
    Path,
    Problem,
    build_bank,
    build_question,
)

FORMATS = ("red", "opentdb", "csv", "yaml")
MAX_DESCRIPTION = 300
PLACEHOLDER_ID = "imported"
MAX_ENTRIES = 5000  # also what one server may hold (bot/game/custom.py)

Reader = Callable[[str, str], Parsed]
READERS: dict[str, Reader] = {
    "red": lambda text, _encoding: parse_red(text),
    "opentdb": parse_opentdb,
    "csv": lambda text, _encoding: parse_csv(text),
    "yaml": lambda text, _encoding: parse_ours(text),
}


@dataclass(frozen=True, slots=True)
class ImportReport:
    """The bank of valid questions (None if none survived) and every entry that was skipped."""

    format: str
    bank: Bank | None
    problems: tuple[ImportProblem, ...]
    entries: int

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.bank.questions if self.bank is not None else ()

    @property
    def ok(self) -> bool:
        return self.bank is not None and not self.problems


def import_questions(
    data: bytes | str,
    fmt: str | None = None,
    *,
    bank_id: str,
    title: str | None = None,
    filename: str = "<upload>",
    encoding: str = "auto",
) -> ImportReport:
    """Convert and validate; raises BankImportError only when the input as a whole is unusable."""
    if not SLUG.match(bank_id):
        raise BankImportError(
            f"bank id '{bank_id}' must be a lowercase slug (a-z, 0-9, -; "
            f"at most {MAX_ID} characters)"
        )
    if title is not None and not 0 < len(title.strip()) <= MAX_TITLE:
        raise BankImportError(f"the title must be 1 to {MAX_TITLE} characters")
    text = decode_input(data, filename)
    chosen = detect_format(filename, text) if fmt in (None, "auto") else str(fmt)
    if chosen not in READERS:
        raise BankImportError(f"unknown format '{chosen}' (one of: {', '.join(FORMATS)})")
    parsed = READERS[chosen](text, encoding)
    if len(parsed.entries) > MAX_ENTRIES:
        raise BankImportError(
            f"the file has {len(parsed.entries):,} questions; one import may hold at most "
            f"{MAX_ENTRIES:,} (a server holds at most {MAX_ENTRIES:,}); split the file"
        )
    return _build(parsed, chosen, bank_id=bank_id, title=title, origin=filename)


def decode_input(data: bytes | str, filename: str = "<upload>") -> str:
    """Size first (cheap), then strict UTF-8: a wrong guess would corrupt every answer."""
    size = len(data.encode("utf-8", "replace")) if isinstance(data, str) else len(data)
    if size > MAX_FILE_BYTES:
        raise BankImportError(
            f"the file is {size:,} bytes; imports may be at most {MAX_FILE_BYTES:,} bytes (5 MB)"
        )
    name = "" if filename == "<upload>" else f"{PurePath(filename).name}: "
    try:
        text = data.removeprefix("\ufeff") if isinstance(data, str) else _utf8(data)
    except BankImportError as exc:
        raise BankImportError(f"{name}{exc}") from None
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        raise BankImportError(
            f"{name}line {line}: the file contains a NUL character; it is not text"
        )
    return text


# The first bytes of files people upload by mistake instead of a question list.
_BINARY = {
    b"PK\x03\x04": "a ZIP archive or an Excel/ODS workbook; save the sheet as CSV UTF-8",
    b"\xd0\xcf\x11\xe0": "an old Excel or Word file; save the sheet as CSV UTF-8",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
}


def _utf8(data: bytes) -> str:
    """Name the line of the first bad byte; guessing another encoding could garble answers."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BankImportError("the file is UTF-16 text; save it as UTF-8 (in Excel: CSV UTF-8)")
    for magic, kind in _BINARY.items():
        if data.startswith(magic):
            raise BankImportError(f"not a text file: it looks like {kind}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if b"\0" in data[:4096]:
            raise BankImportError("not a text file: it holds binary data") from None
        line = data.count(b"\n", 0, exc.start) + 1
        raise BankImportError(
            f"line {line}: not UTF-8 text; save the file as UTF-8 (in Excel: CSV UTF-8)"
        ) from None


_OURS = re.compile(r"^questions[ \t]*:", re.MULTILINE)


def detect_format(filename: str, data: bytes | str) -> str:
    """The extension decides JSON and CSV; for YAML, a top-level `questions:` means ours."""
    text = data if isinstance(data, str) else data.decode("utf-8", "replace")
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".json":
        return "opentdb"
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix not in (".yaml", ".yml"):
        start = text.lstrip("\ufeff \t\r\n")[:1]
        if start in ("{", "["):
            return "opentdb"
        first_line = text.lstrip("\ufeff").split("\n", 1)[0].lower()
        if "question" in first_line and any(d in first_line for d in (",", ";", "\t")):
            return "csv"
    return "yaml" if _OURS.search(text) else "red"


def _build(
    parsed: Parsed, fmt: str, *, bank_id: str, title: str | None, origin: str
) -> ImportReport:
    """Validate each entry, skip repeats, then build the bank from the survivors."""
    problems = list(parsed.problems)
    source_ids = _source_ids(parsed.sources)
    ids = UniqueIds(_given_ids(parsed.entries))
    kept: list[tuple[Entry, Question]] = []
    by_text: dict[str, int] = {}
    by_id: dict[str, int] = {}
    for entry in parsed.entries:
        question, found = _validate(entry, bank_id, source_ids, origin)
        if question is None:
            problems.extend(ImportProblem(entry.number, p.line, p.message) for p in found)
            continue
        if not question.playable:
            problems.append(ImportProblem(entry.number, entry.line, _UNREVIEWED))
            continue
        question = replace(question, status=None)  # a kept draft is a question like any other
        text_key = normalise(question.text).casefold()
        clash = _clash(entry, question, by_text.get(text_key), by_id)
        if clash:
            problems.append(ImportProblem(entry.number, entry.line, clash))
            continue
        if not _has_id(entry):
            question = replace(question, id=ids.make(question.text))
        by_text[text_key] = by_id[question.id] = entry.number
        kept.append((entry, question))
    problems.sort(key=lambda p: p.entry or 0)  # stable: keeps each entry's own order
    bank, more = _bank(parsed, kept, bank_id=bank_id, title=title, origin=origin)
    return ImportReport(fmt, bank, (*problems, *more), _entry_count(parsed))


_UNREVIEWED = (
    "a draft still under review (status: draft or drop); mark it 'status: keep' to import it"
)


def _entry_count(parsed: Parsed) -> int:
    """Readers number entries 1..N, including the ones they refused outright."""
    numbers = [e.number for e in parsed.entries]
    numbers += [p.entry for p in parsed.problems if p.entry is not None]
    return max(numbers, default=0)


def _validate(
    entry: Entry, bank_id: str, source_ids: frozenset[str], origin: str
) -> tuple[Question | None, list[Problem]]:
    """Exactly the checks a bank file gets; entries without an id borrow one until they pass."""
    data = entry.data
    if isinstance(data, Mapping) and not _has_id(entry):
        data = {**data, "id": PLACEHOLDER_ID}
    return build_question(
        data, bank_id=bank_id, source_ids=source_ids, origin=origin, line_of=entry.line_of
    )


def _clash(
    entry: Entry, question: Question, same_text: int | None, by_id: dict[str, int]
) -> str | None:
    """Same question twice, or a hand-written id used twice: the later one is skipped."""
    if same_text is not None:
        return f"duplicate of entry {same_text}"
    if _has_id(entry) and question.id in by_id:
        return f"id '{question.id}' is already used by entry {by_id[question.id]}"
    return None


def _has_id(entry: Entry) -> bool:
    """Hand-written ids (our YAML) are kept; everything else gets a slug."""
    return isinstance(entry.data, Mapping) and entry.data.get("id") not in (None, "")


def _given_ids(entries: list[Entry]) -> set[str]:
    """Reserved up front, so a generated id never takes one a later entry asks for."""
    return {str(e.data["id"]) for e in entries if _has_id(e)}


def _source_ids(raw: Any) -> frozenset[str]:
    """Questions may cite any listed source; `build_bank` then checks the sources themselves."""
    if not isinstance(raw, list):
        return frozenset()
    return frozenset(str(s["id"]) for s in raw if isinstance(s, Mapping) and "id" in s)


def _bank(
    parsed: Parsed,
    kept: list[tuple[Entry, Question]],
    *,
    bank_id: str,
    title: str | None,
    origin: str,
) -> tuple[Bank | None, list[ImportProblem]]:
    """Build the bank through `build_bank` too, so sources and titles get the same rules."""
    if not kept:
        return None, []
    own_title = _title(parsed.title, bank_id)
    checked = [q for _, q in kept]
    sources = parsed.sources
    if sources is None and parsed.outlet:
        # the format names its publisher: one source, so every reveal carries a source line
        sources = [{"id": bank_id, "title": parsed.source_title or own_title}]
        sources[0]["outlet"] = parsed.outlet
        checked = [q if q.source else replace(q, source=bank_id) for q in checked]
    data = {
        "id": bank_id,
        "title": title.strip() if title else own_title,
        "description": _clip(parsed.description, MAX_DESCRIPTION),
        "sources": sources,
    }

    def line_of(path: Path) -> int:
        if len(path) >= 2 and path[0] == "questions" and isinstance(path[1], int):
            return kept[path[1]][0].line_of(path[2:])
        return parsed.line_of(path)

    # each question was validated once already; validating it again doubled the judge calls
    report = build_bank(data, origin=origin, line_of=line_of, checked=checked)
    entry_of = {q.id: e.number for e, q in kept}
    problems = [
        ImportProblem(entry_of.get(p.question_id or ""), p.line, p.message) for p in report.problems
    ]
    bank = report.bank
    if bank is None or not bank.questions:
        return None, problems
    return bank, problems


def _title(raw: Any, bank_id: str) -> str:
    """The file's own title when it has a usable one, else one made from the id."""
    if isinstance(raw, str) and raw.strip():
        return _clip(raw, MAX_TITLE)
    return title_from_id(bank_id)


def title_from_id(bank_id: str) -> str:
    """The best a title can be without one: `cr` -> "CR", `us-capitals` -> "Us capitals"."""
    words = bank_id.split("-")
    if len(words) == 1 and len(bank_id) <= 3 and bank_id.isalpha():
        return bank_id.upper()  # an abbreviation: `cr` -> "CR"
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _clip(raw: Any, limit: int) -> str:
    """Over-long descriptive text is shortened rather than failing the whole import."""
    text = str(raw).strip() if isinstance(raw, str | int | float) else ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class UniqueIds:
    """Slug ids from question text: unique, at most 40 characters, `[a-z0-9-]`."""

    def __init__(self, reserved: set[str]) -> None:
        self.used = set(reserved)

    def make(self, text: str) -> str:
        """A fresh id for `text`, numbered -2, -3... when the slug is taken."""
        base = slugify(text)
        candidate, n = base, 2
        while candidate in self.used:
            suffix = f"-{n}"
            candidate = _cut(base, MAX_ID - len(suffix)) + suffix
            n += 1
        self.used.add(candidate)
        return candidate


def slugify(text: str, limit: int = MAX_ID) -> str:
    """`What is 2 + 2?` -> `what-is-2-2`; text with no latin letters becomes `question`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return _cut(slug, limit) or "question"


def _cut(slug: str, limit: int) -> str:
    """Shorten at a word boundary when there is one, never leaving a trailing dash."""
    if len(slug) <= limit:
        return slug
    cut = slug[:limit]
    if slug[limit] != "-" and "-" in cut:
        cut = cut.rsplit("-", 1)[0]
    return cut.strip("-")
