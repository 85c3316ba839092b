"""Seasons for any front-end: a new one closes the one before, and the change is audited."""

from __future__ import annotations

import re

from bot.engine.errors import InvalidSetting
from bot.storage.errors import DuplicateSeason
from bot.storage.records import AuditEntry, SeasonRow
from bot.storage.repository import Repository

# what a season may be called: a front-end may carry it in an id after a ':' (the Discord
# board's paging buttons do)
SEASON_NAME = re.compile(r"[\w .#'-]{1,32}")


def season_name(name: str) -> str:
    """A season's name as stored, its runs of spaces made one; InvalidSetting if it can't be."""
    tidy = " ".join(name.split())
    if not SEASON_NAME.fullmatch(tidy):
        raise InvalidSetting("Season names are 1-32 letters, digits, spaces or . # ' - _")
    return tidy


async def start_season(
    repo: Repository, guild_id: int, name: str, actor_id: int, now: float
) -> SeasonRow | None:
    """Start season `name` (see season_name) in a server; the season it closed, None if none
    was open."""
    name = season_name(name)
    before = await repo.season(guild_id)
    try:
        await repo.start_season(guild_id, name, actor_id, now)
    except DuplicateSeason:
        raise InvalidSetting(
            f"This server already had a season named '{name}'; pick another name."
        ) from None
    closed = f"closed {before.name}" if before else "no season was open"
    await repo.audit(AuditEntry(guild_id, actor_id, "season-start", f"{name} ({closed})", now))
    return before
