"""/trivia-admin add, import, export, questions and remove: a server's own questions."""

from __future__ import annotations

import asyncio
import io
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.banks.offload import CheckedFile, CheckFailed
from bot.banks.parts import export_files, messages
from bot.discord_front import groups, limits
from bot.discord_front.components import FORM_PREFIX, Dialog
from bot.discord_front.permissions import NOT_ADMIN, guild_of, known_admin, require_admin
from bot.discord_front.replies import private
from bot.engine.errors import NotAllowed, TriviaError
from bot.engine.models import Bank
from bot.game.custom import CustomQuestions

if TYPE_CHECKING:
    from bot.discord_front.client import TriviaBot

MAX_UPLOAD = 5 * 1024 * 1024
PENDING_SECONDS = 600
MODAL_SECONDS = 900  # Discord keeps the interaction token 15 minutes; the form is void after
LIST_PAGE = 15


def custom(bot: TriviaBot) -> CustomQuestions:
    return CustomQuestions(bot.repo, bot.catalog, bot.service.clock)


class AddQuestionModal(discord.ui.Modal, title="Add a trivia question"):
    question: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Question", style=discord.TextStyle.paragraph, max_length=1000
    )
    answers: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Accepted answers, one per line", style=discord.TextStyle.paragraph, max_length=1000
    )
    distractors: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Wrong choices, one per line (3 for buttons)",
        style=discord.TextStyle.paragraph,
        required=False,
        max_length=1000,
    )
    explanation: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Explanation shown after the reveal",
        style=discord.TextStyle.paragraph,
        required=False,
        max_length=1000,
    )
    bank: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Bank name", default="custom", max_length=40
    )

    def __init__(self, bot: TriviaBot) -> None:
        # a dismissed form is never submitted; without a timeout it stayed in memory for good
        self.token = bot.dialogs.open()
        super().__init__(custom_id=f"{FORM_PREFIX}{self.token}", timeout=MODAL_SECONDS)
        self.bot = bot

    async def on_timeout(self) -> None:
        self.bot.dialogs.close(self.token)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)  # before any read
        await require_admin(interaction, self.bot.repo)
        q = await custom(self.bot).add_from_form(
            guild_of(interaction),
            interaction.user.id,
            bank_id=self.bank.value,
            question=self.question.value,
            answers=self.answers.value,
            distractors=self.distractors.value,
            explanation=self.explanation.value,
        )
        await private(interaction, f"Added `{q.bank_id}/{q.id}`: {limits.safe(q.text, 300)}")

    async def on_error(self, interaction: discord.Interaction[Any], error: Exception) -> None:
        await self.bot.on_tree_error(interaction, error)


@dataclass
class PendingImport:
    """A dry run waiting for Confirm: the checked questions compressed, not parsed objects."""

    guild_id: int
    actor_id: int
    bank_id: str
    checked: CheckedFile


class ImportConfirm(Dialog):
    """Confirm/Cancel for one dry-run; only the admin who asked can press them."""

    def __init__(self, bot: TriviaBot, pending: PendingImport) -> None:
        super().__init__(bot.dialogs, timeout=PENDING_SECONDS)
        self.bot = bot
        self.pending = pending
        self.busy = False

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id != self.pending.actor_id:
            await private(interaction, "Only the admin who started this import can confirm it.")
            return False
        return True

    @discord.ui.button(label="Confirm import", style=discord.ButtonStyle.success)
    async def confirm(
        self, interaction: discord.Interaction[Any], _button: discord.ui.Button[Any]
    ) -> None:
        # answered at once, whatever the import's size or a busy database: then filled in
        await interaction.response.defer()
        await require_admin(interaction, self.bot.repo)
        if self.busy or self.is_finished():  # a second click while the first runs: one import
            return
        self.busy = True
        p = self.pending
        try:
            added = await custom(self.bot).store(
                p.guild_id, p.actor_id, p.bank_id, p.checked.items(), action="import"
            )
        except TriviaError as exc:
            self.finish()
            await interaction.edit_original_response(
                content=limits.cut(str(exc), limits.CONTENT), view=None
            )
            return
        finally:  # a database outage leaves the dialog open, to press Confirm again
            self.busy = False
        self.finish()
        await interaction.edit_original_response(
            content=f"Imported {len(added.question_ids)} questions into `{added.bank_id}`.",
            view=None,
        )

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction[Any], _button: discord.ui.Button[Any]
    ) -> None:
        if self.busy:  # "nothing changed" would be untrue in a moment
            await private(interaction, "The import is already under way; it can't be cancelled.")
            return
        self.stop()  # at once: a Confirm pressed meanwhile must not import
        await interaction.response.edit_message(
            content="Import cancelled; nothing changed.", view=None
        )
        self.finish()

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, _item: discord.ui.Item[Any]
    ) -> None:
        await self.bot.on_tree_error(interaction, error)


class Questions(commands.Cog):
    def __init__(self, bot: TriviaBot) -> None:
        self.bot = bot


@groups.admin.command(name="add", description="Add a question to this server's bank.")
async def add(interaction: discord.Interaction[Any]) -> None:
    bot: TriviaBot = interaction.client
    guild_of(interaction)
    # the form must be the first response: a member who may hold the manager role (a read)
    # gets it and is checked on submit; one who can't be an admin is refused at once
    if known_admin(interaction) is False:
        raise NotAllowed(NOT_ADMIN)
    await interaction.response.send_modal(AddQuestionModal(bot))


