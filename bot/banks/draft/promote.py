"""`trivia-bot banks promote`: drafts marked `status: keep` move into a bank, all or nothing."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.banks.draft.article import ArticleError
from bot.banks.loader import MAX_FILE_BYTES, BankPathError, load_banks, parse_bank_text
from bot.banks.verify import ArticleLookup, article_dir, normalise, verify_question
from bot.banks.yamlio import YamlProblem, dump, parse
from bot.engine.judge import judge
from bot.engine.lint import bank_warnings, twin_of, twin_text
from bot.engine.models import Bank, Question
from bot.engine.validation import MAX_ID, SLUG, STATUSES, LineOf, Problem, build_question

_DRAFT_PREFIX = re.compile(r"^d\d{3}-")
_TOP_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")
_ITEM = re.compile(r"^(\s*)-\s")


class PromoteError(ArticleError):
    """Nothing was promoted (unless the text says what was); it names the draft, its line and
    what to change."""


@dataclass(frozen=True)
class Promoted:
    bank: Bank
    added: tuple[str, ...]  # question ids in the bank
    left: int  # drafts still in the draft file; 0: the file was removed
    warnings: tuple[Problem, ...]
    verified: bool  # evidence checked word for word against the articles


@dataclass
class _Kept:
    data: dict[str, Any]
    line: int
    question: Question


def promote(draft_path: Path, into: Path, *, articles: Path | None = None) -> Promoted:
    """Move the kept drafts of `draft_path` into the bank at `into`, created if missing.

    Both files are written through temporary files renamed into place only once the new
    bank has passed the same checks as `banks check`; any refusal leaves both untouched.
    """
    draft, line_of = _read(draft_path)
    sources = _sources(draft)
    questions = draft["questions"]
    for i, q in enumerate(questions):
        status = q.get("status") if isinstance(q, Mapping) else None
        if status is not None and str(status).strip() not in STATUSES:
            raise PromoteError(
                f"{draft_path}:{line_of(('questions', i, 'status'))}: draft '{q.get('id')}': "
                f"status '{status}' must be draft, keep or drop"
            )
    kept_at = [i for i, q in enumerate(questions) if isinstance(q, Mapping) and _kept(q)]
    if not kept_at:
        raise PromoteError(
            f"{draft_path}: no drafts marked 'status: keep'; mark the ones to promote"
        )
    if into.exists() and into.resolve() == draft_path.resolve():
        raise PromoteError(f"{into}: the draft file itself; --into names the bank to fill")
    lookup = article_dir(articles) if articles is not None else None
    if articles is not None and not articles.is_dir():
        raise PromoteError(f"{articles}: no such folder of articles")
    target, target_text = _target(into, draft)
    kept = [
        _check(draft_path, questions[i], line_of, i, sources, target.id, lookup) for i in kept_at
    ]
    _refuse_duplicates(draft_path, kept, target, into)
    taken = {q.id for q in target.questions}
    entries = [_final(k, taken) for k in kept]
    cited = {e.get("source") for e in entries}
    new_sources = [s for s in sources if s.get("id") in cited]
    known = {s.id for s in target.sources}  # one id, one article file: the bank's citation stays
    new_sources = [s for s in new_sources if s["id"] not in known]
    expected = len(target.questions) + len(entries)
    bank_text = _merged(target_text, draft, target, entries, new_sources)
    try:
        bank = _validated(bank_text, into, expected)
    except PromoteError:
        if target_text is None:
            raise
        # a layout the append does not fit (flow-style lists): the bank is written anew
        bank_text = _rewritten(target_text, entries, new_sources)
        bank = _validated(bank_text, into, expected)
    left = [q for i, q in enumerate(questions) if i not in set(kept_at)]
    header = dict(draft)
    if str(header.get("description", "")).startswith("Drafts from one article"):
        header["description"] = f"Drafts from one article, for review; {len(left)} questions."
    rest = dump({**header, "questions": left}) if left else None
    _write_both(into, bank_text, draft_path, rest)
    return Promoted(
        bank,
        tuple(e["id"] for e in entries),
        len(left),
        tuple(bank_warnings([bank])),
        lookup is not None,
    )


def _kept(q: Mapping[str, Any]) -> bool:
    return str(q.get("status", "")).strip() == "keep"


def _read(path: Path) -> tuple[dict[str, Any], LineOf]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PromoteError(f"{path}: cannot read: {exc.strerror}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise PromoteError(f"{path}: over {MAX_FILE_BYTES:,} bytes; not a draft file")
    try:
        text = raw.decode("utf-8-sig")
        data, line_of = parse(text)
    except UnicodeDecodeError:
        raise PromoteError(f"{path}: not UTF-8 text") from None
    except YamlProblem as exc:
        raise PromoteError(f"{path}:{exc.line}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise PromoteError(f"{path}: not a bank file (a mapping with a 'questions' list)")
    return data, line_of


def _sources(bank: Mapping[str, Any]) -> list[dict[str, Any]]:
    raw = bank.get("sources")
    return [dict(s) for s in raw if isinstance(s, Mapping)] if isinstance(raw, list) else []


def _target(into: Path, draft: Mapping[str, Any]) -> tuple[Bank, str | None]:
    """The bank to fill, or a new empty one with the draft file's header (no text yet)."""
    if into.exists():
        try:
            text = into.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise PromoteError(f"{into}: cannot read the bank: {exc}") from None
        report = parse_bank_text(text, str(into))
        if report.bank is None or report.problems:
            first = report.problems[0] if report.problems else f"{into}: not a bank"
            raise PromoteError(f"{first} (fix the bank first; `banks check` lists all)")
        return report.bank, text
    if not into.parent.is_dir():
        raise PromoteError(f"{into.parent}: no such folder; create it first")
    bank_id = into.stem
    if not SLUG.match(bank_id):
        raise PromoteError(
            f"{into}: a new bank is named by its file; '{bank_id}' must be a lowercase slug"
        )
    _refuse_taken_id(into, bank_id)
    title = re.sub(r"^Draft:\s*", "", str(draft.get("title") or bank_id)).strip() or bank_id
    return Bank(id=bank_id, title=title[:100], origin=str(into)), None


