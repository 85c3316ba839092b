"""Who counts as a trivia admin, checked at run time on every admin action."""

from __future__ import annotations

import discord

from bot.engine.errors import NotAllowed, TriviaError
from bot.storage.repository import Repository


def guild_of(interaction: discord.Interaction) -> int:
    """The server an interaction came from; `guild_only` is only a hint to Discord's client.

    Never 0 in its place: that is the terminal game's server id.
    """
    if interaction.guild_id is None:
        raise TriviaError("Trivia works in servers only, not in direct messages.")
    return interaction.guild_id


NOT_ADMIN = (
    "You need the Manage Server permission, or this server's trivia manager role, to do that."
)


def known_admin(interaction: discord.Interaction) -> bool | None:
    """Whether the member is an admin, when that needs no database read; None when it does."""
    if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
        return False
    if interaction.permissions.manage_guild:
        return True
    # @everyone's id is the server's, and it never counts: a member with no other role is
    # no manager whatever the settings say, so a Skip click needs no database read (bench B1)
    if not {r.id for r in interaction.user.roles} - {interaction.guild_id}:
        return False
    return None


async def is_admin(interaction: discord.Interaction, repo: Repository) -> bool:
    """Manage Server, or the manager role a server configured."""
    known = known_admin(interaction)
    if known is not None:
        return known
    assert interaction.guild_id is not None and isinstance(interaction.user, discord.Member)
    settings = await repo.guild_settings(interaction.guild_id)
    return settings.manager_role_id in {r.id for r in interaction.user.roles}


async def require_admin(interaction: discord.Interaction, repo: Repository) -> None:
    """Server admins can change who sees a command; we check again regardless."""
    if not await is_admin(interaction, repo):
        raise NotAllowed(NOT_ADMIN)
