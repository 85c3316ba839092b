"""B7: 10,000 rounds starting at once against Discord's global limit of 50 requests/s.

The loopback Discord enforces the limit as Discord does (a 429 with `global: true`); every
429 counts towards Discord's 10,000 invalid requests in 10 minutes that ban a bot's IP. Ours
is `trivia-bot run` as deployed, pacing its own requests at TRIVIA_REST_RATE (45/s); the
floor is the same bot with pacing off (the bot before issue 10), in the same run.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from pathlib import Path

from bench.b5_memory import MemoryBot, asked_first, build_world, start_rounds, sync_globally
from bench.common import Outcome, Row, lift_limits
from tests.fakediscord import FakeDiscord

TARGET_ROUNDS = 10_000
UNPACED = "100000"  # requests/s: pacing off

log = logging.getLogger(__name__)


class PacingBot(MemoryBot):
    def __init__(self, *args: object, rate: str | None) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.rate = rate

    def env(self) -> dict[str, str]:
        env = super().env()
        env.pop("TRIVIA_REST_RATE", None)
        if self.rate is not None:
            env["TRIVIA_REST_RATE"] = self.rate
        return env


async def one_run(
    rounds: int, tmp: Path, rate: str | None, limit_s: float | None = None
) -> tuple[int, int, float, int]:
    """Global 429s drawn, requests made, seconds until every first question was posted (or
    `limit_s`, when it came first), and how many first questions were posted by then."""
    async with FakeDiscord(max_retained_interactions=2_000) as fake:  # global limit 50/s on
        channels, starters = build_world(fake, rounds)
        bot = PacingBot(fake, tmp, fake.guilds[next(iter(starters))], rate=rate)
        try:
            await sync_globally(fake, bot)
            await lift_limits(bot.db, starters)
            await bot.start()
            began, requests = time.perf_counter(), fake.request_counts.total()
            errors = len(fake.errors_served)  # from here: sync and login are another story
            try:
                await asyncio.wait_for(start_rounds(fake, channels, starters), limit_s)
            except TimeoutError:
                pass
            took = time.perf_counter() - began
            posted = sum(1 for c in channels if asked_first(fake, c))
            drawn = sum(1 for e in fake.errors_served[errors:] if "429" in e)
            if rate is None and drawn:
                log.warning("paced run drew 429s: %s", fake.errors_served[errors:][:5])
            return drawn, fake.request_counts.total() - requests, took, posted
        finally:
            await bot.reap()


async def measure(rounds: int, tmp: Path) -> Outcome:
    """Ours first; the floor then gets as long as ours took, and its 429s are counted."""
    out = Outcome()
    ours_429s, requests, posted_s, _ = await one_run(rounds, tmp / "paced", None)
    floor_429s, floor_requests, floor_s, floor_posted = await one_run(
        rounds, tmp / "unpaced", UNPACED, limit_s=posted_s
    )
    out.add(
        Row(
            "B7",
            f"global 429s, {rounds:,} rounds starting at once",
            "429s",
            ours_429s,
            floor_429s,
            target="0",
            passed=ours_429s == 0,
            note=f"loopback Discord with its global limit (50 requests/s) on; /trivia start "
            f"in {rounds:,} channels, 16 in flight; ours paces its requests at 45/s: "
            f"{requests:,} requests, every first question posted {posted_s:.0f} s after the "
            f"first start; floor = the same bot with pacing off, given as long: "
            f"{floor_requests:,} requests, {floor_posted:,} of {rounds:,} first questions "
            f"posted in {floor_s:.0f} s",
        )
    )
    return out


def run(quick: bool) -> Outcome:
    """300 rounds for CI's smoke run, 10,000 for the published figure."""
    rounds = 300 if quick else TARGET_ROUNDS
    logging.getLogger("fakediscord").setLevel(logging.ERROR)  # the floor's 429s are counted
    with tempfile.TemporaryDirectory(prefix="bench-b7-") as tmp:
        for sub in ("unpaced", "paced"):
            (Path(tmp) / sub).mkdir()
        began = time.perf_counter()
        out = asyncio.run(measure(rounds, Path(tmp)))
        out.details["B7 wall time"] = f"{time.perf_counter() - began:.0f} s"
        return out
