"""FakeDiscord: an in-test Discord (REST + gateway) that the real discord.py client talks to."""

# Test helpers deliberately take timeout= like asyncio.wait_for does.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web

from .gateway import (
    INTENT_DIRECT_MESSAGES,
    INTENT_GUILD_MESSAGES,
    INTENT_MESSAGE_CONTENT,
    OP_INVALID_SESSION,
    OP_RECONNECT,
    PRIVILEGED_INTENTS,
    Gateway,
)
from .models import (
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    DM,
    FLAG_COMPONENTS_V2,
    FLAG_EPHEMERAL,
    FLAG_LOADING,
    PUBLIC_THREAD,
    VIEW_CHANNEL,
    FakeChannel,
    FakeGuild,
    FakeInteraction,
    FakeMember,
    FakeMessage,
    FakeRole,
    FakeUpload,
    FakeUser,
    SnowflakeGenerator,
    utcnow_iso,
)
from .rest import API_PREFIX, Fault, RestApi
from .validation import mention_problems

log = logging.getLogger("fakediscord")
T = TypeVar("T")

ENV_API_BASE = "TRIVIA_DISCORD_API_BASE"
ENV_GATEWAY = "TRIVIA_DISCORD_GATEWAY"

# Flags a bot may set when sending a message (SUPPRESS_EMBEDS, EPHEMERAL via interactions,
# SUPPRESS_NOTIFICATIONS, IS_COMPONENTS_V2).
_SETTABLE_FLAGS = 4 | FLAG_EPHEMERAL | 4096 | FLAG_COMPONENTS_V2
_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")

UserRef = FakeUser | FakeMember | int
ChannelRef = FakeChannel | int
MessageRef = FakeMessage | int


@dataclass
class World:
    """A ready-made guild, text channel and human users for the common test setup."""

    guild: FakeGuild
    channel: FakeChannel
    users: list[FakeUser]


