"""REST routes of the fake: bot endpoints, interaction callbacks, webhooks, application commands."""

from __future__ import annotations

import fnmatch
import json
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import validation
from .models import (
    FLAG_EPHEMERAL,
    FLAG_LOADING,
    MANAGE_MESSAGES,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    VIEW_CHANNEL,
    FakeChannel,
    FakeInteraction,
    FakeMessage,
    FakeResponse,
)

if TYPE_CHECKING:
    from .server import FakeDiscord

log = logging.getLogger("fakediscord")
API_PREFIX = "/api/v10"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode

# Interaction callback types (Discord "Interaction Callback Type").
PONG = 1
CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8
MODAL = 9

# Which callback types Discord accepts for each interaction type (2 command, 3 component,
# 4 autocomplete, 5 modal submit).
_ALLOWED_CALLBACKS: dict[int, frozenset[int]] = {
    2: frozenset({CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL}),
    3: frozenset(
        {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE, MODAL}
    ),
    4: frozenset({AUTOCOMPLETE_RESULT}),
    5: frozenset(
        {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE}
    ),
}


def json_response(
    obj: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """Return JSON with Content-Type exactly application/json (discord.py compares it exactly)."""
    hdrs = {"Content-Type": "application/json"}
    if headers:
        hdrs.update(headers)
    return web.Response(body=_dumps(obj).encode(), status=status, headers=hdrs)


class ApiError(Exception):
    """A Discord-style JSON error; raising it from a handler becomes the HTTP response."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        errors: list[str] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        self.headers = headers
        self.extra = extra

    def response(self) -> web.Response:
        """Render the error the way Discord does (message, code, nested errors)."""
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = {
                f"problem{i}": {"_errors": [{"code": "FAKE_DISCORD_RULE", "message": e}]}
                for i, e in enumerate(self.errors)
            }
        if self.extra:
            body.update(self.extra)
        return json_response(body, self.status, self.headers)


def invalid_form(problems: list[str]) -> ApiError:
    """Build Discord's 50035 Invalid Form Body error."""
    return ApiError(400, 50035, "Invalid Form Body", errors=problems)


def rate_limit_error(
    retry_after: float, *, is_global: bool = False, bucket: str = "fake", via: bool = True
) -> ApiError:
    """Build a 429 with the body and headers discord.py reads (Via marks it as not Cloudflare)."""
    headers = {
        "Retry-After": str(max(1, math.ceil(retry_after))),
        "X-RateLimit-Limit": "1",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset-After": f"{retry_after:.3f}",
        "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
        "X-RateLimit-Bucket": bucket,
        "X-RateLimit-Scope": "global" if is_global else "user",
    }
    if is_global:
        headers["X-RateLimit-Global"] = "true"
    if via:
        headers["Via"] = "1.1 google"
    return ApiError(
        429,
        0,
        "You are being rate limited.",
        headers=headers,
        extra={"retry_after": retry_after, "global": is_global},
    )


@dataclass
class Fault:
    """A planned failure for the next `count` requests matching method and path pattern."""

    method: str
    pattern: str
    status: int
    count: int
    code: int = 0
    message: str | None = None
    retry_after: float = 0.05
    is_global: bool = False
    via: bool = True
    served: list[str] = field(default_factory=list)

    def matches(self, method: str, path: str, template: str) -> bool:
        """Match on method and on either the concrete path or the route template."""
        if self.method != "*" and self.method != method:
            return False
        return self.pattern == template or fnmatch.fnmatchcase(path, self.pattern)

    def error(self) -> ApiError:
        """Build the response this fault serves."""
        if self.status == 429:
            return rate_limit_error(
                self.retry_after, is_global=self.is_global, bucket="fault", via=self.via
            )
        defaults = {
            400: (50035, "Invalid Form Body"),
            401: (0, "401: Unauthorized"),
            403: (50013, "Missing Permissions"),
            404: (10008, "Unknown Message"),
            500: (0, "500: Internal Server Error"),
            502: (0, "502: Bad Gateway"),
            503: (0, "503: Service Unavailable"),
        }
        code, message = defaults.get(self.status, (0, f"{self.status}: Fake fault"))
        return ApiError(self.status, self.code or code, self.message or message)


class RestApi:
    """Registers and implements the REST routes on the FakeDiscord aiohttp app."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self._channel_buckets: dict[int, list[float]] = {}
        self._global_window = [0.0, 0.0]

    # ------------------------------------------------------------------ plumbing

    def install(self, app: web.Application) -> None:
        """Register every route, then a catch-all that records unimplemented ones."""
        self._app = app
        r = self._route
        r("GET", "/users/@me", self.get_me)
        r("GET", "/oauth2/applications/@me", self.get_application)
        r("GET", "/applications/@me", self.get_application)
        r("GET", "/gateway", self.get_gateway, auth=False)
        r("GET", "/gateway/bot", self.get_gateway_bot)
        r("POST", "/users/@me/channels", self.create_dm)
        r("GET", "/users/{user_id}", self.get_user)
        r("GET", "/guilds/{guild_id}", self.get_guild)
        r("GET", "/guilds/{guild_id}/channels", self.get_guild_channels)
        r("GET", "/guilds/{guild_id}/roles", self.get_guild_roles)
        r("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member)
        r("GET", "/channels/{channel_id}", self.get_channel)
        r("GET", "/channels/{channel_id}/messages", self.list_messages)
        r("POST", "/channels/{channel_id}/messages", self.create_message)
        r("GET", "/channels/{channel_id}/messages/{message_id}", self.get_message)
        r("PATCH", "/channels/{channel_id}/messages/{message_id}", self.edit_message)
        r("DELETE", "/channels/{channel_id}/messages/{message_id}", self.delete_message)
        r("POST", "/channels/{channel_id}/typing", self.typing)
        reaction = "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me"
        r("PUT", reaction, self.add_reaction)
        r("DELETE", reaction, self.remove_reaction)
        for scope in ("/applications/{app_id}", "/applications/{app_id}/guilds/{guild_id}"):
            r("GET", scope + "/commands", self.list_commands)
            r("PUT", scope + "/commands", self.overwrite_commands)
            r("POST", scope + "/commands", self.upsert_command)
            r("GET", scope + "/commands/{command_id}", self.get_command)
            r("PATCH", scope + "/commands/{command_id}", self.edit_command)
            r("DELETE", scope + "/commands/{command_id}", self.delete_command)
        r(
            "POST",
            "/interactions/{interaction_id}/{token}/callback",
            self.interaction_callback,
            auth=False,
        )
        hook = "/webhooks/{app_id}/{token}"
        r("POST", hook, self.followup_create, auth=False)
        r("GET", hook + "/messages/{message_id}", self.webhook_get, auth=False)
        r("PATCH", hook + "/messages/{message_id}", self.webhook_edit, auth=False)
        r("DELETE", hook + "/messages/{message_id}", self.webhook_delete, auth=False)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self.unknown_route)

    def _route(self, method: str, template: str, handler: Handler, *, auth: bool = True) -> None:
        fake = self.fake
        key = f"{method} {template}"
        prefix_len = len(API_PREFIX)

        async def wrapped(request: web.Request) -> web.StreamResponse:
            fake.request_counts[key] += 1
            try:
                if fake.faults:
                    fault = fake._take_fault(method, request.path[prefix_len:], template)
                    if fault is not None:
                        raise fault.error()
                if auth:
                    self._check_auth(request, key)
                return await handler(request)
            except ApiError as exc:
                fake.errors_served.append(f"{key} -> {exc}")
                return exc.response()
            except Exception as exc:  # a fake bug or a malformed body: fail loudly, no retries
                log.exception("fake discord failed on %s", key)
                fake.violation(f"REST {key}: fake could not handle the request: {exc!r}")
                return ApiError(400, 0, f"fake discord error: {exc!r}").response()

        self._app.router.add_route(method, API_PREFIX + template, wrapped)

    def _check_auth(self, request: web.Request, key: str) -> None:
        fake = self.fake
        header = request.headers.get("Authorization")
        if header != f"Bot {fake.token}":
            shown = "missing" if header is None else "wrong"
            fake.violation(f"REST {key}: Authorization header {shown} (need 'Bot <token>')")
            raise ApiError(401, 0, "401: Unauthorized")
        limit = fake.global_rate_limit
        if limit:
            now = time.perf_counter()
            window = self._global_window
            if now - window[0] >= 1.0:
                window[0], window[1] = now, 0
            window[1] += 1
            if window[1] > limit:
                fake.violation(f"REST {key}: global rate limit of {limit} requests/s exceeded")
                raise rate_limit_error(window[0] + 1.0 - now, is_global=True, bucket="global")

    async def unknown_route(self, request: web.Request) -> web.StreamResponse:
        """Answer 404 like Discord and record the route so the test notices."""
        path = request.path[len(API_PREFIX) :]
        entry = f"{request.method} {path}"
        self.fake.unknown_routes.append(entry)
        self.fake.violation(f"REST {entry}: route not implemented by the fake (404)")
        return json_response({"message": "404: Not Found", "code": 0}, 404)

    async def _read_body(self, request: web.Request) -> Any:
        """Read a JSON body, or payload_json plus file parts from a multipart body."""
        ctype = request.content_type
        if ctype == "multipart/form-data":
            payload: dict[str, Any] = {}
            files: list[dict[str, Any]] = []
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                name = getattr(part, "name", None)
                data = await part.read()  # type: ignore[union-attr]
                if name == "payload_json":
                    payload = json.loads(data)
                else:
                    files.append(
                        {
                            "field": name,
                            "filename": getattr(part, "filename", None) or "file",
                            "size": len(data),
                            "content_type": part.headers.get("Content-Type"),
                            "data": bytes(data),
                        }
                    )
            if files:
                payload["_files"] = files
            return payload
        raw = await request.read()
        if not raw:
            return None
        if ctype != "application/json":
            self.fake.violation(f"REST {request.method} {request.path}: body is not JSON")
        try:
            return json.loads(raw)
        except ValueError:
            raise ApiError(400, 50109, "The request body contains invalid JSON.") from None

    # ------------------------------------------------------------------ identity and gateway

    async def get_me(self, request: web.Request) -> web.StreamResponse:
        """GET /users/@me: the bot user (login calls this first)."""
        user = self.fake.bot_user.payload()
        return json_response({**user, "verified": True, "mfa_enabled": False, "flags": 0})

    async def get_application(self, request: web.Request) -> web.StreamResponse:
        """GET /oauth2/applications/@me: sets discord.py's application_id at login."""
        fake = self.fake
        return json_response(
            {
                "id": str(fake.application_id),
                "name": fake.bot_user.username,
                "icon": None,
                "description": "",
                "rpc_origins": [],
                "bot_public": True,
                "bot_require_code_grant": False,
                "bot": fake.bot_user.payload(),
                "owner": fake.owner_user.payload(),
                "verify_key": "0" * 64,
                "team": None,
                "flags": fake.application_flags,
                "tags": [],
                "redirect_uris": [],
                "approximate_guild_count": len(fake.guilds),
            }
        )

    async def get_gateway(self, request: web.Request) -> web.StreamResponse:
        """GET /gateway: just the url."""
        return json_response({"url": self.fake.gateway_url})

    async def get_gateway_bot(self, request: web.Request) -> web.StreamResponse:
        """GET /gateway/bot: AutoShardedClient reads url, shards and session_start_limit."""
        fake = self.fake
        return json_response(
            {
                "url": fake.gateway_url,
                "shards": fake.shard_count,
                "session_start_limit": {
                    "total": fake.session_start_total,
                    "remaining": max(0, fake.session_start_total - fake.gateway.session_starts),
                    "reset_after": 86_400_000,
                    "max_concurrency": fake.max_concurrency,
                },
            }
        )

    async def get_user(self, request: web.Request) -> web.StreamResponse:
        """GET /users/{id}."""
        user = self.fake.users.get(_snowflake(request, "user_id"))
        if user is None:
            raise ApiError(404, 10013, "Unknown User")
        return json_response(user.payload())

    async def create_dm(self, request: web.Request) -> web.StreamResponse:
        """POST /users/@me/channels: open (or reuse) the DM channel with a user."""
        body = await self._read_body(request) or {}
        user = self.fake.users.get(int(body.get("recipient_id", 0)))
        if user is None:
            raise ApiError(400, 50033, "Invalid Recipient(s)")
        return json_response(self.fake.dm_channel(user).payload())

    # ------------------------------------------------------------------ guilds and channels

    def _guild(self, request: web.Request) -> Any:
        guild = self.fake.guilds.get(_snowflake(request, "guild_id"))
        if guild is None:
            raise ApiError(404, 10004, "Unknown Guild")
        return guild

    async def get_guild(self, request: web.Request) -> web.StreamResponse:
        """GET /guilds/{id}."""
        guild = self._guild(request)
        payload = guild.create_payload(full_members=False, bot_id=self.fake.bot_user.id)
        for key in ("members", "channels", "threads", "presences", "voice_states"):
            payload.pop(key, None)
        return json_response(payload)

    async def get_guild_channels(self, request: web.Request) -> web.StreamResponse:
        """GET /guilds/{id}/channels."""
        guild = self._guild(request)
        return json_response([c.payload() for c in guild.channels.values()])

    async def get_guild_roles(self, request: web.Request) -> web.StreamResponse:
        """GET /guilds/{id}/roles."""
        guild = self._guild(request)
        return json_response([r.payload() for r in guild.roles.values()])

    async def get_member(self, request: web.Request) -> web.StreamResponse:
        """GET /guilds/{id}/members/{user_id}."""
        guild = self._guild(request)
        member = guild.members.get(_snowflake(request, "user_id"))
        if member is None:
            raise ApiError(404, 10007, "Unknown Member")
        return json_response(member.payload())

    def _channel(self, request: web.Request, *, need: int = VIEW_CHANNEL) -> FakeChannel:
        fake = self.fake
        channel = fake.channels.get(_snowflake(request, "channel_id"))
        if channel is None:
            raise ApiError(404, 10003, "Unknown Channel")
        if channel.guild_id is not None:
            guild = fake.guilds.get(channel.guild_id)
            if guild is None:  # the bot was removed from the server
                raise ApiError(403, 50001, "Missing Access")
            perms = guild.permissions_for(fake.bot_user.id, channel)
            if perms & need != need:
                raise ApiError(403, 50013, "Missing Permissions")
        return channel

    async def get_channel(self, request: web.Request) -> web.StreamResponse:
        """GET /channels/{id}."""
        return json_response(self._channel(request).payload())

    async def typing(self, request: web.Request) -> web.StreamResponse:
        """POST /channels/{id}/typing: accepted and counted."""
        self._channel(request, need=VIEW_CHANNEL | SEND_MESSAGES)
        return web.Response(status=204)

    # ------------------------------------------------------------------ channel messages

    def _message(self, request: web.Request, channel: FakeChannel) -> FakeMessage:
        msg = self.fake.messages.get(_snowflake(request, "message_id"))
        if msg is None or msg.deleted or msg.channel_id != channel.id or msg.ephemeral:
            raise ApiError(404, 10008, "Unknown Message")
        return msg

    async def list_messages(self, request: web.Request) -> web.StreamResponse:
        """GET /channels/{id}/messages with limit/before/after (newest first, like Discord)."""
        channel = self._channel(request)
        q = request.query
        limit = min(int(q.get("limit", 50)), 100)
        msgs = [m for m in self.fake.history.get(channel.id, []) if not m.deleted]
        if "before" in q:
            msgs = [m for m in msgs if m.id < int(q["before"])]
        if "after" in q:
            msgs = [m for m in msgs if m.id > int(q["after"])]
            msgs = msgs[:limit]
        else:
            msgs = msgs[-limit:]
        return json_response([m.payload() for m in reversed(msgs)])

    async def get_message(self, request: web.Request) -> web.StreamResponse:
        """GET /channels/{id}/messages/{id}."""
        channel = self._channel(request)
        return json_response(self._message(request, channel).payload())

    def _channel_rate_limit(self, channel_id: int, key: str) -> dict[str, str]:
        """Apply the per-channel send limit (fixed window) and build the rate-limit headers."""
        limit_cfg = self.fake.channel_rate_limit
        if limit_cfg is None:
            return {}
        limit, per = limit_cfg
        now = time.perf_counter()
        bucket = self._channel_buckets.get(channel_id)
        if bucket is None or now >= bucket[0] + per:
            bucket = [now, 0.0]
            self._channel_buckets[channel_id] = bucket
        reset_after = bucket[0] + per - now
        if bucket[1] >= limit:
            self.fake.violation(
                f"REST {key}: more than {limit} messages in {per}s in channel {channel_id} (429)"
            )
            raise rate_limit_error(reset_after, bucket="channel-messages")
        bucket[1] += 1
        return {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(int(limit - bucket[1])),
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Bucket": "channel-messages",
        }

    async def create_message(self, request: web.Request) -> web.StreamResponse:
        """POST /channels/{id}/messages: validated, rate limited, stored and dispatched."""
        fake = self.fake
        key = "POST /channels/{channel_id}/messages"
        channel = self._channel(request)
        send = SEND_MESSAGES_IN_THREADS if channel.is_thread else SEND_MESSAGES
        self._channel(request, need=VIEW_CHANNEL | send)
        body = await self._read_body(request) or {}
        problems = validation.message_problems(body, creating=True)
        if problems:
            fake.violation(f"REST {key}: " + "; ".join(problems))
            raise invalid_form(problems)
        headers = self._channel_rate_limit(channel.id, key)
        fake.check_mentions(body, f"REST {key}")
        msg = fake.store_bot_message(channel, body)
        await fake.dispatch_message_event("MESSAGE_CREATE", msg)
        return json_response(msg.payload(), headers=headers)

    async def edit_message(self, request: web.Request) -> web.StreamResponse:
        """PATCH /channels/{id}/messages/{id}: only the bot's own messages can change content."""
        fake = self.fake
        channel = self._channel(request)
        msg = self._message(request, channel)
        body = await self._read_body(request) or {}
        if msg.author.id != fake.bot_user.id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        problems = validation.message_problems(body, creating=False)
        if problems:
            fake.violation(
                "REST PATCH /channels/{channel_id}/messages/{id}: " + "; ".join(problems)
            )
            raise invalid_form(problems)
        fake.apply_edit(msg, body)
        await fake.dispatch_message_event("MESSAGE_UPDATE", msg)
        return json_response(msg.payload())

    async def delete_message(self, request: web.Request) -> web.StreamResponse:
        """DELETE /channels/{id}/messages/{id}: others' messages need Manage Messages."""
        fake = self.fake
        channel = self._channel(request)
        msg = self._message(request, channel)
        if msg.author.id != fake.bot_user.id and channel.guild_id is not None:
            perms = fake.guilds[channel.guild_id].permissions_for(fake.bot_user.id, channel)
            if not perms & MANAGE_MESSAGES:
                raise ApiError(403, 50013, "Missing Permissions")
        await fake.delete_message(msg)
        return web.Response(status=204)

    async def add_reaction(self, request: web.Request) -> web.StreamResponse:
        """PUT .../reactions/{emoji}/@me: recorded on the fake."""
        channel = self._channel(request)
        msg = self._message(request, channel)
        self.fake.reactions.append((msg.id, request.match_info["emoji"]))
        self.fake.notify()
        return web.Response(status=204)

    async def remove_reaction(self, request: web.Request) -> web.StreamResponse:
        """DELETE .../reactions/{emoji}/@me."""
        channel = self._channel(request)
        msg = self._message(request, channel)
        entry = (msg.id, request.match_info["emoji"])
        if entry in self.fake.reactions:
            self.fake.reactions.remove(entry)
        return web.Response(status=204)

    # ------------------------------------------------------------------ application commands

    def _command_scope(self, request: web.Request) -> list[dict[str, Any]]:
        fake = self.fake
        if _snowflake(request, "app_id") != fake.application_id:
            fake.violation(f"REST {request.method} {request.path}: wrong application id")
            raise ApiError(403, 50001, "Missing Access")
        if "guild_id" in request.match_info:
            gid = _snowflake(request, "guild_id")
            if gid not in fake.guilds:
                raise ApiError(403, 50001, "Missing Access")
            return fake.guild_commands.setdefault(gid, [])
        return fake.global_commands

    def _stored_command(self, body: dict[str, Any], request: web.Request, old: Any) -> Any:
        fake = self.fake
        gid = request.match_info.get("guild_id")
        cmd = {
            "type": 1,
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "nsfw": False,
            **body,
            "id": old["id"] if old else str(fake.ids.next()),
            "application_id": str(fake.application_id),
            "version": str(fake.ids.next()),
        }
        if cmd.get("default_member_permissions") is not None:
            # Discord answers with a string, whatever number type the bot sent.
            cmd["default_member_permissions"] = str(cmd["default_member_permissions"])
        if gid is not None:
            cmd["guild_id"] = gid
        else:
            cmd.setdefault("contexts", None)
            cmd.setdefault("integration_types", [0])
        return cmd

    async def list_commands(self, request: web.Request) -> web.StreamResponse:
        """GET .../commands."""
        return json_response(self._command_scope(request))

    async def overwrite_commands(self, request: web.Request) -> web.StreamResponse:
        """PUT .../commands: bulk overwrite; ids survive for unchanged (type, name) pairs."""
        fake = self.fake
        scope = self._command_scope(request)
        body = await self._read_body(request)
        problems = validation.command_problems(body)
        if problems:
            fake.violation(f"REST PUT {request.path}: " + "; ".join(problems))
            raise invalid_form(problems)
        old = {(c.get("type", 1), c["name"]): c for c in scope}
        new = [
            self._stored_command(c, request, old.get((c.get("type", 1), c["name"]))) for c in body
        ]
        scope[:] = new
        fake.command_syncs.append(request.match_info.get("guild_id"))
        fake.notify()
        return json_response(new)

    async def upsert_command(self, request: web.Request) -> web.StreamResponse:
        """POST .../commands: create or replace one command by name."""
        fake = self.fake
        scope = self._command_scope(request)
        body = await self._read_body(request) or {}
        problems = validation.command_problems([body])
        if problems:
            fake.violation(f"REST POST {request.path}: " + "; ".join(problems))
            raise invalid_form(problems)
        key = (body.get("type", 1), body.get("name"))
        old = next((c for c in scope if (c.get("type", 1), c["name"]) == key), None)
        cmd = self._stored_command(body, request, old)
        if old is not None:
            scope[scope.index(old)] = cmd
        else:
            scope.append(cmd)
        fake.notify()
        return json_response(cmd, 200 if old else 201)

    def _find_command(self, request: web.Request) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        scope = self._command_scope(request)
        cid = request.match_info["command_id"]
        for cmd in scope:
            if cmd["id"] == cid:
                return scope, cmd
        raise ApiError(404, 10063, "Unknown application command")

    async def get_command(self, request: web.Request) -> web.StreamResponse:
        """GET .../commands/{id}."""
        return json_response(self._find_command(request)[1])

    async def edit_command(self, request: web.Request) -> web.StreamResponse:
        """PATCH .../commands/{id}."""
        scope, cmd = self._find_command(request)
        body = await self._read_body(request) or {}
        merged = self._stored_command({**cmd, **body}, request, cmd)
        scope[scope.index(cmd)] = merged
        self.fake.notify()
        return json_response(merged)

    async def delete_command(self, request: web.Request) -> web.StreamResponse:
        """DELETE .../commands/{id}."""
        scope, cmd = self._find_command(request)
        scope.remove(cmd)
        self.fake.notify()
        return web.Response(status=204)

    # ------------------------------------------------------------------ interaction callback

    async def interaction_callback(self, request: web.Request) -> web.StreamResponse:
        """POST /interactions/{id}/{token}/callback: the initial response, with Discord's rules."""
        fake = self.fake
        now = time.perf_counter()
        ix = fake.interactions.get(_snowflake(request, "interaction_id"))
        if ix is None or ix.token != request.match_info["token"]:
            fake.violation("callback for an unknown interaction id/token")
            raise ApiError(404, 10062, "Unknown interaction")
        body = await self._read_body(request) or {}
        rtype = body.get("type")
        data = body.get("data") or {}
        if "_files" in body:
            data = {**data, "_files": body["_files"]}
        if ix.initial is not None:
            fake.violation(
                f"{ix.describe()}: second initial response (type {rtype}) after type "
                f"{ix.initial.type}; use followups or edit_original_response"
            )
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        elapsed = now - ix.dispatched_at
        if ix.expired or elapsed > fake.interaction_deadline:
            if not ix.expired:
                ix.expired = True
                fake.violation(
                    f"{ix.describe()}: initial response after {elapsed:.3f}s "
                    f"(deadline {fake.interaction_deadline}s)"
                )
            raise ApiError(404, 10062, "Unknown interaction")
        allowed = _ALLOWED_CALLBACKS.get(ix.type, frozenset())
        updates = rtype in (DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE)
        if rtype not in allowed or (updates and ix.source_message is None):
            problem = f"callback type {rtype!r} is not valid for interaction type {ix.type}"
            if updates and ix.source_message is None:
                problem += " (no message to update)"
            fake.violation(f"{ix.describe()}: {problem}")
            raise ApiError(400, 50035, "Invalid Form Body", errors=[problem])
        if rtype in (CHANNEL_MESSAGE, UPDATE_MESSAGE):
            problems = validation.message_problems(data, creating=rtype == CHANNEL_MESSAGE)
        elif rtype == MODAL:
            problems = validation.modal_problems(data)
        elif rtype == AUTOCOMPLETE_RESULT:
            problems = validation.choices_problems(data)
        else:
            problems = []
        if problems:
            fake.violation(f"{ix.describe()}: callback type {rtype}: " + "; ".join(problems))
            raise invalid_form(problems)
        message = await self._apply_callback(ix, rtype, data)
        ix._set_initial(FakeResponse(rtype, data, now, message))
        fake.response_latencies.append(now - ix.dispatched_at)
        fake.notify()
        with_response = request.query.get("with_response", "").lower() in ("1", "true")
        if not with_response:
            return web.Response(status=204)
        result: dict[str, Any] = {
            "interaction": {"id": str(ix.id), "type": ix.type},
            "resource": {"type": rtype},
        }
        if message is not None:
            result["interaction"].update(
                response_message_id=str(message.id),
                response_message_loading=message.loading,
                response_message_ephemeral=message.ephemeral,
            )
            if rtype != DEFERRED_UPDATE_MESSAGE:
                result["resource"]["message"] = message.payload()
        return json_response(result)

    async def _apply_callback(
        self, ix: FakeInteraction, rtype: int, data: dict[str, Any]
    ) -> FakeMessage | None:
        fake = self.fake
        if rtype == CHANNEL_MESSAGE:
            fake.check_mentions(data, f"{ix.describe()} response")
            msg = fake.store_interaction_message(ix, data)
            ix.original = msg
            await fake.dispatch_message_event("MESSAGE_CREATE", msg)
            return msg
        if rtype == DEFERRED_CHANNEL_MESSAGE:
            flags = FLAG_LOADING | (int(data.get("flags") or 0) & FLAG_EPHEMERAL)
            msg = fake.store_interaction_message(ix, {"content": "", "flags": flags})
            ix.original = msg
            await fake.dispatch_message_event("MESSAGE_CREATE", msg)
            return msg
        if rtype in (DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE):
            source = ix.source_message
            assert source is not None  # guaranteed by _ALLOWED_CALLBACKS + the check above
            ix.original = source
            if rtype == UPDATE_MESSAGE:
                fake.apply_edit(source, data)
                await fake.dispatch_message_event("MESSAGE_UPDATE", source)
            return source
        return None

    # ------------------------------------------------------------------ webhooks (followups)

    def _webhook_interaction(self, request: web.Request, what: str) -> FakeInteraction:
        fake = self.fake
        ix = fake.interactions_by_token.get(request.match_info["token"])
        if _snowflake(request, "app_id") != fake.application_id or ix is None:
            fake.violation(f"{what}: unknown application id or interaction token")
            raise ApiError(404, 10015, "Unknown Webhook")
        age = time.perf_counter() - ix.dispatched_at
        if age > fake.token_lifetime:
            fake.violation(
                f"{ix.describe()}: {what} {age:.1f}s after dispatch; tokens last "
                f"{fake.token_lifetime}s"
            )
            raise ApiError(401, 50027, "Invalid Webhook Token")
        if ix.initial is None:
            fake.violation(f"{ix.describe()}: {what} before the initial response")
            raise ApiError(404, 10015, "Unknown Webhook")
        if ix.initial.type in (MODAL, AUTOCOMPLETE_RESULT):
            fake.violation(
                f"{ix.describe()}: {what} after a type {ix.initial.type} response, which opens "
                "no message thread"
            )
            raise ApiError(404, 10015, "Unknown Webhook")
        return ix

    def _webhook_message(self, request: web.Request, ix: FakeInteraction) -> FakeMessage:
        mid = request.match_info["message_id"]
        if mid == "@original":
            if ix.original is None or ix.original.deleted:
                raise ApiError(404, 10008, "Unknown Message")
            return ix.original
        msg = self.fake.messages.get(int(mid)) if mid.isdigit() else None
        if msg is None or msg.deleted or (msg is not ix.original and msg not in ix.followups):
            raise ApiError(404, 10008, "Unknown Message")
        return msg

    async def followup_create(self, request: web.Request) -> web.StreamResponse:
        """POST /webhooks/{app}/{token}: a followup; the first after a defer fills the loader."""
        fake = self.fake
        ix = self._webhook_interaction(request, "followup")
        body = await self._read_body(request) or {}
        problems = validation.message_problems(body, creating=True)
        if problems:
            fake.violation(f"{ix.describe()} followup: " + "; ".join(problems))
            raise invalid_form(problems)
        fake.check_mentions(body, f"{ix.describe()} followup")
        original = ix.original
        if (
            ix.initial is not None
            and ix.initial.type == DEFERRED_CHANNEL_MESSAGE
            and original is not None
            and original.loading
            and not original.deleted
        ):
            # Discord: a followup sent while the deferred message still loads resolves it,
            # keeping the defer's ephemeral choice.
            keep = original.flags & FLAG_EPHEMERAL
            fake.apply_edit(original, {**body, "flags": keep}, from_loading=True)
            msg = original
            await fake.dispatch_message_event("MESSAGE_UPDATE", msg)
        else:
            msg = fake.store_interaction_message(ix, body)
            await fake.dispatch_message_event("MESSAGE_CREATE", msg)
        ix.followups.append(msg)
        fake.notify()
        if request.query.get("wait", "").lower() in ("1", "true"):
            return json_response(msg.payload())
        return web.Response(status=204)

    async def webhook_get(self, request: web.Request) -> web.StreamResponse:
        """GET /webhooks/{app}/{token}/messages/{id|@original}."""
        ix = self._webhook_interaction(request, "get message")
        return json_response(self._webhook_message(request, ix).payload())

    async def webhook_edit(self, request: web.Request) -> web.StreamResponse:
        """PATCH /webhooks/{app}/{token}/messages/{id|@original}: edit a reply or followup."""
        fake = self.fake
        ix = self._webhook_interaction(request, "edit message")
        msg = self._webhook_message(request, ix)
        body = await self._read_body(request) or {}
        problems = validation.message_problems(body, creating=False)
        if problems:
            fake.violation(f"{ix.describe()} edit: " + "; ".join(problems))
            raise invalid_form(problems)
        if msg.loading:
            # Filling a deferred message is when its mentions would ping.
            fake.check_mentions(body, f"{ix.describe()} edit of deferred response")
        fake.apply_edit(msg, body, from_loading=msg.loading)
        await fake.dispatch_message_event("MESSAGE_UPDATE", msg)
        return json_response(msg.payload())

    async def webhook_delete(self, request: web.Request) -> web.StreamResponse:
        """DELETE /webhooks/{app}/{token}/messages/{id|@original}."""
        ix = self._webhook_interaction(request, "delete message")
        msg = self._webhook_message(request, ix)
        await self.fake.delete_message(msg)
        return web.Response(status=204)


def _snowflake(request: web.Request, name: str) -> int:
    value = request.match_info.get(name, "")
    if not value.isdigit():
        raise ApiError(400, 50035, "Invalid Form Body", errors=[f"{name}: not a snowflake"])
    return int(value)
