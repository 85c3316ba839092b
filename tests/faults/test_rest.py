"""Discord's REST API misbehaves mid-round: the round goes on or ends saved, the channel frees."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakediscord import SEND_MESSAGES, FakeDiscord, FakeMessage, overwrite
from tests.faults.conftest import (
    TALLY,
    Running,
    Server,
    add_server,
    assert_db_check,
    click,
    db_rows,
    question,
    raw_click,
    right_label,
    running_bot,
    seat,
    settings_for,
    standings,
    start_round,
    title,
    wrong_label,
)

pytestmark = pytest.mark.slow

POST = "/channels/{channel_id}/messages"
PATCH = "/channels/{channel_id}/messages/{message_id}"


async def _answer(fake: FakeDiscord, s: Server, msg: FakeMessage) -> None:
    """Alice right, Bob wrong; both acknowledged."""
    alice, bob, _ = s.players
    assert (await click(fake, msg, alice, right_label(msg))).startswith("Locked in")
    assert (await click(fake, msg, bob, wrong_label(msg))).startswith("Locked in")
    TALLY["answers acknowledged"] += 2


def _answers(db: Path, game: int = 1) -> list[tuple[int, int, int]]:
    return db_rows(
        db,
        "SELECT number, player_id, correct FROM answers WHERE game_id = ? "
        "ORDER BY number, player_id",
        (game,),
    )


def _expected(s: Server, questions: int) -> list[tuple[int, int, int]]:
    alice, bob, _ = s.players
    return sorted((n, p.id, int(p is alice)) for n in range(1, questions + 1) for p in (alice, bob))


async def _channel_is_free(fake: FakeDiscord, run: Running, s: Server) -> None:
    """Once a round ends, however it ended, the same channel takes a new one."""
    await fake.wait_for(lambda: not run.bot.service.sessions(), what="the channel to free")
    assert "started a round" in await start_round(
        fake, s.channel, s.players[1], questions=1, seconds=5
    )
    await question(fake, s.channel, 1)


def _check(db: Path, s: Server, status: str, questions: int) -> None:
    rows = _answers(db)
    assert rows == _expected(s, questions)
    TALLY["answers lost"] += 2 * questions - len(rows)
    assert db_rows(db, "SELECT status FROM games WHERE id = 1") == [(status,)]
    assert_db_check(db)


async def test_429_on_edits_is_waited_out_and_the_round_carries_on(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    """Rate-limited reveals: discord.py waits retry_after and tries again; nothing is skipped."""
    s = add_server(fake)
    settings = settings_for(tmp_path, fake.token)
    async with running_bot(fake, settings, s.guild) as run:
        seat(run, *s.players[:2])
        fault = fake.inject_fault("PATCH", PATCH, 429, count=4, retry_after=0.2)
        TALLY["faults injected: REST 429"] += 4
        assert "started a round" in await start_round(
            fake, s.channel, s.players[0], questions=3, seconds=10
        )
        for number in (1, 2, 3):
            msg = await question(fake, s.channel, number)
            await _answer(fake, s, msg)
            await fake.wait_for(lambda m=msg: "answer" in title(m), what="the reveal")
        await standings(fake, s.channel)
        assert fault.count == 0 and len(fault.served) == 4
        await _channel_is_free(fake, run, s)
    _check(settings.db_path, s, "finished", 3)
    fake.assert_no_violations()


async def test_500_and_502_bursts_are_retried_and_the_round_carries_on(
    fake: FakeDiscord, tmp_path: Path, quick_server_error_retries: None
) -> None:
    """Short 5xx bursts on posting and editing: discord.py retries, players notice nothing."""
    s = add_server(fake)
    settings = settings_for(tmp_path, fake.token)
    async with running_bot(fake, settings, s.guild) as run:
        seat(run, *s.players[:2])
        faults = [
            fake.inject_fault("POST", POST, 500, count=3),
            fake.inject_fault("PATCH", PATCH, 502, count=3),
        ]
        TALLY["faults injected: REST 5xx"] += 6
        assert "started a round" in await start_round(
            fake, s.channel, s.players[0], questions=2, seconds=10
        )
        for number in (1, 2):
            msg = await question(fake, s.channel, number)
            await _answer(fake, s, msg)
        await standings(fake, s.channel)
        assert all(f.count == 0 for f in faults)
        await _channel_is_free(fake, run, s)
    _check(settings.db_path, s, "finished", 2)
    fake.assert_no_violations()


async def test_a_5xx_outage_longer_than_the_retries_ends_the_round_saved(
    fake: FakeDiscord, tmp_path: Path, quick_server_error_retries: None
) -> None:
    """Discord down for good: after discord.py's five tries the round ends as stopped, saved."""
    s = add_server(fake)
    settings = settings_for(tmp_path, fake.token)
    async with running_bot(fake, settings, s.guild) as run:
        seat(run, *s.players[:2])
        assert "started a round" in await start_round(
            fake, s.channel, s.players[0], questions=3, seconds=10
        )
        msg = await question(fake, s.channel, 1)
        # question 2 and then the standings each use up discord.py's five tries
        fault = fake.inject_fault("POST", POST, 502, count=10)
        TALLY["faults injected: REST 5xx"] += 10
        await _answer(fake, s, msg)
        await fake.wait_for(lambda: fault.count == 0, what="the outage to be served")
        await _channel_is_free(fake, run, s)
    _check(settings.db_path, s, "stopped", 1)
    fake.assert_no_violations()


