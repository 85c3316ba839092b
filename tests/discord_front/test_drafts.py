"""/trivia-admin draft through the loopback Discord: an article in, reviewed questions out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.banks.draft.article import MAX_ARTICLE_BYTES
from bot.discord_front.cogs import drafts
from tests.discord_front.conftest import (
    add_server,
    call,
    database_held,
    deferred_while_held,
    press,
    query,
    running_bot,
    settings_for,
)
from tests.fakediscord import FakeDiscord, FakeMessage

REPO = Path(__file__).resolve().parents[2]
_PLACES = (REPO.parent / "shared" / "seeds", REPO.parents[1] / "shared" / "seeds")
SEEDS = next((p for p in _PLACES if p.is_dir()), None)
ARTICLE = (SEEDS / "000_da8f824f162c5f84.txt").read_bytes() if SEEDS else b""
pytestmark = pytest.mark.skipif(SEEDS is None, reason="../shared/seeds is not beside the repo")
QUESTION = "Question"
ANSWERS = "Accepted answers, one per line"


async def draft_reply(
    fake: FakeDiscord, s, filename: str, data: bytes, **options: object
) -> FakeMessage:
    """Upload an article to /trivia-admin draft and return the filled-in first answer."""
    ix = await fake.invoke_slash(
        s.channel, s.admin, "trivia-admin draft", {"file": fake.upload(filename, data), **options}
    )
    assert (await ix.response()).ephemeral  # deferred within the 3 s, privately
    message = ix.original
    assert message is not None
    await fake.wait_for(lambda: not message.loading, timeout=60, what="drafts")
    return message


def stored(tmp_path: Path, guild_id: int) -> dict[str, dict[str, object]]:
    rows = query(
        tmp_path,
        "SELECT bank_id || '/' || question_id, data FROM custom_questions WHERE guild_id = ?",
        [guild_id],
    )
    return {key: json.loads(data) for key, data in rows}


def prefilled(modal: dict[str, object]) -> dict[str, str]:
    """A modal's inputs by label, with the values the bot filled in."""
    out: dict[str, str] = {}
    for top in modal["components"]:  # type: ignore[union-attr]
        if top["type"] == 18:
            out[top["label"]] = top["component"].get("value", "")
        else:
            for comp in top["components"]:
                out[comp["label"]] = comp.get("value", "")
    return out


def shown(message: FakeMessage) -> str:
    return message.embeds[0]["title"] if message.embeds else ""


