"""What one open round holds, traced in-process: a figure the machine's load cannot move.

The game's own objects for rounds started as `/trivia start` starts them (the service, a
round runner per channel, the shipped banks, a real SQLite file), each waiting on question
1, with a presenter that posts nothing: the Discord side is left out, so this is the part
of B5's RSS per round that bot/ decides. tracemalloc's heap before and after, per round.
"""

from __future__ import annotations

import asyncio
import functools
import tempfile
import tracemalloc
from collections import Counter
from pathlib import Path

from bot.banks.loader import load_banks
from bot.engine.clock import SystemClock
from bot.engine.models import Player
from bot.engine.rules import RoundSettings
from bot.game.catalog import Catalog
from bot.game.runner import RoundRunner
from bot.game.service import TriviaService
from bot.game.session import Session
from bot.settings import DEFAULT_BANKS
from bot.storage.sqlite import SQLiteRepository

BOT_DIR = str(Path(__file__).resolve().parents[1] / "bot")


class SilentPresenter:
    """Posts nothing; keeps what ChannelPresenter keeps (a message id)."""

    __slots__ = ("message_id",)

    def __init__(self) -> None:
        self.message_id: int | None = None

    async def ready(self, session: Session) -> None:
        return None

    async def question(self, session: Session, asked: object) -> None:
        self.message_id = 1

    async def hint(self, session: Session, asked: object, level: int) -> None:
        return None

    async def reveal(self, session: Session, result: object) -> None:
        return None

    async def finished(self, session: Session, standings: object) -> None:
        return None


def _by_line(snapshot: tracemalloc.Snapshot) -> Counter[str]:
    """Bytes by the innermost frame in bot/ (else the allocating line)."""
    sizes: Counter[str] = Counter()
    for trace in snapshot.traces:
        frames = list(trace.traceback)
        frame = next((f for f in reversed(frames) if f.filename.startswith(BOT_DIR)), frames[-1])
        sizes[f"{Path(frame.filename).name}:{frame.lineno}"] += trace.size
    return sizes


async def _measure(rounds: int, tmp: Path) -> tuple[float, str]:
    repo = await SQLiteRepository.open(tmp / "trivia.db")
    banks = [r.bank for r in load_banks([DEFAULT_BANKS]) if r.bank is not None]
    service = TriviaService(repo, Catalog(banks, repo), SystemClock())
    runners: dict[int, RoundRunner] = {}
    settings = RoundSettings(seconds=120)
    starter = Player(1, "host", False, "host")

    async def start(channel: int) -> None:
        session = await service.start(
            guild_id=7, channel_id=channel, starter=starter, bank_ids=(), settings=settings
        )
        # as the Discord cog launches it: a runner, no task while the question is open
        runner = RoundRunner(
            session, SilentPresenter(), pause=0, on_end=functools.partial(runners.pop, channel)
        )
        runners[channel] = runner
        runner.start()

    try:
        await start(0)  # one-off costs (caches, prepared statements) before the first reading
        await asyncio.sleep(0.05)
        tracemalloc.start(8)
        before = tracemalloc.take_snapshot()
        for channel in range(1, rounds + 1):
            await start(channel)
        await asyncio.sleep(0.2)  # every runner has asked question 1 and sleeps
        asked = sum(1 for s in service.sessions() if s.round.current is not None)
        after = tracemalloc.take_snapshot()
        tracemalloc.stop()
        keep = [tracemalloc.Filter(False, tracemalloc.__file__)]
        before, after = before.filter_traces(keep), after.filter_traces(keep)
        grown = _by_line(after)
        grown.subtract(_by_line(before))
        per_round = grown.total() / rounds
        lines = [f"{asked:,} of {rounds + 1:,} rounds on question 1; {per_round:,.0f} B a round"]
        lines += [f"{size / rounds:7,.0f} B  {where}" for where, size in grown.most_common(15)]
        return per_round, "\n".join(lines)
    finally:
        await service.shutdown()
        await repo.close()


def traced_round_bytes(rounds: int = 2_000) -> tuple[float, str]:
    """Bytes a round holds while it waits on question 1, and the lines that hold them."""
    with tempfile.TemporaryDirectory(prefix="bench-b5-traced-") as tmp:
        return asyncio.run(_measure(rounds, Path(tmp)))


if __name__ == "__main__":
    print(traced_round_bytes()[1])
