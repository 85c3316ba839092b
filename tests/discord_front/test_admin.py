"""/trivia-admin through the loopback Discord: questions, imports, permissions, settings."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.discord_front.conftest import (
    MANAGE_GUILD,
    Server,
    add_server,
    call,
    database_held,
    deferred_while_held,
    press,
    query,
    running_bot,
    seed_game,
    settings_for,
)
from tests.fakediscord import (
    FakeDiscord,
    FakeInteraction,
    FakeMessage,
    FakeResponse,
    FakeRole,
    FakeUser,
)

QUESTION = "Question"
ANSWERS = "Accepted answers, one per line"
DISTRACTORS = "Wrong choices, one per line (3 for buttons)"
EXPLANATION = "Explanation shown after the reveal"
BANK = "Bank name"

# Our own small fixtures: three good rows and one whose distractor repeats the answer.
SCIENCE_CSV = (
    "question,answer,alternates,distractors,difficulty,category,explanation\n"
    "Which gas do green plants take in to make sugar?,Carbon dioxide,CO2,"
    "Oxygen|Nitrogen|Helium,easy,Science,Plants fix carbon from the air.\n"
    "How many legs does a spider have?,8,eight,6|10|12,easy,Nature,\n"
    "Which metal is liquid at room temperature?,Mercury,,Iron|Mercury|Copper,medium,Science,\n"
    "Which planet is closest to the Sun?,Mercury,,Venus|Mars|Earth,easy,Space,\n"
)
SCIENCE_IDS = [
    "which-gas-do-green-plants-take-in-to",
    "how-many-legs-does-a-spider-have",
    "which-planet-is-closest-to-the-sun",
]


def opentdb(*items: tuple[str, str, list[str]]) -> bytes:
    """An OpenTDB response in its default (HTML entity) encoding."""
    results = [
        {
            "type": "multiple",
            "difficulty": "easy",
            "category": "Science",
            "question": q,
            "correct_answer": a,
            "incorrect_answers": wrong,
        }
        for q, a, wrong in items
    ]
    return json.dumps({"response_code": 0, "results": results}).encode()


def role(s: Server, name: str) -> FakeRole:
    """A role of the server by name."""
    return next(r for r in s.guild.roles.values() if r.name == name)


def custom_rows(tmp_path: Path, guild_id: int, bank: str | None = None) -> list[str]:
    """Stored question ids of one server (and bank), as the DB file has them."""
    sql = "SELECT bank_id || '/' || question_id FROM custom_questions WHERE guild_id = ?"
    params: list[object] = [guild_id]
    if bank is not None:
        sql += " AND bank_id = ?"
        params.append(bank)
    return sorted(r[0] for r in query(tmp_path, sql, params))


def audit_actions(tmp_path: Path, guild_id: int) -> list[str]:
    """The audit trail of one server, oldest first."""
    rows = query(
        tmp_path, "SELECT action FROM audit_log WHERE guild_id = ? ORDER BY id", [guild_id]
    )
    return [r[0] for r in rows]


async def open_add(fake: FakeDiscord, s: Server, user=None) -> FakeInteraction:
    """Run /trivia-admin add and check that it answered with the add-question modal."""
    ix = await fake.invoke_slash(s.channel, user or s.admin, "trivia-admin add")
    opened = await ix.response()
    assert opened.modal is not None and opened.modal["title"] == "Add a trivia question"
    return ix


async def add_question(
    fake: FakeDiscord, s: Server, values: dict[str, str], user=None
) -> FakeResponse:
    """Open the modal and submit it with `values` keyed by input label."""
    ix = await open_add(fake, s, user)
    submitted = await fake.submit_modal(ix, values)
    return await submitted.reply()  # deferred before the admin check: then filled in


async def import_file(
    fake: FakeDiscord, s: Server, filename: str, data: bytes | str, bank: str | None = None
) -> FakeMessage:
    """Upload a file to /trivia-admin import and return the filled-in dry-run message."""
    options: dict[str, object] = {"file": fake.upload(filename, data)}
    if bank is not None:
        options["bank"] = bank
    ix = await fake.invoke_slash(s.channel, s.admin, "trivia-admin import", options)
    first = await ix.response()
    assert first.ephemeral
    message = ix.original
    assert message is not None
    await fake.wait_for(lambda: not message.loading, what="dry-run summary")
    return message


async def test_add_through_the_modal_then_play_it(fake, tmp_path):
    """The modal stores a valid question, refuses bad ones, and the question is playable."""
    s = add_server(fake, "one", ("alice", "bob"))
    alice = s.players[0]
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), s.guild):
        added = await add_question(
            fake,
            s,
            {
                QUESTION: "Which planet is called the Red Planet?",
                ANSWERS: "Mars\n  The Red Planet  \n",
                DISTRACTORS: "Venus\nJupiter\n\nSaturn",
                EXPLANATION: "Iron oxide dust makes it look red.",
            },
        )
        assert added.ephemeral
        found = re.search(r"Added `custom/([a-z0-9-]+)`", added.content)
        assert found, added.content
        qid = found[1]
        assert custom_rows(tmp_path, s.guild.id) == [f"custom/{qid}"]
        data = json.loads(query(tmp_path, "SELECT data FROM custom_questions")[0][0])
        assert data["answers"] == ["Mars", "The Red Planet"]
        assert data["distractors"] == ["Venus", "Jupiter", "Saturn"]

        no_answers = await add_question(
            fake, s, {QUESTION: "Which moon is biggest?", ANSWERS: "  \n \n", DISTRACTORS: "Io"}
        )
        assert no_answers.ephemeral and "no accepted answer" in no_answers.content
        same = await add_question(
            fake, s, {QUESTION: "Which is red?", ANSWERS: "Mars", DISTRACTORS: "Venus\nmars"}
        )
        assert same.ephemeral and "distractor 'mars' is also an accepted answer" in same.content
        assert custom_rows(tmp_path, s.guild.id) == [f"custom/{qid}"]
        assert audit_actions(tmp_path, s.guild.id) == ["add-question"]

        started = await call(fake, s.channel, alice, "trivia start", {"bank": "custom"})
        assert "1 questions from custom" in started.content
        asked = await fake.wait_for_message(s.channel, lambda m: bool(m.embeds))
        assert asked.embeds[0]["description"] == "Which planet is called the Red Planet?"
        assert {b["label"] for b in asked.buttons()} == {
            "Mars",
            "Venus",
            "Jupiter",
            "Saturn",
            "Skip",
        }
        click = await fake.click_button(asked, None, alice, label="Mars")
        assert (await click.response()).content == "Locked in: Mars"
        stopped = await call(fake, s.channel, alice, "trivia stop")
        assert "Stopping" in stopped.content
        await fake.wait_for(lambda: "answer" in asked.embeds[0]["title"], what="reveal")
        fields = {f["name"]: f["value"] for f in asked.embeds[0]["fields"]}
        assert fields["Answer"] == "Mars" and fields["Right"].startswith("alice (+")
        assert fields["Why"] == "Iron oxide dust makes it look red."
        await fake.wait_for_message(s.channel, lambda m: "Final standings" in m.text)
    assert query(tmp_path, "SELECT bank_id, question_id, correct FROM answers") == [
        ("custom", qid, 1)
    ]
    fake.assert_no_violations()


async def test_import_dry_run_then_confirm_clash_and_cancel(fake, tmp_path):
    """Imports show a dry run, store all valid entries or none, and only for their admin."""
    s = add_server(fake, "one", ("alice",))
    second_admin = fake.add_user("second-admin")
    fake.add_member(s.guild, second_admin, roles=[role(s, "admins")])
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), s.guild) as run:
        summary = await import_file(fake, s, "science.csv", SCIENCE_CSV)
        assert summary.ephemeral
        text = summary.content
        assert "**Dry run** of science.csv into `science`: 3 valid, 1 problems." in text
        assert "entry 3 (line 4): distractor 'Mercury' is also an accepted answer" in text
        assert {b["label"] for b in summary.buttons()} == {"Confirm import", "Cancel"}
        assert custom_rows(tmp_path, s.guild.id) == []

        with pytest.raises(PermissionError):  # Discord shows the summary to its admin only
            await fake.click_button(summary, None, second_admin, label="Confirm import")
        forged = await fake.click_button(
            summary, None, second_admin, label="Confirm import", ignore_ephemeral=True
        )
        refused = await forged.response()
        assert refused.ephemeral and "Only the admin who started this import" in refused.content
        assert custom_rows(tmp_path, s.guild.id) == [] and summary.buttons()

        await press(fake, summary, s.admin, "Confirm import")
        assert summary.content == "Imported 3 questions into `science`."
        assert summary.buttons() == []
        assert custom_rows(tmp_path, s.guild.id) == sorted(f"science/{q}" for q in SCIENCE_IDS)
        listed = await call(fake, s.channel, s.admin, "trivia-admin questions", {"bank": "science"})
        assert listed.ephemeral
        shown = re.findall(r"`(science/[a-z0-9-]+)`", listed.embeds[0]["description"])
        assert sorted(shown) == sorted(f"science/{q}" for q in SCIENCE_IDS)

        clash = await import_file(
            fake,
            s,
            "more.json",
            opentdb(
                ("Which planet is largest?", "Jupiter", ["Mars", "Venus", "Earth"]),
                ("How many legs does a spider have?", "8", ["4", "6", "10"]),
            ),
            bank="science",
        )
        # the dry run refuses what Confirm would refuse, instead of offering a Confirm
        assert clash.content.startswith("Can't import more.json: Bank 'science' already has")
        assert "how-many-legs-does-a-spider-have" in clash.content
        assert "Nothing was imported." in clash.content and clash.buttons() == []
        assert len(custom_rows(tmp_path, s.guild.id)) == 3

        cancelled = await import_file(
            fake, s, "space.json", opentdb(("Which planet has rings?", "Saturn", ["Mars"]))
        )
        assert "into `space`: 1 valid" in cancelled.content
        cancel = await fake.click_button(cancelled, None, s.admin, label="Cancel")
        await cancel.response()
        assert cancelled.content == "Import cancelled; nothing changed."
        assert cancelled.buttons() == []
        # confirmed and cancelled dialogs' tokens are closed (they stayed for good)
        await fake.wait_for(lambda: not run.bot.dialogs._live, what="the tokens closed")

        nothing = await import_file(fake, s, "bad.csv", "question,answer\nNo answer here?,\n")
        assert "0 valid, 1 problems." in nothing.content and "Nothing valid" in nothing.content
        assert nothing.buttons() == []
    assert len(custom_rows(tmp_path, s.guild.id)) == 3
    assert audit_actions(tmp_path, s.guild.id) == ["import"]
    assert fake.cdn_downloads  # the bot really fetched the uploads from the CDN
    fake.assert_no_violations()


def snapshot(tmp_path: Path, guild_id: int) -> dict[str, list[tuple[object, ...]]]:
    """Everything the bot stores about one server, to prove an action changed nothing."""
    tables = {
        "custom_questions": "SELECT bank_id, question_id, data FROM custom_questions",
        "guild_settings": "SELECT questions, seconds, mode, manager_role_id FROM guild_settings",
        "audit_log": "SELECT actor_id, action, detail FROM audit_log",
        "answers": "SELECT game_id, number, player_id, correct, points FROM answers",
        "player_totals": "SELECT * FROM player_totals",
        "player_week_totals": "SELECT * FROM player_week_totals",
        "games": "SELECT id, status FROM games",
    }
    return {
        name: sorted(query(tmp_path, f"{sql} WHERE guild_id = ?", [guild_id]), key=repr)
        for name, sql in tables.items()
    }


def admin_calls(fake: FakeDiscord, s: Server) -> list[tuple[str, dict[str, object]]]:
    """Every /trivia-admin subcommand with options that would change something."""
    return [
        ("trivia-admin add", {}),
        ("trivia-admin import", {"file": fake.upload("q.csv", SCIENCE_CSV), "bank": "sneaky"}),
        ("trivia-admin export", {}),
        ("trivia-admin questions", {}),
        ("trivia-admin remove", {"question_id": "custom/which-is-the-largest-ocean"}),
        ("trivia-admin settings", {}),
        ("trivia-admin settings", {"questions": 3, "manager_role": s.manager_role}),
        ("trivia-admin reset-leaderboard", {}),
        ("trivia-admin forget", {"member": s.players[0]}),
    ]


async def test_non_admins_are_refused_even_when_discord_lets_them_through(fake, tmp_path):
    """Discord hides /trivia-admin; if a server overrides that, the bot still refuses."""
    s = add_server(fake, "one", ("alice", "bob"))
    alice, bob = s.players
    await seed_game(tmp_path, s.guild, s.channel, [(alice, True, 900), (bob, False, 0)])
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), s.guild):
        (registered,) = [c for c in fake.guild_commands[s.guild.id] if c["name"] == "trivia-admin"]
        assert registered["default_member_permissions"] == str(MANAGE_GUILD)
        await add_question(fake, s, {QUESTION: "Which is the largest ocean?", ANSWERS: "Pacific"})
        before = snapshot(tmp_path, s.guild.id)
        for name, options in admin_calls(fake, s):
            with pytest.raises(PermissionError, match="hides /trivia-admin"):
                await fake.invoke_slash(s.channel, bob, name, options)
            refused = await call(fake, s.channel, bob, name, options, bypass=True)
            # no modal, no dry run: a private refusal (deferred, if the command defers first)
            assert refused.type in (4, 5) and refused.ephemeral, name
            assert "Manage Server" in refused.content, name
            assert "manager role" in refused.content, name
            assert refused.components == [] and refused.message.attachments == [], name
        assert snapshot(tmp_path, s.guild.id) == before
        assert fake.cdn_downloads == []  # the upload was never even fetched
    fake.assert_no_violations()


async def test_manager_role_members_may_administer(fake, tmp_path):
    """A role set with settings manager_role: grants the admin commands, nothing else does."""
    s = add_server(fake, "one", ("alice", "bob"))
    alice, bob = s.players
    s.guild.members[alice.id].roles.append(s.manager_role.id)
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), s.guild):
        early = await call(fake, s.channel, alice, "trivia-admin settings", bypass=True)
        assert "Manage Server" in early.content  # not a manager until the role is set

        saved = await call(
            fake, s.channel, s.admin, "trivia-admin settings", {"manager_role": s.manager_role}
        )
        assert f"Manager role: <@&{s.manager_role.id}>" in saved.content
        assert saved.message.allowed_mentions == {"parse": []}

        shown = await call(fake, s.channel, alice, "trivia-admin settings", bypass=True)
        assert "Questions per round: 10" in shown.content
        added = await add_question_as(
            fake, s, alice, {QUESTION: "Which is the largest ocean?", ANSWERS: "Pacific"}
        )
        assert "Added `custom/which-is-the-largest-ocean`" in added.content
        listed = await call(fake, s.channel, alice, "trivia-admin questions", bypass=True)
        assert "custom/which-is-the-largest-ocean" in listed.embeds[0]["description"]

        refused = await call(fake, s.channel, bob, "trivia-admin questions", bypass=True)
        assert "Manage Server" in refused.content

        # the modal re-checks on submit: losing the role in between means no question
        ix = await fake.invoke_slash(s.channel, alice, "trivia-admin add", bypass_permissions=True)
        await ix.response()
        s.guild.members[alice.id].roles.remove(s.manager_role.id)
        late = await fake.submit_modal(
            ix, {QUESTION: "Which is the smallest ocean?", ANSWERS: "Arctic"}
        )
        assert "Manage Server" in (await late.reply()).content
    assert [a for _, a in query(tmp_path, "SELECT actor_id, action FROM audit_log")] == [
        "settings",
        "add-question",
    ]
    assert query(tmp_path, "SELECT created_by FROM custom_questions") == [(alice.id,)]
    fake.assert_no_violations()


async def add_question_as(
    fake: FakeDiscord, s: Server, user: FakeUser, values: dict[str, str]
) -> FakeResponse:
    """A manager-role member opens the modal through a permission override and submits it."""
    ix = await fake.invoke_slash(s.channel, user, "trivia-admin add", bypass_permissions=True)
    assert (await ix.response()).modal is not None
    return await (await fake.submit_modal(ix, values)).reply()


async def views(fake: FakeDiscord, s: Server, player: FakeUser, shared: FakeUser) -> list[str]:
    """What members of a server see of its questions, settings, banks and boards."""
    out: list[str] = []
    for user, name, options in (
        (s.admin, "trivia-admin questions", {}),
        (s.admin, "trivia-admin settings", {}),
        (s.admin, "trivia-admin export", {}),
        (player, "trivia banks", {}),
        (player, "trivia leaderboard", {}),
        (player, "trivia stats", {"member": shared}),
    ):
        reply = await call(fake, s.channel, user, name, options)
        files = reply.message.attachment_data.values() if reply.message else []
        out.append(f"{reply.text}\n{[f for f in files]}")
    return out


async def test_two_servers_never_touch_each_other(fake, tmp_path):
    """Every admin action in server A leaves server B's questions, settings and boards alone."""
    a = add_server(fake, "alpha", ("ann", "amy"))
    b = add_server(fake, "beta", ("ben",))
    sam = fake.add_user("sam")
    fake.add_member(a.guild, sam)
    fake.add_member(b.guild, sam)
    ann, _amy = a.players
    (ben,) = b.players
    await seed_game(tmp_path, a.guild, a.channel, [(ann, True, 900), (sam, True, 700)])
    await seed_game(tmp_path, b.guild, b.channel, [(ben, True, 800), (sam, True, 600)])
    ocean = {QUESTION: "Which is the largest ocean?", ANSWERS: "Pacific", DISTRACTORS: "Indian"}
    settings = settings_for(tmp_path, fake.token, typed=False)
    async with running_bot(fake, settings, a.guild, b.guild):
        assert (
            "Added `custom/which-is-the-largest-ocean`"
            in (await add_question(fake, b, ocean)).content
        )
        await call(
            fake,
            b.channel,
            b.admin,
            "trivia-admin settings",
            {"questions": 7, "seconds": 30, "manager_role": b.manager_role},
        )
        b_before, b_seen = snapshot(tmp_path, b.guild.id), await views(fake, b, ben, sam)
        audit_rows = len(query(tmp_path, "SELECT * FROM audit_log"))

        # the same question id in A is A's own; removing it there keeps B's
        assert (
            "Added `custom/which-is-the-largest-ocean`"
            in (await add_question(fake, a, ocean)).content
        )
        await add_question(
            fake, a, {QUESTION: "Which desert is the largest hot one?", ANSWERS: "Sahara"}
        )
        summary = await import_file(fake, a, "science.csv", SCIENCE_CSV)
        await press(fake, summary, a.admin, "Confirm import")
        exported = await call(fake, a.channel, a.admin, "trivia-admin export")
        assert exported.content == "5 questions in 2 files."
        assert sorted(f["filename"] for f in exported.message.attachments) == [
            "custom.yaml",
            "science.yaml",
        ]
        listed = await call(fake, a.channel, a.admin, "trivia-admin questions")
        assert "page 1/1" in listed.embeds[0]["title"]
        removed = await call(
            fake,
            a.channel,
            a.admin,
            "trivia-admin remove",
            {"question_id": "custom/which-is-the-largest-ocean"},
        )
        assert removed.content == "Removed `custom/which-is-the-largest-ocean`."
        await call(
            fake,
            a.channel,
            a.admin,
            "trivia-admin settings",
            {"questions": 3, "seconds": 5, "mode": "buttons", "manager_role": a.manager_role},
        )
        forgot = await call(fake, a.channel, a.admin, "trivia-admin forget", {"member": sam})
        assert forgot.content == "Deleted 1 answers and the totals of sam on this server."
        reset = await call(fake, a.channel, a.admin, "trivia-admin reset-leaderboard")
        await press(fake, reset.message, a.admin, "Reset the leaderboard")
        assert reset.message.content == "Leaderboard reset: 1 players cleared."

        assert snapshot(tmp_path, b.guild.id) == b_before
        assert await views(fake, b, ben, sam) == b_seen
        assert (
            "science" not in b_seen[3]
            and "science" in (await call(fake, a.channel, ann, "trivia banks")).text
        )
        unknown = await call(fake, b.channel, ben, "trivia start", {"bank": "science"})
        assert unknown.ephemeral and "started a round" not in unknown.content
    a_now = snapshot(tmp_path, a.guild.id)
    assert a_now["answers"] == a_now["player_totals"] == a_now["player_week_totals"] == []
    assert len(a_now["custom_questions"]) == 4
    assert audit_actions(tmp_path, a.guild.id) == [
        "add-question",
        "add-question",
        "import",
        "remove-question",
        "settings",
        "forget-member",
        "reset-leaderboard",
    ]
    assert len(query(tmp_path, "SELECT * FROM audit_log")) == audit_rows + 7
    assert query(tmp_path, "SELECT name FROM players WHERE id = ?", [sam.id]) == [("sam",)]
    fake.assert_no_violations()


