"""Reporting a bad question from its reveal, and /trivia-admin reports, on the loopback Discord."""

from __future__ import annotations

import json
from pathlib import Path

from bot.engine.models import Mode, Player
from bot.engine.rules import RoundSettings
from tests.discord_front.conftest import (
    Server,
    add_server,
    call,
    database_held,
    query,
    running_bot,
    settings_for,
)
from tests.discord_front.test_admin import ANSWERS, DISTRACTORS, QUESTION, add_question
from tests.fakediscord import FakeDiscord, FakeMessage, FakeUser

REASON = "What is wrong with it?"
NOTE = "Anything to add? (optional)"


async def play_one(fake: FakeDiscord, s: Server, player: FakeUser, bank: str) -> FakeMessage:
    """A one-question round, answered and stopped: the message left is the reveal."""
    await call(fake, s.channel, player, "trivia start", {"bank": bank, "questions": 1})
    asked = await fake.wait_for_message(s.channel, lambda m: bool(m.embeds) and m.buttons())
    click = await fake.click_button(asked, None, player, label=asked.buttons()[0]["label"])
    await click.response()
    await call(fake, s.channel, player, "trivia stop")
    await fake.wait_for(lambda: "answer" in asked.embeds[0]["title"], what="reveal")
    await fake.wait_for_message(s.channel, lambda m: "Final standings" in m.text)
    return asked


async def report(
    fake: FakeDiscord, reveal: FakeMessage, user: FakeUser, reason: str, note: str | None = None
) -> str:
    """Press Report on the reveal, fill in the form, and return the bot's private answer."""
    ix = await fake.click_button(reveal, None, user, label="Report")
    opened = await ix.response()
    if opened.modal is None:
        return opened.content
    assert opened.modal["title"] == "Report this question"
    values: dict[str, str | list[str]] = {REASON: [reason]}
    if note is not None:
        values[NOTE] = note
    done = await (await fake.submit_modal(ix, values)).reply()
    assert done.ephemeral
    return done.content


def audit(tmp_path: Path, guild_id: int) -> list[tuple[int, str, str]]:
    return query(
        tmp_path,
        "SELECT actor_id, action, detail FROM audit_log WHERE guild_id = ? ORDER BY id",
        (guild_id,),
    )


async def test_report_from_the_reveal_then_review_and_disable(fake, tmp_path):
    """Players report once each; admins see counts and notes and take the question out."""
    s = add_server(fake, "one", ("alice", "bob", "carol"))
    alice, bob, carol = s.players
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), s.guild) as r:
        reveal = await play_one(fake, s, alice, "geo")
        text = reveal.embeds[0]["description"]
        key = reveal.buttons()[-1]["custom_id"].removeprefix("trivia:rep:")
        bank_id, question_id = key.split("/")
        assert [b["label"] for b in reveal.buttons()] == ["Report"]

        said = await report(
            fake, reveal, alice, "wrong-answer", "The answer key @everyone is wrong"
        )
        assert said == "Thanks: your report (Wrong answer) is with this server's admins."
        again = await report(fake, reveal, alice, "typo")
        assert "already reported this question" in again
        assert "Thanks" in await report(fake, reveal, bob, "typo")
        stored = query(
            tmp_path,
            "SELECT reporter_id, reason, note, question_text FROM question_reports ORDER BY id",
        )
        assert stored == [
            (alice.id, "wrong-answer", "The answer key @everyone is wrong", text),
            (bob.id, "typo", "", text),
        ]

        refused = await call(fake, s.channel, carol, "trivia-admin reports", bypass=True)
        assert refused.ephemeral and "Manage Server" in refused.content
        opened = await call(fake, s.channel, s.admin, "trivia-admin reports")
        assert opened.ephemeral
        embed = opened.embeds[0]
        assert embed["title"] == f"Reports 1/1 · {key}"
        assert embed["description"] == text
        fields = {f["name"]: f["value"] for f in embed["fields"]}
        assert fields["Reports"] == "2 · Wrong answer: 1 · Typo: 1"
        assert "Wrong answer: The answer key @\u200beveryone is wrong" in fields["Notes"]
        assert fields["Status"] == "Drawn in this server's rounds."
        labels = {b["label"]: b for b in opened.message.buttons()}
        assert labels["Edit question"].get("disabled")  # a shipped question: not ours to edit
        assert labels["Previous"].get("disabled") and labels["Next"].get("disabled")

        with database_held(r.app.repo) as release:  # the page's reads wait: answered first
            pressed = await fake.click_button(opened.message, None, s.admin, label="Disable here")
            assert (await pressed.response(timeout=2.5)).type == 6
            release.set()
        page = opened.message
        await fake.wait_for(lambda: "Enable here" in {b["label"] for b in page.buttons()})
        fields = {f["name"]: f["value"] for f in page.embeds[0]["fields"]}
        assert fields["Status"] == "Disabled: never drawn in this server."
        assert query(tmp_path, "SELECT bank_id, question_id FROM disabled_questions") == [
            (bank_id, question_id)
        ]
        # every round drawn here now leaves it out; another server still plays it
        for _ in range(20):
            session = await r.app.service.start(
                guild_id=s.guild.id,
                channel_id=10_000 + _,
                starter=Player(alice.id, "alice"),
                bank_ids=[bank_id],
                settings=RoundSettings(questions=50, seconds=5, mode=Mode.BUTTONS),
            )
            assert key not in {q.key for q in session.round.questions}
            await session.end()
            r.app.service.forget(session)
        catalog = r.app.service.catalog
        banks = await catalog.resolve(s.guild.id, [bank_id])
        assert key not in {
            q.key for q in (await catalog.without_disabled(s.guild.id, banks))[0].questions
        }
        elsewhere = await catalog.without_disabled(s.guild.id + 1, banks)
        assert key in {q.key for q in elsewhere[0].questions}

        enabled = await fake.click_button(opened.message, None, s.admin, label="Enable here")
        await enabled.response()
        await fake.wait_for(lambda: "Disable here" in {b["label"] for b in page.buttons()})
        assert query(tmp_path, "SELECT COUNT(*) FROM disabled_questions") == [(0,)]

        await call(fake, s.channel, s.admin, "trivia-admin forget", {"member": alice})
        assert query(tmp_path, "SELECT reporter_id FROM question_reports") == [(bob.id,)]
    assert [a[1] for a in audit(tmp_path, s.guild.id)] == [
        "report-question",
        "report-question",
        "disable-question",
        "enable-question",
        "forget-member",
    ]
    assert audit(tmp_path, s.guild.id)[0] == (alice.id, "report-question", f"{key}: wrong-answer")
    fake.assert_no_violations()
    assert max(fake.latencies()) < 3.0


