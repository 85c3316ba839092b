"""/trivia leaderboard, stats and banks: read-only views of the standings."""

from __future__ import annotations

import asyncio
import io
import logging
import math
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_front import cards, groups, limits, render
from bot.discord_front.cogs.rounds import bank_autocomplete
from bot.discord_front.cooldowns import CoolingDown
from bot.discord_front.permissions import guild_of
from bot.discord_front.replies import private
from bot.engine.errors import InvalidSetting
from bot.game.seasons import season_name
from bot.storage.records import BoardRow, Period, PlayerStats, iso_week

if TYPE_CHECKING:
    from bot.discord_front.client import TriviaBot

log = logging.getLogger(__name__)

PAGE = 10
YOU = "You"
PERIODS = {"a": Period.ALL_TIME, "w": Period.WEEK, "m": Period.MONTH, "s": Period.SEASON}
LETTERS = {period: letter for letter, period in PERIODS.items()}
STREAKS = "d"  # the question of the day's streaks: a board of days, not of points


class BoardPage(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=(
        r"trivia:lb:(?P<period>[awmsd]):(?P<scope>[sg]):(?P<page>[0-9]{1,6}):(?P<bank>[a-z0-9-]*)"
        r"(?::(?P<season>[\w .#'-]{1,32}))?"
    ),
):
    """Previous/Next buttons that carry the whole board state, so they survive restarts.

    A season board names its season, so its pages stay on it after the next one starts.
    """

    def __init__(
        self,
        period: str,
        scope: str,
        page: int,
        bank: str,
        label: str,
        disabled: bool = False,
        season: str = "",
    ) -> None:
        suffix = f":{season}" if season else ""
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                disabled=disabled,
                custom_id=f"trivia:lb:{period}:{scope}:{page}:{bank}{suffix}",
            )
        )
        self.period, self.scope, self.page, self.bank = period, scope, page, bank
        self.season = season

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
    ) -> BoardPage:
        return cls(
            match["period"],
            match["scope"],
            int(match["page"]),
            match["bank"],
            item.label or "",
            season=match["season"] or "",
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
            interaction, self.period, self.scope, self.page, self.bank, you=you, season=self.season
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
    season: str = "",
) -> tuple[discord.Embed, discord.ui.View]:
    """`mine`: put the asker's own rank on this board in `you` (the command, not a page)."""
    bot: TriviaBot = interaction.client
    if period == STREAKS:
        return await streak_message(interaction, page, you=you, mine=mine)
    guild_id, per, bank_guild = board_scope(interaction, period, scope, bank)
    shown = await bot.repo.board_page(
        guild_id,
        viewer_id=interaction.user.id if mine else None,
        period=per,
        now=time.time(),
        bank_id=bank or None,
        bank_guild=bank_guild,
        page=page,
        per_page=PAGE,
        season=season or None,
    )
    page, pages, rows = shown.page, max(math.ceil(shown.size / PAGE), 1), shown.rows
    if mine:
        you = f"#{shown.me.rank} · {shown.me.points} pts" if shown.me else None
    named = {Period.WEEK: "This week", Period.MONTH: "This month (UTC)"}
    title = (f"Season {season}" if season else named.get(per, "All-time")) + (
        " · all servers" if guild_id is None else " · this server"
    )
    if bank:
        title += f" · {bank}"
    embed = render.board_embed(rows, title=title, page=page, pages=pages, you=you)
    view = discord.ui.View(timeout=None)
    # the custom_id must match the template even when disabled: no page -1 on the first page
    view.add_item(
        BoardPage(
            period, scope, max(page - 1, 0), bank, "Previous", disabled=page <= 0, season=season
        )
    )
    view.add_item(
        BoardPage(period, scope, page + 1, bank, "Next", disabled=page >= pages - 1, season=season)
    )
    return embed, view


async def streak_message(
    interaction: discord.Interaction[Any], page: int, *, you: str | None, mine: bool
) -> tuple[discord.Embed, discord.ui.View]:
    """The question of the day's board: the longest runs of days answered right, alive now."""
    bot: TriviaBot = interaction.client
    rows, size, me, page = await bot.repo.streak_board(
        guild_of(interaction),
        viewer_id=interaction.user.id if mine else None,
        page=page,
        per_page=PAGE,
    )
    pages = max(math.ceil(size / PAGE), 1)
    if mine:
        you = f"#{me.rank} · {cards.days(me.streak)}" if me else None
    lines = [
        f"**{r.rank}.** {limits.safe(r.name, 64)} · {cards.days(r.streak)} (best {r.best})"
        for r in rows
    ]
    embed = discord.Embed(
        title="Question of the day · streaks · this server",
        description="\n".join(lines) or "No streaks yet: answer the question of the day right.",
        colour=render.BLURPLE,
    )
    if you is not None:
        embed.add_field(name=YOU, value=you, inline=False)
    embed.set_footer(text=f"Page {page + 1}/{pages}")
    view = discord.ui.View(timeout=None)
    view.add_item(BoardPage(STREAKS, "s", max(page - 1, 0), "", "Previous", disabled=page <= 0))
    view.add_item(BoardPage(STREAKS, "s", page + 1, "", "Next", disabled=page >= pages - 1))
    return limits.fit_embed(embed), view


