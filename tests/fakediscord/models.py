"""State objects of the fake Discord and the JSON payloads Discord would send for them."""

# Test helpers deliberately take timeout= like asyncio.wait_for does.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import datetime as dt
import mimetypes
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits (Discord "Permissions" table); only the ones the fake reasons about are named.
CREATE_INSTANT_INVITE = 1 << 0
ADMINISTRATOR = 1 << 3
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
CONNECT = 1 << 20
SPEAK = 1 << 21
CHANGE_NICKNAME = 1 << 26
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38
ALL_PERMISSIONS = (1 << 53) - 1

DEFAULT_EVERYONE_PERMISSIONS = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | CONNECT
    | SPEAK
    | CHANGE_NICKNAME
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)
DEFAULT_BOT_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | ADD_REACTIONS
    | USE_EXTERNAL_EMOJIS
    | MANAGE_MESSAGES
    | USE_APPLICATION_COMMANDS
)

# Message flags.
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
FLAG_COMPONENTS_V2 = 1 << 15

# Channel types.
GUILD_TEXT = 0
DM = 1
PUBLIC_THREAD = 11


def utcnow_iso() -> str:
    """Return an ISO timestamp because Discord payloads carry them as strings."""
    return dt.datetime.now(dt.UTC).isoformat()


class SnowflakeGenerator:
    """Hand out increasing snowflakes so discord.py derives sane creation times from ids."""

    __slots__ = ("_increment", "_last_ms")

    def __init__(self) -> None:
        self._last_ms = 0
        self._increment = 0

    def next(self) -> int:
        """Return a fresh snowflake; the timestamp part never goes backwards."""
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        if ms <= self._last_ms:
            ms = self._last_ms
            self._increment += 1
            if self._increment >= 4096:
                ms += 1
                self._increment = 0
        else:
            self._increment = 0
        self._last_ms = ms
        return (ms << 22) | (1 << 17) | self._increment

    def next_for_shard(self, shard_id: int, shard_count: int) -> int:
        """Return a snowflake that (id >> 22) % shard_count maps to shard_id, as guild ids do."""
        sf = self.next()
        ms = sf >> 22
        delta = (shard_id - ms) % shard_count
        if not delta:
            return sf
        self._last_ms = ms + delta
        self._increment = 0
        return (self._last_ms << 22) | (1 << 17)


@dataclass(eq=False)
class FakeUser:
    """A Discord user (human or bot) known to the fake."""

    id: int
    username: str
    bot: bool = False
    global_name: str | None = None

    def payload(self) -> dict[str, Any]:
        """Build the User object discord.py parses (needs discriminator and avatar keys)."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "public_flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data

    @property
    def mention(self) -> str:
        """Return the mention markup so tests can type mentions naturally."""
        return f"<@{self.id}>"


@dataclass(eq=False)
class FakeRole:
    """A guild role with a permission bitfield."""

    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    managed: bool = False
    bot_id: int | None = None

    def payload(self) -> dict[str, Any]:
        """Build the Role object (permissions as a string, like Discord)."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": False,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass(eq=False)
class FakeChannel:
    """A guild text channel or a DM channel."""

    id: int
    guild_id: int | None
    name: str
    type: int = GUILD_TEXT
    position: int = 0
    topic: str | None = None
    overwrites: list[dict[str, Any]] = field(default_factory=list)
    recipients: list[FakeUser] = field(default_factory=list)
    last_message_id: int | None = None
    parent_id: int | None = None  # a thread's channel; its permissions are the parent's

    @property
    def is_thread(self) -> bool:
        return self.type == PUBLIC_THREAD

    def payload(self) -> dict[str, Any]:
        """Build the Channel object as REST and GUILD_CREATE carry it."""
        if self.type == DM:
            return {
                "id": str(self.id),
                "type": DM,
                "last_message_id": _opt_str(self.last_message_id),
                "recipients": [u.payload() for u in self.recipients],
                "flags": 0,
            }
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "name": self.name,
            "position": self.position,
            "permission_overwrites": list(self.overwrites),
            "nsfw": False,
            "topic": self.topic,
            "parent_id": _opt_str(self.parent_id),
            "last_message_id": _opt_str(self.last_message_id),
            "rate_limit_per_user": 0,
            "flags": 0,
        }
        if self.is_thread:
            data.pop("permission_overwrites")
            data.update(
                owner_id="0",
                member_count=1,
                message_count=0,
                thread_metadata={
                    "archived": False,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": "2026-01-01T00:00:00+00:00",
                    "locked": False,
                },
            )
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        return data

    @property
    def mention(self) -> str:
        """Return the channel mention markup."""
        return f"<#{self.id}>"


