"""Seasons for any front-end: a new one closes the one before, and the change is audited."""

from __future__ import annotations

from bot.engine.errors import InvalidSetting
from bot.storage.errors import DuplicateSeason
from bot.storage.records import AuditEntry, SeasonRow
from bot.storage.repository import Repository


async def start_season(
    repo: Repository, guild_id: int, name: str, actor_id: int, now: float
) -> SeasonRow | None:
    """Start season `name` in a server; the season it closed, None if none was open."""
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
