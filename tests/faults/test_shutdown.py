"""SIGTERM during a database outage ends within the budget; nothing acknowledged is lost."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from typing import Any

import pytest

from bot.game.service import SHUTDOWN_BUDGET_S
from tests.fakediscord import FakeDiscord
from tests.faults.conftest import (
    TALLY,
    add_server,
    assert_db_check,
    click,
    db_rows,
    question,
    right_label,
    start_round,
    wrong_label,
)

pytestmark = pytest.mark.slow

HOLD_LOCK = (
    "import sqlite3, sys\n"
    "con = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "con.execute('BEGIN EXCLUSIVE')\n"
    "print('locked', flush=True)\n"
    "sys.stdin.readline()\n"
    "con.execute('ROLLBACK')\n"
)


async def test_sigterm_in_an_outage_finishes_and_the_next_start_saves_the_rest(
    fake: FakeDiscord, bot_process: Any
) -> None:
    s = add_server(fake, players=("alice", "bob"))
    alice, bob = s.players
    bot = bot_process(s.guild)
    await bot.start()
    assert "started a round" in await start_round(fake, s.channel, alice, seconds=60)
    msg = await question(fake, s.channel, 1)
    assert (await click(fake, msg, alice, right_label(msg))).startswith("Locked in")

    holder = await asyncio.create_subprocess_exec(  # another process locks the file
        sys.executable,
        "-c",
        HOLD_LOCK,
        str(bot.db),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert holder.stdout is not None and holder.stdin is not None
    assert (await holder.stdout.readline()).strip() == b"locked"
    TALLY["faults injected: database locked at shutdown"] += 1
    late = await click(fake, msg, bob, wrong_label(msg))
    assert late.startswith("Locked in") and "will be saved" in late, late  # acknowledged
    TALLY["answers acknowledged"] += 2

    assert bot.proc is not None
    began = time.monotonic()
    bot.proc.send_signal(signal.SIGTERM)
    code = await asyncio.wait_for(bot.proc.wait(), SHUTDOWN_BUDGET_S + 10)
    took = time.monotonic() - began
    print(f"shutdown during an outage took {took:.1f} s (budget {SHUTDOWN_BUDGET_S:g} s)")
    assert code == 0, bot.log_text()[-3000:]
    assert took <= SHUTDOWN_BUDGET_S + 2, took
    recovery = bot.db.with_name(bot.db.name + ".recovery")
    assert recovery.exists(), bot.log_text()[-3000:]
    assert oct(recovery.stat().st_mode & 0o777) == "0o600"

    holder.stdin.write(b"done\n")
    await holder.stdin.drain()
    assert await holder.wait() == 0
    assert db_rows(bot.db, "SELECT status FROM games") == [("running",)]  # end not saved

    await bot.start()  # the replay comes before start-up recovery
    assert not recovery.exists()
    stored = dict(db_rows(bot.db, "SELECT player_id, correct FROM answers"))
    assert stored == {alice.id: 1, bob.id: 0}
    TALLY["answers lost"] += 2 - len(stored)
    assert db_rows(bot.db, "SELECT status FROM games") == [("stopped",)]  # not abandoned
    games = dict(db_rows(bot.db, "SELECT player_id, games FROM player_totals"))
    assert games == {alice.id: 1, bob.id: 1}
    assert "marked abandoned" not in bot.log_text()
    assert await bot.stop() == 0
    assert_db_check(bot.db)
    fake.assert_no_violations()
