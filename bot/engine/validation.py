"""Bank validation rules, shared by shipped files, imports and the admin modal."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from bot.engine.judge import judge
from bot.engine.models import ALL_MODES, Bank, Difficulty, Mode, Question, Source
from bot.engine.normalize import forms

MAX_QUESTION = 1000
MAX_CHOICE = 80
MAX_ANSWER = 1000  # an answer that is never a button label (alternates, typed-only questions)
MAX_EXPLANATION = 1000
MAX_HINT = 200
MAX_TITLE = 100
MAX_ID = 40
# A round shows one answer and three distractors; more only add variety. The caps bound the
# judge calls that validation makes (one per distractor, each against every answer).
MAX_ANSWERS = 20
MAX_DISTRACTORS = 10
# without distractors validation judges nothing; "name any ..." lists (Red's) run to 34
MAX_TYPED_ANSWERS = 50
_MAX_CHOICES = {"answers": MAX_ANSWERS, "distractors": MAX_DISTRACTORS}

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
BANK_KEYS = frozenset({"id", "title", "description", "sources", "questions"})
SOURCE_KEYS = frozenset({"id", "title", "outlet", "published"})
QUESTION_KEYS = frozenset(
    {
        "id",
        "question",
        "answers",
        "distractors",
        "difficulty",
        "category",
        "source",
        "evidence",
        "explanation",
        "hint",
        "fact",
        "modes",
        "status",
    }
)
# `status` marks drafts under review (`banks draft`, `banks promote`): only kept ones are played
STATUSES = frozenset({"draft", "keep", "drop"})

Path = tuple[str | int, ...]
LineOf = Callable[[Path], int]


def no_lines(_path: Path) -> int:
    """Line locator for data that did not come from a file."""
    return 0


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a bank, precise enough to fix without searching."""

    origin: str
    line: int
    question_id: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.origin}:{self.line}" if self.line else self.origin
        qid = f" question '{self.question_id}':" if self.question_id else ""
        return f"{where}:{qid} {self.message}"


@dataclass(frozen=True, slots=True)
class BankReport:
    """A bank (with its valid questions) and everything wrong with it."""

    origin: str
    bank: Bank | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return self.bank is not None and not self.problems


class _Collector:
    """Gathers problems so one pass reports all of them, not just the first."""

    def __init__(self, origin: str, line_of: LineOf) -> None:
        self.origin = origin
        self.line_of = line_of
        self.problems: list[Problem] = []

    def add(self, path: Path, message: str, question_id: str | None = None) -> None:
        self.problems.append(Problem(self.origin, self.line_of(path), question_id, message))


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _has_control(text: str) -> bool:
    # Every control code is unprintable, and isprintable() is much the cheaper test, so the
    # hot loops call this only for the rare text that is not printable (tabs, newlines).
    return not text.isprintable() and _CONTROL.search(text) is not None


_DIFFICULTIES = {d.value: d for d in Difficulty}
_MODES = {m.value: m for m in Mode}


def _text(value: Any) -> str | None:
    """Accept the scalars YAML produces for plain text; reject containers and control codes."""
    if isinstance(value, str):  # first: nearly every value is
        return value.strip()
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int | float):
        return str(value).strip()
    if isinstance(value, datetime | date):
        return value.isoformat()
    return None


def _string(
    c: _Collector,
    data: Mapping[str, Any],
    key: str,
    path: Path,
    *,
    required: bool,
    limit: int,
    qid: str | None = None,
) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            c.add(path, f"'{key}' is missing", qid)
        return None
    text = value.strip() if isinstance(value, str) else _text(value)
    if text is None:
        c.add((*path, key), f"'{key}' must be text", qid)
        return None
    if _has_control(text):
        c.add((*path, key), f"'{key}' contains control characters", qid)
        return None
    if not text:
        if required:
            c.add((*path, key), f"'{key}' is empty", qid)
        return None
    if len(text) > limit:
        c.add((*path, key), f"'{key}' is {len(text)} characters; the limit is {limit}", qid)
    return text


def _unknown_keys(
    c: _Collector,
    data: Mapping[Any, Any],
    allowed: frozenset[str],
    path: Path,
    qid: str | None = None,
) -> None:
    if data.keys() <= allowed:
        return
    for key in data:
        if key not in allowed:
            names = ", ".join(sorted(allowed))
            c.add((*path, str(key)), f"unknown key '{key}' (allowed: {names})", qid)


