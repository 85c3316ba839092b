"""`python -m bench [--quick] [--only B1,B3]`: run benchmarks, each in its own process, and print
one table of ours against the floor or peer measured in the same run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.common import REPO_ROOT, Outcome, Row, machine, markdown_table, text_table

BENCHES = {
    "B1": ("bench.b1_clicks", "click burst through the fake Discord"),
    "B2": ("bench.b2_typed", "typed-answer throughput"),
    "B3": ("bench.b3_judge", "judge calls per second"),
    "B4": ("bench.b4_storage", "storage at scale"),
    "B5": ("bench.b5_memory", "memory of 10,000 open rounds"),
    "B6": ("bench.b6_banks", "bank loading"),
    "B7": ("bench.b7_pacing", "10,000 rounds starting at once under the global rate limit"),
}
# a benchmark that takes longer than this is stuck, not slow
TIMEOUT_S = {"quick": 180, "full": 1800}


def run_child(name: str, quick: bool, result: Path) -> None:
    """Inside the child process: run one benchmark and write its outcome as JSON."""
    module = importlib.import_module(BENCHES[name][0])
    outcome: Outcome = module.run(quick)
    result.write_text(
        json.dumps(
            {
                "rows": [r.to_json() for r in outcome.rows],
                "details": outcome.details,
            }
        )
    )


def spawn(name: str, quick: bool) -> Outcome:
    """Run one benchmark in a fresh interpreter: no memo, heap or event loop is shared."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        result = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", "bench", "--child", name, "--result", str(result)]
        if quick:
            cmd.append("--quick")
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p
            ),
        }
        try:
            proc = subprocess.run(
                cmd,
                cwd=REPO_ROOT,
                env=env,
                check=False,
                timeout=TIMEOUT_S["quick" if quick else "full"],
            )
            failure = f"exit status {proc.returncode}" if proc.returncode else ""
        except subprocess.TimeoutExpired:
            failure = "timed out"
        if failure or not result.exists():
            row = Row(
                name,
                BENCHES[name][1],
                "-",
                None,
                passed=False,
                note=f"benchmark crashed ({failure or 'no result'}); see stderr above",
            )
            return Outcome([row])
        data = json.loads(result.read_text())
    return Outcome([Row.from_json(r) for r in data["rows"]], data["details"])


def report(rows: Sequence[Row], details: dict[str, str], quick: bool, took: float) -> str:
    """The generated part of docs/benchmarks.md: machine, table, notes and query plans."""
    m = machine()
    lines = [
        f"Run: `python -m bench{' --quick' if quick else ''}` on {time.strftime('%Y-%m-%d %H:%M')}"
        f" ({took:.0f} s).",
        f"Machine: {m['cores']} cores, {m['cpu']}, Python {m['python']}, {m['platform']}.",
        "",
        markdown_table(rows),
        "",
        "Notes per row:",
        "",
    ]
    lines += [f"- **{r.bench} {r.name.strip()}**: {r.note}" for r in rows if r.note]
    for title, text in details.items():
        lines += ["", f"### {title}", "", "```", text.rstrip(), "```"]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run the chosen benchmarks one after another, print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (CI smoke run)")
    parser.add_argument("--only", default="", metavar="B1,B3", help="run only these")
    parser.add_argument(
        "--report",
        type=Path,
        metavar="FILE",
        help="also write the table, notes and query plans as Markdown",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write rows as JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--child", choices=sorted(BENCHES), help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        run_child(args.child, args.quick, args.result)
        return 0
    chosen = [n.strip().upper() for n in args.only.split(",") if n.strip()] or list(BENCHES)
    unknown = [n for n in chosen if n not in BENCHES]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHES)}")
    rows: list[Row] = []
    details: dict[str, str] = {}
    began = time.perf_counter()
    for name in chosen:
        print(f"[bench] {name}: {BENCHES[name][1]} ...", file=sys.stderr, flush=True)
        start = time.perf_counter()
        outcome = spawn(name, args.quick)
        print(
            f"[bench] {name} done in {time.perf_counter() - start:.1f} s",
            file=sys.stderr,
            flush=True,
        )
        rows += outcome.rows
        details.update(outcome.details)
    took = time.perf_counter() - began
    m = machine()
    print(
        f"\n{m['cores']} cores, {m['cpu']}, Python {m['python']}; {took:.1f} s"
        f"{' (quick sizes)' if args.quick else ''}"
    )
    print(text_table(rows))
    if args.report:
        args.report.write_text(report(rows, details, args.quick, took))
    if args.json:
        args.json.write_text(json.dumps([r.to_json() for r in rows], indent=1))
    crashed = any(r.metric == "-" for r in rows)
    missed = any(r.passed is False for r in rows)
    return 1 if crashed or (args.strict and missed) else 0


if __name__ == "__main__":
    raise SystemExit(main())
