"""The answer writer: callers hear back once saved, or SaveLate at the deadline; nothing is lost."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

import pytest

from bot.banks.loader import load_banks
from bot.engine.clock import SystemClock
from bot.engine.models import Mode, Player
from bot.engine.rules import RoundSettings
from bot.game import writer as writer_module
from bot.game.catalog import Catalog
from bot.game.service import TriviaService
from bot.game.session import AnswersBacklogged, SaveDelayed
from bot.game.writer import AnswerWriter, SaveLate
from bot.storage.records import AnswerRow, NewGame
from bot.storage.sqlite import SQLiteRepository
from tests.game.conftest import FIXTURES


class SlowRepo:
    """Stores answers once `open` is set; fails while `broken` is set."""

    def __init__(self) -> None:
        self.rows: list[AnswerRow] = []
        self.open = asyncio.Event()
        self.open.set()
        self.broken = False
        self.batches = 0

    async def record_answers(
        self, rows: Sequence[AnswerRow], saved: Callable[[], None] | None = None
    ) -> int:
        await self.open.wait()
        if self.broken:
            raise RuntimeError("database is locked")
        self.batches += 1
        self.rows += rows
        if saved is not None:
            saved()
        return len(rows)


def row(player: int, game: int = 1) -> AnswerRow:
    return AnswerRow(game, 1, player, f"p{player}", 9, "geo", "q", False, 0, 1000, 0.0)


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


async def test_in_a_burst_a_batch_commits_once_it_has_company(monkeypatch) -> None:
    """LINGER_ROWS queued end the wait at once: at 3,000 clicks a second that is 3 ms."""
    monkeypatch.setattr(writer_module, "LINGER_S", 5.0)  # only the rows can end the wait
    repo = SlowRepo()
    writer = AnswerWriter(repo)  # type: ignore[arg-type]
    await writer.submit([row(0)])  # a lone click commits at once
    first = writer.submit([row(1)])
    await asyncio.sleep(0.001)  # the writer now waits for company
    assert repo.batches == 1
    rest = [writer.submit([row(p)]) for p in range(2, writer_module.LINGER_ROWS + 1)]
    await asyncio.wait_for(asyncio.gather(first, *rest), 1.0)
    assert repo.batches == 2 and len(repo.rows) == writer_module.LINGER_ROWS + 1
    await writer.close()


async def test_a_caller_is_told_when_the_repository_says_saved_not_when_it_returns() -> None:
    """The reply goes out when the commit is known, not an iteration later; once only."""
    repo = SlowRepo()
    returned = asyncio.Event()
    record = repo.record_answers

    async def slow_to_return(rows: Sequence[AnswerRow], saved: Callable[[], None]) -> int:
        done = await record(rows, saved)
        await returned.wait()
        return done

    repo.record_answers = slow_to_return  # type: ignore[method-assign]
    writer = AnswerWriter(repo)  # type: ignore[arg-type]
    await asyncio.wait_for(writer.submit([row(1), row(2)]), 1.0)
    assert writer.backlog == 0
    returned.set()
    await asyncio.wait_for(writer.submit([row(3)]), 1.0)  # the second call counts nothing twice
    await writer.flush()
    assert writer.backlog == 0 and [r.player_id for r in repo.rows] == [1, 2, 3]
    await writer.close()


async def test_each_ack_tick_looks_only_at_what_came_due(tmp_path) -> None:
    """An outage with 2,000 waiting submits: each is looked at once, however many ticks run."""
    repo = await SQLiteRepository.open(tmp_path / "trivia.db")
    writer = AnswerWriter(repo, first_retry=0.01, max_retry=0.02, ack_deadline=0.04)
    try:
        game = await repo.create_game(NewGame(9, 1, ("geo",), "buttons", 1, 5, 5.0, 0.0))
        await repo._conn.execute("PRAGMA query_only = ON")  # writes refused, as read-only
        waiting = [writer.submit([row(p, game)]) for p in range(2000)]
        results = await asyncio.gather(*waiting, return_exceptions=True)
        assert all(isinstance(r, SaveLate) for r in results)
        seen = writer.expiry_visits
        assert seen == 2000
        late = [writer.submit([row(p, game)]) for p in range(2000, 2010)]
        await asyncio.sleep(0.3)  # about 150 more ticks over the same backlog
        assert writer.expiry_visits == seen + 10 and writer.backlog == 2010
        assert all(f.done() for f in late)
        await repo._conn.execute("PRAGMA query_only = OFF")
        await writer.flush()
        assert (await repo._one("SELECT COUNT(*) FROM answers"))[0] == 2010
    finally:
        await writer.close()
        await repo.close()


async def test_a_full_backlog_refuses_new_answers_and_loses_none_it_took(tmp_path) -> None:
    """Past the bound a click is refused before it is judged; the player can answer later."""
    repo = await SQLiteRepository.open(tmp_path / "trivia.db")
    banks = [r.bank for r in load_banks([FIXTURES]) if r.bank is not None]
    service = TriviaService(repo, Catalog(banks, repo), SystemClock())
    service.writer = AnswerWriter(
        repo, first_retry=0.01, max_retry=0.02, ack_deadline=0.05, max_backlog=3
    )
    players = [Player(p, f"p{p}") for p in range(1, 5)]
    try:
        session = await service.start(
            guild_id=9,
            channel_id=1,
            starter=players[0],
            bank_ids=["geo"],
            settings=RoundSettings(questions=1, seconds=30, mode=Mode.BUTTONS),
        )
        asked = await session.ask()
        await repo._conn.execute("PRAGMA query_only = ON")
        for player in players[:3]:  # kept: told so, and saved once the database is back
            with pytest.raises(SaveDelayed):
                await session.choose(player, asked.number, asked.correct_index)
        assert service.writer.full
        with pytest.raises(AnswersBacklogged, match="Not saved"):
            await session.choose(players[3], asked.number, asked.correct_index)
        await repo._conn.execute("PRAGMA query_only = OFF")
        await service.writer.flush()
        assert not service.writer.full
        await session.choose(players[3], asked.number, asked.correct_index)  # not locked in before
        saved = await repo._all("SELECT player_id FROM answers ORDER BY player_id")
        assert [r[0] for r in saved] == [1, 2, 3, 4]
    finally:
        await service.shutdown()
        await repo.close()
