"""Where and by whom rounds may start: the channels a server allows, the pause, the role."""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any

import discord

from bot.discord_front.permissions import guild_of, is_admin
from bot.engine.errors import NotAllowed
from bot.storage.repository import Repository

if TYPE_CHECKING:
    from bot.discord_front.client import TriviaBot

MAX_SHOWN = 20  # channels named in a refusal or in the settings before "and N more"


@dataclasses.dataclass(frozen=True, slots=True)
class Rules:
    channels: frozenset[int]  # empty: any channel
    starter_role_id: int | None  # None: everyone


class Places:
    """A server's rules, read once and kept until an admin changes them (as the cooldowns):
    every start checks them, and most servers never change them."""

    def __init__(self, repo: Repository) -> None:
        self._repo = repo
        self._rules: dict[int, Rules] = {}

    async def rules(self, guild_id: int) -> Rules:
        found = self._rules.get(guild_id)
        if found is None:
            channels = await self._repo.round_channels(guild_id)
            role = (await self._repo.guild_settings(guild_id)).starter_role_id
            found = self._rules[guild_id] = Rules(channels, role)
        return found

    def forget_guild(self, guild_id: int) -> None:
        self._rules.pop(guild_id, None)


def channel_parent(channel: Any) -> int | None:
    return getattr(channel, "parent_id", None)


def listed(channel: Any, allowed: frozenset[int]) -> bool:
    """A thread counts as its parent channel: allowing #quiz allows the threads in it."""
    return channel.id in allowed or channel_parent(channel) in allowed


def channel_list(interaction: discord.Interaction[Any], allowed: frozenset[int]) -> str:
    """The allowed channels as mentions (they render as links and ping no one)."""
    guild = interaction.guild
    existing = sorted(c for c in allowed if guild is None or guild.get_channel(c) is not None)
    if not existing:
        return (
            "none, as none of the listed channels exists any more (an admin can change that "
            "with /trivia-admin settings)"
        )
    shown = ", ".join(f"<#{c}>" for c in existing[:MAX_SHOWN])
    more = len(existing) - MAX_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


async def check_start(bot: TriviaBot, interaction: discord.Interaction[Any], channel: Any) -> None:
    """Refuse a start outside the allowed channels, too soon after the last round, or by a
    member without the starter role (admins always may start, but not outside the channels)."""
    guild_id = guild_of(interaction)
    rules = await bot.places.rules(guild_id)
    allowed = rules.channels
    if allowed and not listed(channel, allowed):
        raise NotAllowed(
            f"Rounds can't start in this channel. On this server they start in: "
            f"{channel_list(interaction, allowed)}."
        )
    wait = await bot.cooldowns.gap_left(guild_id, channel.id)
    if wait > 0:
        others = frozenset(c for c in allowed if c not in (channel.id, channel_parent(channel)))
        if not allowed:
            elsewhere = " You can start one in another channel."
        elif others:
            elsewhere = f" Rounds may also start in: {channel_list(interaction, others)}."
        else:
            elsewhere = ""
        raise NotAllowed(
            f"A round just ended here; the next one can start in {math.ceil(wait)} s." + elsewhere
        )
    role = rules.starter_role_id
    if role is None or any(r.id == role for r in getattr(interaction.user, "roles", ())):
        return
    if not await is_admin(interaction, bot.repo):
        raise NotAllowed(
            f"Only members with the <@&{role}> role, and trivia admins, can start rounds here."
        )


async def places_text(bot: TriviaBot, interaction: discord.Interaction[Any]) -> str:
    guild_id = guild_of(interaction)
    rules = await bot.places.rules(guild_id)
    allowed, role = rules.channels, rules.starter_role_id
    where = channel_list(interaction, allowed) if allowed else "any channel"
    who = f"members with <@&{role}>, and trivia admins" if role else "everyone"
    gap = await bot.cooldowns.round_gap(guild_id)
    return (
        f"Rounds start in: {where}\nWho may start rounds: {who}\n"
        f"Pause between two rounds in a channel: {gap:g} s"
    )
