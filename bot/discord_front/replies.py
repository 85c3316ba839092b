"""Answering an interaction once, privately, whether or not it was answered already."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import aiohttp
import discord
from discord.http import Route

from bot.discord_front.limits import CONTENT, cut

log = logging.getLogger(__name__)

# A private line is the answer to nearly every click (bench B1). discord.py's send_message
# asks Discord for the callback's message back and parses it, and goes through its webhook
# path (a route, a lock per interaction, a JSON encoder): that was a fifth of our main
# thread's CPU a click, and at 3,000 clicks a second what put it over the bare bot's.
ATTEMPTS = 3  # a 429 through Discord's proxy and a 5xx are tried again, as discord.py does,
MAX_PAUSE_S = 1.0  # but only while the reply can still come within Discord's 3 s
EPHEMERAL = 1 << 6  # message flag: only the user who acted sees it
REPLY = discord.InteractionResponseType.channel_message


class Replies:
    """Initial private text replies, posted on a session sharing discord.py's connection pool.

    Started once the bot has logged in (the pool exists then) and closed with it; until
    then, and for anything but plain text, discord.py's own send_message is used.
    """

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._headers: dict[str, str] = {}

    def start(self, http: discord.http.HTTPClient) -> None:
        """Use `http`'s connections (bounded in TriviaBot.login) and its User-Agent."""
        self._session = aiohttp.ClientSession(
            connector=http.connector,
            connector_owner=False,
            timeout=aiohttp.ClientTimeout(total=5),
        )
        self._headers = {"Content-Type": "application/json", "User-Agent": http.user_agent}

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, interaction: discord.Interaction[Any], text: str) -> None:
        """`text` as the interaction's initial response, seen by its user only, pinging no one.

        Raises discord.py's HTTPException (NotFound, Forbidden, DiscordServerError) as its
        send_message would; on success the interaction counts as answered
        (`interaction.response.is_done()`), so a later reply goes as a followup.
        """
        session = self._session
        if session is None or session.closed:
            await interaction.response.send_message(text, ephemeral=True)
            return
        data = {"content": text, "flags": EPHEMERAL, "allowed_mentions": {"parse": []}}
        body = json.dumps({"type": REPLY.value, "data": data}, separators=(",", ":"))
        url = f"{Route.BASE}/interactions/{interaction.id}/{interaction.token}/callback"
        for attempt in range(1, ATTEMPTS + 1):
            async with session.post(url, data=body, headers=self._headers) as response:
                if response.status < 300:
                    # discord.py's own mark of an answered interaction; there is no setter
                    interaction.response._response_type = REPLY
                    return
                error, retry_after = await _failure(response)
                pause = _pause(response, retry_after, attempt)
            if pause is None:
                raise error
            await asyncio.sleep(pause)


async def _failure(
    response: aiohttp.ClientResponse,
) -> tuple[discord.HTTPException, float | None]:
    """The exception discord.py raises for this status, and a 429's retry_after."""
    text = await response.text()
    message: str | dict[str, Any] = text
    if response.content_type == "application/json":
        try:
            message = json.loads(text)
        except ValueError:
            pass
    retry_after = message.get("retry_after") if isinstance(message, dict) else None
    if response.status == 403:
        error: discord.HTTPException = discord.Forbidden(response, message)
    elif response.status == 404:
        error = discord.NotFound(response, message)
    elif response.status >= 500:
        error = discord.DiscordServerError(response, message)
    else:
        error = discord.HTTPException(response, message)
    return error, float(retry_after) if isinstance(retry_after, int | float) else None


def _pause(
    response: aiohttp.ClientResponse, retry_after: float | None, attempt: int
) -> float | None:
    """Seconds to wait before trying again, or None to give up.

    A 429 without Discord's Via header comes from Cloudflare (a ban), not from Discord's
    limits: tried again, it only makes things worse.
    """
    if attempt >= ATTEMPTS:
        return None
    if response.status >= 500:
        return 0.25 * attempt
    if response.status == 429 and response.headers.get("Via"):
        pause = 1.0 if retry_after is None else retry_after
        return pause if pause <= MAX_PAUSE_S else None
    return None


async def private(interaction: discord.Interaction, text: str, **kwargs: object) -> None:
    """An ephemeral reply as the initial response, or as a followup if one was sent."""
    text = cut(text, CONTENT)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, **kwargs)  # type: ignore[arg-type]
        elif not kwargs and isinstance(
            replies := getattr(interaction.client, "replies", None), Replies
        ):
            await replies.send(interaction, text)  # TriviaBot's: plain text needs no more
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
