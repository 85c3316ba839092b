"""A server's own questions: validated like bank files, stored all or nothing, audited."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.banks.importers import UniqueIds
from bot.engine.clock import Clock
from bot.engine.errors import TriviaError
from bot.engine.models import Question
from bot.engine.validation import SLUG, build_question, question_data
from bot.game.catalog import Catalog
from bot.storage.records import AuditEntry, CustomQuestionRow
from bot.storage.repository import Repository

MAX_CUSTOM_PER_GUILD = 5000


@dataclass(frozen=True, slots=True)
class Added:
    bank_id: str
    question_ids: tuple[str, ...]


class CustomQuestions:
    """Every write to a server's questions goes through here, and into the audit log."""

    def __init__(self, repo: Repository, catalog: Catalog, clock: Clock) -> None:
        self.repo = repo
        self.catalog = catalog
        self.clock = clock

    def _check_bank_id(self, bank_id: str) -> None:
        if not SLUG.match(bank_id):
            raise TriviaError(
                f"Bank name '{bank_id}' must be lowercase letters, digits and dashes "
                "(at most 40 characters)."
            )
        if bank_id in self.catalog.shipped:
            raise TriviaError(f"'{bank_id}' is a shipped bank; choose another name.")

    async def add_from_form(
        self,
        guild_id: int,
        actor_id: int,
        *,
        bank_id: str,
        question: str,
        answers: str,
        distractors: str,
        explanation: str,
    ) -> Question:
        """The modal's fields, one answer or distractor per line."""
        bank_id = bank_id.strip().lower() or "custom"
        self._check_bank_id(bank_id)
        existing = {r.question_id for r in await self.repo.custom_questions(guild_id, bank_id)}
        data: dict[str, Any] = {
            "id": UniqueIds(existing).make(question),
            "question": question,
            "answers": [a for a in (x.strip() for x in answers.splitlines()) if a],
            "distractors": [d for d in (x.strip() for x in distractors.splitlines()) if d],
        }
        if explanation.strip():
            data["explanation"] = explanation.strip()
        built, problems = build_question(
            data, bank_id=bank_id, source_ids=frozenset(), origin="the form"
        )
        if built is None:
            raise TriviaError(
                "That question can't be added:\n" + "\n".join(f"- {p.message}" for p in problems)
            )
        item = (built.id, json.dumps(question_data(built)))
        await self.store(guild_id, actor_id, bank_id, [item], action="add-question")
        return built

    async def edit_from_form(
        self,
        guild_id: int,
        actor_id: int,
        *,
        bank_id: str,
        question_id: str,
        question: str,
        answers: str,
        distractors: str,
        explanation: str,
    ) -> Question:
        """The edit form's fields replace those of a stored question; its other keys stay."""
        rows = await self.repo.custom_questions(guild_id, bank_id)
        row = next((r for r in rows if r.question_id == question_id), None)
        if row is None:
            raise TriviaError(f"No question '{question_id}' in this server's bank '{bank_id}'.")
        data: dict[str, Any] = {
            **json.loads(row.data),
            "id": question_id,
            "question": question,
            "answers": _lines(answers),
            "distractors": _lines(distractors),
        }
        data.pop("explanation", None)
        if explanation.strip():
            data["explanation"] = explanation.strip()
        source = data.get("source")
        built, problems = build_question(
            data,
            bank_id=bank_id,
            source_ids=frozenset({source}) if isinstance(source, str) else frozenset(),
            origin="the form",
        )
        if built is None:
            raise TriviaError(
                "That edit can't be saved:\n" + "\n".join(f"- {p.message}" for p in problems)
            )
        stored = CustomQuestionRow(
            guild_id,
            bank_id,
            question_id,
            json.dumps(question_data(built)),
            row.created_by,
            row.created_at,
        )
        if not await self.repo.replace_custom_question(stored):
            raise TriviaError(f"No question '{question_id}' in this server's bank '{bank_id}'.")
        await self.repo.audit(
            AuditEntry(
                guild_id, actor_id, "edit-question", f"{bank_id}/{question_id}", self.clock.now()
            )
        )
        self.catalog.invalidate(guild_id)
        return built

    async def check_batch(self, guild_id: int, bank_id: str, question_ids: Sequence[str]) -> None:
        """What would refuse a batch: run by a dry run too, so it never promises what fails."""
        self._check_bank_id(bank_id)
        stored = await self.repo.custom_questions(guild_id)
        if len(stored) + len(question_ids) > MAX_CUSTOM_PER_GUILD:
            raise TriviaError(
                f"A server can hold at most {MAX_CUSTOM_PER_GUILD} questions; this one has "
                f"{len(stored)}, and the file adds {len(question_ids)}."
            )
        taken = {r.question_id for r in stored if r.bank_id == bank_id}
        clashes = sorted(qid for qid in question_ids if qid in taken)
        if clashes:
            raise TriviaError(
                f"Bank '{bank_id}' already has questions with these ids: "
                + ", ".join(clashes[:10])
                + ". Nothing was imported."
            )

    async def store(
        self,
        guild_id: int,
        actor_id: int,
        bank_id: str,
        items: Sequence[tuple[str, str]],
        *,
        action: str,
    ) -> Added:
        """All or nothing: `items` are (question id, validated JSON data) pairs."""
        ids = [qid for qid, _ in items]
        await self.check_batch(guild_id, bank_id, ids)
        now = self.clock.now()
        rows = [
            CustomQuestionRow(guild_id, bank_id, qid, data, actor_id, now) for qid, data in items
        ]
        await self.repo.add_custom_questions(rows)
        await self.repo.audit(
            AuditEntry(guild_id, actor_id, action, f"{len(rows)} question(s) into {bank_id}", now)
        )
        self.catalog.invalidate(guild_id)
        return Added(bank_id, tuple(ids))

    async def remove(self, guild_id: int, actor_id: int, bank_id: str, question_id: str) -> None:
        if not await self.repo.remove_custom_question(guild_id, bank_id, question_id):
            raise TriviaError(f"No question '{question_id}' in this server's bank '{bank_id}'.")
        await self.repo.audit(
            AuditEntry(
                guild_id, actor_id, "remove-question", f"{bank_id}/{question_id}", self.clock.now()
            )
        )
        self.catalog.invalidate(guild_id)


def _lines(text: str) -> list[str]:
    return [line for line in (x.strip() for x in text.splitlines()) if line]
