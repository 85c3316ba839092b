"""A missing migrations folder is a broken installation, never an empty schema."""

import pytest

from bot.storage.migrations import MIGRATIONS_DIR, MigrationsMissing, load_migrations
from bot.storage.sqlite import SQLiteRepository


def test_the_shipped_migrations_are_found():
    assert load_migrations()[0].version == 1
    assert MIGRATIONS_DIR.name == "sqlite" and MIGRATIONS_DIR.parent.name == "migrations"


@pytest.mark.parametrize("make", [lambda p: None, lambda p: p.mkdir()], ids=["missing", "empty"])
async def test_no_migrations_is_an_error_and_leaves_no_file(tmp_path, make):
    folder = tmp_path / "migrations"
    make(folder)
    with pytest.raises(MigrationsMissing, match="migrations"):
        await SQLiteRepository.open(tmp_path / "trivia.db", migrations=folder)
    assert not (tmp_path / "trivia.db").exists()
