"""Month and season boards: the contract, on SQLite and on PostgreSQL."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.storage.errors import DuplicateSeason
from bot.storage.records import GameStatus, Period
from tests.storage.test_contract import answer, game

NOV_30 = datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC).timestamp()
DEC_1 = datetime(2026, 12, 1, 0, 0, 0, tzinfo=UTC).timestamp()


def points(board):
    return [(r.player_id, r.points) for r in board]


async def test_month_board_is_the_calendar_month_in_utc(repo):
    g = await repo.create_game(game(started=NOV_30))
    await repo.record_answers([answer(g, 1, 1, 500, at=NOV_30), answer(g, 2, 2, 300, at=DEC_1)])
    await repo.record_answers([answer(g, 3, 1, 100, at=DEC_1, bank="mi-running")])
    november = await repo.leaderboard(10, period=Period.MONTH, now=NOV_30)
    december = await repo.leaderboard(10, period=Period.MONTH, now=DEC_1 + 86400 * 30)
    assert points(november) == [(1, 500)]
    assert points(december) == [(2, 300), (1, 100)]
    assert await repo.board_size(10, period=Period.MONTH, now=DEC_1) == 2
    one_bank = await repo.leaderboard(10, period=Period.MONTH, now=DEC_1, bank_id="mi-running")
    assert points(one_bank) == [(1, 100)]
    page = await repo.board_page(10, viewer_id=1, period=Period.MONTH, now=DEC_1)
    assert page.me is not None and (page.me.rank, page.me.points) == (2, 100)


async def test_a_closed_season_keeps_its_board_and_a_new_one_starts_empty(repo):
    g = await repo.create_game(game())
    await repo.record_answers([answer(g, 1, 1, 900)])  # before any season: in none
    assert await repo.season(10) is None
    assert await repo.leaderboard(10, period=Period.SEASON, now=DEC_1) == []
    assert not await repo.start_season(10, "Winter", actor_id=5, now=DEC_1)
    await repo.record_answers([answer(g, 2, 1, 100), answer(g, 2, 2, 400)])
    assert await repo.start_season(10, "Spring", actor_id=5, now=DEC_1 + 10)
    await repo.record_answers([answer(g, 3, 2, 50), answer(g, 3, 3, 70, guild=11)])
    winter = await repo.leaderboard(10, period=Period.SEASON, now=DEC_1, season="Winter")
    assert points(winter) == [(2, 400), (1, 100)]
    current = await repo.board_page(10, viewer_id=2, period=Period.SEASON, now=DEC_1)
    assert points(current.rows) == [(2, 50)] and current.me is not None
    assert await repo.board_size(10, period=Period.SEASON, now=DEC_1, season="Spring") == 1
    assert await repo.leaderboard(10, period=Period.SEASON, now=DEC_1, season="Nope") == []
    assert await repo.leaderboard(11, period=Period.SEASON, now=DEC_1) == []  # no season there
    assert [(s.name, s.ended_at) for s in await repo.seasons(10)] == [
        ("Spring", None),
        ("Winter", DEC_1 + 10),
    ]
    with pytest.raises(DuplicateSeason):
        await repo.start_season(10, "Winter", actor_id=5, now=DEC_1 + 20)
    assert (await repo.season(10)).name == "Spring"  # the failed start changed nothing
    # all-time still holds everything
    assert points(await repo.leaderboard(10, period=Period.ALL_TIME, now=DEC_1)) == [
        (1, 1000),
        (2, 450),
    ]
    await repo.end_game(g, GameStatus.FINISHED, DEC_1, [])


async def test_a_season_board_for_one_bank_reads_the_season_span(repo):
    g = await repo.create_game(game())
    await repo.record_answers([answer(g, 1, 1, 900, at=DEC_1 - 5, bank="mi-running")])
    await repo.start_season(10, "Winter", actor_id=5, now=DEC_1)
    await repo.record_answers([answer(g, 2, 1, 100, at=DEC_1 + 1, bank="mi-running")])
    await repo.record_answers([answer(g, 3, 1, 30, at=DEC_1 + 2)])
    board = await repo.leaderboard(
        10, period=Period.SEASON, now=DEC_1, bank_id="mi-running", season="Winter"
    )
    assert points(board) == [(1, 100)]


async def test_reset_clears_month_and_season_boards_and_forget_a_member(repo):
    await repo.start_season(10, "Winter", actor_id=5, now=NOV_30 - 10)
    g = await repo.create_game(game(started=NOV_30))
    await repo.record_answers([answer(g, 1, 1, 500, at=NOV_30), answer(g, 1, 2, 300, at=NOV_30)])
    await repo.forget_member(10, 1)
    assert points(await repo.leaderboard(10, period=Period.MONTH, now=NOV_30)) == [(2, 300)]
    assert points(await repo.leaderboard(10, period=Period.SEASON, now=NOV_30)) == [(2, 300)]
    await repo.reset_leaderboard(10)
    assert await repo.leaderboard(10, period=Period.MONTH, now=NOV_30) == []
    assert await repo.leaderboard(10, period=Period.SEASON, now=NOV_30) == []
    assert (await repo.season(10)).name == "Winter"  # the season itself goes on
    assert await repo.check_consistency() == []


async def test_db_check_compares_month_totals_with_the_answers(repo, backend):
    g = await repo.create_game(game(started=NOV_30))
    await repo.record_answers([answer(g, 1, 1, 500, at=NOV_30), answer(g, 2, 1, 300, at=DEC_1)])
    assert await repo.check_consistency() == []
    await backend.execute("UPDATE player_month_totals SET points = 7 WHERE month = '2026-12'")
    assert any("player_month_totals" in p for p in await repo.check_consistency())


async def test_db_check_bounds_each_members_season_totals_by_their_answers(repo, backend):
    g = await repo.create_game(game(started=NOV_30))
    await repo.record_answers([answer(g, 1, 1, 500, at=NOV_30 - 20)])  # before any season
    await repo.start_season(10, "Winter", actor_id=5, now=NOV_30 - 10)
    await repo.record_answers([answer(g, 2, 1, 300, at=NOV_30), answer(g, 2, 2, 0, at=NOV_30)])
    assert await repo.check_consistency() == []
    await backend.execute("UPDATE player_season_totals SET answered = 3 WHERE player_id = 1")
    assert any("player_season_totals" in p for p in await repo.check_consistency())
    await backend.execute("UPDATE player_season_totals SET answered = 1 WHERE player_id = 1")
    await backend.execute("DELETE FROM player_season_totals WHERE player_id = 2")  # lost
    assert any("player_season_totals" in p for p in await repo.check_consistency())
    await backend.execute(
        "INSERT INTO player_season_totals VALUES (10, 'Winter', 2, 0, 0, 1), "
        "(10, 'Nope', 3, 0, 0, 1)"  # a season that does not exist
    )
    assert any("player_season_totals" in p for p in await repo.check_consistency())
    await backend.execute("DELETE FROM player_season_totals WHERE season = 'Nope'")
    assert await repo.check_consistency() == []


def test_a_season_ended_at_zero_is_closed_not_open():
    from bot.storage.portable import board_key
    from bot.storage.records import SeasonRow

    ended = SeasonRow(10, "Old", -100.0, 0.0, 5)
    _, params = board_key(10, Period.SEASON, 50.0, "geo", season=ended)
    assert params[-2:] == [-100.0, 0.0]


async def test_all_servers_month_board_sums_every_servers_month(repo):
    g = await repo.create_game(game(started=NOV_30))
    h = await repo.create_game(game(guild=11, channel=2, started=NOV_30))
    await repo.record_answers([answer(g, 1, 1, 500, at=NOV_30), answer(g, 1, 2, 300, at=DEC_1)])
    await repo.record_answers([answer(h, 1, 2, 400, guild=11, at=DEC_1)])
    await repo.record_answers([answer(h, 2, 1, 100, guild=11, at=DEC_1)])
    # an upsert's update; and a server nickname, which all-servers boards do not show
    nick = replace(answer(h, 3, 1, 50, guild=11, at=DEC_1), player_name="Nick", global_name="Ann")
    await repo.record_answers([nick])
    december = await repo.board_page(None, viewer_id=1, period=Period.MONTH, now=DEC_1)
    assert points(december.rows) == [(2, 700), (1, 150)]
    assert [r.name for r in december.rows] == ["P2", "Ann"]
    assert [r.name for r in await repo.leaderboard(11, period=Period.MONTH, now=DEC_1)] == [
        "P2",
        "Nick",
    ]
    assert december.size == 2 and (december.me.rank, december.me.points) == (2, 150)
    assert points(await repo.leaderboard(None, period=Period.MONTH, now=NOV_30)) == [(1, 500)]
    assert await repo.check_consistency() == []
    # a member forgotten in one server, then a server purged: the other server's stay
    await repo.forget_member(11, 2)
    assert points(await repo.leaderboard(None, period=Period.MONTH, now=DEC_1)) == [
        (2, 300),
        (1, 150),
    ]
    await repo.purge_guild(10)
    assert points(await repo.leaderboard(None, period=Period.MONTH, now=DEC_1)) == [(1, 150)]
    assert points(await repo.leaderboard(None, period=Period.MONTH, now=NOV_30)) == []
    await repo.reset_leaderboard(11)
    assert await repo.board_size(None, period=Period.MONTH, now=DEC_1) == 0
    assert await repo.check_consistency() == []
    with pytest.raises(ValueError, match="no bank filter"):
        await repo.leaderboard(None, period=Period.MONTH, now=DEC_1, bank_id="geo")
    with pytest.raises(ValueError, match="one server"):
        await repo.leaderboard(None, period=Period.SEASON, now=DEC_1)


async def test_db_check_compares_all_servers_month_totals(repo, backend):
    g = await repo.create_game(game(started=NOV_30))
    await repo.record_answers([answer(g, 1, 1, 500, at=NOV_30)])
    await repo.settle()  # counted: the totals row exists to be tampered with
    await backend.execute("UPDATE global_month_totals SET points = 7")
    assert any("global_month_totals" in p for p in await repo.check_consistency())
