"""Month and season boards through the loopback Discord: a season closed, its board still shown."""

from __future__ import annotations

import time

from tests.discord_front.conftest import (
    add_server,
    call,
    deferred_while_held,
    running_bot,
    seed_game,
    settings_for,
)
from tests.discord_front.test_boards import board_lines, play_round, you

FORTY_DAYS = 40 * 24 * 3600


async def board(fake, s, user, options):
    shown = await call(fake, s.channel, user, "trivia leaderboard", options)
    assert not shown.ephemeral and shown.message is not None, shown.text
    return shown.message


async def test_a_closed_season_keeps_its_board_and_the_month_board_is_this_month(fake, tmp_path):
    s = add_server(fake, "one", ("alice", "bob", "veteran"))
    alice, bob, veteran = s.players
    await seed_game(
        tmp_path, s.guild, s.channel, [(veteran, True, 5000)], at=time.time() - FORTY_DAYS
    )
    await seed_game(tmp_path, s.guild, s.channel, [(bob, True, 300)])  # this month, no season
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), s.guild):
        none_yet = await call(fake, s.channel, alice, "trivia leaderboard", {"period": "season"})
        assert none_yet.ephemeral and "No season is running" in none_yet.content

        started = await call(
            fake, s.channel, s.admin, "trivia-admin season start", {"name": "Winter"}
        )
        assert started.ephemeral and "Season **Winter** has started" in started.content
        refused = await call(
            fake, s.channel, alice, "trivia-admin season start", {"name": "X"}, bypass=True
        )
        assert refused.ephemeral and "Manage Server" in refused.content

        await play_round(fake, s, s.channel, alice, right=[alice], wrong=[bob])
        winter = await board(fake, s, alice, {"period": "season"})
        assert winter.embeds[0]["title"] == "Season Winter · this server"
        rows = board_lines(winter)
        assert [r[1] for r in rows] == ["alice", "bob"] and rows[1][2] == 0
        won = rows[0][2]
        assert won > 0 and you(winter) == f"#1 · {won} pts"
        assert all(c.endswith(":Winter") for c in winter.custom_ids())

        spring = await call(
            fake, s.channel, s.admin, "trivia-admin season start", {"name": "Spring"}
        )
        assert "Season **Winter** is closed" in spring.content
        again = await call(
            fake, s.channel, s.admin, "trivia-admin season start", {"name": "Winter"}
        )
        assert again.ephemeral and "already had a season named 'Winter'" in again.content

        current = await board(fake, s, alice, {"period": "season"})
        assert current.embeds[0]["title"] == "Season Spring · this server"
        assert board_lines(current) == []
        kept = await board(fake, s, bob, {"period": "season", "season": "Winter"})
        assert board_lines(kept) == [(1, "alice", won), (2, "bob", 0)]
        unknown = await call(
            fake, s.channel, bob, "trivia leaderboard", {"period": "season", "season": "Autumn"}
        )
        assert unknown.ephemeral and "Seasons: Spring, Winter" in unknown.content
        typing = await fake.autocomplete(
            s.channel, bob, "trivia leaderboard", {"period": "season", "season": ""}, "season"
        )
        assert (await typing.response()).choices == [
            {"name": "Spring (current)", "value": "Spring"},
            {"name": "Winter", "value": "Winter"},
        ]

        # the month: this calendar month's answers (the veteran's are 40 days old)
        month = await board(fake, s, veteran, {"period": "month"})
        assert month.embeds[0]["title"] == "This month (UTC) · this server"
        assert sorted(r[1] for r in board_lines(month)) == ["alice", "bob"]
        assert you(month) is None  # the veteran did not play this month
        everything = await board(fake, s, veteran, {})
        assert board_lines(everything)[0] == (1, "veteran", 5000)
        wide = await board(fake, s, bob, {"period": "month", "scope": "global"})
        assert wide.embeds[0]["title"] == "This month (UTC) · all servers"
        assert sorted(r[1] for r in board_lines(wide)) == ["alice", "bob"]
        assert you(wide) == next(
            f"#{r[0]} · {r[2]} pts" for r in board_lines(wide) if r[1] == "bob"
        )
        for refused, says in (
            ({"period": "season", "scope": "global"}, "Seasons are per server"),
            ({"period": "month", "scope": "global", "bank": "geo"}, "no bank filter"),
        ):
            answer = await call(fake, s.channel, bob, "trivia leaderboard", refused)
            assert answer.ephemeral and says in answer.content
    fake.assert_no_violations()


async def test_a_season_start_is_deferred_before_the_database_answers(fake, tmp_path):
    """A manager-role admin's check reads the database: the reply is deferred first."""
    s = add_server(fake, "one", ("alice",))
    (alice,) = s.players
    settings = settings_for(tmp_path, fake.token, typed=False)
    async with running_bot(fake, settings, s.guild) as run:
        await call(
            fake, s.channel, s.admin, "trivia-admin settings", {"manager_role": s.manager_role}
        )
        s.guild.members[alice.id].roles.append(s.manager_role.id)
        start = {"name": "Winter"}
        ix = await deferred_while_held(
            fake, run.app.repo, s.channel, alice, "trivia-admin season start", start, bypass=True
        )
        assert "Season **Winter** has started" in (await ix.reply()).content
    fake.assert_no_violations()
