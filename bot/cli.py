"""`trivia-bot`: one entry point; settings are read here, when the program starts."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bot.app import open_app
from bot.banks import commands as bank_commands
from bot.banks.loader import BankPathError
from bot.console.render import board_text
from bot.engine.errors import TriviaError
from bot.engine.models import Mode
from bot.engine.rules import RoundSettings
from bot.settings import Settings, SettingsError, load_settings
from bot.storage.errors import StorageError
from bot.storage.open import open_repository
from bot.storage.records import Period
from bot.storage.target import SQLiteTarget

EXIT_USAGE = 2


class UserError(Exception):
    """A mistake the user can fix; shown as one line, never a traceback."""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _seconds(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("trivia-bot")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="trivia-bot", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    play = sub.add_parser("play", help="play a round in the terminal")
    play.add_argument(
        "--bank",
        action="append",
        default=[],
        metavar="ID",
        help="bank id (repeat for several; default: every shipped bank)",
    )
    play.add_argument("--questions", type=_positive_int, default=5, metavar="N")
    play.add_argument("--mode", choices=[m.value for m in Mode], default=Mode.BUTTONS.value)
    play.add_argument("--seconds", type=_seconds, default=20.0, metavar="S")
    play.add_argument(
        "--player",
        default=None,
        metavar="NAME",
        help="your name on the local board (default: your login name)",
    )

    board = sub.add_parser("leaderboard", help="print the local leaderboard")
    board.add_argument("--week", action="store_true", help="this ISO week (UTC) only")
    board.add_argument("--limit", type=_positive_int, default=10)

    banks = sub.add_parser("banks", help="check, verify, import or export question banks")
    bank_commands.register(
        banks.add_subparsers(dest="banks_command", required=True, metavar="ACTION")
    )

    db = sub.add_parser("db", help="database operations")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("check", help="check totals against answers and the file's integrity")
    backup = db_sub.add_parser("backup", help="online backup, safe while the bot runs")
    backup.add_argument("path", type=Path)

    from bot.discord_front import commands as discord_commands

    discord_commands.register(sub)
    return parser


async def _play(settings: Settings, args: argparse.Namespace) -> int:
    from bot.console.play import play

    round_settings = RoundSettings(
        questions=args.questions, seconds=args.seconds, mode=Mode(args.mode)
    )
    async with open_app(settings) as app:
        if not app.banks:
            raise UserError(
                f"no playable banks in {settings.banks_dir}; run "
                "`trivia-bot banks check` to see why"
            )
        await play(
            app.service,
            player_name=args.player or _login_name(),
            bank_ids=args.bank,
            settings=round_settings,
        )
    print(f"Saved to {settings.database}. See the board with `trivia-bot leaderboard`.")
    return 0


def _login_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "player"


async def _leaderboard(settings: Settings, args: argparse.Namespace) -> int:
    from bot.game.catalog import LOCAL_GUILD

    repo = await open_repository(settings.database, pool_size=settings.db_pool_size)
    try:
        period = Period.WEEK if args.week else Period.ALL_TIME
        rows = await repo.leaderboard(LOCAL_GUILD, period=period, now=time.time(), limit=args.limit)
    finally:
        await repo.close()
    title = "This week's leaderboard" if args.week else "All-time leaderboard"
    print(board_text(rows, title))
    return 0


async def _db(settings: Settings, args: argparse.Namespace) -> int:
    repo = await open_repository(settings.database, pool_size=settings.db_pool_size)
    try:
        if args.db_command == "backup":
            await repo.backup(args.path)
            how = "with pg_dump (custom format; restore with pg_restore)"
            if isinstance(settings.database, SQLiteTarget):
                how = "with SQLite's online backup"
            print(f"Backed up {settings.database} to {args.path} {how}.")
            return 0
        problems = await repo.check_consistency()
    finally:
        await repo.close()
    for problem in problems:
        print(problem)
    print(
        f"{settings.database}: " + ("consistent." if not problems else f"{len(problems)} problems.")
    )
    return 1 if problems else 0


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(settings.log_level if args.command == "run" else "WARNING")
        if args.command == "play":
            return asyncio.run(_play(settings, args))
        if args.command == "leaderboard":
            return asyncio.run(_leaderboard(settings, args))
        if args.command == "db":
            return asyncio.run(_db(settings, args))
        if args.command == "banks":
            return bank_commands.run(args, settings)
        return int(args.handler(settings, args))
    except (UserError, TriviaError, StorageError, SettingsError, BankPathError) as exc:
        print(f"trivia-bot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
