"""Where and by whom rounds may start, through the loopback Discord and the real client."""

from __future__ import annotations

import sqlite3

from bot.discord_front.cooldowns import NO_LIMITS, Cooldowns
from bot.storage.records import ServerChange
from bot.storage.sqlite import SQLiteRepository
from tests.discord_front.conftest import add_server, call, query, running_bot, settings_for
from tests.fakediscord import FakeDiscord


async def stop_and_wait(fake: FakeDiscord, run, channel, user) -> None:
    """Stop the round in a channel and wait until its runner has ended."""
    assert "Stopping" in (await call(fake, channel, user, "trivia stop")).content
    await fake.wait_for(lambda: channel.id not in run.bot.rounds.runners, what="round ended")


async def test_channels_pause_and_starter_role_refuse_privately_and_say_where(
    fake: FakeDiscord, tmp_path
):
    s = add_server(fake, "one", ("alice", "bob"))
    alice, bob = s.players
    thread = fake.add_thread(s.channel, "side-quiz")
    role = s.manager_role  # any role will do as the starter role
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild) as run:
        now = [1000.0]
        run.bot.cooldowns = Cooldowns(
            run.app.repo, defaults=NO_LIMITS, max_rounds=1000, clock=lambda: now[0]
        )
        saved = await call(
            fake,
            s.channel,
            s.admin,
            "trivia-admin settings",
            {"add_channel": s.channel.id, "start_role": role, "round_gap": 30},
        )
        assert saved.ephemeral and saved.content.startswith("Saved.")
        assert f"Rounds start in: <#{s.channel.id}>" in saved.content
        assert f"Who may start rounds: members with <@&{role.id}>, and trivia admins" in (
            saved.content
        )
        assert "Pause between two rounds in a channel: 30 s" in saved.content

        no_role = await call(fake, s.channel, alice, "trivia start")
        assert no_role.ephemeral
        assert f"Only members with the <@&{role.id}> role, and trivia admins" in no_role.content
        s.guild.members[alice.id].roles.append(role.id)
        elsewhere = await call(fake, s.other_channel, alice, "trivia start")
        assert elsewhere.ephemeral
        assert f"they start in: <#{s.channel.id}>." in elsewhere.content
        assert not fake.bot_messages(s.other_channel)

        assert "started a round" in (await call(fake, s.channel, alice, "trivia start")).text
        await stop_and_wait(fake, run, s.channel, alice)
        now[0] += 10
        too_soon = await call(fake, s.channel, alice, "trivia start")
        assert too_soon.ephemeral and "the next one can start in 20 s" in too_soon.content
        assert "may also start" not in too_soon.content  # #trivia is the only one listed
        # an admin needs no role, but the pause and the channels hold for admins too
        assert (await call(fake, s.channel, s.admin, "trivia start")).ephemeral
        assert (await call(fake, s.other_channel, s.admin, "trivia start")).ephemeral
        now[0] += 21
        assert "started a round" in (await call(fake, s.channel, s.admin, "trivia start")).text
        await stop_and_wait(fake, run, s.channel, s.admin)
        # a thread counts as the channel it is in
        assert "started a round" in (await call(fake, thread, alice, "trivia start")).text
        await stop_and_wait(fake, run, thread, alice)

        cleared = await call(
            fake,
            s.channel,
            s.admin,
            "trivia-admin settings",
            {"clear_channels": True, "start_role": s.guild.roles[s.guild.id], "round_gap": 0},
        )
        assert "Rounds start in: any channel" in cleared.content
        assert "Who may start rounds: everyone" in cleared.content
        assert "started a round" in (await call(fake, s.other_channel, bob, "trivia start")).text
    assert query(tmp_path, "SELECT starter_role_id FROM guild_settings") == [(None,)]
    assert query(tmp_path, "SELECT COUNT(*) FROM round_channels") == [(0,)]
    assert query(tmp_path, "SELECT detail FROM audit_log WHERE action = 'round-places'") == [
        (f"channel +{s.channel.id}, start_role={role.id}, rounds.gap=30",),
        ("channels cleared (1), start_role=everyone, rounds.gap=0",),
    ]
    fake.assert_no_violations()


