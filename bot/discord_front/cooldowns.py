"""Abuse limits: per-member and per-server cooldowns, and a cap on a server's rounds."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot.engine.errors import TriviaError
from bot.engine.teams import JOIN_SECONDS
from bot.storage.repository import Repository


@dataclass(frozen=True, slots=True)
class Limit:
    member: float  # seconds between two uses by one member
    server: float  # seconds between two uses by anyone in the server


# Defaults a server's admins can change with /trivia-admin settings.
DEFAULTS: dict[str, Limit] = {
    "start": Limit(member=30, server=2),
    "board": Limit(member=10, server=1),
    "page": Limit(member=2, server=0.25),
    "stats": Limit(member=5, server=0.25),
    "review": Limit(member=10, server=0.5),
    "import": Limit(member=60, server=60),
}
MAX_ROUNDS = 10  # simultaneous rounds per server
ROUNDS = "rounds.max"
GAP = "rounds.gap"  # seconds a channel waits after a round ends before the next starts
JOIN = "teams.join"  # seconds a team round's join window lasts (default JOIN_SECONDS)
MAX_TRACKED = 50_000  # last uses kept before the ones past any cooldown are swept
MAX_COOLDOWN = 3600  # seconds; what /trivia-admin settings accepts
# for tests and benchmarks that play many rounds quickly; a server can also set these itself
NO_LIMITS = {action: Limit(0, 0) for action in DEFAULTS}


class CoolingDown(TriviaError):
    """Used too soon; the text says when it may be used again."""


class Cooldowns:
    """In memory, per process: a restart forgets who used what, which only ever allows more."""

    def __init__(
        self,
        repo: Repository,
        *,
        defaults: Mapping[str, Limit] = DEFAULTS,
        max_rounds: int = MAX_ROUNDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._repo = repo
        self._defaults = defaults
        self._max_rounds = max_rounds
        self._clock = clock
        self._last: dict[tuple[str, int, int], float] = {}
        self._limits: dict[int, dict[str, float]] = {}

    async def overrides(self, guild_id: int) -> dict[str, float]:
        """A server's saved overrides, read once and kept until an admin changes them."""
        found = self._limits.get(guild_id)
        if found is None:
            found = self._limits[guild_id] = await self._repo.guild_limits(guild_id)
        return found

    async def limit(self, action: str, guild_id: int) -> Limit:
        saved = await self.overrides(guild_id)
        base = self._defaults[action]
        return Limit(
            saved.get(f"{action}.member", base.member), saved.get(f"{action}.server", base.server)
        )

    async def max_rounds(self, guild_id: int) -> int:
        return int((await self.overrides(guild_id)).get(ROUNDS, self._max_rounds))

    async def round_gap(self, guild_id: int) -> float:
        return (await self.overrides(guild_id)).get(GAP, 0.0)

    async def join_seconds(self, guild_id: int) -> float:
        """A team round's join window here: kept with the limits, read once like them."""
        return (await self.overrides(guild_id)).get(JOIN, JOIN_SECONDS)

    def round_ended(self, guild_id: int, channel_id: int) -> None:
        """The channel's pause between rounds counts from here."""
        self._last[(GAP, guild_id, channel_id)] = self._clock()

    async def gap_left(self, guild_id: int, channel_id: int) -> float:
        """Seconds until a round may start in this channel again; 0 when it may now."""
        ended = self._last.get((GAP, guild_id, channel_id))
        if ended is None:
            return 0.0
        return max(ended + await self.round_gap(guild_id) - self._clock(), 0.0)

    def limits_changed(self, guild_id: int) -> None:
        """An admin changed the server's limits: read them again at the next use."""
        self._limits.pop(guild_id, None)

    def forget_guild(self, guild_id: int) -> None:
        """The bot left the server: nothing of it stays in memory."""
        self._limits.pop(guild_id, None)
        for key in [k for k in self._last if k[1] == guild_id]:
            del self._last[key]

    async def use(self, action: str, guild_id: int, member_id: int) -> None:
        """Count one use, or refuse it (CoolingDown) without counting it.

        Last uses are kept, not deadlines, so a cooldown an admin changes applies at once.
        """
        limit = await self.limit(action, guild_id)
        now = self._clock()
        member_key, server_key = (action, guild_id, member_id), (action, guild_id, 0)
        member_wait = self._last.get(member_key, -math.inf) + limit.member - now
        server_wait = self._last.get(server_key, -math.inf) + limit.server - now
        wait = max(member_wait, server_wait)
        if wait > 0:
            who = "you" if member_wait >= server_wait else "this server"
            raise CoolingDown(f"Slow down: {who} can do that again in {math.ceil(wait)} s.")
        if len(self._last) >= MAX_TRACKED:
            self._last = {k: t for k, t in self._last.items() if now - t < MAX_COOLDOWN}
        self._last[member_key] = self._last[server_key] = now
