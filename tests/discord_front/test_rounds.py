"""Rounds through the loopback Discord: buttons, typed answers, stop, restarts."""

from __future__ import annotations

import asyncio
import sqlite3

from bot.banks.loader import load_banks
from tests.discord_front.conftest import (
    FIXTURES,
    add_server,
    database_held,
    running_bot,
    settings_for,
)
from tests.fakediscord import FakeDiscord, FakeMessage

ANSWERS = {q.text: q.answers[0] for r in load_banks([FIXTURES]) if r.bank for q in r.bank.questions}


def title(message: FakeMessage) -> str:
    return message.embeds[0].get("title", "") if message.embeds else ""


def right_label(message: FakeMessage) -> str:
    return ANSWERS[message.embeds[0]["description"]]


def wrong_label(message: FakeMessage) -> str:
    right = right_label(message)
    return next(b["label"] for b in message.buttons() if b["label"] != right)


async def question(fake: FakeDiscord, channel, number: int, total: int) -> FakeMessage:
    return await fake.wait_for_message(
        channel, predicate=lambda m: title(m).startswith(f"Question {number}/{total}"), timeout=10
    )


def db(tmp_path, sql: str) -> list[tuple]:
    con = sqlite3.connect(tmp_path / "trivia.db")
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


async def test_full_buttons_round_with_three_players(fake, tmp_path):
    s = add_server(fake, "one", ("alice", "bob", "carol"))
    alice, bob, carol = s.players
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild):
        start = await fake.invoke_slash(
            s.channel, alice, "trivia start", {"bank": "geo", "questions": 3, "seconds": 5}
        )
        assert "started a round: 3 questions" in (await start.reply()).text

        for number in (1, 2, 3):
            msg = await question(fake, s.channel, number, 3)
            assert len(msg.buttons()) in (3, 5) and msg.buttons()[-1]["label"] == "Skip"
            assert "<t:" in str(msg.embeds[0])  # closing time as a relative timestamp
            for user, label in ((alice, right_label(msg)), (bob, wrong_label(msg))):
                click = await fake.click_button(msg, None, user, label=label)
                reply = await click.response()
                assert reply.ephemeral and reply.content.startswith("Locked in")
            again = await fake.click_button(msg, None, bob, label=right_label(msg))
            assert "already locked in" in (await again.response()).content
            last = await fake.click_button(msg, None, carol, label=right_label(msg))
            assert (await last.response()).content.startswith("Locked in")
            await fake.wait_for(lambda m=msg: m.revisions and "answer" in title(m), timeout=10)
            reveal = msg.embeds[0]
            fields = {f["name"]: f["value"] for f in reveal["fields"]}
            assert fields["Answer"] == right_label_from(reveal)
            assert "alice (+" in fields["Right"] and "carol (+" in fields["Right"]
            assert "bob" not in fields["Right"]
            assert [b["label"] for b in msg.buttons()] == ["Report"]  # answers gone

        standings = await fake.wait_for_message(
            s.channel, predicate=lambda m: title(m).startswith("Final standings")
        )
        text = standings.embeds[0]["description"]
        assert text.index("alice") < text.index("bob") and "bob · 0 pts" in text

        # the reveal removed the answers, so nobody can click late; only Report is left
        assert [b["label"] for b in msg.buttons()] == ["Report"]

    posted = [m for m in fake.bot_messages(s.channel) if m.interaction is None]
    assert len(posted) == 4  # one per question, plus the standings
    assert db(tmp_path, "SELECT status FROM games") == [("finished",)]
    rows = db(
        tmp_path,
        "SELECT player_id, SUM(correct), COUNT(*), SUM(points) FROM answers "
        "GROUP BY player_id ORDER BY player_id",
    )
    assert [(c, n) for _, c, n, _ in rows] == [(3, 3), (0, 3), (3, 3)]
    totals = db(
        tmp_path,
        "SELECT player_id, correct, answered, points, games FROM player_totals ORDER BY player_id",
    )
    assert [(p, c, n, pts) for p, c, n, pts, _ in totals] == [
        (p, c, n, pts) for p, c, n, pts in rows
    ]
    assert {g for *_, g in totals} == {1}
    fake.assert_no_violations()


def right_label_from(embed: dict) -> str:
    return ANSWERS[embed["description"]]


