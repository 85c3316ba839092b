"""The review's low items on the Discord side, each through the loopback Discord."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import sys

from bot.discord_front import limits
from bot.discord_front.cogs import admin, questions
from tests.discord_front.conftest import (
    add_server,
    call,
    press,
    query,
    running_bot,
    settings_for,
)
from tests.discord_front.test_admin import ANSWERS, QUESTION, SCIENCE_CSV, import_file
from tests.fakediscord import FakeDiscord, overwrite
from tests.fakediscord.models import SEND_MESSAGES, SEND_MESSAGES_IN_THREADS
from tests.faults import conftest as faults

HIDDEN = "\u3164\u115f\u1160\uffa0\u2800\u00ad\u034f\u061c\u180e\U000e0041\U000e007f"


async def test_only_manage_server_sets_the_manager_role_and_never_everyone(fake, tmp_path):
    """A manager can't hand the role out, and @everyone is refused even to Manage Server."""
    s = add_server(fake, "one", ("alice", "bob"))
    alice, bob = s.players
    s.guild.members[alice.id].roles.append(s.manager_role.id)
    everyone = s.guild.roles[s.guild.id]
    other = fake.add_role(s.guild, "others", 0)
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild):
        saved = await call(
            fake, s.channel, s.admin, "trivia-admin settings", {"manager_role": s.manager_role}
        )
        assert f"<@&{s.manager_role.id}>" in saved.content
        by_manager = await call(
            fake, s.channel, alice, "trivia-admin settings", {"manager_role": other}, bypass=True
        )
        assert by_manager.ephemeral and "Manage Server" in by_manager.content
        to_everyone = await call(
            fake, s.channel, s.admin, "trivia-admin settings", {"manager_role": everyone}
        )
        assert to_everyone.ephemeral and "@everyone can't be the manager role" in to_everyone.text
        assert query(tmp_path, "SELECT manager_role_id FROM guild_settings") == [
            (s.manager_role.id,)
        ]
    # a database that already holds @everyone (set before this fix) grants nothing
    con = sqlite3.connect(tmp_path / "trivia.db")
    con.execute("UPDATE guild_settings SET manager_role_id = ?", (s.guild.id,))
    con.commit()
    con.close()
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild):
        refused = await call(fake, s.channel, bob, "trivia-admin settings", {}, bypass=True)
        assert refused.ephemeral and "You need the Manage Server" in refused.content
    fake.assert_no_violations()


def test_clean_drops_every_blank_lookalike():
    """Hangul fillers, Braille blank, soft hyphen, joiners and tag characters all go."""
    assert limits.clean(f"a{HIDDEN}b") == "ab"
    assert limits.safe(HIDDEN, 64) == ""


async def test_a_stoppers_name_is_escaped_in_the_public_standings(tmp_path):
    """ "stopped by <name>" is user text in a public title: markdown, RTL and blanks defused."""
    async with FakeDiscord(channel_rate_limit=None) as fake:
        s = faults.add_server(fake, "one", ("alice",))
        mallory = fake.add_user("mallory", global_name=f"**big**\u202e{HIDDEN}`x`")
        fake.add_member(s.guild, mallory)
        settings = faults.settings_for(tmp_path, fake.token)
        async with faults.running_bot(fake, settings, s.guild, question_pause=30) as run:
            faults.seat(run, mallory)
            await faults.start_round(fake, s.channel, mallory, questions=2, seconds=30)
            msg = await faults.question(fake, s.channel, 1)
            await faults.click(fake, msg, mallory, faults.right_label(msg))
            await fake.wait_for(lambda: "answer" in faults.title(msg), what="the reveal")
            await call(fake, s.channel, mallory, "trivia stop")  # in the pause between questions
            final = await faults.standings(fake, s.channel)
        title = final.embeds[0]["title"]
        assert "stopped by \\*\\*big\\*\\*\\`x\\`" in title, title
        assert not any(ch in title for ch in "\u202e" + HIDDEN)
        fake.assert_no_violations()


async def test_commands_refuse_direct_messages_instead_of_using_server_zero(fake, tmp_path):
    """guild_only is a hint to Discord's client; a DM start must not run under server 0."""
    s = add_server(fake, "one", ("alice",))
    alice = s.players[0]
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild):
        data = fake._command_data(s.channel, alice, "trivia start", {"bank": "geo"})
        ix = fake._base_interaction(2, fake.dm_channel(alice), alice, data, "DM start")
        reply = await (await fake._dispatch_interaction(ix)).reply()
        assert reply.ephemeral and "servers only" in reply.content
    assert query(tmp_path, "SELECT COUNT(*) FROM games") == [(0,)]
    fake.assert_no_violations()


