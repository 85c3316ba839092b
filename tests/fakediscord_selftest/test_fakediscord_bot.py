"""End-to-end: the real discord.py client against FakeDiscord, in-process."""

from __future__ import annotations

import asyncio
import io

import discord
import pytest

from tests.fakediscord import FakeDiscord, World, run_bot
from tests.fakediscord.gateway import INTENT_GUILD_MEMBERS, INTENT_MESSAGE_CONTENT

from .minibot import MiniBot


async def test_login_ready_guild_create_and_sync(fake: FakeDiscord, world: World) -> None:
    bot = MiniBot(world.guild.id)
    async with run_bot(fake, bot):
        await asyncio.wait_for(bot.wait_until_ready(), 5)
        assert bot.user is not None and bot.user.id == fake.bot_user.id
        assert bot.application_id == fake.application_id
        guild = bot.get_guild(world.guild.id)
        assert guild is not None and guild.get_channel(world.channel.id) is not None
        assert {m.name for m in guild.members} >= {"alice", "bob", fake.bot_user.username}
        assert guild.me.guild_permissions.send_messages
        intents = fake.gateway.identifies[0]["intents"]
        assert intents & INTENT_MESSAGE_CONTENT and intents & INTENT_GUILD_MEMBERS
        assert fake.gateway.connections[0].compressor is not None  # discord.py uses zlib-stream
        registered = {c["name"]: c for c in fake.guild_commands[world.guild.id]}
        assert set(registered) >= {"ping", "quiz", "feedback"}
        fetched = await bot.tree.fetch_commands(guild=discord.Object(world.guild.id))
        assert {c.id for c in fetched} == {int(c["id"]) for c in registered.values()}
    fake.assert_no_violations()


async def test_slash_command_and_subcommand(fake: FakeDiscord, world: World) -> None:
    alice = world.users[0]
    async with run_bot(fake, MiniBot(world.guild.id)):
        ix = await fake.invoke_slash(world.channel, alice, "ping", {"n": 3})
        response = await ix.response()
        assert (response.type, response.content, response.ephemeral) == (4, "pong 3", True)
        assert ix.latency is not None and ix.latency < 1

        quiz = await fake.invoke_slash(world.channel, alice, "quiz start", {"rounds": 2})
        posted = await quiz.response()
        assert posted.content == "Question 1 of 2" and not posted.ephemeral
        assert posted.message is not None
        assert posted.message.custom_ids() == [f"answer:1:{c}" for c in "abcd"]
        assert fake.bot_messages(world.channel) == [posted.message]

        with pytest.raises(ValueError, match="required option"):
            await fake.invoke_slash(world.channel, alice, "quiz start")
        with pytest.raises(LookupError, match="not registered"):
            await fake.invoke_slash(world.channel, alice, "nope")
    fake.assert_no_violations()


async def test_button_click_gets_ephemeral_reply(fake: FakeDiscord, world: World) -> None:
    alice, bob = world.users
    async with run_bot(fake, MiniBot(world.guild.id)):
        quiz = await fake.invoke_slash(world.channel, alice, "quiz start", {"rounds": 1})
        message = (await quiz.response()).message
        assert message is not None
        click = await fake.click_button(message, "answer:1:b", bob)
        reply = await click.response()
        assert reply.content == "you chose b" and reply.ephemeral
        assert reply.message is not None and reply.message.visible_to == bob.id
        by_label = await fake.click_button(message, None, alice, label="D")
        assert (await by_label.response()).content == "you chose d"
        assert fake.messages_in(world.channel) == [message]  # ephemeral replies stay private
    fake.assert_no_violations()


