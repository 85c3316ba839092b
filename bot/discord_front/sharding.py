"""What `run` does differently when this process runs only some of the bot's shards."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import discord

from bot.engine.errors import TriviaError
from bot.settings import Settings
from bot.shards import ShardSettingError, with_flags
from bot.storage.errors import DatabaseUnavailable
from bot.storage.target import PostgresTarget

log = logging.getLogger(__name__)

if TYPE_CHECKING:  # asyncpg loads only for PostgreSQL
    from bot.storage.shard_locks import ShardLocks


def with_shard_flags(settings: Settings, count: str | None, shards: str | None) -> Settings:
    """Settings with `--shard-count`/`--shards` applied, refused where they cannot work."""
    try:
        chosen = with_flags(settings.shards, count, shards)
    except ShardSettingError as exc:
        raise TriviaError(str(exc)) from None
    if chosen.partial and not isinstance(settings.database, PostgresTarget):
        raise TriviaError(
            f"{chosen} needs PostgreSQL: several processes cannot share the SQLite file "
            f"{settings.database}. Set TRIVIA_DB to a postgresql:// URL, or run every shard "
            "in one process (drop --shards/TRIVIA_SHARDS)."
        )
    return dataclasses.replace(settings, shards=chosen)


@contextlib.asynccontextmanager
async def claim_shards(settings: Settings) -> AsyncIterator[ShardLocks | None]:
    """On PostgreSQL, hold this process's shards for its life; on SQLite there is one process."""
    target = settings.database
    if not isinstance(target, PostgresTarget):
        yield None
        return
    from bot.storage.shard_locks import claimed

    async with claimed(target.dsn, settings.shards, where=target.where) as locks:
        log.info("this process runs %s of the bot", settings.shards)
        yield locks


class IdentifyTurns:
    """before_identify_hook's wait: the turn of the shard's bucket, shared by every process."""

    def __init__(self, client: discord.AutoShardedClient, locks: ShardLocks) -> None:
        self._client = client
        self._locks = locks
        self._max_concurrency: int | None = None

    async def __call__(self, shard_id: int) -> None:
        if self._max_concurrency is None:
            limits = await self._client.fetch_session_start_limits()
            self._max_concurrency = max(1, limits.max_concurrency)
            log.log(
                logging.WARNING if limits.remaining < 10 else logging.INFO,
                "session starts left today: %d of %d; %d may identify per 5 s",
                limits.remaining,
                limits.total,
                self._max_concurrency,
            )
        bucket = shard_id % self._max_concurrency
        asked = time.monotonic()
        try:
            await self._locks.identify_turn(bucket)
        except DatabaseUnavailable as exc:
            # a database blip must not end the shard: identify as a lone process would
            from bot.storage.shard_locks import IDENTIFY_SPACING_S

            log.warning("shard %d: no IDENTIFY turn (%s); waiting 5.5 s instead", shard_id, exc)
            await asyncio.sleep(IDENTIFY_SPACING_S)
        log.info(
            "shard %d: IDENTIFY turn for bucket %d after %.1f s",
            shard_id,
            bucket,
            time.monotonic() - asked,
        )