@groups.admin.command(name="import", description="Import questions from a file (dry run first).")
@app_commands.describe(
    file="Our YAML, a Red trivia list (YAML), OpenTDB JSON, or CSV",
    bank="Bank to import into (default: the file's name)",
)
async def import_(
    interaction: discord.Interaction[Any], file: discord.Attachment, bank: str | None = None
) -> None:
    bot: TriviaBot = interaction.client
    guild_id = guild_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)  # before any database call
    await require_admin(interaction, bot.repo)
    if file.size > MAX_UPLOAD:
        raise TriviaError(f"That file is {file.size:,} bytes; the limit is {MAX_UPLOAD:,}.")
    await bot.cooldowns.use("import", guild_id, interaction.user.id)
    data = await file.read()
    bank_id = (bank or file.filename.rsplit(".", 1)[0]).strip().lower()
    name = limits.safe(file.filename, 100)
    try:
        checked = await bot.checker.check(data, bank_id=bank_id, filename=file.filename)
        if checked.question_ids:  # what Confirm would refuse, the dry run refuses first
            await custom(bot).check_batch(guild_id, bank_id, checked.question_ids)
    except (CheckFailed, TriviaError) as exc:
        await private(interaction, limits.cut(f"Can't import {name}: {exc}", limits.CONTENT))
        return
    del data
    lines = [
        f"**Dry run** of {name} into `{bank_id}`: "
        f"{len(checked.question_ids)} valid, {checked.problem_count} problems."
    ]
    lines += [f"- {limits.safe(p, 200)}" for p in checked.problems[:15]]
    if checked.problem_count > 15:
        lines.append(f"…and {checked.problem_count - 15} more.")
    if not checked.question_ids:
        lines.append("Nothing valid to import.")
        await private(interaction, limits.cut("\n".join(lines), limits.CONTENT))
        return
    lines.append("Confirm to import the valid questions (all of them, or none).")
    pending = PendingImport(guild_id, interaction.user.id, bank_id, checked)
    await interaction.followup.send(
        limits.cut("\n".join(lines), limits.CONTENT),
        view=ImportConfirm(bot, pending),
        ephemeral=True,
    )


@groups.admin.command(name="export", description="Download this server's questions as YAML.")
@app_commands.describe(bank="Which bank (default: all of this server's banks)")
async def export(interaction: discord.Interaction[Any], bank: str | None = None) -> None:
    bot: TriviaBot = interaction.client
    guild_id = guild_of(interaction)
    # before any database call; 5,000 long questions make 26 MB of YAML: built off the
    # loop, sent in parts that fit
    await interaction.response.defer(ephemeral=True, thinking=True)
    await require_admin(interaction, bot.repo)
    banks = await bot.catalog.custom_banks(guild_id)
    chosen = [banks[bank]] if bank in banks else list(banks.values()) if bank is None else []
    if bank is not None and not chosen and bank in bot.catalog.shipped:
        chosen = [bot.catalog.shipped[bank]]
    if not chosen:
        raise TriviaError(
            "This server has no questions of its own yet."
            if bank is None
            else f"No bank '{bank}' here."
        )
    limit = interaction.filesize_limit
    files = await asyncio.to_thread(export_files, chosen, limit)
    groups = messages(files, limit)
    total = sum(f.questions for f in files)
    split = sorted({f.bank_id for f in files if "-part" in f.filename})
    for i, group in enumerate(groups, 1):
        plural = "" if len(files) == 1 else "s"
        text = f"{total} questions in {len(files)} file{plural}." if i == 1 else ""
        if i == 1 and split:
            text += (
                " Banks too big for one attachment come in parts: import every part with "
                "the bank option set to its bank (" + ", ".join(split) + ")."
            )
        if len(groups) > 1:
            text += f" (message {i} of {len(groups)})"
        await interaction.followup.send(
            text.strip(),
            files=[discord.File(io.BytesIO(f.data), filename=f.filename) for f in group],
            ephemeral=True,
        )


@groups.admin.command(name="questions", description="List this server's questions.")
@app_commands.describe(bank="Which bank", page="Page number")
async def list_questions(
    interaction: discord.Interaction[Any],
    bank: str | None = None,
    page: app_commands.Range[int, 1, 1000] = 1,
) -> None:
    bot: TriviaBot = interaction.client
    guild_id = guild_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)  # before any database call
    await require_admin(interaction, bot.repo)
    banks: list[Bank] = list((await bot.catalog.custom_banks(guild_id)).values())
    questions = [q for b in banks if bank in (None, b.id) for q in b.questions]
    if not questions:
        raise TriviaError("No questions of this server's own yet. Add one with /trivia-admin add.")
    pages = math.ceil(len(questions) / LIST_PAGE)
    page = min(page, pages)
    shown = questions[(page - 1) * LIST_PAGE : page * LIST_PAGE]
    text = "\n".join(f"`{q.bank_id}/{q.id}` · {limits.safe(q.text, 150)}" for q in shown)
    embed = discord.Embed(
        title=f"This server's questions · page {page}/{pages}",
        description=limits.cut(text, limits.EMBED_DESCRIPTION),
    )
    await interaction.followup.send(embed=embed, ephemeral=True)


@groups.admin.command(name="remove", description="Remove one of this server's questions.")
@app_commands.describe(question_id="The id shown by /trivia-admin questions (bank/id)")
async def remove(interaction: discord.Interaction[Any], question_id: str) -> None:
    bot: TriviaBot = interaction.client
    guild_id = guild_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)  # before any database call
    await require_admin(interaction, bot.repo)
    bank_id, _, qid = question_id.strip().rpartition("/")
    await custom(bot).remove(guild_id, interaction.user.id, bank_id or "custom", qid)
    await private(interaction, f"Removed `{bank_id or 'custom'}/{qid}`.")
