"""Rounds in a channel: /trivia start and stop, answer buttons, typed answers."""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_front import groups, limits, render
from bot.discord_front.permissions import is_admin
from bot.discord_front.replies import private
from bot.engine.errors import QuestionClosed, RoundOver, TriviaError
from bot.engine.models import Mode, Player
from bot.engine.round import AskedQuestion, QuestionResult, Standing
from bot.engine.rules import RoundSettings
from bot.game.runner import run_round
from bot.game.session import Session

if TYPE_CHECKING:
    from bot.discord_front.client import TriviaBot

log = logging.getLogger(__name__)


def player_of(user: discord.abc.User) -> Player:
    return Player(user.id, user.display_name, user.bot)


ANSWER_ID = re.compile(r"trivia:a:(?P<game>[0-9]{1,19}):(?P<number>[0-9]{1,3}):(?P<index>[0-9])")


def answer_custom_id(game_id: int, number: int, index: int) -> str:
    return f"trivia:a:{game_id}:{number}:{index}"


class AnswerButtons(discord.ui.View):
    """A question's choice buttons, only rendered: clicks are routed by custom_id.

    `Rounds.click` reads the game, question and choice from the custom_id, so a
    click still gets an answer after a restart ("this round has ended"). discord.py keeps
    no view per question and builds none per click: as a DynamicItem, every click cost a
    View rebuilt from the message (and cyclic garbage for the collector), on the hot path.
    """

    def __init__(self, game_id: int, asked: AskedQuestion) -> None:
        super().__init__(timeout=None)
        for i, label in enumerate(asked.choices):
            self.add_item(
                discord.ui.Button(
                    label=limits.cut(label, limits.BUTTON_LABEL),
                    style=discord.ButtonStyle.secondary,
                    custom_id=answer_custom_id(game_id, asked.number, i),
                )
            )

    def is_dispatchable(self) -> bool:
        return False


async def answer_click(
    bot: TriviaBot, interaction: discord.Interaction[Any], game_id: int, number: int, index: int
) -> None:
    """A choice button: judged in memory, acknowledged privately once the answer is saved."""
    session = bot.service.session(interaction.channel_id or 0)
    if session is None or session.game_id != game_id or session.ended:
        await private(interaction, str(RoundOver()))
        return
    try:
        answer = await session.choose(player_of(interaction.user), number, index)
    except TriviaError as exc:
        await private(interaction, str(exc))
        return
    asked = session.round.current
    label = asked.choices[answer.choice or 0] if asked and answer.choice is not None else ""
    await private(interaction, locked_in(label))


@functools.lru_cache(maxsize=1024)
def locked_in(label: str) -> str:
    """The private acknowledgement; a burst repeats the same few labels a thousand times."""
    return f"Locked in: {limits.safe(label, limits.BUTTON_LABEL)}"


ROUND_PERMISSIONS = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)


def can_post(permissions: discord.Permissions) -> bool:
    """Whether the bot may post questions; 0 means Discord sent no app_permissions at all."""
    return permissions.value == 0 or permissions >= ROUND_PERMISSIONS


class ChannelPresenter:
    """One message per question, edited for hints and the reveal; standings at the end.

    Only the message's id is kept, not the parsed message: with thousands of rounds open,
    each full discord.Message was 3.5 KB of a round's 16 (bench B5).
    """

    def __init__(self, bot: TriviaBot, channel: discord.abc.Messageable) -> None:
        self.bot = bot
        self.channel = channel
        self.message_id: int | None = None

    async def question(self, session: Session, asked: AskedQuestion) -> None:
        bank = session.banks_by_id.get(asked.question.bank_id)
        view = AnswerButtons(session.game_id, asked) if asked.choices else discord.utils.MISSING
        sent = await self.channel.send(embed=render.question_embed(asked, bank), view=view)
        self.message_id = sent.id
        try:
            await self.bot.repo.set_question_message(session.game_id, asked.number, sent.id)
        except Exception as exc:  # only a cross-reference; a database outage must not end play
            log.warning(
                "game %d: could not note the message of question %d (%s)",
                session.game_id,
                asked.number,
                exc,
            )

    async def _edit(self, embed: discord.Embed, **fields: Any) -> None:
        """Edit the question's message; if a moderator deleted it, post the update anew."""
        if self.message_id is None:
            return
        channel: Any = self.channel  # every channel a round runs in can make partial messages
        try:
            await channel.get_partial_message(self.message_id).edit(embed=embed, **fields)
        except discord.NotFound:
            log.warning(
                "channel %s: message %d was deleted; posting the update as a new one",
                getattr(self.channel, "id", "?"),
                self.message_id,
            )
            self.message_id = (await self.channel.send(embed=embed)).id

    async def hint(self, session: Session, asked: AskedQuestion, level: int) -> None:
        bank = session.banks_by_id.get(asked.question.bank_id)
        text = session.round.hint_text(level)
        if level == 1 and asked.question.hint:
            text += f" · {asked.question.hint}"
        await self._edit(render.question_embed(asked, bank, text))

    async def reveal(self, session: Session, result: QuestionResult) -> None:
        bank = session.banks_by_id.get(result.asked.question.bank_id)
        await self._edit(render.reveal_embed(result, bank), view=None)

    async def finished(self, session: Session, standings: list[Standing]) -> None:
        await self.channel.send(embed=render.standings_embed(standings, session.round.stop_reason))


