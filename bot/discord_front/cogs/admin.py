"""/trivia-admin settings, reset-leaderboard and forget: server-wide changes, audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_front import groups, limits, places
from bot.discord_front.components import Dialog
from bot.discord_front.cooldowns import DEFAULTS, GAP, JOIN, ROUNDS
from bot.discord_front.permissions import guild_of, require_admin
from bot.discord_front.replies import private
from bot.engine.errors import NotAllowed, TriviaError
from bot.engine.rules import parse_mode
from bot.storage.records import AuditEntry, ServerChange, ServerChanged

if TYPE_CHECKING:
    from bot.discord_front.client import TriviaBot


RESET_SECONDS = 120


class ResetConfirm(Dialog):
    def __init__(self, bot: TriviaBot, actor_id: int) -> None:
        super().__init__(bot.dialogs, timeout=RESET_SECONDS)
        self.bot = bot
        self.actor_id = actor_id
        self.busy = False

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id != self.actor_id:
            await private(interaction, "Only the admin who asked can confirm this.")
            return False
        return True

    @discord.ui.button(label="Reset the leaderboard", style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction[Any], _button: discord.ui.Button[Any]
    ) -> None:
        # answered at once: clearing a big server's answers may take longer than 3 s
        await interaction.response.defer()
        await require_admin(interaction, self.bot.repo)
        if self.busy or self.is_finished():  # a second click while the first runs: one reset
            return
        self.busy = True
        guild_id = guild_of(interaction)
        try:
            cleared = await self.bot.service.reset_leaderboard(guild_id, interaction.user.id)
        finally:  # a database outage leaves the dialog open, to press again
            self.busy = False
        # the reset and its audit row are one transaction: all that is left is to say so
        self.finish()
        await interaction.edit_original_response(
            content=f"Leaderboard reset: {cleared} players cleared.", view=None
        )

    async def on_timeout(self) -> None:
        """Unanswered: the buttons go grey and the message says nothing was reset."""
        await super().on_timeout()
        await self.grey_out(
            f"Nothing was reset: this confirmation expired after {RESET_SECONDS / 60:g} minutes."
        )

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction[Any], _button: discord.ui.Button[Any]
    ) -> None:
        if self.busy:
            await private(interaction, "The reset is already under way; it can't be cancelled.")
            return
        self.stop()  # at once: a Confirm pressed meanwhile must not reset
        await interaction.response.edit_message(content="Nothing was reset.", view=None)
        self.finish()

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, _item: discord.ui.Item[Any]
    ) -> None:
        """A refused Confirm (no longer an admin) is explained, not left unanswered."""
        await self.bot.on_tree_error(interaction, error)


def check_manager_role(interaction: discord.Interaction[Any], role: discord.Role) -> None:
    """Only Manage Server hands out admin rights, and never to every member at once."""
    if not interaction.permissions.manage_guild:
        raise NotAllowed("Only members with the Manage Server permission can set the manager role.")
    if role.is_default():
        raise NotAllowed(
            "@everyone can't be the manager role: it would make every member a trivia admin."
        )


def check_cooldown_named(
    cooldown: str | None, member_seconds: int | None, server_seconds: int | None
) -> None:
    """member_seconds and server_seconds set the cooldown of one action, which must be named."""
    if cooldown is None and (member_seconds is not None or server_seconds is not None):
        raise TriviaError(
            "Say which cooldown to set: choose start, board, page, stats, review or import. "
            "Nothing was saved."
        )


class Admin(commands.Cog):
    def __init__(self, bot: TriviaBot) -> None:
        self.bot = bot


@groups.admin.command(name="settings", description="Show or change this server's defaults.")
@app_commands.describe(
    questions="Questions per round (1-50)",
    seconds="Seconds per question",
    mode="Default answer mode",
    manager_role="Role that may use /trivia-admin besides Manage Server",
    cooldown="Which action member_seconds and server_seconds set the cooldowns of",
    member_seconds="Seconds one member waits between two uses of that action (0: none)",
    server_seconds="Seconds the whole server waits between two uses of it (0: none)",
    max_rounds="Rounds that may run at once in this server",
    guesses="Wrong guesses a player may make on one typed question (1-10)",
    add_channel="Let rounds start in this channel (once any is listed, only in those)",
    remove_channel="Take this channel off the list of channels rounds may start in",
    clear_channels="Let rounds start in any channel again",
    start_role="Role a member needs to start rounds (admins always may); @everyone: anyone",
    round_gap="Seconds a channel waits after a round ends before the next may start (0: none)",
    team_join="Seconds players have to join teams before a team round's first question",
)
async def settings(
    interaction: discord.Interaction[Any],
    questions: app_commands.Range[int, 1, 50] | None = None,
    seconds: app_commands.Range[int, 5, 120] | None = None,
    mode: Literal["buttons", "typed"] | None = None,
    manager_role: discord.Role | None = None,
    cooldown: Literal["start", "board", "page", "stats", "review", "import"] | None = None,
    member_seconds: app_commands.Range[int, 0, 3600] | None = None,
    server_seconds: app_commands.Range[int, 0, 3600] | None = None,
    max_rounds: app_commands.Range[int, 1, 500] | None = None,
    guesses: app_commands.Range[int, 1, 10] | None = None,
    add_channel: discord.TextChannel | discord.VoiceChannel | None = None,
    remove_channel: discord.TextChannel | discord.VoiceChannel | None = None,
    clear_channels: bool = False,
    start_role: discord.Role | None = None,
    round_gap: app_commands.Range[int, 0, 3600] | None = None,
    team_join: app_commands.Range[int, 10, 300] | None = None,
) -> None:
    bot: TriviaBot = interaction.client
    await interaction.response.defer(ephemeral=True, thinking=True)  # before any database call
    await require_admin(interaction, bot.repo)
    guild_id = guild_of(interaction)
    # every refusal before the first write: a change is applied whole or not at all
    if manager_role is not None:
        check_manager_role(interaction, manager_role)
    check_cooldown_named(cooldown, member_seconds, server_seconds)
    columns: dict[str, object] = {
        column: value
        for column, value in (
            ("questions", questions),
            ("seconds", None if seconds is None else float(seconds)),
            ("mode", None if mode is None else parse_mode(mode).value),
            ("manager_role_id", None if manager_role is None else manager_role.id),
            ("guesses", guesses),
        )
        if value is not None
    }
    changes = {
        k: v
        for k, v in (
            ("questions", questions),
            ("seconds", seconds),
            ("mode", mode),
            ("manager_role", manager_role),
            ("guesses", guesses),
        )
        if v is not None
    }
    starter_role_id = None if start_role is None or start_role.is_default() else start_role.id
    if start_role is not None:  # @everyone: everyone may start rounds
        columns["starter_role_id"] = starter_role_id
    limit_values = {
        name: float(value)
        for name, value in (
            (f"{cooldown}.member", member_seconds),
            (f"{cooldown}.server", server_seconds),
            (ROUNDS, max_rounds),
            (JOIN, team_join),
            (GAP, round_gap),
        )
        if value is not None
    }
    now = bot.service.clock.now()
    actor = interaction.user.id
    written: list[AuditEntry] = []

    def audits(found: ServerChanged) -> list[AuditEntry]:
        """The rows this change leaves in the audit log, written in its transaction."""
        rows = []
        if changes:
            detail = ", ".join(f"{k}={getattr(v, 'id', v)}" for k, v in changes.items())
            rows.append(AuditEntry(guild_id, actor, "settings", detail, now))
        limited = ", ".join(f"{k}={v:g}" for k, v in limit_values.items() if k != GAP)
        if limited:
            rows.append(AuditEntry(guild_id, actor, "limits", limited, now))
        moved = [
            text
            for text, done in (
                (f"channels cleared ({found.cleared})", clear_channels),
                (f"channel +{getattr(add_channel, 'id', 0)}", found.added),
                (f"channel -{getattr(remove_channel, 'id', 0)}", found.removed),
                (f"start_role={starter_role_id or 'everyone'}", start_role is not None),
                (f"{GAP}={round_gap}", round_gap is not None),
            )
            if done
        ]
        if moved:
            rows.append(AuditEntry(guild_id, actor, "round-places", ", ".join(moved), now))
        written.extend(rows)
        return rows

    change = ServerChange(
        guild_id,
        now,
        settings=columns,
        limits=limit_values,
        clear_channels=clear_channels,
        add_channel=None if add_channel is None else add_channel.id,
        remove_channel=None if remove_channel is None else remove_channel.id,
    )
    try:
        await bot.repo.change_server(change, audits)
    finally:  # read again: what the database holds now, changed or not
        bot.cooldowns.limits_changed(guild_id)
        bot.places.forget_guild(guild_id)
    effective = await bot.service.settings_for(guild_id)
    row = await bot.repo.guild_settings(guild_id)
    role = f"<@&{row.manager_role_id}>" if row.manager_role_id else "none (Manage Server only)"
    text = (
        ("Saved. " if written else "") + f"Questions per round: {effective.questions}\n"
        f"Seconds per question: {effective.seconds:g}\nMode: {effective.mode.value}\n"
        f"Manager role: {role}\n"
        + await limits_text(bot, guild_id)
        + f"\nGuesses per typed question: {effective.guesses}\n"
        + f"Team rounds: {await bot.cooldowns.join_seconds(guild_id):g} s to join\n"
        + await places.places_text(bot, interaction)
    )
    await private(interaction, limits.cut(text, limits.CONTENT))


async def limits_text(bot: TriviaBot, guild_id: int) -> str:
    lines = [f"Rounds at once: at most {await bot.cooldowns.max_rounds(guild_id)}"]
    for action in DEFAULTS:
        limit = await bot.cooldowns.limit(action, guild_id)
        lines.append(
            f"Cooldown {action}: {limit.member:g} s per member, {limit.server:g} s per server"
        )
    return "\n".join(lines)


@groups.admin.command(name="reset-leaderboard", description="Clear this server's leaderboard.")
async def reset_leaderboard(interaction: discord.Interaction[Any]) -> None:
    bot: TriviaBot = interaction.client
    await interaction.response.defer(ephemeral=True, thinking=True)  # before any database call
    await require_admin(interaction, bot.repo)
    confirm = ResetConfirm(bot, interaction.user.id)
    confirm.last = interaction  # a followup filling the deferral: @original
    await interaction.followup.send(
        "This deletes every answer and total on this server's boards. It cannot be undone. "
        "To start afresh and keep the history, start a season instead: "
        "/trivia-admin season start.",
        view=confirm,
        ephemeral=True,
    )


@groups.admin.command(name="forget", description="Delete a member's answers and totals here.")
@app_commands.describe(member="The member whose trivia data this server should forget")
async def forget(interaction: discord.Interaction[Any], member: discord.User) -> None:
    bot: TriviaBot = interaction.client
    await interaction.response.defer(ephemeral=True, thinking=True)  # before any database call
    await require_admin(interaction, bot.repo)
    guild_id = guild_of(interaction)
    removed = await bot.service.forget_member(guild_id, member.id, interaction.user.id)
    await private(
        interaction,
        f"Deleted {removed} answers and the totals of "
        f"{limits.safe(member.display_name, 64)} on this server.",
    )
