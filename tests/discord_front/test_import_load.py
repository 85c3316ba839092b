"""The largest import the limits allow never holds up a click in another channel."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.banks.importers.core import MAX_ENTRIES
from bot.banks.loader import MAX_FILE_BYTES
from bot.engine.validation import MAX_ANSWERS, MAX_DISTRACTORS
from tests.discord_front.conftest import add_server, call, query, running_bot, settings_for
from tests.fakediscord import FakeDiscord, FakeInteraction

pytestmark = pytest.mark.slow

DEADLINE = 3.0  # Discord's limit for answering an interaction


def largest_yaml() -> bytes:
    """5,000 questions of 20 answers and 10 distractors each, padded to just under 5 MiB."""
    head = "id: big\ntitle: Big\nquestions:\n"

    def entry(i: int, pad: int) -> str:
        answers = "".join(f"      - answer {a} to {i}\n" for a in range(MAX_ANSWERS))
        wrong = "".join(f"      - wrong {d} for {i}\n" for d in range(MAX_DISTRACTORS))
        return (
            f"  - id: q{i}\n    question: Which of these is answer {i}? {'x' * pad}\n"
            f"    answers:\n{answers}    distractors:\n{wrong}"
        )

    base = len(head) + sum(len(entry(i, 0)) for i in range(MAX_ENTRIES))
    pad = (MAX_FILE_BYTES - base - 1000) // MAX_ENTRIES
    data = (head + "".join(entry(i, pad) for i in range(MAX_ENTRIES))).encode()
    assert MAX_FILE_BYTES - 10_000 < len(data) <= MAX_FILE_BYTES
    return data


async def test_largest_import_while_another_channel_clicks(fake: FakeDiscord, tmp_path) -> None:
    """Dry run, Confirm and the first round from the bank: every click answered within 3 s."""
    s = add_server(fake, "one", ("alice",))
    alice = s.players[0]
    play = fake.add_channel(s.guild, "play")
    data = largest_yaml()
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild):
        await call(fake, play, alice, "trivia start", {"bank": "geo", "seconds": 120})
        question = await fake.wait_for_message(play, lambda m: bool(m.buttons()))
        label = question.buttons()[0]["label"]
        clicks: list[tuple[float, FakeInteraction]] = []
        done = asyncio.Event()

        async def click_all_along() -> None:
            """A click every 50 ms, timed from when it was due: the fake shares the bot's loop,
            so a frozen loop delays sending the click, and Discord would not have waited."""
            first = time.perf_counter()
            while not done.is_set():
                due = first + len(clicks) * 0.05
                await asyncio.sleep(max(due - time.perf_counter(), 0))
                clicks.append((due, await fake.click_button(question, None, alice, label=label)))

        clicker = asyncio.create_task(click_all_along())
        began = time.perf_counter()
        upload = fake.upload("big.yaml", data)
        ix = await fake.invoke_slash(s.channel, s.admin, "trivia-admin import", {"file": upload})
        summary = (await ix.reply(timeout=60)).message
        assert summary is not None and f"{MAX_ENTRIES} valid, 0 problems" in summary.content
        checked_in = time.perf_counter() - began
        confirm = await fake.click_button(summary, None, s.admin, label="Confirm import")
        await confirm.response()
        await fake.wait_for(lambda: "Imported" in summary.content, timeout=30, what="the import")
        # the first use of the bank builds it from storage: no validation, no judge calls
        started = await call(fake, s.other_channel, alice, "trivia start", {"bank": "big"})
        assert "started a round" in started.text
        done.set()
        await clicker
        replies = [await c.response(timeout=10) for _, c in clicks]
    worst = max(r.at - due for r, (due, _) in zip(replies, clicks, strict=True))
    print(
        f"\nlargest import ({len(data):,} bytes, {MAX_ENTRIES} questions): checked in "
        f"{checked_in:.2f} s; {len(clicks)} clicks meanwhile, worst answered in {worst:.3f} s"
    )
    assert len(clicks) >= 20 and all(r.ephemeral for r in replies)
    assert worst < DEADLINE
    assert query(tmp_path, "SELECT COUNT(*) FROM custom_questions") == [(MAX_ENTRIES,)]
    fake.assert_no_violations()
