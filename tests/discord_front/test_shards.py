"""The real bot running some of the shards: only its guilds, sync only from shard 0."""

from __future__ import annotations

import dataclasses

import pytest

from bot.app import open_app
from bot.discord_front.client import TriviaBot
from bot.shards import ShardRange
from tests.discord_front.conftest import settings_for
from tests.fakediscord import FakeDiscord, run_bot


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
