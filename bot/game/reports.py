"""Players' reports of bad questions, and the admin side: read them, take a question out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.engine.clock import Clock
from bot.engine.errors import TriviaError
from bot.engine.models import Player, Question
from bot.game.catalog import Catalog
from bot.storage.records import REPORT_REASONS, AuditEntry, ReportedQuestion, ReportRow
from bot.storage.repository import Repository

MAX_NOTE = 500
REASON_NAMES = {
    "wrong-answer": "Wrong answer",
    "unclear": "Unclear",
    "typo": "Typo",
    "offensive": "Offensive",
    "other": "Other",
}


class AlreadyReported(TriviaError):
    def __init__(self) -> None:
        super().__init__(
            "You already reported this question; this server's admins have your report."
        )


@dataclass(frozen=True, slots=True)
class ReportDetails:
    """What an admin sees of one reported question."""

    summary: ReportedQuestion
    text: str
    counts: tuple[tuple[str, int], ...]
    notes: tuple[tuple[float, str, str], ...]  # (when, reason, note), newest first
    editable: bool  # one of this server's own questions

    @property
    def key(self) -> str:
        return f"{self.summary.bank_id}/{self.summary.question_id}"


def split_key(key: str) -> tuple[str, str]:
    """`bank/question` -> its two ids; anything else is not a question we know."""
    bank_id, sep, question_id = key.partition("/")
    if not sep or not bank_id or not question_id:
        raise TriviaError("That question is not one this bot knows.")
    return bank_id, question_id


class QuestionReports:
    """Every report and every disable goes through here, and into the audit log."""

    def __init__(self, repo: Repository, catalog: Catalog, clock: Clock) -> None:
        self.repo = repo
        self.catalog = catalog
        self.clock = clock

    async def question(self, guild_id: int, bank_id: str, question_id: str) -> Question | None:
        """The question as this server plays it: a shipped bank's or one of its own."""
        bank = self.catalog.shipped.get(bank_id)
        if bank is None:
            bank = (await self.catalog.custom_banks(guild_id)).get(bank_id)
        return bank.question(question_id) if bank is not None else None

    async def check_can_report(self, guild_id: int, key: str, player_id: int) -> None:
        """Before the form opens: a second report would only be refused after typing it."""
        bank_id, question_id = split_key(key)
        if await self.repo.has_reported(guild_id, bank_id, question_id, player_id):
            raise AlreadyReported()

    async def report(
        self, guild_id: int, player: Player, key: str, reason: str, note: str
    ) -> ReportRow:
        bank_id, question_id = split_key(key)
        if reason not in REPORT_REASONS:
            raise TriviaError(f"Pick one of the reasons: {', '.join(REASON_NAMES.values())}.")
        question = await self.question(guild_id, bank_id, question_id)
        if question is None:
            raise TriviaError("That question is no longer in this server's banks.")
        row = ReportRow(
            guild_id,
            bank_id,
            question_id,
            player.id,
            reason,
            note.strip()[:MAX_NOTE],
            question.text,
            self.clock.now(),
        )
        if not await self.repo.add_report(row):
            raise AlreadyReported()
        await self.repo.audit(
            AuditEntry(guild_id, player.id, "report-question", f"{key}: {reason}", row.created_at)
        )
        return row

    async def reported(self, guild_id: int) -> list[ReportedQuestion]:
        return await self.repo.reported_questions(guild_id)

    async def details(self, guild_id: int, summary: ReportedQuestion) -> ReportDetails:
        rows = await self.repo.question_reports(guild_id, summary.bank_id, summary.question_id)
        question = await self.question(guild_id, summary.bank_id, summary.question_id)
        counts = Counter(r.reason for r in rows)
        custom = await self.catalog.custom_banks(guild_id)
        return ReportDetails(
            summary=summary,
            text=question.text if question is not None else (rows[0].question_text if rows else ""),
            counts=tuple((r, counts[r]) for r in REPORT_REASONS if counts[r]),
            notes=tuple((r.created_at, r.reason, r.note) for r in rows if r.note),
            editable=summary.bank_id in custom and question is not None,
        )

    async def set_disabled(self, guild_id: int, actor_id: int, key: str, disabled: bool) -> bool:
        """Disabled questions are never drawn in this server; shipped banks stay as they are."""
        bank_id, question_id = split_key(key)
        now = self.clock.now()
        changed = await self.repo.set_question_disabled(
            guild_id, bank_id, question_id, disabled=disabled, actor_id=actor_id, at=now
        )
        if changed:
            action = "disable-question" if disabled else "enable-question"
            await self.repo.audit(AuditEntry(guild_id, actor_id, action, key, now))
            self.catalog.invalidate(guild_id)
        return changed


async def shipped_reports(repo: Repository, catalog: Catalog) -> list[dict[str, Any]]:
    """Every server's reports on the shipped banks, one entry per question, for maintainers.

    Reporters are not named: the maintainers need the problem, not who saw it.
    """
    rows = await repo.reports_on_banks(sorted(catalog.shipped))
    grouped: dict[tuple[str, str], list[ReportRow]] = {}
    for row in rows:
        grouped.setdefault((row.bank_id, row.question_id), []).append(row)
    out: list[dict[str, Any]] = []
    for (bank_id, question_id), reports in grouped.items():
        question = catalog.shipped[bank_id].question(question_id)
        counts = Counter(r.reason for r in reports)
        entry: dict[str, Any] = {
            "bank": bank_id,
            "question": question_id,
            "text": question.text if question is not None else reports[-1].question_text,
            "reports": len(reports),
            "servers": len({r.guild_id for r in reports}),
            "reasons": {r: counts[r] for r in REPORT_REASONS if counts[r]},
            "notes": [_note(r) for r in reports if r.note],
        }
        if question is None:
            entry["gone"] = True  # no longer in the bank: fixed or removed since
        out.append(entry)
    out.sort(key=lambda e: (-e["reports"], e["bank"], e["question"]))
    return out


def _note(row: ReportRow) -> dict[str, str]:
    day = datetime.fromtimestamp(row.created_at, UTC).date().isoformat()
    return {"date": day, "reason": row.reason, "note": row.note}


def reason_counts(counts: Sequence[tuple[str, int]]) -> str:
    return " · ".join(f"{REASON_NAMES[r]}: {n}" for r, n in counts)