def _refuse_taken_id(into: Path, bank_id: str) -> None:
    """`banks check` on the folder refuses two banks of one id; so does promote, up front."""
    try:
        reports = load_banks([into.parent])
    except BankPathError:
        return
    for r in reports:
        if r.bank is not None and r.bank.id == bank_id:
            raise PromoteError(f"{into}: bank id '{bank_id}' is already used by {r.origin}")


def _check(
    path: Path,
    data: Mapping[str, Any],
    line_of: LineOf,
    index: int,
    sources: list[dict[str, Any]],
    bank_id: str,
    lookup: ArticleLookup | None,
) -> _Kept:
    """The rules a drafted question met, run again after the hand edit."""
    where: tuple[str | int, ...] = ("questions", index)
    line = line_of(where)
    qid = str(data.get("id") or f"#{index + 1}")
    source_ids = frozenset(str(s.get("id")) for s in sources)
    question, problems = build_question(
        data,
        bank_id=bank_id,
        source_ids=source_ids,
        origin=str(path),
        line_of=line_of,
        path=where,
    )
    if question is None:
        message = problems[0].message if problems else "not a valid question"
        raise PromoteError(
            f"{path}:{problems[0].line if problems else line}: draft '{qid}': {message}"
        )
    if lookup is None:
        # without the articles, everything but the verbatim match: length, answer in span
        evidence = normalise(question.evidence or "")
        failed = verify_question(question, lambda _sid: evidence)
    else:
        cache: dict[str, str | None] = {}

        def folded(sid: str) -> str | None:
            if sid not in cache:
                text = lookup(sid)
                cache[sid] = None if text is None else normalise(text)
            return cache[sid]

        failed = verify_question(question, folded)
    if failed:
        raise PromoteError(f"{path}:{line}: draft '{qid}': {failed[0]}")
    return _Kept(dict(data), line, question)


def _refuse_duplicates(path: Path, kept: list[_Kept], target: Bank, into: Path) -> None:
    """A fact or question already in the bank, or a twin of one kept before, is not asked twice."""
    facts = {q.fact: q for q in target.questions if q.fact}
    texts = {_folded(q.text): q.id for q in target.questions}
    before = list(target.questions)
    for k in kept:
        q = k.question
        clash = None
        if q.fact and q.fact in facts:
            clash = f"fact '{q.fact}' is already asked by question '{facts[q.fact].id}'"
        elif (same := texts.get(_folded(q.text))) is not None:
            clash = f"question '{same}' asks the same question"
        elif (twin := next((t for t in before if _same_fact(q, t)), None)) is not None:
            clash = f"question '{twin.id}' tests the same fact (same evidence and answer)"
        elif (found := twin_of(q, before)) is not None:
            clash = (
                f"{twin_text(q, *found)}: likely the same fact "
                "(drop the draft, or change its distractors if it is not)"
            )
        if clash:
            raise PromoteError(f"{path}:{k.line}: draft '{q.id}': {clash} in {into}")
        texts[_folded(q.text)] = q.id
        before.append(q)  # drafts sharing a `fact:` are one fact's variants, never twins


def _folded(text: str) -> str:
    return normalise(text).casefold()