async def test_export_yaml_reimports_to_the_same_questions(fake, tmp_path):
    """Export gives files that another server imports back to identical questions."""
    a = add_server(fake, "alpha", ("ann",))
    b = add_server(fake, "beta", ("ben",))
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), a.guild, b.guild):
        await add_question(
            fake,
            a,
            {
                QUESTION: "Which is the largest ocean?",
                ANSWERS: "Pacific\nPacific Ocean",
                DISTRACTORS: "Atlantic\nIndian\nArctic",
                EXPLANATION: "It covers about a third of the Earth.",
            },
        )
        await add_question(fake, a, {QUESTION: "Name a prime number below 4.", ANSWERS: "2\n3"})
        summary = await import_file(fake, a, "science.csv", SCIENCE_CSV)
        await press(fake, summary, a.admin, "Confirm import")

        one = await call(fake, a.channel, a.admin, "trivia-admin export", {"bank": "science"})
        assert one.ephemeral and one.content == "3 questions in 1 file."
        assert [f["filename"] for f in one.message.attachments] == ["science.yaml"]
        both = await call(fake, a.channel, a.admin, "trivia-admin export")
        assert both.content == "5 questions in 2 files." and both.ephemeral
        missing = await call(fake, a.channel, a.admin, "trivia-admin export", {"bank": "nope"})
        assert missing.ephemeral and "No bank 'nope'" in missing.content

        for name in ("custom.yaml", "science.yaml"):
            data = both.message.file(name)
            assert data.startswith(b"id: ") and b"questions:" in data
            dry = await import_file(fake, b, name, data)
            assert "0 problems" in dry.content
            await press(fake, dry, b.admin, "Confirm import")
            assert dry.content.startswith("Imported ")
        assert one.message.file() == both.message.file("science.yaml")
    sql = "SELECT bank_id, question_id, data FROM custom_questions WHERE guild_id = ?"
    exported = sorted(query(tmp_path, sql, [a.guild.id]))
    reimported = sorted(query(tmp_path, sql, [b.guild.id]))
    assert len(exported) == 5
    assert [(bk, q, json.loads(d)) for bk, q, d in reimported] == [
        (bk, q, json.loads(d)) for bk, q, d in exported
    ]
    fake.assert_no_violations()


