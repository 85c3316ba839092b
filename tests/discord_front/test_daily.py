"""The question of the day through the loopback Discord, on an injected clock: two days and
restarts between them (a missed post made once, never twice; an open question still answered)."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime

import pytest

from bot.app import open_app
from bot.banks.loader import load_banks
from bot.discord_front.client import TriviaBot
from bot.discord_front.cogs import daily
from bot.engine.clock import FakeClock
from bot.shards import ShardRange
from bot.storage.records import DailyAnswer, DailySchedule, NewDaily
from bot.storage.sqlite import SQLiteRepository
from tests.discord_front.conftest import (
    FIXTURES,
    add_server,
    call,
    database_held,
    deferred_while_held,
    query,
    running_bot,
    settings_for,
)
from tests.discord_front.test_boards import ANSWERS, you
from tests.fakediscord import FakeDiscord, run_bot
from tests.fakediscord.models import overwrite

SEND_MESSAGES = 1 << 11

DAY1_8AM = datetime(2027, 1, 15, 8, 0, tzinfo=UTC).timestamp()
HOUR = 3600.0


@pytest.fixture(autouse=True)
def quick_ticks(monkeypatch):
    monkeypatch.setattr(daily.Daily, "every", 0.05)


def posted(fake, s, day: str):
    return [
        m
        for m in fake.messages_in(s.channel)
        if m.embeds and m.embeds[0]["title"] == f"Question of the day · {day}"
    ]


async def the_question(fake, s, day: str):
    return await fake.wait_for_message(
        s.channel,
        lambda m: bool(m.embeds) and m.embeds[0]["title"] == f"Question of the day · {day}",
    )


async def the_reveal(fake, s, day: str):
    return await fake.wait_for_message(
        s.channel,
        lambda m: (
            bool(m.embeds) and m.embeds[0]["title"] == f"Question of the day · {day} · answer"
        ),
    )


async def click(fake, msg, user, *, right: bool) -> str:
    answer = ANSWERS[msg.embeds[0]["description"]]
    label = answer if right else next(b["label"] for b in msg.buttons() if b["label"] != answer)
    return (await (await fake.click_button(msg, None, user, label=label)).reply()).content


def fields(msg) -> dict[str, str]:
    return {f["name"]: f["value"] for f in msg.embeds[0]["fields"]}


async def test_two_days_with_restarts_post_once_and_count_streaks(fake, tmp_path):
    s = add_server(fake, "one", ("alice", "bob"))
    alice, bob = s.players
    muted = fake.add_channel(
        s.guild, "muted", overwrites=[overwrite(fake.bot_user, deny=SEND_MESSAGES)]
    )
    clock = FakeClock(DAY1_8AM)
    settings = settings_for(tmp_path, fake.token, typed=False)
    async with running_bot(fake, settings, s.guild, clock=clock):
        zones = await fake.autocomplete(
            s.channel,
            s.admin,
            "trivia-admin daily set",
            {"channel": s.channel, "time": "09:00", "timezone": "paris"},
            "timezone",
        )
        assert {"name": "Europe/Paris", "value": "Europe/Paris"} in (await zones.response()).choices
        bad = await call(
            fake,
            s.channel,
            s.admin,
            "trivia-admin daily set",
            {"channel": s.channel, "time": "9h", "timezone": "UTC"},
        )
        assert bad.ephemeral and "not a time of day" in bad.content
        nowhere = await call(
            fake,
            s.channel,
            s.admin,
            "trivia-admin daily set",
            {"channel": s.channel, "time": "09:00", "timezone": "Mars/Olympus"},
        )
        assert "not an IANA time zone" in nowhere.content
        refused = await call(
            fake,
            s.channel,
            alice,
            "trivia-admin daily set",
            {"channel": s.channel, "time": "09:00"},
            bypass=True,
        )
        assert "Manage Server" in refused.content
        cannot = await call(
            fake,
            s.channel,
            s.admin,
            "trivia-admin daily set",
            {"channel": muted, "time": "09:00"},
        )
        assert cannot.ephemeral and "I can't post in" in cannot.content
        done = await call(
            fake,
            s.channel,
            s.admin,
            "trivia-admin daily set",
            {"channel": s.channel, "time": "09:00", "timezone": "UTC"},
        )
        assert done.ephemeral and "at 09:00 (UTC), open 12 h; the next is posted" in done.content
        assert posted(fake, s, "2027-01-15") == []
        shown = await call(fake, s.channel, s.admin, "trivia-admin daily show")
        assert f"<#{s.channel.id}> at 09:00 (UTC), open 12 h; the next is posted" in shown.content

        clock.advance(HOUR + 30)  # 09:00:30
        first = await the_question(fake, s, "2027-01-15")
        assert len(first.buttons()) >= 2
        shown = await call(fake, s.channel, s.admin, "trivia-admin daily show")
        assert "today's is open until" in shown.content
        assert (await click(fake, first, alice, right=True)).startswith("Locked in: ")
        assert (await click(fake, first, bob, right=False)).startswith("Locked in: ")
        again = await click(fake, first, alice, right=False)
        assert "already locked in" in again
        assert query(tmp_path, "SELECT player_id, correct FROM daily_answers ORDER BY 1") == [
            (alice.id, 1),
            (bob.id, 0),
        ]

        clock.advance(12 * HOUR)  # 21:00:30: closed
        reveal = await the_reveal(fake, s, "2027-01-15")
        assert fields(reveal)["Right: 1 of 2"] == "alice"
        await fake.wait_for(lambda: first.buttons() == [], what="the buttons removed")
        streaks = await call(fake, s.channel, bob, "trivia leaderboard", {"period": "daily-streak"})
        board = streaks.message
        assert "**1.** alice · 1 day (best 1)" in board.embeds[0]["description"]
        assert you(board) is None  # bob's wrong answer is no streak
        stats = await call(fake, s.channel, alice, "trivia stats")
        assert "Question of the day streak: 1 day (best 1)" in stats.content

    # the bot is down at 09:00 on day 2 and back at 10:00: the missed post is made, once
    clock.advance(13 * HOUR)  # day 2, 10:00:30
    async with running_bot(fake, settings, s.guild, clock=clock):
        second = await the_question(fake, s, "2027-01-16")
        assert first.embeds[0]["description"] != second.embeds[0]["description"]  # a fresh fact
        clock.advance(60)
        await asyncio.sleep(0.3)  # a few ticks of the scheduler
        assert len(posted(fake, s, "2027-01-16")) == 1
        assert (await click(fake, second, bob, right=True)).startswith("Locked in: ")
    async with running_bot(fake, settings, s.guild, clock=clock):
        # restarted while open: still one post, and its buttons still take answers
        clock.advance(5)
        assert (await click(fake, second, alice, right=True)).startswith("Locked in: ")
        clock.advance(11 * HOUR)  # 21:01:30
        reveal = await the_reveal(fake, s, "2027-01-16")
        assert fields(reveal)["Right: 2 of 2"] == "bob, alice"
        assert len(posted(fake, s, "2027-01-16")) == 1
        assert query(tmp_path, "SELECT day FROM daily_questions ORDER BY day") == [
            ("2027-01-15",),
            ("2027-01-16",),
        ]
        board = (
            await call(fake, s.channel, bob, "trivia leaderboard", {"period": "daily-streak"})
        ).message
        lines = board.embeds[0]["description"].splitlines()
        assert lines == ["**1.** alice · 2 days (best 2)", "**2.** bob · 1 day (best 1)"]
        assert you(board) == "#2 · 1 day"

        off = await call(fake, s.channel, s.admin, "trivia-admin daily off")
        assert "is off" in off.content
        shown = await call(fake, s.channel, s.admin, "trivia-admin daily show")
        assert "The question of the day is off" in shown.content
        clock.advance(13 * HOUR)  # day 3, 10:01:30: inside the window it would have had
        await asyncio.sleep(0.3)
    assert posted(fake, s, "2027-01-17") == []
    fake.assert_no_violations()


def test_a_long_list_of_winners_is_cut_to_one_field_and_says_how_many_more():
    right = [DailyAnswer(1, i, 10, f"{'x' * 60}{i:04d}", 1, True, 0.0) for i in range(500)]
    text = daily.names(right)
    assert len(text) <= 1024 and text.endswith(f"and {500 - text.count('x' * 60)} more")
    assert daily.names(right[:2]) == f"{'x' * 60}0000, {'x' * 60}0001"


async def test_only_the_process_owning_a_server_posts_its_question(tmp_path):
    fake = FakeDiscord(shard_count=2)
    here, there = (fake.add_guild(f"g{i}", shard_id=i) for i in range(2))
    channels = {g.id: fake.add_channel(g, "trivia") for g in (here, there)}
    settings = dataclasses.replace(
        settings_for(tmp_path, fake.token, typed=False), shards=ShardRange(2, 0, 0)
    )
    repo = await SQLiteRepository.open(tmp_path / "trivia.db")
    for guild in (here, there):
        await repo.save_daily_schedule(
            DailySchedule(guild.id, channels[guild.id].id, 9 * 60, "UTC", 12.0, 1), DAY1_8AM
        )
    await repo.close()
    clock = FakeClock(DAY1_8AM + HOUR + 30)
    async with fake, open_app(settings, clock=clock) as app:
        bot = TriviaBot(service=app.service, settings=settings, guild_ready_timeout=0.05)
        async with run_bot(fake, bot):
            await fake.wait_for_message(channels[here.id], lambda m: bool(m.embeds))
            await asyncio.sleep(0.3)  # a few more ticks
        assert fake.messages_in(channels[there.id]) == []
        assert query(tmp_path, "SELECT guild_id FROM daily_questions") == [(here.id,)]
        fake.assert_no_violations()


async def test_a_claim_whose_post_a_crash_interrupted_is_posted_once_after_restart(fake, tmp_path):
    s = add_server(fake, "one", ("alice",))
    settings = settings_for(tmp_path, fake.token, typed=False)
    clock = FakeClock(DAY1_8AM + HOUR + 30)
    repo = await SQLiteRepository.open(tmp_path / "trivia.db")
    await repo.save_daily_schedule(
        DailySchedule(s.guild.id, s.channel.id, 9 * 60, "UTC", 12.0, 1), DAY1_8AM
    )
    banks = [r.bank for r in load_banks([FIXTURES]) if r.bank]
    question = next(q for b in banks for q in b.questions if len(q.distractors) >= 3)
    claimed = await repo.claim_daily(
        NewDaily(
            s.guild.id,
            s.channel.id,
            "2027-01-15",
            question.bank_id,
            0,
            question.id,
            question.fact,
            (question.distractors[0], question.answers[0]),
            1,
            clock.now() - 20,
            clock.now() + 11 * HOUR,
        )
    )
    await repo.close()
    async with running_bot(fake, settings, s.guild, clock=clock):
        shown = await the_question(fake, s, "2027-01-15")
        assert all(c.startswith(f"trivia:daily:{claimed.id}:") for c in shown.custom_ids())
        await asyncio.sleep(0.3)
        assert len(posted(fake, s, "2027-01-15")) == 1
    async with running_bot(fake, settings, s.guild, clock=clock):
        await asyncio.sleep(0.3)  # its id was saved: no look through the channel, no repost
        assert len(posted(fake, s, "2027-01-15")) == 1
        assert (await click(fake, shown, s.players[0], right=True)).startswith("Locked in")
    fake.assert_no_violations()


async def test_commands_and_answers_are_deferred_before_the_database_answers(fake, tmp_path):
    """A manager-role admin (whose check reads the database) and a player's answer: each gets
    its private first response while the database is stalled, and its text once it is back;
    "Locked in" only once the answer is saved."""
    s = add_server(fake, "one", ("alice", "bob"))
    alice, bob = s.players
    clock = FakeClock(DAY1_8AM)
    settings = settings_for(tmp_path, fake.token, typed=False)
    async with running_bot(fake, settings, s.guild, clock=clock) as run:
        role = {"manager_role": s.manager_role}
        await call(fake, s.channel, s.admin, "trivia-admin settings", role)
        s.guild.members[alice.id].roles.append(s.manager_role.id)

        async def stalled(name: str, options: dict | None, expect: str) -> None:
            ix = await deferred_while_held(
                fake, run.app.repo, s.channel, alice, name, options, bypass=True
            )
            assert expect in (await ix.reply()).content

        await stalled(
            "trivia-admin daily set", {"channel": s.channel, "time": "09:00"}, "at 09:00 (UTC)"
        )
        await stalled("trivia-admin daily show", None, "the next is posted")
        clock.advance(HOUR + 30)
        msg = await the_question(fake, s, "2027-01-15")
        with database_held(run.app.repo) as release:
            ix = await fake.click_button(msg, None, bob, label=msg.buttons()[0]["label"])
            first = await ix.response(timeout=2.5)
            assert first.type == 5 and first.ephemeral
            await asyncio.sleep(0.1)
            assert ix.followups == [] and query(tmp_path, "SELECT * FROM daily_answers") == []
            release.set()
            (told,) = await fake.wait_for_followups(ix, 1)
        assert told.content.startswith("Locked in: ")
        assert query(tmp_path, "SELECT player_id FROM daily_answers") == [(bob.id,)]
        await stalled("trivia-admin daily off", None, "is off")
    fake.assert_no_violations()
