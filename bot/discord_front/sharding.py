"""What `run` does differently when this process runs only some of the bot's shards."""

from __future__ import annotations

import dataclasses

from bot.engine.errors import TriviaError
from bot.settings import Settings
from bot.shards import ShardSettingError, with_flags


def with_shard_flags(settings: Settings, count: str | None, shards: str | None) -> Settings:
    """Settings with `--shard-count`/`--shards` applied, refused where they cannot work."""
    try:
        chosen = with_flags(settings.shards, count, shards)
    except ShardSettingError as exc:
        raise TriviaError(str(exc)) from None
    if chosen.partial and not uses_postgresql(settings):
        raise TriviaError(
            f"{chosen} needs PostgreSQL: several processes cannot share the SQLite file "
            f"{settings.db_path}. Set TRIVIA_DB to a postgresql:// URL, or run every shard "
            "in one process (drop --shards/TRIVIA_SHARDS)."
        )
    return dataclasses.replace(settings, shards=chosen)


def uses_postgresql(settings: Settings) -> bool:
    """Until the PostgreSQL backend lands, every database is a SQLite file."""
    return False