async def test_settings_show_change_and_apply_to_new_rounds(fake, tmp_path):
    """Defaults are shown, saved, audited, and used by /trivia start without options."""
    s = add_server(fake, "one", ("alice",))
    alice = s.players[0]
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=True), s.guild):
        shown = await call(fake, s.channel, s.admin, "trivia-admin settings")
        assert shown.ephemeral and shown.content.startswith(
            "Questions per round: 10\nSeconds per question: 20\nMode: buttons\n"
            "Manager role: none (Manage Server only)\nRounds at once: at most"
        )
        with pytest.raises(ValueError, match=r"outside 5\.\.120"):
            await fake.invoke_slash(s.channel, s.admin, "trivia-admin settings", {"seconds": 3})
        saved = await call(
            fake,
            s.channel,
            s.admin,
            "trivia-admin settings",
            {"questions": 2, "seconds": 5, "mode": "typed"},
        )
        assert saved.content.startswith("Saved. Questions per round: 2\nSeconds per question: 5")
        again = await call(fake, s.channel, s.admin, "trivia-admin settings")
        assert again.content.startswith(
            "Questions per round: 2\nSeconds per question: 5\nMode: typed"
        )

        started = await call(fake, s.channel, alice, "trivia start", {"bank": "geo"})
        assert "2 questions from Capitals and Rivers, typed, 5 s each." in started.content
        asked = await fake.wait_for_message(s.channel, lambda m: bool(m.embeds))
        assert asked.embeds[0]["title"].startswith("Question 1/2")
        assert [b["label"] for b in asked.buttons()] == ["Skip"] and "How to answer" in asked.text
        await call(fake, s.channel, alice, "trivia stop")
        await fake.wait_for_message(s.channel, lambda m: "Final standings" in m.text)
    assert query(tmp_path, "SELECT questions, seconds, mode FROM guild_settings") == [
        (2, 5.0, "typed")
    ]
    assert query(tmp_path, "SELECT question_count, seconds, mode FROM games") == [(2, 5.0, "typed")]
    assert query(tmp_path, "SELECT action, detail FROM audit_log") == [
        ("settings", "questions=2, seconds=5, mode=typed")
    ]
    fake.assert_no_violations()


