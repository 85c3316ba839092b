"""/trivia review: a member replays, privately, questions they got wrong here; no points."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.discord_front import groups, limits, render
from bot.discord_front.components import DIALOG_PREFIX, FORM_PREFIX, Dialog
from bot.discord_front.permissions import guild_of
from bot.discord_front.replies import private
from bot.engine.models import Bank
from bot.engine.review import Review, Verdict
from bot.game.review import missed_questions

if TYPE_CHECKING:
    from bot.discord_front.client import TriviaBot


# idle time before the review closes; below the 15 minutes an interaction token lives, so
# the last click's token can still grey out the buttons
REVIEW_SECONDS = 600
MODAL_SECONDS = 300
ACCEPTED_SHOWN = 5


class TypedAnswer(discord.ui.Modal):
    """A typed-only question is answered in a form, and judged as a typed round would."""

    def __init__(self, view: ReviewView) -> None:
        self.token = view.bot.dialogs.open()
        super().__init__(
            title=limits.cut(f"Question {view.review.position + 1}", limits.MODAL_TITLE),
            custom_id=f"{FORM_PREFIX}{self.token}",
            timeout=MODAL_SECONDS,
        )
        self.view_ = view
        self.position = view.review.position
        self.answer: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Your answer", max_length=200
        )
        self.add_item(self.answer)

    async def on_timeout(self) -> None:
        self.view_.bot.dialogs.close(self.token)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        view = self.view_
        try:
            if (
                view.is_finished()
                or view.review.position != self.position
                or (view.review.answered)
            ):
                await private(interaction, "This question was answered already.")
                return
            await view.show(interaction, view.review.guess(self.answer.value))
        finally:  # the form is answered: on_interaction has seen it with its token open
            view.bot.dialogs.close(self.token)

    async def on_error(self, interaction: discord.Interaction[Any], error: Exception) -> None:
        await self.view_.bot.on_tree_error(interaction, error)


class ReviewView(Dialog):
    """One question at a time: its choices (or a form), then the answer, then Next."""

    def __init__(
        self, bot: TriviaBot, interaction: discord.Interaction[Any], review: Review
    ) -> None:
        super().__init__(bot.dialogs, timeout=REVIEW_SECONDS)
        self.bot = bot
        self.member_id = interaction.user.id
        self.guild_id = guild_of(interaction)
        self.review = review
        self.banks: dict[str, Bank] = {}
        self.last = interaction

    def _button(
        self, tag: str, label: str, style: discord.ButtonStyle, callback: Any
    ) -> discord.ui.Button[Any]:
        button: discord.ui.Button[Any] = discord.ui.Button(
            label=limits.cut(label, limits.BUTTON_LABEL),
            style=style,
            custom_id=f"{DIALOG_PREFIX}{self.token}:{self.review.position}:{tag}",
        )
        button.callback = callback
        self.add_item(button)
        return button

    def embed(self, verdict: Verdict | None = None) -> discord.Embed:
        """The open question, or (after an answer) whether it was right and why."""
        self.clear_items()
        review = self.review
        replay = review.current
        assert replay is not None
        q = replay.question
        bank = self.banks.get(q.bank_id)
        title = f"Review {review.position + 1}/{len(review.replays)} · "
        title += limits.safe(bank.title if bank else q.bank_id, 100)
        if verdict is None:
            embed = discord.Embed(
                title=limits.cut(title, limits.EMBED_TITLE),
                description=limits.safe(q.text, limits.EMBED_DESCRIPTION),
                colour=render.BLURPLE,
            )
            for i, label in enumerate(replay.choices):
                self._button(f"c{i}", label, discord.ButtonStyle.secondary, self._chooser(i))
            if not replay.choices:
                self._button("type", "Type my answer", discord.ButtonStyle.primary, self._typed)
            self._button("show", "Show the answer", discord.ButtonStyle.secondary, self._reveal)
            self._button("done", "Stop", discord.ButtonStyle.secondary, self._done)
            embed.set_footer(text=f"{q.difficulty.value} · {q.category or 'general'} · no points")
            return limits.fit_embed(embed)
        embed = discord.Embed(
            title=limits.cut(title, limits.EMBED_TITLE),
            description=limits.safe(q.text, limits.EMBED_DESCRIPTION),
            colour=render.GREEN if verdict.right else render.GREY,
        )
        if verdict.guess:
            said = limits.safe(verdict.guess, 200) or "(blank)"
            mark = "right" if verdict.right else "not right"
            embed.add_field(name="You said", value=f"{said} · {mark}", inline=False)
        accepted = ", ".join(q.answers[:ACCEPTED_SHOWN]) + (
            ", …" if len(q.answers) > ACCEPTED_SHOWN else ""
        )
        embed.add_field(
            name="Answer",
            value=limits.safe(accepted, limits.EMBED_FIELD_VALUE) or "(blank)",
            inline=False,
        )
        why = limits.safe(q.explanation, limits.EMBED_FIELD_VALUE) if q.explanation else ""
        if why:
            embed.add_field(name="Why", value=why, inline=False)
        cite = bank.citation(q.source) if bank else None
        if cite:
            embed.set_footer(text=limits.cut(cite, limits.EMBED_FOOTER))
        last = review.position + 1 == len(review.replays)
        self._button("next", "Finish" if last else "Next", discord.ButtonStyle.primary, self._next)
        return limits.fit_embed(embed)

    async def show(self, interaction: discord.Interaction[Any], verdict: Verdict | None) -> None:
        await interaction.response.edit_message(content=None, embed=self.embed(verdict), view=self)
        self.last = interaction

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id != self.member_id:
            await private(interaction, "This review belongs to someone else.")
            return False
        return True

    def _chooser(self, index: int) -> Any:
        async def choose(interaction: discord.Interaction[Any]) -> None:
            await self.show(interaction, self.review.choose(index))

        return choose

    async def _typed(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_modal(TypedAnswer(self))

    async def _reveal(self, interaction: discord.Interaction[Any]) -> None:
        await self.show(interaction, self.review.reveal())

    async def _next(self, interaction: discord.Interaction[Any]) -> None:
        if self.review.next() is None:
            await self._done(interaction)
            return
        await self.show(interaction, None)

    async def _done(self, interaction: discord.Interaction[Any]) -> None:
        self.stop()
        review = self.review
        seen = len(review.verdicts)
        await interaction.response.edit_message(
            content=f"Review done: {review.right} of {seen} right this time. "
            "No points were given or taken.",
            embed=None,
            view=None,
        )
        self.finish()

    async def on_timeout(self) -> None:
        """Idle too long: the buttons go grey and the message says so."""
        await super().on_timeout()
        await self.grey_out(f"This review closed after {REVIEW_SECONDS // 60} idle minutes.")

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, _item: discord.ui.Item[Any]
    ) -> None:
        await self.bot.on_tree_error(interaction, error)


class Reviews(commands.Cog):
    def __init__(self, bot: TriviaBot) -> None:
        self.bot = bot


@groups.trivia.command(name="review", description="Replay questions you got wrong, privately.")
async def review(interaction: discord.Interaction[Any]) -> None:
    bot: TriviaBot = interaction.client
    guild_id = guild_of(interaction)
    # before the cooldown: a server's limits are read from the database the first time
    await interaction.response.defer(ephemeral=True, thinking=True)
    await bot.cooldowns.use("review", guild_id, interaction.user.id)
    questions = await missed_questions(bot.repo, bot.catalog, guild_id, interaction.user.id)
    if not questions:
        await private(
            interaction,
            "Nothing to review: you have not got any question wrong here yet (that this "
            "server still plays).",
        )
        return
    view = ReviewView(bot, interaction, Review(questions))
    view.banks = {b.id: b for b in await bot.catalog.available(guild_id)}
    intro = (
        f"Reviewing the {len(questions)} questions you most recently got wrong here. "
        "Only you see this; nothing you answer counts."
    )
    await interaction.followup.send(intro, embed=view.embed(), view=view, ephemeral=True)
