"""`trivia-bot run` and `trivia-bot sync`: the Discord side of the composition point."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator
from typing import Any

import aiohttp
import discord
import yarl

from bot.app import open_app
from bot.console.commands import where
from bot.discord_front.sharding import IdentifyTurns, claim_shards, with_shard_flags
from bot.engine.errors import TriviaError
from bot.settings import Settings

log = logging.getLogger(__name__)


RUN_ENVIRONMENT = """\
environment (or the .env file in the current folder, or --env-file):
  DISCORD_TOKEN         the bot's token (required)
  TRIVIA_DB             the database file (default: data/trivia.db, from the current folder)
  TRIVIA_BANKS          folder of question banks (default: the shipped banks)
  TRIVIA_DEV_GUILD      a server id: sync slash commands to it at start-up (default: none)
  TRIVIA_TYPED_ANSWERS  1 takes typed answers; needs the Message Content intent (default: 0)
  TRIVIA_SHARD_COUNT    shards in all (default: as many as Discord recommends)
  TRIVIA_SHARDS         A-B: the shards this process runs (default: all of them)
  LOG_LEVEL             DEBUG, INFO, WARNING, ERROR or CRITICAL (default: INFO); logs go to
                        stderr
"""


def register(sub: Any) -> None:
    run = sub.add_parser(
        "run",
        help="connect to Discord and serve rounds (needs DISCORD_TOKEN)",
        description="Connect to Discord and serve rounds until SIGTERM or Ctrl-C; running "
        "rounds are then saved as stopped.",
        epilog=RUN_ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
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
        help="run only shards A to B of N here, others elsewhere (needs PostgreSQL; "
        "default: every shard)",
    )
    run.set_defaults(handler=run_bot)
    sync = sub.add_parser("sync", help="publish the slash commands to Discord")
    sync.add_argument(
        "--guild",
        type=int,
        default=None,
        metavar="ID",
        help="to this server only, at once (default: every server, which can take an hour)",
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


def run_bot(settings: Settings, args: argparse.Namespace) -> int:
    settings = with_shard_flags(settings, args.shard_count, args.shards)
    token = _token(settings)
    return asyncio.run(_serve(settings, token))


async def _serve(settings: Settings, token: str) -> int:
    from bot.discord_front.client import TriviaBot

    point_discord_at(settings)
    log.info("database %s; banks %s", where(settings), settings.banks_dir)
    async with claim_shards(settings) as shard_locks, open_app(settings) as app:
        bot = TriviaBot(service=app.service, settings=settings)
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


def sync_commands(settings: Settings, args: argparse.Namespace) -> int:
    token = _token(settings)
    return asyncio.run(_sync(settings, token, args.guild))


async def _sync(settings: Settings, token: str, guild_id: int | None) -> int:
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