async def test_settings_with_a_refused_part_save_nothing(fake, tmp_path):
    """member_seconds without the cooldown it sets is refused before any write: the
    defaults and the channel asked for with it are not saved either, and the reply says so."""
    s = add_server(fake, "one", ("alice",))
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), s.guild):
        refused = await call(
            fake,
            s.channel,
            s.admin,
            "trivia-admin settings",
            {"questions": 20, "member_seconds": 5, "add_channel": s.other_channel.id},
        )
    for table in ("guild_settings", "guild_limits", "round_channels", "audit_log"):
        assert query(tmp_path, f"SELECT * FROM {table}") == [], table
    assert refused.ephemeral
    assert refused.content == (
        "Say which cooldown to set: choose start, board, page, stats, review or import. "
        "Nothing was saved."
    )
    fake.assert_no_violations()


async def test_two_admins_changing_different_settings_at_once_keep_both(fake, tmp_path):
    """The second admin's whole change lands while the first one's awaits the database: each
    sets only its own columns, so neither undoes the other (a row read and written back
    whole lost the manager role)."""
    s = add_server(fake, "one", ("alice",))
    second = fake.add_user("second-admin")
    fake.add_member(s.guild, second, roles=[role(s, "admins")])
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), s.guild) as run:
        repo, meanwhile = run.app.repo, []
        read = repo.guild_settings

        async def other_admin_first(guild_id):
            row = await read(guild_id)
            if not meanwhile:  # once: the second admin's own reads go straight through
                meanwhile.append(None)
                options = {"guesses": 5}
                meanwhile[0] = await call(fake, s.channel, second, "trivia-admin settings", options)
            return row

        repo.guild_settings = other_admin_first  # the first read, then the other admin
        await call(
            fake, s.channel, s.admin, "trivia-admin settings", {"manager_role": s.manager_role}
        )
        del repo.guild_settings
        assert meanwhile and meanwhile[0].content.startswith("Saved.")
    assert query(tmp_path, "SELECT manager_role_id, guesses FROM guild_settings") == [
        (s.manager_role.id, 5)
    ]
    fake.assert_no_violations()


