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
