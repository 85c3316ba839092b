"""Abuse limits through the loopback Discord: cooldowns, the round cap, admins changing them."""

from __future__ import annotations

import asyncio

from bot.banks.offload import Checker
from bot.discord_front.cooldowns import Cooldowns
from tests.discord_front.conftest import (
    add_server,
    call,
    database_held,
    query,
    running_bot,
    seed_game,
    settings_for,
)
from tests.fakediscord import FakeDiscord

CSV = "question,answer,distractors\nWhich planet is red?,Mars,Venus|Jupiter|Saturn\n"


def real_limits(run) -> None:
    """The conftest lifts the limits for other tests; these run with the bot's defaults."""
    run.bot.cooldowns = Cooldowns(run.app.repo)


async def test_starting_rounds_member_cooldown_server_cooldown_and_cap(fake: FakeDiscord, tmp_path):
    s = add_server(fake, "one", ("alice", "bob", "carol"))
    alice, bob, carol = s.players
    extra = [fake.add_channel(s.guild, f"quiz-{i}") for i in range(3)]
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild) as run:
        real_limits(run)
        assert "started a round" in (await call(fake, s.channel, alice, "trivia start")).text
        again = await call(fake, s.other_channel, alice, "trivia start")
        assert again.ephemeral and "Slow down: you can do that again in" in again.content
        too_soon = await call(fake, s.other_channel, bob, "trivia start")
        assert too_soon.ephemeral and "Slow down: this server" in too_soon.content
        # an admin lifts the cooldowns and caps the server at two rounds at once
        saved = await call(
            fake,
            s.channel,
            s.admin,
            "trivia-admin settings",
            {"cooldown": "start", "member_seconds": 0, "server_seconds": 0, "max_rounds": 2},
        )
        assert "Cooldown start: 0 s per member, 0 s per server" in saved.content
        assert "Rounds at once: at most 2" in saved.content
        assert "started a round" in (await call(fake, extra[0], bob, "trivia start")).text
        capped = await call(fake, extra[1], carol, "trivia start")
        assert capped.ephemeral and "already has 2 rounds running" in capped.content
        assert len(run.bot.service.sessions()) == 2
    assert query(tmp_path, "SELECT action, detail FROM audit_log") == [
        ("limits", "start.member=0, start.server=0, rounds.max=2")
    ]
    assert sorted(query(tmp_path, "SELECT name, value FROM guild_limits")) == [
        ("rounds.max", 2.0),
        ("start.member", 0.0),
        ("start.server", 0.0),
    ]
    fake.assert_no_violations()


async def test_boards_and_page_buttons_cool_down_per_member(fake: FakeDiscord, tmp_path):
    s = add_server(fake, "one", tuple(f"p{i:02d}" for i in range(12)))
    await seed_game(
        tmp_path, s.guild, s.channel, [(p, True, 900 - i) for i, p in enumerate(s.players)]
    )
    alice, bob = s.players[:2]
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild) as run:
        real_limits(run)
        board = await call(fake, s.channel, alice, "trivia leaderboard")
        assert not board.ephemeral and board.message.embeds
        again = await call(fake, s.channel, alice, "trivia leaderboard")
        assert again.ephemeral and "Slow down: you" in again.content
        msg = board.message
        first = await (await fake.click_button(msg, None, bob, label="Next")).response()
        assert first.type == 6  # deferred, then the board is edited
        await fake.wait_for(lambda: "Page 2/2" in msg.text, what="page 2")
        fast = await (await fake.click_button(msg, None, bob, label="Previous")).reply()
        assert fast.ephemeral and "Slow down" in fast.content
        assert "Page 2/2" in msg.text
    fake.assert_no_violations()


async def test_stats_cool_down_per_member_and_per_server(fake: FakeDiscord, tmp_path):
    s = add_server(fake, "one", ("alice", "bob", "carol"))
    alice, bob, carol = s.players
    await seed_game(tmp_path, s.guild, s.channel, [(alice, True, 900), (bob, True, 800)])
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild) as run:
        real_limits(run)
        mine = await call(fake, s.channel, alice, "trivia stats")
        assert mine.ephemeral and "Points: 900" in mine.text
        again = await call(fake, s.channel, alice, "trivia stats", {"member": bob})
        assert again.ephemeral and "Slow down: you can do that again in" in again.content
        for member_seconds, server_seconds in ((0, 60), (0, 0)):
            saved = await call(
                fake,
                s.channel,
                s.admin,
                "trivia-admin settings",
                {
                    "cooldown": "stats",
                    "member_seconds": member_seconds,
                    "server_seconds": server_seconds,
                },
            )
            assert f"Cooldown stats: 0 s per member, {server_seconds} s per server" in saved.text
            if server_seconds:
                crowd = await call(fake, s.channel, carol, "trivia stats")
                assert crowd.ephemeral and "Slow down: this server" in crowd.content
        theirs = await call(fake, s.channel, alice, "trivia stats", {"member": bob})
        assert "Points: 800" in theirs.text
    fake.assert_no_violations()


