"""The Repository contract: every test runs on SQLite and on PostgreSQL (see conftest.py)."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.storage.errors import DuplicateCustomQuestion, DuplicateRunningGame
from bot.storage.records import (
    AnswerRow,
    AuditEntry,
    CustomQuestionRow,
    GameStatus,
    GuildSettingsRow,
    NewGame,
    Participant,
    Period,
    ServerChange,
    ServerChanged,
    iso_week,
)

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC).timestamp()  # a Wednesday


async def change(repo, guild, **what):
    """One change to a server's settings, limits or channels, with no audit row."""
    return await repo.change_server(ServerChange(guild, NOW, **what), lambda _: [])


def game(guild=10, channel=100, started=NOW):
    return NewGame(guild, channel, ("geo",), "buttons", 1, 5, 20.0, started)


def answer(game_id, number, player, points, *, guild=10, correct=None, at=NOW, bank="geo"):
    return AnswerRow(
        game_id,
        number,
        player,
        f"P{player}",
        guild,
        bank,
        f"q{number}",
        points > 0 if correct is None else correct,
        points,
        1500,
        at,
    )


async def test_one_running_game_per_channel(repo):
    first = await repo.create_game(game())
    with pytest.raises(DuplicateRunningGame):
        await repo.create_game(game())
    await repo.end_game(first, GameStatus.FINISHED, NOW, [])
    await repo.create_game(game())


async def test_totals_equal_the_sum_of_answers_after_interleaved_games(repo):
    g1 = await repo.create_game(game(channel=1))
    g2 = await repo.create_game(game(channel=2))
    await repo.record_answers([answer(g1, 1, 1, 900), answer(g2, 1, 1, 800)])
    await repo.record_answers([answer(g1, 1, 2, 0), answer(g2, 1, 2, 700)])
    await repo.record_answers([answer(g1, 2, 1, 0), answer(g2, 2, 1, 1000)])
    await repo.end_game(
        g1, GameStatus.FINISHED, NOW, [Participant(1, 1, True), Participant(2, 0, False)]
    )
    await repo.end_game(
        g2, GameStatus.FINISHED, NOW, [Participant(1, 2, False), Participant(2, 1, True)]
    )
    board = await repo.leaderboard(10, period=Period.ALL_TIME, now=NOW)
    assert [(r.player_id, r.points, r.correct, r.answered) for r in board] == [
        (1, 2700, 3, 4),
        (2, 700, 1, 2),
    ]
    stats = await repo.player_stats(10, 1, period=Period.ALL_TIME, now=NOW)
    assert (stats.games, stats.wins, stats.best_streak, stats.rank) == (2, 1, 2, 1)
    assert await repo.check_consistency() == []


async def test_a_repeated_answer_is_stored_and_counted_once(repo):
    g = await repo.create_game(game())
    assert await repo.record_answers([answer(g, 1, 1, 900)]) == 1
    assert await repo.record_answers([answer(g, 1, 1, 900)]) == 0
    board = await repo.leaderboard(10, period=Period.ALL_TIME, now=NOW)
    assert board[0].points == 900 and board[0].answered == 1


async def test_saved_is_told_once_per_call_by_the_time_it_returns(repo):
    """The answer writer replies to clicks from `saved`: once, even for nothing new."""
    g = await repo.create_game(game())
    told = []
    assert await repo.record_answers([answer(g, 1, 1, 900)], lambda: told.append(1)) == 1
    assert told == [1]
    assert await repo.record_answers([answer(g, 1, 1, 900)], lambda: told.append(2)) == 0
    assert await repo.record_answers([], lambda: told.append(3)) == 0
    assert told == [1, 2, 3]


async def test_ending_a_game_twice_counts_it_once(repo):
    g = await repo.create_game(game())
    await repo.record_answers([answer(g, 1, 1, 900)])
    assert await repo.end_game(g, GameStatus.FINISHED, NOW, [Participant(1, 1, True)])
    assert not await repo.end_game(g, GameStatus.STOPPED, NOW, [Participant(1, 1, True)])
    stats = await repo.player_stats(10, 1, period=Period.ALL_TIME, now=NOW)
    assert (stats.games, stats.wins) == (1, 1)


