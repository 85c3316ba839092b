"""What only the PostgreSQL backend has: migrations under an advisory lock, pg_dump, its errors."""

import asyncio
import os
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest

from bot.storage.errors import DatabaseUnavailable
from bot.storage.migrations import POSTGRES_MIGRATIONS_DIR, load_migrations
from bot.storage.postgres import PostgresRepository, numbered
from bot.storage.records import Period
from bot.storage.target import parse_target
from tests.postgres import admin_connection, fresh_database, url_for
from tests.storage.test_contract import NOW, answer, game

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "banks"


def test_placeholders_are_numbered_in_order():
    assert numbered("SELECT a FROM t WHERE b = ? AND c > ? LIMIT ?") == (
        "SELECT a FROM t WHERE b = $1 AND c > $2 LIMIT $3"
    )


async def test_processes_starting_at_once_migrate_exactly_once(pg_target):
    repos = await asyncio.gather(
        *(PostgresRepository.open(pg_target, pool_size=1) for _ in range(6))
    )
    try:
        names = [m.name for m in load_migrations(POSTGRES_MIGRATIONS_DIR)]
        assert sorted(name for r in repos for name in r.applied) == names
        assert sum(1 for r in repos if r.applied) == 1
        rows = await repos[0]._all("SELECT version FROM schema_migrations ORDER BY version")
        assert [r[0] for r in rows] == list(range(1, len(names) + 1))
    finally:
        await asyncio.gather(*(r.close() for r in repos))


async def test_a_newer_schema_is_refused(pg_target):
    repo = await PostgresRepository.open(pg_target, pool_size=1)
    await repo._all(
        "INSERT INTO schema_migrations (version, name) VALUES (999, 'future') RETURNING 1"
    )
    await repo.close()
    with pytest.raises(DatabaseUnavailable, match="upgrade trivia-bot"):
        await PostgresRepository.open(pg_target, pool_size=1)


async def test_backup_restores_with_pg_restore(tmp_path):
    dump = tmp_path / "backups" / "trivia.dump"
    async with fresh_database("trivia_backup") as source:  # pg_dump takes a whole database
        repo = await PostgresRepository.open(source, pool_size=1)
        g = await repo.create_game(game())
        await repo.record_answers([answer(g, 1, 1, 900)])
        await repo.backup(dump)
        await repo.close()
    assert oct(dump.stat().st_mode & 0o777) == "0o600"
    async with fresh_database("trivia_restore") as copy_target:
        done = await asyncio.to_thread(
            subprocess.run,
            ["pg_restore", "--no-owner", f"--dbname={copy_target.dsn}", str(dump)],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        copy = await PostgresRepository.open(copy_target, pool_size=1)
        try:
            assert copy.applied == []  # the dump carried the schema and its version
            board = await copy.leaderboard(10, period=Period.ALL_TIME, now=NOW)
            assert [(r.player_id, r.points) for r in board] == [(1, 900)]
            assert await copy.check_consistency() == []
        finally:
            await copy.close()


async def test_unreachable_server_is_one_line_without_the_password():
    target = parse_target("postgresql://trivia:s3cret-pw@127.0.0.1:1/trivia")
    with pytest.raises(DatabaseUnavailable) as err:
        await PostgresRepository.open(target, pool_size=1)
    text = str(err.value)
    assert "127.0.0.1:1" in text and "TRIVIA_DB" in text and "s3cret" not in text
    assert "\n" not in text


async def test_missing_database_and_unknown_user_are_named():
    await admin_connection()  # skips (or fails under CI) without a server
    missing = parse_target(url_for(f"no_such_db_{uuid.uuid4().hex[:8]}"))
    with pytest.raises(DatabaseUnavailable, match=r"does not exist.*TRIVIA_DB"):
        await PostgresRepository.open(missing, pool_size=1)
    stranger = parse_target("postgresql://nobody_here:pw@127.0.0.1:5432/test")
    with pytest.raises(DatabaseUnavailable, match=r"refused user 'nobody_here'.*TRIVIA_DB") as err:
        await PostgresRepository.open(stranger, pool_size=1)
    assert ":pw" not in str(err.value)


async def test_a_user_who_may_not_create_tables_is_told_so(pg_target):
    role = f"trivia_reader_{uuid.uuid4().hex[:8]}"
    admin = await admin_connection()
    try:
        await admin.execute(f'CREATE ROLE "{role}" LOGIN')
        target = parse_target(
            f"postgresql://{role}@{pg_target.host}:{pg_target.port}/{pg_target.database}"
        )
        with pytest.raises(
            DatabaseUnavailable, match=rf"user '{role}' lacks a permission.*TRIVIA_DB"
        ):
            await PostgresRepository.open(target, pool_size=1)
    finally:
        conn = await asyncpg.connect(pg_target.dsn)
        await conn.execute(f'DROP OWNED BY "{role}"')
        await conn.close()
        await admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        await admin.close()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql://u:hunter2@127.0.0.1:1/db", "cannot reach PostgreSQL at 127.0.0.1:1"),
        ("postgresql://u:hunter2@127.0.0.1:port/db", "port in the PostgreSQL URL must be a number"),
        ("mysql://u:hunter2@127.0.0.1/db", "unsupported database scheme 'mysql://'"),
    ],
)
def test_the_cli_says_one_line_and_never_the_password(tmp_path, url, message):
    env = {**os.environ, "TRIVIA_DB": url}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "db", "check"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "TRIVIA_DB" in lines[0], done.stderr
    assert "hunter2" not in done.stderr + done.stdout


