"""SQLite's write-ahead log folded into the database beside the writer, never inside a commit."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

# at most this often: each checkpoint fsyncs the log and the file, and after every commit
# of a click burst that was 40 us of CPU a click (bench B1)
MIN_INTERVAL_S = 0.1
# below this the log is left to grow: a restart is worth its write lock only past it
RESTART_AFTER_FRAMES = 1000
# a restart that finds the writer mid-commit is tried again this often, this many times
RESTART_TRIES, RESTART_RETRY_S = 5, 0.002
# past this (about 100 MB of log) the restart waits for the writer's turn
FORCE_RESTART_FRAMES = 25_000


class Checkpointer:
    """A thread with its own connection that runs a PASSIVE checkpoint after commits.

    The writing connection has `wal_autocheckpoint = 0`, so no commit ever copies the log
    back itself (at 1,000 pages that was every third 50-answer commit, 17 ms at p99 in
    bench B4). A PASSIVE checkpoint never takes the write lock, so commits go on beside
    it; SQLite restarts the log from its start once a checkpoint has caught up with it.
    Commits that come while it works, or within MIN_INTERVAL_S of its last run, share its
    next run; idle, the thread sleeps on an
    event: no commit, no wake-up.
    """

    def __init__(self, path: Path, restart: Callable[[bool, int], bool] | None = None) -> None:
        """`restart(wait, commits)` starts the log over from the writer's side (True: still
        busy); `commits` is how many pokes came before the checkpoint that caught up.

        A RESTART taken here holds the write lock against the writer's connection, whose
        busy handler then sleeps 1, 2, 5, 10... ms however soon the lock is free again: with
        it, paced 50-answer commits at 2M answers had a p99 of 33-111 ms, without any
        checkpoint 12-18 (bench B4). The repository runs it under its own write lock.
        """
        self._path = path
        self._restart = restart
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
        self.checkpoints = 0
        self.restarts = 0
        self.commits = 0  # pokes so far: the writer pokes once a commit, under its lock
        self.last_error: str | None = None

    def start(self) -> None:
        self._thread.start()

    def poke(self) -> None:
        """After a commit: cheap when a checkpoint is already due (no lock, no wake-up)."""
        self.commits += 1
        if not self._wake.is_set():
            self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            # no busy wait: a checkpoint that would wait for the writer gives way instead
            conn = sqlite3.connect(
                self._path, timeout=0, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:  # the writer still works; SQLite folds the log at close
            self.last_error = str(exc)
            log.warning("cannot open %s to checkpoint its log: %s", self._path, exc)
            return
        try:
            while not self._stopping.is_set():
                self._wake.wait()
                if self._stopping.is_set():
                    break
                self._wake.clear()
                try:
                    self._fold(conn)
                    self.last_error = None
                except sqlite3.Error as exc:  # disk full, I/O: retried after the next commit
                    if self.last_error is None:
                        log.warning("checkpointing %s failed: %s", self._path, exc)
                    self.last_error = str(exc)
                self._stopping.wait(MIN_INTERVAL_S)
        finally:
            conn.close()

    def _fold(self, conn: sqlite3.Connection) -> None:
        """Copy the log in beside the writer; once caught up, let the log start over.

        SQLite reuses the log from its start only when a write transaction begins after a
        checkpoint caught up; back-to-back commits never leave it that moment, and the log
        grew without bound. So once caught up, a RESTART checkpoint takes the write lock if
        it is free right now (timeout 0: never waiting on a commit) and hands the next
        commit an empty log; if a commit holds it, the thread catches up and tries again.
        Past FORCE_RESTART_FRAMES it waits for the writer's turn instead, so the log stays
        bounded even under commits that never pause.
        """
        for attempt in range(RESTART_TRIES):
            commits = self.commits
            _, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()[0]
            self.checkpoints += 1
            if frames < RESTART_AFTER_FRAMES:
                return
            if copied == frames:
                if not self._restart_log(conn, commits, wait=False):
                    self.restarts += 1
                    return
            if attempt < RESTART_TRIES - 1:
                time.sleep(RESTART_RETRY_S)  # the writer is mid-commit: try again between two
        if frames >= FORCE_RESTART_FRAMES:
            self.restarts += 0 if self._restart_log(conn, self.commits, wait=True) else 1

    def _restart_log(self, conn: sqlite3.Connection, commits: int, *, wait: bool) -> bool:
        """A RESTART checkpoint; True if readers (or the writer) kept it from finishing."""
        if self._restart is not None:
            return self._restart(wait, commits)
        conn.execute("PRAGMA busy_timeout = 2000" if wait else "PRAGMA busy_timeout = 0")
        try:
            return bool(conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchall()[0][0])
        finally:
            conn.execute("PRAGMA busy_timeout = 0")
