"""A tiny bot run as a separate process, pointed at the fake only through environment variables.

It shows the hook the real bot needs: read TRIVIA_DISCORD_API_BASE / TRIVIA_DISCORD_GATEWAY
and set discord.http.Route.BASE / DiscordWebSocket.DEFAULT_GATEWAY before connecting.
"""

from __future__ import annotations

import os

import discord
import discord.gateway
import discord.http
import yarl
from discord.ext import commands


def apply_discord_env() -> None:
    """Point discord.py at another Discord (the fake) when the variables are set."""
    api_base = os.environ.get("TRIVIA_DISCORD_API_BASE")
    gateway = os.environ.get("TRIVIA_DISCORD_GATEWAY")
    if api_base:
        discord.http.Route.BASE = api_base.rstrip("/")
    if gateway:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)


def main() -> None:
    """Run a bot with one guild-synced /ping command until terminated."""
    apply_discord_env()
    guild = discord.Object(int(os.environ["SELFTEST_GUILD_ID"]))
    bot = commands.AutoShardedBot(
        command_prefix="!",
        intents=discord.Intents.default(),
        allowed_mentions=discord.AllowedMentions.none(),
        guild_ready_timeout=0.05,
    )

    @bot.tree.command(name="ping", description="Reply privately", guild=guild)
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"pong from pid {os.getpid()}", ephemeral=True)

    @bot.listen()
    async def on_interaction(interaction: discord.Interaction) -> None:
        # Benchmark clicks: a constant ephemeral reply, nothing else.
        data = interaction.data or {}
        if interaction.type is discord.InteractionType.component and str(
            data.get("custom_id", "")
        ).startswith("bench:"):
            await interaction.response.send_message("ok", ephemeral=True)

    async def setup_hook() -> None:
        await bot.tree.sync(guild=guild)

    bot.setup_hook = setup_hook  # type: ignore[method-assign]
    bot.run(os.environ["SELFTEST_TOKEN"], log_handler=None)


if __name__ == "__main__":
    main()