async def test_modal_submit_reaches_bot(fake: FakeDiscord, world: World) -> None:
    alice = world.users[0]
    bot = MiniBot(world.guild.id)
    async with run_bot(fake, bot):
        ix = await fake.invoke_slash(world.channel, alice, "feedback")
        opened = await ix.response()
        assert opened.type == 9 and opened.modal is not None
        assert opened.modal["title"] == "Feedback"
        with pytest.raises(ValueError, match="required"):
            await fake.submit_modal(ix, {})
        submitted = await fake.submit_modal(
            ix, {opened.modal["components"][0]["components"][0]["custom_id"]: "great quiz"}
        )
        reply = await submitted.response()
        assert reply.content == "thanks: great quiz"
        assert bot.feedback == ["great quiz"]
    fake.assert_no_violations()


async def test_typed_message_send_and_edit(fake: FakeDiscord, world: World) -> None:
    alice = world.users[0]
    bot = MiniBot(world.guild.id)
    async with run_bot(fake, bot):
        typed = await fake.send_user_message(world.channel, alice, "!count")
        sent = await fake.wait_for_message(world.channel, after=typed)
        await fake.wait_for(lambda: sent.content == "2")
        assert [r.content for r in sent.revisions] == ["1"]
        assert sent.edited_timestamp is not None
        assert sent.allowed_mentions == {"parse": []}
        # The bot saw the user's message (with content) and its own echoed message.
        await fake.wait_for(lambda: len(bot.seen_messages) >= 2)
        assert bot.seen_messages[0].content == "!count"
        assert bot.seen_messages[1].author.id == fake.bot_user.id
    fake.assert_no_violations()


async def test_deferred_then_followups(fake: FakeDiscord, world: World) -> None:
    alice = world.users[0]
    async with run_bot(fake, MiniBot(world.guild.id)):
        ix = await fake.invoke_slash(world.channel, alice, "think")
        assert (await ix.response()).type == 5
        followups = await fake.wait_for_followups(ix, 2)
        assert ix.original is followups[0]  # first followup resolves the "thinking" message
        assert not ix.original.loading and ix.original.content == "done thinking"
        assert followups[1].ephemeral and followups[1].content == "and one more"
        assert fake.unfinished_deferrals() == []
    fake.assert_no_violations()


async def test_late_and_missing_responses_are_violations() -> None:
    fake = FakeDiscord(interaction_deadline=0.2)
    world = fake.setup_basic()
    await fake.start()
    try:
        bot = MiniBot(world.guild.id)
        async with run_bot(fake, bot):
            slow = await fake.invoke_slash(world.channel, world.users[0], "slow")
            silent = await fake.invoke_slash(world.channel, world.users[0], "silent")
            await fake.wait_for(lambda: bot.errors)
            assert isinstance(bot.errors[0], discord.NotFound) and bot.errors[0].code == 10062
            await fake.wait_for(lambda: len(fake.violations) >= 2)
            assert slow.initial is None and slow.expired
        late = fake.take_violations(slow.describe())
        missing = fake.take_violations(silent.describe())
        assert late and ("initial response after" in late[0] or "no initial" in late[0])
        assert missing and "no initial response within 0.2s" in missing[0]
        fake.assert_no_violations()
    finally:
        await fake.close()


async def test_double_response_is_violation(fake: FakeDiscord, world: World) -> None:
    bot = MiniBot(world.guild.id)
    async with run_bot(fake, bot):
        ix = await fake.invoke_slash(world.channel, world.users[0], "double")
        await fake.wait_for(lambda: bot.errors)
    error = bot.errors[0]
    assert isinstance(error, discord.HTTPException) and error.code == 40060
    assert ix.initial is not None and ix.initial.content == "one"
    assert fake.take_violations("second initial response")
    fake.assert_no_violations()


async def test_missing_allowed_mentions_is_violation(fake: FakeDiscord, world: World) -> None:
    bot = MiniBot(world.guild.id, mentions_off=False)
    async with run_bot(fake, bot):
        alice = world.users[0]
        ix = await fake.invoke_slash(
            world.channel, alice, "announce", {"text": f"hi {alice.mention}"}
        )
        await ix.response()
    found = fake.take_violations("allowed_mentions missing")
    assert len(found) == 2  # the channel post and the interaction reply
    fake.assert_no_violations()