async def test_week_boundary_is_monday_midnight_utc(repo):
    sunday = datetime(2026, 11, 22, 23, 59, 59, tzinfo=UTC).timestamp()
    monday = datetime(2026, 11, 23, 0, 0, 0, tzinfo=UTC).timestamp()
    assert iso_week(sunday) == "2026-W47" and iso_week(monday) == "2026-W48"
    g = await repo.create_game(game())
    await repo.record_answers([answer(g, 1, 1, 900, at=sunday), answer(g, 2, 2, 500, at=monday)])
    last_week = await repo.leaderboard(10, period=Period.WEEK, now=sunday)
    this_week = await repo.leaderboard(10, period=Period.WEEK, now=monday)
    assert [r.player_id for r in last_week] == [1]
    assert [r.player_id for r in this_week] == [2]
    stats = await repo.player_stats(10, 1, period=Period.WEEK, now=monday)
    assert stats.points == 0
    alltime = await repo.leaderboard(10, period=Period.ALL_TIME, now=monday)
    assert [r.player_id for r in alltime] == [1, 2]


async def test_running_games_become_abandoned_and_keep_points(repo):
    g = await repo.create_game(game())
    await repo.record_answers([answer(g, 1, 1, 900)])
    abandoned = await repo.abandon_running_games(NOW + 60)
    assert [a.id for a in abandoned] == [g]
    row = await repo.get_game(g)
    assert row.status is GameStatus.ABANDONED and row.ended_at == NOW + 60
    assert await repo.running_game(100) is None
    assert (await repo.leaderboard(10, period=Period.ALL_TIME, now=NOW))[0].points == 900
    await repo.create_game(game())  # the channel is free again


async def test_guilds_are_isolated_and_global_board_sums_them(repo):
    g1 = await repo.create_game(game(guild=10, channel=1))
    g2 = await repo.create_game(game(guild=20, channel=2))
    await repo.record_answers(
        [
            answer(g1, 1, 1, 900, guild=10),
            answer(g2, 1, 1, 500, guild=20),
            answer(g2, 1, 2, 1000, guild=20),
        ]
    )
    assert [r.player_id for r in await repo.leaderboard(10, period=Period.ALL_TIME, now=NOW)] == [1]
    global_board = await repo.leaderboard(None, period=Period.ALL_TIME, now=NOW)
    assert [(r.player_id, r.points) for r in global_board] == [(1, 1400), (2, 1000)]


async def test_leaderboard_pages_and_ranks(repo):
    g = await repo.create_game(game())
    await repo.record_answers([answer(g, 1, p, 100 * p) for p in range(1, 26)])
    page2 = await repo.leaderboard(10, period=Period.ALL_TIME, now=NOW, limit=10, offset=10)
    assert [r.rank for r in page2] == list(range(11, 21))
    assert page2[0].player_id == 15
    assert await repo.board_size(10, period=Period.ALL_TIME, now=NOW) == 25
    stats = await repo.player_stats(10, 5, period=Period.ALL_TIME, now=NOW)
    assert stats.rank == 21


async def test_board_per_bank(repo):
    g = await repo.create_game(game())
    await repo.record_answers(
        [answer(g, 1, 1, 900, bank="geo"), answer(g, 2, 2, 800, bank="mi-running")]
    )
    board = await repo.leaderboard(10, period=Period.ALL_TIME, now=NOW, bank_id="mi-running")
    assert [r.player_id for r in board] == [2]


async def test_reset_and_forget(repo):
    g = await repo.create_game(game())
    await repo.record_answers([answer(g, 1, 1, 900), answer(g, 1, 2, 800)])
    assert await repo.forget_member(10, 1) == 1
    assert [r.player_id for r in await repo.leaderboard(10, period=Period.ALL_TIME, now=NOW)] == [2]
    assert await repo.check_consistency() == []
    await repo.reset_leaderboard(10)
    assert await repo.leaderboard(10, period=Period.ALL_TIME, now=NOW) == []
    assert await repo.check_consistency() == []


