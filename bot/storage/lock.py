"""One process writes a SQLite database: `run` and `play` hold a lock file beside it."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from bot.storage.errors import DatabaseUnavailable, StorageError


class DatabaseInUse(StorageError):
    """Another trivia-bot process has the database: a second writer would end its rounds."""


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


@contextlib.contextmanager
def exclusive(database: Path) -> Iterator[None]:
    """Hold the database's lock for the block, or refuse at once naming the holder.

    flock, not a pid file: the kernel drops the lock when the holder exits, even by SIGKILL,
    so a crash never leaves a stale lock to clear by hand. The file stays; only its lock
    matters (its text names the holder's pid, for the message).
    """
    path = lock_path(database)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise DatabaseUnavailable(
            f"cannot create the database file {database} or its lock file: {exc.strerror}. "
            "Set TRIVIA_DB to a writable location."
        ) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise DatabaseInUse(
                f"the database {database} is in use by another trivia-bot process (pid "
                f"{holder}); one process writes a database at a time: stop that one first "
                "(`trivia-bot db backup` and `db check` work beside it)"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the last descriptor releases the lock
