"""The one place that turns TRIVIA_DB into an open Repository, whichever backend it names."""

from __future__ import annotations

from bot.storage.repository import Repository
from bot.storage.sqlite import SQLiteRepository
from bot.storage.target import PostgresTarget, Target


async def open_repository(
    target: Target, *, pool_size: int = 10, sqlite_synchronous: str = "FULL"
) -> Repository:
    """Open and migrate; a problem is a DatabaseUnavailable naming TRIVIA_DB, never a traceback."""
    if isinstance(target, PostgresTarget):
        from bot.storage.postgres import PostgresRepository  # asyncpg only when it is wanted

        return await PostgresRepository.open(target, pool_size=pool_size)
    return await SQLiteRepository.open(target.path, synchronous=sqlite_synchronous)
