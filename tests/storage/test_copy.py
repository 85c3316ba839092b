"""`db copy`: SQLite into an empty PostgreSQL database, every table, checked before commit."""

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from bot.storage.copy import (
    DERIVED,
    POSTGRES_ONLY,
    TABLES,
    CopyRefused,
    copy_sqlite_to_postgres,
)
from bot.storage.postgres import PostgresRepository
from bot.storage.records import (
    AuditEntry,
    CustomQuestionRow,
    GameStatus,
    GuildSettingsRow,
    Participant,
    Period,
    ReportRow,
    ServerChange,
)
from bot.storage.sqlite import SQLiteRepository
from tests.storage.test_contract import NOW, answer, game

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "banks"


def sqlite_columns(path: Path) -> dict[str, list[str]]:
    con = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: sorted(r[1] for r in con.execute(f"PRAGMA table_info({n})")) for n in names}
    finally:
        con.close()


async def test_every_sqlite_table_is_copied_and_has_a_postgresql_twin(tmp_path, pg_target):
    """Fails when a migration adds a table or column to one dialect only, or not to db copy."""
    await (await SQLiteRepository.open(tmp_path / "t.db")).close()
    ours = sqlite_columns(tmp_path / "t.db")
    assert sorted(ours) == sorted(TABLES + DERIVED)
    repo = await PostgresRepository.open(pg_target, pool_size=1)
    try:
        rows = await repo._all(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name <> 'schema_migrations' "
            "AND NOT table_name = ANY($1::text[]) AND table_name NOT IN (SELECT table_name "
            "FROM information_schema.views WHERE table_schema = current_schema())",
            (list(POSTGRES_ONLY),),
        )
    finally:
        await repo.close()
    theirs: dict[str, list[str]] = {}
    for table, column in rows:
        theirs.setdefault(table, []).append(column)
    assert {t: sorted(c) for t, c in theirs.items()} == ours


async def _fill(path: Path) -> SQLiteRepository:
    repo = await SQLiteRepository.open(path)
    await repo.start_season(10, "Winter", actor_id=1, now=NOW - 86400)
    g1 = await repo.create_game(game(guild=10, channel=1))
    g2 = await repo.create_game(game(guild=20, channel=2))
    await repo.record_question(g1, 1, "geo", "q1", NOW)
    await repo.set_question_message(g1, 1, 2**62 + 5)
    await repo.record_answers(
        [answer(g1, 1, 1, 900), answer(g1, 1, 2, 0), answer(g2, 1, 1, 700, guild=20)]
    )
    await repo.record_answers([answer(g1, 2, 1, 650, at=NOW - 7 * 86400)])  # last week
    await repo.end_game(
        g1, GameStatus.FINISHED, NOW, [Participant(1, 2, True), Participant(2, 0, False)]
    )
    await repo.create_game(game(guild=20, channel=3))  # still running when copied
    settings = {
        "questions": 12,
        "seconds": 25.5,
        "mode": "typed",
        "manager_role_id": 2**61,
        "starter_role_id": 2**60 + 3,
    }
    change = ServerChange(
        10, NOW, settings=settings, limits={"board_cooldown": 2.5}, add_channel=2**62 + 7
    )
    await repo.change_server(change, lambda _: [])
    await repo.add_custom_questions([CustomQuestionRow(10, "ours", "q1", '{"q": 1}', 1, NOW)])
    await repo.audit(AuditEntry(10, 1, "add-question", "ours/q1", NOW))
    await repo.mark_guild_departed(30, NOW - 60)
    await repo.add_report(ReportRow(10, "geo", "q1", 2, "typo", "a note", "Text?", NOW))
    await repo.set_question_disabled(10, "geo", "q1", disabled=True, actor_id=1, at=NOW)
    return repo