def _choices(
    c: _Collector, data: Mapping[str, Any], key: str, path: Path, qid: str, labels: int
) -> list[str]:
    """The first `labels` items can become buttons and must fit one; the rest are typed."""
    raw = data.get(key)
    if raw is None:
        return []
    if isinstance(raw, str | int | float):
        raw = [raw]
    if not isinstance(raw, list):
        c.add((*path, key), f"'{key}' must be a list of texts", qid)
        return []
    cap = MAX_TYPED_ANSWERS if key == "answers" and not labels else _MAX_CHOICES[key]
    if len(raw) > cap:
        c.add((*path, key), f"'{key}' lists {len(raw)}; a question may have at most {cap}", qid)
        return []
    out: list[str] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        text = item.strip() if isinstance(item, str) else _text(item)
        if text is None:
            c.add((*path, key, i), f"{key}[{i}] must be text", qid)
        elif _has_control(text):
            c.add((*path, key, i), f"{key}[{i}] contains control characters", qid)
        elif not text:
            c.add((*path, key, i), f"{key}[{i}] is empty", qid)
        elif i < labels and len(text) > MAX_CHOICE:
            c.add(
                (*path, key, i),
                f"{key}[{i}] is {len(text)} characters; a button label holds {MAX_CHOICE}",
                qid,
            )
        elif len(text) > MAX_ANSWER:
            c.add(
                (*path, key, i),
                f"{key}[{i}] is {len(text)} characters; the limit is {MAX_ANSWER}",
                qid,
            )
        elif (folded := text.casefold()) in seen:
            c.add((*path, key, i), f"{key}[{i}] '{text}' is listed twice", qid)
        else:
            seen.add(folded)
            out.append(text)
    return out


def build_question(
    data: Any,
    *,
    bank_id: str,
    source_ids: frozenset[str],
    origin: str = "<input>",
    line_of: LineOf = no_lines,
    path: Path = (),
) -> tuple[Question | None, list[Problem]]:
    """Validate one question exactly as a bank file would, for imports and the modal."""
    c = _Collector(origin, line_of)
    question = _question(c, data, path, bank_id, source_ids)
    return question, c.problems


def _question(
    c: _Collector, data: Any, path: Path, bank_id: str, source_ids: frozenset[str]
) -> Question | None:
    if not isinstance(data, Mapping):
        c.add(path, "each question must be a mapping of keys to values")
        return None
    before = len(c.problems)
    raw_id = _text(data.get("id"))
    qid = raw_id or None
    if not raw_id:
        c.add(path, "'id' is missing")
    elif not SLUG.match(raw_id):
        c.add(
            (*path, "id"),
            f"id '{raw_id}' must be a lowercase slug (a-z, 0-9, -; at most {MAX_ID} characters)",
            qid,
        )
    _unknown_keys(c, data, QUESTION_KEYS, path, qid)
    text = _string(c, data, "question", path, required=True, limit=MAX_QUESTION, qid=qid)
    # without distractors there are no buttons; alternates are never shown as one
    buttons = 1 if data.get("distractors") else 0
    answers = _choices(c, data, "answers", path, qid or "", buttons)
    if not answers and "answers" in data:
        c.add((*path, "answers"), "no accepted answer", qid)
    elif "answers" not in data:
        c.add(path, "no accepted answer ('answers' is missing)", qid)
    distractors = _choices(c, data, "distractors", path, qid or "", MAX_ANSWER)
    folded_answers = {a.casefold() for a in answers}
    for i, d in enumerate(distractors):
        if d.casefold() in folded_answers:
            c.add((*path, "distractors", i), f"distractor '{d}' is also an accepted answer", qid)
        elif answers and judge(d, answers):
            c.add(
                (*path, "distractors", i),
                f"distractor '{d}' would be judged correct (too close to an answer)",
                qid,
            )
    difficulty = Difficulty.MEDIUM
    raw_diff = data.get("difficulty")
    if raw_diff is not None:
        found = _DIFFICULTIES.get(str(raw_diff).strip().lower())
        if found is None:
            c.add(
                (*path, "difficulty"), f"difficulty '{raw_diff}' must be easy, medium or hard", qid
            )
        else:
            difficulty = found
    source = _string(c, data, "source", path, required=False, limit=MAX_TITLE, qid=qid)
    if source is not None and source not in source_ids:
        c.add((*path, "source"), f"source '{source}' is not listed in the bank's sources", qid)
    category = _string(c, data, "category", path, required=False, limit=MAX_TITLE, qid=qid)
    evidence = _string(c, data, "evidence", path, required=False, limit=MAX_QUESTION, qid=qid)
    explanation = _string(
        c, data, "explanation", path, required=False, limit=MAX_EXPLANATION, qid=qid
    )
    hint = _string(c, data, "hint", path, required=False, limit=MAX_HINT, qid=qid)
    if hint and answers and (leak := _hint_leak(hint, answers)):
        c.add((*path, "hint"), f"hint gives the answer away: it contains '{leak}'", qid)
    fact = _fact(c, data, path, qid)
    status = data.get("status")
    if status is not None and str(status) not in STATUSES:
        c.add((*path, "status"), f"status '{status}' must be draft, keep or drop", qid)
    status = None if status is None else str(status)
    true_false = _is_true_false(answers, distractors)
    modes = _modes(c, data, path, qid, true_false=true_false)
    if len(c.problems) > before or not raw_id or text is None:
        return None
    return Question(
        id=raw_id,
        text=text,
        answers=tuple(answers),
        distractors=tuple(distractors),
        difficulty=difficulty,
        category=category,
        source=source,
        evidence=evidence,
        explanation=explanation,
        hint=hint,
        fact=fact,
        modes=modes,
        status=status,
        bank_id=bank_id,
        line=c.line_of(path),
    )