async def test_confirm_after_a_timeout_or_a_restart_says_the_dialog_expired(
    fake, tmp_path, monkeypatch
):
    """Nothing answered these clicks before ("This interaction failed").

    A timed-out dialog greys its buttons (test_admin.py); one whose grey-out failed, say
    with its token gone, still answers a click.
    """
    s = add_server(fake, "one", ("alice",))
    settings = settings_for(tmp_path, fake.token)
    monkeypatch.setattr(admin, "RESET_SECONDS", 0.2)
    async with running_bot(fake, settings, s.guild):
        fake.inject_fault("PATCH", "/webhooks/*/*/messages/@original", 404, code=10015)
        timed_out = await call(fake, s.channel, s.admin, "trivia-admin reset-leaderboard")
        await asyncio.sleep(0.5)
        late = await fake.click_button(
            timed_out.message, None, s.admin, label="Reset the leaderboard"
        )
        assert "This dialog has expired" in (await late.response()).content
        monkeypatch.setattr(admin, "RESET_SECONDS", 120)
        before_restart = await call(fake, s.channel, s.admin, "trivia-admin reset-leaderboard")
    async with running_bot(fake, settings, s.guild):
        after = await fake.click_button(before_restart.message, None, s.admin, label="Cancel")
        assert "This dialog has expired" in (await after.response()).content
    fake.assert_no_violations()


async def test_the_add_form_times_out(fake, tmp_path, monkeypatch):
    """A dismissed form is dropped; submitting one that timed out is told so, and adds nothing."""
    s = add_server(fake, "one", ())
    monkeypatch.setattr(questions, "MODAL_SECONDS", 0.2)
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild) as run:
        opened = await fake.invoke_slash(s.channel, s.admin, "trivia-admin add")
        assert (await opened.response()).modal is not None
        await asyncio.sleep(0.5)
        assert not run.bot._connection._view_store._modals  # the form no longer held
        submitted = await fake.submit_modal(opened, {QUESTION: "Which is red?", ANSWERS: "Mars"})
        assert "This form has expired" in (await submitted.response()).content
    assert query(tmp_path, "SELECT COUNT(*) FROM custom_questions") == [(0,)]
    fake.assert_no_violations()


async def test_an_export_over_the_attachment_limit_comes_in_parts_that_reimport(tmp_path):
    """Every file under Discord's limit, the count is what is attached, and the parts rebuild
    the bank."""
    async with FakeDiscord(attachment_size_limit=4096) as fake:
        a = add_server(fake, "one", ())
        b = add_server(fake, "two", ())
        rows = "".join(
            f"Which number is {i} plus nothing at all?,{i},{i + 1}|{i + 2}|{i + 3}\n"
            for i in range(60)
        )
        async with running_bot(fake, settings_for(tmp_path, fake.token), a.guild, b.guild):
            summary = await import_file(fake, a, "big.csv", "question,answer,distractors\n" + rows)
            assert "60 valid" in summary.content
            await press(fake, summary, a.admin, "Confirm import")
            ix = await fake.invoke_slash(a.channel, a.admin, "trivia-admin export")
            first = await ix.reply()
            count = re.search(r"\(message 1 of (\d+)\)", first.content)
            messages = await fake.wait_for_followups(ix, int(count[1]) if count else 1)
            files = [
                (f["filename"], m.file(f["filename"])) for m in messages for f in m.attachments
            ]
            assert len(files) > 1 and all(len(data) <= 4096 for _, data in files)
            assert all(sum(f["size"] for f in m.attachments) <= 4096 for m in messages)
            assert first.content.startswith(f"60 questions in {len(files)} files.")
            for name, data in files:
                dry = await import_file(fake, b, name, data, bank="big")
                await (
                    await fake.click_button(dry, None, b.admin, label="Confirm import")
                ).response()
                await fake.wait_for(lambda d=dry: d.content.startswith("Imported"), what=name)
        assert query(
            tmp_path, "SELECT COUNT(*) FROM custom_questions WHERE guild_id = ?", [b.guild.id]
        ) == [(60,)]
        fake.assert_no_violations()


