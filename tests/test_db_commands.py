"""`trivia-bot db check|backup|forget` on a real SQLite file, through `bot.cli.main`."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from bot.cli import main
from bot.storage.records import GameStatus
from bot.storage.sqlite import SQLiteRepository
from tests.storage.test_sqlite import NOW, answer, game


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database with one finished game: member 7 answered twice on server 10."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "trivia.db"
    monkeypatch.setenv("TRIVIA_DB", str(path))

    async def build() -> None:
        repo = await SQLiteRepository.open(path)
        game_id = await repo.create_game(game())
        await repo.record_answers([answer(game_id, n, 7, 900) for n in (1, 2)])
        await repo.end_game(game_id, GameStatus.FINISHED, NOW, [])
        await repo.close()

    asyncio.run(build())
    return path


def count(path: Path, sql: str) -> int:
    con = sqlite3.connect(path)
    try:
        return int(con.execute(sql).fetchone()[0])
    finally:
        con.close()


def test_check_reads_only(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = db.stat().st_mtime_ns
    assert main(["db", "check"]) == 0
    assert capsys.readouterr().out == f"{db}: consistent.\n"
    assert db.stat().st_mtime_ns == before


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        ("UPDATE global_month_totals SET points = points + 1", "global_month_totals"),
        (
            "INSERT INTO player_season_totals VALUES (10, 'Gone', 7, 900, 1, 1)",
            "player_season_totals",
        ),
    ],
)
def test_check_covers_the_month_and_season_totals(
    db: Path, capsys: pytest.CaptureFixture[str], damage: str, named: str
) -> None:
    con = sqlite3.connect(db)
    try:
        con.execute(damage)
        con.commit()
    finally:
        con.close()
    assert main(["db", "check"]) == 1
    out = capsys.readouterr().out
    assert named in out and out.endswith(f"{db}: 1 problem.\n")


def test_backup_is_private_even_over_an_old_file(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    target.write_text("old")
    target.chmod(0o644)
    assert main(["db", "backup", str(target)]) == 2  # refused without --force
    assert target.read_text() == "old"
    assert main(["db", "backup", str(target), "--force"]) == 0
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert count(target, "SELECT COUNT(*) FROM answers") == 2
    assert not list(tmp_path.glob(".copy.db.partial*"))


def test_backup_refuses_the_live_database_by_any_name(db: Path, tmp_path: Path) -> None:
    (tmp_path / "link.db").symlink_to(db)
    assert main(["db", "backup", "link.db", "--force"]) == 2
    assert count(db, "SELECT COUNT(*) FROM answers") == 2


def test_forget_deletes_one_member_on_one_server_and_audits(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "forget", "--guild", "10", "--member", "7"]) == 0
    assert capsys.readouterr().out == "Deleted 2 answers and the totals of member 7 on server 10.\n"
    assert count(db, "SELECT COUNT(*) FROM answers") == 0
    assert count(db, "SELECT COUNT(*) FROM player_totals") == 0
    assert count(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'forget-member'") == 1
    assert main(["db", "check"]) == 0


def test_forget_on_every_server(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "forget", "--member", "7", "--all-servers"]) == 0
    assert capsys.readouterr().out == "Deleted 2 answers and the totals of member 7 on 1 server.\n"
    assert count(db, "SELECT COUNT(*) FROM answers") == 0
    assert count(db, "SELECT COUNT(*) FROM players") == 0
