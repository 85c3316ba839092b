"""Two real `trivia-bot run` processes, shards 0 and 1 of 2, on one PostgreSQL database.

Each process gets only its shard's guilds from the loopback Discord; a SIGKILL and restart of
one process abandons its own round (points kept) while the other's round goes on and ends.
"""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from pathlib import Path

import asyncpg
import pytest

from tests.fakediscord import FakeDiscord, FakeMessage
from tests.faults.conftest import (
    FIXTURES,
    ROOT,
    Server,
    add_server,
    child_env,
    click,
    question,
    right_label,
    standings,
    start_round,
    wrong_label,
)
from tests.postgres import fresh_database

pytestmark = pytest.mark.slow

IDENTIFY_SPACING = 5.0  # Discord's, enforced by the fake across both processes


class ShardProcess:
    """`trivia-bot run --shard-count 2 --shards N` as a child process."""

    def __init__(self, fake: FakeDiscord, dsn: str, shard: int, dev_guild: int, logs: Path):
        self.fake, self.dsn, self.shard, self.dev_guild = fake, dsn, shard, dev_guild
        self.logs = logs
        self.runs = 0
        self.proc: asyncio.subprocess.Process | None = None

    async def spawn(self) -> None:
        self.runs += 1
        with self.log.open("wb") as out:
            self.proc = await asyncio.create_subprocess_exec(
                *(sys.executable, "-m", "bot", "run", "--shard-count", "2"),
                *("--shards", str(self.shard)),
                env=child_env(
                    **self.fake.env(),
                    DISCORD_TOKEN=self.fake.token,
                    TRIVIA_DB=self.dsn,
                    TRIVIA_BANKS=str(FIXTURES),
                    TRIVIA_DEV_GUILD=str(self.dev_guild),
                    LOG_LEVEL="INFO",
                ),
                cwd=ROOT,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=out,
            )

    @property
    def log(self) -> Path:
        return self.logs / f"shard{self.shard}-run{self.runs}.log"

    async def connected(self, identifies_before: int) -> None:
        """Wait for a new IDENTIFY of this shard and its READY."""

        def ready() -> bool:
            mine = [i for i in self.fake.gateway.identifies if i.get("shard") == [self.shard, 2]]
            return len(mine) > identifies_before and self.fake.gateway.connected([self.shard])

        try:
            await self.fake.wait_for(ready, timeout=30, what=f"shard {self.shard} to connect")
        except TimeoutError:
            raise AssertionError(f"shard {self.shard} did not connect:\n{self.text()}") from None

    def text(self) -> str:
        return "\n".join(
            p.read_text(errors="replace") for p in sorted(self.logs.glob(f"shard{self.shard}-*"))
        )

    async def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    async def stop(self) -> int:
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            await asyncio.wait_for(self.proc.wait(), 20)
        return self.proc.returncode or 0


def board_names(message: FakeMessage) -> set[str]:
    return set(re.findall(r"\*\*\d+\.\*\* (.+?) · \d+ pts", message.embeds[0]["description"]))


async def statuses(dsn: str) -> dict[int, str]:
    conn = await asyncpg.connect(dsn)
    try:
        return {
            r["guild_id"]: r["status"]
            for r in await conn.fetch("SELECT guild_id, status FROM games")
        }
    finally:
        await conn.close()


async def test_two_shard_processes_share_one_database(tmp_path: Path) -> None:
    fake = FakeDiscord(shard_count=2, identify_spacing=IDENTIFY_SPACING)
    a = add_server(fake, "alpha", players=("ann", "amy"))  # round-robin: shard 0
    b = add_server(fake, "beta", players=("bea", "bob"))  # shard 1
    assert (fake.shard_for(a.guild.id), fake.shard_for(b.guild.id)) == (0, 1)
    async with fresh_database() as target, fake:
        procs = [ShardProcess(fake, target.dsn, s, a.guild.id, tmp_path) for s in (0, 1)]
        try:
            await _scenario(fake, target.dsn, procs, a, b)
        finally:
            for p in procs:
                if p.proc is not None and p.proc.returncode is None:
                    p.proc.kill()
                    await p.proc.wait()


async def _scenario(
    fake: FakeDiscord, dsn: str, procs: list[ShardProcess], a: Server, b: Server
) -> None:
    p0, p1 = procs
    # both start at once: the second IDENTIFY waits for the first's turn, across processes
    await asyncio.gather(p0.spawn(), p1.spawn())
    await asyncio.gather(p0.connected(0), p1.connected(0))
    (t_first, _), (t_second, _) = sorted(fake.gateway.identify_times)
    assert t_second - t_first >= IDENTIFY_SPACING * 0.98, fake.gateway.identify_times
    assert t_second - t_first < IDENTIFY_SPACING + 3  # a turn, not a guessed pause
    # only the process with shard 0 synced (to the dev guild); serve them everywhere, as a
    # global `trivia-bot sync` would
    await fake.wait_for_commands(a.guild)
    fake.global_commands = list(fake.guild_commands[a.guild.id])

    # a round in a guild of each shard, each served by its own process
    assert "started a round" in await start_round(
        fake, a.channel, a.players[0], questions=1, seconds=10
    )
    assert "started a round" in await start_round(
        fake, b.channel, b.players[0], questions=2, seconds=30
    )
    qa, qb = await question(fake, a.channel, 1), await question(fake, b.channel, 1)
    for msg, (right, wrong) in ((qa, a.players), (qb, b.players)):
        assert (await click(fake, msg, right, right_label(msg))).startswith("Locked in")
        assert (await click(fake, msg, wrong, wrong_label(msg))).startswith("Locked in")

    # shard 1's process dies mid-round and comes back; it must not touch shard 0's round
    await p1.kill()
    assert await statuses(dsn) == {a.guild.id: "running", b.guild.id: "running"}
    await p1.spawn()
    await p1.connected(1)
    assert await statuses(dsn) == {a.guild.id: "running", b.guild.id: "abandoned"}

    # a global board is the same from either process, and shows both shards' players
    boards = []
    for server in (a, b):
        ix = await fake.invoke_slash(
            server.channel, server.players[1], "trivia leaderboard", {"scope": "global"}
        )
        reply = (await ix.reply()).message  # the board is deferred, then filled
        assert reply is not None
        boards.append(board_names(reply))
    assert boards[0] == boards[1] and {"ann", "bea"} <= boards[0], boards

    # shard 0's round was never interrupted: it closes and is recorded as finished
    final = await standings(fake, a.channel, timeout=30)
    assert "ann" in final.text
    for _ in range(100):  # the game row is closed just after the standings are posted
        if (await statuses(dsn))[a.guild.id] != "running":
            break
        await asyncio.sleep(0.05)
    assert await statuses(dsn) == {a.guild.id: "finished", b.guild.id: "abandoned"}
    assert await _scorers(dsn) == {(a.guild.id, "ann"), (b.guild.id, "bea")}

    assert await p0.stop() == 0 and await p1.stop() == 0
    assert "marked abandoned" not in p0.text() and p1.text().count("marked abandoned") == 1
    assert len(fake.command_syncs) == 1  # the restarted shard-1 process synced nothing
    for p in procs:
        assert fake.token not in p.text()
    fake.assert_no_violations()


async def _scorers(dsn: str) -> set[tuple[int, str]]:
    """(guild, player) of everyone with points, as stored: the abandoned round kept its."""
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT t.guild_id, p.name FROM player_totals t "
            "JOIN players p ON p.id = t.player_id WHERE t.points > 0"
        )
    finally:
        await conn.close()
    return {(r["guild_id"], r["name"]) for r in rows}