async def test_reset_leaderboard_needs_confirm_and_is_audited(fake, tmp_path):
    """Cancel keeps the board, a demoted admin's Confirm is refused, Confirm clears it."""
    s = add_server(fake, "one", ("alice", "bob"))
    other = add_server(fake, "two", ("carol",))
    alice, bob = s.players
    await seed_game(tmp_path, s.guild, s.channel, [(alice, True, 900), (bob, False, 0)])
    await seed_game(tmp_path, other.guild, other.channel, [(other.players[0], True, 700)])
    totals = "SELECT COUNT(*) FROM player_totals WHERE guild_id = ?"
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), s.guild) as run:
        board = await call(fake, s.channel, alice, "trivia leaderboard")
        assert "**1.** alice · 900 pts" in board.text

        ask = await call(fake, s.channel, s.admin, "trivia-admin reset-leaderboard")
        assert ask.ephemeral and "cannot be undone" in ask.content
        await (await fake.click_button(ask.message, None, s.admin, label="Cancel")).response()
        assert ask.message.content == "Nothing was reset." and ask.message.buttons() == []
        assert query(tmp_path, totals, [s.guild.id]) == [(2,)]
        await fake.wait_for(lambda: not run.bot.dialogs._live, what="the cancelled token closed")

        ask = await call(fake, s.channel, s.admin, "trivia-admin reset-leaderboard")
        forged = await fake.click_button(
            ask.message, None, bob, label="Reset the leaderboard", ignore_ephemeral=True
        )
        assert "Only the admin who asked" in (await forged.response()).content
        admin_roles = s.guild.members[s.admin.id].roles
        demoted, admin_roles[:] = list(admin_roles), []
        late = await fake.click_button(ask.message, None, s.admin, label="Reset the leaderboard")
        (refused,) = await fake.wait_for_followups(late, 1)
        assert refused.ephemeral and "Manage Server" in refused.content
        assert query(tmp_path, totals, [s.guild.id]) == [(2,)]

        admin_roles[:] = demoted
        await press(fake, ask.message, s.admin, "Reset the leaderboard")
        assert ask.message.content == "Leaderboard reset: 2 players cleared."
        assert not run.bot.dialogs._live  # a confirmed dialog's token is closed too
        board = await call(fake, s.channel, alice, "trivia leaderboard")
        assert "No answers recorded yet." in board.text
    assert query(tmp_path, totals, [s.guild.id]) == [(0,)]
    assert query(tmp_path, "SELECT COUNT(*) FROM answers WHERE guild_id = ?", [s.guild.id]) == [
        (0,)
    ]
    assert query(tmp_path, totals, [other.guild.id]) == [(1,)]
    assert query(tmp_path, "SELECT guild_id, actor_id, action, detail FROM audit_log") == [
        (s.guild.id, s.admin.id, "reset-leaderboard", "2 players cleared")
    ]
    fake.assert_no_violations()