async def test_typed_round_first_right_answer_wins_and_bots_are_ignored(fake, tmp_path):
    s = add_server(fake, "one", ("alice", "bob"))
    alice, bob = s.players
    robot = fake.add_user("robot", bot=True)
    fake.add_member(s.guild, robot)
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild):
        start = await fake.invoke_slash(
            s.channel,
            alice,
            "trivia start",
            # easy: the points below are before any difficulty weight
            {"bank": "geo", "questions": 1, "mode": "typed", "seconds": 6, "difficulty": "easy"},
        )
        await start.response()
        msg = await question(fake, s.channel, 1, 1)
        answer = right_label(msg)
        await fake.send_user_message(s.channel, robot, answer)
        await fake.send_user_message(s.channel, bob, "no idea")
        # a hint edits the question message at a third of the time
        await fake.wait_for(lambda: any("Hint" in str(r) for r in [msg.embeds]), timeout=5)
        await fake.send_user_message(s.channel, alice, f"||{answer.upper()}||")
        await fake.wait_for(lambda: "answer" in title(msg), timeout=5)
        fields = {f["name"]: f["value"] for f in msg.embeds[0]["fields"]}
        assert fields["Right"].startswith("alice (+750)")
        await fake.wait_for_message(
            s.channel, predicate=lambda m: title(m).startswith("Final standings")
        )
    rows = db(tmp_path, "SELECT player_id, correct, points FROM answers ORDER BY points DESC")
    assert [(c, p) for _, c, p in rows] == [(1, 750), (0, 0)]
    assert robot.id not in {pid for pid, *_ in rows}
    assert len([m for m in fake.bot_messages(s.channel) if m.interaction is None]) == 2
    fake.assert_no_violations()


MEDIUM = {q.text for r in load_banks([FIXTURES]) if r.bank for q in r.bank.questions
          if q.difficulty.value == "medium"}  # fmt: skip


async def test_difficulty_and_category_filter_the_round_and_weight_its_points(fake, tmp_path):
    s = add_server(fake, "one", ("alice", "bob"))
    alice, bob = s.players
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild):
        typing = await fake.autocomplete(
            s.channel, alice, "trivia start", {"bank": "geo", "category": "cap"}, "category"
        )
        assert (await typing.response()).choices == [{"name": "Capitals (1)", "value": "Capitals"}]
        start = await fake.invoke_slash(
            s.channel,
            alice,
            "trivia start",
            {"bank": "geo", "questions": 2, "seconds": 5, "difficulty": "medium"},
        )
        assert "started a round: 2 medium questions" in (await start.reply()).text
        for number in (1, 2):
            msg = await question(fake, s.channel, number, 2)
            assert msg.embeds[0]["description"] in MEDIUM
            await (await fake.click_button(msg, None, alice, label=right_label(msg))).response()
            await fake.wait_for(lambda m=msg: "answer" in title(m), timeout=10)
        # a filter that leaves too few: refused privately, saying what there is
        refused = await fake.invoke_slash(
            s.other_channel, bob, "trivia start", {"bank": "geo", "difficulty": "hard"}
        )
        reply = await refused.reply()
        assert reply.ephemeral and "Only 0 hard questions" in reply.content
        assert "Available in buttons mode: easy 3, medium 2, hard 0" in reply.content
        capitals = await fake.invoke_slash(
            s.other_channel, bob, "trivia start", {"questions": 1, "category": "Capitals"}
        )
        assert "1 Capitals questions" in (await capitals.reply()).text
        italy = await question(fake, s.other_channel, 1, 1)
        assert "capital of Italy" in italy.embeds[0]["description"]
    points = [
        p for (p,) in db(tmp_path, f"SELECT points FROM answers WHERE player_id = {alice.id}")
    ]
    assert len(points) == 2 and all(625 <= p <= 1250 + 125 for p in points)  # x1.25, streak too
    fake.assert_no_violations()


async def test_typed_mode_explains_how_to_enable_it(fake, tmp_path):
    s = add_server(fake, "one", ("alice",))
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), s.guild):
        ix = await fake.invoke_slash(s.channel, s.players[0], "trivia start", {"mode": "typed"})
        reply = await ix.reply()
        assert reply.ephemeral and "TRIVIA_TYPED_ANSWERS=1" in reply.content
    fake.assert_no_violations()


async def test_stop_by_a_non_starter_is_refused(fake, tmp_path):
    s = add_server(fake, "one", ("alice", "bob"))
    alice, bob = s.players
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild):
        await (
            await fake.invoke_slash(
                s.channel, alice, "trivia start", {"bank": "geo", "seconds": 30}
            )
        ).response()
        await question(fake, s.channel, 1, 5)
        refused = await (await fake.invoke_slash(s.channel, bob, "trivia stop")).reply()
        assert refused.ephemeral and "Only alice" in refused.content
        by_admin = await (await fake.invoke_slash(s.channel, s.admin, "trivia stop")).reply()
        assert "Stopping" in by_admin.content
        await fake.wait_for_message(
            s.channel, predicate=lambda m: title(m).startswith("Final standings")
        )
    assert db(tmp_path, "SELECT status FROM games") == [("stopped",)]
    fake.assert_no_violations()


