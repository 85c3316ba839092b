"""A server that removes the bot: its cache goes at once, its data after the grace period."""

from __future__ import annotations

import time

from bot.discord_front.cogs.servers import GRACE_DAYS, purge_departed
from tests.discord_front.conftest import (
    add_server,
    call,
    query,
    running_bot,
    seed_game,
    settings_for,
)
from tests.fakediscord import FakeDiscord

CSV = "question,answer,distractors\nWhich planet is red?,Mars,Venus|Jupiter|Saturn\n"


def stored(tmp_path, guild_id: int) -> dict[str, int]:
    counts = {}
    for table in ("answers", "player_totals", "games", "custom_questions", "audit_log"):
        sql = f"SELECT COUNT(*) FROM {table} WHERE guild_id = ?"
        counts[table] = query(tmp_path, sql, [guild_id])[0][0]
    return counts


async def test_leaving_a_server_forgets_it_and_purges_its_data_after_the_grace(
    fake: FakeDiscord, tmp_path
):
    a = add_server(fake, "gone", ("ann",))
    b = add_server(fake, "back", ("ben",))
    for s in (a, b):
        await seed_game(tmp_path, s.guild, s.channel, [(s.players[0], True, 900)])
    async with running_bot(fake, settings_for(tmp_path, fake.token), a.guild, b.guild) as run:
        for s in (a, b):
            ix = await fake.invoke_slash(
                s.channel, s.admin, "trivia-admin import", {"file": fake.upload("q.csv", CSV)}
            )
            summary = (await ix.reply(timeout=30)).message
            await (
                await fake.click_button(summary, None, s.admin, label="Confirm import")
            ).response()
            await fake.wait_for(lambda m=summary: "Imported" in m.content, what="the import")
            assert "`q`" in (await call(fake, s.channel, s.players[0], "trivia banks")).text
        assert a.guild.id in run.bot.catalog._custom
        await call(fake, a.channel, a.players[0], "trivia start", {"bank": "q", "seconds": 60})

        await fake.remove_bot_from_guild(a.guild)
        await fake.remove_bot_from_guild(b.guild)
        await fake.wait_for(
            lambda: len(query(tmp_path, "SELECT guild_id FROM departed_guilds")) == 2,
            what="both departures noted",
        )
        assert a.guild.id not in run.bot.catalog._custom  # its questions no longer in memory
        await fake.wait_for(lambda: not run.bot.service.sessions(), what="its round to stop")
        await fake.add_bot_to_guild(b.guild)  # invited back within the grace period
        await fake.wait_for(
            lambda: query(tmp_path, "SELECT guild_id FROM departed_guilds") == [(a.guild.id,)],
            what="the return noted",
        )
        before = stored(tmp_path, a.guild.id)
        assert await purge_departed(run.bot, time.time()) == []  # within the grace: kept
        assert stored(tmp_path, a.guild.id) == before and before["custom_questions"] == 1
        later = time.time() + GRACE_DAYS * 86400 + 60
        assert await purge_departed(run.bot, later) == [a.guild.id]
        assert set(stored(tmp_path, a.guild.id).values()) == {0}
        assert stored(tmp_path, b.guild.id)["custom_questions"] == 1
        assert query(tmp_path, "SELECT COUNT(*) FROM departed_guilds") == [(0,)]
        assert query(tmp_path, "SELECT id FROM players WHERE id = ?", [a.players[0].id]) == []
    fake.assert_no_violations()
