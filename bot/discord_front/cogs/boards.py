"""/trivia leaderboard, stats and banks: read-only views of the standings."""

from __future__ import annotations

import math
import re
import time
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_front import groups, limits, render
from bot.discord_front.cogs.rounds import bank_autocomplete
from bot.discord_front.cooldowns import CoolingDown
from bot.discord_front.permissions import guild_of
from bot.discord_front.replies import private
from bot.storage.records import Period

if TYPE_CHECKING:
    from bot.discord_front.client import TriviaBot

PAGE = 10
YOU = "You"


class BoardPage(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"trivia:lb:(?P<period>[aw]):(?P<scope>[sg]):(?P<page>[0-9]{1,6}):(?P<bank>[a-z0-9-]*)",
):
    """Previous/Next buttons that carry the whole board state, so they survive restarts."""

    def __init__(
        self, period: str, scope: str, page: int, bank: str, label: str, disabled: bool = False
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                disabled=disabled,
                custom_id=f"trivia:lb:{period}:{scope}:{page}:{bank}",
            )
        )
        self.period, self.scope, self.page, self.bank = period, scope, page, bank

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
    ) -> BoardPage:
        return cls(
            match["period"], match["scope"], int(match["page"]), match["bank"], item.label or ""
        )

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Another page of the same board; its "You" stays the rank of whoever asked for it."""
        bot: TriviaBot = interaction.client
        try:
            await bot.cooldowns.use("page", guild_of(interaction), interaction.user.id)
        except CoolingDown as exc:
            await private(interaction, str(exc))
            return
        await interaction.response.defer()
        shown = interaction.message.embeds if interaction.message else []
        you = next((f.value for e in shown[:1] for f in e.fields if f.name == YOU), None)
        embed, view = await board_message(
            interaction, self.period, self.scope, self.page, self.bank, you=you
        )
        await interaction.edit_original_response(embed=embed, view=view)


async def board_message(
    interaction: discord.Interaction[Any],
    period: str,
    scope: str,
    page: int,
    bank: str,
    *,
    you: str | None,
    mine: bool = False,
) -> tuple[discord.Embed, discord.ui.View]:
    """`mine`: put the asker's own rank on this board in `you` (the command, not a page)."""
    bot: TriviaBot = interaction.client
    guild_id = interaction.guild_id if scope == "s" else None
    per = Period.WEEK if period == "w" else Period.ALL_TIME
    shown = await bot.repo.board_page(
        guild_id,
        viewer_id=interaction.user.id if mine else None,
        period=per,
        now=time.time(),
        bank_id=bank or None,
        bank_guild=bot.catalog.bank_guild(interaction.guild_id or 0, bank) if bank else 0,
        page=page,
        per_page=PAGE,
    )
    page, pages, rows = shown.page, max(math.ceil(shown.size / PAGE), 1), shown.rows
    if mine:
        you = f"#{shown.me.rank} · {shown.me.points} pts" if shown.me else None
    title = ("This week" if per is Period.WEEK else "All-time") + (
        " · all servers" if guild_id is None else " · this server"
    )
    if bank:
        title += f" · {bank}"
    embed = render.board_embed(rows, title=title, page=page, pages=pages, you=you)
    view = discord.ui.View(timeout=None)
    # the custom_id must match the template even when disabled: no page -1 on the first page
    view.add_item(BoardPage(period, scope, max(page - 1, 0), bank, "Previous", disabled=page <= 0))
    view.add_item(BoardPage(period, scope, page + 1, bank, "Next", disabled=page >= pages - 1))
    return embed, view


class Boards(commands.Cog):
    def __init__(self, bot: TriviaBot) -> None:
        self.bot = bot
        bot.add_dynamic_items(BoardPage)


@groups.trivia.command(name="leaderboard", description="Show the leaderboard.")
@app_commands.describe(
    period="All-time or this week (UTC)",
    scope="This server or all servers",
    bank="Only answers from this bank",
)
@app_commands.autocomplete(bank=bank_autocomplete)
async def leaderboard(
    interaction: discord.Interaction[Any],
    period: Literal["all-time", "week"] = "all-time",
    scope: Literal["server", "global"] = "server",
    bank: str | None = None,
) -> None:
    if bank is not None and not re.fullmatch(r"[a-z0-9-]{1,40}", bank):
        await private(interaction, "Bank ids are lowercase letters, digits and dashes.")
        return
    bot: TriviaBot = interaction.client
    await bot.cooldowns.use("board", guild_of(interaction), interaction.user.id)
    await interaction.response.defer()  # an all-servers board may take longer than 3 s
    embed, view = await board_message(
        interaction,
        "w" if period == "week" else "a",
        "g" if scope == "global" else "s",
        0,
        bank or "",
        you=None,
        mine=True,
    )
    await interaction.followup.send(embed=embed, view=view)


@groups.trivia.command(name="stats", description="Points, accuracy, games and rank.")
@app_commands.describe(member="Whose stats (default: yours)")
async def stats(
    interaction: discord.Interaction[Any], member: discord.Member | None = None
) -> None:
    bot: TriviaBot = interaction.client
    target = member or interaction.user
    found = await bot.repo.player_stats(
        interaction.guild_id, target.id, period=Period.ALL_TIME, now=time.time()
    )
    if found is None:
        await private(
            interaction, f"{limits.safe(target.display_name, 64)} has not played here yet."
        )
        return
    await interaction.response.send_message(
        embed=render.stats_embed(found, "this server"), ephemeral=True
    )


@groups.trivia.command(name="banks", description="List the question banks you can play.")
async def banks(interaction: discord.Interaction[Any]) -> None:
    bot: TriviaBot = interaction.client
    lines = []
    for bank in await bot.catalog.available(guild_of(interaction)):
        kind = "this server" if bank.guild_id is not None else "shipped"
        lines.append(
            f"`{bank.id}` · {limits.safe(bank.title, 100)} · "
            f"{len(bank.questions)} questions · {kind}"
        )
    embed = discord.Embed(
        title="Question banks",
        colour=render.BLURPLE,
        description=limits.cut("\n".join(lines) or "No banks.", limits.EMBED_DESCRIPTION),
    )
    await interaction.response.send_message(embed=embed, ephemeral=True)
