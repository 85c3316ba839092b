"""Shared pieces: result rows, percentiles, process memory and CPU readings, the table."""

from __future__ import annotations

import contextlib
import math
import os
import platform
import statistics
import sys
import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bot.storage.target import PostgresTarget, SQLiteTarget, parse_target

REPO_ROOT = Path(__file__).resolve().parents[1]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(slots=True)
class Row:
    """One line of the results table; `passed` is None for figures that carry no target."""

    bench: str
    name: str
    metric: str
    ours: float | None
    floor: float | None = None
    ratio: float | None = None
    target: str = ""
    passed: bool | None = None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Row:
        return cls(**data)


@dataclass(slots=True)
class Outcome:
    """What one benchmark hands back: its rows, plus free text for the report (query plans)."""

    rows: list[Row] = field(default_factory=list)
    details: dict[str, str] = field(default_factory=dict)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        return row


def pct(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1) so p99 of 1,000 values is the 990th smallest."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def median(values: Iterable[float]) -> float:
    items = list(values)
    return statistics.median(items) if items else math.nan


def ratio(ours: float | None, floor: float | None) -> float | None:
    """ours / floor, or None when either is missing or the floor is zero."""
    if ours is None or floor is None or floor == 0 or math.isnan(ours) or math.isnan(floor):
        return None
    return ours / floor


def rss_bytes(pid: int | str = "self") -> int:
    """Resident set size now, from /proc (VmRSS), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc status")


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used so far (10 ms resolution), from /proc/PID/stat."""
    raw = Path(f"/proc/{pid}/stat").read_text()
    fields = raw[raw.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine() -> dict[str, str]:
    """Cores, CPU model, Python: what a reader needs to compare numbers across machines."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": str(os.cpu_count()),
        "cpu": model,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }


def fmt(value: float | None) -> str:
    """Compact numbers for the table: 3 significant digits, thousands separated."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def verdict(row: Row) -> str:
    return "" if row.passed is None else ("pass" if row.passed else "FAIL")


HEADERS = ("bench", "name", "metric", "ours", "floor/peer", "ratio", "target", "result")


def table_cells(rows: Sequence[Row]) -> list[tuple[str, ...]]:
    return [
        (r.bench, r.name, r.metric, fmt(r.ours), fmt(r.floor), fmt(r.ratio), r.target, verdict(r))
        for r in rows
    ]


def text_table(rows: Sequence[Row]) -> str:
    """A plain-text table for the terminal."""
    cells = [HEADERS, *table_cells(rows)]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADERS))]
    lines = []
    for n, c in enumerate(cells):
        lines.append("  ".join(v.ljust(w) for v, w in zip(c, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: Sequence[Row]) -> str:
    """The same table in Markdown, for docs/benchmarks.md."""
    out = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for c in table_cells(rows):
        out.append("| " + " | ".join(v.replace("|", "\\|") for v in c) + " |")
    return "\n".join(out)


async def lift_limits(db: Path | PostgresTarget, guild_ids: Iterable[int]) -> None:
    """Benchmarks start rounds in hundreds of channels of one server, by one member: its
    admins lift the abuse limits first, as /trivia-admin settings would."""
    from bot.discord_front.cooldowns import DEFAULTS, ROUNDS
    from bot.storage.open import open_repository
    from bot.storage.records import ServerChange

    repo = await open_repository(db if isinstance(db, PostgresTarget) else SQLiteTarget(db))
    try:
        for guild_id in guild_ids:
            limits: dict[str, float | None] = {ROUNDS: 100_000}
            for action in DEFAULTS:
                limits |= {f"{action}.member": 0, f"{action}.server": 0}
            await repo.change_server(ServerChange(guild_id, 0.0, limits=limits), lambda _: [])
    finally:
        await repo.close()


# the server B1 and B4 also run on: a database of their own there, dropped afterwards
BENCH_POSTGRES = os.environ.get(
    "TRIVIA_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)


@contextlib.asynccontextmanager
async def postgres_database(prefix: str) -> AsyncIterator[PostgresTarget | str]:
    """A fresh database on BENCH_POSTGRES, or (no server) the reason, for a note."""
    import asyncpg

    try:
        admin = await asyncpg.connect(BENCH_POSTGRES, timeout=5)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        yield f"skipped: no PostgreSQL server at BENCH_POSTGRES ({exc})"
        return
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        parts = urlsplit(BENCH_POSTGRES)
        target = parse_target(urlunsplit((parts.scheme, parts.netloc, "/" + name, "", "")))
        assert isinstance(target, PostgresTarget)
        yield target
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
