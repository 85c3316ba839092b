"""`trivia-bot reports export`: the shipped banks' reports from every server, for maintainers."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.storage.records import NewGame, ReportRow
from bot.storage.sqlite import SQLiteRepository

BANKS = Path(__file__).resolve().parents[1] / "fixtures" / "banks"


async def seed(db: Path) -> None:
    repo = await SQLiteRepository.open(db)
    try:
        rows = [
            ReportRow(1, "geo", "capital-italy", 10, "wrong-answer", "Rome is right?", "Old?", 1e9),
            ReportRow(2, "geo", "capital-italy", 11, "typo", "", "Old?", 1e9 + 5),
            ReportRow(1, "geo", "gone-question", 10, "other", "", "Removed since?", 1e9),
            ReportRow(1, "custom", "ours", 10, "typo", "private to the server", "Ours?", 1e9),
        ]
        for row in rows:
            await repo.add_report(row)
        await repo.create_game(NewGame(1, 5, ("geo",), "buttons", 10, 3, 20.0, 1e9))
    finally:
        await repo.close()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRIVIA_BANKS", str(BANKS))
    monkeypatch.setenv("TRIVIA_DB", str(tmp_path / "trivia.db"))
    asyncio.run(seed(tmp_path / "trivia.db"))
    return tmp_path / "trivia.db"


def test_export_writes_shipped_reports_without_reporters(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports.yaml"
    assert main(["reports", "export", "--out", str(out)]) == 0
    assert "3 reports on 2 shipped questions written to" in capsys.readouterr().err
    entries = yaml.safe_load(out.read_text())["reports"]
    assert entries[0] == {
        "bank": "geo",
        "question": "capital-italy",
        "text": "Which city is the capital of Italy?",
        "reports": 2,
        "servers": 2,
        "reasons": {"wrong-answer": 1, "typo": 1},
        "notes": [{"date": "2001-09-09", "reason": "wrong-answer", "note": "Rome is right?"}],
    }
    assert entries[1]["question"] == "gone-question" and entries[1]["gone"] is True
    fields = {k for e in entries for k in e} | {k for e in entries for n in e["notes"] for k in n}
    assert not any("reporter" in k or "guild" in k for k in fields)  # nobody is named
    assert "private to the server" not in out.read_text()
    running = sqlite3.connect(db).execute("SELECT status FROM games").fetchall()
    assert running == [("running",)]  # an export beside the live bot leaves its rounds alone


def test_export_refuses_to_overwrite_without_force(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports.yaml"
    out.write_text("keep me")
    assert main(["reports", "export", "--out", str(out)]) == 2
    assert "already exists; add --force" in capsys.readouterr().err
    assert out.read_text() == "keep me"
    assert main(["reports", "export", "--out", str(out), "--force"]) == 0
    assert main(["reports", "export"]) == 0
    assert capsys.readouterr().out.startswith("reports:\n- bank: geo")
