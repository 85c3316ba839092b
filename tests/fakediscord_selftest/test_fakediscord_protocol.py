"""Protocol-level checks of FakeDiscord with a raw aiohttp client (no discord.py involved)."""

from __future__ import annotations

import asyncio
import json
import zlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.fakediscord import FakeDiscord, World

INTENTS = (1 << 0) | (1 << 9) | (1 << 15)  # guilds, guild messages, message content
SLASH = [{"name": "ping", "description": "Ping", "type": 1}]


class RawGateway:
    """Just enough of a gateway client to observe the fake's frames."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, zlib_stream: bool) -> None:
        self.ws = ws
        self.inflater = zlib.decompressobj() if zlib_stream else None
        self.frame_types: list[aiohttp.WSMsgType] = []

    async def recv(self) -> dict[str, Any]:
        msg = await asyncio.wait_for(self.ws.receive(), 2)
        self.frame_types.append(msg.type)
        if msg.type is aiohttp.WSMsgType.BINARY:
            assert self.inflater is not None
            assert msg.data.endswith(b"\x00\x00\xff\xff")  # every frame is sync-flushed
            return json.loads(self.inflater.decompress(msg.data))
        if msg.type is aiohttp.WSMsgType.TEXT:
            return json.loads(msg.data)
        raise ConnectionError(f"closed: {msg.type} {msg.data} {msg.extra}")

    async def recv_dispatch(self, event: str) -> dict[str, Any]:
        while True:
            payload = await self.recv()
            if payload.get("t") == event:
                return payload

    async def identify(self, token: str, intents: int = INTENTS) -> dict[str, Any]:
        await self.ws.send_json({"op": 2, "d": {"token": token, "intents": intents}})
        return await self.recv_dispatch("READY")


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def bot_headers(fake: FakeDiscord) -> dict[str, str]:
    return {"Authorization": f"Bot {fake.token}"}


async def connect(
    fake: FakeDiscord, http: aiohttp.ClientSession, *, zlib_stream: bool
) -> RawGateway:
    params = {"v": "10", "encoding": "json"}
    if zlib_stream:
        params["compress"] = "zlib-stream"
    ws = await http.ws_connect(fake.gateway_url, params=params)
    gw = RawGateway(ws, zlib_stream)
    hello = await gw.recv()
    assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] == fake.heartbeat_interval_ms
    return gw


@pytest.mark.parametrize("zlib_stream", [False, True], ids=["plain-json", "zlib-stream"])
async def test_handshake_modes(
    fake: FakeDiscord, world: World, http: aiohttp.ClientSession, zlib_stream: bool
) -> None:
    gw = await connect(fake, http, zlib_stream=zlib_stream)
    ready = await gw.identify(fake.token)
    assert ready["s"] == 1
    d = ready["d"]
    assert d["application"]["id"] == str(fake.application_id)
    assert d["resume_gateway_url"] == fake.resume_gateway_url and d["shard"] == [0, 1]
    assert d["guilds"] == [{"id": str(world.guild.id), "unavailable": True}]
    created = await gw.recv_dispatch("GUILD_CREATE")
    assert created["s"] == 2 and created["d"]["channels"][0]["name"] == "trivia"
    # Without the members intent only the bot itself is listed.
    assert [m["user"]["id"] for m in created["d"]["members"]] == [str(fake.bot_user.id)]
    await gw.ws.send_json({"op": 1, "d": 2})
    assert (await gw.recv())["op"] == 11
    expected = aiohttp.WSMsgType.BINARY if zlib_stream else aiohttp.WSMsgType.TEXT
    assert set(gw.frame_types) == {expected}
    await gw.ws.close()
    fake.assert_no_violations()


async def test_identify_rules(fake: FakeDiscord, world: World, http: aiohttp.ClientSession) -> None:
    gw = await connect(fake, http, zlib_stream=False)
    with pytest.raises(ConnectionError):
        await gw.identify("wrong-token")
    assert gw.ws.close_code == 4004
    assert fake.take_violations("wrong token")

    strict = FakeDiscord(allowed_privileged_intents=0)
    strict.setup_basic()
    async with strict:
        gw = await connect(strict, http, zlib_stream=False)
        with pytest.raises(ConnectionError):
            await gw.identify(strict.token, intents=INTENTS)  # message content not enabled
        assert gw.ws.close_code == 4014
    fake.assert_no_violations()


async def test_user_message_content_needs_intent(
    fake: FakeDiscord, world: World, http: aiohttp.ClientSession
) -> None:
    gw = await connect(fake, http, zlib_stream=False)
    await gw.identify(fake.token, intents=(1 << 0) | (1 << 9))  # no message content intent
    alice = world.users[0]
    await fake.send_user_message(world.channel, alice, "secret answer")
    plain = await gw.recv_dispatch("MESSAGE_CREATE")
    assert plain["d"]["content"] == "" and plain["d"]["author"]["id"] == str(alice.id)
    await fake.send_user_message(world.channel, alice, f"{fake.bot_user.mention} hello")
    mentioned = await gw.recv_dispatch("MESSAGE_CREATE")
    assert mentioned["d"]["content"].endswith("hello")  # mentioning the bot reveals content
    fake.assert_no_violations()


async def start_interaction(
    fake: FakeDiscord, world: World, http: aiohttp.ClientSession
) -> tuple[RawGateway, Any]:
    gw = await connect(fake, http, zlib_stream=False)
    await gw.identify(fake.token)
    url = f"{fake.base_url}/applications/{fake.application_id}/guilds/{world.guild.id}/commands"
    async with http.put(url, json=SLASH, headers=bot_headers(fake)) as resp:
        assert resp.status == 200 and resp.headers["Content-Type"] == "application/json"
        assert (await resp.json())[0]["id"]
    ix = await fake.invoke_slash(world.channel, world.users[0], "ping")
    event = await gw.recv_dispatch("INTERACTION_CREATE")
    assert event["d"]["token"] == ix.token and event["d"]["member"]["flags"] == 0
    return gw, ix


async def test_interaction_response_rules(
    fake: FakeDiscord, world: World, http: aiohttp.ClientSession
) -> None:
    _, ix = await start_interaction(fake, world, http)
    hook = f"{fake.base_url}/webhooks/{fake.application_id}/{ix.token}"
    mentions_off = {"allowed_mentions": {"parse": []}}
    async with http.post(hook, json={"content": "early", **mentions_off}) as resp:
        assert resp.status == 404 and (await resp.json())["code"] == 10015
    assert fake.take_violations("before the initial response")

    callback = f"{fake.base_url}/interactions/{ix.id}/{ix.token}/callback?with_response=true"
    body = {"type": 4, "data": {"content": "hi", "flags": 64, **mentions_off}}
    async with http.post(callback, json=body) as resp:  # no Authorization needed
        data = await resp.json()
        assert resp.status == 200
        assert data["interaction"]["response_message_ephemeral"] is True
        assert data["resource"]["message"]["content"] == "hi"
    async with http.post(callback, json=body) as resp:
        assert resp.status == 400 and (await resp.json())["code"] == 40060
    assert fake.take_violations("second initial response")

    async with http.post(hook + "?wait=1", json={"content": "later", **mentions_off}) as resp:
        followup = await resp.json()
    async with http.patch(f"{hook}/messages/@original", json={"content": "edited"}) as resp:
        assert (await resp.json())["content"] == "edited"
    assert ix.initial is not None and ix.initial.content == "edited"
    assert [m.content for m in ix.followups] == ["later"] and followup["content"] == "later"
    fake.assert_no_violations()


async def test_token_lifetime(http: aiohttp.ClientSession) -> None:
    fake = FakeDiscord(token_lifetime=0.1)
    world = fake.setup_basic()
    async with fake:
        _, ix = await start_interaction(fake, world, http)
        callback = f"{fake.base_url}/interactions/{ix.id}/{ix.token}/callback"
        async with http.post(callback, json={"type": 5}) as resp:
            assert resp.status == 204  # without ?with_response
        await asyncio.sleep(0.15)
        hook = f"{fake.base_url}/webhooks/{fake.application_id}/{ix.token}/messages/@original"
        async with http.patch(hook, json={"content": "too late"}) as resp:
            assert resp.status == 401 and (await resp.json())["code"] == 50027
        assert fake.take_violations("tokens last 0.1s")
        fake.assert_no_violations()


async def test_rest_auth_and_unknown_routes(fake: FakeDiscord, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{fake.base_url}/users/@me") as resp:
        assert resp.status == 401
    assert fake.take_violations("Authorization header missing")
    async with http.get(f"{fake.base_url}/users/@me", headers=bot_headers(fake)) as resp:
        assert resp.headers["Content-Type"] == "application/json"
        assert (await resp.json())["id"] == str(fake.bot_user.id)
    async with http.get(f"{fake.base_url}/voice/regions", headers=bot_headers(fake)) as resp:
        assert resp.status == 404 and (await resp.json())["code"] == 0
    assert fake.unknown_routes == ["GET /voice/regions"]
    assert fake.take_violations("not implemented")


async def test_channel_send_limit_429(
    fake: FakeDiscord, world: World, http: aiohttp.ClientSession
) -> None:
    url = f"{fake.base_url}/channels/{world.channel.id}/messages"
    body = {"content": "spam", "allowed_mentions": {"parse": []}}

    async def post() -> aiohttp.ClientResponse:
        async with http.post(url, json=body, headers=bot_headers(fake)) as resp:
            await resp.read()
            return resp

    results = await asyncio.gather(*(post() for _ in range(6)))
    statuses = sorted(r.status for r in results)
    assert statuses == [200] * 5 + [429]
    limited = next(r for r in results if r.status == 429)
    assert limited.headers["Via"] and float(limited.headers["X-RateLimit-Reset-After"]) > 0
    ok = next(r for r in results if r.status == 200)
    assert ok.headers["X-RateLimit-Limit"] == "5"
    assert fake.take_violations("more than 5 messages")
    fake.assert_no_violations()


async def test_callback_type_must_fit_interaction(
    fake: FakeDiscord, world: World, http: aiohttp.ClientSession
) -> None:
    _, ix = await start_interaction(fake, world, http)
    callback = f"{fake.base_url}/interactions/{ix.id}/{ix.token}/callback"
    async with http.post(callback, json={"type": 7, "data": {"content": "x"}}) as resp:
        assert resp.status == 400 and (await resp.json())["code"] == 50035
    assert fake.take_violations("callback type 7 is not valid for interaction type 2")
    async with http.post(callback, json={"type": 6}) as resp:
        assert resp.status == 400
    fake.take_violations("callback type 6")
    async with http.post(callback, json={"type": 5}) as resp:  # still unanswered: allowed
        assert resp.status == 204
    fake.assert_no_violations()


async def test_retention_cap_keeps_latencies(http: aiohttp.ClientSession) -> None:
    fake = FakeDiscord(max_retained_interactions=2)
    world = fake.setup_basic()
    async with fake:
        gw, first = await start_interaction(fake, world, http)
        handles = [first]
        for _ in range(4):
            handles.append(await fake.invoke_slash(world.channel, world.users[0], "ping"))
        for ix in handles:
            callback = f"{fake.base_url}/interactions/{ix.id}/{ix.token}/callback"
            async with http.post(callback, json={"type": 5}) as resp:
                assert resp.status == 204
        await fake.invoke_slash(world.channel, world.users[0], "ping")
        assert len(fake.interactions) <= 3 and len(fake.latencies()) == 5
        fake.take_violations()  # the last one is never answered
        await gw.ws.close()
