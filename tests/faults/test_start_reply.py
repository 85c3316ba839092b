"""A /trivia start whose reply is lost never locks its channel; stop ends a round with no runner."""

from __future__ import annotations

from pathlib import Path

from bot.engine.models import Player
from bot.engine.rules import RoundSettings
from tests.fakediscord import FakeDiscord
from tests.faults.conftest import (
    TALLY,
    add_server,
    db_rows,
    question,
    running_bot,
    settings_for,
    start_round,
)

CALLBACK = "/interactions/{interaction_id}/{token}/callback"
FOLLOWUP = "/webhooks/{app_id}/{token}"


async def test_a_lost_start_reply_leaves_the_channel_free(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    """The start's reply meets 10062: no game is left running, and the next start plays."""
    s = add_server(fake)
    settings = settings_for(tmp_path, fake.token)
    async with running_bot(fake, settings, s.guild) as run:
        # the reply and the apology after it: the token is dead for both
        fault = fake.inject_fault(
            "POST", CALLBACK, 404, count=2, code=10062, message="Unknown interaction"
        )
        TALLY["faults injected: 10062 on a start"] += 1
        await fake.invoke_slash(s.channel, s.players[0], "trivia start", {"bank": "geo"})
        await fake.wait_for(lambda: fault.count == 0, what="the reply to meet the fault")
        await fake.wait_for(
            lambda: (
                not run.bot.service.sessions()
                and not db_rows(settings.db_path, "SELECT id FROM games WHERE status = 'running'")
            ),
            what="no round left claiming the channel",
        )
        fake.take_violations("10062")
        fake.take_violations("never answered")
        assert "started a round" in await start_round(
            fake, s.channel, s.players[1], questions=1, seconds=5
        )
        await question(fake, s.channel, 1)
    fake.assert_no_violations()


async def test_a_start_whose_announcement_fails_is_ended_and_freed(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    """The deferral went through but the announcement did not: the game ends, stopped."""
    s = add_server(fake)
    settings = settings_for(tmp_path, fake.token)
    async with running_bot(fake, settings, s.guild) as run:
        fault = fake.inject_fault("POST", FOLLOWUP, 404, count=2, code=10015)
        ix = await fake.invoke_slash(s.channel, s.players[0], "trivia start", {"bank": "geo"})
        await ix.response()
        await fake.wait_for(lambda: fault.count == 0, what="the announcement to meet the fault")
        await fake.wait_for(lambda: not run.bot.service.sessions(), what="the channel to free")
        assert db_rows(settings.db_path, "SELECT status FROM games") == [("stopped",)]
        assert not fake.bot_messages(s.channel) or all(
            m.interaction is not None for m in fake.bot_messages(s.channel)
        ), "no question may be posted for a round nobody was told about"
        assert "started a round" in await start_round(
            fake, s.channel, s.players[1], questions=1, seconds=5
        )
    fake.take_violations("deferred")  # the filled-never deferral is what Discord would show
    fake.assert_no_violations()


async def test_stop_ends_a_round_that_has_no_runner(fake: FakeDiscord, tmp_path: Path) -> None:
    """A round registered but never launched: stop saves it and frees the channel."""
    s = add_server(fake)
    settings = settings_for(tmp_path, fake.token)
    async with running_bot(fake, settings, s.guild) as run:
        alice = s.players[0]
        await run.bot.service.start(
            guild_id=s.guild.id,
            channel_id=s.channel.id,
            starter=Player(alice.id, alice.username),
            bank_ids=["geo"],
            settings=RoundSettings(questions=2),
        )
        stopped = await (await fake.invoke_slash(s.channel, alice, "trivia stop")).reply()
        assert stopped.ephemeral and "Stopped" in stopped.content
        assert not run.bot.service.sessions()
        assert db_rows(settings.db_path, "SELECT status FROM games") == [("stopped",)]
        assert "started a round" in await start_round(fake, s.channel, alice, questions=1)
    fake.assert_no_violations()
