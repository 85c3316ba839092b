"""Answering an interaction once, privately, whether or not it was answered already."""

from __future__ import annotations

import logging

import discord

from bot.discord_front.limits import CONTENT, cut

log = logging.getLogger(__name__)


async def private(interaction: discord.Interaction, text: str, **kwargs: object) -> None:
    """An ephemeral reply as the initial response, or as a followup if one was sent."""
    text = cut(text, CONTENT)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, **kwargs)  # type: ignore[arg-type]
        else:
            await interaction.response.send_message(text, ephemeral=True, **kwargs)  # type: ignore[arg-type]
    except discord.HTTPException as exc:
        log.warning(
            "guild %s channel %s: could not reply to interaction %s: %s",
            interaction.guild_id,
            interaction.channel_id,
            interaction.id,
            exc,
        )