async def test_one_round_per_channel_even_for_two_starts_at_once(fake, tmp_path):
    s = add_server(fake, "one", ("alice", "bob"))
    alice, bob = s.players
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild) as run:
        first, second = await asyncio.gather(
            fake.invoke_slash(s.channel, alice, "trivia start", {"bank": "geo"}),
            fake.invoke_slash(s.channel, bob, "trivia start", {"bank": "geo"}),
        )
        replies = [await first.reply(), await second.reply()]
        assert sum("started a round" in r.content for r in replies) == 1
        assert sum("already running" in r.content for r in replies) == 1
        assert len(run.bot.service.sessions()) == 1
        other = await fake.invoke_slash(s.other_channel, bob, "trivia start", {"bank": "geo"})
        assert "started a round" in (await other.reply()).content
    assert db(tmp_path, "SELECT COUNT(*) FROM games") == [(2,)]
    fake.assert_no_violations()


async def test_restart_mid_round_abandons_it_and_old_buttons_say_too_late(fake, tmp_path):
    s = add_server(fake, "one", ("alice", "bob"))
    alice, bob = s.players
    settings = settings_for(tmp_path, fake.token)
    async with running_bot(fake, settings, s.guild) as run:
        await (
            await fake.invoke_slash(
                s.channel, alice, "trivia start", {"bank": "geo", "seconds": 30}
            )
        ).response()
        msg = await question(fake, s.channel, 1, 5)
        click = await fake.click_button(msg, None, alice, label=right_label(msg))
        assert (await click.response()).content.startswith("Locked in")
        # the round ends as a crash would leave it: its buttons still on the message (the
        # reveal's edit and the standings refused), its game saved as stopped ...
        fake.inject_fault("PATCH", "/channels/{channel_id}/messages/{message_id}", 403)
        fake.inject_fault("POST", "/channels/{channel_id}/messages", 403)
        for runner in run.bot.get_cog("Rounds").runners.values():
            runner.session.request_stop("crash")
        await fake.wait_for(lambda: not run.bot.rounds.runners, what="round ended")
    # ... and made to look as if the crash left it running
    con = sqlite3.connect(tmp_path / "trivia.db")
    con.execute("UPDATE games SET status = 'running', ended_at = NULL")
    con.commit()
    con.close()
    async with running_bot(fake, settings, s.guild):
        assert db(tmp_path, "SELECT status FROM games") == [("abandoned",)]
        old = await fake.click_button(msg, None, bob, label=wrong_label(msg))
        assert "ended" in (await old.response()).content
        start = await fake.invoke_slash(s.channel, bob, "trivia start", {"bank": "geo"})
        assert "started a round" in (await start.reply()).content
    assert db(tmp_path, "SELECT COUNT(*) FROM answers") == [(1,)]
    fake.assert_no_violations()


async def test_start_skip_and_stop_are_deferred_before_the_database_answers(fake, tmp_path):
    """A starter role makes a start check for an admin; a skip vote and a stop by a member with
    a role look up who is an admin: each is answered (deferred) while the database is stalled,
    then filled in. A member with no role can't be an admin: answered at once."""
    s = add_server(fake, "one", ("alice", "bob", "carol"))
    alice, bob, carol = s.players
    s.guild.members[bob.id].roles.append(fake.add_role(s.guild, "regulars", 0).id)
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild) as run:
        setup = await fake.invoke_slash(
            s.channel, s.admin, "trivia-admin settings", {"start_role": s.manager_role}
        )
        await setup.reply()
        with database_held(run.app.repo) as release:
            start = await fake.invoke_slash(
                s.channel, alice, "trivia start", {"bank": "geo", "seconds": 30}
            )
            assert (await start.response(timeout=2.5)).type == 5
            release.set()
            refused = await start.reply()
            assert refused.ephemeral and "role" in refused.content
        s.guild.members[alice.id].roles.append(s.manager_role.id)
        started = await fake.invoke_slash(
            s.channel, alice, "trivia start", {"bank": "geo", "seconds": 30}
        )
        assert "started a round" in (await started.reply()).text
        msg = await question(fake, s.channel, 1, 5)
        with database_held(run.app.repo) as release:
            vote = await fake.click_button(msg, None, bob, label="Skip")
            assert (await vote.response(timeout=2.5)).type == 5
            plain = await (await fake.click_button(msg, None, carol, label="Skip")).response()
            assert plain.type == 4 and "Only players in this round" in plain.content
            stop = await fake.invoke_slash(s.channel, bob, "trivia stop")
            assert (await stop.response(timeout=2.5)).type == 5
            release.set()
            assert "Only players in this round" in (await vote.reply()).content
            assert "Only alice" in (await stop.reply()).content
    fake.assert_no_violations()
