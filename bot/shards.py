"""Which of the bot's shards this process runs: parsed once, checked, then only read."""

from __future__ import annotations

from dataclasses import dataclass

# Discord: a guild's events go to shard (guild_id >> 22) % shard_count.
GUILD_SHARD_SHIFT = 22


class ShardSettingError(ValueError):
    """A shard count or range we cannot run; the text names the setting to fix."""


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord sends a guild's events to."""
    return (guild_id >> GUILD_SHARD_SHIFT) % shard_count


@dataclass(frozen=True, slots=True)
class ShardRange:
    """Shards first..last (inclusive) of count; count None means "as Discord suggests"."""

    count: int | None = None
    first: int = 0
    last: int | None = None

    @property
    def partial(self) -> bool:
        """Whether other processes must run the rest of the shards."""
        return self.count is not None and (self.first, self.last) != (0, self.count - 1)

    @property
    def ids(self) -> list[int] | None:
        """The shard ids to hand to AutoShardedBot, or None for every shard."""
        if not self.partial or self.last is None:
            return None
        return list(range(self.first, self.last + 1))

    def owns(self, guild_id: int) -> bool:
        """Whether this process receives the guild's events."""
        if not self.partial or self.count is None or self.last is None:
            return True
        return self.first <= shard_of(guild_id, self.count) <= self.last

    @property
    def owns_shard_zero(self) -> bool:
        """Commands are per application: only the process with shard 0 syncs them."""
        return self.first == 0

    def __str__(self) -> str:
        if self.count is None:
            return "every shard"
        if self.first == self.last:
            return f"shard {self.first} of {self.count}"
        return f"shards {self.first}-{self.last} of {self.count}"


def _count(text: str, source: str) -> int:
    if not text.isdigit():
        raise ShardSettingError(f"{source} must be a whole number of shards, not '{text}'")
    count = int(text)
    if count < 1:
        raise ShardSettingError(f"{source} must be at least 1, not {count}")
    return count


def parse_shards(
    count_text: str | None,
    range_text: str | None,
    *,
    count_source: str = "TRIVIA_SHARD_COUNT",
    range_source: str = "TRIVIA_SHARDS",
) -> ShardRange:
    """'N' and 'A' or 'A-B' (inclusive) into a range of N; every mistake is one line."""
    count = _count(count_text.strip(), count_source) if count_text is not None else None
    if range_text is None:
        return ShardRange(count, 0, None if count is None else count - 1)
    text = range_text.strip()
    if count is None:
        raise ShardSettingError(
            f"{range_source}={text} needs {count_source} too: the range is of how many shards?"
        )
    first_text, dash, last_text = text.partition("-")
    first_text, last_text = first_text.strip(), (last_text.strip() if dash else first_text.strip())
    if not (first_text.isdigit() and last_text.isdigit()):
        raise ShardSettingError(
            f"{range_source} must be a shard number or a range like 0-3, not '{text}'"
        )
    first, last = int(first_text), int(last_text)
    if first > last:
        raise ShardSettingError(f"{range_source}={text} runs backwards; write {last}-{first}")
    if last >= count:
        raise ShardSettingError(
            f"{range_source}={text} falls outside {count_source}={count} "
            f"(shards are numbered 0 to {count - 1})"
        )
    return ShardRange(count, first, last)


def with_flags(base: ShardRange, count_flag: str | None, range_flag: str | None) -> ShardRange:
    """`run --shard-count/--shards` win over the environment's, each on its own."""
    if count_flag is None and range_flag is None:
        return base
    count_text = count_flag if count_flag is not None else _text(base.count)
    range_text = range_flag
    if range_text is None and base.partial:
        range_text = f"{base.first}-{base.last}"
    return parse_shards(
        count_text,
        range_text,
        count_source="TRIVIA_SHARD_COUNT" if count_flag is None and base.count else "--shard-count",
        range_source="--shards" if range_flag is not None else "TRIVIA_SHARDS",
    )


def _text(value: int | None) -> str | None:
    return None if value is None else str(value)