async def test_review_keeps_two_edits_one_skips_one_then_plays_them(fake, tmp_path):
    """Keep, Keep, Edit (a refused edit first), Skip, Done: three questions, playable."""
    s = add_server(fake, "one", ("alice",))
    other_admin = fake.add_user("other-admin")
    fake.add_member(
        s.guild, other_admin, roles=[r for r in s.guild.roles.values() if r.name == "admins"]
    )
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), s.guild) as run:
        review = await draft_reply(fake, s, "stunts.txt", ARTICLE, bank="stunts")
        assert review.ephemeral and "drafts** from stunts.txt" in review.content
        bank = yaml.safe_load(review.file("stunts.yaml"))
        drafted = bank["questions"]
        assert len(drafted) >= 15 and {q["status"] for q in drafted} == {"draft"}
        assert bank["id"] == "stunts" and bank["sources"][0]["id"] == "stunts"
        assert f"**{len(drafted)} drafts**" in review.content
        assert shown(review).startswith(f"Draft 1 of {len(drafted)}")
        fields = {f["name"]: f["value"] for f in review.embeds[0]["fields"]}
        assert fields["Answer"] == ", ".join(drafted[0]["answers"])
        assert drafted[0]["evidence"] in fields["Evidence"]
        assert [b["label"] for b in review.buttons()] == ["Keep", "Edit", "Skip", "Done"]

        forged = await fake.click_button(
            review, None, other_admin, label="Keep", ignore_ephemeral=True
        )
        refused = await forged.response()
        assert refused.ephemeral and "Only the admin who started this review" in refused.content
        assert shown(review).startswith("Draft 1 of")

        for n in (2, 3):
            await (await fake.click_button(review, None, s.admin, label="Keep")).response()
            assert shown(review).startswith(f"Draft {n} of")

        third = drafted[2]
        opened = await fake.click_button(review, None, s.admin, label="Edit")
        modal = (await opened.response()).modal
        assert modal is not None and modal["title"] == f"Edit draft 3 of {len(drafted)}"
        values = prefilled(modal)
        assert values[QUESTION] == third["question"]
        assert values[ANSWERS] == "\n".join(third["answers"])
        assert values["Wrong choices, one per line"] == "\n".join(third["distractors"])
        # an answer the evidence does not name is refused, as the drafter would refuse it
        bad = await fake.submit_modal(opened, {ANSWERS: "Nobody at all"})
        answer = await bad.response()
        assert answer.ephemeral and "evidence contains none of the accepted answers" in answer.text
        assert shown(review).startswith("Draft 3 of")
        again = await fake.click_button(review, None, s.admin, label="Edit")
        modal = (await again.response()).modal
        assert prefilled(modal)[ANSWERS] == "Nobody at all"  # what was typed is not lost
        reworded = "In our own words: " + third["question"]
        saved = await fake.submit_modal(
            again, {QUESTION: reworded, ANSWERS: "\n".join(third["answers"])}
        )
        await saved.response()
        assert shown(review).startswith("Draft 4 of")
        assert "Kept 3 (1 edited)" in review.embeds[0]["footer"]["text"]

        await (await fake.click_button(review, None, s.admin, label="Skip")).response()
        assert shown(review).startswith("Draft 5 of")
        assert stored(tmp_path, s.guild.id) == {}  # nothing is written before Done
        await press(fake, review, s.admin, "Done")
        assert review.content.startswith("Added 3 drafts (1 edited) to this server's bank")
        assert "skipped 1" in review.content and review.buttons() == []
        # every form's and the finished review's token is closed, not kept for good
        await fake.wait_for(lambda: not run.bot.dialogs._live, what="the tokens closed")
        assert review.file("stunts.yaml")  # the draft file stays for offline editing

        rows = stored(tmp_path, s.guild.id)
        assert sorted(rows) == sorted(f"stunts/{q['id']}" for q in drafted[:3])
        assert rows[f"stunts/{third['id']}"]["question"] == reworded
        for q in drafted[:2]:
            assert rows[f"stunts/{q['id']}"]["question"] == q["question"]
            assert rows[f"stunts/{q['id']}"]["evidence"] == q["evidence"]
        actions = query(
            tmp_path, "SELECT action, detail FROM audit_log WHERE guild_id = ?", [s.guild.id]
        )
        assert actions == [("draft-review", "3 question(s) into stunts")]

        # offline: two drafts marked keep, the file brought back with the import command
        for q in bank["questions"][5:7]:
            q["status"] = "keep"
        edited = yaml.safe_dump(bank, allow_unicode=True, sort_keys=False).encode()
        ix = await fake.invoke_slash(
            s.channel,
            s.admin,
            "trivia-admin import",
            {"file": fake.upload("stunts.yaml", edited), "bank": "stunts-file"},
        )
        await ix.response()
        dry = ix.original
        await fake.wait_for(lambda: not dry.loading, what="dry run")
        assert f"2 valid, {len(drafted) - 2} problems" in dry.content, dry.content
        assert "still under review" in dry.content
        await press(fake, dry, s.admin, "Confirm import")
        assert dry.content == "Imported 2 questions into `stunts-file`."

        started = await call(fake, s.channel, s.players[0], "trivia start", {"bank": "stunts"})
        assert "3 questions from stunts" in started.content
        asked = await fake.wait_for_message(s.channel, lambda m: bool(m.embeds))
        texts = {rows[k]["question"] for k in rows}
        assert asked.embeds[0]["description"].replace("\\", "") in texts  # markdown escaped
        await call(fake, s.channel, s.players[0], "trivia stop")
        await fake.wait_for_message(s.channel, lambda m: "Final standings" in m.text)
    fake.assert_no_violations()


BAD_INPUTS = [
    ("big.txt", b"word " * (MAX_ARTICLE_BYTES // 5 + 1), {}, "an article file is at most"),
    ("photo.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", {}, "a binary file"),
    ("empty.txt", b"  \n\n", {}, "the file is empty"),
    ("link.txt", b"https://example.com/news/mission-impossible\n", {}, "only a URL"),
    ("latin1.txt", "Caf\xe9 au lait.".encode("latin-1"), {}, "not UTF-8"),
    ("dull.txt", b"it was fine. we went home after that.\n", {}, "no sentence worth asking"),
    ("a.txt", ARTICLE, {"published": "yesterday!"}, "not a date like 2024-03-01"),
    ("a.txt", ARTICLE, {"bank": "Bad Name"}, "must be lowercase letters"),
]


async def test_bad_input_gets_one_line_and_stores_nothing(fake, tmp_path):
    s = add_server(fake, "one", ())
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), s.guild):
        for filename, data, options, expected in BAD_INPUTS:
            upload = fake.upload(filename, data)
            ix = await fake.invoke_slash(
                s.channel, s.admin, "trivia-admin draft", {"file": upload, **options}
            )
            assert (await ix.response()).ephemeral
            message = ix.original
            await fake.wait_for(lambda m=message: not m.loading, timeout=60, what="refusal")
            assert expected in message.content, (filename, message.content)
            assert "\n" not in message.content, message.content
            assert message.buttons() == [] and message.attachments == []
            if filename == "big.txt":  # refused by its size, before any download
                assert f"{upload.id}/big.txt" not in fake.cdn_downloads
    assert stored(tmp_path, s.guild.id) == {}
    fake.assert_no_violations()