async def test_a_settings_change_sets_only_its_columns(repo):
    """Another admin's change to other columns, made meanwhile, stays; None is a value."""
    await change(repo, 10, settings={"questions": 15})
    assert await repo.guild_settings(10) == GuildSettingsRow(10, questions=15)
    await change(repo, 10, settings={"manager_role_id": 77, "starter_role_id": 5})
    await change(repo, 10, settings={"seconds": 30.0, "mode": "typed"})
    await change(repo, 10, settings={"starter_role_id": None, "guesses": 4})
    assert await repo.guild_settings(10) == GuildSettingsRow(10, 15, 30.0, "typed", 77, 4, None)
    assert await repo.guild_settings(11) == GuildSettingsRow(11)
    with pytest.raises(ValueError, match="not a settings column: guild_id"):
        await change(repo, 10, settings={"guild_id": 11})


async def test_a_reset_writes_its_audit_row_in_its_own_transaction(repo, monkeypatch):
    """The row names the players cleared; a reset that fails after it leaves neither."""
    from bot.storage import portable

    g = await repo.create_game(game())
    await repo.record_answers([answer(g, 1, 1, 900), answer(g, 1, 2, 800)])
    audit = AuditEntry(10, 7, "reset-leaderboard", " players cleared", NOW)
    monkeypatch.setattr(portable, "_RESET", (*portable._RESET, "DELETE FROM no_such_table"))
    with pytest.raises(Exception, match="no_such_table"):
        await repo.reset_leaderboard(10, audit)
    assert await repo.audit_log(10) == []
    assert len(await repo.leaderboard(10, period=Period.ALL_TIME, now=NOW)) == 2
    monkeypatch.undo()
    assert await repo.reset_leaderboard(10, audit) == 2
    assert await repo.audit_log(10) == [replace(audit, detail="2 players cleared")]
    assert await repo.leaderboard(10, period=Period.ALL_TIME, now=NOW) == []


async def test_forget_counts_the_answers_whatever_order_its_statements_run_in(repo, monkeypatch):
    from bot.storage import portable

    monkeypatch.setattr(portable, "_FORGET", tuple(reversed(portable._FORGET)))
    g = await repo.create_game(game())
    await repo.record_answers([answer(g, 1, 1, 900), answer(g, 2, 1, 0), answer(g, 1, 2, 800)])
    assert await repo.forget_member(10, 1) == 2
    assert await repo.check_consistency() == []


async def test_a_forget_holds_after_the_round_running_at_the_time_ends(repo):
    running = await repo.create_game(game(guild=10, channel=1))
    elsewhere = await repo.create_game(game(guild=20, channel=2))
    await repo.record_answers([answer(running, 1, 1, 900), answer(running, 1, 2, 500)])
    await repo.record_answers([answer(elsewhere, 1, 1, 400, guild=20)])
    assert await repo.forget_member(10, 1) == 1
    # the round goes on: the member's queued and later answers, then the end that counts them
    await repo.record_answers([answer(running, 2, 1, 800), answer(running, 2, 2, 100)])
    assert await repo.end_game(
        running, GameStatus.FINISHED, NOW, [Participant(1, 2, True), Participant(2, 1, False)]
    )
    board = await repo.leaderboard(10, period=Period.ALL_TIME, now=NOW)
    assert [(r.player_id, r.points) for r in board] == [(2, 600)]
    assert await repo.player_stats(10, 1, period=Period.ALL_TIME, now=NOW) is None
    assert await repo.member_guilds(1) == [20]  # the other server keeps what it has
    await repo.end_game(elsewhere, GameStatus.FINISHED, NOW, [Participant(1, 1, True)])
    there = await repo.player_stats(20, 1, period=Period.ALL_TIME, now=NOW)
    assert (there.points, there.games, there.wins) == (400, 1, 1)
    everywhere = await repo.leaderboard(None, period=Period.ALL_TIME, now=NOW)
    assert [(r.player_id, r.points) for r in everywhere] == [(2, 600), (1, 400)]
    # a round started after the forget counts the member again
    later = await repo.create_game(game(guild=10, channel=1))
    await repo.record_answers([answer(later, 1, 1, 300)])
    await repo.end_game(later, GameStatus.FINISHED, NOW, [Participant(1, 1, True)])
    again = await repo.player_stats(10, 1, period=Period.ALL_TIME, now=NOW)
    assert (again.points, again.games, again.wins, again.name) == (300, 1, 1, "P1")
    assert await repo.check_consistency() == []


