"""One process writes a database: beside a live `run`, play and a second run refuse, sync
publishes without opening the game (review H2); a DEBUG log holds no interaction token."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import Any

import pytest

from tests.fakediscord import FakeDiscord
from tests.faults.conftest import add_server, cli, db_rows, question, start_round

pytestmark = pytest.mark.slow


async def test_play_sync_and_a_second_run_leave_a_live_bots_round_alone(
    fake: FakeDiscord, bot_process: Any
) -> None:
    s = add_server(fake, players=("alice",))
    bot = bot_process(s.guild)
    await bot.start()
    assert "started a round" in await start_round(fake, s.channel, s.players[0], seconds=60)
    await question(fake, s.channel, 1)
    tokens = list(fake.interactions_by_token)
    assert tokens

    played = await asyncio.to_thread(
        cli, bot.db, "play", "--bank", "geo", "--questions", "1", "--player", "mallory"
    )
    assert played.returncode == 2, played.stdout + played.stderr
    assert played.stderr.count("\n") == 1 and "in use by another trivia-bot" in played.stderr
    assert str(bot.proc.pid) in played.stderr

    second = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "run"],
        env=bot.env(),
        cwd=bot.tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 2, second.stderr
    assert "in use by another trivia-bot" in second.stderr.splitlines()[-1]
    assert "Traceback" not in second.stderr

    syncs = len(fake.command_syncs)
    synced = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "sync", "--guild", str(s.guild.id)],
        env={**bot.env(), "TRIVIA_DB": str(bot.tmp_path / "never-created.db")},
        cwd=bot.tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert synced.returncode == 0, synced.stderr
    assert len(fake.command_syncs) == syncs + 1
    assert not (bot.tmp_path / "never-created.db").exists()  # sync opened no database

    # the live bot's round was never abandoned by anyone
    assert db_rows(bot.db, "SELECT status FROM games") == [("running",)]
    assert bot.proc.returncode is None
    assert await bot.stop() == 0
    assert db_rows(bot.db, "SELECT status FROM games") == [("stopped",)]
    logs = bot.log_text()
    assert "marked abandoned" not in logs
    # LOG_LEVEL=DEBUG logs every reply's URL: the interaction's token in it is redacted
    assert "/<token>/callback" in logs and not any(t in logs for t in tokens)

    # the lock goes with its process, even a killed one: the next start needs no clean-up
    await bot.start()
    await bot.kill()
    await bot.start()
    assert await bot.stop() == 0
    fake.assert_no_violations()
