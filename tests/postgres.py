"""PostgreSQL for tests: one database per test run, a schema of its own per test.

The run's database has a unique name and is dropped at the end (DROP DATABASE costs a
checkpoint: once per run, not per test). Each test gets an empty schema as its search_path,
dropped afterwards. Where no server answers, PostgreSQL cases skip with the reason; under
CI=true they fail. TRIVIA_TEST_POSTGRES names the server and a database to connect to first.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from bot.storage.target import PostgresTarget, parse_target

ADMIN_URL = os.environ.get("TRIVIA_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
_unavailable: dict[str, str] = {}  # admin URL -> why the first attempt found no server


def url_for(name: str, admin_url: str = ADMIN_URL, *, schema: str | None = None) -> str:
    parts = urlsplit(admin_url)
    query = f"search_path={schema}" if schema else parts.query
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, query, ""))


def no_server(reason: str, admin_url: str = ADMIN_URL) -> None:
    parts = urlsplit(admin_url)
    message = f"no PostgreSQL server at {parts.hostname}:{parts.port or 5432}: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true: the server must run)", pytrace=False)
    pytest.skip(message)


async def admin_connection(admin_url: str = ADMIN_URL) -> asyncpg.Connection:
    if admin_url not in _unavailable:
        try:
            return await asyncpg.connect(admin_url, timeout=5)
        except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
            _unavailable[admin_url] = str(exc) or type(exc).__name__
    no_server(_unavailable[admin_url], admin_url)
    raise AssertionError("unreachable: no_server skips or fails")


async def create_database(prefix: str = "trivia_test") -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    conn = await admin_connection()
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return name


async def drop_database(name: str) -> None:
    conn = await admin_connection()
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def fresh_database(prefix: str = "trivia_test") -> AsyncIterator[PostgresTarget]:
    """A whole database of its own, for what a schema cannot stand for (pg_dump, pg_restore)."""
    name = await create_database(prefix)
    target = parse_target(url_for(name))
    assert isinstance(target, PostgresTarget)
    try:
        yield target
    finally:
        await drop_database(name)


@contextlib.asynccontextmanager
async def fresh_schema(database: str) -> AsyncIterator[PostgresTarget]:
    """An empty schema in the run's database, as the search_path of every connection made."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(url_for(database))
    try:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await conn.close()
    target = parse_target(url_for(database, schema=schema))
    assert isinstance(target, PostgresTarget)
    try:
        yield target
    finally:
        conn = await asyncpg.connect(url_for(database))
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await conn.close()
