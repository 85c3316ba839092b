"""The real TriviaBot, built by the real composition point, against the loopback Discord."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app import App, open_app
from bot.discord_front.client import TriviaBot
from bot.settings import Settings
from tests.fakediscord import FakeDiscord, FakeChannel, FakeGuild, FakeRole, FakeUser, run_bot

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
        db_path=tmp_path / "trivia.db",
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
    fake: FakeDiscord, settings: Settings, *guilds: FakeGuild
) -> AsyncIterator[Running]:
    async with open_app(settings) as app:
        bot = TriviaBot(
            service=app.service, settings=settings, question_pause=0.05, guild_ready_timeout=0.05
        )
        async with run_bot(fake, bot):
            for guild in guilds:
                await bot.sync_to(guild.id)
                await fake.wait_for_commands(guild)
            yield Running(fake, bot, app)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as f:
        yield f
