"""`python -m bench.gil_commit`: an answer commit's wall time when the event loop is busy.

The database thread needs the GIL back after every SQLite call, and a thread running
Python gives it up only every switch interval (5 ms). This times one 10-answer commit
(`_write_answers`, on a fresh SQLite file, synchronous=FULL) on a second thread, beside an
idle main thread (the floor) and beside one running Python without pause (a loop that
never waits), for the shipped commit (a statement per table) and for the same rows
written row by row with executemany, as before.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.storage import sqlite as backend
from bot.storage.records import iso_week

Rows = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]
GUILD = 1234567890123


def row_by_row(db: sqlite3.Connection, players: Any, members: Any, answers: Any) -> int:
    """The commit as it was: executemany, a GIL hand-back per row and statement."""
    db.execute("BEGIN IMMEDIATE")
    db.execute(backend._FORGOTTEN).fetchall()
    db.executemany(backend._UPSERT_PLAYER, players)
    db.executemany(backend._UPSERT_MEMBER, members)
    inserted = db.executemany(backend._INSERT_ANSWER, answers).rowcount
    db.execute("COMMIT")
    return inserted


def batches(players: Sequence[int], size: int) -> Callable[[], Rows]:
    """Each call: `size` random known players answering the next game's question 1."""
    rng = random.Random(7)
    now = time.time()
    game = 0

    def make() -> Rows:
        nonlocal game
        game += 1
        who = rng.sample(list(players), size)
        return (
            [(p, f"p{p}", now) for p in who],
            [(GUILD, p, f"p{p}", now) for p in who],
            [(game, 1, p, GUILD, "geo", "q1", 1, 10, 1234, now, iso_week(now), 0) for p in who],
        )

    return make


def spin(stop: threading.Event) -> None:
    """A main thread that never waits: the event loop at saturation."""
    n = 0
    while not stop.is_set():
        n += 1


def commit(
    db: sqlite3.Connection,
    write: Callable[..., int],
    make: Callable[[], Rows],
    commits: int,
    walls: list[float],
) -> None:
    """On the database thread: `commits` commits, each one's wall time appended."""
    for _ in range(commits):
        rows = make()
        started = time.perf_counter()
        write(db, *rows)
        walls.append(time.perf_counter() - started)


def measure(size: int, commits: int) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="bench-gil-") as tmp:
        path = Path(tmp) / "trivia.db"

        async def create() -> None:
            await (await backend.SQLiteRepository.open(path)).close()

        asyncio.run(create())
        out: list[str] = []
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = FULL")
        rng = random.Random(1)
        players = [rng.getrandbits(62) for _ in range(1_000)]
        make = batches(players, size)
        db.executemany(backend._UPSERT_PLAYER, [(p, f"p{p}", 0.0) for p in players])
        db.executemany(backend._UPSERT_MEMBER, [(GUILD, p, f"p{p}", 0.0) for p in players])
        for busy in (False, True):
            stop = threading.Event()
            spinner = threading.Thread(target=spin, args=(stop,))
            if busy:
                spinner.start()
            for name, write in (
                ("a statement per table", backend._write_answers),
                ("row by row", row_by_row),
            ):
                walls: list[float] = []
                worker = threading.Thread(target=commit, args=(db, write, make, commits, walls))
                worker.start()
                worker.join()
                walls.sort()
                p50, p90 = walls[len(walls) // 2], walls[len(walls) * 9 // 10]
                out.append(
                    f"  {'busy' if busy else 'idle'} main thread, {name}: "
                    f"p50 {p50 * 1e3:.2f} ms, p90 {p90 * 1e3:.2f} ms"
                )
            stop.set()
            if busy:
                spinner.join()
        db.close()
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.gil_commit", description=__doc__)
    parser.add_argument("--answers", type=int, default=10, help="answers a commit")
    parser.add_argument("--commits", type=int, default=100)
    args = parser.parse_args(argv)
    print(f"one commit of {args.answers} answers on a second thread, {args.commits} times:")
    print("\n".join(measure(args.answers, args.commits)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
