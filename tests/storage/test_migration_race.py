"""Two processes opening one fresh database at once: both migrate it, or wait, never fail."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

OPEN_AT = """
import asyncio, sys, time
from bot.storage.sqlite import SQLiteRepository
async def main():
    while time.time() < float(sys.argv[2]):  # start together, as two services booting
        pass
    repo = await SQLiteRepository.open(sys.argv[1])
    await repo.close()
asyncio.run(main())
"""


def test_two_processes_migrate_a_fresh_file_at_once(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    for attempt in range(3):
        db = tmp_path / f"race-{attempt}.db"
        go = f"{time.time() + 0.7:.3f}"  # after both interpreters have imported everything
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", OPEN_AT, str(db), go],
                env=env,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        for proc in procs:
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
        con = sqlite3.connect(db)
        try:
            assert con.execute("PRAGMA user_version").fetchone()[0] >= 2
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            con.close()
