"""`trivia-bot`: one entry point; settings are read here, when the program starts."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import db_commands
from bot.banks import commands as bank_commands
from bot.banks.loader import BankPathError
from bot.console import commands as console_commands
from bot.engine.errors import TriviaError
from bot.logs import configure_logging
from bot.settings import DEFAULT_ENV_FILE, SettingsError, load_settings
from bot.storage.errors import StorageError
from bot.usage import mark_parsers

EXIT_USAGE = 2
DESCRIPTION = """\
Trivia rounds on Discord, with leaderboards and your own questions; `trivia-bot play` \
plays a round in this terminal without Discord. Settings come from the environment and \
the .env file in the current folder (see `trivia-bot run --help`)."""
# long-running commands log their progress; the rest only say when something is wrong
INFO_COMMANDS = ("run", "sync")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("trivia-bot")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trivia-bot",
        description=DESCRIPTION,
        epilog="`trivia-bot COMMAND --help` shows a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument(
        "--env-file",
        type=Path,
        default=None,
        metavar="FILE",
        help="read settings from FILE (default: .env in the current folder, if there is one)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    console_commands.register(sub)

    banks = sub.add_parser(
        "banks",
        help="check, verify, import or export question banks",
        description="Check, verify, import or export question bank files.",
    )
    bank_commands.register(
        banks.add_subparsers(dest="banks_command", required=True, metavar="ACTION")
    )
    banks.set_defaults(handler=lambda settings, args: bank_commands.run(args, settings))

    db_commands.register(sub)

    from bot.console import reports as report_commands
    from bot.discord_front import commands as discord_commands

    report_commands.register(sub)
    discord_commands.register(sub)
    mark_parsers(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # the subcommand's own usage, not the top level's
        args._parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        settings = load_settings(
            env_file=args.env_file or DEFAULT_ENV_FILE,
            env_file_required=args.env_file is not None,
            default_log_level="INFO" if args.command in INFO_COMMANDS else "WARNING",
        )
        configure_logging(settings.log_level)
        return int(args.handler(settings, args))
    except (TriviaError, StorageError, SettingsError, BankPathError) as exc:
        print(f"trivia-bot: {exc}", file=sys.stderr)
        return int(getattr(exc, "exit_code", EXIT_USAGE))
    except OSError as exc:  # a file or socket the operator named; never a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"trivia-bot: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
