"""The Report button on every reveal, its form, and /trivia-admin reports for the admins."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.discord_front import groups, limits
from bot.discord_front.components import FORM_PREFIX, Dialog
from bot.discord_front.permissions import guild_of, require_admin
from bot.discord_front.replies import private
from bot.engine.errors import TriviaError
from bot.engine.models import Player, Question
from bot.game.custom import CustomQuestions
from bot.game.reports import (
    MAX_NOTE,
    REASON_NAMES,
    QuestionReports,
    ReportDetails,
    reason_counts,
    split_key,
)
from bot.storage.records import ReportedQuestion

if TYPE_CHECKING:
    from bot.discord_front.client import TriviaBot

log = logging.getLogger(__name__)

REPORT_PREFIX = "trivia:rep:"
MODAL_SECONDS = 900  # the interaction token's life; a form submitted later is void
BROWSE_SECONDS = 600
MAX_NOTES_SHOWN = 8
FORM_READS_S = 2.0  # the reads before the report form, inside Discord's 3 s for a response


def reports(bot: TriviaBot) -> QuestionReports:
    return QuestionReports(bot.repo, bot.catalog, bot.service.clock)


def report_custom_id(question: Question) -> str:
    """Ids are slugs of at most 40 characters, so this stays within Discord's 100."""
    return f"{REPORT_PREFIX}{question.key}"


class ReportButton(discord.ui.View):
    """One button under a reveal; routed by custom_id, so it works after a restart too."""

    def __init__(self, question: Question) -> None:
        super().__init__(timeout=None)
        self.add_item(
            discord.ui.Button(
                label="Report",
                emoji="\N{TRIANGULAR FLAG ON POST}",
                style=discord.ButtonStyle.secondary,
                custom_id=report_custom_id(question),
            )
        )

    def is_dispatchable(self) -> bool:
        return False


async def report_click(
    bot: TriviaBot, interaction: discord.Interaction[Any], custom_id: str
) -> None:
    """Open the report form at once; one already sent is said instead.

    The form must be the first response, so nothing can be deferred: the reads before it
    get FORM_READS_S. Past that, a shipped question's form opens unchecked (a second report
    is still refused when sent); a server's own question, read from the database, is not.
    """
    try:
        guild_id = guild_of(interaction)
        key = custom_id.removeprefix(REPORT_PREFIX)
        service = reports(bot)
        bank_id, question_id = split_key(key)
        deadline = asyncio.get_running_loop().time() + FORM_READS_S
        try:
            async with asyncio.timeout_at(deadline):
                await service.check_can_report(guild_id, key, interaction.user.id)
        except TimeoutError:
            log.warning("guild %d: report check of %s timed out; form opened", guild_id, key)
        try:
            async with asyncio.timeout_at(deadline):  # shipped banks need no read
                question = await service.question(guild_id, bank_id, question_id)
        except TimeoutError:
            raise TriviaError(
                "The database is slow to answer right now; press Report again in a minute."
            ) from None
        if question is None:
            raise TriviaError("That question is no longer in this server's banks.")
        await interaction.response.send_modal(ReportModal(bot, question))
    except Exception as exc:  # every failure gets the tree's one answer
        await bot.on_tree_error(interaction, exc)


