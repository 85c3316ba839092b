"""Evidence checks: every shipped fact must be quotable, word for word, from its article."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from bot.engine.models import Bank, Question
from bot.engine.validation import Problem

MAX_EVIDENCE_WORDS = 20

ArticleLookup = Callable[[str], str | None]
"""Source id -> article text, or None when there is no readable article for it."""

_SPACE = re.compile(r"\s+")
_FOLD = str.maketrans(
    {
        "\u2018": "'",  # ‘
        "\u2019": "'",  # ’
        "\u201a": "'",  # ‚
        "\u201b": "'",  # ‛
        "\u2032": "'",  # ′
        "\u201c": '"',  # “
        "\u201d": '"',  # ”
        "\u201e": '"',  # „
        "\u201f": '"',  # ‟
        "\u2033": '"',  # ″
        "\u2010": "-",  # ‐ hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # – en dash
        "\u2014": "-",  # — em dash
        "\u2015": "-",  # horizontal bar
        "\u2212": "-",  # minus sign
        "\u2026": "...",  # … ellipsis
    }
)


def normalise(text: str) -> str:
    """Typography differs between an article and a YAML file; the words must not."""
    return _SPACE.sub(" ", text.translate(_FOLD)).strip()


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of non-space characters."""
    return len(text.split())


def verify_banks(banks: Iterable[Bank], articles: ArticleLookup) -> list[Problem]:
    """Check every question of every bank; one pass reports all failures."""
    cache: dict[str, str | None] = {}

    def cached(source_id: str) -> str | None:
        if source_id not in cache:
            text = articles(source_id)
            cache[source_id] = None if text is None else normalise(text)
        return cache[source_id]

    problems: list[Problem] = []
    for bank in banks:
        for question in bank.questions:
            problems.extend(
                Problem(bank.origin or bank.id, question.line, question.id, message)
                for message in verify_question(question, cached)
            )
    return problems


def verify_question(question: Question, articles: ArticleLookup) -> list[str]:
    """What is wrong with one question's evidence; `articles` returns normalised text."""
    if not question.source:
        return ["no 'source': every question must cite the article its evidence comes from"]
    if not question.evidence:
        return ["no 'evidence': quote the article's words that support the answer"]
    article = articles(question.source)
    if article is None:
        return [f"source article '{question.source}.txt' is missing or unreadable"]
    evidence = normalise(question.evidence)
    messages: list[str] = []
    if evidence not in article:
        messages.append(f"evidence not found in article '{question.source}': {_quote(evidence)}")
    words = word_count(evidence)
    if words > MAX_EVIDENCE_WORDS:
        messages.append(f"evidence is {words} words; the limit is {MAX_EVIDENCE_WORDS}")
    if not question.is_true_false and not _has_answer(evidence, question.answers):
        shown = ", ".join(f"'{a}'" for a in question.answers)
        messages.append(f"evidence contains none of the accepted answers ({shown})")
    return messages


def _has_answer(evidence: str, answers: Iterable[str]) -> bool:
    """The span must name the answer, or it does not prove it."""
    folded = evidence.casefold()
    return any(normalise(a).casefold() in folded for a in answers)


def _quote(text: str, limit: int = 80) -> str:
    """Keep failure lines readable when the span is long."""
    return f"'{text}'" if len(text) <= limit else f"'{text[: limit - 1]}…'"


def article_dir(directory: Path) -> ArticleLookup:
    """Articles are `<directory>/<source id>.txt`, UTF-8; ids never reach outside the folder."""

    def lookup(source_id: str) -> str | None:
        if not source_id or Path(source_id).name != source_id or source_id.startswith("."):
            return None
        try:
            return (directory / f"{source_id}.txt").read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return None

    return lookup
