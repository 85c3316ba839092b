"""The composition point: what it loads is what `run` (Discord) and `play` both draw from."""

from __future__ import annotations

from pathlib import Path

from bot.app import open_app
from bot.settings import load_settings
from tests.console.test_play import DRAFTED, ONLY_DRAFTS


async def test_drafts_under_review_never_reach_the_catalog(tmp_path: Path) -> None:
    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "drafted.yaml").write_text(DRAFTED, "utf-8")
    (banks / "only-drafts.yaml").write_text(ONLY_DRAFTS, "utf-8")
    env = {"TRIVIA_DB": str(tmp_path / "t.db"), "TRIVIA_BANKS": str(banks)}
    async with open_app(load_settings(env, env_file=None), recover=False) as app:
        shipped = app.service.catalog.shipped
        assert list(shipped) == ["drafted"]  # a bank of drafts only is no bank to play
        assert [q.id for q in shipped["drafted"].questions] == ["final", "kept", "final-two"]
        assert [b.id for b in app.banks] == ["drafted"]
