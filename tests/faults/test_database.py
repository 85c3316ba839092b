"""Database outages mid-round: players are told, the bot retries, nothing accepted is lost."""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.engine.clock import SystemClock
from bot.engine.models import Mode, Player
from bot.engine.round import AskedQuestion, QuestionResult, Standing
from bot.engine.rules import RoundSettings
from bot.game.catalog import Catalog
from bot.game.runner import run_round
from bot.game.service import TriviaService
from bot.game.session import Session
from bot.settings import Settings
from bot.storage.errors import DatabaseUnavailable
from bot.storage.records import AnswerRow, GameStatus, NewGame
from bot.storage.repository import Repository
from bot.storage.sqlite import SQLiteRepository
from tests.fakediscord import FakeDiscord
from tests.faults.conftest import (
    TALLY,
    Running,
    add_server,
    assert_db_check,
    click,
    db_of,
    db_rows,
    question,
    right_label,
    running_bot,
    seat,
    settings_for,
    standings,
    start_round,
    wrong_label,
)

pytestmark = pytest.mark.slow

Fault = Callable[[Running], Awaitable[Callable[[], Awaitable[None]]]]
NOT_SAVED = "could not be saved"


async def _pragma(run: Running, sql: str) -> None:
    """Run a PRAGMA on the bot's own connection: the fault hits the bot, not a bystander."""
    await run.app.repo._conn.execute(sql)


async def _outage_round(
    fake: FakeDiscord,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    fault: Fault,
    *,
    heals_after: float = 2.5,
    refuses_new_rounds: bool = True,
    settings: Settings | None = None,
) -> None:
    """Two questions; the database fails from question 1 until `heals_after` seconds later."""
    caplog.set_level(logging.WARNING)
    s = add_server(fake, players=("alice", "bob"))
    alice, bob = s.players
    settings = settings or settings_for(tmp_path, fake.token)
    async with running_bot(fake, settings, s.guild) as run:
        seat(run, alice, bob)
        assert "started a round" in await start_round(
            fake, s.channel, alice, questions=2, seconds=20
        )
        msg = await question(fake, s.channel, 1)
        heal = await fault(run)
        healed_at = time.monotonic() + heals_after
        if refuses_new_rounds:  # a round that could not be saved is not started at all
            text = await start_round(fake, s.other_channel, bob, questions=1, seconds=5)
            assert "database is unavailable" in text, text

        replies = await asyncio.gather(
            click(fake, msg, alice, right_label(msg)), click(fake, msg, bob, wrong_label(msg))
        )
        TALLY["answers acknowledged"] += 2
        for text in replies:  # accepted, but the player is told the save is pending
            assert text.startswith("Locked in") and NOT_SAVED in text, text

        msg = await question(fake, s.channel, 2)
        await asyncio.sleep(max(healed_at - time.monotonic(), 0))
        await heal()
        for player, label in ((alice, right_label(msg)), (bob, right_label(msg))):
            assert (await click(fake, msg, player, label)).startswith("Locked in")
        TALLY["answers acknowledged"] += 2
        await standings(fake, s.channel, timeout=15)
        await fake.wait_for(lambda: not run.bot.service.sessions(), what="the channel to free")
        assert "started a round" in await start_round(fake, s.channel, bob, questions=1, seconds=5)

    rows = db_rows(
        db_of(settings),
        "SELECT number, player_id, correct FROM answers "
        "WHERE game_id = 1 ORDER BY number, player_id",
    )
    assert rows == sorted([(1, alice.id, 1), (1, bob.id, 0), (2, alice.id, 1), (2, bob.id, 1)])
    TALLY["answers lost"] += 4 - len(rows)
    assert db_rows(db_of(settings), "SELECT status FROM games WHERE id = 1") == [("finished",)]
    assert_db_check(db_of(settings))
    failures = [
        r for r in caplog.records if r.name == "bot.game.writer" and "retrying" in r.getMessage()
    ]
    assert failures, "the writer should log each failed attempt"
    delays = [float(r.getMessage().rsplit("retrying in ", 1)[1].rstrip("s")) for r in failures]
    assert delays == sorted(delays), "retries back off"
    fake.assert_no_violations()


