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

from bot.discord_front import groups, limits, places, render
from bot.discord_front.cogs.reports import ReportButton
from bot.discord_front.permissions import guild_of, is_admin, known_admin
from bot.discord_front.replies import private
from bot.engine.draw import categories, playable
from bot.engine.errors import (
    ForgottenInRound,
    NoRoundRunning,
    NotInRound,
    OutOfGuesses,
    QuestionClosed,
    RoundAlreadyRunning,
    RoundOver,
    TriviaError,
)
from bot.engine.models import Mode, Player
from bot.engine.round import AskedQuestion, QuestionResult, SkipTally, Standing
from bot.engine.rules import RoundSettings, parse_difficulty
from bot.engine.teams import JOIN_SECONDS, Teams
from bot.game.runner import RoundRunner
from bot.game.session import AnswersBacklogged, SaveDelayed, Session

if TYPE_CHECKING:
    from bot.discord_front.client import TriviaBot

log = logging.getLogger(__name__)


def player_of(user: discord.abc.User) -> Player:
    """The name this server knows them by, and the one for all-servers boards."""
    return Player(user.id, user.display_name, user.bot, user.global_name or user.name)


ANSWER_ID = re.compile(r"trivia:a:(?P<game>[0-9]{1,19}):(?P<number>[0-9]{1,3}):(?P<index>[0-9])")


SKIP_ID = re.compile(r"trivia:skip:(?P<game>[0-9]{1,19}):(?P<number>[0-9]{1,3})")
# a team's index, "s" (shuffle me) or "go" (start now)
TEAM_ID = re.compile(r"trivia:team:(?P<game>[0-9]{1,19}):(?P<choice>[0-9]|s|go)")


def answer_custom_id(game_id: int, number: int, index: int) -> str:
    return f"trivia:a:{game_id}:{number}:{index}"


def skip_custom_id(game_id: int, number: int) -> str:
    return f"trivia:skip:{game_id}:{number}"


class TeamButtons(discord.ui.View):
    """The join message's buttons, routed by custom_id like the answer buttons."""

    def __init__(self, game_id: int, teams: Teams) -> None:
        super().__init__(timeout=None)
        for i, name in enumerate(teams.names):
            self.add_item(
                discord.ui.Button(
                    label=name,
                    emoji=render.TEAM_EMOJI.get(name),
                    style=discord.ButtonStyle.secondary,
                    custom_id=f"trivia:team:{game_id}:{i}",
                )
            )
        for choice, label, style in (
            ("s", "Shuffle me", discord.ButtonStyle.primary),
            ("go", "Start now", discord.ButtonStyle.success),
        ):
            self.add_item(
                discord.ui.Button(
                    label=label, style=style, custom_id=f"trivia:team:{game_id}:{choice}", row=1
                )
            )

    def is_dispatchable(self) -> bool:
        return False


def join_window_ends(session: Session) -> float | None:
    """When the join window closes, by the wall clock (for Discord's countdown)."""
    teams, clock = session.round.teams, session.round.clock
    if teams is None or teams.closes_at is None:
        return None
    return clock.now() + max(teams.closes_at - clock.monotonic(), 0.0)


async def team_click(
    bot: TriviaBot, interaction: discord.Interaction[Any], game_id: int, choice: str
) -> None:
    """A team, Shuffle me or Start now: the join message shows who plays where."""
    session = bot.service.session(interaction.channel_id or 0)
    teams = session.round.teams if session is not None else None
    if session is None or teams is None or session.game_id != game_id or session.ended:
        await private(interaction, str(RoundOver()))
        return
    player = player_of(interaction.user)
    try:
        if choice == "go":
            admin = await starter_or_admin(bot, interaction, session, player)
            session.start_now(player, is_admin=admin)
            await private(interaction, "Starting the round now.")
            return
        session.round.join_team(player, None if choice == "s" else int(choice))
    except TriviaError as exc:
        await private(interaction, str(exc))
        return
    ends = join_window_ends(session)
    try:  # the click's own response updates the message: no extra request per join
        await interaction.response.edit_message(
            embed=render.teams_embed(teams, session.starter.name, ends)
        )
    except discord.HTTPException as exc:
        log.warning("guild %d: could not show a team join (%s)", session.guild_id, exc)