def board_scope(
    interaction: discord.Interaction[Any], period: str, scope: str, bank: str
) -> tuple[int | None, Period, int]:
    """Which board a (period, scope, bank) of a command or a page button names."""
    bot: TriviaBot = interaction.client
    per = PERIODS[period]
    # season boards are one server's
    guild_id = interaction.guild_id if scope == "s" or per is Period.SEASON else None
    bank_guild = bot.catalog.bank_guild(interaction.guild_id or 0, bank) if bank else 0
    return guild_id, per, bank_guild


async def png_file(draw: Callable[[], cards.Canvas], filename: str) -> list[discord.File]:
    """Drawing and encoding take 20-30 ms of CPU (more under load): never on the event loop.

    A picture Pillow cannot draw (a broken font file, say) is logged and left out: the embed
    still answers.
    """
    try:
        data = await asyncio.get_running_loop().run_in_executor(cards.DRAWER, lambda: draw().png())
    except (OSError, ValueError):
        log.exception("could not draw %s", filename)
        return []
    return [discord.File(io.BytesIO(data), filename=filename)]


async def board_image(
    interaction: discord.Interaction[Any],
    period: str,
    scope: str,
    bank: str,
    season: str,
    title: str,
) -> list[discord.File]:
    """The top 10 of the board the embed shows, as a picture."""
    bot: TriviaBot = interaction.client
    guild_id, per, bank_guild = board_scope(interaction, period, scope, bank)
    rows: list[BoardRow] = await bot.repo.leaderboard(
        guild_id,
        period=per,
        now=time.time(),
        bank_id=bank or None,
        bank_guild=bank_guild,
        season=season or None,
    )
    return await png_file(lambda: cards.board_card(f"Top 10 · {title}", rows), "leaderboard.png")


CHART_WEEKS = 12


async def streak_image(interaction: discord.Interaction[Any], title: str) -> list[discord.File]:
    """The top 10 of the daily-streak board, as a picture."""
    bot: TriviaBot = interaction.client
    rows = (await bot.repo.streak_board(guild_of(interaction), viewer_id=None))[0]
    return await png_file(lambda: cards.streak_card(f"Top 10 · {title}", rows), "streaks.png")


async def stats_image(
    bot: TriviaBot,
    guild_id: int,
    found: PlayerStats,
    fallback_name: str,
    daily: tuple[int, int] = (0, 0),
) -> list[discord.File]:
    """The stats card, with the member's points in each of the last 12 ISO weeks and their
    question-of-the-day streak (now, best)."""
    now = time.time()
    weeks = [iso_week(now - 7 * 86400 * back) for back in range(CHART_WEEKS - 1, -1, -1)]
    points = await bot.repo.weekly_points(guild_id, found.player_id, weeks)
    card = cards.StatsCard(
        name=found.name,
        scope="this server",
        rank=found.rank,
        points=found.points,
        correct=found.correct,
        answered=found.answered,
        best_streak=found.best_streak,
        games=found.games,
        weeks=[(week, points.get(week, 0)) for week in weeks],
        fallback_name=fallback_name,
        daily_streak=daily[0],
        daily_best=daily[1],
    )
    return await png_file(lambda: cards.stats_card(card), "stats.png")


class Boards(commands.Cog):
    def __init__(self, bot: TriviaBot) -> None:
        self.bot = bot
        bot.add_dynamic_items(BoardPage)


async def season_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    """This server's seasons, the latest first."""
    bot: TriviaBot = interaction.client
    if interaction.guild_id is None:
        return []
    needle = current.casefold()
    return [
        app_commands.Choice(name=s.name + ("" if s.ended_at else " (current)"), value=s.name)
        for s in await bot.repo.seasons(interaction.guild_id)
        if needle in s.name.casefold()
    ][:25]


async def chosen_season(bot: TriviaBot, guild_id: int, name: str | None) -> str:
    """The season a season board shows: the one named, else the one open now."""
    if name is not None:
        name = season_name(name)  # it travels in the paging buttons' custom_id
    found = await bot.repo.season(guild_id, name)
    if found is not None:
        return found.name
    known = [s.name for s in await bot.repo.seasons(guild_id)]
    if name is None:
        raise InvalidSetting(
            "No season is running in this server; an admin starts one with "
            "/trivia-admin season start."
            + (f" Past seasons: {limits.cut(', '.join(known), 1500)}." if known else "")
        )
    listed = limits.cut(", ".join(known), 1500) if known else "none yet"
    raise InvalidSetting(
        f"No season named '{limits.safe(name, 32)}' in this server. Seasons: {listed}."
    )


