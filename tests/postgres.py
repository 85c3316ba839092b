"""A fresh database per test on the machine's PostgreSQL server, dropped afterwards.

Where no server answers, PostgreSQL cases skip with the reason; under CI=true they fail.
TRIVIA_TEST_POSTGRES names the server (any database on it to connect to for CREATE DATABASE).
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
_unavailable: list[str] = []  # the reason, once a first attempt found no server


def url_for(name: str, admin_url: str = ADMIN_URL) -> str:
    parts = urlsplit(admin_url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


def no_server(reason: str) -> None:
    parts = urlsplit(ADMIN_URL)
    message = f"no PostgreSQL server at {parts.hostname}:{parts.port or 5432}: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true: the server must run)", pytrace=False)
    pytest.skip(message)


async def admin_connection() -> asyncpg.Connection:
    if _unavailable:
        no_server(_unavailable[0])
    try:
        return await asyncpg.connect(ADMIN_URL, timeout=5)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        _unavailable.append(str(exc) or type(exc).__name__)
    no_server(_unavailable[0])
    raise AssertionError("unreachable: no_server skips or fails")


@contextlib.asynccontextmanager
async def fresh_database(prefix: str = "trivia_test") -> AsyncIterator[PostgresTarget]:
    """CREATE DATABASE with a unique name; DROP it (and end its sessions) on the way out."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    conn = await admin_connection()
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    target = parse_target(url_for(name))
    assert isinstance(target, PostgresTarget)
    try:
        yield target
    finally:
        conn = await admin_connection()
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
