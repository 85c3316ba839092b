"""Paths and small builders shared by the bank tooling tests."""

from __future__ import annotations

from pathlib import Path

from bot.banks.loader import load_bank_file
from bot.engine.models import Bank

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLES = FIXTURES / "articles"
IMPORTS = FIXTURES / "import"
REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "questions"
SEEDS = REPO.parent / "shared" / "seeds"


def load(path: Path) -> Bank:
    """A fixture bank that must load cleanly, or the test itself is wrong."""
    report = load_bank_file(path)
    assert report.bank is not None and not report.problems, [str(p) for p in report.problems]
    return report.bank
