"""discord.py's buckets with the lighter queue hold requests back and release every one."""

import asyncio

import discord.http

from bot.discord_front.buckets import WaitingRequests, lighten_buckets


async def released_order(lighter: bool) -> list[int]:
    """Three requests on a bucket exhausted for 20 ms: what went out (in discord.py's order,
    which depends on timing with either queue)."""
    loop = asyncio.get_running_loop()
    http = discord.http.HTTPClient(loop)
    if lighter:
        lighten_buckets(http)
    bucket = http.get_ratelimit("POST /channels/{channel_id}/messages:channel_id=1")
    assert (type(bucket._pending_requests) is WaitingRequests) == lighter
    bucket.remaining, bucket.reset_after = 0, 0.02
    bucket.expires = loop.time() + bucket.reset_after
    sent: list[int] = []

    async def request(n: int) -> None:
        async with bucket:
            sent.append(n)

    tasks = [asyncio.create_task(request(n)) for n in range(3)]
    await asyncio.sleep(0.005)
    assert sent == [] and len(bucket._pending_requests) == 3  # all held back
    await asyncio.wait_for(asyncio.gather(*tasks), 5)
    await http.close()
    return sent


async def test_the_lighter_queue_holds_back_and_releases_like_the_deque() -> None:
    for lighter in (True, False):
        assert sorted(await released_order(lighter)) == [0, 1, 2]


async def test_new_buckets_do_not_each_scan_every_bucket() -> None:
    """10,000 channels posted in within 300 s: a sweep per doubling, not per new bucket."""
    http = discord.http.HTTPClient(asyncio.get_running_loop())
    lighten_buckets(http)
    checked = 0
    real = discord.http.Ratelimit.is_inactive

    def counting(bucket: discord.http.Ratelimit) -> bool:
        nonlocal checked
        checked += 1
        return real(bucket)

    discord.http.Ratelimit.is_inactive = counting  # type: ignore[method-assign]
    try:
        for channel in range(10_000):
            http.get_ratelimit(f"POST /channels/{{channel_id}}/messages:channel_id={channel}")
    finally:
        discord.http.Ratelimit.is_inactive = real  # type: ignore[method-assign]
    assert len(http._buckets) == 10_000  # none expired: all were used just now
    assert checked < 40_000  # discord.py alone: about 50 million
    for bucket in http._buckets.values():
        bucket._last_request -= 301  # five minutes later, all idle
    for channel in range(10_000, 20_000):  # expired buckets still go, at the next doubling
        http.get_ratelimit(f"POST /channels/{{channel_id}}/messages:channel_id={channel}")
    assert not any(key.endswith("=5") for key in http._buckets)  # the idle ones went
    assert len(http._buckets) == 10_000  # the new ones stay
    await http.close()
