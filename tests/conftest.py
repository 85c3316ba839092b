import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

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


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A pytest-xdist worker hands its fault figures to the controller, which prints them."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        from tests.faults.conftest import TALLY

        output["fault_tally"] = dict(TALLY)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    from tests.faults.conftest import TALLY

    TALLY.update(getattr(node, "workeroutput", {}).get("fault_tally", {}))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print how many faults and hostile inputs the run threw at the bot, and what was lost."""
    from tests.faults.conftest import TALLY

    if not TALLY:
        return
    terminalreporter.section("fault figures")
    for key in sorted(TALLY):
        terminalreporter.write_line(f"{key}: {TALLY[key]}")