async def test_forget_deletes_a_member_in_one_server_only(fake, tmp_path):
    """Forget removes one member's answers and totals here, never elsewhere or others'."""
    a = add_server(fake, "alpha", ("ann",))
    b = add_server(fake, "beta", ("ben",))
    sam = fake.add_user("sam")
    fake.add_member(a.guild, sam)
    fake.add_member(b.guild, sam)
    (ann,) = a.players
    await seed_game(tmp_path, a.guild, a.channel, [(ann, True, 900), (sam, True, 700)])
    await seed_game(tmp_path, a.guild, a.other_channel, [(sam, False, 0)])
    await seed_game(tmp_path, b.guild, b.channel, [(b.players[0], True, 800), (sam, True, 600)])
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), a.guild, b.guild):
        reply = await call(fake, a.channel, a.admin, "trivia-admin forget", {"member": sam})
        assert reply.ephemeral
        assert reply.content == "Deleted 2 answers and the totals of sam on this server."
        gone = await call(fake, a.channel, ann, "trivia stats", {"member": sam})
        assert "has not played here yet" in gone.content
        kept = await call(fake, b.channel, b.players[0], "trivia stats", {"member": sam})
        assert "Points: 600" in kept.text
    per_guild = (
        "SELECT guild_id, player_id, COUNT(*) FROM answers GROUP BY guild_id, player_id "
        "ORDER BY guild_id, player_id"
    )
    assert query(tmp_path, per_guild) == sorted(
        [(a.guild.id, ann.id, 1), (b.guild.id, b.players[0].id, 1), (b.guild.id, sam.id, 1)]
    )
    assert query(tmp_path, "SELECT guild_id FROM player_totals WHERE player_id = ?", [sam.id]) == [
        (b.guild.id,)
    ]
    assert query(tmp_path, "SELECT action, detail FROM audit_log") == [
        ("forget-member", f"member {sam.id}: 2 answers")
    ]
    fake.assert_no_violations()


INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
UNESCAPED_MARKDOWN = re.compile(r"(?<!\\)[*_`|~]")


def is_question(message: FakeMessage) -> bool:
    """A round's question message (not a reply or the standings)."""
    return bool(message.embeds) and message.embeds[0].get("title", "").startswith("Question")


def assert_inert(text: str, *mentions: str) -> None:
    """User text as shown: no live mention, no markdown, no invisible or direction tricks."""
    for raw in ("@everyone", "@here", *mentions):
        assert raw not in text, raw
    assert not INVISIBLE.search(text.replace("@\u200b", "@")), repr(text)
    assert not UNESCAPED_MARKDOWN.search(text), repr(text)


