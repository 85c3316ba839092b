"""The contract suite runs every test against each backend: SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import asyncpg
import pytest

from bot.storage.postgres import PostgresRepository
from bot.storage.repository import Repository
from bot.storage.sqlite import SQLiteRepository
from tests.postgres import fresh_schema


@dataclass
class Backend:
    name: str
    open: Callable[[], Awaitable[Repository]]  # another repository on the same database
    execute: Callable[[str], Awaitable[None]]  # SQL from outside the repository, committed


@pytest.fixture(params=["sqlite", "postgresql"])
async def backend(request, tmp_path):
    """SQLite in a file of its own; PostgreSQL in a schema of its own (tests/postgres.py)."""
    if request.param == "sqlite":
        path = tmp_path / "trivia.db"

        async def execute_sqlite(sql: str) -> None:
            con = sqlite3.connect(path)
            try:
                con.execute(sql)
                con.commit()
            finally:
                con.close()

        yield Backend("sqlite", lambda: SQLiteRepository.open(path), execute_sqlite)
        return
    async with fresh_schema(request.getfixturevalue("pg_database")) as target:

        async def execute_postgres(sql: str) -> None:
            conn = await asyncpg.connect(target.dsn)
            try:
                await conn.execute(sql)
            finally:
                await conn.close()

        yield Backend(
            "postgresql", lambda: PostgresRepository.open(target, pool_size=2), execute_postgres
        )


@pytest.fixture
async def repo(backend):
    r = await backend.open()
    yield r
    await r.close()