class ReportModal(discord.ui.Modal, title="Report this question"):
    def __init__(self, bot: TriviaBot, question: Question) -> None:
        self.token = bot.dialogs.open()
        super().__init__(custom_id=f"{FORM_PREFIX}{self.token}", timeout=MODAL_SECONDS)
        self.bot = bot
        self.key = question.key
        self.reason: discord.ui.Select[Any] = discord.ui.Select(
            options=[discord.SelectOption(label=n, value=r) for r, n in REASON_NAMES.items()],
            min_values=1,
            max_values=1,
        )
        self.note: discord.ui.TextInput[Any] = discord.ui.TextInput(
            style=discord.TextStyle.paragraph, required=False, max_length=MAX_NOTE
        )
        self.add_item(
            discord.ui.Label(
                text="What is wrong with it?",
                description=limits.cut(limits.clean(question.text), 100),
                component=self.reason,
            )
        )
        self.add_item(discord.ui.Label(text="Anything to add? (optional)", component=self.note))

    async def on_timeout(self) -> None:
        self.bot.dialogs.close(self.token)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)  # the save may stall
        reason = self.reason.values[0] if self.reason.values else ""
        row = await reports(self.bot).report(
            guild_of(interaction),
            Player(interaction.user.id, interaction.user.display_name, interaction.user.bot),
            self.key,
            reason,
            self.note.value or "",
        )
        await private(
            interaction,
            f"Thanks: your report ({REASON_NAMES[row.reason]}) is with this server's admins.",
        )

    async def on_error(self, interaction: discord.Interaction[Any], error: Exception) -> None:
        await self.bot.on_tree_error(interaction, error)


def report_embed(details: ReportDetails, page: int, pages: int) -> discord.Embed:
    s = details.summary
    embed = discord.Embed(
        title=limits.cut(f"Reports {page + 1}/{pages} · {s.bank_id}/{s.question_id}", 256),
        description=limits.safe(details.text, 1000) or "(question text unavailable)",
        colour=discord.Colour.orange(),
    )
    embed.add_field(
        name="Reports",
        value=limits.cut(f"{s.reports} · {reason_counts(details.counts)}", 1024),
        inline=False,
    )
    notes = [
        f"<t:{int(at)}:d> {REASON_NAMES[reason]}: {limits.safe(note, 300)}"
        for at, reason, note in details.notes[:MAX_NOTES_SHOWN]
    ]
    more = len(details.notes) - MAX_NOTES_SHOWN
    if more > 0:
        notes.append(f"…and {more} more.")
    embed.add_field(
        name="Notes", value=limits.cut("\n".join(notes) or "No notes.", 1024), inline=False
    )
    status = (
        "Disabled: never drawn in this server." if s.disabled else "Drawn in this server's rounds."
    )
    embed.add_field(name="Status", value=status, inline=False)
    embed.set_footer(text="Newest first. Edit is for this server's own questions.")
    return limits.fit_embed(embed)


class ReportsBrowser(Dialog):
    """One reported question per page, with what an admin can do about it."""

    def __init__(
        self, bot: TriviaBot, actor_id: int, guild_id: int, listed: list[ReportedQuestion]
    ) -> None:
        super().__init__(bot.dialogs, timeout=BROWSE_SECONDS)
        self.bot = bot
        self.actor_id = actor_id
        self.guild_id = guild_id
        self.listed = listed
        self.page = 0
        self.details: ReportDetails | None = None
        self.editable: Question | None = None  # the page's own question: Edit opens at once

    async def load(self) -> discord.Embed:
        service = reports(self.bot)
        summary = self.listed[self.page]
        self.details = await service.details(self.guild_id, summary)
        self.editable = (
            await service.question(self.guild_id, summary.bank_id, summary.question_id)
            if self.details.editable
            else None
        )
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= len(self.listed) - 1
        self.toggle.label = "Enable here" if self.details.summary.disabled else "Disable here"
        self.edit.disabled = not self.details.editable
        return report_embed(self.details, self.page, len(self.listed))

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id != self.actor_id:
            await private(interaction, "Only the admin who opened these reports can use them.")
            return False
        if (interaction.data or {}).get("custom_id") == self.edit.custom_id:
            return True  # its form must be the first response: checked on submit
        await interaction.response.defer()  # before the admin check and the page's reads
        await require_admin(interaction, self.bot.repo)
        return True

    async def _show(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.edit_original_response(embed=await self.load(), view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction[Any], _button: discord.ui.Button[Any]
    ) -> None:
        self.page = max(0, self.page - 1)
        await self._show(interaction)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(
        self, interaction: discord.Interaction[Any], _button: discord.ui.Button[Any]
    ) -> None:
        self.page = min(len(self.listed) - 1, self.page + 1)
        await self._show(interaction)

    @discord.ui.button(label="Disable here", style=discord.ButtonStyle.danger)
    async def toggle(
        self, interaction: discord.Interaction[Any], _button: discord.ui.Button[Any]
    ) -> None:
        summary = self.listed[self.page]
        disable = not summary.disabled
        key = f"{summary.bank_id}/{summary.question_id}"
        await reports(self.bot).set_disabled(self.guild_id, interaction.user.id, key, disable)
        self.listed[self.page] = replace(summary, disabled=disable)
        await self._show(interaction)

    @discord.ui.button(label="Edit question", style=discord.ButtonStyle.primary)
    async def edit(
        self, interaction: discord.Interaction[Any], _button: discord.ui.Button[Any]
    ) -> None:
        if self.editable is None:
            raise TriviaError("Only this server's own questions can be edited here.")
        await interaction.response.send_modal(EditQuestionModal(self.bot, self.editable))

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, _item: discord.ui.Item[Any]
    ) -> None:
        await self.bot.on_tree_error(interaction, error)


