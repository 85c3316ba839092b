"""A member's points per week and recent misses: the contract, on SQLite and on PostgreSQL."""

import pytest

from bot.storage.records import AnswerRow, Miss, iso_week
from tests.storage.test_contract import NOW, game

WEEK = 7 * 86400


def row(game_id, number, player, points, *, at, guild=10, question=None, bank="geo"):
    return AnswerRow(
        game_id,
        number,
        player,
        f"P{player}",
        guild,
        bank,
        question or f"q{number}",
        points > 0,
        points,
        1500,
        at,
    )


async def test_points_per_week_for_one_member_in_one_server(repo):
    g = await repo.create_game(game())
    other = await repo.create_game(game(guild=20, channel=200))
    await repo.record_answers(
        [
            row(g, 1, 1, 900, at=NOW),
            row(g, 2, 1, 300, at=NOW + 60),
            row(g, 3, 1, 500, at=NOW - 2 * WEEK),
            row(g, 4, 1, 700, at=NOW - 20 * WEEK),  # outside the weeks asked
            row(g, 1, 2, 800, at=NOW),  # another member
            row(other, 1, 1, 100, at=NOW, guild=20),  # another server
        ]
    )
    weeks = [iso_week(NOW - i * WEEK) for i in range(11, -1, -1)]
    assert await repo.weekly_points(10, 1, weeks) == {
        iso_week(NOW): 1200,
        iso_week(NOW - 2 * WEEK): 500,
    }
    assert await repo.weekly_points(10, 1, weeks[-1:]) == {iso_week(NOW): 1200}
    assert await repo.weekly_points(10, 3, weeks) == {}
    with pytest.raises(ValueError, match="1 to 12 weeks"):
        await repo.weekly_points(10, 1, [*weeks, "2027-W01"])


async def test_recent_misses_are_distinct_questions_latest_first(repo):
    g = await repo.create_game(game())
    other = await repo.create_game(game(guild=20, channel=200))
    await repo.record_answers(
        [
            row(g, 1, 1, 0, at=NOW - 300, question="a"),
            row(g, 2, 1, 0, at=NOW - 200, question="b"),
            row(g, 3, 1, 0, at=NOW - 100, question="a"),  # missed again: one entry, later
            row(g, 4, 1, 900, at=NOW - 50, question="c"),  # right: not a miss
            row(g, 5, 1, 0, at=NOW - 10, question="d", bank="sci"),
            row(g, 1, 2, 0, at=NOW, question="e"),  # another member
            row(other, 1, 1, 0, at=NOW, guild=20, question="f"),  # another server
        ]
    )
    assert await repo.recent_misses(10, 1) == [
        Miss("sci", "d", NOW - 10),
        Miss("geo", "a", NOW - 100),
        Miss("geo", "b", NOW - 200),
    ]
    assert [m.question_id for m in await repo.recent_misses(10, 1, limit=2)] == ["d", "a"]
    assert await repo.recent_misses(10, 3) == []
