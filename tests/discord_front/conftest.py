"""The real TriviaBot, built by the real composition point, against the loopback Discord."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.app import App, open_app
from bot.discord_front.client import TriviaBot
from bot.discord_front.cooldowns import NO_LIMITS, Cooldowns
from bot.engine.clock import Clock
from bot.settings import Settings
from bot.storage.records import AnswerRow, GameStatus, NewGame, Participant
from bot.storage.sqlite import SQLiteRepository
from bot.storage.target import SQLiteTarget
from tests.fakediscord import (
    FakeChannel,
    FakeDiscord,
    FakeGuild,
    FakeMessage,
    FakeResponse,
    FakeRole,
    FakeUser,
    run_bot,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "banks"
MANAGE_GUILD = 1 << 5


@dataclass
class Server:
    guild: FakeGuild
    channel: FakeChannel
    other_channel: FakeChannel
    owner: FakeUser
    admin: FakeUser
    players: list[FakeUser]
    manager_role: FakeRole


def add_server(fake: FakeDiscord, name: str, player_names: tuple[str, ...]) -> Server:
    owner = fake.add_user(f"{name}-owner")
    guild = fake.add_guild(name, owner=owner)
    admin_role = fake.add_role(guild, "admins", MANAGE_GUILD)
    manager_role = fake.add_role(guild, "quizmasters", 0)
    admin = fake.add_user(f"{name}-admin")
    fake.add_member(guild, admin, roles=[admin_role])
    players = [fake.add_user(n) for n in player_names]
    for p in players:
        fake.add_member(guild, p)
    return Server(
        guild,
        fake.add_channel(guild, "trivia"),
        fake.add_channel(guild, "other"),
        owner,
        admin,
        players,
        manager_role,
    )


def settings_for(tmp_path: Path, token: str, *, typed: bool = True) -> Settings:
    return Settings(
        discord_token=token,
        database=SQLiteTarget(tmp_path / "trivia.db"),
        banks_dir=FIXTURES,
        dev_guild=None,
        log_level="INFO",
        typed_answers=typed,
        api_base=None,
        gateway_url=None,
    )


@dataclass
class Running:
    fake: FakeDiscord
    bot: TriviaBot
    app: App


@contextlib.asynccontextmanager
async def running_bot(
    fake: FakeDiscord, settings: Settings, *guilds: FakeGuild, clock: Clock | None = None
) -> AsyncIterator[Running]:
    async with open_app(settings, clock=clock) as app:
        bot = TriviaBot(
            service=app.service, settings=settings, question_pause=0.05, guild_ready_timeout=0.05
        )
        # the abuse limits are tested on their own (test_limits.py); here they would only slow
        # tests that start many rounds and read many boards
        bot.cooldowns = Cooldowns(app.repo, defaults=NO_LIMITS, max_rounds=1000)
        async with run_bot(fake, bot):
            for guild in guilds:
                await bot.sync_to(guild.id)
                await fake.wait_for_commands(guild)
            yield Running(fake, bot, app)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as f:
        yield f


@contextlib.contextmanager
def database_held(repo: Any) -> Iterator[asyncio.Event]:
    """Every repository call waits until the test sets the event: a database that stalls.

    Whatever the bot must answer within Discord's 3 s has to be answered (deferred) before
    its first database call; no timing is measured, the order is what is checked.
    """
    release = asyncio.Event()

    def held(method: Any) -> Any:
        @functools.wraps(method)
        async def wait_then_call(*args: Any, **kwargs: Any) -> Any:
            await release.wait()
            return await method(*args, **kwargs)

        return wait_then_call

    names = [
        n
        for n in dir(type(repo))
        if not n.startswith("_") and inspect.iscoroutinefunction(getattr(type(repo), n))
    ]
    for name in names:
        setattr(repo, name, held(getattr(repo, name)))
    try:
        yield release
    finally:
        release.set()
        for name in names:
            delattr(repo, name)


async def deferred_while_held(
    fake: FakeDiscord,
    repo: Any,
    channel: FakeChannel,
    user: FakeUser,
    name: str,
    options: Mapping[str, Any] | None = None,
    *,
    bypass: bool = False,
) -> Any:
    """Invoke a command with the database stalled: its first response must be a private
    deferral, sent before any database reply; then the database answers. The interaction."""
    with database_held(repo) as release:
        ix = await fake.invoke_slash(channel, user, name, options, bypass_permissions=bypass)
        first = await ix.response(timeout=2.5)
        assert first.type == 5 and first.ephemeral, name
        release.set()
    return ix


def query(tmp_path: Path, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Read the bot's database file directly, so tests check what was really stored."""
    con = sqlite3.connect(tmp_path / "trivia.db")
    try:
        return con.execute(sql, tuple(params)).fetchall()
    finally:
        con.close()


async def call(
    fake: FakeDiscord,
    channel: FakeChannel,
    user: FakeUser,
    name: str,
    options: Mapping[str, Any] | None = None,
    *,
    bypass: bool = False,
) -> FakeResponse:
    """Invoke a slash command and return the bot's initial response (most tests need only it)."""
    ix = await fake.invoke_slash(channel, user, name, options, bypass_permissions=bypass)
    return await ix.reply()


async def press(fake: FakeDiscord, message: FakeMessage, user: FakeUser, label: str) -> None:
    """Click a Confirm or Cancel (deferred at once) and wait until its message is filled in."""
    ix = await fake.click_button(message, None, user, label=label)
    await ix.response()
    await fake.wait_for(lambda: not message.buttons(), what=f"{label!r} to be filled in")


async def seed_game(
    tmp_path: Path,
    guild: FakeGuild,
    channel: FakeChannel,
    scores: Sequence[tuple[FakeUser, bool, int]],
    *,
    at: float | None = None,
    bank_id: str = "geo",
    question_id: str = "capital-italy",
) -> int:
    """A finished one-question game written through the repository, before the bot starts."""
    when = time.time() if at is None else at
    repo = await SQLiteRepository.open(tmp_path / "trivia.db")
    try:
        game_id = await repo.create_game(
            NewGame(guild.id, channel.id, (bank_id,), "buttons", scores[0][0].id, 1, 5.0, when)
        )
        await repo.record_answers(
            [
                AnswerRow(
                    game_id,
                    1,
                    u.id,
                    u.username,
                    guild.id,
                    bank_id,
                    question_id,
                    right,
                    points,
                    1000,
                    when,
                )
                for u, right, points in scores
            ]
        )
        best = max(points for _, _, points in scores)
        await repo.end_game(
            game_id,
            GameStatus.FINISHED,
            when + 5,
            [
                Participant(u.id, int(right), right and points == best)
                for u, right, points in scores
            ],
        )
        return game_id
    finally:
        await repo.close()
