"""The shipped banks' evidence, checked against the real articles (CI keeps them in ../shared)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.banks.loader import load_banks
from bot.cli import main
from bot.engine.draw import draw_questions
from bot.engine.lint import bank_warnings
from bot.engine.models import Bank, Mode
from bot.engine.rules import RoundSettings

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


def _shipped() -> list[Bank]:
    reports = load_banks([REPO / "questions"])
    assert all(r.ok for r in reports), [str(p) for r in reports for p in r.problems]
    return [r.bank for r in reports if r.bank is not None]


def test_every_shipped_question_names_its_fact_and_check_has_no_warnings() -> None:
    banks = _shipped()
    assert [q.key for b in banks for q in b.questions if not q.fact] == []
    assert [str(p) for p in bank_warnings(banks)] == []


def test_ten_thousand_default_rounds_never_ask_one_fact_twice() -> None:
    """A channel playing round after round: fresh facts first, then the longest unseen."""
    banks = _shipped()
    rng = random.Random(12)
    settings = RoundSettings()
    for mode in (Mode.BUTTONS, Mode.TYPED):
        recent: dict[str, float] = {}
        for n in range(10_000 if mode is Mode.BUTTONS else 2_000):
            picked = draw_questions(banks, settings.questions, mode=mode, recent=recent, rng=rng)
            facts = [q.fact_key for q in picked]
            assert len(picked) == settings.questions
            assert len(set(facts)) == len(facts), facts
            if mode is Mode.TYPED:
                assert not any(q.is_true_false or Mode.TYPED not in q.modes for q in picked)
            for i, fact in enumerate(facts):
                recent[fact] = n + i / 100
