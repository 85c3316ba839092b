"""`trivia-bot reports export`: every server's reports on the shipped banks, for maintainers."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from bot.app import open_app
from bot.banks.yamlio import dump
from bot.engine.errors import TriviaError
from bot.game.reports import shipped_reports
from bot.settings import Settings
from bot.storage.target import SQLiteTarget


def register(sub: Any) -> None:
    reports = sub.add_parser("reports", help="players' reports of bad questions")
    actions = reports.add_subparsers(dest="reports_command", required=True, metavar="ACTION")
    export = actions.add_parser(
        "export",
        help="write the reports on the shipped banks (every server's, reporters unnamed) as YAML",
    )
    export.add_argument(
        "--out", default="-", metavar="FILE", help="file to write (default: standard output)"
    )
    export.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    export.set_defaults(handler=export_reports)


def export_reports(settings: Settings, args: argparse.Namespace) -> int:
    """Reads only: safe beside the running bot, and never creates a database."""
    if isinstance(settings.database, SQLiteTarget) and not settings.database.path.exists():
        raise TriviaError(f"no database at {settings.database.path}; check TRIVIA_DB")
    out = None if args.out == "-" else Path(args.out)
    if out is not None and out.exists() and not args.force:
        raise TriviaError(f"{out} already exists; add --force to overwrite it")
    if out is not None and not out.parent.is_dir():
        raise TriviaError(f"{out.parent} is not a folder")
    entries = asyncio.run(_collect(settings))
    text = dump({"reports": entries}) if entries else "reports: []\n"
    if out is None:
        sys.stdout.write(text)
    else:
        try:
            out.write_text(text, "utf-8")
        except OSError as exc:
            raise TriviaError(f"cannot write {out}: {exc.strerror}") from None
    total = sum(e["reports"] for e in entries)
    print(
        f"{total} reports on {len(entries)} shipped questions"
        + ("" if out is None else f" written to {out}")
        + ".",
        file=sys.stderr,
    )
    return 0


async def _collect(settings: Settings) -> list[dict[str, Any]]:
    async with open_app(settings, recover=False) as app:  # live rounds stay live
        return await shipped_reports(app.repo, app.service.catalog)
