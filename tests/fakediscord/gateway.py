"""Gateway websocket of the fake: HELLO/IDENTIFY/READY, RESUME with replay, zlib-stream."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
import zlib
from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from .server import FakeDiscord

log = logging.getLogger("fakediscord")

OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE = 3
OP_VOICE_STATE = 4
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT

# Close codes after which Discord will not accept a RESUME of the session.
NON_RESUMABLE_CLOSE_CODES = frozenset({4003, 4004, 4007, 4009, 4010, 4011, 4012, 4013, 4014})

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


class Connection:
    """One websocket; sends are serialised so zlib frames and sequence numbers stay ordered."""

    def __init__(self, ws: web.WebSocketResponse, *, compress: bool, path: str) -> None:
        self.ws = ws
        self.path = path
        self.compressor = zlib.compressobj() if compress else None
        self.lock = asyncio.Lock()
        self.session: Session | None = None
        self.heartbeats = 0
        self.closed_code: int | None = None

    async def send_text(self, text: str) -> None:
        """Send one gateway payload as a frame; caller holds self.lock when ordering matters."""
        if self.ws.closed:
            return
        if self.compressor is None:
            await self.ws.send_str(text)
        else:
            c = self.compressor
            await self.ws.send_bytes(c.compress(text.encode()) + c.flush(zlib.Z_SYNC_FLUSH))

    async def send(self, payload: dict[str, Any]) -> None:
        """Send a non-dispatch payload in order with dispatches."""
        async with self.lock:
            await self.send_text(_dumps(payload))


class Session:
    """A gateway session that survives disconnects, buffering events for RESUME."""

    def __init__(self, shard_id: int, shard_count: int, intents: int, buffer_size: int) -> None:
        self.id = secrets.token_hex(16)
        self.shard_id = shard_id
        self.shard_count = shard_count
        self.intents = intents
        self.seq = 0
        self.buffer: deque[tuple[int, str]] = deque(maxlen=buffer_size)
        self.conn: Connection | None = None
        self.invalid = False
        self.ready = False
        self.lock = asyncio.Lock()


class Gateway:
    """Serves /gateway and /gateway/resume for FakeDiscord and routes dispatches to shards."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.sessions: dict[str, Session] = {}
        self.live: dict[int, Session] = {}
        self.connections: list[Connection] = []
        self.identifies: list[dict[str, Any]] = []
        # (monotonic time, shard id) of every accepted IDENTIFY, for the concurrency rule
        self.identify_times: list[tuple[float, int]] = []
        self.session_starts = 0
        self.resumes: list[dict[str, Any]] = []
        self.connect_count = 0
        self.ready_count = 0
        self.resumed_count = 0
        self.gateway_paths: list[str] = []
        self.received: list[dict[str, Any]] = []

    # ------------------------------------------------------------------ connection handling

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """Run one websocket connection from HELLO until it closes."""
        fake = self.fake
        q = request.query
        encoding = q.get("encoding", "json")
        compress_mode = q.get("compress")
        if q.get("v") not in (None, "10"):
            fake.violation(f"gateway: connected with v={q.get('v')}, expected 10")
        if encoding != "json":
            fake.violation(f"gateway: encoding={encoding!r} is not supported by the fake")
        ws = web.WebSocketResponse(compress=False, max_msg_size=0, autoping=True)
        await ws.prepare(request)
        # Unsupported transport compression (e.g. zstd-stream) falls back to text frames,
        # which discord.py accepts in every mode.
        conn = Connection(ws, compress=compress_mode == "zlib-stream", path=request.path)
        self.connections.append(conn)
        self.connect_count += 1
        self.gateway_paths.append(request.path)
        await conn.send(
            {"op": OP_HELLO, "d": {"heartbeat_interval": fake.heartbeat_interval_ms}, "s": None}
        )
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    try:
                        await self._on_payload(conn, json.loads(msg.data))
                    except Exception as exc:  # keep serving; make the failure visible
                        log.exception("fake gateway failed on %.200s", msg.data)
                        fake.violation(f"gateway: fake could not handle a payload: {exc!r}")
                elif msg.type is WSMsgType.BINARY:
                    fake.violation("gateway: client sent a binary frame")
                elif msg.type is WSMsgType.ERROR:
                    break
        finally:
            conn.closed_code = ws.close_code
            session = conn.session
            if session is not None and session.conn is conn:
                session.conn = None
            fake.notify()
        return ws

    async def _on_payload(self, conn: Connection, payload: dict[str, Any]) -> None:
        op = payload.get("op")
        data = payload.get("d")
        fake = self.fake
        if op == OP_HEARTBEAT:
            conn.heartbeats += 1
            await conn.send({"op": OP_HEARTBEAT_ACK})
        elif op == OP_IDENTIFY:
            await self._identify(conn, data or {})
        elif op == OP_RESUME:
            await self._resume(conn, data or {})
        elif op == OP_REQUEST_MEMBERS:
            await self._request_members(conn, data or {})
        elif op in (OP_PRESENCE, OP_VOICE_STATE):
            self.received.append(payload)
        else:
            fake.violation(f"gateway: client sent unknown opcode {op!r}")
            await conn.ws.close(code=4001, message=b"Unknown opcode")

    async def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        fake = self.fake
        self.identifies.append(data)
        if conn.session is not None:
            fake.violation("gateway: IDENTIFY sent twice on one connection")
            await conn.ws.close(code=4005, message=b"Already authenticated")
            return
        if data.get("token") != fake.token:
            fake.violation("gateway: IDENTIFY with a wrong token")
            await conn.ws.close(code=4004, message=b"Authentication failed")
            return
        intents = data.get("intents")
        if not isinstance(intents, int):
            fake.violation("gateway: IDENTIFY without intents")
            await conn.ws.close(code=4013, message=b"Invalid intent(s)")
            return
        if intents & PRIVILEGED_INTENTS & ~fake.allowed_privileged_intents:
            await conn.ws.close(code=4014, message=b"Disallowed intent(s)")
            return
        shard = data.get("shard") or [0, 1]
        shard_id, shard_count = int(shard[0]), int(shard[1])
        if shard_count != fake.shard_count or not 0 <= shard_id < shard_count:
            await conn.ws.close(code=4010, message=b"Invalid shard")
            return
        self._check_identify_rate(shard_id)
        old = self.live.get(shard_id)
        if old is not None:
            old.invalid = True
        session = Session(shard_id, shard_count, intents, fake.replay_buffer_size)
        self.sessions[session.id] = session
        self.live[shard_id] = session
        session.conn = conn
        conn.session = session
        guilds = fake.guilds_for_shard(shard_id)
        ready = {
            "v": 10,
            "user": {**fake.bot_user.payload(), "verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": fake.resume_gateway_url,
            "shard": [shard_id, shard_count],
            "application": {"id": str(fake.application_id), "flags": fake.application_flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "user_settings": {},
            "geo_ordered_rtc_regions": [],
            "guild_join_requests": [],
        }
        full_members = bool(intents & INTENT_GUILD_MEMBERS)
        async with session.lock:
            await self._emit(session, "READY", ready)
            for g in guilds:
                payload = g.create_payload(full_members=full_members, bot_id=fake.bot_user.id)
                await self._emit(session, "GUILD_CREATE", payload)
        session.ready = True
        self.ready_count += 1
        fake.notify()

    def _check_identify_rate(self, shard_id: int) -> None:
        """Count a session start; flag two IDENTIFYs of one bucket closer than the spacing.

        Discord groups shards into buckets shard_id % max_concurrency and lets each bucket
        start one session per 5 s; every process of one bot shares those buckets.
        """
        fake = self.fake
        now = time.monotonic()
        self.session_starts += 1
        if self.session_starts > fake.session_start_total:
            fake.violation(
                f"gateway: IDENTIFY past session_start_limit.total={fake.session_start_total}"
            )
        if fake.identify_spacing is not None:
            bucket = shard_id % fake.max_concurrency
            for at, other in reversed(self.identify_times):
                if other % fake.max_concurrency == bucket:
                    if now - at < fake.identify_spacing:
                        fake.violation(
                            f"gateway: shard {shard_id} identified {now - at:.2f}s after shard "
                            f"{other} in bucket {bucket}; max_concurrency "
                            f"{fake.max_concurrency} allows one per {fake.identify_spacing:g}s"
                        )
                    break
        self.identify_times.append((now, shard_id))

    async def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        fake = self.fake
        self.resumes.append(data)
        session = self.sessions.get(str(data.get("session_id")))
        if data.get("token") != fake.token:
            fake.violation("gateway: RESUME with a wrong token")
            await conn.ws.close(code=4004, message=b"Authentication failed")
            return
        seq = data.get("seq")
        if (
            session is None
            or session.invalid
            or self.live.get(session.shard_id) is not session
            or not isinstance(seq, int)
            or seq > session.seq
            or (session.buffer and seq < session.buffer[0][0] - 1)
        ):
            await conn.send({"op": OP_INVALID_SESSION, "d": False})
            return
        previous = session.conn
        async with session.lock:
            session.conn = conn
            conn.session = session
            if previous is not None and previous is not conn and not previous.ws.closed:
                await previous.ws.close(code=4000, message=b"Session resumed elsewhere")
            async with conn.lock:
                for s, text in session.buffer:
                    if s > seq:
                        await conn.send_text(text)
            await self._emit(session, "RESUMED", {})
        self.resumed_count += 1
        fake.notify()

    async def _request_members(self, conn: Connection, data: dict[str, Any]) -> None:
        fake = self.fake
        session = conn.session
        if session is None:
            await conn.ws.close(code=4003, message=b"Not authenticated")
            return
        guild = fake.guilds.get(int(data.get("guild_id", 0)))
        if guild is None:
            return
        query = str(data.get("query") or "").lower()
        user_ids = {int(u) for u in (data.get("user_ids") or [])}
        limit = int(data.get("limit") or 0)
        members = [
            m
            for m in guild.members.values()
            if (not user_ids or m.user.id in user_ids)
            and (user_ids or m.user.username.lower().startswith(query))
        ]
        if limit:
            members = members[:limit]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [m.payload() for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        async with session.lock:
            await self._emit(session, "GUILD_MEMBERS_CHUNK", chunk)

    # ------------------------------------------------------------------ dispatching

    async def _emit(self, session: Session, event: str, data: Any) -> None:
        """Assign the next sequence number, buffer for replay and send if connected (lock held)."""
        session.seq += 1
        text = _dumps({"op": OP_DISPATCH, "t": event, "s": session.seq, "d": data})
        session.buffer.append((session.seq, text))
        conn = session.conn
        if conn is not None:
            async with conn.lock:
                await conn.send_text(text)

    def session_for(self, shard_id: int) -> Session:
        """Return the live session of a shard or explain that the bot is not connected."""
        session = self.live.get(shard_id)
        if session is None or session.invalid:
            raise RuntimeError(
                f"no gateway session for shard {shard_id}: the bot has not identified yet "
                "(await fake.wait_until_connected() first)"
            )
        return session

    async def dispatch(self, shard_id: int, event: str, data: Any, *, intent: int = 0) -> bool:
        """Send a dispatch to a shard (buffered while disconnected); False if intent not held."""
        session = self.session_for(shard_id)
        if intent and not session.intents & intent:
            return False
        async with session.lock:
            await self._emit(session, event, data)
        return True

    def intents_for(self, shard_id: int) -> int:
        """Return the intents the shard identified with (0 if not connected)."""
        session = self.live.get(shard_id)
        return session.intents if session is not None else 0

    # ------------------------------------------------------------------ fault injection

    async def close(self, code: int, shard_id: int) -> None:
        """Close a shard's websocket with a close code; some codes invalidate the session."""
        session = self.live.get(shard_id)
        if session is None or session.conn is None:
            raise RuntimeError(f"shard {shard_id} has no open gateway connection")
        if code in NON_RESUMABLE_CLOSE_CODES:
            session.invalid = True
        conn = session.conn
        session.conn = None
        await conn.ws.close(code=code, message=f"fake close {code}".encode())

    async def send_op(self, shard_id: int, payload: dict[str, Any]) -> None:
        """Send a raw opcode (RECONNECT, INVALID_SESSION...) on a shard's connection."""
        session = self.live.get(shard_id)
        if session is None or session.conn is None:
            raise RuntimeError(f"shard {shard_id} has no open gateway connection")
        if payload.get("op") == OP_INVALID_SESSION and not payload.get("d"):
            session.invalid = True
        await session.conn.send(payload)

    async def shutdown(self) -> None:
        """Close every websocket so the HTTP server can stop promptly."""
        for conn in self.connections:
            if not conn.ws.closed:
                try:
                    await asyncio.wait_for(conn.ws.close(code=1001, message=b"fake shutdown"), 1)
                except (TimeoutError, ConnectionError):
                    pass

    def connected(self, shards: Iterable[int] | None = None) -> bool:
        """Whether every shard (or each of the given ones) has a live, connected session."""
        return all(
            (s := self.live.get(i)) is not None and s.conn is not None and s.ready and not s.invalid
            for i in (range(self.fake.shard_count) if shards is None else shards)
        )