async def test_rounds_in_threads_need_send_messages_in_threads(fake, tmp_path):
    """Discord checks Send Messages in Threads in a thread, not Send Messages."""
    s = add_server(fake, "one", ("alice",))
    alice = s.players[0]
    no_threads = fake.add_channel(
        s.guild, "no-threads", overwrites=[overwrite(fake.bot_user, deny=SEND_MESSAGES_IN_THREADS)]
    )
    threads_only = fake.add_channel(
        s.guild, "threads-only", overwrites=[overwrite(fake.bot_user, deny=SEND_MESSAGES)]
    )
    refused_in = fake.add_thread(no_threads, "refused")
    played_in = fake.add_thread(threads_only, "played")
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild) as run:
        refused = await call(fake, refused_in, alice, "trivia start", {"bank": "geo"})
        assert refused.ephemeral and "Send Messages in Threads" in refused.content
        started = await call(fake, played_in, alice, "trivia start", {"bank": "geo", "seconds": 30})
        assert "started a round" in started.text
        await fake.wait_for_message(played_in, lambda m: bool(m.buttons()))
        assert [s.channel_id for s in run.bot.service.sessions()] == [played_in.id]
    fake.assert_no_violations()


async def test_a_member_forgotten_mid_round_stays_forgotten_when_it_ends(fake, tmp_path):
    """Sam answers, is forgotten while the question is open: its reveal, the next question
    and the final standings show nothing of Sam, Sam's next click is refused, and the
    round's end counts nothing of Sam."""
    from tests.discord_front.test_rounds import question, right_label, title

    s = add_server(fake, "one", ("alice", "sam"))
    alice, sam = s.players
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild):
        start = await fake.invoke_slash(
            s.channel, alice, "trivia start", {"bank": "geo", "questions": 2, "seconds": 5}
        )
        await start.reply()
        first = await question(fake, s.channel, 1, 2)
        for user in (sam, alice):
            click = await fake.click_button(first, None, user, label=right_label(first))
            assert (await click.response()).content.startswith("Locked in")
        forgot = await call(fake, s.channel, s.admin, "trivia-admin forget", {"member": sam})
        assert forgot.content == "Deleted 1 answers and the totals of sam on this server."
        await fake.wait_for(lambda: "answer" in title(first), timeout=10, what="the reveal")
        right = {f["name"]: f["value"] for f in first.embeds[0]["fields"]}["Right"]
        assert "alice" in right and "sam" not in right
        second = await question(fake, s.channel, 2, 2)
        refused = await fake.click_button(second, None, sam, label=right_label(second))
        assert "deleted during this round" in (await refused.response()).content
        click = await fake.click_button(second, None, alice, label=right_label(second))
        assert (await click.response()).content.startswith("Locked in")
        final = await fake.wait_for_message(
            s.channel, predicate=lambda m: title(m).startswith("Final standings"), timeout=10
        )
        assert "alice" in final.text and "sam" not in final.text
        board = await call(fake, s.channel, alice, "trivia leaderboard")
        assert "alice" in board.text and "sam" not in board.text
        everywhere = await call(fake, s.channel, alice, "trivia leaderboard", {"scope": "global"})
        assert "alice" in everywhere.text and "sam" not in everywhere.text
        stats = await call(fake, s.channel, alice, "trivia stats", {"member": sam})
        assert "has not played here yet" in stats.content
    for table in ("answers", "player_totals", "members", "global_totals"):
        assert query(tmp_path, f"SELECT COUNT(*) FROM {table} WHERE player_id = ?", [sam.id]) == [
            (0,)
        ], table
    assert query(tmp_path, "SELECT games, answered FROM player_totals") == [(1, 2)]
    assert query(tmp_path, "SELECT COUNT(*) FROM forgotten_players") == [(0,)]
    fake.assert_no_violations()


async def test_a_click_past_a_full_answer_queue_is_told_it_was_not_saved(fake, tmp_path):
    """The database is down and the queue full: the click is refused, and can be made again."""
    from bot.game.writer import AnswerWriter
    from tests.discord_front.test_rounds import question, right_label

    s = add_server(fake, "one", ("alice", "bob"))
    alice, bob = s.players
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild) as run:
        repo = run.app.repo
        run.app.service.writer = AnswerWriter(
            repo, first_retry=0.01, max_retry=0.05, ack_deadline=0.2, max_backlog=1
        )
        start = await fake.invoke_slash(
            s.channel, alice, "trivia start", {"bank": "geo", "questions": 1, "seconds": 20}
        )
        await start.reply()
        msg = await question(fake, s.channel, 1, 1)
        await repo._conn.execute("PRAGMA query_only = ON")  # writes refused, as read-only
        kept = await fake.click_button(msg, None, alice, label=right_label(msg))
        assert "your answer is kept" in (await kept.response()).content
        refused = await fake.click_button(msg, None, bob, label=right_label(msg))
        reply = await refused.response()
        assert reply.ephemeral and reply.content.startswith("Not saved")
        await repo._conn.execute("PRAGMA query_only = OFF")
        await run.app.service.writer.flush()
        again = await fake.click_button(msg, None, bob, label=right_label(msg))
        assert (await again.response()).content.startswith("Locked in")
    assert query(tmp_path, "SELECT COUNT(*) FROM answers") == [(2,)]
    fake.assert_no_violations()


