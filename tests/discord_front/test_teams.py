"""Team rounds through the loopback Discord: joining, starting early, team standings."""

from __future__ import annotations

from tests.discord_front.conftest import (
    add_server,
    call,
    database_held,
    running_bot,
    settings_for,
)
from tests.discord_front.test_rounds import db, question, right_label, title, wrong_label


def fields(message) -> dict[str, str]:
    return {f["name"]: f["value"] for f in message.embeds[0]["fields"]}


async def test_four_players_in_two_teams_play_a_round_and_teams_lead_the_standings(fake, tmp_path):
    s = add_server(fake, "one", ("alice", "bob", "carol", "dave", "erin"))
    alice, bob, carol, dave, erin = s.players
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild):
        start = await call(
            fake,
            s.channel,
            alice,
            "trivia start",
            {"bank": "geo", "questions": 2, "seconds": 20, "teams": 2},
        )
        assert "started a team round (2 teams): 2 questions" in start.text
        join = await fake.wait_for_message(
            s.channel, predicate=lambda m: title(m) == "Team round: pick a team"
        )
        labels = [b["label"] for b in join.buttons()]
        assert labels == ["Red", "Blue", "Shuffle me", "Start now"]
        assert "<t:" in join.embeds[0]["description"]  # when the first question comes
        for user, label in ((alice, "Red"), (bob, "Blue"), (carol, "Blue"), (bob, "Red")):
            click = await fake.click_button(join, None, user, label=label)
            assert (await click.response()).type == 7  # the join message itself shows it
        shuffled = await fake.click_button(join, None, dave, label="Shuffle me")
        await shuffled.response()
        teams = fields(join)
        assert teams["\N{LARGE RED SQUARE} Red (2)"] == "alice, bob"  # bob switched
        assert teams["\N{LARGE BLUE SQUARE} Blue (2)"] == "carol, dave"  # the smallest
        early = await (await fake.click_button(join, None, bob, label="Start now")).reply()
        assert early.ephemeral and "Only alice" in early.content
        go = await (await fake.click_button(join, None, alice, label="Start now")).response()
        assert go.ephemeral and go.content == "Starting the round now."
        await fake.wait_for(lambda: title(join) == "Teams are set", timeout=5)
        assert join.buttons() == []

        first = await question(fake, s.channel, 1, 2)
        for user, right in ((alice, True), (bob, False), (carol, True), (dave, True)):
            label = right_label(first) if right else wrong_label(first)
            ack = await (await fake.click_button(first, None, user, label=label)).response()
            assert ack.content.startswith("Locked in") and ack.content.endswith(
                "team Red" if user in (alice, bob) else "team Blue"
            )
        # everybody who joined has answered: the question closes without waiting 20 s
        await fake.wait_for(lambda: "answer" in title(first), timeout=5)
        assert fields(first)["Teams"].startswith("Blue ")

        second = await question(fake, s.channel, 2, 2)
        late = await (
            await fake.click_button(second, None, erin, label=right_label(second))
        ).response()
        assert late.content.endswith("team Red")  # answered without a team: the first smallest
        for user in (alice, bob, carol, dave):
            await (
                await fake.click_button(second, None, user, label=right_label(second))
            ).response()
        standings = await fake.wait_for_message(
            s.channel, predicate=lambda m: title(m).startswith("Final standings")
        )
    points = dict(db(tmp_path, "SELECT player_id, SUM(points) FROM answers GROUP BY player_id"))
    red = points[alice.id] + points[bob.id] + points[erin.id]
    blue = points[carol.id] + points[dave.id]
    assert red != blue
    text = standings.embeds[0]["description"]
    red_line = f"Red · {red} pts · alice, bob, erin"
    blue_line = f"Blue · {blue} pts · carol, dave"
    assert red_line in text and blue_line in text
    assert (text.index(red_line) < text.index(blue_line)) == (red > blue)
    assert text.index("__Teams__") < text.index("__Players__") < text.index("** erin ·")
    # players' own totals count as in any round: one game each, their own points
    totals = dict(db(tmp_path, "SELECT player_id, points FROM player_totals WHERE games = 1"))
    assert totals == points
    fake.assert_no_violations()


async def test_a_team_round_stopped_in_its_join_window_is_saved_as_stopped(fake, tmp_path):
    """Skip in the join window says no question is up, at once; the starter's stop needs no
    admin look-up (the database is held: an outage); the join message then says it stopped."""
    s = add_server(fake, "one", ("alice", "bob"))
    alice, bob = s.players
    regulars = fake.add_role(s.guild, "regulars", 0)  # a role: an admin check reads the database
    for user in (alice, bob):
        s.guild.members[user.id].roles.append(regulars.id)
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild) as run:
        await call(fake, s.channel, alice, "trivia start", {"bank": "geo", "teams": 3})
        join = await fake.wait_for_message(
            s.channel, predicate=lambda m: title(m) == "Team round: pick a team"
        )
        assert [b["label"] for b in join.buttons()][:3] == ["Red", "Blue", "Green"]
        with database_held(run.app.repo) as release:
            for user in (alice, bob):
                early = await (await fake.invoke_slash(s.channel, user, "trivia skip")).response()
                assert early.type == 4 and early.ephemeral  # answered, not deferred
                assert early.content == "The first question isn't up yet: there is nothing to skip."
            stop = await fake.invoke_slash(s.channel, alice, "trivia stop")
            assert "Stopping" in (await stop.reply(timeout=2.5)).content
            release.set()
        await fake.wait_for_message(
            s.channel, predicate=lambda m: title(m).startswith("Final standings")
        )
        # the join message no longer looks live: no buttons, and it says the round stopped
        assert title(join) == "Round stopped" and join.buttons() == []
    assert db(tmp_path, "SELECT status FROM games") == [("stopped",)]
    fake.assert_no_violations()


async def test_the_join_window_is_a_server_setting_bounded_shown_and_used(fake, tmp_path):
    import pytest

    s = add_server(fake, "one", ("alice",))
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild) as run:
        shown = await call(fake, s.channel, s.admin, "trivia-admin settings")
        assert "Team rounds: 30 s to join" in shown.content
        for bad in (9, 301):  # Discord refuses what the option's range does not hold
            with pytest.raises(ValueError, match="team_join"):
                await fake.invoke_slash(
                    s.channel, s.admin, "trivia-admin settings", {"team_join": bad}
                )
        saved = await call(fake, s.channel, s.admin, "trivia-admin settings", {"team_join": 12})
        assert "Saved." in saved.content and "Team rounds: 12 s to join" in saved.content
        await call(fake, s.channel, s.players[0], "trivia start", {"bank": "geo", "teams": 2})
        await fake.wait_for_message(
            s.channel, predicate=lambda m: title(m) == "Team round: pick a team"
        )
        (session,) = run.bot.service.sessions()
        assert session.round.teams.window == 12
        await call(fake, s.channel, s.players[0], "trivia stop")
    assert db(tmp_path, "SELECT name, value FROM guild_limits") == [("teams.join", 12.0)]
    assert ("limits", "teams.join=12") in db(tmp_path, "SELECT action, detail FROM audit_log")
    fake.assert_no_violations()
