"""Open Trivia Database JSON, in any of its encodings (HTML entities, base64, URL)."""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote, unquote_plus

from bot.banks.importers.base import BankImportError, Entry, ImportProblem, Parsed
from bot.engine.judge import judge

SOURCE_TITLE = "Open Trivia Database"
OUTLET = "opentdb.com, CC BY-SA 4.0"
ENCODINGS = ("auto", "html", "base64", "url3986", "urllegacy")
FIELDS = ("type", "difficulty", "category", "question", "correct_answer", "incorrect_answers")
RESPONSE_CODES = {
    1: "no results",
    2: "invalid parameter",
    3: "session token not found",
    4: "session token exhausted",
    5: "rate limited",
}

_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")
_URL = re.compile(r"[A-Za-z0-9\-._~%+]*")


def parse_opentdb(text: str, encoding: str = "auto") -> Parsed:
    """`encoding` is OpenTDB's `encode` parameter; "auto" recognises it from the strings."""
    if encoding not in ENCODINGS:
        raise BankImportError(f"unknown OpenTDB encoding '{encoding}' ({', '.join(ENCODINGS)})")
    results = _results(_load_json(text))
    chosen = detect_encoding(results) if encoding == "auto" else encoding
    decode = DECODERS[chosen]
    parsed = Parsed(outlet=OUTLET, source_title=SOURCE_TITLE)
    for number, item in enumerate(results, 1):
        if not isinstance(item, Mapping):
            parsed.problems.append(ImportProblem(number, 0, "each result must be a JSON object"))
            continue
        try:
            fields = {k: _decode_value(item[k], decode) for k in FIELDS if k in item}
        except ValueError:
            message = f"a field is not valid {chosen} text"
            parsed.problems.append(ImportProblem(number, 0, message))
            continue
        question, problem = _question(fields)
        if problem:
            parsed.problems.append(ImportProblem(number, 0, problem))
        else:
            parsed.problems.extend(ImportProblem(number, 0, m) for m in _drop_close(question))
            parsed.entries.append(Entry(number, question))
    categories = {str(e.data.get("category")) for e in parsed.entries}
    if len(categories) == 1 and all(
        isinstance(e.data.get("category"), str) for e in parsed.entries
    ):
        parsed.title = categories.pop()  # one category (an API call for one topic) names the bank
    return parsed


def _drop_close(question: dict[str, Any]) -> list[str]:
    """A wrong option the judge would accept ("Rutus" for "Rufus") goes; the question stays."""
    answers = question["answers"]
    distractors = question["distractors"]
    if not isinstance(distractors, list) or not all(isinstance(a, str) for a in answers):
        return []  # validation names what is wrong
    kept: list[Any] = []
    notes: list[str] = []
    for d in distractors:
        if isinstance(d, str) and d.strip() and judge(d, answers):
            notes.append(
                f"wrong option '{d}' is left out: it would be judged right "
                f"(too close to '{answers[0]}')"
            )
        else:
            kept.append(d)
    question["distractors"] = kept
    return notes


def _load_json(text: str) -> Any:
    """Every way `json` can fail becomes one clear error with a line where known."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BankImportError(f"line {exc.lineno}: not valid JSON: {exc.msg}") from None
    except (ValueError, RecursionError) as exc:  # huge integers, absurd nesting
        raise BankImportError(f"not valid JSON: {exc}") from None


def _results(data: Any) -> list[Any]:
    """The API's envelope, or just its `results` list saved on its own."""
    if isinstance(data, list):
        return data
    if not isinstance(data, Mapping):
        raise BankImportError("OpenTDB JSON must be an object with a 'results' list")
    code = data.get("response_code", 0)
    if code != 0:
        meaning = (
            RESPONSE_CODES.get(code, "unknown code") if isinstance(code, int) else "not a code"
        )
        raise BankImportError(f"OpenTDB response_code is {code!r} ({meaning}), not 0 (success)")
    results = data.get("results")
    if not isinstance(results, list):
        raise BankImportError("OpenTDB JSON must have a 'results' list")
    return results


def _strings(results: list[Any]) -> list[str]:
    """All string fields, the evidence `detect_encoding` looks at."""
    out: list[str] = []
    for item in results:
        if not isinstance(item, Mapping):
            continue
        for key in FIELDS:
            value = item.get(key)
            values = value if isinstance(value, list) else [value]
            out.extend(v for v in values if isinstance(v, str))
    return out


def detect_encoding(results: list[Any]) -> str:
    """Plain OpenTDB text always has spaces; the encoded forms never do."""
    strings = _strings(results)
    if strings and all(_BASE64.fullmatch(s) and _is_base64_text(s) for s in strings):
        return "base64"
    if strings and all(_URL.fullmatch(s) for s in strings):
        return "urllegacy" if any("+" in s for s in strings) else "url3986"
    return "html"


def _is_base64_text(s: str) -> bool:
    try:
        _base64(s)
    except ValueError:
        return False
    return True


def _base64(s: str) -> str:
    return base64.b64decode(s, validate=True).decode("utf-8")


def _url3986(s: str) -> str:
    return unquote(s, errors="strict")


def _urllegacy(s: str) -> str:
    return unquote_plus(s, errors="strict")


DECODERS: dict[str, Callable[[str], str]] = {
    "html": html.unescape,
    "base64": _base64,
    "url3986": _url3986,
    "urllegacy": _urllegacy,
}


def _decode_value(value: Any, decode: Callable[[str], str]) -> Any:
    """Decode strings (and lists of them); anything else is left for validation to name."""
    if isinstance(value, str):
        return decode(value)
    if isinstance(value, list):
        return [decode(v) if isinstance(v, str) else v for v in value]
    return value


def _question(fields: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
    """One result in bank-file shape, or why it cannot be one."""
    kind = fields.get("type", "multiple")
    if kind not in ("multiple", "boolean"):
        return {}, f"type '{kind}' is not 'multiple' or 'boolean'"
    correct = fields.get("correct_answer")
    if correct is None or (isinstance(correct, str) and not correct.strip()):
        return {}, "no answer ('correct_answer' is missing or empty)"
    wrong = fields.get("incorrect_answers", [])
    if kind == "boolean":
        if not isinstance(correct, str) or correct.strip().casefold() not in ("true", "false"):
            return {}, f"a boolean question's answer must be True or False, not {correct!r}"
        correct = correct.strip().capitalize()
        wrong = ["False" if correct == "True" else "True"]
    question: dict[str, Any] = {
        "question": fields.get("question"),
        "answers": [correct],
        "distractors": wrong,
    }
    for key in ("difficulty", "category"):
        if fields.get(key) not in (None, ""):
            question[key] = fields[key]
    return question, None
