"""Seasons on a real SQLite file: a new one closes the one before, audited; names are unique."""

import pytest

from bot.engine.errors import InvalidSetting
from bot.game.seasons import start_season


async def test_a_season_closes_the_one_before_and_is_audited(repo):
    assert await start_season(repo, 10, "Winter", 42, 1000.0) is None
    closed = await start_season(repo, 10, "Spring", 43, 2000.0)
    assert closed is not None and closed.name == "Winter"
    with pytest.raises(InvalidSetting, match="already had a season named 'Winter'"):
        await start_season(repo, 10, "Winter", 42, 3000.0)
    assert [(e.actor_id, e.action, e.detail) for e in await repo.audit_log(10)] == [
        (43, "season-start", "Spring (closed Winter)"),
        (42, "season-start", "Winter (no season was open)"),
    ]
    current = await repo.season(10)
    assert current is not None and current.name == "Spring"


async def test_a_season_name_is_a_game_rule_for_any_front_end(repo):
    """Refused here, not only in a cog: ':' would break the id a Discord board carries it in."""
    with pytest.raises(InvalidSetting, match="Season names are 1-32 letters"):
        await start_season(repo, 10, "Winter: the sequel", 42, 1000.0)
    with pytest.raises(InvalidSetting):
        await start_season(repo, 10, "x" * 33, 42, 1000.0)
    assert await repo.seasons(10) == []
    await start_season(repo, 10, "  Winter   2026 ", 42, 1000.0)
    current = await repo.season(10)
    assert current is not None and current.name == "Winter 2026"
