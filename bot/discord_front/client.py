"""The Discord bot: dependencies passed in, cogs loaded, one error handler for the tree."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot.banks.offload import Checker
from bot.discord_front import groups
from bot.discord_front.buckets import lighten_buckets
from bot.discord_front.cogs.daily import DAILY_PREFIX
from bot.discord_front.cogs.reports import REPORT_PREFIX, report_click
from bot.discord_front.components import Dialogs, shows_custom_id
from bot.discord_front.cooldowns import Cooldowns
from bot.discord_front.pacing import Pacer
from bot.discord_front.places import Places
from bot.discord_front.replies import Replies, private
from bot.engine.errors import TriviaError
from bot.game.service import TriviaService
from bot.settings import Settings
from bot.storage.errors import StorageError

if TYPE_CHECKING:
    from bot.discord_front.cogs.rounds import Rounds

log = logging.getLogger(__name__)

# open connections per host: REST calls and interaction replies share discord.com's; the
# shards' gateway websockets go to other hosts, so they never wait for one of these
REST_CONNECTIONS = 64


def build_intents(typed_answers: bool) -> discord.Intents:
    """Buttons need no privileged intent; typed answers need Message Content."""
    intents = discord.Intents.none()
    intents.guilds = True
    if typed_answers:
        intents.guild_messages = True
        intents.message_content = True
    return intents


class TriviaBot(commands.AutoShardedBot):
    """Everything the cogs need is handed in; nothing is read from the environment here."""

    def __init__(
        self,
        *,
        service: TriviaService,
        settings: Settings,
        question_pause: float = 4.0,
        **options: Any,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=build_intents(settings.typed_answers),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            shard_count=settings.shards.count,
            shard_ids=settings.shards.ids,
            **options,
        )
        self.service = service
        self.repo = service.repo
        self.catalog = service.catalog
        self.settings = settings
        self.question_pause = question_pause
        self.rounds: Rounds | None = None  # set in setup_hook; messages and clicks go to it
        # with several shard processes: waits for this shard's IDENTIFY turn (see sharding.py)
        self.identify_turn: Callable[[int], Awaitable[None]] | None = None
        self.dialogs = Dialogs()
        self.cooldowns = Cooldowns(self.repo)
        self.places = Places(self.repo)
        self.checker = Checker()  # import files are checked in a child process
        self.replies = Replies()  # started in setup_hook, once login made the pool
        self.pacer = Pacer(settings.rest_rate)
        self.http.request = self.pacer.wrap(self.http.request)  # type: ignore[method-assign]
        lighten_buckets(self.http)
        self.tree.on_error = self.on_tree_error

    async def login(self, token: str) -> None:
        """A bounded pool of connections to Discord, made here because it needs the loop.

        discord.py's default pool is unbounded: a burst of a thousand replies opened
        hundreds of new connections (each a TLS handshake, on Discord) instead of queueing
        for a few warm ones.
        """
        if self.http.connector is discord.utils.MISSING:
            self.http.connector = aiohttp.TCPConnector(limit=0, limit_per_host=REST_CONNECTIONS)
        await super().login(token)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Across processes the turn comes from the shared database; alone, discord.py's pause."""
        if self.identify_turn is None:
            await super().before_identify_hook(shard_id, initial=initial)
        else:
            await self.identify_turn(shard_id or 0)

    async def setup_hook(self) -> None:
        from bot.discord_front.cogs import (
            admin,
            boards,
            daily,
            drafts,
            questions,
            reports,
            review,
            rounds,
            seasons,
            servers,
        )

        self.replies.start(self.http)
        self.tree.add_command(groups.trivia)
        self.tree.add_command(groups.admin)
        self.rounds = rounds.Rounds(self)
        await self.add_cog(self.rounds)
        await self.add_cog(boards.Boards(self))
        await self.add_cog(questions.Questions(self))
        await self.add_cog(admin.Admin(self))
        await self.add_cog(servers.Servers(self))
        await self.add_cog(reports.Reports(self))
        await self.add_cog(drafts.Drafts(self))
        await self.add_cog(seasons.Seasons(self))
        await self.add_cog(daily.Daily(self))
        await self.add_cog(review.Reviews(self))
        if self.settings.dev_guild is not None and self.settings.shards.owns_shard_zero:
            synced = await self.sync_to(self.settings.dev_guild)
            log.info("synced %d commands to the dev guild %d", len(synced), self.settings.dev_guild)

    async def sync_to(self, guild_id: int | None) -> list[app_commands.AppCommand]:
        """Publish commands to one server (instant) or globally; only ever on request."""
        if guild_id is None:
            return await self.tree.sync()
        guild = discord.Object(guild_id)
        self.tree.copy_global_to(guild=guild)
        return await self.tree.sync(guild=guild)

    async def on_tree_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError | Exception
    ) -> None:
        """User mistakes are explained privately; anything else is logged and apologised for.

        Views and modals hand their errors here too, so every interaction fails the same way.
        """
        original = getattr(error, "original", error)
        if isinstance(original, TriviaError):
            await private(interaction, str(original))
        elif isinstance(error, app_commands.CheckFailure):
            await private(interaction, "You can't use this command here.")
        elif isinstance(original, StorageError):
            log.error(
                "guild %s channel %s: storage error: %s",
                interaction.guild_id,
                interaction.channel_id,
                original,
            )
            await private(
                interaction,
                "The scores database is unavailable right now; please try again in a minute.",
            )
        else:
            log.error(
                "guild %s channel %s: command %s failed",
                interaction.guild_id,
                interaction.channel_id,
                interaction.command.qualified_name if interaction.command else "?",
                exc_info=original,
            )
            await private(
                interaction, "Sorry, something went wrong on our side. It has been logged."
            )

    async def on_message(self, message: discord.Message, /) -> None:
        """Typed answers only: the bot has no text commands, so no prefix parser runs."""
        if self.rounds is not None:
            await self.rounds.typed_answer(message)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Clicks go to the Rounds cog; one whose custom_id is not on its message is forged.

        A click or form for a dialog that timed out (or died with a restart) is told so.
        """
        custom_id = (interaction.data or {}).get("custom_id")
        if interaction.type is discord.InteractionType.modal_submit:
            if isinstance(custom_id, str) and self.dialogs.expired(custom_id):
                await private(interaction, "This form has expired; nothing was saved.")
            return
        if interaction.type is not discord.InteractionType.component or not interaction.message:
            return
        if isinstance(custom_id, str) and self.dialogs.expired(custom_id):
            await private(interaction, "This dialog has expired; nothing changed.")
            return
        if isinstance(custom_id, str) and shows_custom_id(interaction.message, custom_id):
            if custom_id.startswith(REPORT_PREFIX):
                await report_click(self, interaction, custom_id)
                return
            if custom_id.startswith(DAILY_PREFIX):
                cog = self.get_cog("Daily")
                if cog is not None:
                    await cog.click(interaction, custom_id)  # type: ignore[attr-defined]
                return
            if self.rounds is not None:
                await self.rounds.click(interaction, custom_id)
            return
        log.warning(
            "guild %s channel %s: click with a custom_id not on message %s",
            interaction.guild_id,
            interaction.channel_id,
            interaction.message.id,
        )
        await private(interaction, "That button isn't on this message; nothing was recorded.")

    async def close(self) -> None:
        """Stop rounds (saved as stopped) before the connection goes."""
        rounds = self.get_cog("Rounds")
        if rounds is not None:
            await rounds.stop_all()  # type: ignore[attr-defined]
        daily = self.get_cog("Daily")
        if daily is not None:
            await daily.questions.stop()  # type: ignore[attr-defined]
        await super().close()
        await self.replies.close()