class FakeDiscord:
    """A fake Discord API + gateway on 127.0.0.1 that records rule violations."""

    def __init__(
        self,
        *,
        token: str | None = None,
        bot_name: str = "TriviaBot",
        interaction_deadline: float = 3.0,
        token_lifetime: float = 15 * 60.0,
        channel_rate_limit: tuple[int, float] | None = (5, 5.0),
        global_rate_limit: int | None = 50,
        enforce_no_mentions: bool = True,
        dispatch_own_messages: bool = True,
        shard_count: int = 1,
        max_concurrency: int = 1,
        identify_spacing: float | None = None,
        session_start_total: int = 1000,
        heartbeat_interval_ms: int = 41_250,
        allowed_privileged_intents: int = PRIVILEGED_INTENTS,
        replay_buffer_size: int = 20_000,
        attachment_size_limit: int = 10 * 1024 * 1024,
        max_retained_interactions: int | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.ids = SnowflakeGenerator()
        self.token = token or f"fake.{secrets.token_urlsafe(18)}"
        self.interaction_deadline = interaction_deadline
        self.token_lifetime = token_lifetime
        self.channel_rate_limit = channel_rate_limit
        self.global_rate_limit = global_rate_limit
        self.enforce_no_mentions = enforce_no_mentions
        self.dispatch_own_messages = dispatch_own_messages
        self.shard_count = shard_count
        self.max_concurrency = max_concurrency
        self.identify_spacing = identify_spacing
        self.session_start_total = session_start_total
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.allowed_privileged_intents = allowed_privileged_intents
        self.replay_buffer_size = replay_buffer_size
        self.attachment_size_limit = attachment_size_limit
        self.max_retained_interactions = max_retained_interactions
        self.host = host
        self.port = port
        self.application_flags = 0

        self.application_id = self.ids.next()
        self.bot_user = FakeUser(self.application_id, bot_name, bot=True)
        self.owner_user = FakeUser(self.ids.next(), "guild-owner")
        self.users: dict[int, FakeUser] = {
            self.bot_user.id: self.bot_user,
            self.owner_user.id: self.owner_user,
        }
        self.guilds: dict[int, FakeGuild] = {}
        self.channels: dict[int, FakeChannel] = {}
        self.messages: dict[int, FakeMessage] = {}
        self.history: dict[int, list[FakeMessage]] = {}
        self.interactions: dict[int, FakeInteraction] = {}
        self.interactions_by_token: dict[str, FakeInteraction] = {}
        self.response_latencies: list[float] = []
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.command_syncs: list[str | None] = []
        self.reactions: list[tuple[int, str]] = []
        self.files: dict[int, FakeUpload] = {}
        self.cdn_downloads: list[str] = []

        self.violations: list[str] = []
        self.unknown_routes: list[str] = []
        self.errors_served: list[str] = []
        self.request_counts: Counter[str] = Counter()
        self.faults: list[Fault] = []

        self.gateway = Gateway(self)
        self.rest = RestApi(self)
        self._dms: dict[int, FakeChannel] = {}
        self._pending: deque[FakeInteraction] = deque()
        self._waiters: list[asyncio.Future[None]] = []
        self._runner: web.AppRunner | None = None
        self._sweeper: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> FakeDiscord:
        """Start serving on host:port (port 0 picks a free port)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/gateway/resume", self.gateway.handle)
        app.router.add_get("/attachments/{attachment_id}/{filename}", self._serve_file)
        app.router.add_get("/media/attachments/{attachment_id}/{filename}", self._serve_file)
        self.rest.install(app)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self._sweeper = asyncio.create_task(self._sweep_deadlines(), name="fakediscord-deadlines")
        log.debug("fake discord listening on %s", self.base_url)
        return self

    async def close(self) -> None:
        """Stop the server; close websockets first so shutdown does not wait on them."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            self._sweeper = None
        await self.gateway.shutdown()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        """REST base to put in discord.http.Route.BASE."""
        return f"http://{self.host}:{self.port}{API_PREFIX}"

    @property
    def cdn_origin(self) -> str:
        """Scheme, host and port that attachment url/proxy_url point at (the fake itself)."""
        return f"http://{self.host}:{self.port}"

    @property
    def gateway_url(self) -> str:
        """Gateway address to put in DiscordWebSocket.DEFAULT_GATEWAY."""
        return f"ws://{self.host}:{self.port}/gateway"

    @property
    def resume_gateway_url(self) -> str:
        """Address sent in READY; a separate path so tests can see discord.py resumed there."""
        return f"ws://{self.host}:{self.port}/gateway/resume"

    def env(self) -> dict[str, str]:
        """Environment variables a bot subprocess reads to point discord.py at this fake."""
        return {ENV_API_BASE: self.base_url, ENV_GATEWAY: self.gateway_url}

    # ------------------------------------------------------------------ world building

    def add_user(
        self, username: str, *, bot: bool = False, global_name: str | None = None
    ) -> FakeUser:
        """Create a user who can join guilds and interact."""
        user = FakeUser(self.ids.next(), username, bot=bot, global_name=global_name)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str = "Trivia Test Guild",
        *,
        owner: FakeUser | None = None,
        bot_permissions: int = DEFAULT_BOT_PERMISSIONS,
        everyone_permissions: int = DEFAULT_EVERYONE_PERMISSIONS,
        shard_id: int | None = None,
    ) -> FakeGuild:
        """Create a guild with @everyone, the bot's managed role, the owner and the bot.

        With several shards, guilds go round-robin to shards unless shard_id is given.
        """
        owner = owner or self.owner_user
        target = len(self.guilds) % self.shard_count if shard_id is None else shard_id
        gid = self.ids.next_for_shard(target, self.shard_count)
        guild = FakeGuild(gid, name, owner.id)
        guild.roles[gid] = FakeRole(gid, gid, "@everyone", everyone_permissions, 0)
        bot_role = FakeRole(
            self.ids.next(), gid, self.bot_user.username, bot_permissions, 1, True, self.bot_user.id
        )
        guild.roles[bot_role.id] = bot_role
        guild.members[owner.id] = FakeMember(owner, gid)
        guild.members[self.bot_user.id] = FakeMember(self.bot_user, gid, [bot_role.id])
        self.guilds[gid] = guild
        return guild

    def add_channel(
        self,
        guild: FakeGuild,
        name: str = "general",
        *,
        topic: str | None = None,
        overwrites: Iterable[dict[str, Any]] = (),
    ) -> FakeChannel:
        """Create a text channel; overwrites come from models.overwrite()."""
        channel = FakeChannel(
            self.ids.next(),
            guild.id,
            name,
            position=len(guild.channels),
            topic=topic,
            overwrites=list(overwrites),
        )
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        self.history[channel.id] = []
        return channel

    def add_thread(self, parent: FakeChannel, name: str = "thread") -> FakeChannel:
        """A public thread in a text channel; posting in it needs Send Messages in Threads.

        Threads are not in GUILD_CREATE here; the bot meets them in interactions.
        """
        assert parent.guild_id is not None
        thread = FakeChannel(
            self.ids.next(), parent.guild_id, name, type=PUBLIC_THREAD, parent_id=parent.id
        )
        self.channels[thread.id] = thread
        self.history[thread.id] = []
        return thread

    def add_role(self, guild: FakeGuild, name: str, permissions: int = 0) -> FakeRole:
        """Create a role above the existing ones."""
        role = FakeRole(self.ids.next(), guild.id, name, permissions, len(guild.roles))
        guild.roles[role.id] = role
        return role

    def add_member(
        self,
        guild: FakeGuild,
        user: FakeUser,
        *,
        roles: Iterable[FakeRole] = (),
        nick: str | None = None,
    ) -> FakeMember:
        """Make a user a member of a guild (before the bot connects, so GUILD_CREATE has it)."""
        member = FakeMember(user, guild.id, [r.id for r in roles], nick)
        guild.members[user.id] = member
        return member

    def setup_basic(self, *usernames: str) -> World:
        """Create one guild, a #trivia channel and member users (default: alice and bob)."""
        guild = self.add_guild()
        channel = self.add_channel(guild, "trivia")
        users = [self.add_user(n) for n in (usernames or ("alice", "bob"))]
        for u in users:
            self.add_member(guild, u)
        return World(guild, channel, users)

    def dm_channel(self, user: FakeUser) -> FakeChannel:
        """Return the DM channel between the bot and a user, creating it on first use."""
        channel = self._dms.get(user.id)
        if channel is None:
            channel = FakeChannel(self.ids.next(), None, "", type=DM, recipients=[user])
            self._dms[user.id] = channel
            self.channels[channel.id] = channel
            self.history[channel.id] = []
        return channel

    def upload(
        self,
        filename: str,
        data: bytes | str,
        *,
        content_type: str | None = None,
        description: str | None = None,
    ) -> FakeUpload:
        """A file a user attaches to a slash command option of type 11 (attachment).

        Pass the result as the option value; the fake puts it in data.resolved.attachments
        and serves the bytes at its url, so discord.py's Attachment.read() downloads them.
        The content type is guessed from the filename unless given.
        """
        raw = data.encode() if isinstance(data, str) else bytes(data)
        upload = FakeUpload(
            self.ids.next(), filename, raw, content_type, description, ephemeral=True
        )
        self.files[upload.id] = upload
        return upload

    def attachment_bytes(self, attachment: Mapping[str, Any] | int | str) -> bytes:
        """Return the bytes behind an attachment (its payload dict, or its id)."""
        aid = attachment["id"] if isinstance(attachment, Mapping) else attachment
        return self.files[int(aid)].data

    async def _serve_file(self, request: web.Request) -> web.StreamResponse:
        """The CDN: GET an attachment's url or proxy_url (no Authorization, like Discord)."""
        raw_id = request.match_info["attachment_id"]
        upload = self.files.get(int(raw_id)) if raw_id.isdigit() else None
        if upload is None or request.match_info["filename"] != upload.filename:
            return web.Response(status=404, text="404: Not Found")
        self.cdn_downloads.append(f"{upload.id}/{upload.filename}")
        self.notify()
        ctype = upload.content_type or "application/octet-stream"
        return web.Response(body=upload.data, headers={"Content-Type": ctype})

    def guilds_for_shard(self, shard_id: int) -> list[FakeGuild]:
        """Guilds a shard receives, by Discord's (guild_id >> 22) % num_shards formula."""
        return [g for g in self.guilds.values() if self.shard_for(g.id) == shard_id]

    def shard_for(self, guild_id: int | None) -> int:
        """Shard that carries a guild's events (DMs go to shard 0)."""
        if guild_id is None:
            return 0
        return (guild_id >> 22) % self.shard_count

    # ------------------------------------------------------------------ rules bookkeeping

    def violation(self, text: str) -> None:
        """Record a broken Discord rule; tests fail on these via assert_no_violations()."""
        self.violations.append(text)
        log.warning("discord rule violation: %s", text)
        self.notify()

    def assert_no_violations(self) -> None:
        """Fail the test with every recorded violation listed."""
        if self.violations:
            lines = "\n".join(f"  - {v}" for v in self.violations)
            raise AssertionError(f"{len(self.violations)} Discord rule violation(s):\n{lines}")

    def take_violations(self, contains: str = "") -> list[str]:
        """Remove and return violations containing a substring, for tests that expect them."""
        taken = [v for v in self.violations if contains in v]
        self.violations = [v for v in self.violations if contains not in v]
        return taken

    def check_mentions(self, body: Mapping[str, Any], where: str) -> None:
        """Record a violation when a new message does not switch mentions off."""
        if self.enforce_no_mentions:
            problems = mention_problems(dict(body))
            if problems:
                self.violation(f"{where}: " + "; ".join(problems))

    async def _sweep_deadlines(self) -> None:
        """Flag interactions that never got an initial response in time (cheap: one deque)."""
        interval = max(0.01, min(0.25, self.interaction_deadline / 4))
        pending = self._pending
        while True:
            await asyncio.sleep(interval)
            now = time.perf_counter()
            deadline = self.interaction_deadline
            while pending and now - pending[0].dispatched_at > deadline:
                ix = pending.popleft()
                if ix.initial is None and not ix.expired:
                    ix.expired = True
                    self.violation(f"{ix.describe()}: no initial response within {deadline}s")

    # ------------------------------------------------------------------ fault injection

    def inject_fault(
        self,
        method: str,
        pattern: str,
        status: int,
        *,
        count: int = 1,
        code: int = 0,
        message: str | None = None,
        retry_after: float = 0.05,
        is_global: bool = False,
        via: bool = True,
    ) -> Fault:
        """Make the next `count` matching REST calls fail.

        `pattern` is a route template ("/channels/{channel_id}/messages") or an fnmatch glob
        on the concrete path ("/channels/*/messages"); method "*" matches any. Status 429
        carries retry_after and the X-RateLimit/Via headers discord.py reads (via=False looks
        like a Cloudflare ban); 403 defaults to code 50013, 404 to 10008 Unknown Message.
        """
        fault = Fault(
            method.upper(),
            pattern,
            status,
            count,
            code,
            message,
            retry_after,
            is_global,
            via,
        )
        self.faults.append(fault)
        return fault

    def _take_fault(self, method: str, path: str, template: str) -> Fault | None:
        for fault in self.faults:
            if fault.count > 0 and fault.matches(method, path, template):
                fault.count -= 1
                fault.served.append(f"{method} {path}")
                if fault.count == 0:
                    self.faults.remove(fault)
                return fault
        return None

    async def close_gateway(self, code: int = 4000, *, shard_id: int = 0) -> None:
        """Close the bot's websocket; 4007/4009 (and other fatal codes) also end the session."""
        await self.gateway.close(code, shard_id)

    async def remove_bot_from_guild(self, guild: FakeGuild) -> None:
        """The bot is kicked, or a server admin removes the app: GUILD_DELETE (without
        `unavailable`, which would mean an outage), and later READYs leave the guild out."""
        self.guilds.pop(guild.id, None)
        await self._try_dispatch(guild.id, "GUILD_DELETE", {"id": str(guild.id)}, 0)
        self.notify()

    async def add_bot_to_guild(self, guild: FakeGuild) -> None:
        """The bot is invited (back) to a guild built earlier: GUILD_CREATE."""
        self.guilds[guild.id] = guild
        payload = guild.create_payload(full_members=False, bot_id=self.bot_user.id)
        del payload[
            "unavailable"
        ]  # as on a join: `unavailable: false` means "back after an outage"
        await self._try_dispatch(guild.id, "GUILD_CREATE", payload, 0)
        self.notify()

    async def send_reconnect(self, *, shard_id: int = 0) -> None:
        """Send op 7 RECONNECT: the bot should reconnect and resume."""
        await self.gateway.send_op(shard_id, {"op": OP_RECONNECT, "d": None})

    async def invalidate_session(self, *, resumable: bool = False, shard_id: int = 0) -> None:
        """Send op 9 INVALID_SESSION: the bot must re-identify unless resumable."""
        await self.gateway.send_op(shard_id, {"op": OP_INVALID_SESSION, "d": resumable})

    # ------------------------------------------------------------------ waiting

    def notify(self) -> None:
        """Wake wait_for() callers so they re-check their predicate."""
        if self._waiters:
            waiters, self._waiters = self._waiters, []
            for fut in waiters:
                if not fut.done():
                    fut.set_result(None)

    async def wait_for(
        self, predicate: Callable[[], T | None], timeout: float = 5.0, *, what: str | None = None
    ) -> T:
        """Wait until predicate() is truthy.

        Re-checked on every fake state change and every 20 ms, so predicates may also look
        at the bot's own state.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                label = what or getattr(predicate, "__name__", "condition")
                raise TimeoutError(f"{label} not met within {timeout}s")
            fut: asyncio.Future[None] = loop.create_future()
            self._waiters.append(fut)
            try:
                await asyncio.wait_for(fut, min(remaining, 0.02))
            except TimeoutError:
                pass

    async def wait_until_connected(
        self, timeout: float = 10.0, *, shards: Iterable[int] | None = None
    ) -> None:
        """Wait until every shard (or the given ones) got READY and its GUILD_CREATEs."""
        wanted = None if shards is None else list(shards)
        await self.wait_for(lambda: self.gateway.connected(wanted), timeout, what="gateway READY")

    async def wait_for_commands(
        self, guild: FakeGuild | None = None, timeout: float = 5.0
    ) -> list[dict[str, Any]]:
        """Wait until the bot registered commands (globally, or in a guild)."""
        if guild is None:
            return await self.wait_for(lambda: self.global_commands, timeout, what="commands")
        return await self.wait_for(
            lambda: self.guild_commands.get(guild.id), timeout, what="guild commands"
        )

    async def wait_for_message(
        self,
        channel: ChannelRef,
        predicate: Callable[[FakeMessage], bool] | None = None,
        timeout: float = 5.0,
        *,
        author: FakeUser | None = None,
        after: FakeMessage | int | None = None,
    ) -> FakeMessage:
        """Wait for a (non-ephemeral) message in a channel; default author is the bot."""
        ch = self._channel(channel)
        who = (author or self.bot_user).id
        floor = after.id if isinstance(after, FakeMessage) else (after or 0)

        def find() -> FakeMessage | None:
            for m in self.history.get(ch.id, []):
                if m.id > floor and m.author.id == who and not m.deleted:
                    if predicate is None or predicate(m):
                        return m
            return None

        return await self.wait_for(find, timeout, what=f"message in channel {ch.id}")

    async def wait_for_edit(
        self, message: FakeMessage, timeout: float = 5.0, *, edits: int = 1
    ) -> FakeMessage:
        """Wait until a message has been edited `edits` more times than now."""
        target = len(message.revisions) + edits
        await self.wait_for(
            lambda: len(message.revisions) >= target, timeout, what=f"edit of {message.id}"
        )
        return message

    async def wait_for_followups(
        self, ix: FakeInteraction, count: int = 1, timeout: float = 5.0
    ) -> list[FakeMessage]:
        """Wait until an interaction has at least `count` followups."""
        await self.wait_for(
            lambda: len(ix.followups) >= count, timeout, what=f"followups of {ix.describe()}"
        )
        return ix.followups

    # ------------------------------------------------------------------ lookups

    def _channel(self, ref: ChannelRef) -> FakeChannel:
        channel = ref if isinstance(ref, FakeChannel) else self.channels.get(ref)
        if channel is None:
            raise LookupError(f"unknown channel {ref!r}")
        return channel

    def _user(self, ref: UserRef) -> FakeUser:
        if isinstance(ref, FakeUser):
            return ref
        if isinstance(ref, FakeMember):
            return ref.user
        user = self.users.get(ref)
        if user is None:
            raise LookupError(f"unknown user {ref!r}")
        return user

    def _message(self, ref: MessageRef) -> FakeMessage:
        msg = ref if isinstance(ref, FakeMessage) else self.messages.get(ref)
        if msg is None or msg.deleted:
            raise LookupError(f"unknown or deleted message {ref!r}")
        return msg

    def messages_in(
        self, channel: ChannelRef, *, include_deleted: bool = False
    ) -> list[FakeMessage]:
        """Messages of a channel in order (ephemeral replies are not channel messages)."""
        ch = self._channel(channel)
        return [m for m in self.history.get(ch.id, []) if include_deleted or not m.deleted]

    def bot_messages(self, channel: ChannelRef) -> list[FakeMessage]:
        """Messages the bot posted in a channel (including interaction replies)."""
        return [m for m in self.messages_in(channel) if m.author.id == self.bot_user.id]

    def commands_for(self, guild: FakeGuild | None = None) -> list[dict[str, Any]]:
        """Registered commands: guild-specific ones first, then global ones."""
        local = self.guild_commands.get(guild.id, []) if guild is not None else []
        return [*local, *self.global_commands]

    def latencies(self) -> list[float]:
        """Dispatch-to-initial-response seconds of every answered interaction, in answer order.

        Kept even for interactions dropped by max_retained_interactions.
        """
        return list(self.response_latencies)

    def unfinished_deferrals(self) -> list[FakeInteraction]:
        """Interactions deferred with a 'thinking' message that was never filled in."""
        return [
            ix
            for ix in self.interactions.values()
            if ix.original is not None and ix.original.loading and not ix.original.deleted
        ]

    # ------------------------------------------------------------------ messages (used by REST)

    def _attachments(self, body: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Store the files of a multipart body on the CDN and describe them as attachments."""
        files = body.get("_files") or []
        described = {int(a["id"]): a for a in body.get("attachments") or [] if "id" in a}
        out: list[dict[str, Any]] = []
        for i, f in enumerate(files):
            meta = described.get(i, {})
            sent_type = f.get("content_type")
            upload = FakeUpload(
                self.ids.next(),
                meta.get("filename") or f["filename"],
                f.get("data", b""),
                # Discord decides the type from the file; discord.py always says octet-stream
                None if sent_type in (None, "application/octet-stream") else sent_type,
                meta.get("description"),
            )
            self.files[upload.id] = upload
            out.append(upload.payload(self.cdn_origin))
        return out

    def _attachment_data(self, attachments: list[dict[str, Any]]) -> dict[str, bytes]:
        return {
            a["id"]: self.files[int(a["id"])].data
            for a in attachments
            if int(a["id"]) in self.files
        }

    def _new_message(
        self,
        channel: FakeChannel,
        author: FakeUser,
        body: Mapping[str, Any],
        *,
        ephemeral_ok: bool = False,
        **extra: Any,
    ) -> FakeMessage:
        guild = self.guilds.get(channel.guild_id) if channel.guild_id is not None else None
        settable = _SETTABLE_FLAGS if ephemeral_ok else _SETTABLE_FLAGS & ~FLAG_EPHEMERAL
        msg = FakeMessage(
            id=self.ids.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=author,
            content=body.get("content") or "",
            embeds=list(body.get("embeds") or []),
            components=list(body.get("components") or []),
            flags=int(body.get("flags") or 0) & settable,
            allowed_mentions=body.get("allowed_mentions"),
            attachments=self._attachments(body),
            message_reference=body.get("message_reference"),
            member=guild.members.get(author.id) if guild is not None else None,
            raw=body if isinstance(body, dict) else dict(body),
            **extra,
        )
        msg.attachment_data = self._attachment_data(msg.attachments)
        self.messages[msg.id] = msg
        if not msg.ephemeral:
            self.history.setdefault(channel.id, []).append(msg)
            channel.last_message_id = msg.id
        return msg

    def store_bot_message(self, channel: FakeChannel, body: Mapping[str, Any]) -> FakeMessage:
        """Store a message the bot posted through REST."""
        msg = self._new_message(channel, self.bot_user, body)
        self.notify()
        return msg

    def store_interaction_message(
        self, ix: FakeInteraction, body: Mapping[str, Any]
    ) -> FakeMessage:
        """Store an interaction reply or followup (ephemeral ones only the user sees)."""
        channel = self.channels[ix.channel_id]
        # Message types: 20 slash command reply, 23 context menu reply, 0 otherwise.
        command_type = ix.payload["data"].get("type", 1) if ix.type == 2 else None
        msg = self._new_message(
            channel,
            self.bot_user,
            body,
            ephemeral_ok=True,
            type={None: 0, 1: 20}.get(command_type, 23),
            webhook_id=self.application_id,
            application_id=self.application_id,
            interaction=ix,
        )
        if int(body.get("flags") or 0) & FLAG_LOADING:
            msg.flags |= FLAG_LOADING
        if msg.ephemeral:
            msg.visible_to = ix.user.id
        self.notify()
        return msg

    def apply_edit(
        self, msg: FakeMessage, body: Mapping[str, Any], *, from_loading: bool = False
    ) -> None:
        """Apply an edit body to a message, keeping the previous state in msg.revisions."""
        msg.revisions.append(msg.snapshot())
        if "content" in body:
            msg.content = body["content"] or ""
        if "embeds" in body:
            msg.embeds = list(body["embeds"] or [])
        if "components" in body:
            msg.components = list(body["components"] or [])
        if "allowed_mentions" in body:
            msg.allowed_mentions = body["allowed_mentions"]
        if "attachments" in body or body.get("_files"):
            keep = {str(a.get("id")) for a in body.get("attachments") or []}
            msg.attachments = [a for a in msg.attachments if a["id"] in keep]
            msg.attachments.extend(self._attachments(body))
            msg.attachment_data = self._attachment_data(msg.attachments)
        if "flags" in body and body["flags"] is not None:
            settable = 4 | FLAG_COMPONENTS_V2
            msg.flags = (msg.flags & ~settable) | (int(body["flags"]) & settable)
        if from_loading:
            msg.flags &= ~FLAG_LOADING
        else:
            msg.edited_timestamp = utcnow_iso()
        msg.touch()
        self.notify()

    async def delete_message(self, msg: FakeMessage) -> None:
        """Mark a message deleted and tell the bot (MESSAGE_DELETE) if it was public."""
        msg.deleted = True
        self.notify()
        if msg.ephemeral:
            return
        data: dict[str, Any] = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
        if msg.guild_id is not None:
            data["guild_id"] = str(msg.guild_id)
        await self._try_dispatch(msg.guild_id, "MESSAGE_DELETE", data, self._msg_intent(msg))

    @staticmethod
    def _msg_intent(msg: FakeMessage) -> int:
        return INTENT_GUILD_MESSAGES if msg.guild_id is not None else INTENT_DIRECT_MESSAGES

    async def dispatch_message_event(self, event: str, msg: FakeMessage) -> None:
        """Echo the bot's own public message changes over the gateway, as Discord does."""
        if msg.ephemeral or not self.dispatch_own_messages:
            return
        await self._try_dispatch(msg.guild_id, event, msg.payload(), self._msg_intent(msg))

    async def _try_dispatch(self, guild_id: int | None, event: str, data: Any, intent: int) -> None:
        shard = self.shard_for(guild_id)
        if shard in self.gateway.live:
            await self.gateway.dispatch(shard, event, data, intent=intent)

    # ------------------------------------------------------------------ simulated users

    def _member_or_raise(self, guild: FakeGuild, user: FakeUser) -> FakeMember:
        member = guild.members.get(user.id)
        if member is None:
            raise LookupError(f"{user.username} is not a member of guild {guild.name}")
        return member

    async def send_user_message(
        self,
        channel: ChannelRef,
        user: UserRef,
        content: str,
        *,
        embeds: list[dict[str, Any]] | None = None,
        reply_to: FakeMessage | None = None,
    ) -> FakeMessage:
        """Have a user (or another bot) type a message; dispatches MESSAGE_CREATE.

        Like Discord, the bot only receives it with the GUILD_MESSAGES (or DIRECT_MESSAGES)
        intent, and the content is blanked without MESSAGE_CONTENT unless it is a DM or
        mentions the bot.
        """
        ch = self._channel(channel)
        author = self._user(user)
        shard = self.shard_for(ch.guild_id)
        self.gateway.session_for(shard)
        guild = self.guilds.get(ch.guild_id) if ch.guild_id is not None else None
        member: FakeMember | None = None
        if guild is not None:
            member = self._member_or_raise(guild, author)
            perms = guild.permissions_for(author.id, ch)
            if not perms & VIEW_CHANNEL:
                raise PermissionError(f"{author.username} cannot see #{ch.name}")
        body: dict[str, Any] = {"content": content, "embeds": embeds or []}
        if reply_to is not None:
            body["message_reference"] = {
                "message_id": str(reply_to.id),
                "channel_id": str(ch.id),
                "guild_id": _opt(ch.guild_id),
                "type": 0,
            }
        msg = self._new_message(ch, author, body)
        msg.mentions = [
            self.users[int(u)] for u in _USER_MENTION.findall(content) if int(u) in self.users
        ]
        if guild is not None:
            msg.mention_roles = [
                int(r) for r in _ROLE_MENTION.findall(content) if int(r) in guild.roles
            ]
            msg.member = member
        self.notify()
        payload = msg.payload()
        if reply_to is not None:
            payload = {**payload, "referenced_message": reply_to.payload()}
        intents = self.gateway.intents_for(shard)
        mentioned = any(u.id == self.bot_user.id for u in msg.mentions)
        if guild is not None and not intents & INTENT_MESSAGE_CONTENT and not mentioned:
            payload = {**payload, "content": "", "embeds": [], "attachments": [], "components": []}
        await self.gateway.dispatch(shard, "MESSAGE_CREATE", payload, intent=self._msg_intent(msg))
        return msg

    def _base_interaction(
        self, itype: int, channel: FakeChannel, user: FakeUser, data: dict[str, Any], name: str
    ) -> FakeInteraction:
        guild = self.guilds.get(channel.guild_id) if channel.guild_id is not None else None
        iid = self.ids.next()
        token = f"ix.{iid}.{secrets.token_urlsafe(24)}"
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": itype,
            "data": data,
            "token": token,
            "version": 1,
            "channel_id": str(channel.id),
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": self.attachment_size_limit,
        }
        if guild is not None:
            member = self._member_or_raise(guild, user)
            perms = guild.permissions_for(user.id, channel)
            if not perms & VIEW_CHANNEL:
                raise PermissionError(f"{user.username} cannot see #{channel.name}")
            bot_perms = guild.permissions_for(self.bot_user.id, channel)
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": guild.locale, "features": []},
                guild_locale=guild.locale,
                member={**member.payload(), "permissions": str(perms)},
                channel={**channel.payload(), "permissions": str(perms)},
                app_permissions=str(bot_perms),
                authorizing_integration_owners={"0": str(guild.id)},
                context=0,
            )
        else:
            payload.update(
                user=user.payload(),
                channel={**channel.payload(), "permissions": str(ALL_PERMISSIONS)},
                app_permissions=str(ALL_PERMISSIONS),
                authorizing_integration_owners={"0": "0"},
                context=1,
            )
        ix = FakeInteraction(
            id=iid,
            token=token,
            type=itype,
            user=user,
            guild_id=channel.guild_id,
            channel_id=channel.id,
            payload=payload,
            name=name,
        )
        return ix

    def _forget_old_interactions(self, limit: int) -> None:
        """Drop the oldest finished interactions (and their private replies) to cap memory."""
        while len(self.interactions) > limit:
            oldest = next(iter(self.interactions.values()))
            if oldest.initial is None and not oldest.expired:
                return
            del self.interactions[oldest.id]
            self.interactions_by_token.pop(oldest.token, None)
            for msg in (oldest.original, *oldest.followups):
                if msg is not None and msg.ephemeral:
                    self.messages.pop(msg.id, None)

    async def _dispatch_interaction(self, ix: FakeInteraction) -> FakeInteraction:
        shard = self.shard_for(ix.guild_id)
        self.gateway.session_for(shard)
        if self.max_retained_interactions is not None:
            self._forget_old_interactions(self.max_retained_interactions)
        self.interactions[ix.id] = ix
        self.interactions_by_token[ix.token] = ix
        ix.dispatched_at = time.perf_counter()
        self._pending.append(ix)
        await self.gateway.dispatch(shard, "INTERACTION_CREATE", ix.payload)
        return ix

    def _find_command(self, channel: FakeChannel, name: str, ctype: int) -> dict[str, Any]:
        guild = self.guilds.get(channel.guild_id) if channel.guild_id is not None else None
        for cmd in self.commands_for(guild):
            if cmd["name"] == name and cmd.get("type", 1) == ctype:
                return cmd
        known = sorted(c["name"] for c in self.commands_for(guild))
        raise LookupError(
            f"command {name!r} (type {ctype}) is not registered for this channel; "
            f"registered: {known} (did the bot sync its command tree?)"
        )

    def _check_command_permissions(
        self, cmd: dict[str, Any], channel: FakeChannel, user: FakeUser
    ) -> None:
        required = cmd.get("default_member_permissions")
        if required is None or channel.guild_id is None:
            return
        guild = self.guilds[channel.guild_id]
        perms = guild.permissions_for(user.id)
        needed = int(required)
        if perms & ADMINISTRATOR or perms == ALL_PERMISSIONS:
            return
        if needed == 0 or perms & needed != needed:
            raise PermissionError(
                f"Discord hides /{cmd['name']} from {user.username}: needs permissions {needed}"
            )

    def _resolve_value(
        self, opt: dict[str, Any], value: Any, channel: FakeChannel, resolved: dict[str, Any]
    ) -> Any:
        otype = opt.get("type")
        name = opt.get("name")
        guild = self.guilds.get(channel.guild_id) if channel.guild_id is not None else None
        if otype == 3:
            value = str(value)
            lo, hi = opt.get("min_length", 0), opt.get("max_length", 6000)
            if not lo <= len(value) <= hi:
                raise ValueError(f"option {name}: length {len(value)} outside {lo}..{hi}")
        elif otype == 4:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"option {name}: {value!r} is not an integer")
        elif otype == 10:
            value = float(value)
        elif otype == 5:
            if not isinstance(value, bool):
                raise ValueError(f"option {name}: {value!r} is not a boolean")
        elif otype in (6, 9) and not isinstance(value, FakeRole):
            user = self._user(value)
            resolved.setdefault("users", {})[str(user.id)] = user.payload()
            if guild is not None and user.id in guild.members:
                member = guild.members[user.id]
                resolved.setdefault("members", {})[str(user.id)] = {
                    **member.payload(with_user=False),
                    "permissions": str(guild.permissions_for(user.id, channel)),
                }
            return str(user.id)
        elif otype in (8, 9):
            role = value if isinstance(value, FakeRole) else guild.roles[int(value)]  # type: ignore[union-attr]
            resolved.setdefault("roles", {})[str(role.id)] = role.payload()
            return str(role.id)
        elif otype == 7:
            target = self._channel(value)
            entry = {
                **target.payload(),
                "permissions": str(
                    guild.permissions_for(self.bot_user.id, target) if guild else ALL_PERMISSIONS
                ),
            }
            resolved.setdefault("channels", {})[str(target.id)] = entry
            return str(target.id)
        elif otype == 11:
            if not isinstance(value, FakeUpload):
                raise ValueError(f"option {name}: pass fake.upload(filename, data)")
            if value.size > self.attachment_size_limit:
                raise ValueError(
                    f"option {name}: {value.size} bytes is over the upload limit of "
                    f"{self.attachment_size_limit}"
                )
            self.files[value.id] = value
            resolved.setdefault("attachments", {})[str(value.id)] = value.payload(self.cdn_origin)
            return str(value.id)
        else:
            raise ValueError(f"option {name}: type {otype} is not supported by the fake")
        if otype in (4, 10):
            lo, hi = opt.get("min_value"), opt.get("max_value")
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                raise ValueError(f"option {name}: {value} outside {lo}..{hi}")
        choices = opt.get("choices")
        if choices and value not in [c["value"] for c in choices]:
            raise ValueError(f"option {name}: {value!r} is not one of the choices")
        return value

    def _command_data(
        self,
        channel: FakeChannel,
        user: FakeUser,
        name: str,
        options: Mapping[str, Any] | None,
        focused: str | None = None,
        *,
        bypass_permissions: bool = False,
    ) -> dict[str, Any]:
        parts = name.split()
        cmd = self._find_command(channel, parts[0], 1)
        if not bypass_permissions:
            self._check_command_permissions(cmd, channel, user)
        schema: dict[str, Any] = cmd
        path: list[dict[str, Any]] = []
        for part in parts[1:]:
            sub = next(
                (
                    o
                    for o in schema.get("options") or []
                    if o["name"] == part and o.get("type") in (1, 2)
                ),
                None,
            )
            if sub is None:
                raise LookupError(f"/{name}: no subcommand or group {part!r}")
            path.append(sub)
            schema = sub
        leaf_opts = schema.get("options") or []
        if any(o.get("type") in (1, 2) for o in leaf_opts):
            raise LookupError(f"/{name} is a group; name a subcommand too")
        values = dict(options or {})
        by_name = {o["name"]: o for o in leaf_opts}
        unknown = set(values) - set(by_name)
        if unknown:
            raise ValueError(f"/{name}: unknown options {sorted(unknown)}")
        resolved: dict[str, Any] = {}
        built: list[dict[str, Any]] = []
        for opt in leaf_opts:
            oname = opt["name"]
            if oname not in values:
                if opt.get("required") and oname != focused:
                    raise ValueError(f"/{name}: required option {oname!r} missing")
                continue
            if oname == focused:
                built.append(
                    {
                        "name": oname,
                        "type": opt["type"],
                        "value": str(values[oname]),
                        "focused": True,
                    }
                )
                continue
            value = self._resolve_value(opt, values[oname], channel, resolved)
            built.append({"name": oname, "type": opt["type"], "value": value})
        if focused is not None and focused not in by_name:
            raise ValueError(f"/{name}: focused option {focused!r} does not exist")
        for sub in reversed(path):
            built = [{"name": sub["name"], "type": sub["type"], "options": built}]
        data: dict[str, Any] = {"id": cmd["id"], "name": cmd["name"], "type": 1, "options": built}
        if resolved:
            data["resolved"] = resolved
        if "guild_id" in cmd:
            data["guild_id"] = cmd["guild_id"]
        return data

    async def invoke_slash(
        self,
        channel: ChannelRef,
        user: UserRef,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        bypass_permissions: bool = False,
    ) -> FakeInteraction:
        """Invoke a registered slash command ("trivia start" for subcommands) as a user.

        Options are checked against the registered schema (types, required, choices, ranges);
        user/channel/role options take Fake objects and are put in data.resolved; attachment
        options take `fake.upload(...)`. `bypass_permissions=True` lets the call through even
        when default_member_permissions would hide the command from this user, as Discord
        does after a server admin overrides the command's permissions (Server Settings ->
        Integrations). The member's real permissions are still sent.
        """
        ch = self._channel(channel)
        who = self._user(user)
        data = self._command_data(ch, who, name, options, bypass_permissions=bypass_permissions)
        ix = self._base_interaction(2, ch, who, data, f"/{name}")
        return await self._dispatch_interaction(ix)

    async def autocomplete(
        self,
        channel: ChannelRef,
        user: UserRef,
        name: str,
        options: Mapping[str, Any],
        focused: str,
        *,
        bypass_permissions: bool = False,
    ) -> FakeInteraction:
        """Send an autocomplete interaction (type 4) with `focused` being typed."""
        ch = self._channel(channel)
        who = self._user(user)
        data = self._command_data(
            ch, who, name, options, focused=focused, bypass_permissions=bypass_permissions
        )
        ix = self._base_interaction(4, ch, who, data, f"/{name} autocomplete {focused}")
        return await self._dispatch_interaction(ix)

    async def invoke_context_menu(
        self,
        channel: ChannelRef,
        user: UserRef,
        name: str,
        target: FakeUser | FakeMessage,
        *,
        bypass_permissions: bool = False,
    ) -> FakeInteraction:
        """Invoke a user (type 2) or message (type 3) context menu command."""
        ch = self._channel(channel)
        who = self._user(user)
        ctype = 3 if isinstance(target, FakeMessage) else 2
        cmd = self._find_command(ch, name, ctype)
        if not bypass_permissions:
            self._check_command_permissions(cmd, ch, who)
        resolved: dict[str, Any] = {}
        if isinstance(target, FakeMessage):
            resolved["messages"] = {str(target.id): target.payload()}
        else:
            self._resolve_value({"type": 6, "name": "target"}, target, ch, resolved)
        data: dict[str, Any] = {
            "id": cmd["id"],
            "name": name,
            "type": ctype,
            "target_id": str(target.id),
            "resolved": resolved,
        }
        if "guild_id" in cmd:
            data["guild_id"] = cmd["guild_id"]
        ix = self._base_interaction(2, ch, who, data, name)
        return await self._dispatch_interaction(ix)

    def _clickable(
        self,
        message: MessageRef,
        user: FakeUser,
        custom_id: str | None,
        label: str | None,
        ignore_ephemeral: bool = False,
    ) -> tuple[FakeMessage, dict[str, Any]]:
        msg = self._message(message)
        if msg.loading:
            raise ValueError(f"message {msg.id} is still loading; there is nothing to click")
        if msg.visible_to is not None and msg.visible_to != user.id and not ignore_ephemeral:
            raise PermissionError(f"message {msg.id} is ephemeral for another user")
        comp = msg.find_component(custom_id=custom_id, label=label)
        if comp is None:
            raise LookupError(
                f"message {msg.id} has no component {custom_id or label!r}; "
                f"it has {msg.custom_ids()}"
            )
        if comp.get("disabled"):
            raise ValueError(f"component {comp.get('custom_id')!r} is disabled")
        return msg, comp

    async def click_button(
        self,
        message: MessageRef,
        custom_id: str | None,
        user: UserRef,
        *,
        label: str | None = None,
        ignore_ephemeral: bool = False,
    ) -> FakeInteraction:
        """Click a button (by custom_id, or by label) on a message as a user (type 3).

        Another user's ephemeral message cannot be clicked (PermissionError), as in the
        Discord client; `ignore_ephemeral=True` forges such a click anyway, to test that the
        bot checks who pressed its buttons.
        """
        who = self._user(user)
        msg, comp = self._clickable(message, who, custom_id, label, ignore_ephemeral)
        if comp.get("type") != 2 or comp.get("style") in (5, 6):
            raise ValueError(f"component {comp.get('custom_id')!r} is not a clickable button")
        data = {"custom_id": comp["custom_id"], "component_type": 2}
        if "id" in comp:
            data["id"] = comp["id"]
        return await self._component_interaction(msg, who, data)

    async def select_menu(
        self, message: MessageRef, custom_id: str, user: UserRef, values: list[str]
    ) -> FakeInteraction:
        """Choose values in a select menu on a message as a user (type 3)."""
        who = self._user(user)
        msg, comp = self._clickable(message, who, custom_id, None)
        ctype = comp.get("type")
        if ctype not in (3, 5, 6, 7, 8):
            raise ValueError(f"component {custom_id!r} is not a select menu")
        lo, hi = comp.get("min_values", 1), comp.get("max_values", 1)
        if not lo <= len(values) <= hi:
            raise ValueError(f"select {custom_id!r} takes {lo}..{hi} values, got {len(values)}")
        if ctype == 3:
            allowed = {o["value"] for o in comp.get("options") or []}
            bad = [v for v in values if v not in allowed]
            if bad:
                raise ValueError(f"select {custom_id!r} has no options {bad}")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": ctype, "values": values}
        return await self._component_interaction(msg, who, data)

    async def _component_interaction(
        self, msg: FakeMessage, user: FakeUser, data: dict[str, Any]
    ) -> FakeInteraction:
        channel = self.channels[msg.channel_id]
        ix = self._base_interaction(3, channel, user, data, f"component {data['custom_id']}")
        ix.payload["message"] = msg.payload()
        ix.source_message = msg
        return await self._dispatch_interaction(ix)

    async def submit_modal(
        self,
        source: FakeInteraction,
        values: Mapping[str, str | list[str]],
        user: UserRef | None = None,
    ) -> FakeInteraction:
        """Submit the modal the bot opened in response to `source` (type 5).

        `values` maps each input's custom_id (or its visible label, handy when the bot lets
        discord.py generate custom_ids) to its text (or list of values for selects); inputs
        left out keep their pre-filled `value`. Required inputs and length limits are checked
        like the Discord client does.
        """
        modal = source.modal
        if modal is None:
            raise ValueError(f"{source.describe()} was not answered with a modal")
        who = self._user(user) if user is not None else source.user
        by_label = self.modal_inputs(source)
        ids = set(by_label.values())
        remaining = {
            (key if key in ids or key not in by_label else by_label[key]): value
            for key, value in values.items()
        }
        components: list[dict[str, Any]] = []
        for top in modal.get("components") or []:
            if top.get("type") == 1:
                inner = [self._modal_value(c, remaining) for c in top.get("components") or []]
                components.append({"type": 1, "components": inner})
            elif top.get("type") == 18:
                entry: dict[str, Any] = {
                    "type": 18,
                    "component": self._modal_value(top.get("component") or {}, remaining),
                }
                if "id" in top:
                    entry["id"] = top["id"]
                components.append(entry)
            elif top.get("type") == 10 and "id" in top:
                components.append({"type": 10, "id": top["id"]})
        if remaining:
            raise ValueError(f"modal {modal.get('custom_id')!r} has no inputs {sorted(remaining)}")
        data = {"custom_id": modal["custom_id"], "components": components}
        channel = self.channels[source.channel_id]
        ix = self._base_interaction(5, channel, who, data, f"modal {modal['custom_id']}")
        if source.source_message is not None and not source.source_message.deleted:
            ix.payload["message"] = source.source_message.payload()
            ix.source_message = source.source_message
        source.modal_submitted = True
        return await self._dispatch_interaction(ix)

    @staticmethod
    def modal_inputs(source: FakeInteraction) -> dict[str, str]:
        """Map each input's visible label to its custom_id in the modal `source` opened."""
        modal = source.modal
        if modal is None:
            raise ValueError(f"{source.describe()} was not answered with a modal")
        out: dict[str, str] = {}
        for top in modal.get("components") or []:
            if top.get("type") == 1:
                for comp in top.get("components") or []:
                    if "custom_id" in comp and "label" in comp:
                        out[comp["label"]] = comp["custom_id"]
            elif top.get("type") == 18:
                inner = top.get("component") or {}
                if "custom_id" in inner and "label" in top:
                    out[top["label"]] = inner["custom_id"]
        return out

    @staticmethod
    def _modal_value(comp: dict[str, Any], remaining: dict[str, Any]) -> dict[str, Any]:
        cid = comp.get("custom_id")
        ctype = comp.get("type")
        out: dict[str, Any] = {"type": ctype, "custom_id": cid}
        if "id" in comp:
            out["id"] = comp["id"]
        given = remaining.pop(cid, None) if cid is not None else None
        if ctype == 4:
            if given is None:  # the Discord client submits a pre-filled value unchanged
                given = comp.get("value")
            text = "" if given is None else str(given)
            if comp.get("required", True) and not text:
                raise ValueError(f"modal input {cid!r} is required")
            lo, hi = comp.get("min_length", 0), comp.get("max_length", 4000)
            if text and not lo <= len(text) <= hi:
                raise ValueError(f"modal input {cid!r}: length {len(text)} outside {lo}..{hi}")
            out["value"] = text
        else:
            chosen = [] if given is None else [given] if isinstance(given, str) else list(given)
            if comp.get("required", True) and not chosen and ctype in (3, 5, 6, 7, 8):
                raise ValueError(f"modal select {cid!r} is required")
            out["values"] = chosen
        return out

    # ------------------------------------------------------------------ summaries

    def summary(self) -> str:
        """One-paragraph description of what happened, handy in assertion messages."""
        answered = sum(1 for ix in self.interactions.values() if ix.initial is not None)
        return (
            f"{len(self.interactions)} interactions ({answered} answered), "
            f"{len(self.messages)} messages, {len(self.violations)} violations, "
            f"{self.gateway.connect_count} gateway connects, "
            f"{self.gateway.resumed_count} resumes, requests={dict(self.request_counts)}"
        )


def _opt(value: int | None) -> str | None:
    return None if value is None else str(value)