async def test_member_guilds_are_every_server_a_forget_must_cover(repo):
    here = await repo.create_game(game(guild=10, channel=1))
    there = await repo.create_game(game(guild=20, channel=2))
    await repo.record_answers([answer(here, 1, 1, 900), answer(there, 1, 1, 0, guild=20)])
    await repo.record_answers([answer(there, 1, 2, 500, guild=20)])
    assert await repo.member_guilds(1) == [10, 20]
    assert await repo.member_guilds(2) == [20]
    for guild in await repo.member_guilds(1):
        await repo.forget_member(guild, 1)
    assert await repo.member_guilds(1) == []
    assert await repo.check_consistency() == []


async def test_custom_questions_are_all_or_nothing(repo):
    rows = [CustomQuestionRow(10, "ours", f"q{i}", "{}", 1, NOW) for i in range(3)]
    await repo.add_custom_questions(rows[:1])
    with pytest.raises(DuplicateCustomQuestion):
        await repo.add_custom_questions(rows)  # q0 clashes: nothing of this batch lands
    assert [r.question_id for r in await repo.custom_questions(10)] == ["q0"]
    assert await repo.custom_questions(20) == []
    assert await repo.remove_custom_question(10, "ours", "q0")
    assert not await repo.remove_custom_question(10, "ours", "q0")


async def test_settings_and_audit(repo):
    assert (await repo.guild_settings(10)).questions is None
    changes = {"questions": 15, "seconds": 30.0, "mode": "typed", "manager_role_id": 77}
    await change(repo, 10, settings={**changes, "guesses": 4})
    assert await repo.guild_settings(10) == GuildSettingsRow(10, 15, 30.0, "typed", 77, 4)
    assert (await repo.guild_settings(20)).questions is None
    await repo.audit(AuditEntry(10, 1, "reset-leaderboard", "", NOW))
    assert [e.action for e in await repo.audit_log(10)] == ["reset-leaderboard"]
    assert await repo.audit_log(20) == []


async def test_consistency_check_finds_tampering(repo, backend):
    g = await repo.create_game(game())
    await repo.record_answers([answer(g, 1, 1, 900)])
    await repo.settle()  # counted: the totals row exists to be tampered with
    await backend.execute("UPDATE player_totals SET points = 5")
    problems = await repo.check_consistency()
    assert any("player_totals" in p for p in problems)


async def test_recent_questions_per_channel(repo):
    g = await repo.create_game(game(channel=1))
    await repo.record_question(g, 1, "geo", "q1", NOW)
    await repo.record_question(g, 2, "geo", "q2", NOW + 5)
    assert await repo.recent_facts(1) == {"geo/q1": NOW, "geo/q2": NOW + 5}
    assert await repo.recent_facts(2) == {}


async def test_a_fact_is_recent_once_any_of_its_questions_was_asked(repo):
    g = await repo.create_game(game(channel=1))
    await repo.record_question(g, 1, "geo", "q1", NOW, "capital-of-italy")
    await repo.record_question(g, 2, "quiz", "rome", NOW + 5, "capital-of-italy")
    await repo.record_question(g, 3, "geo", "q3", NOW + 7, "geo/q3")
    assert await repo.recent_facts(1) == {"capital-of-italy": NOW + 5, "geo/q3": NOW + 7}


