"""The question of the day on Discord: /trivia-admin daily set|off|show, its buttons, its reveal."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_front import groups, limits, render
from bot.discord_front.cogs.rounds import player_of
from bot.discord_front.components import custom_ids
from bot.discord_front.permissions import guild_of, require_admin
from bot.discord_front.replies import private
from bot.engine.daily import DEFAULT_OPEN_HOURS, next_post, parse_clock, zone, zone_names
from bot.engine.errors import TriviaError
from bot.engine.models import Bank, Question
from bot.game.daily import DailyQuestions, PostFailed
from bot.storage.records import DailyAnswer, DailyRow, DailySchedule

if TYPE_CHECKING:
    from bot.discord_front.client import TriviaBot

log = logging.getLogger(__name__)

DAILY_PREFIX = "trivia:daily:"
DAILY_ID = re.compile(r"trivia:daily:(?P<daily>[0-9]{1,19}):(?P<index>[0-9])")
MAX_NAMES = 40
FIND_IN_LATEST = 50  # messages looked through for a post a failure or restart left unrecorded

daily = app_commands.Group(
    name="daily", description="The question of the day in this server.", parent=groups.admin
)


def moment(at: float, style: str = "R") -> str:
    """A time every reader's Discord shows in their own zone."""
    return discord.utils.format_dt(datetime.fromtimestamp(at, UTC), style)  # type: ignore[arg-type]


class DailyButtons(discord.ui.View):
    """Only rendered: clicks are routed by custom_id (client.on_interaction), restarts included."""

    def __init__(self, row: DailyRow) -> None:
        super().__init__(timeout=None)
        for i, label in enumerate(row.choices):
            self.add_item(
                discord.ui.Button(
                    label=limits.cut(label, limits.BUTTON_LABEL),
                    style=discord.ButtonStyle.secondary,
                    custom_id=f"{DAILY_PREFIX}{row.id}:{i}",
                )
            )

    def is_dispatchable(self) -> bool:
        return False


def question_embed(row: DailyRow, question: Question, bank: Bank | None) -> discord.Embed:
    embed = discord.Embed(
        title=f"Question of the day · {row.day}",
        description=limits.safe(question.text, 1000),
        colour=render.BLURPLE,
    )
    embed.add_field(
        name="Choices",
        value=limits.cut(
            "\n".join(
                f"**{i}.** {limits.safe(c, limits.BUTTON_LABEL)}"
                for i, c in enumerate(row.choices, 1)
            ),
            limits.EMBED_FIELD_VALUE,
        ),
        inline=False,
    )
    embed.add_field(name="Closes", value=f"{moment(row.closes_at)}: one answer each, revealed then")
    title = bank.title if bank else question.bank_id
    embed.set_footer(text=limits.cut(f"{title} · {question.difficulty.value}", limits.EMBED_FOOTER))
    return limits.fit_embed(embed)


def names(answers: list[DailyAnswer]) -> str:
    """Who got it right, first answer first, cut to one field: a long list ends 'and N more'."""
    shown: list[str] = []
    room = limits.EMBED_FIELD_VALUE - len(" and 1000000 more")
    for a in answers[:MAX_NAMES]:
        name = limits.safe(a.player_name, 64) or f"Player {a.player_id}"
        if len(", ".join([*shown, name])) > room:
            break
        shown.append(name)
    more = len(answers) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def reveal_embed(
    row: DailyRow, question: Question | None, bank: Bank | None, answers: list[DailyAnswer]
) -> discord.Embed:
    right = [a for a in answers if a.correct]
    text = question.text if question else "(this question has since been removed)"
    embed = discord.Embed(
        title=f"Question of the day · {row.day} · answer",
        description=limits.safe(text, 1000),
        colour=render.GREEN if right else render.GREY,
    )
    answer = row.choices[row.answer_index]
    embed.add_field(name="Answer", value=limits.safe(answer, 1000) or "(blank)", inline=False)
    embed.add_field(
        name=f"Right: {len(right)} of {len(answers)}" if right else "Nobody got it",
        value=names(right)
        if right
        else (f"{len(answers)} answered." if answers else "No answers."),
        inline=False,
    )
    why = (
        limits.safe(question.explanation, limits.EMBED_FIELD_VALUE)
        if question and question.explanation
        else ""
    )
    if why:
        embed.add_field(name="Why", value=why, inline=False)
    cite = bank.citation(question.source) if bank and question else None
    if cite:
        embed.set_footer(text=limits.cut(cite, limits.EMBED_FOOTER))
    return limits.fit_embed(embed)