class EditQuestionModal(discord.ui.Modal, title="Edit this server's question"):
    def __init__(self, bot: TriviaBot, question: Question) -> None:
        self.token = bot.dialogs.open()
        super().__init__(custom_id=f"{FORM_PREFIX}{self.token}", timeout=MODAL_SECONDS)
        self.bot = bot
        self.bank_id = question.bank_id
        self.question_id = question.id
        paragraph = discord.TextStyle.paragraph
        self.text: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Question", style=paragraph, max_length=1000, default=question.text
        )
        self.answers: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Accepted answers, one per line",
            style=paragraph,
            max_length=1000,
            default="\n".join(question.answers),
        )
        self.distractors: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Wrong choices, one per line",
            style=paragraph,
            required=False,
            max_length=1000,
            default="\n".join(question.distractors),
        )
        self.explanation: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Explanation shown after the reveal",
            style=paragraph,
            required=False,
            max_length=1000,
            default=question.explanation or "",
        )
        for item in (self.text, self.answers, self.distractors, self.explanation):
            self.add_item(item)

    async def on_timeout(self) -> None:
        self.bot.dialogs.close(self.token)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)  # before any read
        await require_admin(interaction, self.bot.repo)
        q = await CustomQuestions(
            self.bot.repo, self.bot.catalog, self.bot.service.clock
        ).edit_from_form(
            guild_of(interaction),
            interaction.user.id,
            bank_id=self.bank_id,
            question_id=self.question_id,
            question=self.text.value,
            answers=self.answers.value,
            distractors=self.distractors.value,
            explanation=self.explanation.value,
        )
        await private(interaction, f"Saved `{q.bank_id}/{q.id}`: {limits.safe(q.text, 300)}")

    async def on_error(self, interaction: discord.Interaction[Any], error: Exception) -> None:
        await self.bot.on_tree_error(interaction, error)


@groups.admin.command(
    name="reports", description="Players' reports of bad questions, newest first."
)
async def reports_command(interaction: discord.Interaction[Any]) -> None:
    bot: TriviaBot = interaction.client
    guild_id = guild_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)  # before any database call
    await require_admin(interaction, bot.repo)
    listed = await reports(bot).reported(guild_id)
    if not listed:
        await private(interaction, "No reports on this server's questions.")
        return
    browser = ReportsBrowser(bot, interaction.user.id, guild_id, listed)
    embed = await browser.load()
    await interaction.followup.send(embed=embed, view=browser, ephemeral=True)


class Reports(commands.Cog):
    def __init__(self, bot: TriviaBot) -> None:
        self.bot = bot