def places_audit(found: ServerChanged) -> list[AuditEntry]:
    """What the settings command writes: a row naming what the change found."""
    detail = f"cleared {found.cleared}, added {found.added}, removed {found.removed}"
    return [
        AuditEntry(10, 7, "settings", "questions=12", NOW),
        AuditEntry(10, 7, "places", detail, NOW),
    ]


async def test_a_server_change_is_written_whole_with_its_audit_rows(repo):
    await change(repo, 10, add_channel=5)
    await change(repo, 10, add_channel=8)
    await change(repo, 10, limits={"rounds.max": 3})
    whole = ServerChange(
        10,
        NOW,
        settings={"questions": 12, "starter_role_id": 4},
        limits={"start.member": 5.0, "rounds.max": None},
        clear_channels=True,
        add_channel=9,
        remove_channel=8,  # cleared already: removing it changes nothing
    )
    assert await repo.change_server(whole, places_audit) == ServerChanged(2, True, False)
    assert await repo.guild_settings(10) == GuildSettingsRow(10, questions=12, starter_role_id=4)
    assert await repo.guild_limits(10) == {"start.member": 5.0}
    assert await repo.round_channels(10) == {9}
    assert [(e.action, e.detail) for e in reversed(await repo.audit_log(10))] == [
        ("settings", "questions=12"),
        ("places", "cleared 2, added True, removed False"),
    ]
    again = ServerChange(10, NOW, add_channel=9, remove_channel=9)
    assert await repo.change_server(again, lambda found: []) == ServerChanged(0, False, True)
    assert await repo.round_channels(10) == frozenset()
    assert await repo.change_server(ServerChange(10, NOW), places_audit) == ServerChanged()
    assert len(await repo.audit_log(10)) == 2  # nothing asked: nothing written


async def test_a_server_change_that_fails_at_its_last_statement_leaves_nothing(repo, monkeypatch):
    from bot.storage import portable

    await change(repo, 10, add_channel=5)
    monkeypatch.setattr(portable, "_AUDIT", "INSERT INTO no_such_table VALUES (?, ?, ?, ?, ?)")
    whole = ServerChange(
        10, NOW, settings={"questions": 12}, limits={"start.member": 5.0}, clear_channels=True
    )
    with pytest.raises(Exception, match="no_such_table"):
        await repo.change_server(whole, places_audit)
    assert await repo.guild_settings(10) == GuildSettingsRow(10)
    assert await repo.guild_limits(10) == {}
    assert await repo.round_channels(10) == {5}
    monkeypatch.undo()
    assert await repo.audit_log(10) == []
    with pytest.raises(ValueError, match="not a settings column: guild_id"):
        await repo.change_server(ServerChange(10, NOW, settings={"guild_id": 11}), places_audit)


async def test_guild_limits_are_saved_per_server_and_reset(repo):
    assert await repo.guild_limits(10) == {}
    await change(repo, 10, limits={"start.member": 5})
    await change(repo, 10, limits={"start.member": 7.5})
    await change(repo, 10, limits={"rounds.max": 3})
    assert await repo.guild_limits(10) == {"start.member": 7.5, "rounds.max": 3.0}
    assert await repo.guild_limits(20) == {}
    await change(repo, 10, limits={"start.member": None})
    assert await repo.guild_limits(10) == {"rounds.max": 3.0}


