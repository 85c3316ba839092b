"""Shared rigs for the fault tests: the real bot in-process or as a process, the CLI, the DB."""
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import types
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import discord.http
import pytest

from bot.app import App, open_app
from bot.banks.loader import load_banks
from bot.discord_front.client import TriviaBot
from bot.discord_front.cooldowns import NO_LIMITS, Cooldowns
from bot.engine.models import Player
from bot.game.session import Session
from bot.settings import Settings
from bot.storage.postgres import numbered
from bot.storage.target import PostgresTarget, SQLiteTarget
from tests.conftest import in_a_thread
from tests.fakediscord import (
    FakeChannel,
    FakeDiscord,
    FakeGuild,
    FakeInteraction,
    FakeMessage,
    FakeUser,
    run_bot,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "banks"
MANAGE_GUILD = 1 << 5
ANSWERS: dict[str, str] = {
    q.text: q.answers[0] for r in load_banks([FIXTURES]) if r.bank for q in r.bank.questions
}

# Figures for the report, printed at the end of the run (tests/conftest.py sums them).
TALLY: Counter[str] = Counter()


# -- the world -------------------------------------------------------------------------------


@dataclass
class Server:
    """One guild with a round channel, a spare channel, an admin and some players."""

    guild: FakeGuild
    channel: FakeChannel
    other_channel: FakeChannel
    admin: FakeUser
    players: list[FakeUser]


def add_server(
    fake: FakeDiscord, name: str = "one", players: tuple[str, ...] = ("alice", "bob", "carol")
) -> Server:
    """Build the world before the bot connects, since GUILD_CREATE is sent only at IDENTIFY."""
    owner = fake.add_user(f"{name}-owner")
    guild = fake.add_guild(name, owner=owner)
    admin_role = fake.add_role(guild, "admins", MANAGE_GUILD)
    admin = fake.add_user(f"{name}-admin")
    fake.add_member(guild, admin, roles=[admin_role])
    users = [fake.add_user(n) for n in players]
    for user in users:
        fake.add_member(guild, user)
    return Server(
        guild, fake.add_channel(guild, "trivia"), fake.add_channel(guild, "other"), admin, users
    )


def settings_for(tmp_path: Path, token: str) -> Settings:
    """Buttons-only settings, so the bot asks for no privileged intent."""
    return Settings(
        discord_token=token,
        database=SQLiteTarget(tmp_path / "trivia.db"),
        banks_dir=FIXTURES,
        dev_guild=None,
        log_level="DEBUG",
        typed_answers=False,
        api_base=None,
        gateway_url=None,
    )


# -- the bot in-process ----------------------------------------------------------------------


class QuickBot(TriviaBot):
    """The real bot minus discord.py's 5 s wait before re-identifying, so faults heal fast."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


@dataclass
class Running:
    fake: FakeDiscord
    bot: TriviaBot
    app: App


@contextlib.asynccontextmanager
async def running_bot(
    fake: FakeDiscord, settings: Settings, *guilds: FakeGuild, question_pause: float = 0.05
) -> AsyncIterator[Running]:
    """The real composition point and the real bot, against the loopback Discord."""
    async with open_app(settings) as app:
        bot = QuickBot(
            service=app.service,
            settings=settings,
            question_pause=question_pause,
            guild_ready_timeout=0.05,
        )
        # the abuse limits are tested on their own (test_limits.py); here they would only slow
        # tests that start many rounds and read many boards
        bot.cooldowns = Cooldowns(app.repo, defaults=NO_LIMITS, max_rounds=1000)
        async with run_bot(fake, bot):
            for guild in guilds:
                await bot.sync_to(guild.id)
                await fake.wait_for_commands(guild)
            yield Running(fake, bot, app)


def seat(run: Running, *users: FakeUser) -> None:
    """Players count as in the round from question 1, so no question waits for its full time."""
    service = run.app.service
    original = service.start

    async def start(**kwargs: Any) -> Session:
        session = await original(**kwargs)
        for user in users:
            session.round.join(Player(user.id, user.global_name or user.username))
        return session

    service.start = start  # type: ignore[method-assign]


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """The loopback Discord without its 5-posts-per-5-s channel limit, which only costs time.

    Rate limits are tested on purpose, with injected 429s, in test_rest.py.
    """
    async with FakeDiscord(channel_rate_limit=None) as f:
        yield f


class _QuickRetries(types.ModuleType):
    """`asyncio` as discord.http sees it, but its 5xx back-off (whole seconds) is 50x shorter."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def sleep(delay: float, result: Any = None) -> Any:
        # discord.py waits 1 + 2*tries seconds (an int) after a 5xx; rate limits are floats.
        if isinstance(delay, int) and not isinstance(delay, bool):
            delay = delay / 50
        return await asyncio.sleep(delay, result)


@pytest.fixture
def quick_server_error_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep discord.py's retry logic but not its 1 s, 3 s, 5 s... waits after a 500."""
    monkeypatch.setattr(discord.http, "asyncio", _QuickRetries("asyncio"))


# -- what players see ------------------------------------------------------------------------


def title(message: FakeMessage) -> str:
    return message.embeds[0].get("title", "") if message.embeds else ""


def right_label(message: FakeMessage) -> str:
    return ANSWERS[message.embeds[0]["description"]]


def wrong_label(message: FakeMessage) -> str:
    right = right_label(message)
    return next(b["label"] for b in message.buttons() if b["label"] != right)


async def question(
    fake: FakeDiscord, channel: FakeChannel, number: int, timeout: float = 10
) -> FakeMessage:
    """The message of question `number`, once the bot has posted it."""
    return await fake.wait_for_message(
        channel, predicate=lambda m: title(m).startswith(f"Question {number}/"), timeout=timeout
    )


async def standings(fake: FakeDiscord, channel: FakeChannel, timeout: float = 10) -> FakeMessage:
    return await fake.wait_for_message(
        channel, predicate=lambda m: title(m).startswith("Final standings"), timeout=timeout
    )


async def start_round(
    fake: FakeDiscord, channel: FakeChannel, user: FakeUser, **options: Any
) -> str:
    """Run /trivia start and return the reply text."""
    ix = await fake.invoke_slash(channel, user, "trivia start", {"bank": "geo", **options})
    return (await ix.reply()).text


async def click(fake: FakeDiscord, message: FakeMessage, user: FakeUser, label: str) -> str:
    """Click a choice by its label and return the private reply."""
    ix = await fake.click_button(message, None, user, label=label)
    reply = await ix.response()
    assert reply.ephemeral, reply.text
    return reply.content or ""


async def raw_click(
    fake: FakeDiscord, message: FakeMessage, user: FakeUser, custom_id: str
) -> FakeInteraction:
    """A click sent as-is: a tampered client's custom_id, or one in flight as a message went."""
    channel = fake.channels[message.channel_id]
    data = {"custom_id": custom_id, "component_type": 2}
    ix = fake._base_interaction(3, channel, user, data, f"component {custom_id[:40]}")
    ix.payload["message"] = message.payload()
    ix.source_message = message
    return await fake._dispatch_interaction(ix)


# -- the database and the CLI ----------------------------------------------------------------


def db_of(settings: Settings) -> Path | PostgresTarget:
    """What db_rows, cli and assert_db_check take: the SQLite file, or the PostgreSQL target."""
    return settings.database if isinstance(settings.database, PostgresTarget) else settings.db_path


def db_rows(
    db: Path | PostgresTarget, sql: str, params: tuple[Any, ...] = ()
) -> list[tuple[Any, ...]]:
    """Read with a separate connection, as an operator would ('?' placeholders on both)."""
    if isinstance(db, PostgresTarget):
        return in_a_thread(_pg_rows, db.dsn, numbered(sql), params)
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


async def _pg_rows(dsn: str, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    conn = await asyncpg.connect(dsn)
    try:
        return [tuple(r) for r in await conn.fetch(sql, *params)]
    finally:
        await conn.close()


def child_env(**extra: str) -> dict[str, str]:
    """The test's environment without any real bot settings, plus `extra`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TRIVIA_", "DISCORD_")) and k != "LOG_LEVEL"
    }
    env.update(extra)
    return env


def cli(
    db: Path | PostgresTarget, *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`trivia-bot ARGS` as a separate process on database `db`."""
    url = db.dsn if isinstance(db, PostgresTarget) else str(db)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=child_env(TRIVIA_DB=url, TRIVIA_BANKS=str(FIXTURES)),
        cwd=cwd or (db.parent if isinstance(db, Path) else ROOT),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def assert_db_check(db: Path | PostgresTarget) -> None:
    """`trivia-bot db check` must exit 0: totals equal the sum of the answers."""
    done = cli(db, "db", "check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "consistent" in done.stdout


# -- the bot as a process --------------------------------------------------------------------


class BotProcess:
    """`trivia-bot run` in a child process, configured only through its environment."""

    def __init__(self, fake: FakeDiscord, tmp_path: Path, guild: FakeGuild) -> None:
        self.fake = fake
        self.tmp_path = tmp_path
        self.db = tmp_path / "trivia.db"
        self.guild = guild
        self.logs: list[Path] = []
        self.proc: asyncio.subprocess.Process | None = None

    def env(self) -> dict[str, str]:
        return child_env(
            **self.fake.env(),
            DISCORD_TOKEN=self.fake.token,
            TRIVIA_DB=str(self.db),
            TRIVIA_BANKS=str(FIXTURES),
            TRIVIA_DEV_GUILD=str(self.guild.id),
            LOG_LEVEL="DEBUG",
            TRIVIA_TYPED_ANSWERS="0",
        )

    async def start(self) -> None:
        """Start and wait until the fake saw a fresh READY and the commands are synced."""
        readies = self.fake.gateway.ready_count
        log = self.tmp_path / f"bot-{len(self.logs) + 1}.log"
        self.logs.append(log)
        with log.open("wb") as err:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                env=self.env(),
                cwd=self.tmp_path,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=err,
                stderr=err,
            )
        try:
            await self.fake.wait_for(
                lambda: self.fake.gateway.ready_count > readies and self.fake.gateway.connected(),
                timeout=20,
                what="the bot process to connect",
            )
            await self.fake.wait_for_commands(self.guild)
        except TimeoutError:
            raise AssertionError("bot did not connect:\n" + log.read_text()) from None

    async def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed or closed."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    async def stop(self) -> int:
        """SIGTERM: the bot saves running rounds as stopped and exits."""
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 20)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        return self.proc.returncode or 0

    def log_text(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in self.logs if p.exists())


@pytest.fixture
async def bot_process(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Any]:
    """A factory for the bot as a process; whatever is still running is killed afterwards."""
    made: list[BotProcess] = []

    def make(guild: FakeGuild) -> BotProcess:
        made.append(BotProcess(fake, tmp_path, guild))
        return made[-1]

    yield make
    for bot in made:
        if bot.proc is not None and bot.proc.returncode is None:
            bot.proc.kill()
            await bot.proc.wait()