class AnswerButtons(discord.ui.View):
    """A question's choice buttons and Skip, only rendered: clicks are routed by custom_id.

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
        self.add_item(
            discord.ui.Button(
                label="Skip",
                style=discord.ButtonStyle.danger,
                custom_id=skip_custom_id(game_id, asked.number),
                row=1,
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
    # the label is read before the save: once it commits, the question may close and the
    # round move on, and `current` would be the next question (or none)
    asked = session.round.current
    label = (
        asked.choices[index]
        if asked is not None and asked.number == number and index < len(asked.choices)
        else ""
    )
    player = player_of(interaction.user)
    try:
        await session.choose(player, number, index)
    except TriviaError as exc:
        await private(interaction, str(exc))
        return
    teams = session.round.teams
    team = teams.team_of(player.id) if teams is not None else None
    if teams is None or team is None:
        await private(interaction, locked_in(label))
    else:  # joined on answering, perhaps: say which team
        await private(interaction, f"{locked_in(label)} · team {teams.names[team]}")


async def skip_vote(
    bot: TriviaBot, interaction: discord.Interaction[Any], game_id: int | None, number: int | None
) -> None:
    """A Skip click or /trivia skip: counted in memory and answered privately at once."""
    session = bot.service.session(interaction.channel_id or 0)
    if session is None or session.ended or game_id not in (None, session.game_id):
        await private(interaction, str(RoundOver() if game_id else NoRoundRunning()))
        return
    player = player_of(interaction.user)
    if number is None and (asked := session.round.current) is not None:
        number = asked.number  # /trivia skip: the question open now, not one after a look-up
    # None: only the database knows (a member with a role); then a plain vote goes first,
    # and only one an admin's would change needs the look-up
    admin = True if player.id == session.starter.id else known_admin(interaction)
    tally: SkipTally | None = None
    try:
        tally = session.vote_skip(player, number, is_admin=admin is True)
    except TriviaError as exc:  # closed, answered already, no question yet: admins too
        if admin is not None or not isinstance(exc, NotInRound):
            await private(interaction, str(exc))
            return
    if admin is None and (tally is None or not tally.skipped):
        if await starter_or_admin(bot, interaction, session, player):
            try:
                tally = session.vote_skip(player, number, is_admin=True)
            except TriviaError as exc:  # it closed meanwhile: the vote counted says so
                if tally is None:
                    await private(interaction, str(exc))
                    return
    await private(interaction, skip_reply(tally) if tally else str(NotInRound()))


async def starter_or_admin(
    bot: TriviaBot, interaction: discord.Interaction[Any], session: Session, player: Player
) -> bool:
    """The starter needs no look-up; with the database down, an admin counts as a player.

    A look-up may stall past Discord's 3 s, so the (always private) reply is deferred first.
    """
    if player.id == session.starter.id:
        return True
    known = known_admin(interaction)
    if known is not None:  # Manage Server, or no role that could be the manager role
        return known
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        return await is_admin(interaction, bot.repo)
    except Exception as exc:
        log.warning("guild %d: could not check for an admin (%s)", session.guild_id, exc)
        return False


def skip_reply(tally: SkipTally) -> str:
    if tally.by is not None:
        return "Skipped: the answer is shown now."
    if tally.skipped:
        return f"Vote counted {tally.votes}/{tally.needed}: skipped, the answer is shown now."
    if not tally.counted:
        return f"You already voted to skip ({tally.votes}/{tally.needed})."
    return f"Vote counted {tally.votes}/{tally.needed}: the question is skipped at {tally.needed}."


@functools.lru_cache(maxsize=1024)
def locked_in(label: str) -> str:
    """The private acknowledgement; a burst repeats the same few labels a thousand times."""
    return f"Locked in: {limits.safe(label, limits.BUTTON_LABEL)}"


ROUND_PERMISSIONS = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)
THREAD_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages_in_threads=True, embed_links=True
)


def can_post(permissions: discord.Permissions, *, in_thread: bool = False) -> bool:
    """Whether the bot may post questions; 0 means Discord sent no app_permissions at all.

    In a thread, Discord checks Send Messages in Threads instead of Send Messages.
    """
    needed = THREAD_PERMISSIONS if in_thread else ROUND_PERMISSIONS
    return permissions.value == 0 or permissions >= needed


class ChannelPresenter:
    """One message per question, edited for hints and the reveal; standings at the end.

    Only the message's id is kept, not the parsed message: with thousands of rounds open,
    each full discord.Message was 3.5 KB of a round's 16 (bench B5).
    """

    __slots__ = ("bot", "channel", "join_message_id", "message_id")

    def __init__(self, bot: TriviaBot, channel: discord.abc.Messageable) -> None:
        self.bot = bot
        self.channel = channel
        self.message_id: int | None = None
        self.join_message_id: int | None = None

    async def teams_open(self, session: Session) -> None:
        teams = session.round.teams
        assert teams is not None
        await self.bot.pacer.reserve_next()
        ends = session.round.clock.now() + teams.window
        sent = await self.channel.send(
            embed=render.teams_embed(teams, session.starter.name, ends),
            view=TeamButtons(session.game_id, teams),
        )
        self.join_message_id = sent.id

    async def teams_set(self, session: Session) -> None:
        """The join message loses its buttons and shows the teams as they play, or that the
        round was stopped in the window."""
        teams = session.round.teams
        if teams is None or self.join_message_id is None:
            return
        channel: Any = self.channel
        stopped = session.stop_requested is not None
        try:
            await channel.get_partial_message(self.join_message_id).edit(
                embed=render.teams_embed(teams, session.starter.name, None, stopped=stopped),
                view=None,
            )
        except discord.HTTPException as exc:  # deleted by a moderator: the round goes on
            log.warning("channel %s: could not set the teams (%s)", session.channel_id, exc)

    async def ready(self, session: Session) -> None:
        """The question's post waits its turn under Discord's global limit before it opens."""
        await self.bot.pacer.reserve_next()

    async def question(self, session: Session, asked: AskedQuestion) -> None:
        bank = session.banks_by_id.get(asked.question.bank_id)
        view = AnswerButtons(session.game_id, asked)  # a typed question has Skip alone
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
        await self._edit(render.question_embed(asked, bank, text))

    async def reveal(self, session: Session, result: QuestionResult) -> None:
        bank = session.banks_by_id.get(result.asked.question.bank_id)
        await self._edit(
            render.reveal_embed(result, bank, session.round.team_standings()),
            view=ReportButton(result.asked.question),
        )

    async def finished(self, session: Session, standings: list[Standing]) -> None:
        round_ = session.round
        await self.channel.send(
            embed=render.standings_embed(standings, round_.stop_reason, round_.team_standings())
        )


class Rounds(commands.Cog):
    """Owns the runner of every round running in a channel."""

    def __init__(self, bot: TriviaBot) -> None:
        self.bot = bot
        self.runners: dict[int, RoundRunner] = {}

    async def stop_all(self) -> None:
        """On shutdown: every round is saved as stopped first, then told so while time allows.

        With thousands of rounds the reveals and standings are thousands of Discord
        requests; the scores must not wait behind them.
        """
        await self.bot.service.end_all("the bot is restarting")
        if self.runners:
            await asyncio.wait([r.wait() for r in self.runners.values()], timeout=10)

    async def cog_unload(self) -> None:
        await self.stop_all()

    def launch(self, session: Session, channel: discord.abc.Messageable) -> None:
        presenter = ChannelPresenter(self.bot, channel)
        runner = RoundRunner(
            session,
            presenter,
            pause=self.bot.question_pause,
            on_end=functools.partial(self._ended, session),
        )
        self.runners[session.channel_id] = runner
        runner.start()

    def _ended(self, session: Session) -> None:
        self.bot.service.forget(session)
        self.bot.cooldowns.round_ended(session.guild_id, session.channel_id)
        self.runners.pop(session.channel_id, None)
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
        """A click on a button that is on its message: answer and Skip buttons are ours."""
        match = ANSWER_ID.fullmatch(custom_id)
        if match is not None:
            await answer_click(
                self.bot, interaction, int(match["game"]), int(match["number"]), int(match["index"])
            )
            return
        match = SKIP_ID.fullmatch(custom_id)
        if match is not None:
            await skip_vote(self.bot, interaction, int(match["game"]), int(match["number"]))
            return
        match = TEAM_ID.fullmatch(custom_id)
        if match is not None:
            await team_click(self.bot, interaction, int(match["game"]), match["choice"])

    async def typed_answer(self, message: discord.Message) -> None:
        """Typed answers: bots never count; a right answer gets a reaction, not a message."""
        if message.author.bot or message.guild is None or not message.content:
            return
        session = self.bot.service.session(message.channel.id)
        if session is None or session.round.mode is not Mode.TYPED or session.ended:
            return
        try:
            answer = await session.guess(player_of(message.author), message.content)
        except (QuestionClosed, RoundOver, OutOfGuesses, ForgottenInRound):
            return
        except AnswersBacklogged:
            if session.round.current is not None:  # a guess, not chat between questions
                await react(message, NOT_TAKEN)
            return
        except SaveDelayed:  # right, counted and queued: saved once the database recovers
            await react(message, SAVED)
            return
        except TriviaError as exc:
            log.warning("guild %d channel %d: %s", session.guild_id, session.channel_id, exc)
            return
        if answer is not None:
            await react(message, SAVED)


SAVED = "\N{WHITE HEAVY CHECK MARK}"  # a right typed answer, saved (or kept to be saved)
NOT_TAKEN = "\N{HOURGLASS WITH FLOWING SAND}"  # the database is behind: type it again soon


async def react(message: discord.Message, emoji: str) -> None:
    """Typed answers are acknowledged by a reaction: one request, no message in the channel."""
    try:
        await message.add_reaction(emoji)
    except discord.HTTPException:
        pass


async def bank_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    bot: TriviaBot = interaction.client
    if interaction.guild_id is None:
        return []
    banks = await bot.catalog.available(interaction.guild_id)
    needle = current.casefold()
    return [
        app_commands.Choice(name=limits.cut(f"{b.title} ({len(b.questions)})", 100), value=b.id)
        for b in banks
        if needle in b.id or needle in b.title.casefold()
    ][:25]


async def category_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    """The categories of the chosen bank (or every shipped bank), with their fact counts."""
    bot: TriviaBot = interaction.client
    if interaction.guild_id is None:
        return []
    chosen = getattr(interaction.namespace, "bank", None)
    try:
        banks = await bot.catalog.resolve(interaction.guild_id, [chosen] if chosen else [])
    except TriviaError:
        return []
    mode = getattr(interaction.namespace, "mode", None)
    kind = Mode(mode) if mode in ("buttons", "typed") else Mode.BUTTONS
    counts = categories(q for b in banks for q in b.questions if playable(q, kind))
    needle = current.casefold()
    return [
        app_commands.Choice(name=limits.cut(f"{name} ({n})", 100), value=limits.cut(name, 100))
        for name, n in sorted(counts.items(), key=lambda item: item[0].casefold())
        if needle in name.casefold()
    ][:25]


@groups.trivia.command(name="start", description="Start a trivia round in this channel.")
@app_commands.describe(
    bank="Question bank (default: every shipped bank)",
    questions="How many questions (1-50)",
    mode="Answer with buttons, or by typing",
    seconds="Seconds per question (5-120)",
    difficulty="Only easy (x1 points), medium (x1.25) or hard (x1.5) questions; mixed: all",
    category="Only questions of this category",
    teams="A team round: 2 to 4 teams to join first; a team scores its members' points",
)
@app_commands.autocomplete(bank=bank_autocomplete, category=category_autocomplete)
async def start(
    interaction: discord.Interaction[Any],
    bank: str | None = None,
    questions: app_commands.Range[int, 1, 50] | None = None,
    mode: Literal["buttons", "typed"] | None = None,
    seconds: app_commands.Range[int, 5, 120] | None = None,
    difficulty: Literal["easy", "medium", "hard", "mixed"] | None = None,
    category: app_commands.Range[str, 1, 100] | None = None,
    teams: app_commands.Range[int, 2, 4] | None = None,
) -> None:
    """Checks that need no await first, then the reply is deferred before anything can stall
    (a server's rules and limits, read once, and the starter role's admin check read the
    database); a refusal after it is private.

    Once the game row exists, any failure to tell the channel (a lost reply, a stall past
    Discord's deadline) ends the game, so the channel is never left locked without a runner.
    """
    bot: TriviaBot = interaction.client
    guild_id = guild_of(interaction)
    channel = interaction.channel
    if channel is None or not isinstance(channel, discord.abc.Messageable):
        raise TriviaError("Rounds can only run in a text channel.")
    if not can_post(interaction.app_permissions, in_thread=isinstance(channel, discord.Thread)):
        raise TriviaError(
            "I can't run a round here: I need View Channel, Send Messages (Send Messages in "
            "Threads, in a thread) and Embed Links. Ask an admin to grant them, or start the "
            "round in another channel."
        )
    if bot.service.session(channel.id) is not None:
        raise RoundAlreadyRunning()
    await interaction.response.defer(thinking=True)
    try:
        await places.check_start(bot, interaction, channel)
        # a start refused for the cap costs no cooldown; start() checks it again, at its claim
        bot.service.check_room(guild_id, await bot.cooldowns.max_rounds(guild_id))
        await bot.cooldowns.use("start", guild_id, interaction.user.id)
        session = await _start_session(
            bot, interaction, guild_id, bank, questions, mode, seconds, difficulty, category, teams
        )
    except Exception as exc:
        await drop_deferral(interaction)  # a refusal or an apology is private, not public
        if not isinstance(exc, TriviaError):
            raise
        await private(interaction, str(exc))
        return
    try:
        round_ = session.round
        names = ", ".join(b.title for b in session.banks_by_id.values())
        picked = " ".join(x for x in (difficulty if difficulty != "mixed" else None, category) if x)
        await interaction.followup.send(
            limits.cut(
                f"{limits.safe(interaction.user.display_name, 64)} started a "
                f"{f'team round ({teams} teams)' if teams else 'round'}: "
                f"{len(round_.questions)} {limits.safe(picked, 120) + ' ' if picked else ''}"
                f"questions from {limits.safe(names, 300)}, "
                f"{round_.mode.value}, {round_.seconds:g} s each.",
                limits.CONTENT,
            )
        )
        cog = bot.get_cog("Rounds")
        assert isinstance(cog, Rounds)
        if not session.ended:  # a /trivia stop may have ended it while the reply went out
            cog.launch(session, channel)
    except BaseException:
        log.warning(
            "guild %d channel %d: game %d could not be announced; ending it",
            guild_id,
            channel.id,
            session.game_id,
        )
        await end_unrun(bot, session, "the start could not be announced")
        raise


async def _start_session(
    bot: TriviaBot,
    interaction: discord.Interaction[Any],
    guild_id: int,
    bank: str | None,
    questions: int | None,
    mode: str | None,
    seconds: int | None,
    difficulty: str | None = None,
    category: str | None = None,
    teams: int | None = None,
) -> Session:
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
        guesses=defaults.guesses,
        difficulty=parse_difficulty(difficulty) if difficulty else None,
        category=category.strip() or None if category else None,
        teams=teams or 0,
        join_seconds=await bot.cooldowns.join_seconds(guild_id) if teams else JOIN_SECONDS,
    )
    return await bot.service.start(
        guild_id=guild_id,
        channel_id=interaction.channel_id or 0,
        starter=player_of(interaction.user),
        bank_ids=[bank] if bank else [],
        settings=settings,
        max_rounds=await bot.cooldowns.max_rounds(guild_id),
    )


async def end_unrun(bot: TriviaBot, session: Session, reason: str) -> None:
    """End a round that no runner carries: saved as stopped, and its channel freed."""
    session.request_stop(reason)
    try:
        await session.end()
    finally:
        bot.service.forget(session)


async def drop_deferral(interaction: discord.Interaction[Any]) -> None:
    """Remove the public "thinking" reply, so what follows can be said privately."""
    try:
        await interaction.delete_original_response()
    except discord.HTTPException as exc:
        log.warning("could not remove the deferred reply of %s: %s", interaction.id, exc)


@groups.trivia.command(name="stop", description="Stop the round in this channel.")
async def stop(interaction: discord.Interaction[Any]) -> None:
    bot: TriviaBot = interaction.client
    guild_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)  # before any database call
    channel_id = interaction.channel_id or 0
    session = bot.service.session(channel_id)
    if session is None:
        raise NoRoundRunning()
    player = player_of(interaction.user)
    # the starter needs no look-up, so can stop their round during a database outage
    admin = await starter_or_admin(bot, interaction, session, player)
    session = bot.service.request_stop(channel_id, player, is_admin=admin)
    cog = bot.get_cog("Rounds")
    runner = cog.runners.get(channel_id) if isinstance(cog, Rounds) else None
    if runner is None or runner.done:  # no runner will read the request: end it here
        await end_unrun(bot, session, session.stop_requested or "stopped")
        await private(interaction, "Stopped the round; points so far are kept.")
        return
    await private(interaction, "Stopping the round; points so far are kept.")


@groups.trivia.command(name="skip", description="Vote to skip the question on screen.")
async def skip(interaction: discord.Interaction[Any]) -> None:
    """The Skip button's twin; the starter's or an admin's vote skips at once."""
    bot: TriviaBot = interaction.client
    guild_of(interaction)
    await skip_vote(bot, interaction, None, None)
