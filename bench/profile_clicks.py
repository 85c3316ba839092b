"""`python -m bench.profile_clicks`: where a click's CPU goes, ours against the bare bot.

B1's rigs (the loopback Discord in this process, each bot its own process), bursts
alternating between the bots, and per bot the CPU of every thread over the measured
bursts (`/proc/PID/task/TID/stat`): the main thread (the event loop) apart from the rest
(aiosqlite's connection threads, the checkpoint thread). With `--py-spy DIR`, py-spy
samples both bots over the measured bursts and writes collapsed stacks there.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import uvloop

from bench.b1_clicks import Rig, Scenario, burst, floor_rig, our_rig
from bench.common import CLOCK_TICKS


def thread_cpu(pid: int) -> dict[int, float]:
    """CPU seconds so far of each live thread of `pid`, by thread id."""
    out: dict[int, float] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            raw = (task / "stat").read_text()
            fields = raw[raw.rindex(")") + 2 :].split()
            out[int(task.name)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return out


def py_spy(pid: int, out: Path) -> subprocess.Popen[bytes] | None:
    """Sample `pid` (idle samples dropped) until stopped; None when py-spy is not installed."""
    exe = shutil.which("py-spy", path=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    if exe is None:
        return None
    args = ("record", "--pid", str(pid), "-r", "250", "--format", "raw", "--nonblocking")
    return subprocess.Popen(
        [exe, *args, "-o", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def profile(
    scenario: Scenario, reps: int, synchronous: str, spy: Path | None, tmp: Path
) -> str:
    (tmp / "ours").mkdir()
    async with contextlib.AsyncExitStack() as stack:
        floor = await stack.enter_async_context(floor_rig(scenario.total, scenario.channels, tmp))
        ours = await stack.enter_async_context(
            our_rig(scenario.total, scenario.channels, tmp / "ours", synchronous)
        )
        rigs: dict[str, Rig] = {"floor": floor, "ours": ours}
        warm = Scenario("warm-up", 1, min(scenario.total, 200), 1_000)
        for rig in rigs.values():
            await burst(rig, warm, seed=99)
        spies = {}
        if spy is not None:
            spies = {name: py_spy(rig.pid, spy / f"{name}.txt") for name, rig in rigs.items()}
        spent: dict[str, dict[int, float]] = {name: {} for name in rigs}
        for rep in range(reps):
            for name, rig in rigs.items():
                before = thread_cpu(rig.pid)
                await burst(rig, scenario, seed=rep)
                for tid, cpu in thread_cpu(rig.pid).items():
                    spent[name][tid] = spent[name].get(tid, 0.0) + cpu - before.get(tid, 0.0)
        for proc in spies.values():
            if proc is not None:
                proc.send_signal(signal.SIGINT)  # py-spy writes its file on ^C
                proc.wait()
    clicks = reps * scenario.total
    lines = [f"{scenario.name}, {reps} bursts, synchronous={synchronous}: us of CPU a click"]
    total = {name: sum(spent[name].values()) for name in rigs}
    for name, rig in rigs.items():
        main = spent[name].get(rig.pid, 0.0)
        others = sorted((cpu for tid, cpu in spent[name].items() if tid != rig.pid), reverse=True)
        rest = ", ".join(f"{cpu / clicks * 1e6:.0f}" for cpu in others if cpu > 0)
        lines.append(
            f"  {name}: process {total[name] / clicks * 1e6:.0f} (main thread "
            f"{main / clicks * 1e6:.0f}; other threads {rest or '0'})"
        )
    lines.append(f"  ratio ours/floor: {total['ours'] / total['floor']:.3f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_clicks", description=__doc__)
    parser.add_argument("--clicks", type=int, default=1_000)
    parser.add_argument("--rate", type=float, default=1_000)
    parser.add_argument("--channels", type=int, default=1)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--synchronous", choices=("FULL", "NORMAL"), default="FULL")
    parser.add_argument("--py-spy", type=Path, metavar="DIR", help="write py-spy stacks here")
    args = parser.parse_args(argv)
    scenario = Scenario(
        f"{args.channels} x {args.clicks:,} clicks at {args.rate:,.0f}/s",
        args.channels,
        args.clicks,
        args.rate,
    )
    if args.py_spy is not None:
        args.py_spy.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        print(uvloop.run(profile(scenario, args.reps, args.synchronous, args.py_spy, Path(tmp))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