async def test_too_long_content_is_rejected(fake: FakeDiscord, world: World) -> None:
    bot = MiniBot(world.guild.id)
    async with run_bot(fake, bot):
        ix = await fake.invoke_slash(
            world.channel, world.users[0], "announce", {"text": "x" * 2001}
        )
        await ix.response()
    assert isinstance(bot.errors[0], discord.HTTPException) and bot.errors[0].code == 50035
    assert fake.take_violations("content: 2001 characters, limit 2000")
    fake.assert_no_violations()


async def test_gateway_close_4000_resumes_with_replay(fake: FakeDiscord, world: World) -> None:
    bot = MiniBot(world.guild.id)
    resumed = asyncio.Event()

    async def on_shard_resumed(shard_id: int) -> None:
        resumed.set()

    bot.add_listener(on_shard_resumed)
    async with run_bot(fake, bot):
        await fake.close_gateway(4000)
        # Dispatched while disconnected: buffered and replayed on RESUME.
        ix = await fake.invoke_slash(world.channel, world.users[0], "ping")
        assert (await ix.response()).content == "pong 1"
        await asyncio.wait_for(resumed.wait(), 5)
        assert fake.gateway.resumed_count == 1 and fake.gateway.ready_count == 1
        assert fake.gateway.gateway_paths[-1] == "/gateway/resume"

        await fake.close_gateway(4009)  # session timed out: RESUME is refused, bot re-identifies
        await fake.wait_for(lambda: fake.gateway.ready_count == 2)
        await fake.wait_until_connected()
        ix = await fake.invoke_slash(world.channel, world.users[0], "ping", {"n": 2})
        assert (await ix.response()).content == "pong 2"

        await fake.send_reconnect()  # op 7: discord.py reconnects and resumes
        await fake.wait_for(lambda: fake.gateway.resumed_count == 2)
        await fake.invalidate_session(resumable=False)  # op 9: must identify again
        await fake.wait_for(lambda: fake.gateway.ready_count == 3)
        await fake.wait_until_connected()
        ix = await fake.invoke_slash(world.channel, world.users[0], "ping", {"n": 3})
        assert (await ix.response()).content == "pong 3"
    fake.assert_no_violations()


async def test_rest_fault_injection(fake: FakeDiscord, world: World) -> None:
    bot = MiniBot(world.guild.id)
    async with run_bot(fake, bot):
        channel = bot.get_channel(world.channel.id)
        assert isinstance(channel, discord.TextChannel)
        limited = fake.inject_fault("POST", "/channels/*/messages", 429, retry_after=0.05)
        sent = await channel.send("after a 429")
        assert limited.served and fake.messages[sent.id].content == "after a 429"

        fake.inject_fault("POST", "/channels/{channel_id}/messages", 403)
        with pytest.raises(discord.Forbidden) as forbidden:
            await channel.send("nope")
        assert forbidden.value.code == 50013

        fake.inject_fault("PATCH", "/channels/*/messages/*", 404)
        with pytest.raises(discord.NotFound) as missing:
            await sent.edit(content="gone")
        assert missing.value.code == 10008

        fake.inject_fault("POST", "/interactions/{interaction_id}/{token}/callback", 403)
        served = len(fake.errors_served)
        ix = await fake.invoke_slash(world.channel, world.users[0], "ping")
        await fake.wait_for(lambda: len(fake.errors_served) > served)
        assert ix.initial is None

        with pytest.raises(discord.NotFound):
            await bot.http.request(
                discord.http.Route("GET", "/guilds/{guild_id}/bans", guild_id=world.guild.id)
            )
    assert fake.unknown_routes == ["GET /guilds/" + str(world.guild.id) + "/bans"]
    fake.take_violations("not implemented")
    fake.take_violations(ix.describe())  # the bot never answered the faulted interaction
    fake.assert_no_violations()


