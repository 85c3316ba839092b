"""The fake as several shard processes see it: own guilds only, session start limits."""

from __future__ import annotations

import aiohttp

from tests.fakediscord import FakeDiscord, run_bot
from tests.fakediscord_selftest.minibot import MiniBot


def sharded_world(shard_count: int, **options: object) -> FakeDiscord:
    fake = FakeDiscord(shard_count=shard_count, **options)  # type: ignore[arg-type]
    for i in range(2 * shard_count):
        fake.add_guild(f"g{i}")
    return fake


async def test_a_process_with_some_shards_gets_only_their_guilds() -> None:
    fake = sharded_world(3)
    async with fake:
        mine = [g.id for g in fake.guilds_for_shard(1)]
        bot = MiniBot(mine[0], shard_count=3, shard_ids=[1])
        async with run_bot(fake, bot):
            assert sorted(g.id for g in bot.guilds) == sorted(mine)
            assert fake.gateway.connected([1]) and not fake.gateway.connected()
        assert [i["shard"] for i in fake.gateway.identifies] == [[1, 3]]
        fake.assert_no_violations()


async def test_gateway_bot_reports_shards_and_counts_session_starts() -> None:
    fake = sharded_world(2, max_concurrency=16, session_start_total=50)
    async with fake:

        async def limits() -> dict[str, object]:
            async with aiohttp.ClientSession() as http:
                url = f"{fake.base_url}/gateway/bot"
                headers = {"Authorization": f"Bot {fake.token}"}
                async with http.get(url, headers=headers) as resp:
                    return await resp.json()

        before = await limits()
        assert before["shards"] == 2 and before["url"] == fake.gateway_url
        assert before["session_start_limit"] == {
            "total": 50,
            "remaining": 50,
            "reset_after": 86_400_000,
            "max_concurrency": 16,
        }
        async with run_bot(fake, MiniBot(next(iter(fake.guilds)))):
            pass
        assert (await limits())["session_start_limit"]["remaining"] == 48
        fake.assert_no_violations()


async def test_identifies_of_one_bucket_closer_than_the_spacing_are_flagged() -> None:
    fake = sharded_world(2, identify_spacing=5.0)  # MiniBot skips discord.py's 5 s pause
    async with fake:
        async with run_bot(fake, MiniBot(next(iter(fake.guilds)))):
            pass
    flagged = fake.take_violations("in bucket 0; max_concurrency 1 allows one per 5s")
    assert len(flagged) == 1 and "shard 1 identified" in flagged[0]
    fake.assert_no_violations()


async def test_shards_in_different_buckets_may_identify_together() -> None:
    fake = sharded_world(2, identify_spacing=5.0, max_concurrency=2)
    async with fake:
        async with run_bot(fake, MiniBot(next(iter(fake.guilds)))):
            pass
        assert [shard for _, shard in fake.gateway.identify_times] == [0, 1]
    fake.assert_no_violations()
