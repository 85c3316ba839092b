"""/trivia leaderboard, stats and banks through the loopback Discord, after real rounds."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

from bot.banks.loader import load_banks
from tests.discord_front.conftest import (
    FIXTURES,
    Server,
    add_server,
    call,
    query,
    running_bot,
    seed_game,
    settings_for,
)
from tests.fakediscord import FakeDiscord, FakeMessage, FakeUser

ANSWERS = {q.text: q.answers[0] for r in load_banks([FIXTURES]) if r.bank for q in r.bank.questions}
TWO_WEEKS = 14 * 24 * 3600
BOARD_SQL = {
    "all-time": "SELECT player_id, points FROM player_totals WHERE guild_id = ? AND answered > 0",
    "week": (
        "SELECT player_id, points FROM player_week_totals WHERE guild_id = ? AND week = "
        "(SELECT MAX(week) FROM player_week_totals) AND answered > 0"
    ),
}


def board_lines(message: FakeMessage) -> list[tuple[int, str, int]]:
    """(rank, name, points) of each row the board embed shows."""
    rows = re.findall(r"\*\*(\d+)\.\*\* (.+?) · (\d+) pts", message.embeds[0]["description"])
    return [(int(rank), name, int(points)) for rank, name, points in rows]


def you(message: FakeMessage) -> str | None:
    """The caller's own line under the board, if shown."""
    return next(
        (f["value"] for f in message.embeds[0].get("fields", []) if f["name"] == "You"), None
    )


def footer(message: FakeMessage) -> str:
    return message.embeds[0]["footer"]["text"]


def enabled(message: FakeMessage) -> list[str]:
    """Labels of the paging buttons that can be pressed."""
    return [b["label"] for b in message.buttons() if not b.get("disabled")]


def expected_board(tmp_path: Path, guild_ids: list[int], period: str) -> list[tuple[int, int]]:
    """(player_id, points) in board order, summed over the given servers, from the DB file."""
    totals: dict[int, int] = {}
    for gid in guild_ids:
        for pid, points in query(tmp_path, BOARD_SQL[period], [gid]):
            totals[pid] = totals.get(pid, 0) + points
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))


def sole_leader(tmp_path: Path, game_id: int) -> bool:
    """Whether one player alone has the most points in a game (a tie at the top wins nothing)."""
    points = sorted(
        (p for (p,) in query(tmp_path, "SELECT points FROM answers WHERE game_id = ?", [game_id])),
        reverse=True,
    )
    return points[0] > 0 and (len(points) == 1 or points[1] < points[0])


def rank_of(board: list[tuple[int, int]], player_id: int) -> int:
    """The board's rank rule: one more than the players with strictly more points."""
    mine = dict(board)[player_id]
    return 1 + sum(1 for _, points in board if points > mine)


async def play_round(
    fake: FakeDiscord,
    s: Server,
    channel,
    starter: FakeUser,
    right: list[FakeUser],
    wrong: list[FakeUser],
) -> None:
    """A real one-question buttons round: everyone clicks, the question closes at 5 s."""
    started = await call(
        fake, channel, starter, "trivia start", {"bank": "geo", "questions": 1, "seconds": 5}
    )
    assert "started a round: 1 questions" in started.content
    asked = await fake.wait_for_message(
        channel, lambda m: bool(m.embeds) and m.embeds[0]["title"].startswith("Question 1/1")
    )
    answer = ANSWERS[asked.embeds[0]["description"]]
    other = next(b["label"] for b in asked.buttons() if b["label"] != answer)
    for user in [*right, *wrong]:
        click = await fake.click_button(asked, None, user, label=answer if user in right else other)
        assert (await click.response()).content.startswith("Locked in")
    await fake.wait_for_message(channel, lambda m: "Final standings" in m.text, timeout=10)


