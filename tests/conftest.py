import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.postgres import create_database, drop_database, fresh_schema


def in_a_thread(coroutine_function, *args):
    """Run a coroutine to its end even when a test's event loop is already running here."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine_function(*args)).result()


@pytest.fixture(scope="session")
def pg_database():
    """The run's PostgreSQL database: created on first use, dropped when the run ends."""
    name = in_a_thread(create_database)
    yield name
    in_a_thread(drop_database, name)


@pytest.fixture
async def pg_target(pg_database):
    """A PostgresTarget whose connections see only an empty schema of this test's own."""
    async with fresh_schema(pg_database) as target:
        yield target
