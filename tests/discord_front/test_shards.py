"""The real bot running some of the shards: only its guilds, sync only from shard 0."""

from __future__ import annotations

import dataclasses

import pytest

from bot.app import open_app
from bot.discord_front.client import TriviaBot
from bot.discord_front.commands import _sync
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
