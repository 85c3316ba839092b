import pytest

from bot.storage.sqlite import SQLiteRepository


@pytest.fixture
async def repo(tmp_path):
    r = await SQLiteRepository.open(tmp_path / "trivia.db")
    yield r
    await r.close()
