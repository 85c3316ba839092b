"""Answers are committed first and counted in the totals by a following fold (migration 0013).

Every test runs on SQLite and PostgreSQL. Folds for idleness or lag are pushed out of reach,
so what is queued stays queued until a read, a maintenance call or a close folds it.
"""

import asyncio

import pytest
import uvloop

from bot.storage import fold
from bot.storage.errors import DatabaseUnavailable
from bot.storage.records import Period
from tests.storage.test_contract import NOW, answer, game


@pytest.fixture(autouse=True)
def no_fold_unless_asked(monkeypatch):
    monkeypatch.setattr(fold, "IDLE_S", 3600.0)
    monkeypatch.setattr(fold, "MAX_LAG_S", 3600.0)


async def count(repo, table):
    return int((await repo._all(f"SELECT COUNT(*) FROM {table}"))[0][0])


async def test_a_commit_queues_its_answers_and_a_board_read_counts_them_first(repo):
    g = await repo.create_game(game())
    assert await repo.record_answers([answer(g, 1, 1, 900), answer(g, 1, 2, 0)]) == 2
    # the acknowledging commit wrote no total
    assert await count(repo, "answers_to_count") == 2
    for table in ("player_totals", "global_totals", "bank_week_totals", "player_month_totals"):
        assert await count(repo, table) == 0, table
    board = await repo.leaderboard(None, period=Period.ALL_TIME, now=NOW)
    assert [(r.player_id, r.points, r.answered) for r in board] == [(1, 900, 1), (2, 0, 1)]
    assert await count(repo, "answers_to_count") == 0
    assert (await repo.player_stats(10, 1, period=Period.WEEK, now=NOW)).points == 900


async def test_answers_a_crash_left_queued_are_counted_once_by_the_next_process(backend):
    crashed = await backend.open()
    g = await crashed.create_game(game())
    await crashed.record_answers([answer(g, 1, 1, 900), answer(g, 2, 1, 300)])
    assert await count(crashed, "answers_to_count") == 2  # committed, not yet counted
    later = await backend.open()  # as a restart would: it folds what it finds queued
    try:
        board = await later.leaderboard(10, period=Period.ALL_TIME, now=NOW)
        assert [(r.player_id, r.points) for r in board] == [(1, 1200)]
        await crashed.close()  # folds its queue again: nothing is left in it to count
        again = await later.leaderboard(None, period=Period.WEEK, now=NOW)
        assert [(r.player_id, r.points, r.answered) for r in again] == [(1, 1200, 2)]
        assert await later.check_consistency() == []
    finally:
        await later.close()


async def test_db_check_compares_totals_with_the_answers_counted_so_far(repo):
    g = await repo.create_game(game())
    await repo.record_answers([answer(g, 1, 1, 900)])
    await repo.settle()
    await repo.record_answers([answer(g, 2, 1, 500)])
    assert await count(repo, "answers_to_count") == 1
    assert await repo._consistency_problems() == []  # the queued answer is not missed
    assert await repo.check_consistency() == []  # which folds it first


async def test_a_new_season_counts_the_answers_stored_before_it_in_the_old_one(repo):
    await repo.start_season(10, "Winter", actor_id=5, now=NOW)
    g = await repo.create_game(game())
    await repo.record_answers([answer(g, 1, 1, 900)])
    await repo.start_season(10, "Spring", actor_id=5, now=NOW + 10)
    winter = await repo.leaderboard(10, period=Period.SEASON, now=NOW, season="Winter")
    assert [(r.player_id, r.points) for r in winter] == [(1, 900)]
    assert await repo.leaderboard(10, period=Period.SEASON, now=NOW) == []


async def test_forget_and_reset_with_answers_still_queued_leave_every_total_right(repo):
    g1 = await repo.create_game(game())
    g2 = await repo.create_game(game(guild=20, channel=200))
    await repo.record_answers([answer(g1, 1, 1, 900), answer(g1, 1, 2, 800)])
    await repo.record_answers([answer(g2, 1, 1, 400, guild=20)])
    assert await repo.forget_member(10, 1) == 1
    everywhere = await repo.leaderboard(None, period=Period.ALL_TIME, now=NOW)
    assert [(r.player_id, r.points) for r in everywhere] == [(2, 800), (1, 400)]
    await repo.record_answers([answer(g2, 2, 3, 700, guild=20)])
    await repo.reset_leaderboard(20)
    everywhere = await repo.leaderboard(None, period=Period.ALL_TIME, now=NOW)
    assert [(r.player_id, r.points) for r in everywhere] == [(2, 800)]
    assert await repo.check_consistency() == []


async def test_a_read_after_a_close_whose_fold_failed_does_not_wait_for_ever():
    async def unavailable() -> int:
        raise DatabaseUnavailable("disk full")

    folder = fold.Folder(unavailable)
    folder.committed(3)
    await folder.close()  # its fold fails: the queue is left to the next start
    assert folder.uncounted == 3
    await asyncio.wait_for(folder.settle(), 1.0)


async def folded_chunks(repo, players: int) -> list[int]:
    """Queue `players` answers, read a board, and return each SQLite fold chunk's LIMIT."""
    from bot.storage.sqlite import SQLiteRepository

    g = await repo.create_game(game())
    assert await repo.record_answers([answer(g, 1, p, 10) for p in range(1, players + 1)])
    folds = []
    if isinstance(repo, SQLiteRepository):
        real = repo._conn._execute

        async def counting(fn, *args):
            if fn.__name__ == "_fold_queue":
                folds.append(args)
            return await real(fn, *args)

        repo._conn._execute = counting
    board = await repo.leaderboard(None, period=Period.ALL_TIME, now=NOW, limit=500)
    assert len(board) == players and {r.points for r in board} == {10}
    assert await count(repo, "answers_to_count") == 0
    assert await repo.check_consistency() == []
    return [int(args[1][2].rsplit("LIMIT ", 1)[1]) for args in folds]