async def test_copy_keeps_every_row_and_total(tmp_path, pg_target):
    source = await _fill(tmp_path / "trivia.db")
    report = await copy_sqlite_to_postgres(tmp_path / "trivia.db", pg_target)
    assert report.problems == []
    assert report.rows["answers"] == 4 and report.rows["games"] == 3
    assert report.players == 2
    copy = await PostgresRepository.open(pg_target, pool_size=2)
    try:
        for guild in (10, 20, None):
            for period in Period if guild else (Period.ALL_TIME, Period.WEEK, Period.MONTH):
                assert await copy.leaderboard(
                    guild, period=period, now=NOW
                ) == await source.leaderboard(guild, period=period, now=NOW)
            for period in (Period.ALL_TIME, Period.WEEK):
                assert await copy.player_stats(
                    guild, 1, period=period, now=NOW
                ) == await source.player_stats(guild, 1, period=period, now=NOW)
        assert await copy.get_game(1) == await source.get_game(1)
        assert await copy.running_game(3) == await source.running_game(3)
        assert await copy.guild_settings(10) == GuildSettingsRow(
            10, 12, 25.5, "typed", 2**61, starter_role_id=2**60 + 3
        )
        assert await copy.round_channels(10) == frozenset({2**62 + 7})
        assert await copy.custom_questions(10) == await source.custom_questions(10)
        assert await copy.audit_log(10) == await source.audit_log(10)
        assert await copy.seasons(10) == await source.seasons(10)
        assert await copy.leaderboard(10, period=Period.SEASON, now=NOW) != []
        assert await copy.leaderboard(None, period=Period.MONTH, now=NOW) != []
        assert await copy.recent_facts(1) == {"geo/q1": NOW}
        assert await copy.guild_limits(10) == {"board_cooldown": 2.5}
        assert await copy.departed_guilds(NOW) == [30]
        assert await copy.question_reports(10, "geo", "q1") == await source.question_reports(
            10, "geo", "q1"
        )
        assert await copy.disabled_questions(10) == frozenset({"geo/q1"})
        assert await copy.add_report(ReportRow(10, "geo", "q2", 2, "other", "", "T?", NOW))
        # ids go on after the copied ones
        assert await copy.create_game(game(guild=10, channel=9)) == 4
        await copy.audit(AuditEntry(10, 1, "reset-leaderboard", "", NOW + 1))
        assert len(await copy.audit_log(10)) == 2
    finally:
        await copy.close()
        await source.close()


async def test_a_non_empty_target_is_refused_and_left_alone(tmp_path, pg_target):
    await (await _fill(tmp_path / "trivia.db")).close()
    await copy_sqlite_to_postgres(tmp_path / "trivia.db", pg_target)
    with pytest.raises(CopyRefused, match="not empty"):
        await copy_sqlite_to_postgres(tmp_path / "trivia.db", pg_target)
    conn = await asyncpg.connect(pg_target.dsn)
    try:
        assert await conn.fetchval("SELECT COUNT(*) FROM answers") == 4
    finally:
        await conn.close()


async def test_a_missing_source_is_refused(tmp_path, pg_target):
    with pytest.raises(CopyRefused, match="no SQLite database"):
        await copy_sqlite_to_postgres(tmp_path / "nothing.db", pg_target)
    assert not (tmp_path / "nothing.db").exists()


def _trivia(tmp_path: Path, db: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRIVIA_", "DISCORD_"))}
    env.update(TRIVIA_DB=db, TRIVIA_BANKS=str(FIXTURES))
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
async def test_a_played_database_moves_and_db_check_agrees_on_both_sides(tmp_path, pg_target):
    sqlite_db = str(tmp_path / "trivia.db")

    async def trivia(db: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return await asyncio.to_thread(_trivia, tmp_path, db, *args, stdin=stdin)

    for name in ("Ann", "Bo"):
        played = await trivia(
            sqlite_db,
            "play",
            "--bank",
            "geo",
            "--questions",
            "3",
            "--player",
            name,
            stdin="1\n2\n1\n",
        )
        assert played.returncode == 0, played.stderr
    copied = await trivia(sqlite_db, "db", "copy", "--to", pg_target.dsn)
    assert copied.returncode == 0, copied.stderr
    assert "answers" in copied.stdout and "Row counts match" in copied.stdout
    for db in (sqlite_db, pg_target.dsn):
        checked = await trivia(db, "db", "check")
        assert checked.returncode == 0 and "consistent" in checked.stdout, checked.stdout
    boards = [(await trivia(db, "leaderboard")).stdout for db in (sqlite_db, pg_target.dsn)]
    assert boards[0] == boards[1] and "Ann" in boards[0] and "Bo" in boards[0]
    again = await trivia(sqlite_db, "db", "copy", "--to", pg_target.dsn)
    assert again.returncode == 2 and "not empty" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("db", "to", "message"),
    [
        ("t.db", "postgresql://u:hunter2@127.0.0.1:port/x", "--to: the port"),
        ("t.db", "other.db", "--to must be a postgresql:// URL"),
        ("t.db", "postgresql://u:hunter2@127.0.0.1:1/x", "cannot reach PostgreSQL at 127.0.0.1:1"),
        ("postgresql://u:hunter2@127.0.0.1:1/x", "postgresql://127.0.0.1/y", "reads an SQLite"),
    ],
)
def test_copy_mistakes_are_one_line(tmp_path, db, to, message):
    (tmp_path / "t.db").touch()
    done = _trivia(tmp_path, db, "db", "copy", "--to", to)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr
    assert "hunter2" not in done.stderr + done.stdout
