"""Glue between FakeDiscord and discord.py: URL patching and running a bot for a test."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Iterator, Mapping

import discord
import discord.gateway
import discord.http
import yarl

from .server import ENV_API_BASE, ENV_GATEWAY, FakeDiscord


def _set_urls(api_base: str, gateway: str) -> tuple[str, yarl.URL]:
    old = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    return old


@contextlib.contextmanager
def patch_discord(fake: FakeDiscord) -> Iterator[FakeDiscord]:
    """Point discord.py (REST, webhooks, gateway) at the fake for the duration of the block.

    Route.BASE is read whenever a request is built, so keep the block open for the bot's
    whole lifetime. Both attributes are restored afterwards.
    """
    old_base, old_gateway = _set_urls(fake.base_url, fake.gateway_url)
    try:
        yield fake
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


def apply_env_overrides(environ: Mapping[str, str] | None = None) -> bool:
    """Reference implementation of the bot-side hook: honour TRIVIA_DISCORD_* variables.

    Returns True if an override was applied. The bot's own startup code should do exactly
    this before creating its client (see README.md).
    """
    env = os.environ if environ is None else environ
    api_base = env.get(ENV_API_BASE)
    gateway = env.get(ENV_GATEWAY)
    if not api_base and not gateway:
        return False
    if api_base:
        discord.http.Route.BASE = api_base.rstrip("/")
    if gateway:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    return True


@contextlib.asynccontextmanager
async def run_bot(
    fake: FakeDiscord, client: discord.Client, *, connect_timeout: float = 10.0
) -> AsyncIterator[discord.Client]:
    """Run `client` against the fake until the block ends; wait until its gateway is READY.

    If the client dies during startup (bad token, crash in setup_hook) its exception is
    raised here instead of a timeout.
    """
    with patch_discord(fake):
        task = asyncio.create_task(client.start(fake.token), name="fakediscord-bot")
        shards = getattr(client, "shard_ids", None)  # a process running some shards only
        ready = asyncio.create_task(fake.wait_until_connected(connect_timeout, shards=shards))
        try:
            done, _ = await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
            if task in done:
                ready.cancel()
                task.result()
                raise RuntimeError("bot stopped before the gateway became ready")
            ready.result()
            yield client
        finally:
            ready.cancel()
            await client.close()
            try:
                await asyncio.wait_for(task, 5)
            except (asyncio.CancelledError, TimeoutError):
                task.cancel()
            except Exception:  # the test's own failure matters more than shutdown noise
                pass