async def test_confirm_answers_at_once_while_the_import_waits_for_the_database(fake, tmp_path):
    """Another process holds the file for 3.5 s: Confirm defers well before it, then fills in."""
    s = add_server(fake, "one", ("alice",))
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild):
        summary = await import_file(fake, s, "science.csv", SCIENCE_CSV)
        holder = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "con = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "con.execute('BEGIN EXCLUSIVE')\n"
            "print('locked', flush=True)\n"
            "time.sleep(3.5)\n"
            "con.execute('ROLLBACK')\n",
            str(tmp_path / "trivia.db"),
            stdout=asyncio.subprocess.PIPE,
        )
        assert holder.stdout is not None
        assert (await holder.stdout.readline()).strip() == b"locked"
        confirm = await fake.click_button(summary, None, s.admin, label="Confirm import")
        first = await confirm.response()
        assert first.type == 6 and confirm.latency is not None and confirm.latency < 2.0
        cancel = await fake.click_button(summary, None, s.admin, label="Cancel")
        assert "already under way" in (await cancel.response()).content
        await fake.wait_for(lambda: not summary.buttons(), timeout=10, what="the import")
        assert summary.content == "Imported 3 questions into `science`."
        assert await holder.wait() == 0
    fake.assert_no_violations()


async def test_an_import_confirmed_during_an_outage_can_be_confirmed_again(fake, tmp_path):
    """The database refuses the write: the admin is told, and the dialog stays to retry."""
    s = add_server(fake, "one", ("alice",))
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild) as run:
        summary = await import_file(fake, s, "science.csv", SCIENCE_CSV)
        await run.app.repo._conn.execute("PRAGMA query_only = ON")  # writes refused
        failed = await fake.click_button(summary, None, s.admin, label="Confirm import")
        (told,) = await fake.wait_for_followups(failed, 1)
        assert told.ephemeral and "database is unavailable" in told.content
        assert "Confirm import" in {b["label"] for b in summary.buttons()}
        await run.app.repo._conn.execute("PRAGMA query_only = OFF")
        await press(fake, summary, s.admin, "Confirm import")
        assert summary.content == "Imported 3 questions into `science`."
    assert len(query(tmp_path, "SELECT 1 FROM custom_questions")) == 3
    fake.assert_no_violations()


async def test_a_typed_answer_past_a_full_answer_queue_gets_a_not_taken_reaction(fake, tmp_path):
    """Typed answers are acknowledged by a reaction; one kept while the database is down
    gets it too, one refused by the then full queue gets its own (no channel message), and
    can be typed again."""
    from bot.discord_front.cogs.rounds import NOT_TAKEN, SAVED
    from bot.game.writer import AnswerWriter
    from tests.discord_front.test_rounds import question, right_label

    s = add_server(fake, "one", ("alice", "bob"))
    alice, bob = s.players
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild) as run:
        repo = run.app.repo
        run.app.service.writer = AnswerWriter(
            repo, first_retry=0.01, max_retry=0.05, ack_deadline=0.2, max_backlog=1
        )
        start = await fake.invoke_slash(
            s.channel,
            alice,
            "trivia start",
            {"bank": "geo", "questions": 2, "mode": "typed", "seconds": 20},
        )
        await start.reply()
        first = await question(fake, s.channel, 1, 2)
        await repo._conn.execute("PRAGMA query_only = ON")  # writes refused, as read-only
        kept = await fake.send_user_message(s.channel, alice, right_label(first))  # queued
        await fake.wait_for(lambda: (kept.id, SAVED) in fake.reactions, what="✅ for kept")
        second = await question(fake, s.channel, 2, 2)
        posted = len(fake.bot_messages(s.channel))
        refused = await fake.send_user_message(s.channel, bob, right_label(second))
        await fake.wait_for(lambda: (refused.id, NOT_TAKEN) in fake.reactions, what="⏳")
        assert len(fake.bot_messages(s.channel)) == posted  # no message about it
        await repo._conn.execute("PRAGMA query_only = OFF")
        await run.app.service.writer.flush()
        again = await fake.send_user_message(s.channel, bob, right_label(second))
        await fake.wait_for(lambda: (again.id, SAVED) in fake.reactions, what="✅")
    assert sorted(query(tmp_path, "SELECT player_id FROM answers")) == sorted(
        [(alice.id,), (bob.id,)]
    )
    fake.assert_no_violations()