class Daily(commands.Cog):
    """Runs the scheduler of this process's servers and draws its messages."""

    every = 30.0  # seconds between two looks at the clock

    def __init__(self, bot: TriviaBot) -> None:
        self.bot = bot
        shards = bot.settings.shards
        self.questions = DailyQuestions(
            bot.repo,
            bot.catalog,
            bot.service.clock,
            owns=lambda guild_id: shards.owns(guild_id) and bot.get_guild(guild_id) is not None,
        )

    async def cog_load(self) -> None:
        await self.questions.load()
        self.questions.start(self, self.every)

    async def cog_unload(self) -> None:
        await self.questions.stop()

    async def post(self, row: DailyRow, question: Question, bank: Bank | None) -> int | None:
        channel = self.bot.get_channel(row.channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            log.warning("guild %d: daily channel %d is gone", row.guild_id, row.channel_id)
            return None
        try:
            message = await channel.send(
                embed=question_embed(row, question, bank), view=DailyButtons(row)
            )
        except discord.DiscordServerError as exc:
            raise PostFailed(str(exc)) from exc
        except discord.HTTPException as exc:
            log.warning("guild %d: could not post the question of the day: %s", row.guild_id, exc)
            return None
        return message.id

    async def find(self, row: DailyRow) -> int | None:
        """Our message with this day's buttons among the channel's latest, if it was posted."""
        channel = self.bot.get_channel(row.channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            return None
        mine = f"{DAILY_PREFIX}{row.id}:"
        try:
            async for message in channel.history(limit=FIND_IN_LATEST):
                if message.author.id == self.bot.user.id and any(  # type: ignore[union-attr]
                    c.startswith(mine) for c in custom_ids(message.components)
                ):
                    return message.id
        except discord.HTTPException as exc:  # no Read Message History: post, as if not found
            log.warning("guild %d: could not read the daily channel: %s", row.guild_id, exc)
        return None

    async def reveal(
        self,
        row: DailyRow,
        question: Question | None,
        bank: Bank | None,
        answers: list[DailyAnswer],
    ) -> None:
        channel = self.bot.get_channel(row.channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            return
        try:
            if row.message_id is not None:
                # the buttons go: the question has closed
                await channel.get_partial_message(row.message_id).edit(view=None)
            await channel.send(embed=reveal_embed(row, question, bank, answers))
        except discord.HTTPException as exc:
            log.warning("guild %d: could not reveal the question of the day: %s", row.guild_id, exc)

    async def click(self, interaction: discord.Interaction[Any], custom_id: str) -> None:
        """One answer per player, saved before the private acknowledgement."""
        match = DAILY_ID.fullmatch(custom_id)
        if match is None:
            return
        # the save may outlast Discord's 3 s: acknowledged at once, "Locked in" once saved
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            label, closes = await self.questions.answer(
                int(match["daily"]),
                guild_of(interaction),
                player_of(interaction.user),
                int(match["index"]),
            )
        except TriviaError as exc:
            await private(interaction, str(exc))
            return
        await private(
            interaction,
            f"Locked in: {limits.safe(label, limits.BUTTON_LABEL)}. "
            f"The answer is revealed {moment(closes)}.",
        )


def _cog(bot: TriviaBot) -> Daily:
    cog = bot.get_cog("Daily")
    assert isinstance(cog, Daily)
    return cog


async def timezone_autocomplete(
    _interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=z, value=z) for z in zone_names(current or "")]


@daily.command(name="set", description="Post a question of the day in a channel, at a time.")
@app_commands.describe(
    channel="Where to post it",
    time="Local time of day, HH:MM (24 h)",
    timezone="IANA time zone of that time (default UTC)",
    open_hours="Hours it stays open before the reveal (default 12)",
)
@app_commands.autocomplete(timezone=timezone_autocomplete)
async def set_daily(
    interaction: discord.Interaction[Any],
    channel: discord.TextChannel,
    time: str,
    timezone: str = "UTC",
    open_hours: app_commands.Range[float, 0.5, 24.0] = DEFAULT_OPEN_HOURS,
) -> None:
    bot: TriviaBot = interaction.client
    await interaction.response.defer(ephemeral=True, thinking=True)  # before any database call
    await require_admin(interaction, bot.repo)
    guild_id = guild_of(interaction)
    minute = parse_clock(time)
    tz = zone(timezone)
    can = channel.permissions_for(channel.guild.me)
    if not (can.view_channel and can.send_messages and can.embed_links):
        raise TriviaError(
            f"I can't post in {channel.mention}: give me View Channel, Send Messages and "
            "Embed Links there, then set the question of the day again."
        )
    row = DailySchedule(
        guild_id, channel.id, minute, tz.key, float(open_hours), interaction.user.id
    )
    cog = _cog(bot)
    await cog.questions.set_schedule(row)
    now = bot.service.clock.now()
    window = cog.questions.window(row, now)
    posted = await bot.repo.daily_on(guild_id, window.day)
    if window.holds(now) and posted is None:
        when = "today's is posted in a moment (its window is open now)"
    else:
        when = f"the next is posted {moment(next_post(minute, tz, row.open_hours, now), 'F')}"
    await private(
        interaction,
        f"Question of the day: {channel.mention} at {minute // 60:02d}:{minute % 60:02d} "
        f"({tz.key}), open {open_hours:g} h; {when}.",
    )


@daily.command(name="off", description="Stop posting the question of the day.")
async def daily_off(interaction: discord.Interaction[Any]) -> None:
    bot: TriviaBot = interaction.client
    await interaction.response.defer(ephemeral=True, thinking=True)  # before any database call
    await require_admin(interaction, bot.repo)
    guild_id = guild_of(interaction)
    was_on = await _cog(bot).questions.turn_off(guild_id, interaction.user.id)
    await private(
        interaction,
        "The question of the day is off; one already posted is still revealed when it closes."
        if was_on
        else "The question of the day was not on.",
    )


@daily.command(name="show", description="When and where the question of the day is posted.")
async def daily_show(interaction: discord.Interaction[Any]) -> None:
    bot: TriviaBot = interaction.client
    await interaction.response.defer(ephemeral=True, thinking=True)  # before any database call
    await require_admin(interaction, bot.repo)
    guild_id = guild_of(interaction)
    row = _cog(bot).questions.schedule(guild_id)
    if row is None:
        await private(
            interaction, "The question of the day is off; turn it on with /trivia-admin daily set."
        )
        return
    now = bot.service.clock.now()
    window = _cog(bot).questions.window(row, now)
    today = await bot.repo.daily_on(guild_id, window.day)
    if today is not None and today.revealed_at is None:
        state = f"today's is open until {moment(today.closes_at)}"
    else:
        upcoming = next_post(row.minute, zone(row.timezone), row.open_hours, now)
        state = f"the next is posted {moment(upcoming, 'F')}"
    await private(
        interaction,
        f"Question of the day: <#{row.channel_id}> at {row.minute // 60:02d}:{row.minute % 60:02d} "
        f"({row.timezone}), open {row.open_hours:g} h; {state}.",
    )