async def test_locked_by_another_process_answers_wait_and_are_saved(
    fake: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Another process holds BEGIN EXCLUSIVE: writes time out, are retried, then land."""

    async def lock(run: Running) -> Callable[[], Awaitable[None]]:
        await _pragma(run, "PRAGMA busy_timeout = 500")  # see retries without waiting 5 s
        holder = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "con = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "con.execute('BEGIN EXCLUSIVE')\n"
            "print('locked', flush=True)\n"
            "sys.stdin.readline()\n"
            "con.execute('ROLLBACK')\n",
            str(run.app.repo.path),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert holder.stdout is not None and holder.stdin is not None
        assert (await holder.stdout.readline()).strip() == b"locked"
        TALLY["faults injected: database locked"] += 1

        async def release() -> None:
            assert holder.stdin is not None
            holder.stdin.write(b"done\n")
            await holder.stdin.drain()
            assert await holder.wait() == 0

        return release

    await _outage_round(fake, tmp_path, caplog, lock)
    assert any("database is locked" in r.getMessage() for r in caplog.records)


async def test_read_only_database_answers_wait_and_are_saved(
    fake: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Writes refused as read-only (SQLITE_READONLY on the bot's connection) until it is lifted.

    The suite runs as root, for whom chmod changes nothing, so the bot's own connection is
    switched to query_only: SQLite then refuses every write exactly as for a read-only file.
    """

    async def read_only(run: Running) -> Callable[[], Awaitable[None]]:
        await _pragma(run, "PRAGMA query_only = ON")
        TALLY["faults injected: database read-only"] += 1

        async def writable() -> None:
            await _pragma(run, "PRAGMA query_only = OFF")

        return writable

    await _outage_round(fake, tmp_path, caplog, read_only)
    assert any("readonly database" in r.getMessage() for r in caplog.records)


async def _fill(repo: SQLiteRepository) -> int:
    """Fill the database to its page limit with another server's answers; return how many fit."""
    game = await repo.create_game(
        NewGame(
            guild_id=1,
            channel_id=1,
            banks=("geo",),
            mode="buttons",
            starter_id=1,
            question_count=1,
            seconds=5.0,
            started_at=time.time(),
        )
    )
    await repo.end_game(game, GameStatus.FINISHED, time.time(), [])
    pages = (await repo._one("PRAGMA page_count"))[0]
    await repo._conn.execute(f"PRAGMA max_page_count = {pages}")
    stored = 0
    while True:
        row = AnswerRow(
            game_id=game,
            number=1,
            player_id=stored + 1,
            player_name="filler",
            guild_id=1,
            bank_id="geo",
            question_id="capital-italy",
            correct=True,
            points=500,
            response_ms=1000,
            answered_at=time.time(),
        )
        try:
            await repo.record_answers([row])
        except DatabaseUnavailable as exc:
            assert "full" in str(exc), exc
            return stored
        stored += 1


async def test_disk_full_answers_wait_and_are_saved(
    fake: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """SQLITE_FULL from the real SQLite: the file may not grow (max_page_count) until freed."""

    async def disk_full(run: Running) -> Callable[[], Awaitable[None]]:
        assert await _fill(run.app.repo) > 0
        TALLY["faults injected: disk full"] += 1

        async def space() -> None:
            await _pragma(run, "PRAGMA max_page_count = 4294967294")

        return space

    # the games table still has room, so only the answers' tables are full
    await _outage_round(fake, tmp_path, caplog, disk_full, refuses_new_rounds=False)
    assert any("disk is full" in r.getMessage() for r in caplog.records)


class _Players:
    """A front-end whose two players answer every question at once, one right, one wrong."""

    def __init__(self, first: Player, second: Player) -> None:
        self.players = (first, second)
        self.acknowledged = 0

    async def question(self, session: Session, asked: AskedQuestion) -> None:
        assert asked.correct_index is not None
        wrong = (asked.correct_index + 1) % len(asked.choices)
        await asyncio.gather(
            session.choose(self.players[0], asked.number, asked.correct_index),
            session.choose(self.players[1], asked.number, wrong),
        )
        self.acknowledged += 2

    async def ready(self, session: Session) -> None:
        return None

    async def hint(self, session: Session, asked: AskedQuestion, level: int) -> None:
        return None

    async def reveal(self, session: Session, result: QuestionResult) -> None:
        return None

    async def finished(self, session: Session, standings: list[Standing]) -> None:
        return None


async def _fifty_rounds(repo: Repository) -> None:
    """50 rounds in 50 channels of five servers writing at once; closes `repo`."""
    from bot.banks.loader import load_banks
    from tests.faults.conftest import FIXTURES

    banks = [r.bank for r in load_banks([FIXTURES]) if r.bank is not None]
    service = TriviaService(repo, Catalog(banks, repo), SystemClock())
    fronts: list[_Players] = []
    try:
        runs = []
        for channel in range(1, 51):
            guild = 1000 + channel % 5  # ten channels in each of five servers
            players = Player(channel * 10 + 1, f"p{channel}a"), Player(channel * 10 + 2, "shared")
            session = await service.start(
                guild_id=guild,
                channel_id=channel,
                starter=players[0],
                bank_ids=["geo"],
                settings=RoundSettings(questions=5, seconds=5, mode=Mode.BUTTONS),
            )
            for p in players:
                session.round.join(p)
            fronts.append(_Players(*players))
            runs.append(run_round(session, fronts[-1], pause=0))
        await asyncio.gather(*runs)
        assert await repo.check_consistency() == []
        assert tuple(await repo._one("SELECT COUNT(*) FROM answers")) == (500,)
        statuses = await repo._all("SELECT status, COUNT(*) FROM games GROUP BY status")
        assert [tuple(r) for r in statuses] == [("finished", 50)]
    finally:
        await service.shutdown()
        await repo.close()
    TALLY["answers acknowledged"] += sum(f.acknowledged for f in fronts)
    TALLY["answers lost"] += sum(f.acknowledged for f in fronts) - 500


async def test_fifty_rounds_in_fifty_channels_stay_consistent(tmp_path: Path) -> None:
    """Group commit under load: 50 rounds writing at once, totals still equal their answers."""
    await _fifty_rounds(await SQLiteRepository.open(tmp_path / "trivia.db"))
    assert_db_check(tmp_path / "trivia.db")
