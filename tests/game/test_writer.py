"""The answer writer: callers hear back once saved, or SaveLate at the deadline; nothing is lost."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.game.writer import AnswerWriter, SaveLate
from bot.storage.records import AnswerRow


class SlowRepo:
    """Stores answers once `open` is set; fails while `broken` is set."""

    def __init__(self) -> None:
        self.rows: list[AnswerRow] = []
        self.open = asyncio.Event()
        self.open.set()
        self.broken = False
        self.batches = 0

    async def record_answers(self, rows: Sequence[AnswerRow]) -> int:
        await self.open.wait()
        if self.broken:
            raise RuntimeError("database is locked")
        self.batches += 1
        self.rows += rows
        return len(rows)


def row(player: int) -> AnswerRow:
    return AnswerRow(1, 1, player, f"p{player}", 9, "geo", "q", False, 0, 1000, 0.0)


async def test_a_burst_shares_one_commit_and_every_caller_hears_back() -> None:
    repo = SlowRepo()
    writer = AnswerWriter(repo)  # type: ignore[arg-type]
    await asyncio.gather(*(writer.submit([row(p)]) for p in range(50)))
    assert len(repo.rows) == 50 and repo.batches == 1
    await writer.close()


async def test_a_late_save_tells_the_caller_but_keeps_the_row() -> None:
    repo = SlowRepo()
    repo.open.clear()
    writer = AnswerWriter(repo, ack_deadline=0.05)  # type: ignore[arg-type]
    with pytest.raises(SaveLate):
        await writer.submit([row(1), row(2)])
    flushed = asyncio.create_task(writer.flush())
    await asyncio.sleep(0.1)
    assert not flushed.done()  # flush waits for the commit, not for the deadline
    repo.open.set()
    await flushed
    assert [r.player_id for r in repo.rows] == [1, 2] and writer.backlog == 0
    await writer.close()


async def test_failed_batches_are_retried_and_write_waits_until_durable() -> None:
    repo = SlowRepo()
    repo.broken = True
    writer = AnswerWriter(repo, first_retry=0.01, ack_deadline=0.02)  # type: ignore[arg-type]
    done = asyncio.create_task(writer.write([row(3)]))
    await asyncio.sleep(0.1)
    assert not done.done() and writer.failures >= 1
    repo.broken = False
    await done
    assert [r.player_id for r in repo.rows] == [3]
    await writer.close()


async def test_in_a_burst_a_young_batch_waits_for_the_next_click() -> None:
    """Right after a commit, a click that follows 0.2 ms later joins the same commit."""
    repo = SlowRepo()
    writer = AnswerWriter(repo)  # type: ignore[arg-type]
    await writer.submit([row(1)])
    first = writer.submit([row(2)])
    await asyncio.sleep(0.0002)
    second = writer.submit([row(3)])
    await asyncio.gather(first, second)
    assert repo.batches == 2  # the lone first click, then both burst clicks together
    await writer.close()
