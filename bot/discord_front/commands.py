"""`trivia-bot run` and `sync`: their options; discord.py is imported only when one runs."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from bot.engine.errors import TriviaError
from bot.settings import Settings

_T = TypeVar("_T")

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


def run_bot(settings: Settings, args: argparse.Namespace) -> int:
    from bot.discord_front.serve import serve
    from bot.discord_front.sharding import with_shard_flags

    settings = with_shard_flags(settings, args.shard_count, args.shards)
    token = _token(settings)
    return _run(serve(settings, token))


def _run(main: Coroutine[Any, Any, _T]) -> _T:
    """The bot's loop: uvloop's where it is installed (not on Windows), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)


def sync_commands(settings: Settings, args: argparse.Namespace) -> int:
    token = _token(settings)
    from bot.discord_front.serve import sync

    return asyncio.run(sync(settings, token, args.guild))
