import pytest

from tests.postgres import fresh_database


@pytest.fixture
async def pg_target():
    """A PostgresTarget for an empty database of its own (see tests/postgres.py)."""
    async with fresh_database() as target:
        yield target