async def test_review_cools_down_per_member(fake: FakeDiscord, tmp_path):
    s = add_server(fake, "one", ("alice", "bob"))
    alice, bob = s.players
    await seed_game(tmp_path, s.guild, s.channel, [(alice, False, 0), (bob, False, 0)])
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild) as run:
        real_limits(run)
        first = await call(fake, s.channel, alice, "trivia review")
        assert first.ephemeral and "most recently got wrong" in first.message.content
        again = await call(fake, s.channel, alice, "trivia review")
        assert again.ephemeral and "Slow down: you can do that again in" in again.content
        await asyncio.sleep(0.6)  # past the server's 0.5 s; Bob's own cooldown is untouched
        theirs = await call(fake, s.channel, bob, "trivia review")
        assert "most recently got wrong" in theirs.message.content
    fake.assert_no_violations()


async def test_imports_cool_down_per_server(fake: FakeDiscord, tmp_path):
    s = add_server(fake, "one", ())
    second = fake.add_user("second-admin")
    fake.add_member(
        s.guild, second, roles=[r for r in s.guild.roles.values() if r.name == "admins"]
    )
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild) as run:
        real_limits(run)
        first = await fake.invoke_slash(
            s.channel, s.admin, "trivia-admin import", {"file": fake.upload("a.csv", CSV)}
        )
        assert "1 valid" in (await first.reply(timeout=30)).content
        other = await call(
            fake, s.channel, second, "trivia-admin import", {"file": fake.upload("b.csv", CSV)}
        )
        assert other.ephemeral and "Slow down: this server can do that again" in other.content
    fake.assert_no_violations()


async def test_an_import_check_that_overruns_is_stopped_and_explained(fake: FakeDiscord, tmp_path):
    s = add_server(fake, "one", ())
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild) as run:
        run.bot.checker = Checker(timeout=0.001)
        ix = await fake.invoke_slash(
            s.channel, s.admin, "trivia-admin import", {"file": fake.upload("a.csv", CSV * 50)}
        )
        reply = await ix.reply(timeout=30)
        assert reply.ephemeral and "took longer than 0.001 s; split it" in reply.content
    assert query(tmp_path, "SELECT COUNT(*) FROM custom_questions") == [(0,)]
    fake.assert_no_violations()


async def test_two_starts_at_once_under_a_cap_of_one_give_one_round(fake: FakeDiscord, tmp_path):
    """Both starts pass every check before either has created its game (the database is
    held): the service counts the start in flight, so the second is refused, privately."""
    s = add_server(fake, "one", ("alice", "bob"))
    alice, bob = s.players
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild) as run:
        saved = await call(fake, s.channel, s.admin, "trivia-admin settings", {"max_rounds": 1})
        assert "Rounds at once: at most 1" in saved.content  # the limits and places are cached
        with database_held(run.app.repo) as release:
            starts = [
                await fake.invoke_slash(channel, user, "trivia start", {"bank": "geo"})
                for channel, user in ((s.channel, alice), (s.other_channel, bob))
            ]
            for start in starts:
                assert (await start.response(timeout=2.5)).type == 5
            release.set()
            replies = [await start.reply() for start in starts]
        started = [r for r in replies if "started a round" in r.text]
        (refused,) = [r for r in replies if r not in started]
        assert len(started) == 1 and refused.ephemeral
        assert refused.content == (
            "This server already has 1 round running, its limit; wait for one to end."
        )
        assert len(run.bot.service.sessions()) == 1
    fake.assert_no_violations()


async def test_a_start_refused_for_the_cap_costs_no_cooldown(fake: FakeDiscord, tmp_path):
    from tests.discord_front.test_places import stop_and_wait

    s = add_server(fake, "one", ("alice", "bob"))
    alice, bob = s.players
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild) as run:
        options = {"cooldown": "start", "member_seconds": 3600, "max_rounds": 1}
        await call(fake, s.channel, s.admin, "trivia-admin settings", options)
        assert "started a round" in (await call(fake, s.channel, alice, "trivia start")).text
        capped = await call(fake, s.other_channel, bob, "trivia start")
        assert capped.ephemeral and "already has 1 round running" in capped.content
        await stop_and_wait(fake, run, s.channel, alice)
        assert "started a round" in (await call(fake, s.other_channel, bob, "trivia start")).text
    fake.assert_no_violations()
