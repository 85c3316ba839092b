"""`trivia-bot run` and `trivia-bot sync`: the Discord side of the composition point."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from typing import Any

import discord
import yarl

from bot.app import open_app
from bot.discord_front.sharding import with_shard_flags
from bot.engine.errors import TriviaError
from bot.settings import Settings

log = logging.getLogger(__name__)


def register(sub: Any) -> None:
    run = sub.add_parser("run", help="connect to Discord and serve rounds (needs DISCORD_TOKEN)")
    run.add_argument(
        "--shard-count",
        default=None,
        metavar="N",
        help="how many shards the bot has in all (default: TRIVIA_SHARD_COUNT, else Discord's)",
    )
    run.add_argument(
        "--shards",
        default=None,
        metavar="A-B",
        help="run only shards A to B of N here, others elsewhere (needs PostgreSQL)",
    )
    run.set_defaults(handler=run_bot)
    sync = sub.add_parser("sync", help="publish the slash commands to Discord")
    sync.add_argument(
        "--guild",
        type=int,
        default=None,
        metavar="ID",
        help="to one server only (instant); without it, globally",
    )
    sync.set_defaults(handler=sync_commands)


def _token(settings: Settings) -> str:
    if not settings.discord_token:
        raise TriviaError(
            "DISCORD_TOKEN is not set. Put it in .env (see .env.example) or the "
            "environment. To play without Discord, run `trivia-bot play`."
        )
    return settings.discord_token


def point_discord_at(settings: Settings) -> None:
    """Tests run the real bot against a local fake Discord; production never sets these."""
    if settings.api_base:
        discord.http.Route.BASE = settings.api_base
    if settings.gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


def run_bot(settings: Settings, args: argparse.Namespace) -> int:
    settings = with_shard_flags(settings, args.shard_count, args.shards)
    token = _token(settings)
    return asyncio.run(_serve(settings, token))


async def _serve(settings: Settings, token: str) -> int:
    from bot.discord_front.client import TriviaBot

    point_discord_at(settings)
    async with open_app(settings) as app:
        bot = TriviaBot(service=app.service, settings=settings)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, lambda: asyncio.ensure_future(bot.close()))
        try:
            async with bot:
                await bot.start(token)
        except discord.LoginFailure:
            raise TriviaError(
                "Discord refused the token in DISCORD_TOKEN; copy it again from "
                "the Developer Portal (Bot → Reset Token)."
            ) from None
        log.info("disconnected; saving and closing")
    return 0


def sync_commands(settings: Settings, args: argparse.Namespace) -> int:
    token = _token(settings)
    return asyncio.run(_sync(settings, token, args.guild))


async def _sync(settings: Settings, token: str, guild_id: int | None) -> int:
    from bot.discord_front.client import TriviaBot

    point_discord_at(settings)
    async with open_app(settings) as app:
        bot = TriviaBot(service=app.service, settings=settings)
        async with bot:
            await bot.login(token)
            synced = await bot.sync_to(guild_id)
            where = (
                f"server {guild_id}"
                if guild_id is not None
                else "all servers (may take up to an hour to appear)"
            )
    print(f"Synced {len(synced)} commands to {where}.")
    return 0