async def test_non_admins_are_refused(fake, tmp_path):
    s = add_server(fake, "one", ("bob",))
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), s.guild):
        options = {"file": fake.upload("a.txt", ARTICLE)}
        with pytest.raises(PermissionError, match="hides /trivia-admin"):
            await fake.invoke_slash(s.channel, s.players[0], "trivia-admin draft", options)
        refused = await call(
            fake, s.channel, s.players[0], "trivia-admin draft", options, bypass=True
        )
        assert refused.ephemeral and "Manage Server" in refused.content
        assert refused.components == [] and fake.cdn_downloads == []
    fake.assert_no_violations()


async def test_an_idle_review_times_out_cleanly(fake, tmp_path, monkeypatch):
    """Buttons go grey, nothing is saved; a form sent after the end, or a click after a
    restart, is answered."""
    monkeypatch.setattr(drafts, "REVIEW_SECONDS", 1.5)
    s = add_server(fake, "one", ())
    settings = settings_for(tmp_path, fake.token, typed=False)
    async with running_bot(fake, settings, s.guild):
        review = await draft_reply(fake, s, "a.txt", ARTICLE)
        await (await fake.click_button(review, None, s.admin, label="Keep")).response()
        opened = await fake.click_button(review, None, s.admin, label="Edit")
        await opened.response()
        await fake.wait_for(lambda: "timed out" in review.content, timeout=10, what="timeout")
        assert "nothing was saved" in review.content
        assert review.buttons() and all(b.get("disabled") for b in review.buttons())
        late = await fake.submit_modal(opened, {QUESTION: "Too late?"})
        answer = await late.response()
        assert answer.ephemeral and "no longer under review" in answer.content
        monkeypatch.setattr(drafts, "REVIEW_SECONDS", 600)
        before_restart = await draft_reply(fake, s, "a.txt", ARTICLE)
    async with running_bot(fake, settings, s.guild):
        stale = await fake.click_button(before_restart, None, s.admin, label="Keep")
        assert "This dialog has expired" in (await stale.response()).content
    assert stored(tmp_path, s.guild.id) == {}
    fake.assert_no_violations()


async def test_the_end_of_the_drafts_leaves_only_done(fake, tmp_path):
    """Past the last draft only Done is live; Done with nothing kept saves nothing.

    By a manager-role admin, whose admin check reads the database: the command and a Skip
    are answered while the database is stalled, and the review moves on once it is back.
    """
    s = add_server(fake, "one", ("alice",))
    (alice,) = s.players
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), s.guild) as run:
        role = {"manager_role": s.manager_role}
        await call(fake, s.channel, s.admin, "trivia-admin settings", role)
        s.guild.members[alice.id].roles.append(s.manager_role.id)
        upload = {"file": fake.upload("a.txt", ARTICLE), "bank": "ends"}
        ix = await deferred_while_held(
            fake, run.app.repo, s.channel, alice, "trivia-admin draft", upload, bypass=True
        )
        review = ix.original
        await fake.wait_for(lambda: not review.loading, timeout=60, what="drafts")
        total = len(yaml.safe_load(review.file("ends.yaml"))["questions"])
        for n in range(total):
            with database_held(run.app.repo) as release:
                skip = await fake.click_button(review, None, alice, label="Skip")
                assert (await skip.response(timeout=2.5)).type == 6
                release.set()
            after = f"Draft {n + 2} of" if n + 1 < total else "All "
            await fake.wait_for(lambda a=after: shown(review).startswith(a), what="the skip")
        assert shown(review) == f"All {total} drafts reviewed"
        live = {b["label"]: not b.get("disabled") for b in review.buttons()}
        assert live == {"Keep": False, "Edit": False, "Skip": False, "Done": True}
        await press(fake, review, alice, "Done")
        assert review.content == "Review ended: no drafts kept, nothing saved."
        assert review.buttons() == [] and review.embeds == []
        await fake.wait_for(lambda: not run.bot.dialogs._live, what="the token closed")
    assert stored(tmp_path, s.guild.id) == {}
    fake.assert_no_violations()
