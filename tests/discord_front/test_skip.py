"""Skipping questions through the loopback Discord: by majority, by the starter, refused."""

from __future__ import annotations

import asyncio

from tests.discord_front.conftest import add_server, call, running_bot, settings_for
from tests.discord_front.test_rounds import db, question, right_label, title


async def skip_click(fake, msg, user) -> str:
    reply = await (await fake.click_button(msg, None, user, label="Skip")).reply()
    assert reply.ephemeral
    return reply.content


async def test_skip_by_majority_and_by_the_starter_and_a_non_players_vote_does_not_count(
    fake, tmp_path
):
    s = add_server(fake, "one", ("alice", "bob", "carol", "dave"))
    alice, bob, carol, dave = s.players
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild) as run:
        start = await call(
            fake, s.channel, alice, "trivia start", {"bank": "geo", "questions": 4, "seconds": 8}
        )
        assert "started a round" in start.text
        first = await question(fake, s.channel, 1, 4)
        reads = []  # a member with no role but @everyone is no manager: no settings read
        real = run.bot.repo.guild_settings
        run.bot.repo.guild_settings = lambda guild_id: reads.append(guild_id) or real(guild_id)
        assert first.buttons()[-1]["label"] == "Skip"
        # nobody has answered in this round yet: only the starter or an admin can skip
        assert "Only players in this round" in await skip_click(fake, first, bob)
        for user in (alice, bob, carol):
            await (await fake.click_button(first, None, user, label=right_label(first))).response()
        await fake.wait_for(lambda: "answer" in title(first), timeout=15)  # at its time limit

        second = await question(fake, s.channel, 2, 4)
        assert "Only players in this round" in await skip_click(fake, second, dave)
        assert await skip_click(fake, second, bob) == (
            "Vote counted 1/2: the question is skipped at 2."
        )
        assert await skip_click(fake, second, bob) == "You already voted to skip (1/2)."
        assert reads == []  # bob's and dave's votes: neither is the starter, nor has a role
        assert "skipped" not in title(second)
        typed = await call(fake, s.channel, carol, "trivia skip")
        assert typed.ephemeral and typed.content.startswith("Vote counted 2/2: skipped")
        await fake.wait_for(lambda: "skipped" in title(second), timeout=10)
        fields = {f["name"]: f["value"] for f in second.embeds[0]["fields"]}
        assert fields["Answer"] == right_label(second)
        assert fields["Skipped"] == "2 players voted to skip; nobody scores on it."
        assert [b["label"] for b in second.buttons()] == ["Report"]

        third = await question(fake, s.channel, 3, 4)
        await (await fake.click_button(third, None, bob, label=right_label(third))).response()
        assert "can't be skipped now" in await skip_click(fake, third, alice)
        # a role would make carol's admin check read the database; no admin can skip this
        # question now, so her refused vote is answered without one
        s.guild.members[carol.id].roles.append(s.manager_role.id)
        assert "can't be skipped now" in await skip_click(fake, third, carol)
        assert reads == []
        for user in (alice, carol):
            await (await fake.click_button(third, None, user, label=right_label(third))).response()
        await fake.wait_for(lambda: "answer" in title(third), timeout=10)

        fourth = await question(fake, s.channel, 4, 4)
        assert await skip_click(fake, fourth, alice) == "Skipped: the answer is shown now."
        await fake.wait_for(lambda: "skipped" in title(fourth), timeout=10)
        fields = {f["name"]: f["value"] for f in fourth.embeds[0]["fields"]}
        assert fields["Skipped"] == "Skipped by alice; nobody scores on it."
        await fake.wait_for_message(
            s.channel, predicate=lambda m: title(m).startswith("Final standings")
        )
    # questions 1 and 3 only: a skipped question records no answer and scores nothing
    rows = db(tmp_path, "SELECT number, COUNT(*), SUM(correct) FROM answers GROUP BY number")
    assert rows == [(1, 3, 3), (3, 3, 3)]
    assert db(tmp_path, "SELECT status FROM games") == [("finished",)]
    fake.assert_no_violations()


async def test_a_typed_question_has_a_skip_button_and_an_admin_skips_it(fake, tmp_path):
    s = add_server(fake, "one", ("alice",))
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild):
        await call(
            fake,
            s.channel,
            s.players[0],
            "trivia start",
            {"bank": "geo", "questions": 1, "mode": "typed", "seconds": 30},
        )
        msg = await question(fake, s.channel, 1, 1)
        assert [b["label"] for b in msg.buttons()] == ["Skip"]
        assert await skip_click(fake, msg, s.admin) == "Skipped: the answer is shown now."
        await fake.wait_for(lambda: "skipped" in title(msg), timeout=10)
        assert {f["name"] for f in msg.embeds[0]["fields"]} >= {"Answer", "Skipped"}
        late = await call(fake, s.channel, s.players[0], "trivia skip")
        assert late.ephemeral  # the round is over: told so, privately
    fake.assert_no_violations()


async def test_an_admins_skip_waiting_on_its_look_up_never_skips_the_next_question(fake, tmp_path):
    """/trivia skip names no question: the one open when it was asked is the one it skips."""
    s = add_server(fake, "one", ("alice", "carol"))
    alice, carol = s.players
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild) as run:
        role = {"manager_role": s.manager_role}
        assert (await call(fake, s.channel, s.admin, "trivia-admin settings", role)).ephemeral
        s.guild.members[carol.id].roles.append(s.manager_role.id)
        start = await call(
            fake, s.channel, alice, "trivia start", {"bank": "geo", "questions": 2, "seconds": 30}
        )
        assert "started a round" in start.text
        first = await question(fake, s.channel, 1, 2)
        release = asyncio.Event()
        real = run.bot.repo.guild_settings

        async def slow_settings(guild_id):  # the manager role's look-up, on a slow read
            await release.wait()
            return await real(guild_id)

        run.bot.repo.guild_settings = slow_settings
        asked = await fake.invoke_slash(s.channel, carol, "trivia skip", None)
        assert "Skipped" in await skip_click(fake, first, alice)  # the starter, at once
        await question(fake, s.channel, 2, 2)  # opened while carol's look-up waited
        release.set()
        reply = await asked.reply()
        assert reply.ephemeral and "closed" in reply.content, reply.content
        second = await question(fake, s.channel, 2, 2)
        assert "skipped" not in title(second)