async def test_hostile_question_text_is_shown_inert(fake, tmp_path):
    """Mentions, markdown, invisible characters and maximal lengths never ping or break embeds."""
    s = add_server(fake, "one", ("alice",))
    alice = s.players[0]
    mallory = fake.add_user("mallory", global_name="**@everyone** `x` ||y|| \u202eevil")
    fake.add_member(s.guild, mallory)
    live = (f"<@{alice.id}>", f"<@&{s.manager_role.id}>", f"<@&{s.guild.id}>")
    base = (
        f"@everyone @here <@123> <@&456> {' '.join(live)} **bold** __under__ `tick` "
        "```block``` ||spoiler|| ~~gone~~ zero\u200bwidth\u200d rtl\u202egnirts\u2066 x "
    )
    question = (base * 20)[:999] + "?"
    answer = "`Mars` ||@here|| **x**"
    explanation = ("||@everyone|| **" * 80)[:1000]
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=True), s.guild):
        added = await add_question(
            fake,
            s,
            {
                QUESTION: question,
                ANSWERS: answer,
                DISTRACTORS: "<@&456>\n||Venus||\n@everyone",
                EXPLANATION: explanation,
            },
        )
        assert added.ephemeral and added.content.startswith("Added `custom/everyone-here-123-456")
        assert_inert(added.content.split(": ", 1)[1], *live)

        await call(fake, s.channel, alice, "trivia start", {"bank": "custom", "seconds": 5})
        asked = await fake.wait_for_message(s.channel, is_question)
        assert asked.allowed_mentions == {"parse": []}
        shown = asked.embeds[0]["description"]
        assert len(shown) <= 1000 and shown.endswith("…")
        assert_inert(shown, *live)
        choices = next(f["value"] for f in asked.embeds[0]["fields"] if f["name"] == "Choices")
        assert_inert(re.sub(r"\*\*\d\.\*\* ", "", choices), *live)
        wrong = next(b["label"] for b in asked.buttons() if b["label"] != answer)
        for user, label in ((mallory, answer), (alice, wrong)):
            click = await fake.click_button(asked, None, user, label=label)
            locked = await click.response()
            assert_inert(locked.content.removeprefix("Locked in: "), *live)
        await call(fake, s.channel, alice, "trivia stop")
        await fake.wait_for(lambda: "answer" in asked.embeds[0]["title"], what="reveal")
        fields = {f["name"]: f["value"] for f in asked.embeds[0]["fields"]}
        for name in ("Answer", "Why"):
            assert_inert(fields[name], *live)
        assert len(fields["Why"]) <= 1024
        assert_inert(fields["Right"].rsplit(" (+", 1)[0], *live)
        assert_inert(asked.embeds[0]["description"], *live)
        standings = await fake.wait_for_message(s.channel, lambda m: "Final" in m.text)
        lines = standings.embeds[0]["description"].splitlines()
        assert_inert(lines[0].split("** ", 1)[1].split(" · ")[0], *live)

        board = await call(fake, s.channel, alice, "trivia leaderboard")
        first = board.embeds[0]["description"].splitlines()[0]
        assert_inert(first.split("** ", 1)[1].split(" · ")[0], *live)

        # typed mode shows the masked answer as a hint, in a code span it must not break
        await call(
            fake,
            s.channel,
            alice,
            "trivia start",
            {"bank": "custom", "seconds": 5, "mode": "typed"},
        )
        typed = await fake.wait_for_message(s.channel, is_question, after=board.message)
        await fake.wait_for(lambda: "Hint" in typed.text, timeout=5, what="hint")
        hint = next(f["value"] for f in typed.embeds[0]["fields"] if f["name"] == "Hint")
        assert re.fullmatch(r"`[^`]+`", hint), hint
        assert not INVISIBLE.search(hint)
        await call(fake, s.channel, alice, "trivia stop")
        await fake.wait_for_message(s.channel, lambda m: "Final" in m.text, after=typed)
    for message in fake.bot_messages(s.channel):
        assert message.allowed_mentions == {"parse": []}
    fake.assert_no_violations()


async def test_invisible_only_answer_and_explanation_still_reveal(fake, tmp_path):
    """Text made only of invisible characters must not leave an empty embed field."""
    s = add_server(fake, "one", ("alice",))
    alice = s.players[0]
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), s.guild):
        await add_question(
            fake,
            s,
            {
                QUESTION: "Which of these is blank?\u200b",
                ANSWERS: "\u200b\u202e",
                DISTRACTORS: "A\nB\nC",
                EXPLANATION: "\u2060",
            },
        )
        await call(fake, s.channel, alice, "trivia start", {"bank": "custom"})
        asked = await fake.wait_for_message(s.channel, is_question)
        await call(fake, s.channel, alice, "trivia stop")
        await fake.wait_for(lambda: "answer" in asked.embeds[0]["title"], what="reveal")
        fields = {f["name"]: f["value"] for f in asked.embeds[0]["fields"]}
        assert fields["Answer"] == "(blank)" and "Why" not in fields
        await fake.wait_for_message(s.channel, lambda m: "Final" in m.text)
    fake.assert_no_violations()


async def test_imported_questions_citing_sources_stay_playable(fake, tmp_path):
    """An exported shipped bank (questions cite its sources) re-imports whole and playable."""
    s = add_server(fake, "one", ("alice",))
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), s.guild):
        exported = await call(fake, s.channel, s.admin, "trivia-admin export", {"bank": "geo"})
        dry = await import_file(fake, s, "geo.yaml", exported.message.file(), bank="geo-copy")
        assert "6 valid, 0 problems" in dry.content
        await press(fake, dry, s.admin, "Confirm import")
        assert dry.content == "Imported 6 questions into `geo-copy`."
        banks = await call(fake, s.channel, s.admin, "trivia banks")
        assert "`geo-copy` · geo-copy · 6 questions" in banks.text
    fake.assert_no_violations()


async def test_settings_set_the_typed_guess_cap(fake, tmp_path):
    s = add_server(fake, "one", ("alice",))
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), s.guild) as run:
        shown = await call(fake, s.channel, s.admin, "trivia-admin settings")
        assert "Guesses per typed question: 3" in shown.content
        saved = await call(fake, s.channel, s.admin, "trivia-admin settings", {"guesses": 5})
        assert "Saved." in saved.content and "Guesses per typed question: 5" in saved.content
        assert (await run.bot.service.settings_for(s.guild.id)).guesses == 5
    fake.assert_no_violations()


