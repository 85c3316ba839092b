"""Serving Discord and publishing the commands: the Discord side of the composition point."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator

import aiohttp
import discord
import yarl

from bot.app import open_app
from bot.discord_front import heap
from bot.discord_front.sharding import IdentifyTurns, claim_shards
from bot.engine.errors import TriviaError
from bot.settings import Settings
from bot.storage.target import SQLiteTarget

log = logging.getLogger(__name__)


def point_discord_at(settings: Settings) -> None:
    """Tests run the real bot against a local fake Discord; production never sets these."""
    if settings.api_base:
        discord.http.Route.BASE = settings.api_base
    if settings.gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


class DiscordUnreachable(TriviaError):
    """Worth retrying, unlike a bad setting: a service manager restarts on this exit code."""

    exit_code = 75  # EX_TEMPFAIL


@contextlib.contextmanager
def _reaching_discord() -> Iterator[None]:
    """A refused token or an unreachable Discord is one line for the operator."""
    try:
        yield
    except discord.LoginFailure:
        raise TriviaError(
            "Discord refused the token in DISCORD_TOKEN; copy it again from "
            "the Developer Portal (Bot → Reset Token)."
        ) from None
    except (aiohttp.ClientError, OSError, discord.GatewayNotFound) as exc:
        raise DiscordUnreachable(f"cannot reach Discord: {exc or type(exc).__name__}") from None


async def serve(settings: Settings, token: str) -> int:
    from bot.discord_front.client import TriviaBot

    point_discord_at(settings)
    target = settings.database  # a relative TRIVIA_DB is shown where it really is
    shown = target.path.absolute() if isinstance(target, SQLiteTarget) else target
    log.info("database %s; banks %s", shown, settings.banks_dir)
    async with claim_shards(settings) as shard_locks, open_app(settings) as app:
        bot = TriviaBot(service=app.service, settings=settings)
        bot.add_listener(_settle_heap, "on_ready")  # this process only: not the tests' bots
        if shard_locks is not None:
            bot.identify_turn = IdentifyTurns(bot, shard_locks)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, lambda: asyncio.ensure_future(bot.close()))
        with _reaching_discord():
            async with bot:
                await bot.start(token)
        log.info("disconnected; saving and closing")
    return 0


async def _settle_heap() -> None:
    heap.settle()


async def sync(settings: Settings, token: str, guild_id: int | None) -> int:
    """Publish the commands and nothing else: no database, no game, no recovery.

    Opening the game here once marked a live bot's rounds abandoned (review H2).
    """
    from discord import app_commands

    from bot.discord_front import groups
    from bot.discord_front.cogs import load_features

    load_features()

    point_discord_at(settings)
    client = discord.Client(intents=discord.Intents(guilds=True))  # only logs in, never connects
    tree = app_commands.CommandTree(client)
    tree.add_command(groups.trivia)
    tree.add_command(groups.admin)
    with _reaching_discord():
        async with client:
            await client.login(token)
            if guild_id is None:
                synced = await tree.sync()
            else:
                tree.copy_global_to(guild=discord.Object(guild_id))
                synced = await tree.sync(guild=discord.Object(guild_id))
    where = (
        f"server {guild_id}"
        if guild_id is not None
        else "all servers (may take up to an hour to appear)"
    )
    print(f"Synced {len(synced)} commands to {where}.")
    return 0
