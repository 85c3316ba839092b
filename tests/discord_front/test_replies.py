"""Private replies posted on the bot's own session (bot/discord_front/replies.py)."""

from __future__ import annotations

import logging
from typing import Any

import discord
import pytest

from tests.discord_front.conftest import Server, add_server, call, running_bot, settings_for
from tests.fakediscord import FakeDiscord, FakeMessage, FakeUser

CALLBACK = "/interactions/{interaction_id}/{token}/callback"


async def asked(fake: FakeDiscord, s: Server, player: FakeUser) -> FakeMessage:
    """A button round's first question."""
    await call(fake, s.channel, player, "trivia start", {"bank": "geo", "questions": 3})
    return await fake.wait_for_message(s.channel, lambda m: bool(m.embeds) and m.buttons())


async def click(fake: FakeDiscord, question: FakeMessage, player: FakeUser) -> Any:
    return await fake.click_button(question, None, player, label=question.buttons()[0]["label"])


async def test_a_click_is_answered_privately_pinging_no_one_and_counts_as_answered(fake, tmp_path):
    s = add_server(fake, "one", ("alice",))
    (alice,) = s.players
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), s.guild) as r:
        seen: list[discord.Interaction[Any]] = []

        async def keep(interaction: discord.Interaction[Any]) -> None:
            seen.append(interaction)

        r.bot.add_listener(keep, "on_interaction")
        question = await asked(fake, s, alice)
        pressed = await click(fake, question, alice)
        first = await pressed.response()
        assert first.type == 4 and first.ephemeral and first.content.startswith("Locked in")
        assert first.data["allowed_mentions"] == {"parse": []}
        (answered,) = [ix for ix in seen if ix.id == pressed.id]
        # discord.py's own mark, so that a second reply would go as a followup
        await fake.wait_for(answered.response.is_done, what="the click marked answered")
        assert answered.response.type is discord.InteractionResponseType.channel_message
    fake.assert_no_violations()


@pytest.mark.parametrize("status", [500, 503, 429])
async def test_a_reply_refused_once_by_discord_is_sent_again(fake, tmp_path, status):
    s = add_server(fake, "one", ("alice",))
    (alice,) = s.players
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), s.guild):
        question = await asked(fake, s, alice)
        fault = fake.inject_fault("POST", CALLBACK, status, retry_after=0.05)
        pressed = await click(fake, question, alice)
        first = await pressed.response(timeout=2.5)
        assert first.ephemeral and first.content.startswith("Locked in")
        assert len(fault.served) == 1
    fake.assert_no_violations()


@pytest.mark.parametrize(("status", "via"), [(429, False), (404, True), (400, True)])
async def test_a_reply_that_cannot_go_is_logged_in_one_line_and_not_sent_again(
    fake, tmp_path, caplog, status, via
):
    """A 429 without Discord's Via header is Cloudflare's ban: sent again, it only gets worse."""
    s = add_server(fake, "one", ("alice",))
    (alice,) = s.players
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), s.guild):
        question = await asked(fake, s, alice)
        fault = fake.inject_fault("POST", CALLBACK, status, count=2, via=via)
        with caplog.at_level(logging.WARNING, logger="bot.discord_front.replies"):
            await click(fake, question, alice)
            await fake.wait_for(
                lambda: "could not reply to interaction" in caplog.text, what="the warning"
            )
        assert len(fault.served) == 1
        (line,) = [r for r in caplog.records if "could not reply" in r.getMessage()]
        assert line.exc_info is None and str(status) in line.getMessage()
