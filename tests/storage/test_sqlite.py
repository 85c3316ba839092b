"""What only the SQLite backend has: a private file, PRAGMAs, its online backup."""

import os
import sqlite3
import stat
import threading

import pytest

from bot.storage.errors import DatabaseUnavailable
from bot.storage.migrations import load_migrations
from bot.storage.records import Period
from bot.storage.sqlite import SQLiteRepository, _write_answers
from tests.storage.test_contract import NOW, answer, game


async def test_migrates_from_empty_and_reopens(tmp_path):
    path = tmp_path / "t.db"
    r = await SQLiteRepository.open(path)
    await r.close()
    r = await SQLiteRepository.open(path)
    await r.close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == len(load_migrations())
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {
        "games",
        "answers",
        "player_totals",
        "guild_settings",
        "custom_questions",
        "audit_log",
    } <= tables


async def test_a_new_file_has_small_pages_and_an_old_one_keeps_its_own(tmp_path):
    """1 KiB pages: a quarter of the log bytes per dirty page (bench B1, B4)."""
    fresh = tmp_path / "new.db"
    r = await SQLiteRepository.open(fresh)
    g = await r.create_game(game())
    await r.record_answers([answer(g, 1, 1, 900)])
    await r.close()
    old = tmp_path / "old.db"
    con = sqlite3.connect(old)
    con.execute("PRAGMA page_size = 4096")
    con.execute("CREATE TABLE before_us (x)")
    con.close()
    r = await SQLiteRepository.open(old)
    g = await r.create_game(game())
    await r.record_answers([answer(g, 1, 1, 900)])
    assert [e.points for e in await r.leaderboard(10, period=Period.ALL_TIME, now=NOW)] == [900]
    await r.close()
    for path, size in ((fresh, 1024), (old, 4096)):
        con = sqlite3.connect(path)
        assert con.execute("PRAGMA page_size").fetchone()[0] == size
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        con.close()


async def test_database_file_is_private(tmp_path):
    path = tmp_path / "sub" / "t.db"
    r = await SQLiteRepository.open(path)
    await r.close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


async def test_corrupt_file_gets_a_clear_error(tmp_path):
    path = tmp_path / "bad.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DatabaseUnavailable, match=r"bad\.db"):
        await SQLiteRepository.open(path)


async def test_unwritable_location_gets_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DatabaseUnavailable, match="TRIVIA_DB"):
        await SQLiteRepository.open(blocker / "t.db")


async def test_backup_is_a_usable_copy(tmp_path):
    repo = await SQLiteRepository.open(tmp_path / "trivia.db")
    g = await repo.create_game(game())
    await repo.record_answers([answer(g, 1, 1, 900)])
    target = tmp_path / "backup" / "copy.db"
    await repo.backup(target)
    await repo.close()
    copy = await SQLiteRepository.open(target)
    try:
        assert (await copy.leaderboard(10, period=Period.ALL_TIME, now=NOW))[0].points == 900
    finally:
        await copy.close()


async def test_saved_is_told_on_the_loop_once_committed_before_the_call_resumes(tmp_path):
    """The writer replies from `saved`: it must come after COMMIT, on the loop's thread."""
    path = tmp_path / "t.db"
    r = await SQLiteRepository.open(path)
    try:
        g = await r.create_game(game())
        told = []

        def saved():
            con = sqlite3.connect(path)  # another connection sees the rows: committed
            stored = con.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
            con.close()
            told.append((threading.current_thread() is threading.main_thread(), stored))
            told.append(r._write_lock.locked())  # record_answers had not resumed yet

        assert await r.record_answers([answer(g, 1, 1, 900), answer(g, 1, 2, 800)], saved) == 2
        assert told == [(True, 2), True]
    finally:
        await r.close()


async def test_a_big_batch_goes_in_statements_of_many_rows_and_counts_only_new_ones(tmp_path):
    """75 answers, five of them repeats: three statements (32, 32, 11) storing 70."""
    r = await SQLiteRepository.open(tmp_path / "t.db")
    try:
        g = await r.create_game(game())
        assert await r.record_answers([answer(g, 1, p, 100) for p in range(5)]) == 5
        batch = [answer(g, 1, p, 100) for p in range(75)]
        assert await r.record_answers(batch) == 70
        assert (await r._one("SELECT COUNT(*), COUNT(DISTINCT player_id) FROM answers")) == (75, 75)
        assert (await r._one("SELECT COUNT(*) FROM members")) == (75,)
    finally:
        await r.close()


async def test_a_commit_whose_loop_has_closed_still_counts_its_rows(tmp_path):
    """Telling a closed loop fails after COMMIT: the rows are saved, and that is the result."""
    path = tmp_path / "t.db"
    r = await SQLiteRepository.open(path)
    g = await r.create_game(game())
    await r.close()

    def closed():
        raise RuntimeError("Event loop is closed")

    db = sqlite3.connect(path, isolation_level=None)
    a = answer(g, 1, 1, 900)
    row = (g, 1, 1, a.guild_id, a.bank_id, a.question_id, 1, 900, 1500, NOW, "2026-W47", 0)
    assert _write_answers(db, [(1, "P1", NOW)], [(a.guild_id, 1, "P1", NOW)], [row], closed) == 1
    assert db.execute("SELECT COUNT(*) FROM answers").fetchone() == (1,)
    db.close()