async def test_admins_edit_their_own_reported_question(fake, tmp_path):
    """A server's own question is fixed from its reports, in a form filled with what it says."""
    s = add_server(fake, "two", ("alice",))
    alice = s.players[0]
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), s.guild) as r:
        await add_question(
            fake,
            s,
            {QUESTION: "Which planet is red?", ANSWERS: "Venus", DISTRACTORS: "Mars\nEarth"},
        )
        reveal = await play_one(fake, s, alice, "custom")
        assert "Thanks" in await report(fake, reveal, alice, "wrong-answer", "It is Mars")
        none_yet = await call(fake, s.other_channel, s.admin, "trivia-admin reports")
        listed = none_yet.message
        with database_held(r.app.repo):  # the form is the first response: it needs no read
            edit = await fake.click_button(listed, None, s.admin, label="Edit question")
            form = await edit.response(timeout=2.5)
        assert form.modal is not None and form.modal["title"] == "Edit this server's question"
        prefilled = {
            c["label"]: c.get("value")
            for row in form.modal["components"]
            for c in row.get("components", [])
        }
        assert prefilled[QUESTION] == "Which planet is red?"
        assert prefilled["Accepted answers, one per line"] == "Venus"
        bad = await (await fake.submit_modal(edit, {ANSWERS: " "})).reply()
        assert bad.ephemeral and "can't be saved" in bad.content
        edit = await fake.click_button(listed, None, s.admin, label="Edit question")
        await edit.response()
        saved = await (
            await fake.submit_modal(
                edit, {ANSWERS: "Mars", "Wrong choices, one per line": "Venus\nEarth"}
            )
        ).reply()
        assert saved.ephemeral and saved.content.startswith("Saved `custom/")
        data = json.loads(query(tmp_path, "SELECT data FROM custom_questions")[0][0])
        assert (data["question"], data["answers"], data["distractors"]) == (
            "Which planet is red?",
            ["Mars"],
            ["Venus", "Earth"],
        )
    assert [a[1] for a in audit(tmp_path, s.guild.id)] == [
        "add-question",
        "report-question",
        "edit-question",
    ]
    fake.assert_no_violations()


async def test_report_form_opens_and_is_answered_with_the_database_stalled(fake, tmp_path):
    """The form must be the first response: its check waits a bounded time, its submit defers."""
    s = add_server(fake, "three", ("alice",))
    alice = s.players[0]
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), s.guild) as r:
        reveal = await play_one(fake, s, alice, "geo")
        with database_held(r.app.repo) as release:
            ix = await fake.click_button(reveal, None, alice, label="Report")
            opened = await ix.response(timeout=2.9)
            assert opened.modal is not None and opened.modal["title"] == "Report this question"
            submitted = await fake.submit_modal(ix, {REASON: ["typo"]})
            first = await submitted.response(timeout=2.5)
            assert first.type == 5 and first.ephemeral
            release.set()
            assert (await submitted.reply()).content.startswith("Thanks: your report (Typo)")
        # opened unchecked again, a second report is still refused when it is sent
        with database_held(r.app.repo) as release:
            ix = await fake.click_button(reveal, None, alice, label="Report")
            assert (await ix.response(timeout=2.9)).modal is not None
            submitted = await fake.submit_modal(ix, {REASON: ["typo"]})
            await submitted.response(timeout=2.5)
            release.set()
            assert "already reported this question" in (await submitted.reply()).content
        assert "already reported this question" in await report(fake, reveal, alice, "typo")
    assert query(tmp_path, "SELECT reporter_id, reason FROM question_reports") == [
        (alice.id, "typo")
    ]
    fake.assert_no_violations()
    assert max(fake.latencies()) < 3.0


async def test_report_on_a_servers_own_question_waits_for_the_database_in_words(fake, tmp_path):
    """Its text is in the database only: a stalled read gets a private line, not a dead click."""
    s = add_server(fake, "four", ("alice",))
    alice = s.players[0]
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), s.guild) as r:
        await add_question(
            fake, s, {QUESTION: "Which planet is red?", ANSWERS: "Mars", DISTRACTORS: "Venus"}
        )
        reveal = await play_one(fake, s, alice, "custom")
        # another question added: the server's banks are read from the database again
        await add_question(
            fake, s, {QUESTION: "Which planet has rings?", ANSWERS: "Saturn", DISTRACTORS: "Mars"}
        )
        with database_held(r.app.repo) as release:
            ix = await fake.click_button(reveal, None, alice, label="Report")
            said = await ix.response(timeout=2.9)
            assert said.modal is None and said.ephemeral
            assert "press Report again" in said.content
            release.set()
        assert "Thanks" in await report(fake, reveal, alice, "wrong-answer")
    fake.assert_no_violations()
    assert max(fake.latencies()) < 3.0