async def test_channel_rate_limit_headers_are_honoured() -> None:
    fake = FakeDiscord(channel_rate_limit=(2, 0.3))
    world = fake.setup_basic()
    async with fake:
        bot = MiniBot(world.guild.id)
        async with run_bot(fake, bot):
            channel = bot.get_channel(world.channel.id)
            assert isinstance(channel, discord.TextChannel)
            loop = asyncio.get_running_loop()
            started = loop.time()
            for i in range(3):
                await channel.send(f"message {i}")
            assert loop.time() - started >= 0.2  # discord.py waited for the bucket to reset
        assert len(fake.bot_messages(world.channel)) == 3
        fake.assert_no_violations()


async def test_autocomplete_select_update_and_context_menu(fake: FakeDiscord, world: World) -> None:
    alice, bob = world.users
    async with run_bot(fake, MiniBot(world.guild.id)):
        ac = await fake.autocomplete(world.channel, alice, "pick", {"topic": "s"}, focused="topic")
        choices = (await ac.response()).choices
        assert [c["value"] for c in choices] == ["science", "sports"]

        posted = await (await fake.invoke_slash(world.channel, alice, "menu")).response()
        assert posted.message is not None
        with pytest.raises(ValueError, match="no options"):
            await fake.select_menu(posted.message, "menu", alice, ["green"])
        chosen = await fake.select_menu(posted.message, "menu", alice, ["blue"])
        update = await chosen.response()
        assert update.type == 7 and update.message is posted.message
        assert posted.message.content == "picked blue" and posted.message.components == []
        assert [r.content for r in posted.message.revisions] == ["choose"]

        ctx = await fake.invoke_context_menu(world.channel, alice, "Profile", bob)
        assert (await ctx.response()).content == "profile of bob"
    fake.assert_no_violations()


async def test_direct_messages(fake: FakeDiscord, world: World) -> None:
    alice = world.users[0]
    async with run_bot(fake, MiniBot(world.guild.id)) as bot:
        dm = fake.dm_channel(alice)
        await fake.send_user_message(dm, alice, "hello bot")
        echo = await fake.wait_for_message(dm)
        assert echo.content == "dm echo: hello bot" and echo.guild_id is None
        user = bot.get_user(alice.id)
        assert user is not None
        sent = await user.send("private hint")
        assert fake.messages[sent.id].channel_id == dm.id
    fake.assert_no_violations()


async def test_two_shards_route_guild_events() -> None:
    fake = FakeDiscord(shard_count=2)
    guilds = [fake.add_guild(f"g{i}") for i in range(6)]
    by_shard = {fake.shard_for(g.id) for g in guilds}
    assert by_shard == {0, 1}  # snowflakes spread over both shards
    channels = [fake.add_channel(g) for g in guilds]
    alice = fake.add_user("alice")
    for g in guilds:
        fake.add_member(g, alice)
    async with fake:
        async with run_bot(fake, MiniBot(guilds[0].id)) as bot:
            assert sorted(s for s in bot.shards) == [0, 1]
            assert {g.id for g in bot.guilds} == {g.id for g in guilds}
            other = next(
                c for c in channels if fake.shard_for(c.guild_id) != fake.shard_for(guilds[0].id)
            )
            await fake.send_user_message(other, alice, "!count")
            sent = await fake.wait_for_message(other)
            await fake.wait_for(lambda: sent.content == "2")
        assert [i["shard"] for i in fake.gateway.identifies] == [[0, 2], [1, 2]]
        fake.assert_no_violations()


async def test_attachments_are_recorded(fake: FakeDiscord, world: World) -> None:
    async with run_bot(fake, MiniBot(world.guild.id)) as bot:
        channel = bot.get_channel(world.channel.id)
        assert isinstance(channel, discord.TextChannel)
        sent = await channel.send("scores", file=discord.File(io.BytesIO(b"a,b\n1,2\n"), "s.csv"))
        assert sent.attachments[0].filename == "s.csv" and sent.attachments[0].size == 8
        stored = fake.messages[sent.id]
        assert stored.content == "scores" and stored.attachments[0]["filename"] == "s.csv"
    fake.assert_no_violations()