def overwrite(target: FakeRole | FakeUser, allow: int = 0, deny: int = 0) -> dict[str, Any]:
    """Build a permission overwrite for a role or a member, for FakeChannel.overwrites."""
    kind = 0 if isinstance(target, FakeRole) else 1
    return {"id": str(target.id), "type": kind, "allow": str(allow), "deny": str(deny)}


@dataclass(eq=False)
class FakeMember:
    """A user's membership of a guild."""

    user: FakeUser
    guild_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=utcnow_iso)

    def payload(self, *, with_user: bool = True) -> dict[str, Any]:
        """Build the Guild Member object (discord.py 2.7 requires flags)."""
        data: dict[str, Any] = {
            "roles": [str(r) for r in self.roles],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        return data


@dataclass(eq=False)
class FakeGuild:
    """A guild with its roles, channels and members."""

    id: int
    name: str
    owner_id: int
    roles: dict[int, FakeRole] = field(default_factory=dict)
    channels: dict[int, FakeChannel] = field(default_factory=dict)
    members: dict[int, FakeMember] = field(default_factory=dict)
    locale: str = "en-US"

    @property
    def everyone(self) -> FakeRole:
        """Return the @everyone role, whose id equals the guild id."""
        return self.roles[self.id]

    def permissions_for(self, user_id: int, channel: FakeChannel | None = None) -> int:
        """Compute a member's permissions the way Discord documents it (roles, then overwrites)."""
        if user_id == self.owner_id:
            return ALL_PERMISSIONS
        member = self.members.get(user_id)
        role_ids = member.roles if member is not None else []
        perms = self.everyone.permissions
        for rid in role_ids:
            role = self.roles.get(rid)
            if role is not None:
                perms |= role.permissions
        if perms & ADMINISTRATOR:
            return ALL_PERMISSIONS
        if channel is not None and channel.parent_id is not None:
            channel = self.channels.get(channel.parent_id)
        if channel is None or not channel.overwrites:
            return perms
        by_id = {int(o["id"]): o for o in channel.overwrites}
        ow = by_id.get(self.id)
        if ow is not None:
            perms = (perms & ~int(ow["deny"])) | int(ow["allow"])
        allow = deny = 0
        for rid in role_ids:
            ow = by_id.get(rid)
            if ow is not None and ow["type"] == 0:
                allow |= int(ow["allow"])
                deny |= int(ow["deny"])
        perms = (perms & ~deny) | allow
        ow = by_id.get(user_id)
        if ow is not None and ow["type"] == 1:
            perms = (perms & ~int(ow["deny"])) | int(ow["allow"])
        if not perms & VIEW_CHANNEL:
            return 0
        return perms

    def create_payload(self, *, full_members: bool, bot_id: int) -> dict[str, Any]:
        """Build the GUILD_CREATE payload; without the members intent only the bot is listed."""
        members = [
            m.payload() for m in self.members.values() if full_members or m.user.id == bot_id
        ]
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": [r.payload() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": self.locale,
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "joined_at": utcnow_iso(),
            "large": False,
            "unavailable": False,
            "member_count": len(self.members),
            "voice_states": [],
            "members": members,
            "channels": [c.payload() for c in self.channels.values()],
            "threads": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


@dataclass(eq=False)
class FakeUpload:
    """A file on the fake's CDN: one a test user uploads, or one the bot attached to a message."""

    id: int
    filename: str
    data: bytes
    content_type: str | None = None
    description: str | None = None
    ephemeral: bool = False

    def __post_init__(self) -> None:
        if self.content_type is None:
            self.content_type = mimetypes.guess_type(self.filename)[0]

    @property
    def size(self) -> int:
        """Return the size in bytes, as Discord reports it."""
        return len(self.data)

    def path(self, *, proxy: bool = False) -> str:
        """Return the CDN path the fake serves the bytes on (url, or proxy_url)."""
        prefix = "/media/attachments" if proxy else "/attachments"
        return f"{prefix}/{self.id}/{quote(self.filename, safe='')}"

    def payload(self, origin: str) -> dict[str, Any]:
        """Build the Attachment object; url and proxy_url point at the fake itself."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "filename": self.filename,
            "size": self.size,
            "url": origin + self.path(),
            "proxy_url": origin + self.path(proxy=True),
        }
        if self.content_type is not None:
            data["content_type"] = self.content_type
        if self.description is not None:
            data["description"] = self.description
        if self.ephemeral:
            data["ephemeral"] = True
        return data


@dataclass(eq=False)
class MessageRevision:
    """What a message looked like before one edit, so tests can check edit history."""

    content: str
    embeds: list[dict[str, Any]]
    components: list[dict[str, Any]]
    flags: int
    at: float


@dataclass(eq=False)
class FakeMessage:
    """A message stored by the fake: channel messages, interaction replies and followups."""

    id: int
    channel_id: int
    guild_id: int | None
    author: FakeUser
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    allowed_mentions: dict[str, Any] | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    attachment_data: dict[str, bytes] = field(default_factory=dict)
    message_reference: dict[str, Any] | None = None
    mentions: list[FakeUser] = field(default_factory=list)
    mention_roles: list[int] = field(default_factory=list)
    type: int = 0
    timestamp: str = field(default_factory=utcnow_iso)
    edited_timestamp: str | None = None
    created_at: float = field(default_factory=time.perf_counter)
    revisions: list[MessageRevision] = field(default_factory=list)
    deleted: bool = False
    webhook_id: int | None = None
    application_id: int | None = None
    interaction: FakeInteraction | None = None
    visible_to: int | None = None
    member: FakeMember | None = None
    raw: dict[str, Any] | None = None
    _cache: dict[str, Any] | None = None

    @property
    def ephemeral(self) -> bool:
        """Whether only one user can see the message (flag 64)."""
        return bool(self.flags & FLAG_EPHEMERAL)

    @property
    def loading(self) -> bool:
        """Whether this is a deferred 'thinking' message not yet filled in."""
        return bool(self.flags & FLAG_LOADING)

    @property
    def text(self) -> str:
        """Return content plus embed and text-display text, for easy substring assertions."""
        parts = [self.content]
        for e in self.embeds:
            parts.extend(str(e.get(k, "")) for k in ("title", "description"))
            for f in e.get("fields", []) or []:
                parts.append(f"{f.get('name', '')}: {f.get('value', '')}")
            footer = e.get("footer") or {}
            parts.append(str(footer.get("text", "")))
        for comp in iter_components(self.components):
            if comp.get("type") == 10:
                parts.append(str(comp.get("content", "")))
        return "\n".join(p for p in parts if p)

    def buttons(self) -> list[dict[str, Any]]:
        """Return every button component in the message, flattened."""
        return [c for c in iter_components(self.components) if c.get("type") == 2]

    def file(self, filename: str | None = None) -> bytes:
        """Return the bytes of an attached file (by filename; the only one if not given)."""
        matches = [a for a in self.attachments if filename is None or a.get("filename") == filename]
        if len(matches) != 1:
            names = [a.get("filename") for a in self.attachments]
            raise LookupError(f"message {self.id}: no single attachment {filename!r} in {names}")
        return self.attachment_data[matches[0]["id"]]

    def custom_ids(self) -> list[str]:
        """Return the custom_ids of all interactive components."""
        return [c["custom_id"] for c in iter_components(self.components) if "custom_id" in c]

    def find_component(
        self, *, custom_id: str | None = None, label: str | None = None
    ) -> dict[str, Any] | None:
        """Find an interactive component by custom_id or by visible label."""
        for c in iter_components(self.components):
            if custom_id is not None and c.get("custom_id") == custom_id:
                return c
            if label is not None and c.get("label") == label:
                return c
        return None

    def touch(self) -> None:
        """Drop the cached payload after a change."""
        self._cache = None

    def payload(self) -> dict[str, Any]:
        """Build the Message object; cached because component clicks embed it every time."""
        if self._cache is not None:
            return self._cache
        data: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": self.author.payload(),
            "content": self.content,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
            "tts": False,
            "mention_everyone": False,
            "mentions": [u.payload() for u in self.mentions],
            "mention_roles": [str(r) for r in self.mention_roles],
            "attachments": list(self.attachments),
            "embeds": [_with_embed_type(e) for e in self.embeds],
            "pinned": False,
            "type": self.type,
            "flags": self.flags,
            "components": list(self.components),
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.member is not None:
            data["member"] = self.member.payload(with_user=False)
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
        if self.message_reference is not None:
            data["message_reference"] = self.message_reference
        ix = self.interaction
        if ix is not None:
            data["interaction_metadata"] = {
                "id": str(ix.id),
                "type": ix.type,
                "user": ix.user.payload(),
                "authorizing_integration_owners": ix.payload.get(
                    "authorizing_integration_owners", {}
                ),
            }
        self._cache = data
        return data

    def snapshot(self) -> MessageRevision:
        """Capture the current look of the message before an edit."""
        return MessageRevision(
            self.content, list(self.embeds), list(self.components), self.flags, time.perf_counter()
        )


@dataclass(eq=False)
class FakeResponse:
    """The initial response a bot gave to an interaction (callback types 4-9)."""

    type: int
    data: dict[str, Any]
    at: float
    message: FakeMessage | None = None

    @property
    def content(self) -> str:
        """Return the response message content (current state, after edits)."""
        if self.message is not None:
            return self.message.content
        return str(self.data.get("content", ""))

    @property
    def ephemeral(self) -> bool:
        """Whether the response was only shown to the invoking user."""
        if self.message is not None:
            return self.message.ephemeral
        return bool(int(self.data.get("flags", 0) or 0) & FLAG_EPHEMERAL)

    @property
    def embeds(self) -> list[dict[str, Any]]:
        """Return the response message embeds."""
        if self.message is not None:
            return self.message.embeds
        return list(self.data.get("embeds") or [])

    @property
    def components(self) -> list[dict[str, Any]]:
        """Return the response message or modal components."""
        if self.message is not None:
            return self.message.components
        return list(self.data.get("components") or [])

    @property
    def modal(self) -> dict[str, Any] | None:
        """Return the modal data when the bot answered with a modal (type 9)."""
        return self.data if self.type == 9 else None

    @property
    def choices(self) -> list[dict[str, Any]]:
        """Return autocomplete choices when the bot answered type 8."""
        return list(self.data.get("choices") or []) if self.type == 8 else []

    @property
    def text(self) -> str:
        """Return all visible text of the response message."""
        return self.message.text if self.message is not None else self.content


@dataclass(eq=False)
class FakeInteraction:
    """An interaction the fake dispatched, with everything the bot did in response."""

    id: int
    token: str
    type: int
    user: FakeUser
    guild_id: int | None
    channel_id: int
    payload: dict[str, Any]
    name: str
    dispatched_at: float = 0.0
    source_message: FakeMessage | None = None
    initial: FakeResponse | None = None
    original: FakeMessage | None = None
    followups: list[FakeMessage] = field(default_factory=list)
    expired: bool = False
    modal_submitted: bool = False
    _waiter: asyncio.Future[FakeResponse] | None = None

    @property
    def latency(self) -> float | None:
        """Seconds from dispatch to the bot's initial response, or None if none yet."""
        if self.initial is None:
            return None
        return self.initial.at - self.dispatched_at

    @property
    def modal(self) -> dict[str, Any] | None:
        """Return the modal the bot opened in response, if any."""
        return self.initial.modal if self.initial is not None else None

    def _set_initial(self, response: FakeResponse) -> None:
        self.initial = response
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(response)

    async def response(self, timeout: float = 5.0) -> FakeResponse:
        """Wait for the bot's initial response; raise TimeoutError with context if none came."""
        if self.initial is not None:
            return self.initial
        if self._waiter is None:
            self._waiter = asyncio.get_running_loop().create_future()
        try:
            return await asyncio.wait_for(asyncio.shield(self._waiter), timeout)
        except TimeoutError:
            raise TimeoutError(
                f"no initial response to interaction {self.id} ({self.name}) within {timeout}s"
            ) from None

    async def reply(self, timeout: float = 5.0) -> FakeResponse:
        """The answer the user sees: the initial response, or what fills a deferral (type 5).

        A deferral the bot deleted in favour of a followup (say, a private refusal after a
        public "thinking…") gives that followup.
        """
        first = await self.response(timeout)
        if first.type != 5:
            return first
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            msg = first.message
            if msg is not None and not msg.loading and not msg.deleted:
                return first
            if self.followups and (msg is None or msg.deleted):
                return FakeResponse(4, {}, first.at, self.followups[0])
            if loop.time() > deadline:
                raise TimeoutError(f"the deferral of {self.describe()} was never filled")
            await asyncio.sleep(0.01)

    def describe(self) -> str:
        """Return a short label for violation messages."""
        return f"interaction {self.id} (type {self.type} {self.name!r})"


def iter_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flatten nested component trees (rows, containers, sections, labels)."""
    out: list[dict[str, Any]] = []
    stack = list(reversed(components))
    while stack:
        comp = stack.pop()
        if not isinstance(comp, dict):
            continue
        out.append(comp)
        children = comp.get("components")
        if isinstance(children, list):
            stack.extend(reversed(children))
        inner = comp.get("component")
        if isinstance(inner, dict):
            stack.append(inner)
        accessory = comp.get("accessory")
        if isinstance(accessory, dict):
            stack.append(accessory)
    return out


def _with_embed_type(embed: dict[str, Any]) -> dict[str, Any]:
    if "type" in embed:
        return embed
    return {**embed, "type": "rich"}


def _opt_str(value: int | None) -> str | None:
    return None if value is None else str(value)
