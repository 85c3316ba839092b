"""`trivia-bot run`'s event loop: uvloop's where it is installed, as on every Linux install."""

import asyncio
import sys

import pytest

from bot.discord_front.commands import _run


async def loop_module() -> str:
    return type(asyncio.get_running_loop()).__module__


@pytest.mark.skipif(sys.platform == "win32", reason="uvloop has no Windows build")
def test_the_bot_runs_on_uvloop():
    assert _run(loop_module()).startswith("uvloop")
