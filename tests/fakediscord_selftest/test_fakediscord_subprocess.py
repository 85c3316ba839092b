"""The bot as a separate process, configured only through environment variables."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.fakediscord import FakeDiscord, World

SCRIPT = Path(__file__).with_name("subprocess_bot.py")


async def test_bot_in_subprocess(fake: FakeDiscord, world: World) -> None:
    env = {
        **os.environ,
        **fake.env(),
        "SELFTEST_TOKEN": fake.token,
        "SELFTEST_GUILD_ID": str(world.guild.id),
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(SCRIPT),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await fake.wait_until_connected(timeout=15)
        await fake.wait_for_commands(world.guild)
        ix = await fake.invoke_slash(world.channel, world.users[0], "ping")
        response = await ix.response()
        assert response.content == f"pong from pid {proc.pid}" and response.ephemeral
    finally:
        proc.terminate()
        output, _ = await asyncio.wait_for(proc.communicate(), 10)
    assert fake.gateway.ready_count == 1, output.decode()
    fake.assert_no_violations()
