from pathlib import Path

import pytest

from bot.banks.loader import load_banks
from bot.engine.clock import SystemClock
from bot.game.catalog import Catalog
from bot.game.service import TriviaService
from bot.storage.sqlite import SQLiteRepository

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "banks"


@pytest.fixture
def fixture_banks():
    return [r.bank for r in load_banks([FIXTURES]) if r.bank is not None]


@pytest.fixture
async def repo(tmp_path):
    r = await SQLiteRepository.open(tmp_path / "trivia.db")
    yield r
    await r.close()


@pytest.fixture
async def service(repo, fixture_banks):
    s = TriviaService(repo, Catalog(fixture_banks, repo), SystemClock())
    yield s
    await s.shutdown()