@pytest.mark.parametrize(
    ("ci", "outcome"), [("", pytest.skip.Exception), ("true", pytest.fail.Exception)]
)
async def test_without_a_server_postgres_cases_skip_or_fail_under_ci(monkeypatch, ci, outcome):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match=r"no PostgreSQL server at 127\.0\.0\.1:1: "):
        await admin_connection("postgresql://postgres:pw@127.0.0.1:1/x")


@pytest.mark.slow
async def test_a_terminal_round_is_played_and_ranked_on_postgresql(pg_target, tmp_path):
    """The composition point opens PostgreSQL from TRIVIA_DB; engine and front-end unchanged."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRIVIA_", "DISCORD_"))}
    env.update(TRIVIA_DB=pg_target.dsn, TRIVIA_BANKS=str(FIXTURES))

    def trivia(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            input=stdin,
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )

    played = await asyncio.to_thread(
        trivia, "play", "--bank", "geo", "--questions", "2", "--player", "Ann", stdin="1\n2\n"
    )
    assert played.returncode == 0, played.stderr
    board = await asyncio.to_thread(trivia, "leaderboard")
    assert board.returncode == 0 and "Ann" in board.stdout, board.stderr
    checked = await asyncio.to_thread(trivia, "db", "check")
    assert checked.returncode == 0 and "consistent" in checked.stdout, checked.stdout
    conn = await asyncpg.connect(pg_target.dsn)
    try:
        assert await conn.fetchval("SELECT status FROM games") == "finished"
        assert await conn.fetchval("SELECT answered FROM player_totals") == 2
    finally:
        await conn.close()


async def test_answers_written_while_a_forget_commits_wait_for_it_and_skip_the_member(pg_target):
    """The forget's table lock: a batch that starts meanwhile must see it once it commits."""
    repo = await PostgresRepository.open(pg_target, pool_size=2)
    forgetting = await asyncpg.connect(pg_target.dsn)
    try:
        g = await repo.create_game(game())
        await repo.record_answers([answer(g, 1, 1, 900)])
        tx = forgetting.transaction()
        await tx.start()
        for sql in repo.forget_first:  # a forget half-way through its transaction
            await forgetting.execute(sql)
        await forgetting.execute("INSERT INTO forgotten_players VALUES ($1, 1)", g)
        batch = asyncio.create_task(
            repo.record_answers([answer(g, 2, 1, 800), answer(g, 2, 2, 700)])
        )
        await asyncio.sleep(0.3)
        assert not batch.done()  # waits for the forget rather than reading around it
        await tx.commit()
        assert await asyncio.wait_for(batch, 5) == 1  # player 2's; player 1's is skipped
        rows = await repo._all("SELECT player_id, number FROM answers ORDER BY 1, 2")
        assert [tuple(r) for r in rows] == [(1, 1), (2, 2)]
    finally:
        await forgetting.close()
        await repo.close()


async def test_db_check_sums_every_answer_without_the_statement_timeout(pg_target, monkeypatch):
    """At 2M answers the checks outlast the timeout that guards the bot's own statements."""
    from bot.storage import board_sql

    slow = "SELECT 0 FROM pg_sleep(0.3)"
    monkeypatch.setitem(board_sql.MONTH_TOTALS_CHECK, "postgresql", slow)
    repo = await PostgresRepository.open(pg_target, pool_size=1, statement_timeout=0.1)
    try:
        g = await repo.create_game(game())
        await repo.record_answers([answer(g, 1, 1, 900)])
        assert await repo.check_consistency() == []
        with pytest.raises(DatabaseUnavailable, match="cancelled"):
            await repo._one(slow)  # the bot's own statements keep their timeout
    finally:
        await repo.close()


async def _blocked_or_done(conn, holder_pid: int, task: asyncio.Task) -> None:
    """Until `task` finished or another backend waits for `holder_pid`'s transaction."""
    for _ in range(250):
        if task.done():
            return
        waiting = await conn.fetchval(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))",
            holder_pid,
        )
        if waiting:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("neither blocked nor done")