@groups.trivia.command(name="leaderboard", description="Show the leaderboard.")
@app_commands.describe(
    period="All-time, this week or this month (UTC), a season, or question-of-the-day streaks",
    scope="This server or all servers (season boards are this server's)",
    bank="Only answers from this bank",
    season="Which season (period:season; default: the current one)",
    image="Attach the top 10 as a picture too (points and daily-streak boards)",
)
@app_commands.autocomplete(bank=bank_autocomplete, season=season_autocomplete)
async def leaderboard(
    interaction: discord.Interaction[Any],
    period: Literal["all-time", "week", "month", "season", "daily-streak"] = "all-time",
    scope: Literal["server", "global"] = "server",
    bank: str | None = None,
    season: str | None = None,
    image: bool = False,
) -> None:
    if bank is not None and not re.fullmatch(r"[a-z0-9-]{1,40}", bank):
        await private(interaction, "Bank ids are lowercase letters, digits and dashes.")
        return
    if period == "daily-streak":
        await streak_board(interaction, scope, bank, season, image=image)
        return
    per = Period(period)
    if scope == "global" and per is Period.SEASON:
        await private(
            interaction,
            "Seasons are per server (each server starts its own): the season board is this "
            "server's; leave scope at server.",
        )
        return
    if scope == "global" and per is Period.MONTH and bank is not None:
        await private(
            interaction,
            "The all-servers month board has no bank filter: leave bank out, or use "
            "scope:server for one bank's month.",
        )
        return
    if season is not None and per is not Period.SEASON:
        await private(interaction, "A season is chosen with period:season.")
        return
    bot: TriviaBot = interaction.client
    shown_season = ""
    if per is Period.SEASON:
        shown_season = await chosen_season(bot, guild_of(interaction), season)
    await bot.cooldowns.use("board", guild_of(interaction), interaction.user.id)
    await interaction.response.defer()  # an all-servers board may take longer than 3 s
    code = (LETTERS[per], "g" if scope == "global" else "s")
    embed, view = await board_message(
        interaction, *code, 0, bank or "", you=None, mine=True, season=shown_season
    )
    files: list[discord.File] = []
    if image:
        files = await board_image(interaction, *code, bank or "", shown_season, embed.title or "")
    await interaction.followup.send(embed=embed, view=view, files=files)


async def streak_board(
    interaction: discord.Interaction[Any],
    scope: str,
    bank: str | None,
    season: str | None,
    *,
    image: bool,
) -> None:
    if scope == "global" or bank is not None or season is not None:
        await private(
            interaction, "The daily-streak board is this server's, with no bank or season."
        )
        return
    bot: TriviaBot = interaction.client
    await bot.cooldowns.use("board", guild_of(interaction), interaction.user.id)
    await interaction.response.defer()
    embed, view = await streak_message(interaction, 0, you=None, mine=True)
    files = await streak_image(interaction, "Daily streaks · this server") if image else []
    await interaction.followup.send(embed=embed, view=view, files=files)


@groups.trivia.command(name="stats", description="Points, accuracy, games and rank.")
@app_commands.describe(member="Whose stats (default: yours)")
async def stats(
    interaction: discord.Interaction[Any], member: discord.Member | None = None
) -> None:
    bot: TriviaBot = interaction.client
    guild_id = guild_of(interaction)
    target = member or interaction.user
    await bot.cooldowns.use("stats", guild_id, interaction.user.id)
    await interaction.response.defer(ephemeral=True, thinking=True)  # the card takes a moment
    found = await bot.repo.player_stats(
        guild_id, target.id, period=Period.ALL_TIME, now=time.time()
    )
    streak, best = await bot.repo.daily_streak(guild_of(interaction), target.id)
    if found is None:
        daily = f" Question of the day streak: {cards.days(streak)} (best {best})." if best else ""
        await private(
            interaction, f"{limits.safe(target.display_name, 64)} has not played here yet.{daily}"
        )
        return
    embed = render.stats_embed(found, "this server")
    embed.add_field(name="Daily streak", value=f"{cards.days(streak)} (best {best})")
    pictures = await stats_image(
        bot, guild_id, found, fallback_name=target.name, daily=(streak, best)
    )
    for picture in pictures:
        embed.set_image(url=f"attachment://{picture.filename}")
    await interaction.followup.send(embed=limits.fit_embed(embed), files=pictures, ephemeral=True)


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
