"""The log is folded in by the checkpoint thread, beside the commits, and starts over."""

import asyncio
import itertools
import shutil
import sqlite3
import sys

from bot.storage.records import AnswerRow, NewGame
from bot.storage.sqlite import SQLiteRepository

CHANNELS = itertools.count(100)


async def answers_for(repo: SQLiteRepository, games: int) -> None:
    for _ in range(games):
        game_id = await repo.create_game(
            NewGame(1, next(CHANNELS), ("geo",), "buttons", 1, 5, 20.0, 0.0)
        )
        rows = [
            AnswerRow(game_id, 1, p, f"P{p}", 1, "geo", "q1", True, 10, 900, 1.0e9)
            for p in range(1, 51)
        ]
        await repo.record_answers(rows)


def answers_in_main_file(folder):
    shutil.copy(folder / "trivia.db", folder / "copy.db")
    copy = sqlite3.connect(folder / "copy.db")
    try:
        return copy.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    except sqlite3.OperationalError:  # not even the schema folded in yet
        return 0
    finally:
        copy.close()


async def wait_for(condition):
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("not within 5 s")


async def test_commits_leave_the_log_to_the_checkpoint_thread(tmp_path):
    repo = await SQLiteRepository.open(tmp_path / "trivia.db")
    try:
        async with repo._conn.execute("PRAGMA wal_autocheckpoint") as cur:
            assert (await cur.fetchone())[0] == 0  # no commit copies the log itself
        await answers_for(repo, 5)
        # the main file alone, without its log, soon holds every answer
        await wait_for(lambda: answers_in_main_file(tmp_path) == 250)
    finally:
        await repo.close()


async def test_the_log_starts_over_instead_of_growing(tmp_path):
    repo = await SQLiteRepository.open(tmp_path / "trivia.db")
    wal = tmp_path / "trivia.db-wal"
    try:
        for _ in range(80):  # about 20,000 pages of log without checkpoints
            await answers_for(repo, 5)
            await asyncio.sleep(0.005)
        # restarted (by SQLite or by the thread), so it never held half of what was written
        assert wal.stat().st_size < 10_000 * 4_120
    finally:
        await repo.close()
    assert not wal.exists()  # the last close folded in the rest


async def test_the_log_starts_over_only_between_the_writers_own_transactions(tmp_path):
    """Its RESTART holds the write lock: taken from the thread, a commit then slept in its
    busy handler (1, 2, 5, 10 ms...), the paced commits' tail in bench B4."""
    repo = await SQLiteRepository.open(tmp_path / "trivia.db")
    try:
        await answers_for(repo, 1)
        async with repo._write_lock:  # the writer is between two statements of its own
            outside = sqlite3.connect(tmp_path / "trivia.db", isolation_level=None)
            outside.execute("PRAGMA wal_autocheckpoint = 0")
            try:  # about 2,000 pages of log, written past the repository
                outside.execute("CREATE TABLE filler (x BLOB)")
                outside.executemany("INSERT INTO filler VALUES (?)", [(b"x" * 900,)] * 2000)
            finally:
                outside.close()
            before = repo._checkpointer.restarts
            repo._checkpointer.poke()
            await wait_for(lambda: repo._checkpointer.checkpoints > 0)
            await asyncio.sleep(0.2)
            assert repo._checkpointer.restarts == before  # it waits for the writer's turn
        # then the log starts over: by the thread's RESTART between two of the writer's
        # transactions, or by SQLite itself when a transaction began after a checkpoint
        # caught up (the fold's, queued behind the test's lock)
        for _ in range(50):
            await answers_for(repo, 1)  # a commit after the restart writes at the log's start
            if log_frames(tmp_path) < 2000:
                break
            await asyncio.sleep(0.1)
        assert log_frames(tmp_path) < 2000
    finally:
        await repo.close()


def log_frames(folder) -> int:
    """mxFrame of the log's index header in -shm (offset 16): frames since the log began."""
    return int.from_bytes((folder / "trivia.db-shm").read_bytes()[16:20], sys.byteorder)


async def test_a_restart_gives_way_to_a_commit_that_came_after_its_checkpoint(tmp_path):
    """Such a RESTART would copy that commit's frames and sync under the write lock."""
    repo = await SQLiteRepository.open(tmp_path / "trivia.db")
    try:
        await asyncio.to_thread(repo._checkpointer.stop)  # no checkpoint but these
        await answers_for(repo, 3)
        seen = repo._checkpointer.commits
        await answers_for(repo, 1)  # after "the checkpoint": the log has new frames
        before = log_frames(tmp_path)
        assert await repo._restart_log(False, seen) is True  # busy: nothing done
        await answers_for(repo, 1)
        grown = log_frames(tmp_path)
        assert grown > before  # the log went on
        assert await repo._restart_log(False, repo._checkpointer.commits) is False
        await answers_for(repo, 1)
        assert log_frames(tmp_path) < before  # started over: this game's frames only
        assert await repo._restart_log(True, seen) is False  # told to wait: it always runs
        await answers_for(repo, 1)
        assert log_frames(tmp_path) < before
    finally:
        await repo.close()
