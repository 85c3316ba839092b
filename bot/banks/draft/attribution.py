"""Contested claims are the article's, not ours: the question says who claims them."""

from __future__ import annotations

import re

_HEDGES = re.compile(
    r"\b(reportedly|according to|allegedly|rumou?red|is said to|likely|expected to)\b", re.I
)
_QUOTED = re.compile(r"[“\"]")


def contested(sentence: str) -> bool:
    """Hedged or quoted: the article reports it rather than states it."""
    return bool(_HEDGES.search(sentence) or _QUOTED.search(sentence))


def attributed(sentence: str, question: str) -> str:
    """'who plays X?' -> 'According to the article, who reportedly plays X?' when hedged."""
    if re.search(r"\breportedly\b", sentence, re.I) and question.startswith("who plays "):
        question = "who is reportedly set to play " + question[len("who plays ") :]
    if contested(sentence):
        return f"According to the article, {question}"
    return f"In the article, {question}"
