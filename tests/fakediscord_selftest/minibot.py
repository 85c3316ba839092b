"""A minimal discord.py bot exercising what the trivia bot uses, to test the fake against."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"answer:(?P<q>\d+):(?P<c>\w+)"
):
    """Persistent answer button; survives restarts because its state lives in custom_id."""

    def __init__(self, question: int, choice: str) -> None:
        super().__init__(
            discord.ui.Button(label=choice.upper(), custom_id=f"answer:{question}:{choice}")
        )
        self.question = question
        self.choice = choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> AnswerButton:
        return cls(int(match["q"]), match["c"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"you chose {self.choice}", ephemeral=True)


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    """A one-field modal; the submitted text is stored on the bot."""

    text: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Your feedback", max_length=200)

    def __init__(self, bot: MiniBot) -> None:
        super().__init__(custom_id="feedback-modal")
        self.bot = bot

    async def on_submit(self, interaction: discord.Interaction) -> None:
        self.bot.feedback.append(self.text.value)
        await interaction.response.send_message(f"thanks: {self.text.value}", ephemeral=True)


class MiniBot(commands.AutoShardedBot):
    """Slash commands, buttons, a modal and a typed-message command."""

    def __init__(self, guild_id: int, *, mentions_off: bool = True, **kwargs: Any) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        intents.members = True
        super().__init__(
            command_prefix="!",
            intents=intents,
            guild_ready_timeout=0.05,
            allowed_mentions=discord.AllowedMentions.none() if mentions_off else None,
            **kwargs,
        )
        self.guild_id = guild_id
        self.feedback: list[str] = []
        self.errors: list[BaseException] = []
        self.seen_messages: list[discord.Message] = []
        self._register()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Skip discord.py's 5 s pause before re-identifying; tests reconnect at once."""

    async def setup_hook(self) -> None:
        self.add_dynamic_items(AnswerButton)
        guild = discord.Object(self.guild_id)
        self.tree.copy_global_to(guild=guild)
        await self.tree.sync(guild=guild)

    async def on_message(self, message: discord.Message) -> None:
        self.seen_messages.append(message)
        if message.author.bot:
            return
        if message.guild is None:
            await message.channel.send(f"dm echo: {message.content}")
            return
        if message.content == "!count":
            sent = await message.channel.send("1")
            await sent.edit(content="2")

    def _register(self) -> None:
        tree = self.tree

        @tree.command(name="ping", description="Reply privately")
        async def ping(interaction: discord.Interaction, n: int = 1) -> None:
            await interaction.response.send_message(f"pong {n}", ephemeral=True)

        quiz = app_commands.Group(name="quiz", description="Quiz commands")

        @quiz.command(name="start", description="Post a question")
        @app_commands.describe(rounds="How many rounds")
        async def start(interaction: discord.Interaction, rounds: int) -> None:
            view = discord.ui.View(timeout=None)
            for choice in ("a", "b", "c", "d"):
                view.add_item(AnswerButton(1, choice))
            await interaction.response.send_message(f"Question 1 of {rounds}", view=view)

        tree.add_command(quiz)

        @tree.command(name="feedback", description="Open a modal")
        async def feedback(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(FeedbackModal(self))

        @tree.command(name="slow", description="Answers too late")
        async def slow(interaction: discord.Interaction) -> None:
            await asyncio.sleep(0.4)
            try:
                await interaction.response.send_message("late")
            except discord.HTTPException as exc:
                self.errors.append(exc)

        @tree.command(name="silent", description="Never answers")
        async def silent(interaction: discord.Interaction) -> None:
            return None

        @tree.command(name="double", description="Answers twice")
        async def double(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("one", ephemeral=True)
            interaction.response._response_type = None  # bypass discord.py's own guard
            try:
                await interaction.response.send_message("two", ephemeral=True)
            except discord.HTTPException as exc:
                self.errors.append(exc)

        @tree.command(name="announce", description="Post in the channel")
        async def announce(interaction: discord.Interaction, text: str) -> None:
            assert isinstance(interaction.channel, discord.abc.Messageable)
            try:
                await interaction.channel.send(text)
            except discord.HTTPException as exc:
                self.errors.append(exc)
            await interaction.response.send_message("posted", ephemeral=True)

        @tree.command(name="pick", description="Autocompleted topic")
        async def pick(interaction: discord.Interaction, topic: str) -> None:
            await interaction.response.send_message(f"topic {topic}", ephemeral=True)

        @pick.autocomplete("topic")
        async def pick_topic(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            topics = ["science", "sports", "history"]
            return [app_commands.Choice(name=t, value=t) for t in topics if t.startswith(current)]

        @tree.command(name="menu", description="Post a select menu")
        async def menu(interaction: discord.Interaction) -> None:
            view = discord.ui.View(timeout=60)
            select: discord.ui.Select[Any] = discord.ui.Select(
                custom_id="menu",
                options=[discord.SelectOption(label=x, value=x) for x in ("red", "blue")],
            )

            async def chosen(inner: discord.Interaction) -> None:
                await inner.response.edit_message(content=f"picked {select.values[0]}", view=None)

            select.callback = chosen  # type: ignore[method-assign]
            view.add_item(select)
            await interaction.response.send_message("choose", view=view)

        @tree.context_menu(name="Profile")
        async def profile(interaction: discord.Interaction, member: discord.Member) -> None:
            await interaction.response.send_message(f"profile of {member.name}", ephemeral=True)

        @tree.command(name="think", description="Defer, then follow up")
        async def think(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.followup.send("done thinking")
            await interaction.followup.send("and one more", ephemeral=True)