async def test_a_departed_server_is_purged_after_the_grace_period_only(repo):
    """Everything keyed by the server goes; a player another server counts keeps a name."""
    for guild in (10, 20):
        g = await repo.create_game(game(guild=guild, channel=guild * 10))
        await repo.record_question(g, 1, "geo", "q1", NOW)
        await repo.record_answers([answer(g, 1, 1, 900, guild=guild)])
        await repo.end_game(g, GameStatus.FINISHED, NOW, [Participant(1, 1, True)])
        await repo.record_answers([answer(g, 2, guild, 500, guild=guild)])  # each its own player
        await change(repo, guild, settings={"questions": 5})
        await change(repo, guild, limits={"rounds.max": 2})
        await repo.add_custom_questions([CustomQuestionRow(guild, "ours", "q", "{}", 1, NOW)])
        await repo.audit(AuditEntry(guild, 1, "settings", "", NOW))
    await repo.mark_guild_departed(10, NOW)
    await repo.mark_guild_departed(20, NOW)
    await repo.mark_guild_departed(20, None)  # invited back before the purge
    assert await repo.departed_guilds(NOW) == []  # not yet past the grace period
    assert await repo.departed_guilds(NOW + 1) == [10]
    await repo.purge_guild(10)
    assert await repo.leaderboard(10, period=Period.ALL_TIME, now=NOW) == []
    assert await repo.custom_questions(10) == [] and await repo.audit_log(10) == []
    assert await repo.guild_limits(10) == {} and (await repo.guild_settings(10)).questions is None
    assert await repo.running_game(100) is None and await repo.recent_facts(100) == {}
    assert await repo.player_stats(None, 10, period=Period.ALL_TIME, now=NOW) is None
    kept = await repo.player_stats(None, 1, period=Period.ALL_TIME, now=NOW)
    assert kept is not None and kept.name == "P1" and kept.points == 900
    assert [r.player_id for r in await repo.leaderboard(20, period=Period.ALL_TIME, now=NOW)] == [
        1,
        20,
    ]
    everywhere = await repo.leaderboard(None, period=Period.ALL_TIME, now=NOW)
    assert [(r.player_id, r.points) for r in everywhere] == [(1, 900), (20, 500)]
    assert await repo.check_consistency() == []
    assert await repo.departed_guilds(NOW + 1) == []


def named(game_id, number, player, points, *, guild, name, global_name, bank="geo", bank_guild=0):
    row = answer(game_id, number, player, points, guild=guild, bank=bank)
    return AnswerRow(
        *(getattr(row, f) for f in AnswerRow.__slots__[:3]),
        name,
        *(getattr(row, f) for f in AnswerRow.__slots__[4:11]),
        global_name,
        bank_guild,
    )


async def test_names_are_per_server_and_global_on_all_servers_boards(repo):
    g1 = await repo.create_game(game(guild=10, channel=1))
    g2 = await repo.create_game(game(guild=20, channel=2))
    await repo.record_answers([named(g1, 1, 1, 900, guild=10, name="Ten", global_name="Al")])
    await repo.record_answers([named(g2, 1, 1, 800, guild=20, name="Twenty", global_name="Al")])
    assert [r.name for r in await repo.leaderboard(10, period=Period.ALL_TIME, now=NOW)] == ["Ten"]
    assert [r.name for r in await repo.leaderboard(20, period=Period.ALL_TIME, now=NOW)] == [
        "Twenty"
    ]
    everywhere = await repo.leaderboard(None, period=Period.WEEK, now=NOW)
    assert [(r.name, r.points) for r in everywhere] == [("Al", 1700)]
    assert (await repo.player_stats(10, 1, period=Period.ALL_TIME, now=NOW)).name == "Ten"
    assert (await repo.player_stats(None, 1, period=Period.WEEK, now=NOW)).points == 1700


async def test_a_name_is_written_again_only_when_it_changed(repo):
    """A returning player's unchanged names cost their commit no page (bench B4)."""
    g = await repo.create_game(game())
    first = named(g, 1, 1, 900, guild=10, name="Ten", global_name="Al")
    await repo.record_answers([first])
    await repo.record_answers([replace(first, number=2, answered_at=NOW + 60)])
    stamps = (
        "SELECT p.name, p.updated_at, m.name, m.updated_at FROM players p "
        "JOIN members m ON m.player_id = p.id WHERE p.id = ? AND m.guild_id = ?"
    )
    assert tuple(await repo._one(stamps, (1, 10))) == ("Al", NOW, "Ten", NOW)
    renamed = replace(first, number=3, answered_at=NOW + 120, player_name="T", global_name="Alan")
    await repo.record_answers([renamed])
    assert tuple(await repo._one(stamps, (1, 10))) == ("Alan", NOW + 120, "T", NOW + 120)
    assert [r.name for r in await repo.leaderboard(10, period=Period.ALL_TIME, now=NOW)] == ["T"]


