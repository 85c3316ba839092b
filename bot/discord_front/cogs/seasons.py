"""/trivia-admin season start: close the current season, keep its board, open the next."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_front import groups, limits
from bot.discord_front.permissions import guild_of, require_admin
from bot.discord_front.replies import private
from bot.game.seasons import season_name, start_season

if TYPE_CHECKING:
    from bot.discord_front.client import TriviaBot

season = app_commands.Group(
    name="season",
    description="This server's seasons: boards that start afresh.",
    parent=groups.admin,
)


class Seasons(commands.Cog):
    def __init__(self, bot: TriviaBot) -> None:
        self.bot = bot


@season.command(
    name="start", description="Close the current season (its board is kept) and start a new one."
)
@app_commands.describe(name="The new season's name, e.g. Winter 2026")
async def start_command(interaction: discord.Interaction[Any], name: str) -> None:
    bot: TriviaBot = interaction.client
    await interaction.response.defer(ephemeral=True, thinking=True)  # before any database call
    await require_admin(interaction, bot.repo)
    guild_id = guild_of(interaction)
    name = season_name(name)  # as it is stored, for the reply
    before = await start_season(
        bot.repo, guild_id, name, interaction.user.id, bot.service.clock.now()
    )
    text = f"Season **{name}** has started: from now on answers count on its board."
    if before is not None:
        text += (
            f" Season **{before.name}** is closed and its board kept: "
            f"`/trivia leaderboard period:season season:{before.name}`."
        )
    await private(interaction, limits.cut(text, limits.CONTENT))
