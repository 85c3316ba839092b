"""The websocket drops mid-round: the bot reconnects and the round goes on, scores kept."""

from __future__ import annotations

from pathlib import Path

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
    running_bot,
    seat,
    settings_for,
    standings,
    start_round,
    wrong_label,
)

pytestmark = pytest.mark.slow


async def _play_through(fake: FakeDiscord, tmp_path: Path, faults: list[str]) -> None:
    """Answer each question, and before questions 2.. inject the next gateway fault."""
    s = add_server(fake)
    alice, bob, _ = s.players
    settings = settings_for(tmp_path, fake.token)
    total = len(faults) + 1
    async with running_bot(fake, settings, s.guild) as run:
        seat(run, alice, bob)
        assert "started a round" in await start_round(
            fake, s.channel, alice, questions=total, seconds=8
        )
        for number in range(1, total + 1):
            msg = await question(fake, s.channel, number)
            if number > 1:
                fault = faults[number - 2]
                readies, resumes = fake.gateway.ready_count, fake.gateway.resumed_count
                if fault == "invalid-session":
                    await fake.invalidate_session(resumable=False)
                else:
                    await fake.close_gateway(code=int(fault))
                TALLY[f"faults injected: gateway {fault}"] += 1
                await fake.wait_for(
                    lambda r=readies, m=resumes: (
                        fake.gateway.connected()
                        and (fake.gateway.ready_count > r or fake.gateway.resumed_count > m)
                    ),
                    timeout=10,
                    what="the bot to reconnect",
                )
            assert (await click(fake, msg, alice, right_label(msg))).startswith("Locked in")
            assert (await click(fake, msg, bob, wrong_label(msg))).startswith("Locked in")
            TALLY["answers acknowledged"] += 2
        await standings(fake, s.channel)
        await fake.wait_for(lambda: not run.bot.service.sessions(), what="the channel to free")
        assert "started a round" in await start_round(fake, s.channel, bob, questions=1, seconds=5)
    rows = db_rows(
        settings.db_path,
        "SELECT player_id, COUNT(*), SUM(correct) FROM answers "
        "GROUP BY player_id ORDER BY player_id",
    )
    assert rows == [(alice.id, total, total), (bob.id, total, 0)]
    TALLY["answers lost"] += 2 * total - sum(n for _, n, _ in rows)
    assert db_rows(settings.db_path, "SELECT status FROM games ORDER BY id")[0] == ("finished",)
    assert_db_check(settings.db_path)
    fake.assert_no_violations()


async def test_resumable_close_4000_resumes_and_the_round_carries_on(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    """Code 4000: discord.py resumes, missed events are replayed, nothing is lost."""
    await _play_through(fake, tmp_path, ["4000", "4000"])
    assert fake.gateway.resumed_count >= 2


async def test_fatal_close_and_invalid_session_reidentify_and_the_round_carries_on(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    """4009 (session timed out) and op 9: a fresh IDENTIFY; rounds live in the bot, not a socket."""
    await _play_through(fake, tmp_path, ["4009", "invalid-session", "4000"])
    assert fake.gateway.ready_count >= 3
