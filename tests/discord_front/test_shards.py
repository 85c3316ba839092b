"""The real bot running some of the shards: only its guilds, sync only from shard 0."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from bot.app import open_app
from bot.discord_front.client import TriviaBot
from bot.discord_front.serve import sync as _sync
from bot.shards import ShardRange
from bot.storage.records import GameStatus, NewGame
from bot.storage.sqlite import SQLiteRepository
from tests.discord_front.conftest import settings_for
from tests.fakediscord import FakeDiscord, patch_discord, run_bot


@pytest.mark.parametrize(("shard", "syncs"), [(0, True), (1, False)])
async def test_the_dev_guild_sync_comes_only_from_the_process_with_shard_0(tmp_path, shard, syncs):
    fake = FakeDiscord(shard_count=2)
    guilds = [fake.add_guild(f"g{i}", shard_id=i % 2) for i in range(4)]
    settings = dataclasses.replace(
        settings_for(tmp_path, fake.token),
        dev_guild=guilds[0].id,
        shards=ShardRange(2, shard, shard),
    )
    async with fake, open_app(settings) as app:
        bot = TriviaBot(service=app.service, settings=settings, guild_ready_timeout=0.05)
        async with run_bot(fake, bot):
            # the fake has sent READY; the client has its guilds once it says it is ready
            await asyncio.wait_for(bot.wait_until_ready(), 10)
            assert sorted(bot.shards) == [shard]
            assert {g.id for g in bot.guilds} == {
                g.id for g in guilds if fake.shard_for(g.id) == shard
            }
        assert [i["shard"] for i in fake.gateway.identifies] == [[shard, 2]]
        assert bool(fake.command_syncs) is syncs
        fake.assert_no_violations()


async def test_sync_leaves_running_rounds_alone(tmp_path):
    """`trivia-bot sync` beside live shard processes must not abandon their rounds."""
    fake = FakeDiscord()
    guild = fake.add_guild("g")
    settings = settings_for(tmp_path, fake.token)
    repo = await SQLiteRepository.open(settings.db_path)
    game_id = await repo.create_game(NewGame(guild.id, 5, ("geo",), "buttons", 1, 3, 20.0, 1.0))
    await repo.close()
    async with fake:
        with patch_discord(fake):
            assert await _sync(settings, fake.token, guild.id) == 0
        assert fake.command_syncs == [str(guild.id)]
    repo = await SQLiteRepository.open(settings.db_path)
    try:
        assert (await repo.get_game(game_id)).status is GameStatus.RUNNING
    finally:
        await repo.close()


@pytest.mark.slow
async def test_a_lost_database_does_not_stop_an_identify(caplog):
    """Without its turn from PostgreSQL a shard still identifies, after a lone process's pause."""
    import time

    import discord

    from bot.discord_front.sharding import IdentifyTurns
    from bot.storage.shard_locks import IDENTIFY_SPACING_S, ShardLocks
    from tests.postgres import create_database, drop_database, url_for

    name = await create_database()  # a database of its own: this test drops it
    locks = await ShardLocks.claim(url_for(name), ShardRange(2, 1, 1))
    await drop_database(name)
    async with FakeDiscord(shard_count=2) as fake:
        with patch_discord(fake):
            client = discord.AutoShardedClient(intents=discord.Intents.none())
            async with client:
                await client.login(fake.token)
                started = time.monotonic()
                await IdentifyTurns(client, locks)(1)
                assert time.monotonic() - started >= IDENTIFY_SPACING_S * 0.95
    assert "shard 1: no IDENTIFY turn (cannot reach PostgreSQL" in caplog.text
    await locks.close()


def test_every_feature_module_is_listed():
    """A cog module missing from FEATURES would run in the bot but never be published by sync."""
    import pkgutil

    from bot.discord_front import cogs

    assert sorted(m.name for m in pkgutil.iter_modules(cogs.__path__)) == sorted(cogs.FEATURES)


async def test_sync_publishes_the_commands_the_running_bot_has(tmp_path):
    """`trivia-bot sync`, in a fresh process, sends the commands the bot's own sync sends."""
    import asyncio
    import subprocess
    import sys

    from tests.faults.conftest import child_env

    fake = FakeDiscord()
    by_bot, by_sync = fake.add_guild("bot"), fake.add_guild("sync")
    settings = dataclasses.replace(settings_for(tmp_path, fake.token), dev_guild=by_bot.id)
    async with fake, open_app(settings) as app:
        bot = TriviaBot(service=app.service, settings=settings, guild_ready_timeout=0.05)
        async with run_bot(fake, bot):
            await fake.wait_for_commands(by_bot)
        env = child_env(**fake.env(), DISCORD_TOKEN=fake.token, TRIVIA_DB=str(tmp_path / "x.db"))
        synced = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot", "sync", "--guild", str(by_sync.id)],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert synced.returncode == 0, synced.stderr

    def shape(commands):
        def walk(options):
            kinds = (1, 2)  # subcommands and subcommand groups
            return sorted(
                (o["name"], walk(o.get("options", []))) for o in options if o["type"] in kinds
            )

        return sorted((c["name"], walk(c.get("options", []))) for c in commands)

    published = shape(fake.guild_commands[by_sync.id])
    assert published == shape(fake.guild_commands[by_bot.id])
    assert ("review", []) in dict(published)["trivia"]
    fake.assert_no_violations()
