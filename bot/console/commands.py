"""`trivia-bot play` and `trivia-bot leaderboard`: the terminal's commands."""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from bot.app import open_app
from bot.engine.errors import TriviaError
from bot.engine.models import Mode
from bot.engine.rules import (
    DEFAULT_GUESSES,
    MAX_GUESSES,
    MAX_QUESTIONS,
    MAX_SECONDS,
    MIN_GUESSES,
    MIN_QUESTIONS,
    MIN_SECONDS,
    RoundSettings,
    parse_difficulty,
)
from bot.settings import Settings
from bot.storage.target import SQLiteTarget
from bot.usage import int_in, number_in

DEFAULT_QUESTIONS = 5
DEFAULT_SECONDS = 20.0
MAX_BOARD_ROWS = 100


class NoPlayableBanks(TriviaError):
    """Every bank failed to load: the problems were printed above."""


def register(sub: Any) -> None:
    play = sub.add_parser(
        "play",
        help="play a round in this terminal",
        description="Play a round in this terminal, on the same engine and database as the bot.",
    )
    play.add_argument(
        "--bank",
        action="append",
        default=[],
        metavar="ID",
        help="bank id; repeat for several (default: every shipped bank)",
    )
    play.add_argument(
        "--questions",
        type=int_in(MIN_QUESTIONS, MAX_QUESTIONS),
        default=DEFAULT_QUESTIONS,
        metavar="N",
        help=f"questions in the round, {MIN_QUESTIONS}-{MAX_QUESTIONS} "
        f"(default: {DEFAULT_QUESTIONS})",
    )
    play.add_argument(
        "--mode",
        choices=[m.value for m in Mode],
        default=Mode.BUTTONS.value,
        help="buttons: type the number of a choice; typed: type the answer itself "
        "(default: buttons)",
    )
    play.add_argument(
        "--seconds",
        type=number_in(MIN_SECONDS, MAX_SECONDS),
        default=DEFAULT_SECONDS,
        metavar="S",
        help=f"time for each question, {MIN_SECONDS:g}-{MAX_SECONDS:g} seconds "
        f"(default: {DEFAULT_SECONDS:g})",
    )
    play.add_argument(
        "--guesses",
        type=int_in(MIN_GUESSES, MAX_GUESSES),
        default=DEFAULT_GUESSES,
        metavar="N",
        help=f"typed mode: wrong guesses allowed per question, {MIN_GUESSES}-{MAX_GUESSES} "
        f"(default: {DEFAULT_GUESSES})",
    )
    play.add_argument(
        "--difficulty",
        choices=["easy", "medium", "hard", "mixed"],
        default="mixed",
        help="only questions of this difficulty; points are x1, x1.25, x1.5 (default: mixed)",
    )
    play.add_argument(
        "--category",
        default=None,
        metavar="NAME",
        help="only questions whose category is NAME, ignoring case (default: any)",
    )
    play.add_argument(
        "--player",
        default=None,
        metavar="NAME",
        help="your name on the local board (default: your login name)",
    )
    play.set_defaults(handler=run_play)

    board = sub.add_parser(
        "leaderboard",
        help="print the local leaderboard (rounds played with `play`)",
        description="Print the board of rounds played in this terminal.",
    )
    when = board.add_mutually_exclusive_group()
    when.add_argument(
        "--week", action="store_true", help="this ISO week (UTC) only (default: all time)"
    )
    when.add_argument("--month", action="store_true", help="this calendar month (UTC) only")
    board.add_argument(
        "--limit",
        type=int_in(1, MAX_BOARD_ROWS),
        default=10,
        metavar="N",
        help=f"rows to print, 1-{MAX_BOARD_ROWS} (default: 10)",
    )
    board.set_defaults(handler=run_leaderboard)


def run_play(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(_play(settings, args))


def run_leaderboard(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(_leaderboard(settings, args))


async def _play(settings: Settings, args: argparse.Namespace) -> int:
    from bot.console.play import play
    from bot.game.catalog import LOCAL_GUILD

    round_settings = RoundSettings(
        questions=args.questions,
        seconds=args.seconds,
        mode=Mode(args.mode),
        guesses=args.guesses,
        difficulty=parse_difficulty(args.difficulty),
        category=args.category.strip() or None if args.category else None,
    )
    async with open_app(settings, on_problem=_print_problem, recover=False) as app:
        await app.service.recover(guild_id=LOCAL_GUILD)  # not the Discord rounds beside it
        if not app.banks:
            raise NoPlayableBanks(
                f"no playable banks in {settings.banks_dir}; run "
                f"`{self_command()} banks check` to see why"
            )
        await play(
            app.service,
            player_name=args.player or _login_name(),
            bank_ids=args.bank,
            settings=round_settings,
            intro=f"Database: {where(settings)}; banks: {_shown(settings.banks_dir)}",
        )
    print(f"Saved to {where(settings)}. See the board with `{self_command()} leaderboard`.")
    return 0


def _print_problem(problem: str) -> None:
    print(f"skipped: {problem}", file=sys.stderr)


def where(settings: Settings) -> str:
    """The database as a person should see it: an absolute file path, or a masked URL."""
    target = settings.database
    return _shown(target.path) if isinstance(target, SQLiteTarget) else str(target)


def _shown(path: Path) -> str:
    """Absolute, so a relative TRIVIA_DB shows where it really is."""
    return str(path if path.is_absolute() else Path.cwd() / path)


def _login_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "player"


def self_command() -> str:
    """How to run this program again: `trivia-bot` only when that name is on the PATH."""
    argv0 = sys.argv[0] if sys.argv and sys.argv[0] else "trivia-bot"
    if Path(argv0).name == "__main__.py":
        return f"{Path(sys.executable).name} -m bot"
    found = shutil.which("trivia-bot")
    if found and os.path.realpath(found) == os.path.realpath(shutil.which(argv0) or argv0):
        return "trivia-bot"
    if not Path(argv0).exists():
        return "trivia-bot"
    relative = os.path.relpath(argv0)
    return relative if not relative.startswith("..") else str(Path(argv0).absolute())


async def _leaderboard(settings: Settings, args: argparse.Namespace) -> int:
    from bot.console.render import board_text
    from bot.game.catalog import LOCAL_GUILD
    from bot.storage.open import open_repository
    from bot.storage.records import Period

    repo = await open_repository(settings.database, pool_size=settings.db_pool_size)
    try:
        period = Period.WEEK if args.week else Period.MONTH if args.month else Period.ALL_TIME
        rows = await repo.leaderboard(LOCAL_GUILD, period=period, now=time.time(), limit=args.limit)
    finally:
        await repo.close()
    title = {
        Period.WEEK: "This week's leaderboard",
        Period.MONTH: "This month's leaderboard",
    }.get(period, "All-time leaderboard")
    print(board_text(rows, title))
    return 0
