"""`db copy`: an SQLite database into an empty PostgreSQL one, every row, checked before commit.

The tables are listed here in foreign-key order and their SQL composed once at import (table
names cannot be bound parameters). A table that exists in SQLite but not in TABLES stops the
copy before it starts, and tests/storage/test_copy.py fails until it is added here.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.storage.errors import StorageError
from bot.storage.postgres import MIGRATION_LOCK, PostgresRepository
from bot.storage.sqlite import SQLiteRepository
from bot.storage.target import PostgresTarget

# referenced tables before the tables that reference them
TABLES = (
    "games",
    "forgotten_players",
    "game_questions",
    "players",
    "answers",
    "answers_to_count",  # answers not yet in the totals: folded by the target as by the source
    "player_totals",
    "player_week_totals",
    "guild_settings",
    "custom_questions",
    "audit_log",
    "guild_limits",
    "departed_guilds",
    "members",
    "global_totals",
    "global_week_totals",
    "bank_totals",
    "bank_week_totals",
    "question_reports",
    "disabled_questions",
    "round_channels",
    "player_month_totals",
    "seasons",
    "player_season_totals",
    "daily_schedules",
    "daily_questions",
    "daily_answers",
    "daily_streaks",
)
# coordination of shard processes (bot/storage/shard_locks.py), no data: nothing to copy
POSTGRES_ONLY = ("identify_turns",)
# kept by PostgreSQL's own triggers from a copied table (migration 0012): not copied, since
# copying player_month_totals fills it; compared in TOTALS like the rest
DERIVED = ("global_month_totals",)
# what must match per player, beyond the row counts: every total, in both databases
TOTALS = {
    "player_totals": (
        "SELECT guild_id, player_id, points, correct, answered, games, wins, best_streak "
        "FROM player_totals ORDER BY guild_id, player_id"
    ),
    "player_week_totals": (
        "SELECT guild_id, week, player_id, points, correct, answered "
        "FROM player_week_totals ORDER BY guild_id, week, player_id"
    ),
    "global_totals": (
        "SELECT player_id, points, correct, answered FROM global_totals ORDER BY player_id"
    ),
    "global_week_totals": (
        "SELECT week, player_id, points, correct, answered FROM global_week_totals "
        "ORDER BY week, player_id"
    ),
    "bank_totals": (
        "SELECT bank_guild, bank_id, player_id, points, correct, answered FROM bank_totals "
        "ORDER BY bank_guild, bank_id, player_id"
    ),
    "bank_week_totals": (
        "SELECT bank_guild, bank_id, week, player_id, points, correct, answered "
        "FROM bank_week_totals ORDER BY bank_guild, bank_id, week, player_id"
    ),
    "player_month_totals": (
        "SELECT guild_id, month, player_id, points, correct, answered "
        "FROM player_month_totals ORDER BY guild_id, month, player_id"
    ),
    "player_season_totals": (
        "SELECT guild_id, season, player_id, points, correct, answered "
        "FROM player_season_totals ORDER BY guild_id, season, player_id"
    ),
    "global_month_totals": (
        "SELECT month, player_id, points, correct, answered FROM global_month_totals "
        "ORDER BY month, player_id"
    ),
}
_SELECT = {table: "SELECT * FROM " + table for table in TABLES}
_COUNT = {table: "SELECT COUNT(*) FROM " + table for table in TABLES}
_HAS_ROWS = {table: "SELECT EXISTS (SELECT 1 FROM " + table + ")" for table in TABLES}
_SQLITE_TABLES = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
)
_PG_COLUMNS = (
    "SELECT table_name, column_name, data_type FROM information_schema.columns "
    "WHERE table_schema = current_schema() AND table_name = ANY($1::text[])"
)
# identity columns carry on after the copied ids, not from 1
_PG_IDENTITIES = (
    "SELECT table_name, column_name FROM information_schema.columns "
    "WHERE table_schema = current_schema() AND is_identity = 'YES'"
)
# after rows up to n: next is n + 1; with no rows: next is 1
_SET_IDENTITY = "SELECT setval(pg_get_serial_sequence($1, $2), $3, $4)"
_CHUNK = 5000


class CopyRefused(StorageError):
    """The copy would not be faithful (target not empty, an unknown table); nothing was written."""


@dataclass
class CopyReport:
    rows: dict[str, int] = field(default_factory=dict)
    players: int = 0
    problems: list[str] = field(default_factory=list)  # db check on the copy, afterwards


def _converter(data_type: str) -> Callable[[Any], Any]:
    """SQLite hands back what was stored; PostgreSQL's binary COPY wants the column's type."""
    if data_type == "double precision":
        return lambda v: None if v is None else float(v)
    if data_type in ("bigint", "integer", "smallint"):
        return lambda v: None if v is None else int(v)
    if data_type == "boolean":
        return lambda v: None if v is None else bool(v)
    return lambda v: None if v is None else str(v)


async def copy_sqlite_to_postgres(
    source: Path, target: PostgresTarget, *, setting: str = "--to"
) -> CopyReport:
    """Copy every table in one PostgreSQL transaction; counts and totals compared before commit."""
    if not await asyncio.to_thread(source.is_file):
        raise CopyRefused(f"no SQLite database at {source} (TRIVIA_DB) to copy from")
    repo = await PostgresRepository.open(target, pool_size=1, setting=setting)  # fails fast
    try:
        # the source at the current schema first, so that its tables are the ones listed here
        await (await SQLiteRepository.open(source)).close()
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, check_same_thread=False)
        try:
            src.execute("BEGIN")  # one snapshot of every table, even if something writes
            found = {r[0] for r in src.execute(_SQLITE_TABLES)}
            unknown = sorted(found - set(TABLES) - set(DERIVED))
            if unknown:
                raise CopyRefused(
                    f"{source} has tables db copy does not know ({', '.join(unknown)}); "
                    "this trivia-bot cannot copy them faithfully"
                )
            report = await _copy(src, repo)
        finally:
            src.close()
        async with repo._connection() as conn:
            await conn.execute("ANALYZE")  # the planner's statistics, before the first board
        report.problems = await repo.check_consistency()
    finally:
        await repo.close()
    return report


async def _copy(src: sqlite3.Connection, repo: PostgresRepository) -> CopyReport:
    report = CopyReport()
    async with repo._transaction() as conn:
        # the migration lock: no bot process starts (and migrates) into a half-made copy
        await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        for table in TABLES:
            if await conn.fetchval(_HAS_ROWS[table]):
                raise CopyRefused(
                    f"the PostgreSQL database at {repo.target.where} is not empty ({table} has "
                    "rows): db copy only fills an empty database, so that nothing is mixed"
                )
        types: dict[str, dict[str, str]] = {}
        for table, column, data_type in await conn.fetch(_PG_COLUMNS, list(TABLES)):
            types.setdefault(table, {})[column] = data_type
        identities = {(t, c) for t, c in await conn.fetch(_PG_IDENTITIES)}
        top_ids: dict[tuple[str, str], int] = {}
        for table in TABLES:
            cursor = src.execute(_SELECT[table])
            columns = [d[0] for d in cursor.description]
            missing = [c for c in columns if c not in types.get(table, {})]
            if missing:
                raise CopyRefused(
                    f"PostgreSQL's {table} lacks columns {', '.join(missing)}: its migrations "
                    "are behind SQLite's; this trivia-bot cannot copy faithfully"
                )
            convert = [_converter(types[table][c]) for c in columns]
            copied = 0
            while True:
                chunk: Sequence[Any] = await asyncio.to_thread(cursor.fetchmany, _CHUNK)
                if not chunk:
                    break
                records = [tuple(f(v) for f, v in zip(convert, row, strict=True)) for row in chunk]
                await conn.copy_records_to_table(table, records=records, columns=columns)
                copied += len(records)
                for i, column in enumerate(columns):
                    if (table, column) in identities:
                        top = max(r[i] for r in records)
                        top_ids[table, column] = max(top, top_ids.get((table, column), top))
            report.rows[table] = copied
        for table, column in identities:
            top = top_ids.get((table, column))
            await conn.fetchval(_SET_IDENTITY, table, column, top or 1, top is not None)
        for table in TABLES:
            (expected,) = src.execute(_COUNT[table]).fetchone() or (0,)
            found = await conn.fetchval(_COUNT[table])
            if found != expected:
                raise CopyRefused(f"{table}: {found} rows arrived of {expected}; nothing was kept")
        for table, query in TOTALS.items():
            # sorted here: the two databases may collate text columns differently
            before = sorted(tuple(r) for r in src.execute(query))
            after = sorted(tuple(r) for r in await conn.fetch(query))
            if before != after:
                differ = len(set(before) ^ set(after))
                raise CopyRefused(f"{table}: {differ} rows differ after the copy; nothing was kept")
        report.players = len({r[1] for r in src.execute(TOTALS["player_totals"])})
    return report