async def test_leaderboard_pages_periods_scopes_and_stats_after_two_rounds(fake, tmp_path):
    """Thirteen players over two real rounds fill two pages; week and global boards differ."""
    names = tuple(f"player{i:02d}" for i in range(1, 14))
    a = add_server(fake, "alpha", (*names, "veteran"))
    b = add_server(fake, "beta", ("zed",))
    *players, veteran = a.players
    last = players[-1]
    (zed,) = b.players
    await seed_game(
        tmp_path, a.guild, a.channel, [(veteran, True, 5000)], at=time.time() - TWO_WEEKS
    )
    await seed_game(tmp_path, b.guild, b.channel, [(zed, True, 3000)])
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), a.guild, b.guild):
        began = time.perf_counter()
        await asyncio.gather(
            play_round(fake, a, a.channel, players[0], players[:12], players[12:]),
            play_round(fake, a, a.other_channel, players[1], players[:6], players[6:]),
        )
        rounds_took = time.perf_counter() - began
        assert (
            query(
                tmp_path,
                "SELECT status FROM games WHERE guild_id = ? AND mode = 'buttons' "
                "AND question_count = 1 ORDER BY id",
                [a.guild.id],
            )
            == [("finished",)] * 3
        )

        # all-time, this server: veteran + 13 players = 14 rows on two pages
        board = expected_board(tmp_path, [a.guild.id], "all-time")
        assert len(board) == 14 and board[0] == (veteran.id, 5000)
        name_of = {u.id: u.username for u in [*a.players, zed]}
        shown = await call(fake, a.channel, last, "trivia leaderboard")
        msg = shown.message
        assert not shown.ephemeral and msg is not None
        assert msg.embeds[0]["title"] == "All-time · this server"
        assert board_lines(msg) == [
            (i, name_of[p], pts) for i, (p, pts) in enumerate(board[:10], 1)
        ]
        assert you(msg) == f"#{rank_of(board, last.id)} · 0 pts" == "#14 · 0 pts"
        assert footer(msg) == "Page 1/2" and enabled(msg) == ["Next"]
        assert all(c.startswith("trivia:lb:") for c in msg.custom_ids())

        nxt = await fake.click_button(msg, None, last, label="Next")
        assert (await nxt.response()).type == 6  # deferred, then the board itself is edited
        await edited(fake, msg, 2)  # the first filled the deferred reply
        assert len(msg.revisions) == 2 and footer(msg) == "Page 2/2"
        assert board_lines(msg) == [
            (i, name_of[p], pts) for i, (p, pts) in enumerate(board[10:], 11)
        ]
        assert enabled(msg) == ["Previous"] and you(msg) == "#14 · 0 pts"
        prev = await fake.click_button(msg, None, last, label="Previous")
        await prev.response()
        await edited(fake, msg, 3)
        assert footer(msg) == "Page 1/2" and len(board_lines(msg)) == 10 and len(msg.revisions) == 3

        # this week: the veteran's old game does not count
        week = expected_board(tmp_path, [a.guild.id], "week")
        assert veteran.id not in dict(week) and len(week) == 13
        weekly = (
            await call(fake, a.channel, last, "trivia leaderboard", {"period": "week"})
        ).message
        assert weekly.embeds[0]["title"] == "This week · this server"
        assert board_lines(weekly) == [
            (i, name_of[p], pts) for i, (p, pts) in enumerate(week[:10], 1)
        ]
        assert you(weekly) == "#13 · 0 pts" and footer(weekly) == "Page 1/2"
        await (await fake.click_button(weekly, None, last, label="Next")).response()
        await edited(fake, weekly, 2)
        assert [r[0] for r in board_lines(weekly)] == [11, 12, 13]

        # global: the other server's player joins the board
        everywhere = expected_board(tmp_path, [a.guild.id, b.guild.id], "all-time")
        glob = (
            await call(fake, a.channel, last, "trivia leaderboard", {"scope": "global"})
        ).message
        assert glob.embeds[0]["title"] == "All-time · all servers"
        assert board_lines(glob)[:2] == [(1, "veteran", 5000), (2, "zed", 3000)]
        assert footer(glob) == "Page 1/2" and you(glob) == f"#{len(everywhere)} · 0 pts"
        both = (
            await call(
                fake, b.channel, zed, "trivia leaderboard", {"period": "week", "scope": "global"}
            )
        ).message
        assert both.embeds[0]["title"] == "This week · all servers"
        assert board_lines(both)[0] == (1, "zed", 3000) and "veteran" not in both.text
        assert you(both) == "#1 · 3000 pts"
        local = (await call(fake, b.channel, zed, "trivia leaderboard")).message
        assert [r[1] for r in board_lines(local)] == ["zed"] and enabled(local) == []

        filtered = (
            await call(fake, a.channel, last, "trivia leaderboard", {"bank": "geo"})
        ).message
        assert filtered.embeds[0]["title"] == "All-time · this server · geo"
        bad = await call(fake, a.channel, last, "trivia leaderboard", {"bank": "Not A Bank"})
        assert bad.ephemeral and "lowercase" in bad.content

        # stats: points, accuracy, games, wins, best streak and rank, from the same totals
        top = players[0]
        pts, correct, answered, games, wins, streak = query(
            tmp_path,
            "SELECT points, correct, answered, games, wins, best_streak FROM player_totals "
            "WHERE guild_id = ? AND player_id = ?",
            [a.guild.id, top.id],
        )[0]
        mine = await call(fake, a.channel, top, "trivia stats")
        assert mine.ephemeral
        fields = {f["name"]: f["value"] for f in mine.embeds[0]["fields"]}
        assert mine.embeds[0]["title"] == "player01 · this server"
        assert fields == {
            "Points": str(pts),
            "Rank": f"#{rank_of(board, top.id)}",
            "Accuracy": f"100% ({correct}/{answered})",
            "Games": "2",
            "Wins": str(wins),
            "Best streak": str(streak),
            "Daily streak": "0 days (best 0)",
        }
        assert (correct, answered, games, streak) == (2, 2, 2, 1)
        vet = await call(fake, a.channel, last, "trivia stats", {"member": veteran})
        vet_fields = {f["name"]: f["value"] for f in vet.embeds[0]["fields"]}
        assert vet_fields["Rank"] == "#1" and vet_fields["Wins"] == "1"
        assert vet_fields["Accuracy"] == "100% (1/1)" and vet_fields["Points"] == "5000"
        loser = await call(fake, a.channel, top, "trivia stats", {"member": last})
        assert "Accuracy: 0% (0/2)" in loser.text and f"Rank: #{len(board)}" in loser.text
        stranger = await call(fake, a.channel, top, "trivia stats", {"member": a.admin})
        assert stranger.ephemeral and "has not played here yet" in stranger.content
        wins_total = query(
            tmp_path, "SELECT SUM(wins) FROM player_totals WHERE guild_id = ?", [a.guild.id]
        )[0][0]
        games_here = query(tmp_path, "SELECT id FROM games WHERE guild_id = ?", [a.guild.id])
        assert len(games_here) == 3
        assert wins_total == sum(sole_leader(tmp_path, g) for (g,) in games_here)

        banks = await call(fake, a.channel, last, "trivia banks")
        assert (
            banks.ephemeral and "`geo` · Capitals and Rivers · 6 questions · shipped" in banks.text
        )
    assert rounds_took < 10, rounds_took  # the two rounds ran at the same time
    fake.assert_no_violations()


