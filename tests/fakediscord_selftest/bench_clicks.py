"""Rough throughput check: N button clicks dispatched within one second to a bare bot.

Run from the repository root:
    .venv/bin/python tests/fakediscord_selftest/bench_clicks.py --clicks 1000 --rate 1000
    .venv/bin/python tests/fakediscord_selftest/bench_clicks.py --subprocess
Latency is dispatch -> initial callback received, measured by the fake with perf_counter.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import discord

from tests.fakediscord import FakeDiscord, World, run_bot

SCRIPT = Path(__file__).with_name("subprocess_bot.py")


class ClickBot(discord.AutoShardedClient):
    """Answers every bench button click with a constant ephemeral reply."""

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.component:
            await interaction.response.send_message("ok", ephemeral=True)


@contextlib.asynccontextmanager
async def in_process(fake: FakeDiscord, world: World) -> AsyncIterator[None]:
    bot = ClickBot(
        intents=discord.Intents.default(),
        allowed_mentions=discord.AllowedMentions.none(),
        guild_ready_timeout=0.05,
    )
    async with run_bot(fake, bot):
        yield


@contextlib.asynccontextmanager
async def subprocess(fake: FakeDiscord, world: World) -> AsyncIterator[None]:
    env = {
        **os.environ,
        **fake.env(),
        "SELFTEST_TOKEN": fake.token,
        "SELFTEST_GUILD_ID": str(world.guild.id),
    }
    proc = await asyncio.create_subprocess_exec(sys.executable, str(SCRIPT), env=env)
    try:
        await fake.wait_until_connected(timeout=20)
        yield
    finally:
        proc.terminate()
        await proc.wait()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(clicks: int, rate: float, use_subprocess: bool, users: int) -> dict[str, Any]:
    fake = FakeDiscord()
    world = fake.setup_basic(*(f"user{i}" for i in range(users)))
    async with fake:
        runner = subprocess if use_subprocess else in_process
        async with runner(fake, world):
            button = {"type": 2, "style": 1, "label": "Go", "custom_id": "bench:go"}
            message = fake.store_bot_message(
                world.channel,
                {"content": "Q?", "components": [{"type": 1, "components": [button]}]},
            )
            loop = asyncio.get_running_loop()
            tasks: list[asyncio.Task[Any]] = []
            cpu0 = time.process_time()
            start = loop.time()
            for i in range(clicks):
                target = start + i / rate
                delay = target - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                user = world.users[i % users]
                tasks.append(asyncio.create_task(fake.click_button(message, "bench:go", user)))
            interactions = await asyncio.gather(*tasks)
            dispatch_span = loop.time() - start
            t0 = time.perf_counter()
            await fake.wait_for(
                lambda: all(ix.initial is not None or ix.expired for ix in interactions),
                timeout=60,
            )
            total = dispatch_span + (time.perf_counter() - t0)
            cpu = time.process_time() - cpu0
        latencies = [ix.latency for ix in interactions if ix.latency is not None]
        return {
            "mode": "subprocess" if use_subprocess else "in-process",
            "clicks": clicks,
            "dispatch_span_s": round(dispatch_span, 3),
            "all_answered_s": round(total, 3),
            "throughput_per_s": round(clicks / total, 1),
            "p50_ms": round(statistics.median(latencies) * 1000, 2),
            "p99_ms": round(pct(latencies, 0.99) * 1000, 2),
            "max_ms": round(max(latencies) * 1000, 2),
            # In-process this is fake + bot; with --subprocess it is the fake alone.
            "cpu_ms_per_click": round(cpu / clicks * 1000, 3),
            "expired": sum(1 for ix in interactions if ix.expired),
            "violations": len(fake.violations),
        }


def main() -> None:
    """Parse arguments, run once, print one line of results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clicks", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=1000.0, help="clicks dispatched per second")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--subprocess", action="store_true", help="run the bot as a process")
    args = parser.parse_args()
    result = asyncio.run(run(args.clicks, args.rate, args.subprocess, args.users))
    print(" ".join(f"{k}={v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