async def test_403_missing_permissions_ends_the_round_saved_and_start_explains(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    """Send Messages taken away mid-round: the round ends saved; /trivia start says why."""
    s = add_server(fake)
    settings = settings_for(tmp_path, fake.token)
    async with running_bot(fake, settings, s.guild) as run:
        seat(run, *s.players[:2])
        assert "started a round" in await start_round(
            fake, s.channel, s.players[0], questions=3, seconds=10
        )
        msg = await question(fake, s.channel, 1)
        s.channel.overwrites.append(overwrite(fake.bot_user, deny=SEND_MESSAGES))
        TALLY["faults injected: REST 403"] += 1
        await _answer(fake, s, msg)
        await fake.wait_for(lambda: not run.bot.service.sessions(), what="the round to end")
        assert fake.errors_served, "question 2 should have met a 403"

        refused = await start_round(fake, s.channel, s.players[1], questions=1, seconds=5)
        assert "Send Messages" in refused and "started" not in refused, refused
        s.channel.overwrites.clear()  # permission given back
        await _channel_is_free(fake, run, s)
    _check(settings.db_path, s, "stopped", 1)
    assert db_rows(settings.db_path, "SELECT COUNT(*) FROM games") == [(2,)]
    fake.assert_no_violations()


async def test_404_for_a_deleted_round_message_posts_the_reveal_anew(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    """A moderator deletes the question: the edit meets 10008, the reveal is posted instead."""
    s = add_server(fake)
    settings = settings_for(tmp_path, fake.token)
    async with running_bot(fake, settings, s.guild) as run:
        seat(run, *s.players[:2])
        assert "started a round" in await start_round(
            fake, s.channel, s.players[0], questions=2, seconds=10
        )
        for number in (1, 2):
            msg = await question(fake, s.channel, number)
            alice, bob, _ = s.players
            right, wrong = right_label(msg), wrong_label(msg)
            assert (await click(fake, msg, alice, right)).startswith("Locked in")
            if number == 1:
                # Bob clicks as a moderator deletes the message: Discord delivers the click
                await fake.delete_message(msg)
                TALLY["faults injected: REST 404 (message deleted)"] += 1
                late = await raw_click(fake, msg, bob, msg.find_component(label=wrong)["custom_id"])
                assert (await late.response()).content.startswith("Locked in")
            else:
                assert (await click(fake, msg, bob, wrong)).startswith("Locked in")
            TALLY["answers acknowledged"] += 2
        await standings(fake, s.channel)
        reveals = [
            m
            for m in fake.bot_messages(s.channel)
            if title(m).startswith("The answer") or "answer" in title(m)
        ]
        assert len(reveals) == 2  # one posted anew, one edited in place
        await _channel_is_free(fake, run, s)
    _check(settings.db_path, s, "finished", 2)
    fake.assert_no_violations()
