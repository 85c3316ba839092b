"""The bank cache: a fresh load's reports, rebuilt when a file, the code or an entry changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.banks import cache as cache_module
from bot.banks.cache import BankCache
from bot.banks.loader import load_banks
from tests.banks.helpers import SHIPPED

BAD = """\
id: broken
title: Broken
questions:
  - id: q1
    question: Which city is the capital of France?
    answers: []
"""


@pytest.fixture
def banks(tmp_path: Path) -> Path:
    folder = tmp_path / "banks"
    shutil.copytree(SHIPPED, folder)
    (folder / "zz-broken.yaml").write_text(BAD, encoding="utf-8")
    return folder


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.bank"))


def test_a_warm_load_gives_the_reports_of_a_fresh_one(banks: Path, tmp_path: Path) -> None:
    fresh = load_banks([banks])
    assert any(r.problems for r in fresh) and any(r.bank for r in fresh)
    first = BankCache(tmp_path / "cache")
    assert load_banks([banks], first) == fresh
    assert first.misses == len(fresh) and len(entries(tmp_path / "cache")) == len(fresh)
    warm = BankCache(tmp_path / "cache")
    assert load_banks([banks], warm) == fresh  # problems and their lines included
    assert warm.hits == len(fresh) and warm.misses == 0


def test_an_edited_file_is_read_again_and_its_old_entry_removed(
    banks: Path, tmp_path: Path
) -> None:
    load_banks([banks], BankCache(tmp_path / "cache"))
    before = entries(tmp_path / "cache")
    broken = banks / "zz-broken.yaml"
    broken.write_text(BAD.replace("Broken", "Still broken"), encoding="utf-8")
    again = BankCache(tmp_path / "cache")
    reports = load_banks([banks], again)
    assert again.misses == 1 and reports == load_banks([banks])
    after = entries(tmp_path / "cache")
    assert len(after) == len(before) and after != before


def test_damaged_entries_are_ignored_and_rewritten(banks: Path, tmp_path: Path) -> None:
    load_banks([banks], BankCache(tmp_path / "cache"))
    damage = [b"", b"\x00garbage", b"\xe9" * 40]
    for n, entry in enumerate(entries(tmp_path / "cache")):
        entry.write_bytes(damage[n % len(damage)] if n % 4 else entry.read_bytes()[:-7])
    damaged = BankCache(tmp_path / "cache")
    assert load_banks([banks], damaged) == load_banks([banks])
    assert damaged.hits == 0
    healed = BankCache(tmp_path / "cache")
    load_banks([banks], healed)
    assert healed.misses == 0


def test_other_code_misses_every_entry(
    banks: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_banks([banks], BankCache(tmp_path / "cache"))
    monkeypatch.setattr(cache_module, "code_version", lambda: "a later release")
    later = BankCache(tmp_path / "cache")
    load_banks([banks], later)
    assert later.hits == 0


def test_an_unwritable_cache_only_costs_the_time(banks: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    assert load_banks([banks], BankCache(blocked)) == load_banks([banks])