async def test_settings_of_rounds_keep_the_starter_role(fake: FakeDiscord, tmp_path):
    """Changing another setting must not drop the starter role saved beside it."""
    s = add_server(fake, "one", ("alice",))
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild):
        await call(
            fake, s.channel, s.admin, "trivia-admin settings", {"start_role": s.manager_role}
        )
        shown = await call(fake, s.channel, s.admin, "trivia-admin settings", {"questions": 4})
        assert f"members with <@&{s.manager_role.id}>" in shown.content
        refused = await call(fake, s.channel, s.players[0], "trivia start")
        assert refused.ephemeral and "Only members with" in refused.content
    assert query(tmp_path, "SELECT questions, starter_role_id FROM guild_settings") == [
        (4, s.manager_role.id)
    ]
    fake.assert_no_violations()


async def test_a_listed_channel_since_deleted_is_not_offered(fake: FakeDiscord, tmp_path):
    s = add_server(fake, "one", ("alice",))
    repo = await SQLiteRepository.open(tmp_path / "trivia.db")
    try:
        # no such channel any more
        await repo.change_server(ServerChange(s.guild.id, 0.0, add_channel=42), lambda _: [])
    finally:
        await repo.close()
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild):
        nowhere = await call(fake, s.channel, s.players[0], "trivia start")
        assert nowhere.ephemeral and "none of the listed channels exists any more" in (
            nowhere.content
        )
        await call(fake, s.channel, s.admin, "trivia-admin settings", {"add_channel": s.channel.id})
        elsewhere = await call(fake, s.other_channel, s.players[0], "trivia start")
        assert elsewhere.content.endswith(f"they start in: <#{s.channel.id}>.")
    fake.assert_no_violations()


async def test_a_write_failing_midway_changes_nothing(fake: FakeDiscord, tmp_path):
    """Channels, pause and audit row go in one transaction: a failed write keeps none."""
    s = add_server(fake, "one", ("alice",))
    (alice,) = s.players
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild) as run:
        run.bot.cooldowns = Cooldowns(run.app.repo, defaults=NO_LIMITS, max_rounds=1000)
        first = {"add_channel": s.other_channel.id}
        assert (await call(fake, s.channel, s.admin, "trivia-admin settings", first)).ephemeral
        with sqlite3.connect(tmp_path / "trivia.db") as db:  # a real failing write
            db.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON guild_limits "
                "BEGIN SELECT RAISE(ABORT, 'injected'); END"
            )
        both = {"add_channel": s.channel.id, "round_gap": 60, "questions": 7}
        failed = await call(fake, s.channel, s.admin, "trivia-admin settings", both)
        assert failed.ephemeral and "Saved" not in failed.content
        assert query(tmp_path, "SELECT COUNT(*) FROM round_channels") == [(1,)]
        assert query(tmp_path, "SELECT COUNT(*) FROM guild_settings") == [(0,)]
        refused = await call(fake, s.channel, alice, "trivia start")
        assert refused.ephemeral and f"<#{s.other_channel.id}>" in refused.content
        with sqlite3.connect(tmp_path / "trivia.db") as db:
            db.execute("DROP TRIGGER refuse")
        shown = await call(fake, s.channel, s.admin, "trivia-admin settings", both)
        assert shown.content.startswith("Saved.") and f"<#{s.channel.id}>" in shown.content
        assert "started a round" in (await call(fake, s.channel, alice, "trivia start")).text
    assert query(tmp_path, "SELECT questions FROM guild_settings") == [(7,)]
    assert query(tmp_path, "SELECT action, detail FROM audit_log ORDER BY id") == [
        ("round-places", f"channel +{s.other_channel.id}"),
        ("settings", "questions=7"),
        ("round-places", f"channel +{s.channel.id}, rounds.gap=60"),
    ]