async def test_admin_commands_are_deferred_before_the_database_answers(fake, tmp_path):
    """A manager-role admin's check reads the database: each reply is deferred first."""
    s = add_server(fake, "one", ("alice", "bob"))
    alice, bob = s.players
    settings = settings_for(tmp_path, fake.token, typed=False)
    async with running_bot(fake, settings, s.guild) as run:
        await call(
            fake, s.channel, s.admin, "trivia-admin settings", {"manager_role": s.manager_role}
        )
        s.guild.members[alice.id].roles.append(s.manager_role.id)
        replies = []
        for name, options in (
            ("trivia-admin settings", {"questions": 7}),
            ("trivia-admin forget", {"member": bob}),
            ("trivia-admin reset-leaderboard", None),
            ("trivia-admin questions", None),
            ("trivia-admin export", None),
            ("trivia-admin remove", {"question_id": "custom/no-such-question"}),
            ("trivia-admin import", {"file": fake.upload("q.csv", SCIENCE_CSV)}),
            ("trivia-admin reports", None),
        ):
            ix = await deferred_while_held(
                fake, run.app.repo, s.channel, alice, name, options, bypass=True
            )
            replies.append(await ix.reply())
        saved, forgot, ask, listed, exported, removed, imported, reported = replies
        assert "Questions per round: 7" in saved.content
        assert forgot.content == "Deleted 0 answers and the totals of bob on this server."
        assert "cannot be undone" in ask.content
        await (await fake.click_button(ask.message, None, alice, label="Cancel")).response()
        assert ask.message.content == "Nothing was reset."
        assert "No questions of this server's own yet" in listed.content
        assert "no questions of its own yet" in exported.content
        assert removed.ephemeral and "no-such-question" in removed.content
        assert "**Dry run** of q.csv" in imported.content
        assert reported.content == "No reports on this server's questions."
        # the add form must be the first response: it opens at once, checked on submit
        with database_held(run.app.repo) as release:
            ix = await fake.invoke_slash(
                s.channel, alice, "trivia-admin add", bypass_permissions=True
            )
            assert (await ix.response(timeout=2.5)).modal is not None
            submitted = await fake.submit_modal(ix, {QUESTION: "Which ocean?", ANSWERS: "Pacific"})
            first = await submitted.response(timeout=2.5)
            assert first.type == 5 and first.ephemeral
            release.set()
            assert (await submitted.reply()).content.startswith("Added `custom/which-ocean`")
    fake.assert_no_violations()


async def test_an_unanswered_reset_greys_its_buttons_at_the_timeout(fake, tmp_path, monkeypatch):
    """The dialogs share one way to close: buttons grey, the message says nothing changed."""
    from bot.discord_front.cogs import admin

    monkeypatch.setattr(admin, "RESET_SECONDS", 0.3)
    s = add_server(fake, "one", ("alice",))
    async with running_bot(fake, settings_for(tmp_path, fake.token, typed=False), s.guild):
        ask = await call(fake, s.channel, s.admin, "trivia-admin reset-leaderboard")
        msg = ask.message
        await fake.wait_for(lambda: "expired" in msg.content, what="the timeout")
        assert msg.content.startswith("Nothing was reset: this confirmation expired after")
        assert msg.buttons() and all(b.get("disabled") for b in msg.buttons())
    fake.assert_no_violations()


async def test_a_reset_during_a_round_is_a_cut_and_the_round_goes_on(fake, tmp_path):
    """Alice's first answer is still queued (its save held) when the reset is confirmed: it
    is written first and deleted with the rest; the round goes on, and its later answers,
    its game and its win count on the fresh board; nothing fails."""
    import asyncio

    from bot.game.writer import AnswerWriter
    from tests.discord_front.test_rounds import question, right_label, title

    s = add_server(fake, "one", ("alice", "bob"))
    alice, bob = s.players
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild) as run:
        repo = run.app.repo
        run.app.service.writer = AnswerWriter(repo, ack_deadline=0.2)
        start = await fake.invoke_slash(
            s.channel, alice, "trivia start", {"bank": "geo", "questions": 2, "seconds": 5}
        )
        await start.reply()
        first = await question(fake, s.channel, 1, 2)
        release, record = asyncio.Event(), repo.record_answers

        async def held(rows, saved=None):
            await release.wait()
            return await record(rows, saved)

        repo.record_answers = held
        kept = await fake.click_button(first, None, alice, label=right_label(first))
        assert "your answer is kept" in (await kept.response()).content
        ask = await call(fake, s.channel, s.admin, "trivia-admin reset-leaderboard")
        confirm = await fake.click_button(ask.message, None, s.admin, label="Reset the leaderboard")
        assert (await confirm.response()).type == 6
        await asyncio.sleep(0.2)
        assert ask.message.buttons()  # the reset waits for the answer queued before it
        release.set()
        await fake.wait_for(lambda: not ask.message.buttons(), what="the reset")
        assert ask.message.content == "Leaderboard reset: 1 players cleared."
        assert query(tmp_path, "SELECT COUNT(*) FROM answers") == [(0,)]
        del repo.record_answers

        second = await question(fake, s.channel, 2, 2)
        for user in (bob, alice):  # Alice's answer closes it: only she played the first
            click = await fake.click_button(second, None, user, label=right_label(second))
            assert (await click.response()).content.startswith("Locked in")
        final = await fake.wait_for_message(
            s.channel, predicate=lambda m: title(m).startswith("Final standings"), timeout=10
        )
        assert "alice" in final.text  # the round's own standings keep its whole score
    later = query(tmp_path, "SELECT player_id, SUM(points) FROM answers GROUP BY player_id")
    assert len(later) == 2
    totals = query(tmp_path, "SELECT player_id, points, games, wins FROM player_totals")
    assert sorted((p, pts) for p, pts, _, _ in totals) == sorted(later)
    assert sorted((p, g) for p, _, g, _ in totals) == sorted([(alice.id, 1), (bob.id, 1)])
    assert sum(w for *_, w in totals) == 1
    fake.assert_no_violations()