async def test_two_servers_custom_banks_sharing_an_id_stay_apart(repo):
    g1 = await repo.create_game(game(guild=10, channel=1))
    g2 = await repo.create_game(game(guild=20, channel=2))
    await repo.record_answers(
        [
            named(g1, 1, 1, 900, guild=10, name="a", global_name="a", bank="ours", bank_guild=10),
            named(g2, 1, 2, 800, guild=20, name="b", global_name="b", bank="ours", bank_guild=20),
            named(g2, 2, 2, 700, guild=20, name="b", global_name="b", bank="geo"),
        ]
    )
    for period in (Period.ALL_TIME, Period.WEEK):  # the all-servers boards
        ours = await repo.leaderboard(None, period=period, now=NOW, bank_id="ours", bank_guild=10)
        assert [(r.player_id, r.points) for r in ours] == [(1, 900)]
        geo = await repo.leaderboard(None, period=period, now=NOW, bank_id="geo")
        assert [(r.player_id, r.points) for r in geo] == [(2, 700)]
        assert await repo.board_size(None, period=period, now=NOW, bank_id="ours") == 0


async def test_board_page_clamps_and_shows_the_viewers_own_row(repo):
    g = await repo.create_game(game())
    await repo.record_answers([answer(g, 1, p, 100 * p) for p in range(1, 26)])
    for guild in (10, None):
        shown = await repo.board_page(
            guild, viewer_id=3, period=Period.ALL_TIME, now=NOW, page=7, per_page=10
        )
        assert (shown.page, shown.size, len(shown.rows)) == (2, 25, 5)
        assert [r.rank for r in shown.rows] == [21, 22, 23, 24, 25]
        assert (shown.me.rank, shown.me.points, shown.me.name) == (23, 300, "P3")
        none = await repo.board_page(guild, viewer_id=99, period=Period.WEEK, now=NOW)
        assert none.me is None and none.page == 0 and [r.rank for r in none.rows][:2] == [1, 2]


async def test_reset_and_forget_leave_other_servers_all_servers_boards_right(repo):
    g1 = await repo.create_game(game(guild=10, channel=1))
    g2 = await repo.create_game(game(guild=20, channel=2))
    await repo.record_answers(
        [
            answer(g1, 1, 1, 900, guild=10),
            answer(g1, 1, 2, 500, guild=10),
            answer(g2, 1, 1, 300, guild=20),
            answer(g2, 1, 2, 200, guild=20),
        ]
    )
    assert await repo.forget_member(10, 1) == 1
    board = await repo.leaderboard(None, period=Period.ALL_TIME, now=NOW)
    assert [(r.player_id, r.points) for r in board] == [(2, 700), (1, 300)]
    assert await repo.check_consistency() == []
    await repo.reset_leaderboard(20)
    for period in (Period.ALL_TIME, Period.WEEK):  # the all-servers boards
        board = await repo.leaderboard(None, period=period, now=NOW, bank_id="geo")
        assert [(r.player_id, r.points) for r in board] == [(2, 500)]
        assert await repo.board_size(None, period=period, now=NOW) == 1
    assert await repo.check_consistency() == []


async def test_end_games_ends_many_in_one_call_and_each_once(repo):
    from bot.storage.records import GameEnd

    games = [await repo.create_game(game(channel=100 + i)) for i in range(3)]
    await repo.end_game(games[0], GameStatus.FINISHED, NOW, [])
    ends = [
        GameEnd(g, GameStatus.STOPPED, NOW, (Participant(1, 2, i == 1),))
        for i, g in enumerate(games)
    ]
    assert await repo.end_games(ends) == [False, True, True]
    assert await repo.end_games([]) == []
    stats = await repo.player_stats(10, 1, period=Period.ALL_TIME, now=NOW)
    assert (stats.games, stats.wins, stats.best_streak) == (2, 1, 2)
    assert [g.status for g in [await repo.get_game(g) for g in games]] == [
        GameStatus.FINISHED,
        GameStatus.STOPPED,
        GameStatus.STOPPED,
    ]
