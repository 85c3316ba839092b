"""SIGKILL mid-round: what was acknowledged survives, the game is abandoned, the channel frees."""

from __future__ import annotations

from typing import Any

import pytest

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


async def test_sigkill_mid_round_keeps_every_acknowledged_answer(
    fake: FakeDiscord, bot_process: Any
) -> None:
    """The promise behind "Locked in": the answer is on disk before the player hears it."""
    s = add_server(fake, players=("alice", "bob", "carol", "dave"))
    bot = bot_process(s.guild)
    await bot.start()
    reply = await start_round(fake, s.channel, s.players[0], questions=5, seconds=60)
    assert "started a round" in reply, reply
    msg = await question(fake, s.channel, 1)
    right = {}
    for i, player in enumerate(s.players):
        label = right_label(msg) if i % 2 == 0 else wrong_label(msg)
        right[player.id] = i % 2 == 0
        text = await click(fake, msg, player, label)
        assert text.startswith("Locked in"), text
    TALLY["answers acknowledged"] += len(s.players)

    await bot.kill()
    TALLY["faults injected: SIGKILL"] += 1
    assert db_rows(bot.db, "SELECT status FROM games") == [("running",)]
    stored = dict(db_rows(bot.db, "SELECT player_id, correct FROM answers"))
    assert stored == {pid: int(ok) for pid, ok in right.items()}
    TALLY["answers lost"] += len(right) - len(stored)

    await bot.start()
    assert db_rows(bot.db, "SELECT status FROM games") == [("abandoned",)]
    assert_db_check(bot.db)
    totals = db_rows(
        bot.db, "SELECT player_id, points, correct, answered FROM player_totals ORDER BY player_id"
    )
    sums = db_rows(
        bot.db,
        "SELECT player_id, SUM(points), SUM(correct), COUNT(*) FROM answers "
        "GROUP BY player_id ORDER BY player_id",
    )
    assert totals == sums and len(totals) == len(s.players)

    # the old message still has its buttons; nobody can score on it twice
    for player in s.players:
        text = await click(fake, msg, player, right_label(msg))
        assert "round has ended" in text, text
    assert (
        db_rows(
            bot.db,
            "SELECT player_id, SUM(points), SUM(correct), COUNT(*) FROM answers "
            "GROUP BY player_id ORDER BY player_id",
        )
        == sums
    )

    reply = await start_round(fake, s.channel, s.players[1], questions=1, seconds=5)
    assert "started a round" in reply, reply
    assert await bot.stop() == 0
    statuses = db_rows(bot.db, "SELECT status FROM games ORDER BY id")
    assert statuses[0] == ("abandoned",) and statuses[1][0] in ("stopped", "finished")
    assert_db_check(bot.db)

    logs = bot.log_text()
    assert "marked abandoned" in logs
    assert fake.token not in logs  # a full DEBUG run never writes the token
    TALLY["log lines scanned for the token"] += logs.count("\n")
    fake.assert_no_violations()
