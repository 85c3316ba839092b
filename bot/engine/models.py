"""Typed, immutable question banks: what every front-end and store agrees on."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class Mode(StrEnum):
    BUTTONS = "buttons"
    TYPED = "typed"


ALL_MODES = frozenset(Mode)
TRUE_FALSE = frozenset({"true", "false"})
_ASKS_COUNT = re.compile(r"\bhow many\b", re.IGNORECASE)
# Wording that only makes sense with the choices on screen.
CHOICE_WORDING = re.compile(
    r"\b(?:which|what|who)(?: one| two)? of (?:these|those|the following|the options)\b"
    r"|\bthe following\b|\b(?:none|all|both) of the above\b|\btrue or false\b"
    r"|\b(?:pick|choose) (?:one|from)\b|\bwhich option\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Source:
    """Where a bank's facts come from, so every reveal can cite it."""

    id: str
    title: str
    outlet: str | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True)
class Question:
    """One question; `answers[0]` is the form shown on reveal."""

    id: str
    text: str
    answers: tuple[str, ...]
    distractors: tuple[str, ...] = ()
    difficulty: Difficulty = Difficulty.MEDIUM
    category: str | None = None
    source: str | None = None
    evidence: str | None = None
    explanation: str | None = None
    hint: str | None = None
    fact: str | None = None
    modes: frozenset[Mode] = ALL_MODES
    status: str | None = None  # a draft under review: draft, keep or drop
    bank_id: str = ""
    line: int = 0

    @property
    def key(self) -> str:
        """Globally unique handle, used for stored answers."""
        return f"{self.bank_id}/{self.id}"

    @property
    def playable(self) -> bool:
        """Drafts still under review (draft, drop) are never asked; kept ones and finals are."""
        return self.status in (None, "keep")

    @property
    def fact_key(self) -> str:
        """What a round asks once and repeat-avoidance remembers: the fact, or the question."""
        return self.fact or self.key

    @property
    def asks_count(self) -> bool:
        """A "how many" question wants a number, so "seventh" is not its answer."""
        return _ASKS_COUNT.search(self.text) is not None

    @property
    def choice_worded(self) -> bool:
        """ "Which of these ...": pointless in a typed round, where no choices are shown."""
        return CHOICE_WORDING.search(self.text) is not None

    @property
    def is_true_false(self) -> bool:
        """True/false questions show two buttons instead of four."""
        pair = {self.answers[0].casefold(), *(d.casefold() for d in self.distractors)}
        return len(self.distractors) == 1 and pair == TRUE_FALSE


@dataclass(frozen=True, slots=True)
class Bank:
    """A named set of questions that a server picks as a whole."""

    id: str
    title: str
    description: str = ""
    sources: tuple[Source, ...] = ()
    questions: tuple[Question, ...] = ()
    origin: str = ""
    guild_id: int | None = field(default=None, compare=False)

    def source(self, source_id: str | None) -> Source | None:
        """Look up the citation for a question's `source`."""
        return next((s for s in self.sources if s.id == source_id), None)

    def citation(self, source_id: str | None) -> str | None:
        """The line every front-end shows under a reveal: what a player can look up."""
        source = self.source(source_id)
        if source is None:
            return None
        extra = ", ".join(x for x in (source.outlet, source.published) if x)
        return f"Source: {source.title}" + (f" ({extra})" if extra else "")

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True, slots=True)
class Player:
    """A player as the engine sees them: an id and a name, nothing platform-specific."""

    id: int
    name: str  # as the server in play knows them (a nickname there, perhaps)
    is_bot: bool = False
    global_name: str = ""  # the same for every server; empty: `name` is all we have
