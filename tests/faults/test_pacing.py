"""Many rounds starting at once stay under Discord's global limit of 50 requests/s."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from tests.fakediscord import FakeDiscord
from tests.faults.conftest import TALLY, add_server, running_bot, settings_for, title

pytestmark = pytest.mark.slow

ROUNDS = 100


def global_429s(fake: FakeDiscord) -> int:
    return sum(1 for e in fake.errors_served if "429" in e and "global" in e.lower()) + sum(
        1 for v in fake.violations if "global rate limit" in v
    )


async def test_rounds_starting_at_once_draw_no_global_429(tmp_path: Path) -> None:
    """100 starts in one burst: every question, reveal and standings paced, none refused."""
    async with FakeDiscord() as fake:  # global limit 50/s and 5 posts per 5 s per channel, on
        s = add_server(fake, "busy", ("alice",))
        channels = [fake.add_channel(s.guild, f"quiz-{i}") for i in range(ROUNDS)]
        settings = settings_for(tmp_path, fake.token)
        async with running_bot(fake, settings, s.guild) as run:
            began = time.perf_counter()
            starts = await asyncio.gather(
                *(
                    fake.invoke_slash(
                        ch, s.players[0], "trivia start", {"bank": "geo", "questions": 1}
                    )
                    for ch in channels
                )
            )
            replies = [await ix.reply(timeout=30) for ix in starts]
            assert all("started a round" in r.text for r in replies)
            for ch in channels:  # then each stopped: its reveal and standings are paced too
                await fake.wait_for_message(ch, lambda m: title(m).startswith("Question 1/"), 30)
            posted_in = time.perf_counter() - began
            await asyncio.gather(
                *(fake.invoke_slash(ch, s.players[0], "trivia stop") for ch in channels)
            )
            await fake.wait_for(lambda: not run.bot.service.sessions(), 60, what="rounds to end")
        drawn = global_429s(fake)
        TALLY[f"global 429s drawn by {ROUNDS} rounds starting at once"] += drawn
        print(f"\n{ROUNDS} rounds: first questions posted in {posted_in:.1f} s, {drawn} 429s")
        assert drawn == 0, fake.errors_served[:5]
        assert posted_in > ROUNDS / 50  # paced: no faster than Discord allows
        fake.assert_no_violations()
