"""/trivia review through the loopback Discord: private, one question at a time, no points."""

from __future__ import annotations

import time

import pytest

from bot.discord_front.cogs import review as review_cog
from tests.discord_front.conftest import (
    add_server,
    call,
    deferred_while_held,
    query,
    running_bot,
    seed_game,
    settings_for,
)
from tests.fakediscord import FakeDiscord

COUNTS = "SELECT (SELECT COUNT(*) FROM answers), (SELECT COUNT(*) FROM games), " + (
    "(SELECT COALESCE(SUM(points), 0) FROM player_totals)"
)


def fields(message) -> dict[str, str]:
    return {f["name"]: f["value"] for f in message.embeds[0].get("fields", [])}


async def test_review_replays_misses_privately_and_scores_nothing(fake: FakeDiscord, tmp_path):
    s = add_server(fake, "one", ("alice", "bob"))
    alice, bob = s.players
    now = time.time()
    await seed_game(tmp_path, s.guild, s.channel, [(alice, False, 0)], at=now - 300)
    await seed_game(
        tmp_path,
        s.guild,
        s.channel,
        [(alice, True, 800)],
        at=now - 200,
        question_id="capital-france",
    )
    await seed_game(
        tmp_path,
        s.guild,
        s.channel,
        [(alice, False, 0), (bob, True, 900)],
        at=now - 100,
        question_id="typed-only",
    )
    before = query(tmp_path, COUNTS)
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild):
        reply = await call(fake, s.channel, alice, "trivia review")
        assert reply.ephemeral
        msg = reply.message
        assert "the 2 questions you most recently got wrong" in msg.content
        assert msg.embeds[0]["title"] == "Review 1/2 · Capitals and Rivers"
        assert msg.embeds[0]["description"] == "How many sides has a hexagon?"
        assert [b["label"] for b in msg.components[0]["components"]] == [
            "Type my answer",
            "Show the answer",
            "Stop",
        ]
        with pytest.raises(PermissionError):  # someone else's ephemeral message
            await fake.click_button(msg, None, bob, label="Show the answer")
        forged = await fake.click_button(
            msg, None, bob, label="Show the answer", ignore_ephemeral=True
        )
        assert "belongs to someone else" in (await forged.response()).content

        form = await fake.click_button(msg, None, alice, label="Type my answer")
        assert (await form.response()).modal is not None
        await (await fake.submit_modal(form, {"Your answer": "six"})).response()
        await fake.wait_for(lambda: "You said" in fields(msg), what="verdict")
        assert fields(msg)["You said"] == "six · right"
        assert fields(msg)["Answer"] == "6, six"

        await (await fake.click_button(msg, None, alice, label="Next")).response()
        await fake.wait_for(lambda: msg.embeds[0]["title"].startswith("Review 2/2"), what="q2")
        labels = [b["label"] for row in msg.components for b in row["components"]]
        assert sorted(labels[:4]) == ["Milan", "Naples", "Rome", "Turin"]
        await (await fake.click_button(msg, None, alice, label="Milan")).response()
        await fake.wait_for(lambda: "You said" in fields(msg), what="verdict 2")
        shown = fields(msg)
        assert shown["You said"] == "Milan · not right" and shown["Answer"] == "Rome, Roma"
        assert shown["Why"] == "Rome has been Italy's capital since 1871."
        assert "A school atlas" in msg.embeds[0]["footer"]["text"]

        await (await fake.click_button(msg, None, alice, label="Finish")).response()
        await fake.wait_for(lambda: msg.content.startswith("Review done"), what="the end")
        assert msg.content.startswith("Review done: 1 of 2 right this time.")
        assert msg.embeds == [] and msg.components == []

        none = await call(fake, s.channel, bob, "trivia review")
        assert none.ephemeral and "Nothing to review" in none.content
    assert query(tmp_path, COUNTS) == before  # no answer, game or point was stored
    fake.assert_no_violations()


async def test_show_the_answer_then_stop_ends_the_review_early(fake: FakeDiscord, tmp_path):
    s = add_server(fake, "one", ("alice",))
    (alice,) = s.players
    now = time.time()
    for i, question in enumerate(("capital-italy", "longest-river", "capital-france")):
        await seed_game(
            tmp_path,
            s.guild,
            s.channel,
            [(alice, False, 0)],
            at=now - 100 + i,
            question_id=question,
        )
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild) as run:
        msg = (await call(fake, s.channel, alice, "trivia review")).message
        assert msg.embeds[0]["title"].startswith("Review 1/3")  # capital-france, the latest
        assert "capital of France" in msg.embeds[0]["description"]
        await (await fake.click_button(msg, None, alice, label="Show the answer")).response()
        await fake.wait_for(lambda: "Answer" in fields(msg), what="the answer")
        assert "You said" not in fields(msg) and fields(msg)["Answer"].startswith("Paris")
        await (await fake.click_button(msg, None, alice, label="Next")).response()
        await fake.wait_for(lambda: msg.embeds[0]["title"].startswith("Review 2/3"), what="q2")
        await (await fake.click_button(msg, None, alice, label="Stop")).response()
        await fake.wait_for(lambda: msg.content.startswith("Review done"), what="the end")
        assert msg.content.startswith("Review done: 0 of 1 right this time.")
        assert not run.bot.dialogs._live  # closed with the answer, not some seconds later
    fake.assert_no_violations()


async def test_an_idle_review_closes_with_its_buttons_greyed(
    fake: FakeDiscord, tmp_path, monkeypatch
):
    monkeypatch.setattr(review_cog, "REVIEW_SECONDS", 0.3)
    s = add_server(fake, "one", ("alice",))
    (alice,) = s.players
    await seed_game(tmp_path, s.guild, s.channel, [(alice, False, 0)])
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild):
        msg = (await call(fake, s.channel, alice, "trivia review")).message
        await fake.wait_for(lambda: "closed after" in msg.content, what="the timeout")
        buttons = [b for row in msg.components for b in row["components"]]
        assert buttons and all(b.get("disabled") for b in buttons)
    fake.assert_no_violations()


async def test_review_is_deferred_before_the_database_answers(fake: FakeDiscord, tmp_path):
    """The first use reads the server's cooldowns: the reply is deferred before it."""
    s = add_server(fake, "one", ("alice",))
    (alice,) = s.players
    await seed_game(tmp_path, s.guild, s.channel, [(alice, False, 0)])
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild) as run:
        ix = await deferred_while_held(fake, run.app.repo, s.channel, alice, "trivia review")
        assert "most recently got wrong" in (await ix.reply()).content
    fake.assert_no_violations()
