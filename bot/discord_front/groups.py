"""The two slash-command groups; feature modules add their commands to them."""

from __future__ import annotations

import discord
from discord import app_commands

trivia = app_commands.Group(
    name="trivia", description="Play trivia rounds and see the boards.", guild_only=True
)
admin = app_commands.Group(
    name="trivia-admin",
    description="Manage this server's trivia: questions, settings, boards.",
    guild_only=True,
    default_permissions=discord.Permissions(manage_guild=True),
)