async def test_a_daily_answer_racing_its_reveal_is_refused_or_counted_never_lost(pg_target):
    """READ COMMITTED: the answer's check must wait for a reveal in flight, and the reveal
    for an answer in flight; an answer stored but left out of the streaks is the bug."""
    from bot.storage import daily_sql
    from tests.storage.test_contract_daily import T0, new_day
    from tests.storage.test_contract_daily import answer as daily_answer

    repo = await PostgresRepository.open(pg_target, pool_size=2)
    other = await asyncpg.connect(pg_target.dsn)
    watcher = await asyncpg.connect(pg_target.dsn)
    try:
        # a reveal half-way through its transaction when player 1 answers
        day = await repo.claim_daily(new_day("2027-01-15"))
        tx = other.transaction()
        await tx.start()
        await other.execute(numbered(daily_sql._REVEAL), T0 + 3600, day.id)
        await other.execute(numbered(daily_sql._COUNT_STREAKS), day.id, T0 + 3600)
        await other.execute(numbered(daily_sql._BEST_STREAKS), 10, day.day)
        answering = asyncio.create_task(repo.record_daily_answer(daily_answer(day.id, 1, 1)))
        await _blocked_or_done(watcher, other.get_server_pid(), answering)
        await tx.commit()
        stored = await asyncio.wait_for(answering, 5)
        assert not stored and await repo.daily_answers(day.id) == []
        # an answer half-way through its transaction when the next day is revealed
        day = await repo.claim_daily(new_day("2027-01-16", at=T0 + 86400))
        given = daily_answer(day.id, 2, 1, at=T0 + 86405)
        tx = other.transaction()
        await tx.start()
        await other.execute(
            numbered(daily_sql.ANSWER["postgresql"]),
            *(given.daily_id, given.player_id, given.guild_id, given.player_name),
            *(given.choice, int(given.correct), given.answered_at, given.daily_id),
        )
        revealing = asyncio.create_task(repo.reveal_daily(day.id, T0 + 86400 + 3600))
        await _blocked_or_done(watcher, other.get_server_pid(), revealing)
        await tx.commit()
        assert await asyncio.wait_for(revealing, 5)
        assert [a.player_id for a in await repo.daily_answers(day.id)] == [2]
        assert await repo.daily_streak(10, 2) == (1, 1)  # stored, so counted
    finally:
        await watcher.close()
        await other.close()
        await repo.close()


async def test_a_shutdowns_end_games_locks_totals_in_the_folds_order(pg_target):
    """end_games upserts player_totals in (guild, player) order, as the fold does: with ends
    in start order it took (5, 1) then waited on (3, 2) while a fold held (3, 2) and wanted
    (5, 1), and PostgreSQL aborted one of them as a deadlock (review 4, M1)."""
    from bot.storage.records import GameEnd, GameStatus, Participant

    repo = await PostgresRepository.open(pg_target, pool_size=2)
    other = await asyncpg.connect(pg_target.dsn)
    try:
        first = [await repo.create_game(game(guild=g, channel=g)) for g in (5, 3)]
        await repo.end_games(
            [
                GameEnd(first[0], GameStatus.FINISHED, NOW, (Participant(1, 1, False),)),
                GameEnd(first[1], GameStatus.FINISHED, NOW, (Participant(2, 1, False),)),
            ]
        )  # the rows exist: the upserts below lock them
        later = [await repo.create_game(game(guild=g, channel=10 + g)) for g in (5, 3)]
        ends = [
            GameEnd(later[0], GameStatus.STOPPED, NOW, (Participant(1, 2, True),)),  # guild 5
            GameEnd(later[1], GameStatus.STOPPED, NOW, (Participant(2, 3, True),)),  # guild 3
        ]
        fold_like = "UPDATE player_totals SET games = games WHERE guild_id = $1 AND player_id = $2"
        await other.execute("SET lock_timeout = '5s'")
        tx = other.transaction()
        await tx.start()
        await other.execute(fold_like, 3, 2)  # as a fold does: guild 3 first
        ending = asyncio.create_task(repo.end_games(ends))
        for _ in range(200):  # until end_games waits on (3, 2), holding what it took before
            waiting = await other.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            if waiting:
                break
            await asyncio.sleep(0.01)
        await other.execute(fold_like, 5, 1)  # then guild 5: free, unless end_games took it
        await tx.commit()
        assert await asyncio.wait_for(ending, 10) == [True, True]
        stats = await repo.player_stats(5, 1, period=Period.ALL_TIME, now=NOW)
        assert (stats.games, stats.wins) == (2, 1)
    finally:
        await other.close()
        await repo.close()