async def test_a_long_queue_is_folded_whole_in_chunks(repo, monkeypatch):
    """SQLite folds a chunk a transaction, so a waiting answer commit goes between two."""
    from bot.storage import sqlite

    monkeypatch.setattr(sqlite, "FOLD_CHUNK_S", 3600.0)  # every chunk "fast": full size
    # two full chunks and a part, or one statement on PostgreSQL
    chunks = await folded_chunks(repo, 2 * sqlite.FOLD_CHUNK + 37)
    if isinstance(repo, sqlite.SQLiteRepository):
        assert len(chunks) == 3  # 100, 100, 37


async def test_slow_fold_chunks_shrink_to_hold_the_writer_less(repo, monkeypatch):
    """A chunk takes what the last one's time per answer says fits in FOLD_CHUNK_S."""
    from bot.storage import sqlite

    monkeypatch.setattr(sqlite, "FOLD_CHUNK_S", 1e-9)  # every chunk "slow": the least
    chunks = await folded_chunks(repo, 2 * sqlite.FOLD_CHUNK + 37)
    if isinstance(repo, sqlite.SQLiteRepository):
        assert chunks[0] == sqlite.FOLD_CHUNK
        assert set(chunks[1:]) == {sqlite.MIN_FOLD_CHUNK}
        assert len(chunks) == 1 + (sqlite.FOLD_CHUNK + 37) // sqlite.MIN_FOLD_CHUNK + 1


async def test_reads_that_touch_no_totals_leave_the_queue_to_its_fold(repo):
    """Misses and streaks read answers and streak rows, not totals: they force no fold, and
    a stats read folds once, not once per query (review 4, L3)."""
    g = await repo.create_game(game())
    await repo.record_answers([answer(g, 1, 1, 0, correct=False)])
    assert len(await repo.recent_misses(10, 1)) == 1
    await repo.streak_board(10, viewer_id=1)
    assert await count(repo, "answers_to_count") == 1  # still queued
    before = repo._folder.folds
    assert (await repo.player_stats(10, 1, period=Period.WEEK, now=NOW)).answered == 1
    assert repo._folder.folds == before + 1
    assert await count(repo, "answers_to_count") == 0


def counting_folder() -> tuple[fold.Folder, list[float]]:
    """A Folder whose fold only notes the loop time it ran at."""
    folds: list[float] = []

    async def counting() -> int:
        folds.append(asyncio.get_running_loop().time())
        return 1

    return fold.Folder(counting), folds


async def first_fold(folds: list[float]) -> None:
    for _ in range(100):
        if folds:
            return
        await asyncio.sleep(0.01)


async def test_a_commit_that_stores_nothing_still_lets_the_idle_fold_run(monkeypatch):
    """The fold waits while a commit is in flight; if that commit stores nothing (or fails)
    it must still wake the fold, or the queue waits out the whole lag (review 4, L1)."""
    monkeypatch.setattr(fold, "IDLE_S", 0.0)
    folder, folds = counting_folder()
    with folder.writing():  # a commit in flight: no fold for idleness meanwhile
        folder.committed(1)  # an earlier commit's answer, queued
        for _ in range(5):
            await asyncio.sleep(0)
        assert folds == []
    # the commit in flight stored nothing: no committed() call follows it
    await first_fold(folds)
    assert len(folds) == 1
    await folder.close()


async def test_commits_closer_than_the_idle_time_share_one_fold_after_the_last(monkeypatch):
    """Each commit only moves the due time on; the timer armed for an earlier one finds it
    moved and waits again, so a burst folds once, when it ends."""
    monkeypatch.setattr(fold, "IDLE_S", 0.03)
    folder, folds = counting_folder()
    for _ in range(10):  # 10 commits 10 ms apart: never 30 ms of quiet
        with folder.writing():
            folder.committed(1)
        await asyncio.sleep(0.01)
        assert folds == []
    last = asyncio.get_running_loop().time()
    await first_fold(folds)
    assert len(folds) == 1 and folds[0] >= last + 0.015
    await folder.close()


async def test_commits_that_find_the_fold_already_due_fold_once(monkeypatch):
    """The second commit meets the timer the first armed for a time already past."""
    monkeypatch.setattr(fold, "IDLE_S", 0.0)
    folder, folds = counting_folder()
    for _ in range(2):
        with folder.writing():
            folder.committed(1)
    await first_fold(folds)
    assert len(folds) == 1
    await folder.close()


@pytest.mark.parametrize(
    "test",
    [
        test_a_commit_that_stores_nothing_still_lets_the_idle_fold_run,
        test_commits_closer_than_the_idle_time_share_one_fold_after_the_last,
        test_commits_that_find_the_fold_already_due_fold_once,
    ],
    ids=lambda test: test.__name__.removeprefix("test_"),
)
def test_on_uvloop_too(test, monkeypatch) -> None:
    """`trivia-bot run` is on uvloop, whose handle for a time already past has no when():
    a close failed on it (bench B1)."""
    uvloop.run(test(monkeypatch))