def _hint_leak(hint: str, answers: Sequence[str]) -> str | None:
    """The accepted answer a written hint spells out, word for word, if any."""
    if judge(hint, answers):
        return answers[0]
    words = f" {' '.join(w for form in forms(hint) for w in form)} "
    for answer in answers:
        for form in forms(answer):
            if form and f" {' '.join(form)} " in words:
                return answer
    return None


def _fact(c: _Collector, data: Mapping[str, Any], path: Path, qid: str | None) -> str | None:
    """A fact is a slug that questions testing the same thing share, across banks."""
    raw = data.get("fact")
    if raw is None:
        return None
    fact = _text(raw)
    if not fact or not SLUG.match(fact):
        c.add(
            (*path, "fact"),
            f"fact '{raw}' must be a lowercase slug (a-z, 0-9, -; at most {MAX_ID} characters)",
            qid,
        )
        return None
    return fact


def _is_true_false(answers: Sequence[str], distractors: Sequence[str]) -> bool:
    folded = {a.casefold() for a in answers[:1]} | {d.casefold() for d in distractors}
    return len(distractors) == 1 and folded == {"true", "false"}


def _modes(
    c: _Collector, data: Mapping[str, Any], path: Path, qid: str | None, *, true_false: bool
) -> frozenset[Mode]:
    """Both modes unless the file says otherwise; a typed true/false is a coin toss."""
    raw = data.get("modes")
    if raw is None:
        return frozenset({Mode.BUTTONS}) if true_false else ALL_MODES
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not items:
        c.add((*path, "modes"), "'modes' must be a list: [buttons], [typed] or both", qid)
        return ALL_MODES
    modes: set[Mode] = set()
    for i, item in enumerate(items):
        mode = _MODES.get(str(item).strip().lower())
        if mode is None:
            c.add((*path, "modes", i), f"mode '{item}' must be buttons or typed", qid)
        else:
            modes.add(mode)
    if true_false and Mode.TYPED in modes:
        c.add(
            (*path, "modes"),
            "a true/false question cannot be typed: guessing 'true' would win half the time",
            qid,
        )
    return frozenset(modes) or ALL_MODES


def question_data(q: Question) -> dict[str, Any]:
    """The inverse of build_question: bank-file shape, empty fields left out."""
    fields: dict[str, Any] = {
        "id": q.id,
        "question": q.text,
        "answers": list(q.answers),
        "distractors": list(q.distractors) or None,
        "difficulty": q.difficulty.value,
        "category": q.category,
        "source": q.source,
        "evidence": q.evidence,
        "explanation": q.explanation,
        "hint": q.hint,
        "fact": q.fact,
        "modes": _modes_data(q),
        "status": q.status,
    }
    return {k: v for k, v in fields.items() if v is not None}


def _modes_data(q: Question) -> list[str] | None:
    """Modes as a file writes them: left out when they are the default."""
    default = frozenset({Mode.BUTTONS}) if q.is_true_false else ALL_MODES
    modes = q.modes & default  # a true/false question built in code is never typed
    return None if modes == default else [m.value for m in Mode if m in modes]


