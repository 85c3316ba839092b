"""`trivia-bot db ...`: check, back up and forget, for the operator of the bot's database."""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from pathlib import Path
from typing import Any

from bot.settings import Settings
from bot.storage.errors import StorageError
from bot.storage.open import open_repository
from bot.storage.records import AuditEntry
from bot.storage.repository import Repository
from bot.storage.sqlite import SQLiteRepository
from bot.storage.target import PostgresTarget, SQLiteTarget, Target, TargetError, parse_target
from bot.usage import snowflake

OPERATOR_ID = 0  # audit entries made from the command line name no Discord user


class DbCommandError(StorageError):
    """A db command cannot go ahead; the text says what to change."""


def register(sub: Any) -> None:
    db = sub.add_parser(
        "db",
        help="check, back up or forget data in the database (TRIVIA_DB)",
        description="Operations on the database named by TRIVIA_DB.",
    )
    actions = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    actions.add_parser(
        "check",
        help="check totals against answers and the file's integrity (read-only)",
        description="Check that every total (all-time, week, month, all servers; seasons "
        "within their bounds) equals the sum of its answers, and SQLite's integrity. Opens "
        "the file read-only: safe while the bot runs; exits 1 on a problem.",
    ).set_defaults(handler=run_check)
    backup = actions.add_parser(
        "backup",
        help="online backup to a new file, safe while the bot runs",
        description="Copy the database with SQLite's online backup API into FILE (mode 0600).",
    )
    backup.add_argument("path", type=Path, metavar="FILE", help="the backup file to write")
    backup.add_argument(
        "--force", action="store_true", help="overwrite FILE if it exists (default: refuse)"
    )
    backup.set_defaults(handler=run_backup)
    forget = actions.add_parser(
        "forget",
        help="delete a member's answers and totals on one or every server (data requests)",
        description="Delete what a server holds about a member, as /trivia-admin forget "
        "does; their name goes too once no server has any of their answers. Audit-logged "
        "on each server.",
    )
    forget.add_argument(
        "--member", type=snowflake, required=True, metavar="ID", help="the member's user id"
    )
    where = forget.add_mutually_exclusive_group(required=True)
    where.add_argument("--guild", type=snowflake, metavar="ID", help="on this server (id)")
    where.add_argument(
        "--all-servers",
        action="store_true",
        help="on every server that holds any of their answers (a request to the operator)",
    )
    forget.set_defaults(handler=run_forget)
    copy = actions.add_parser(
        "copy",
        help="copy the SQLite database into an empty PostgreSQL database",
        description="Copy every table of the SQLite database (TRIVIA_DB) into an empty "
        "PostgreSQL database in one transaction, then compare every table's row count and every "
        "player's totals before committing. Stop the bot first. Refuses a non-empty target.",
    )
    copy.add_argument("--to", required=True, metavar="URL", help="postgresql://user@host:port/db")
    copy.set_defaults(handler=run_copy)


def run_check(settings: Settings, _args: argparse.Namespace) -> int:
    return asyncio.run(_check(settings))


def run_backup(settings: Settings, args: argparse.Namespace) -> int:
    _require_database(settings.database)
    _check_backup_target(settings.database, args.path, force=args.force)
    if args.path.exists():  # --force: private before any new content goes in
        args.path.chmod(0o600)
    return asyncio.run(_backup(settings, args.path))


def run_forget(settings: Settings, args: argparse.Namespace) -> int:
    _require_database(settings.database)
    return asyncio.run(_forget(settings, args.member, None if args.all_servers else args.guild))


def run_copy(settings: Settings, args: argparse.Namespace) -> int:
    try:
        target = parse_target(args.to)
    except TargetError as exc:
        raise DbCommandError(f"--to: {exc}") from None
    if not isinstance(target, PostgresTarget):
        raise DbCommandError(f"--to must be a postgresql:// URL, not '{args.to}'")
    if not isinstance(settings.database, SQLiteTarget):
        raise DbCommandError(f"db copy reads an SQLite database; TRIVIA_DB is {settings.database}")
    return asyncio.run(_copy(settings.database, target))


async def _copy(source: SQLiteTarget, target: PostgresTarget) -> int:
    from bot.storage.copy import TOTALS, copy_sqlite_to_postgres

    report = await copy_sqlite_to_postgres(source.path, target)
    print(f"Copied {source} to {target}:")
    for table, rows in report.rows.items():
        print(f"  {table:<20} {rows:>10,} rows")
    print(
        f"Row counts match in all {len(report.rows)} tables; {' and '.join(TOTALS)} match "
        f"for {report.players:,} players."
    )
    for problem in report.problems:
        print(problem)
    if report.problems:
        print(f"{target}: {_count(len(report.problems), 'problem')}, as in the source.")
        return 1
    print("Next: set TRIVIA_DB to that URL (with its password) and start the bot.")
    return 0


def _require_database(target: Target) -> None:
    """Backing up or forgetting never creates a database."""
    if isinstance(target, SQLiteTarget) and not target.path.exists():
        raise DbCommandError(f"no database at {target.path}; check TRIVIA_DB")


async def _open(settings: Settings) -> Repository:
    return await open_repository(settings.database, pool_size=settings.db_pool_size)


async def _check(settings: Settings) -> int:
    target = settings.database
    repo: Repository
    if isinstance(target, SQLiteTarget):  # read-only: checking never writes or creates
        repo = await SQLiteRepository.open_readonly(target.path)
    else:
        repo = await _open(settings)
    try:
        problems = await repo.check_consistency()
    finally:
        await repo.close()
    for problem in problems:
        print(problem)
    verdict = "consistent." if not problems else f"{_count(len(problems), 'problem')}."
    print(f"{target}: {verdict}")
    return 1 if problems else 0


async def _backup(settings: Settings, path: Path) -> int:
    repo = await _open(settings)
    try:
        await repo.backup(path)
    finally:
        await repo.close()
    how = "SQLite's online backup"
    if not isinstance(settings.database, SQLiteTarget):
        how = "pg_dump (custom format; restore with pg_restore)"
    print(f"Backed up {settings.database} to {path} with {how}.")
    return 0


def _check_backup_target(database: Target, target: Path, *, force: bool) -> None:
    """Refuse before opening anything, so a mistyped command costs nothing."""
    if target.is_dir():
        raise DbCommandError(f"{target} is a folder; give the backup a file name in it")
    if isinstance(database, SQLiteTarget) and _same_file(database.path, target):
        raise DbCommandError(f"{target} is the live database itself; back up to another file")
    if target.exists() and not force:
        raise DbCommandError(f"{target} already exists; use --force to overwrite it")
    if not target.parent.is_dir():
        raise DbCommandError(f"{target.parent} is not a folder; create it first")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


async def _forget(settings: Settings, member_id: int, guild_id: int | None) -> int:
    """One server, or (guild_id None) every server that has anything of theirs."""
    repo = await _open(settings)
    try:
        guilds = [guild_id] if guild_id is not None else await repo.member_guilds(member_id)
        removed = 0
        for guild in guilds:
            count = await repo.forget_member(guild, member_id)
            removed += count
            await repo.audit(
                AuditEntry(
                    guild,
                    OPERATOR_ID,
                    "forget-member",
                    f"member {member_id}: {count} answers (command line)",
                    time.time(),
                )
            )
    finally:
        await repo.close()
    where = f"server {guild_id}" if guild_id is not None else _count(len(guilds), "server")
    print(f"Deleted {_count(removed, 'answer')} and the totals of member {member_id} on {where}.")
    return 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
