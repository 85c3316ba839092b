"""Names and custom banks belong to their server, on every board (review M3)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from bot.storage.records import CustomQuestionRow
from bot.storage.sqlite import SQLiteRepository
from tests.discord_front.conftest import add_server, call, running_bot, settings_for
from tests.discord_front.test_boards import ANSWERS, board_lines
from tests.fakediscord import FakeChannel, FakeDiscord, FakeUser

OURS = {"id": "ours-1", "question": "Which colour is our server's logo?", "answers": ["Teal"]}
OURS_DISTRACTORS = ["Red", "Blue", "Gold"]


async def one_question(
    fake: FakeDiscord, channel: FakeChannel, player: FakeUser, bank: str, answer: str | None
) -> None:
    """A one-question buttons round that `player` answers right."""
    started = await call(
        fake, channel, player, "trivia start", {"bank": bank, "questions": 1, "seconds": 5}
    )
    assert "started a round" in started.content, started.content
    asked = await fake.wait_for_message(
        channel, lambda m: bool(m.embeds) and m.embeds[0]["title"].startswith("Question 1/1")
    )
    label = answer or ANSWERS[asked.embeds[0]["description"]]
    click = await fake.click_button(asked, None, player, label=label)
    assert (await click.response()).content.startswith("Locked in")
    await fake.wait_for_message(channel, lambda m: "Final standings" in m.text, timeout=10)


async def test_a_nickname_shows_only_on_its_own_servers_boards(fake, tmp_path: Path) -> None:
    a = add_server(fake, "alpha", ())
    b = add_server(fake, "beta", ())
    alice = fake.add_user("alice", global_name="Alice Everywhere")
    fake.add_member(a.guild, alice, nick="Alice of Alpha")
    fake.add_member(b.guild, alice, nick="Alice of Beta")
    settings = settings_for(tmp_path, fake.token, typed=False)
    async with running_bot(fake, settings, a.guild, b.guild):
        await asyncio.gather(  # whichever name is seen last, each board keeps its own
            one_question(fake, a.channel, alice, "geo", None),
            one_question(fake, b.channel, alice, "geo", None),
        )

        here = (await call(fake, a.channel, alice, "trivia leaderboard")).message
        assert [name for _, name, _ in board_lines(here)] == ["Alice of Alpha"]
        there = (await call(fake, b.channel, alice, "trivia leaderboard")).message
        assert [name for _, name, _ in board_lines(there)] == ["Alice of Beta"]
        everywhere = (
            await call(fake, a.channel, alice, "trivia leaderboard", {"scope": "global"})
        ).message
        assert [name for _, name, _ in board_lines(everywhere)] == ["Alice Everywhere"]
        stats = await call(fake, a.channel, alice, "trivia stats")
        assert stats.embeds[0]["title"].startswith("Alice of Alpha")
    fake.assert_no_violations()


async def test_all_servers_bank_board_keeps_two_servers_same_named_banks_apart(
    fake, tmp_path: Path
) -> None:
    a = add_server(fake, "alpha", ("ann",))
    b = add_server(fake, "beta", ("bea",))
    (ann,), (bea,) = a.players, b.players
    repo = await SQLiteRepository.open(tmp_path / "trivia.db")
    try:
        for server in (a, b):  # both servers call their own bank "ours"
            data = {**OURS, "distractors": OURS_DISTRACTORS}
            await repo.add_custom_questions(
                [CustomQuestionRow(server.guild.id, "ours", "ours-1", json.dumps(data), 1, 0.0)]
            )
    finally:
        await repo.close()
    settings = settings_for(tmp_path, fake.token, typed=False)
    async with running_bot(fake, settings, a.guild, b.guild):
        await asyncio.gather(
            one_question(fake, a.channel, ann, "ours", "Teal"),
            one_question(fake, b.channel, bea, "ours", "Teal"),
            one_question(fake, b.other_channel, bea, "geo", None),
        )

        options = {"scope": "global", "bank": "ours"}
        mine = (await call(fake, a.channel, ann, "trivia leaderboard", options)).message
        assert [name for _, name, _ in board_lines(mine)] == ["ann"]
        theirs = (await call(fake, b.channel, bea, "trivia leaderboard", options)).message
        assert [name for _, name, _ in board_lines(theirs)] == ["bea"]
        shipped = (
            await call(fake, a.channel, ann, "trivia leaderboard", {**options, "bank": "geo"})
        ).message
        assert [name for _, name, _ in board_lines(shipped)] == ["bea"]
    fake.assert_no_violations()
