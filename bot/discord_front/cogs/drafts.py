"""/trivia-admin draft: questions drafted from an uploaded article, reviewed one at a time."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.banks.draft.article import MAX_ARTICLE_BYTES
from bot.banks.draft.build import slug
from bot.banks.offload import CheckFailed, DraftedFile, DraftOptions
from bot.discord_front import groups, limits
from bot.discord_front.cogs.questions import MODAL_SECONDS, custom
from bot.discord_front.components import FORM_PREFIX, Dialog
from bot.discord_front.permissions import guild_of, known_admin, require_admin
from bot.discord_front.replies import private
from bot.engine.errors import TriviaError
from bot.game.drafts import DraftReview

if TYPE_CHECKING:
    from bot.discord_front.client import TriviaBot

# idle time before the review closes; below the 15 minutes an interaction token lives, so
# the last click's token can still disable the buttons
REVIEW_SECONDS = 600


def _listed(items: Any, limit: int = limits.EMBED_FIELD_VALUE) -> str:
    return limits.safe(", ".join(str(i) for i in items), limit) or "none"


class DraftEditModal(discord.ui.Modal):
    """The current draft's words, prefilled; the edit must still be proved by its evidence."""

    def __init__(self, view: DraftReviewView, values: dict[str, str]) -> None:
        self.token = view.bot.dialogs.open()
        number = view.review.position + 1
        super().__init__(
            title=limits.cut(
                f"Edit draft {number} of {len(view.review.drafts)}", limits.MODAL_TITLE
            ),
            custom_id=f"{FORM_PREFIX}{self.token}",
            timeout=MODAL_SECONDS,
        )
        self.review_view = view
        self.position = view.review.position
        paragraph = discord.TextStyle.paragraph
        self.text: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Question", style=paragraph, max_length=1000, default=values["question"]
        )
        self.answers: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Accepted answers, one per line",
            style=paragraph,
            max_length=1000,
            default=values["answers"],
        )
        self.distractors: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Wrong choices, one per line",
            style=paragraph,
            required=False,
            max_length=1000,
            default=values["distractors"],
        )
        self.explanation: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Explanation shown after the reveal",
            style=paragraph,
            required=False,
            max_length=1000,
            default=values["explanation"],
        )
        for item in (self.text, self.answers, self.distractors, self.explanation):
            self.add_item(item)

    async def on_timeout(self) -> None:
        self.review_view.bot.dialogs.close(self.token)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        view = self.review_view
        await admin_in_time(interaction, view.bot)
        if view.is_finished() or view.review.position != self.position:
            raise TriviaError("This draft is no longer under review; the edit was not kept.")
        values = {
            "question": self.text.value,
            "answers": self.answers.value,
            "distractors": self.distractors.value,
            "explanation": self.explanation.value,
        }
        try:
            view.review.edit(**values)
        except TriviaError:
            view.retry = values  # the next Edit opens with what the admin typed
            raise
        view.retry = None
        await view.show(interaction)
        view.bot.dialogs.close(self.token)  # a form is submitted once; Edit opens a new one

    async def on_error(self, interaction: discord.Interaction[Any], error: Exception) -> None:
        await self.review_view.bot.on_tree_error(interaction, error)
        self.review_view.bot.dialogs.close(self.token)