async def edited(fake, msg, revisions: int) -> None:
    """A page click is deferred first; the board is edited just after."""
    await fake.wait_for(lambda: len(msg.revisions) >= revisions, what="the board's edit")


async def test_board_buttons_still_page_after_a_restart(fake, tmp_path):
    """Paging state lives in the custom_id, so an old board pages after the bot restarts."""
    s = add_server(fake, "one", tuple(f"p{i:02d}" for i in range(1, 13)))
    await seed_game(
        tmp_path, s.guild, s.channel, [(p, True, 1000 - 10 * i) for i, p in enumerate(s.players)]
    )
    settings = settings_for(tmp_path, fake.token, typed=False)
    async with running_bot(fake, settings, s.guild):
        msg = (await call(fake, s.channel, s.players[0], "trivia leaderboard")).message
        assert footer(msg) == "Page 1/2" and you(msg) == "#1 · 1000 pts"
    async with running_bot(fake, settings, s.guild):
        await (await fake.click_button(msg, None, s.players[11], label="Next")).response()
        await edited(fake, msg, 2)
        assert footer(msg) == "Page 2/2"
        assert board_lines(msg) == [(11, "p11", 900), (12, "p12", 890)]
        assert you(msg) == "#1 · 1000 pts"  # still who asked for the board, not who pressed
    fake.assert_no_violations()