class Rounds(commands.Cog):
    """Owns the task of every round running in a channel."""

    def __init__(self, bot: TriviaBot) -> None:
        self.bot = bot
        self.tasks: dict[int, asyncio.Task[None]] = {}

    async def stop_all(self) -> None:
        """On shutdown: every round is saved as stopped first, then told so while time allows.

        With thousands of rounds the reveals and standings are thousands of Discord
        requests; the scores must not wait behind them.
        """
        await self.bot.service.end_all("the bot is restarting")
        if self.tasks:
            await asyncio.wait(list(self.tasks.values()), timeout=10)

    async def cog_unload(self) -> None:
        await self.stop_all()

    def launch(self, session: Session, channel: discord.abc.Messageable) -> None:
        presenter = ChannelPresenter(self.bot, channel)
        task = asyncio.create_task(
            self._run(session, presenter), name=f"round-{session.channel_id}"
        )
        self.tasks[session.channel_id] = task

    async def _run(self, session: Session, presenter: ChannelPresenter) -> None:
        try:
            await run_round(session, presenter, pause=self.bot.question_pause)
        finally:
            self.bot.service.forget(session)
            self.tasks.pop(session.channel_id, None)
            log.info(
                "guild %d channel %d: game %d ended (%s)",
                session.guild_id,
                session.channel_id,
                session.game_id,
                session.round.status.value,
            )

    # The two handlers below are called by TriviaBot.on_interaction and TriviaBot.on_message,
    # not registered as listeners: a listener would cost every click and every message a
    # second task, on the path that B1 and B2 of bench/ measure.

    async def click(self, interaction: discord.Interaction[Any], custom_id: str) -> None:
        """A click on a button that is on its message: answer buttons are ours."""
        match = ANSWER_ID.fullmatch(custom_id)
        if match is not None:
            await answer_click(
                self.bot, interaction, int(match["game"]), int(match["number"]), int(match["index"])
            )

    async def typed_answer(self, message: discord.Message) -> None:
        """Typed answers: bots never count; a right answer gets a reaction, not a message."""
        if message.author.bot or message.guild is None or not message.content:
            return
        session = self.bot.service.session(message.channel.id)
        if session is None or session.round.mode is not Mode.TYPED or session.ended:
            return
        try:
            answer = await session.guess(player_of(message.author), message.content)
        except (QuestionClosed, RoundOver):
            return
        except TriviaError as exc:
            log.warning("guild %d channel %d: %s", session.guild_id, session.channel_id, exc)
            return
        if answer is not None:
            try:
                await message.add_reaction("\N{WHITE HEAVY CHECK MARK}")
            except discord.HTTPException:
                pass


async def bank_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    bot: TriviaBot = interaction.client
    banks = await bot.catalog.available(interaction.guild_id or 0)
    needle = current.casefold()
    return [
        app_commands.Choice(name=limits.cut(f"{b.title} ({len(b.questions)})", 100), value=b.id)
        for b in banks
        if needle in b.id or needle in b.title.casefold()
    ][:25]


@groups.trivia.command(name="start", description="Start a trivia round in this channel.")
@app_commands.describe(
    bank="Question bank (default: every shipped bank)",
    questions="How many questions (1-50)",
    mode="Answer with buttons, or by typing",
    seconds="Seconds per question (5-120)",
)
@app_commands.autocomplete(bank=bank_autocomplete)
async def start(
    interaction: discord.Interaction[Any],
    bank: str | None = None,
    questions: app_commands.Range[int, 1, 50] | None = None,
    mode: Literal["buttons", "typed"] | None = None,
    seconds: app_commands.Range[int, 5, 120] | None = None,
) -> None:
    bot: TriviaBot = interaction.client
    guild_id = interaction.guild_id or 0
    defaults = await bot.service.settings_for(guild_id)
    chosen_mode = Mode(mode) if mode else defaults.mode
    if chosen_mode is Mode.TYPED and not bot.settings.typed_answers:
        raise TriviaError(
            "Typed answers are switched off on this bot: they need Discord's privileged "
            "Message Content intent. The bot's owner can switch it on in the Developer Portal "
            "and set TRIVIA_TYPED_ANSWERS=1. Buttons work without it."
        )
    settings = RoundSettings(
        questions=questions or defaults.questions,
        seconds=float(seconds) if seconds else defaults.seconds,
        mode=chosen_mode,
    )
    channel = interaction.channel
    if channel is None or not isinstance(channel, discord.abc.Messageable):
        raise TriviaError("Rounds can only run in a text channel.")
    if not can_post(interaction.app_permissions):
        raise TriviaError(
            "I can't run a round here: I need View Channel, Send Messages and Embed Links in "
            "this channel. Ask an admin to grant them, or start the round in another channel."
        )
    session = await bot.service.start(
        guild_id=guild_id,
        channel_id=interaction.channel_id or 0,
        starter=player_of(interaction.user),
        bank_ids=[bank] if bank else [],
        settings=settings,
    )
    names = ", ".join(b.title for b in session.banks_by_id.values())
    await interaction.response.send_message(
        limits.cut(
            f"{limits.safe(interaction.user.display_name, 64)} started a round: "
            f"{len(session.round.questions)} questions from {limits.safe(names, 300)}, "
            f"{settings.mode.value}, {settings.seconds:g} s each.",
            limits.CONTENT,
        )
    )
    cog = bot.get_cog("Rounds")
    assert isinstance(cog, Rounds)
    cog.launch(session, channel)


@groups.trivia.command(name="stop", description="Stop the round in this channel.")
async def stop(interaction: discord.Interaction[Any]) -> None:
    bot: TriviaBot = interaction.client
    admin = await is_admin(interaction, bot.repo)
    bot.service.request_stop(
        interaction.channel_id or 0, player_of(interaction.user), is_admin=admin
    )
    await private(interaction, "Stopping the round; points so far are kept.")