def _same_fact(a: Question, b: Question) -> bool:
    if a.fact_key == b.fact_key:  # one fact's variants, marked so by the drafter or author
        return False
    if not a.evidence or not b.evidence or _folded(a.evidence) != _folded(b.evidence):
        return False
    # two true-or-false statements cut from one sentence share their evidence and "True"
    # whatever they state; the same statement twice is caught by its text
    if a.is_true_false or b.is_true_false:
        return False
    return judge(a.answers[0], b.answers)


def _final(k: _Kept, taken: set[str]) -> dict[str, Any]:
    """The draft as a bank question: no status, and an id without the draft's number."""
    entry = {key: value for key, value in k.data.items() if key != "status"}
    base = _DRAFT_PREFIX.sub("", str(entry["id"])) or str(entry["id"])
    candidate, n = base, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate = base[: MAX_ID - len(suffix)].strip("-") + suffix
        n += 1
    taken.add(candidate)
    entry["id"] = candidate
    return entry


def _merged(
    text: str | None,
    draft: Mapping[str, Any],
    target: Bank,
    entries: list[dict[str, Any]],
    new_sources: list[dict[str, Any]],
) -> str:
    """The bank's own text with the new questions appended, so its layout and comments stay."""
    if text is None:
        header: dict[str, Any] = {"id": target.id, "title": target.title}
        description = str(draft.get("description") or "")
        if description and not description.startswith("Drafts from one article"):
            header["description"] = description
        if new_sources:
            header["sources"] = new_sources
        return dump({**header, "questions": entries})
    lines = text.rstrip("\n").split("\n")
    top = [i for i, line in enumerate(lines) if _TOP_KEY.match(line)]
    at = next((i for i in top if lines[i].startswith("questions:")), None)
    if at is None or at != top[-1]:
        return _rewritten(text, entries, new_sources)
    indent = next((m.group(1) for line in lines[at + 1 :] if (m := _ITEM.match(line))), "  ")
    added = [_indented(dump([e]), indent) for e in entries]
    if new_sources:
        src_at = next((i for i in top if lines[i].startswith("sources:")), None)
        if src_at is None:
            block = ["sources:", _indented(dump(new_sources), "  ")]
        elif top[top.index(src_at) + 1] == at:
            block = [_indented(dump(new_sources), indent)]
        else:
            return _rewritten(text, entries, new_sources)
        lines[at:at] = [b.rstrip("\n") for b in block]
    blank = "\n" if any(not line.strip() for line in lines[at:]) else ""
    return "\n".join(lines) + "\n" + "".join(blank + a for a in added)


def _indented(block: str, indent: str) -> str:
    return "".join(indent + line if line.strip() else line for line in block.splitlines(True))


def _rewritten(text: str, entries: list[dict[str, Any]], new_sources: list[dict[str, Any]]) -> str:
    """A bank whose questions are not its last key is written anew (comments are lost)."""
    data, _ = parse(text)
    data = dict(data)
    data["sources"] = [*(data.get("sources") or []), *new_sources]
    data["questions"] = [*data["questions"], *entries]
    return dump(data)


def _validated(text: str, into: Path, expected: int) -> Bank:
    report = parse_bank_text(text, str(into))
    if report.bank is None or report.problems or len(report.bank.questions) != expected:
        first = report.problems[0] if report.problems else "the merged bank did not load"
        raise PromoteError(f"{first}; nothing was written")
    return report.bank


def _write_both(into: Path, bank_text: str, draft_path: Path, rest: str | None) -> None:
    """Both files change or neither: the draft file is moved aside before the bank changes."""
    bank_tmp = into.with_name(f".{into.name}.tmp")
    draft_tmp = draft_path.with_name(f".{draft_path.name}.tmp")
    aside = draft_path.with_name(f".{draft_path.name}.promoted")
    try:
        bank_tmp.write_text(bank_text, encoding="utf-8", newline="")
        if rest is not None:
            draft_tmp.write_text(rest, encoding="utf-8", newline="")
        os.replace(draft_path, aside)  # the drafts' folder takes changes, or nothing is done
        try:
            os.replace(bank_tmp, into)
        except OSError:
            os.replace(aside, draft_path)
            raise
    except OSError as exc:
        bank_tmp.unlink(missing_ok=True)
        draft_tmp.unlink(missing_ok=True)
        raise PromoteError(f"cannot write: {exc.strerror or exc}") from None
    try:  # renames in the folder the draft file just left: they fail only if it changed
        if rest is not None:
            os.replace(draft_tmp, draft_path)
        aside.unlink()
    except OSError as exc:
        raise PromoteError(
            f"{into} took the kept drafts, but {draft_path} could not be rewritten "
            f"({exc.strerror or exc}): the drafts as they were are in {aside}; delete the "
            "promoted ones from it before the next promote"
        ) from None
