"""CI: an installed `trivia-bot run` connects to the loopback Discord and stops cleanly.

Run with the checkout's Python (it has tests/fakediscord); the bot is the program given as
the first argument, from a venv that has only the wheel. Exits non-zero when the bot does not
connect, sync its commands and exit 0 on SIGTERM.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import tempfile
from pathlib import Path

from tests.fakediscord import FakeDiscord


async def main(program: str) -> int:
    async with FakeDiscord() as fake:
        owner = fake.add_user("owner")
        guild = fake.add_guild("ci", owner=owner)
        fake.add_channel(guild, "trivia")
        with tempfile.TemporaryDirectory(prefix="trivia-run-") as folder:
            env = {k: v for k, v in os.environ.items() if not k.startswith(("TRIVIA_", "DISCORD_"))}
            env.update(fake.env(), DISCORD_TOKEN=fake.token, TRIVIA_DEV_GUILD=str(guild.id))
            proc = await asyncio.create_subprocess_exec(
                program, "run", env=env, cwd=folder, stdin=asyncio.subprocess.DEVNULL
            )
            try:
                await fake.wait_for(fake.gateway.connected, timeout=30, what="the bot to connect")
                commands = await fake.wait_for_commands(guild, timeout=30)
            finally:
                if proc.returncode is None:
                    proc.send_signal(signal.SIGTERM)
                code = await asyncio.wait_for(proc.wait(), 30)
            if not (Path(folder) / "data" / "trivia.db").is_file():
                print("wheel run: no database in the working folder", file=sys.stderr)
                return 1
    names = sorted(c["name"] for c in commands)
    print(f"wheel run: connected, synced {names} to the guild, exit {code} on SIGTERM")
    return code


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(sys.argv[1])))
