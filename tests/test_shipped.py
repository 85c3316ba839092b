"""The shipped folders: the checkout's own here, the wheel's copy once installed (.ci/run)."""

from pathlib import Path

from bot import shipped


def test_a_checkout_reads_its_top_level_folders():
    root = Path(__file__).resolve().parents[1]
    assert shipped.shipped_path("questions") == root / "questions"
    assert shipped.shipped_path("db/migrations") == root / "db" / "migrations"


def test_an_installed_copy_wins(tmp_path, monkeypatch):
    package = tmp_path / "bot"
    (package / "_shipped" / "questions").mkdir(parents=True)
    monkeypatch.setattr(shipped, "files", lambda name: package)
    assert shipped.shipped_path("questions") == package / "_shipped" / "questions"