class DraftReviewView(Dialog):
    """Keep / Edit / Skip one draft at a time, Done at any point; only its admin may press."""

    def __init__(
        self,
        bot: TriviaBot,
        interaction: discord.Interaction[Any],
        review: DraftReview,
        *,
        bank_id: str,
        intro: str,
        source_title: str,
    ) -> None:
        super().__init__(bot.dialogs, timeout=REVIEW_SECONDS)
        self.bot = bot
        self.actor_id = interaction.user.id
        self.guild_id = guild_of(interaction)
        self.review = review
        self.bank_id = bank_id
        self.intro = intro
        self.source_title = source_title
        self.retry: dict[str, str] | None = None
        self.saving = False
        self.last = interaction

    def embed(self) -> discord.Embed:
        review = self.review
        draft = review.current
        footer = (
            f"Kept {len(review.kept)} ({review.edited} edited) so far; Done saves them "
            f"into the bank {self.bank_id}."
        )
        for button in (self.keep, self.edit, self.skip):
            button.disabled = draft is None
        if draft is None:
            embed = discord.Embed(
                title=f"All {len(review.drafts)} drafts reviewed",
                description="Press Done to save the kept ones, all or none.",
            )
            embed.set_footer(text=footer)
            return embed
        embed = discord.Embed(
            title=limits.cut(
                f"Draft {review.position + 1} of {len(review.drafts)} · "
                f"{draft.get('category') or 'draft'}",
                limits.EMBED_TITLE,
            ),
            description=limits.safe(str(draft["question"]), limits.EMBED_DESCRIPTION),
        )
        embed.add_field(name="Answer", value=_listed(draft["answers"]), inline=False)
        embed.add_field(
            name="Wrong choices", value=_listed(draft.get("distractors") or ()), inline=False
        )
        evidence = limits.safe(str(draft.get("evidence") or ""), limits.EMBED_FIELD_VALUE - 2)
        embed.add_field(name="Evidence", value=f"“{evidence}”", inline=False)
        if draft.get("explanation"):
            embed.add_field(
                name="Explanation",
                value=limits.safe(str(draft["explanation"]), limits.EMBED_FIELD_VALUE),
                inline=False,
            )
        source = f"{self.source_title} ({draft.get('source')})"
        embed.add_field(name="Source", value=limits.safe(source, 300), inline=False)
        embed.set_footer(text=footer)
        return limits.fit_embed(embed)

    async def show(self, interaction: discord.Interaction[Any]) -> None:
        """The review message moves on to the next draft (or the end), in place."""
        if interaction.response.is_done():  # deferred for the admin check
            await interaction.edit_original_response(
                content=self.intro, embed=self.embed(), view=self
            )
        else:
            await interaction.response.edit_message(
                content=self.intro, embed=self.embed(), view=self
            )
        self.last = interaction

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Edit's form must be the first response: its admin check waits for the submit."""
        if interaction.user.id != self.actor_id:
            await private(interaction, "Only the admin who started this review can use it.")
            return False
        if (interaction.data or {}).get("custom_id") != self.edit.custom_id:
            await admin_in_time(interaction, self.bot)
        return True

    @discord.ui.button(label="Keep", style=discord.ButtonStyle.success)
    async def keep(
        self, interaction: discord.Interaction[Any], _button: discord.ui.Button[Any]
    ) -> None:
        self.review.keep()
        self.retry = None
        await self.show(interaction)

    @discord.ui.button(label="Edit", style=discord.ButtonStyle.primary)
    async def edit(
        self, interaction: discord.Interaction[Any], _button: discord.ui.Button[Any]
    ) -> None:
        draft = self.review.current
        if draft is None:
            raise TriviaError("Every draft has been reviewed; press Done to save the kept ones.")
        values = self.retry or {
            "question": str(draft["question"]),
            "answers": "\n".join(str(a) for a in draft["answers"]),
            "distractors": "\n".join(str(d) for d in draft.get("distractors") or ()),
            "explanation": str(draft.get("explanation") or ""),
        }
        await interaction.response.send_modal(DraftEditModal(self, values))

    @discord.ui.button(label="Skip", style=discord.ButtonStyle.secondary)
    async def skip(
        self, interaction: discord.Interaction[Any], _button: discord.ui.Button[Any]
    ) -> None:
        self.review.skip()
        self.retry = None
        await self.show(interaction)

    @discord.ui.button(label="Done", style=discord.ButtonStyle.secondary)
    async def done(
        self, interaction: discord.Interaction[Any], _button: discord.ui.Button[Any]
    ) -> None:
        # answered at once, whatever a busy database does to the save: then filled in
        if not interaction.response.is_done():  # the admin check may have deferred it
            await interaction.response.defer()
        if self.saving or self.is_finished():  # a second click while the first saves
            return
        review = self.review
        if not review.kept:
            self.finish()  # the press was answered (deferred) above
            await interaction.edit_original_response(
                content="Review ended: no drafts kept, nothing saved.", embed=None, view=None
            )
            return
        self.saving = True
        try:
            added = await review.save(custom(self.bot), self.guild_id, self.actor_id, self.bank_id)
        finally:
            self.saving = False  # a refused save leaves the review open, to try again
        self.finish()
        await interaction.edit_original_response(
            content=limits.cut(
                f"Added {len(added.question_ids)} drafts ({review.edited} edited) to this "
                f"server's bank `{added.bank_id}`; skipped {review.position - len(review.kept)}"
                f", not reviewed {len(review.drafts) - review.position}. "
                f"Play them with /trivia start bank:{added.bank_id}.",
                limits.CONTENT,
            ),
            embed=None,
            view=None,
        )

    async def on_timeout(self) -> None:
        """Idle too long: nothing is saved, the buttons go grey, and the message says so."""
        await super().on_timeout()
        await self.grey_out(
            f"This review timed out after {REVIEW_SECONDS / 60:g} idle minutes; nothing was "
            "saved. The attached file still holds every draft: mark the ones to keep "
            "`status: keep` and bring it back with /trivia-admin import."
        )

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, _item: discord.ui.Item[Any]
    ) -> None:
        await self.bot.on_tree_error(interaction, error)


