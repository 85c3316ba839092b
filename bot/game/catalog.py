"""Which banks a server can play: the shipped ones plus its own stored questions."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import replace

from bot.engine.errors import UnknownBank
from bot.engine.models import Bank, Question
from bot.engine.validation import question_from_data
from bot.storage.repository import Repository

# Console play has no server; its games are stored under this guild id.
LOCAL_GUILD = 0

log = logging.getLogger(__name__)


class Catalog:
    """Shipped banks in memory, each server's custom banks built from storage on demand."""

    def __init__(self, shipped: Sequence[Bank], repo: Repository) -> None:
        self.shipped = {b.id: b for b in shipped}
        self._repo = repo
        self._custom: dict[int, dict[str, Bank]] = {}
        self._disabled: dict[int, frozenset[str]] = {}

    async def custom_banks(self, guild_id: int) -> dict[str, Bank]:
        """A server's own banks; cached until an admin changes them."""
        cached = self._custom.get(guild_id)
        if cached is not None:
            return cached
        grouped: dict[str, list[Question]] = {}
        for row in await self._repo.custom_questions(guild_id):
            # validated when it was stored; rebuilt as it is, with no judge calls
            try:
                question = question_from_data(json.loads(row.data), bank_id=row.bank_id)
            except (ValueError, KeyError, TypeError) as exc:
                log.error(
                    "guild %d: stored question %s/%s no longer loads: %r",
                    guild_id,
                    row.bank_id,
                    row.question_id,
                    exc,
                )
                continue
            grouped.setdefault(row.bank_id, []).append(question)
        banks = {
            bank_id: Bank(
                id=bank_id,
                title=bank_id,
                description="This server's own questions.",
                questions=tuple(qs),
                origin="custom",
                guild_id=guild_id,
            )
            for bank_id, qs in grouped.items()
        }
        self._custom[guild_id] = banks
        return banks

    def bank_guild(self, guild_id: int, bank_id: str) -> int:
        """Whose bank an id names, as boards store it: 0 if shipped, else this server's."""
        return 0 if bank_id in self.shipped else guild_id

    def invalidate(self, guild_id: int) -> None:
        """After a change, or when the bot leaves the server."""
        self._custom.pop(guild_id, None)
        self._disabled.pop(guild_id, None)

    async def without_disabled(self, guild_id: int, banks: Sequence[Bank]) -> list[Bank]:
        """The banks as this server draws them: questions its admins disabled left out."""
        disabled = self._disabled.get(guild_id)
        if disabled is None:
            disabled = self._disabled[guild_id] = await self._repo.disabled_questions(guild_id)
        if not disabled:
            return list(banks)
        return [
            replace(b, questions=tuple(q for q in b.questions if q.key not in disabled))
            if any(q.key in disabled for q in b.questions)
            else b
            for b in banks
        ]

    async def available(self, guild_id: int) -> list[Bank]:
        """Every bank a server may start a round with, shipped ones first."""
        return [*self.shipped.values(), *(await self.custom_banks(guild_id)).values()]

    async def resolve(self, guild_id: int, bank_ids: Sequence[str]) -> list[Bank]:
        """Banks by id for one server; no ids means every shipped bank."""
        if not bank_ids:
            return list(self.shipped.values())
        custom = await self.custom_banks(guild_id)
        out: list[Bank] = []
        for bank_id in bank_ids:
            bank = self.shipped.get(bank_id) or custom.get(bank_id)
            if bank is None:
                raise UnknownBank(bank_id, sorted([*self.shipped, *custom]))
            out.append(bank)
        return out
