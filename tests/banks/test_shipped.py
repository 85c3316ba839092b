"""The shipped banks' evidence, checked against the real articles (CI keeps them in ../shared)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main

REPO = Path(__file__).resolve().parents[2]
SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def test_shipped_banks_verify_against_the_seed_articles(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} is not here; CI clones the repo with ../shared beside it")
    monkeypatch.chdir(tmp_path)  # no stray .env
    code = main(["banks", "verify", str(REPO / "questions"), "--articles", str(SEEDS)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.endswith("all evidence verified.\n")
