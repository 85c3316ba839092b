"""Numbered .sql migrations, applied in order inside one transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.shipped import shipped_path
from bot.storage.errors import StorageError

MIGRATIONS_ROOT = shipped_path("db/migrations")
MIGRATIONS_DIR = MIGRATIONS_ROOT / "sqlite"
POSTGRES_MIGRATIONS_DIR = MIGRATIONS_ROOT / "postgresql"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


class MigrationsMissing(StorageError):
    """Without its migrations the program cannot make or check a schema: never "no migrations"."""


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Read the migration files; numbering must start at 1 with no gaps, and none is an error."""
    if not directory.is_dir():
        raise MigrationsMissing(
            f"{directory}: the database migrations are missing; this installation of "
            "trivia-bot is incomplete, reinstall it"
        )
    found: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise ValueError(f"{path}: migration names look like 0001_initial.sql")
        found.append(Migration(int(match.group(1)), path.name, path.read_text("utf-8")))
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise ValueError(
                f"{directory}: expected migration {expected:04d}, found {migration.name}"
            )
    if not found:
        raise MigrationsMissing(f"{directory}: no migrations (*.sql) in this folder")
    return found
