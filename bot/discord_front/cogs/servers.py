"""Servers that remove the bot: forgotten in memory at once, their data after a grace period."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands, tasks

if TYPE_CHECKING:
    from bot.discord_front.client import TriviaBot

GRACE_DAYS = 30  # docs/operations.md: a server re-inviting the bot within this keeps its data
SWEEP_HOURS = 6

log = logging.getLogger(__name__)


def on_our_shards(bot: TriviaBot, guild_id: int) -> bool:
    """Each shard process sweeps only its own servers: another may be in the rest right now."""
    count = bot.shard_count or 1
    ours = bot.shard_ids if bot.shard_ids is not None else range(count)
    return (guild_id >> 22) % count in ours


async def purge_departed(bot: TriviaBot, now: float) -> list[int]:
    """Delete what is stored for servers left more than GRACE_DAYS before `now`."""
    purged: list[int] = []
    for guild_id in await bot.repo.departed_guilds(now - GRACE_DAYS * 86400):
        if not on_our_shards(bot, guild_id):
            continue
        if bot.get_guild(guild_id) is not None:  # invited back while the bot was offline
            await bot.repo.mark_guild_departed(guild_id, None)
            continue
        await bot.repo.purge_guild(guild_id)
        log.info(
            "guild %d: removed the bot over %d days ago; its data is deleted", guild_id, GRACE_DAYS
        )
        purged.append(guild_id)
    return purged


class Servers(commands.Cog):
    def __init__(self, bot: TriviaBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.sweep.start()

    async def cog_unload(self) -> None:
        self.sweep.cancel()

    @tasks.loop(hours=SWEEP_HOURS)
    async def sweep(self) -> None:
        await self.bot.wait_until_ready()
        try:
            await purge_departed(self.bot, self.bot.service.clock.now())
        except Exception:
            log.exception("could not purge the data of servers that removed the bot")

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Rounds there end, its questions and cooldowns leave memory; the data waits."""
        bot = self.bot
        for session in bot.service.sessions():
            if session.guild_id == guild.id:
                session.request_stop("the bot was removed from this server")
        bot.catalog.invalidate(guild.id)
        bot.cooldowns.forget_guild(guild.id)
        bot.places.forget_guild(guild.id)
        await bot.repo.mark_guild_departed(guild.id, bot.service.clock.now())
        log.info("guild %d removed the bot; its data is deleted in %d days", guild.id, GRACE_DAYS)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.bot.repo.mark_guild_departed(guild.id, None)
