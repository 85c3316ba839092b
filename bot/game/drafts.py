"""Reviewing an article's drafts one at a time; what is kept becomes a server's questions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.banks.draft.distractors import WANTED
from bot.banks.importers import UniqueIds
from bot.banks.verify import verify_question
from bot.engine.errors import TriviaError
from bot.engine.models import Question
from bot.engine.validation import build_question, question_data
from bot.game.custom import Added, CustomQuestions


def _lines(text: str) -> list[str]:
    return [line for line in (x.strip() for x in text.splitlines()) if line]


@dataclass
class DraftReview:
    """Where one admin is in one article's drafts, and what they kept (edited or not)."""

    drafts: Sequence[dict[str, Any]]
    folded_article: str  # the article as `banks verify` reads it
    position: int = 0
    kept: list[dict[str, Any]] = field(default_factory=list)
    edited: int = 0

    @property
    def current(self) -> dict[str, Any] | None:
        return self.drafts[self.position] if self.position < len(self.drafts) else None

    @property
    def finished(self) -> bool:
        return self.current is None

    def keep(self) -> None:
        if self.current is not None:
            self.kept.append(dict(self.current))
            self.position += 1

    def skip(self) -> None:
        if self.current is not None:
            self.position += 1

    def edit(self, *, question: str, answers: str, distractors: str, explanation: str) -> Question:
        """The form's fields replace the draft's; the result must pass what drafts pass."""
        draft = self.current
        if draft is None:
            raise TriviaError("Every draft has been reviewed; press Done to save the kept ones.")
        data = {
            **draft,
            "question": question.strip(),
            "answers": _lines(answers),
            "distractors": _lines(distractors),
        }
        data.pop("explanation", None)
        if explanation.strip():
            data["explanation"] = explanation.strip()
        built = self.check(data)
        self.kept.append(data)
        self.edited += 1
        self.position += 1
        return built

    def check(self, data: dict[str, Any]) -> Question:
        """The add-question form's rules, then the drafter's: the evidence names the answer,
        and there are wrong choices enough for buttons."""
        source = data.get("source")
        built, problems = build_question(
            data,
            bank_id="draft",
            source_ids=frozenset({source}) if isinstance(source, str) else frozenset(),
            origin="the form",
        )
        messages = [p.message for p in problems]
        if built is not None:
            messages = verify_question(built, lambda _sid: self.folded_article)
            wanted = 1 if built.is_true_false else WANTED
            if len(built.distractors) < wanted:
                messages.append(f"a draft needs {wanted} wrong choices, one per line")
        if messages:
            raise TriviaError(
                "That edit can't be kept:\n" + "\n".join(f"- {m}" for m in messages[:10])
            )
        assert built is not None
        return built

    async def save(
        self, custom: CustomQuestions, guild_id: int, actor_id: int, bank_id: str
    ) -> Added:
        """Every kept draft into the server's bank, all or nothing, with fresh ids there."""
        if not self.kept:
            raise TriviaError("No drafts were kept; nothing was saved.")
        rows = await custom.repo.custom_questions(guild_id, bank_id)
        ids = UniqueIds({r.question_id for r in rows})
        items: list[tuple[str, str]] = []
        for data in self.kept:
            entry = {k: v for k, v in data.items() if k != "status"}
            entry["id"] = ids.make(str(data["id"]))
            built = self.check(entry)
            items.append((entry["id"], json.dumps(question_data(built))))
        return await custom.store(guild_id, actor_id, bank_id, items, action="draft-review")