async def admin_in_time(interaction: discord.Interaction[Any], bot: TriviaBot) -> None:
    """The admin check, deferred first when it reads the database (a manager role)."""
    if known_admin(interaction) is None and not interaction.response.is_done():
        await interaction.response.defer()
    await require_admin(interaction, bot.repo)


def _kinds(drafted: DraftedFile) -> str:
    counts: dict[str, int] = {}
    for q in drafted.questions:
        counts[str(q.get("category"))] = counts.get(str(q.get("category")), 0) + 1
    return ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))


class Drafts(commands.Cog):
    def __init__(self, bot: TriviaBot) -> None:
        self.bot = bot


@groups.admin.command(name="draft", description="Draft questions from an article, then review.")
@app_commands.describe(
    file="The article as a plain-text (UTF-8) file",
    bank="Bank the kept drafts go into (default: the file's name)",
    source_id="Id the drafts cite the article by (default: the file's name)",
    title="The article's headline (default: its first line)",
    published="The article's date, YYYY-MM-DD, for 'last year' (default: a 'date' line in it)",
)
async def draft(
    interaction: discord.Interaction[Any],
    file: discord.Attachment,
    bank: str | None = None,
    source_id: app_commands.Range[str, 1, 40] | None = None,
    title: app_commands.Range[str, 1, 100] | None = None,
    published: app_commands.Range[str, 10, 10] | None = None,
) -> None:
    bot: TriviaBot = interaction.client
    await interaction.response.defer(ephemeral=True, thinking=True)  # before any database call
    await require_admin(interaction, bot.repo)
    guild_id = guild_of(interaction)
    name = limits.safe(file.filename, 100)
    if file.size > MAX_ARTICLE_BYTES:
        raise TriviaError(
            f"{name} is {file.size:,} bytes; an article file is at most {MAX_ARTICLE_BYTES:,}."
        )
    day = _day(published)
    await bot.cooldowns.use("import", guild_id, interaction.user.id)
    bank_id = (bank or slug(Path(file.filename).stem)).strip().lower()
    options = DraftOptions(bank_id, source_id and slug(source_id), title, day)
    try:
        await custom(bot).check_batch(guild_id, bank_id, ())
        data = await file.read()
        drafted = await bot.checker.draft(
            data, filename=file.filename, options=options, banks_dir=bot.settings.banks_dir
        )
    except (CheckFailed, TriviaError) as exc:
        await private(interaction, limits.cut(f"Can't draft from {name}: {exc}", limits.CONTENT))
        return
    intro = limits.cut(
        f"**{len(drafted.questions)} drafts** from {name} ({_kinds(drafted)}). Keep, Edit or "
        f"Skip each one; Done saves the kept ones into `{bank_id}` at any point. The attached "
        "file holds every draft: edit it offline, mark the ones to keep `status: keep`, and "
        "bring it back with /trivia-admin import.",
        limits.CONTENT,
    )
    review = DraftReview(drafted.questions, drafted.folded_article)
    view = DraftReviewView(
        bot, interaction, review, bank_id=bank_id, intro=intro, source_title=drafted.title
    )
    await interaction.followup.send(
        intro,
        embed=view.embed(),
        view=view,
        file=discord.File(io.BytesIO(drafted.yaml.encode()), filename=f"{bank_id}.yaml"),
        ephemeral=True,
    )


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise TriviaError(
            f"published '{limits.safe(text, 20)}' is not a date like 2024-03-01."
        ) from None
