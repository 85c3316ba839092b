"""Question reports and disabled questions: SQL both backends run as written (see portable.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.storage.records import CustomQuestionRow, ReportedQuestion, ReportRow

_SELECT_REPORTS = (
    "SELECT guild_id, bank_id, question_id, reporter_id, reason, note, question_text, "
    "created_at FROM question_reports "
)
# the key refuses a second report; DO NOTHING tells it apart from a broken CHECK
_ADD_REPORT = (
    "INSERT INTO question_reports (guild_id, bank_id, question_id, reporter_id, reason, note, "
    "question_text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (guild_id, bank_id, question_id, reporter_id) DO NOTHING"
)
_HAS_REPORTED = (
    "SELECT 1 FROM question_reports WHERE guild_id = ? AND bank_id = ? AND question_id = ? "
    "AND reporter_id = ?"
)
_REPORTED = (
    "SELECT r.bank_id, r.question_id, COUNT(*), MAX(r.created_at), "
    "MAX(CASE WHEN d.guild_id IS NULL THEN 0 ELSE 1 END) "
    "FROM question_reports r LEFT JOIN disabled_questions d ON d.guild_id = r.guild_id "
    "AND d.bank_id = r.bank_id AND d.question_id = r.question_id WHERE r.guild_id = ? "
    "GROUP BY r.bank_id, r.question_id ORDER BY MAX(r.created_at) DESC, MAX(r.id) DESC"
)
_ONE_QUESTION = (
    _SELECT_REPORTS + "WHERE guild_id = ? AND bank_id = ? AND question_id = ? "
    "ORDER BY created_at DESC, id DESC"
)
_ONE_QUESTION_EVERYWHERE = (
    _SELECT_REPORTS + "WHERE bank_id = ? AND question_id = ? ORDER BY created_at DESC, id DESC"
)
_ON_BANK = _SELECT_REPORTS + "WHERE bank_id = ? ORDER BY question_id, created_at, id"
_DISABLE = (
    "INSERT INTO disabled_questions (guild_id, bank_id, question_id, disabled_by, disabled_at) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, bank_id, question_id) DO NOTHING"
)
_ENABLE = "DELETE FROM disabled_questions WHERE guild_id = ? AND bank_id = ? AND question_id = ?"
_DISABLED = "SELECT bank_id, question_id FROM disabled_questions WHERE guild_id = ?"
_REPLACE_CUSTOM = (
    "UPDATE custom_questions SET data = ? WHERE guild_id = ? AND bank_id = ? AND question_id = ?"
)
# part of forgetting a member in one server: (guild_id, player_id), as portable.py's _FORGET
FORGET_REPORTS = "DELETE FROM question_reports WHERE guild_id = ? AND reporter_id = ?"

Step = tuple[str, Sequence[Any]]


def _report(row: Any) -> ReportRow:
    return ReportRow(
        int(row[0]), row[1], row[2], int(row[3]), row[4], row[5], row[6], float(row[7])
    )


class ReportsSql:
    """The Repository's report methods, over the backend's primitives (see PortableSql)."""

    async def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        raise NotImplementedError

    async def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        raise NotImplementedError

    async def _execute(self, steps: Sequence[Step]) -> list[int]:
        raise NotImplementedError

    async def add_report(self, row: ReportRow) -> bool:
        """False when this player already reported this question in this server."""
        (added,) = await self._execute(
            [
                (
                    _ADD_REPORT,
                    (
                        row.guild_id,
                        row.bank_id,
                        row.question_id,
                        row.reporter_id,
                        row.reason,
                        row.note,
                        row.question_text,
                        row.created_at,
                    ),
                )
            ]
        )
        return added == 1

    async def has_reported(
        self, guild_id: int, bank_id: str, question_id: str, reporter_id: int
    ) -> bool:
        row = await self._one(_HAS_REPORTED, (guild_id, bank_id, question_id, reporter_id))
        return row is not None

    async def reported_questions(self, guild_id: int) -> list[ReportedQuestion]:
        """Every reported question of a server, the most recently reported first."""
        rows = await self._all(_REPORTED, (guild_id,))
        return [ReportedQuestion(r[0], r[1], int(r[2]), float(r[3]), bool(r[4])) for r in rows]

    async def question_reports(
        self, guild_id: int | None, bank_id: str, question_id: str
    ) -> list[ReportRow]:
        """One question's reports, newest first; every server's when `guild_id` is None."""
        if guild_id is None:
            rows = await self._all(_ONE_QUESTION_EVERYWHERE, (bank_id, question_id))
        else:
            rows = await self._all(_ONE_QUESTION, (guild_id, bank_id, question_id))
        return [_report(r) for r in rows]

    async def reports_on_banks(self, bank_ids: Sequence[str]) -> list[ReportRow]:
        """Every server's reports on these banks (the shipped ones, for their maintainers)."""
        out: list[ReportRow] = []
        for bank_id in sorted(set(bank_ids)):  # a handful of shipped banks: one query each
            out.extend(_report(r) for r in await self._all(_ON_BANK, (bank_id,)))
        return out

    async def set_question_disabled(
        self,
        guild_id: int,
        bank_id: str,
        question_id: str,
        *,
        disabled: bool,
        actor_id: int,
        at: float,
    ) -> bool:
        """Whether anything changed."""
        if disabled:
            step: Step = (_DISABLE, (guild_id, bank_id, question_id, actor_id, at))
        else:
            step = (_ENABLE, (guild_id, bank_id, question_id))
        (changed,) = await self._execute([step])
        return changed == 1

    async def disabled_questions(self, guild_id: int) -> frozenset[str]:
        """Keys (`bank/question`) never drawn in this server."""
        rows = await self._all(_DISABLED, (guild_id,))
        return frozenset(f"{b}/{q}" for b, q in rows)

    async def replace_custom_question(self, row: CustomQuestionRow) -> bool:
        """An admin's edit of one of a server's own questions, found from its reports."""
        (changed,) = await self._execute(
            [(_REPLACE_CUSTOM, (row.data, row.guild_id, row.bank_id, row.question_id))]
        )
        return changed == 1