def question_from_data(data: Mapping[str, Any], *, bank_id: str) -> Question:
    """Rebuild a question stored by `question_data`, which was validated when it was stored.

    No checks and no judge calls: a server's questions are rebuilt after every restart and
    every change, and validating them again cost seconds per rebuild for a large bank.
    """
    distractors = data.get("distractors") or ()
    question = Question(
        id=str(data["id"]),
        text=str(data["question"]),
        answers=tuple(str(a) for a in data["answers"]),
        distractors=tuple(str(d) for d in distractors),
        difficulty=_DIFFICULTIES[str(data.get("difficulty", Difficulty.MEDIUM.value))],
        category=data.get("category"),
        source=data.get("source"),
        evidence=data.get("evidence"),
        explanation=data.get("explanation"),
        hint=data.get("hint"),
        fact=data.get("fact"),
        bank_id=bank_id,
    )
    modes = data.get("modes")
    if modes is not None:
        return replace(question, modes=frozenset(_MODES[str(m)] for m in modes))
    if question.is_true_false:
        return replace(question, modes=frozenset({Mode.BUTTONS}))
    return question


def _sources(c: _Collector, raw: Any) -> list[Source]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        c.add(("sources",), "'sources' must be a list")
        return []
    out: list[Source] = []
    for i, item in enumerate(raw):
        path: Path = ("sources", i)
        if not isinstance(item, Mapping):
            c.add(path, f"sources[{i}] must be a mapping with id and title")
            continue
        _unknown_keys(c, item, SOURCE_KEYS, path)
        sid = _string(c, item, "id", path, required=True, limit=MAX_TITLE)
        title = _string(c, item, "title", path, required=True, limit=300)
        outlet = _string(c, item, "outlet", path, required=False, limit=MAX_TITLE)
        published = _string(c, item, "published", path, required=False, limit=MAX_TITLE)
        if sid and title:
            if any(s.id == sid for s in out):
                c.add(path, f"source '{sid}' is listed twice")
            out.append(Source(sid, title, outlet, published))
    return out


def build_bank(
    data: Any,
    *,
    origin: str,
    line_of: LineOf = no_lines,
    guild_id: int | None = None,
    checked: Sequence[Question] | None = None,
) -> BankReport:
    """Validate a parsed bank; keeps its valid questions even when some are bad.

    `checked`: questions validated one by one already (imports), used instead of
    data["questions"]; only their sources are checked against the bank's, no judge calls.
    """
    c = _Collector(origin, line_of)
    if not isinstance(data, Mapping):
        c.add((), "a bank file must be a mapping with id, title and questions")
        return BankReport(origin, None, tuple(c.problems))
    _unknown_keys(c, data, BANK_KEYS, ())
    bank_id = _text(data.get("id"))
    if not bank_id:
        c.add((), "'id' is missing")
    elif not SLUG.match(bank_id):
        c.add(("id",), f"bank id '{bank_id}' must be a lowercase slug (a-z, 0-9, -)")
        bank_id = None
    title = _string(c, data, "title", (), required=True, limit=MAX_TITLE)
    description = _string(c, data, "description", (), required=False, limit=300) or ""
    sources = _sources(c, data.get("sources"))
    source_ids = frozenset(s.id for s in sources)
    raw_questions = data.get("questions")
    questions: list[Question] = []
    if checked is not None:
        for i, done in enumerate(checked):
            if done.source is not None and done.source not in source_ids:
                path: Path = ("questions", i, "source")
                c.add(path, f"source '{done.source}' is not listed in the bank's sources", done.id)
            else:
                questions.append(done)
        raw_questions = []
    elif not isinstance(raw_questions, list) or not raw_questions:
        c.add(("questions",) if "questions" in data else (), "'questions' must be a non-empty list")
        raw_questions = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_questions):
        q = _question(c, raw, ("questions", i), bank_id or "", source_ids)
        if q is None:
            continue
        if q.id in seen:
            c.add(("questions", i, "id"), f"duplicate id (first used on line {seen[q.id]})", q.id)
            continue
        seen[q.id] = q.line
        questions.append(q)
    if not bank_id or not title:
        return BankReport(origin, None, tuple(c.problems))
    bank = Bank(
        id=bank_id,
        title=title,
        description=description,
        sources=tuple(sources),
        questions=tuple(questions),
        origin=origin,
        guild_id=guild_id,
    )
    return BankReport(origin, bank, tuple(c.problems))


def check_unique_banks(reports: Sequence[BankReport]) -> list[Problem]:
    """Bank ids must be unique across files, or `--bank` would be ambiguous."""
    first: dict[str, str] = {}
    problems: list[Problem] = []
    for r in reports:
        if r.bank is None:
            continue
        if r.bank.id in first:
            problems.append(
                Problem(
                    r.origin,
                    1,
                    None,
                    f"bank id '{r.bank.id}' is already used by {first[r.bank.id]}",
                )
            )
        else:
            first[r.bank.id] = r.origin
    return problems
