"""Every subcommand, given bad input, ends in one line: non-zero exit, never a traceback.

Real processes (`python -m bot`), started all at once so the table costs about one start-up
per core rather than one per row.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
GEO = ROOT / "tests" / "fixtures" / "banks" / "geo.yaml"


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    says: str  # a part of the one line
    env: dict[str, str] = field(default_factory=dict)


def closed_port() -> int:
    """A loopback port nobody listens on: bound, then released."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def table(work: Path) -> dict[str, Case]:
    folder = work / "a-folder"
    live = work / "live.db"
    existing = work / "existing.db"
    blocker = work / "a-file"
    at_live = {"TRIVIA_DB": str(live)}
    nowhere = f"http://127.0.0.1:{closed_port()}/api/v10"
    discord = {"DISCORD_TOKEN": "not-a-real-token", "TRIVIA_DISCORD_API_BASE": nowhere}
    return {
        "play, TRIVIA_DB a folder": Case(("play",), "is a folder", {"TRIVIA_DB": str(folder)}),
        "play, unknown bank": Case(("play", "--bank", "nope"), "Unknown bank 'nope'"),
        "play, TRIVIA_BANKS missing": Case(
            ("play",), "TRIVIA_BANKS is /nonexistent", {"TRIVIA_BANKS": "/nonexistent"}
        ),
        "play, database under a file": Case(
            ("play",), "cannot create the database file", {"TRIVIA_DB": str(blocker / "t.db")}
        ),
        "play, --env-file missing": Case(
            ("--env-file", str(work / "nope.env"), "play"), "no such settings file"
        ),
        "leaderboard, TRIVIA_DB a folder": Case(
            ("leaderboard",), "is a folder", {"TRIVIA_DB": str(folder)}
        ),
        "leaderboard, bad LOG_LEVEL": Case(
            ("leaderboard",), "LOG_LEVEL must be one of", {"LOG_LEVEL": "LOUD"}
        ),
        "banks check, TRIVIA_BANKS missing": Case(
            ("banks", "check"), "TRIVIA_BANKS is /nonexistent", {"TRIVIA_BANKS": "/nonexistent"}
        ),
        "banks verify, no articles": Case(
            ("banks", "verify", str(GEO), "--articles", "/nonexistent"), "no such folder"
        ),
        "banks import, no file": Case(
            ("banks", "import", str(work / "none.csv"), "--id", "x", "--out", "-"),
            "cannot read",
        ),
        "banks draft, no file": Case(
            ("banks", "draft", str(work / "none.txt"), "--out", str(work / "d.yaml")),
            "cannot read",
        ),
        "banks draft, bad model URL": Case(
            ("banks", "draft", str(GEO), "--out", str(work / "d.yaml")),
            "TRIVIA_DRAFT_MODEL_URL must be an http(s) base URL",
            {"TRIVIA_DRAFT_MODEL_URL": "127.0.0.1:8080"},
        ),
        "banks promote, no file": Case(
            ("banks", "promote", str(work / "none.yaml"), "--into", str(work / "b.yaml")),
            "cannot read",
        ),
        "banks export, unknown bank": Case(
            ("banks", "export", "nope"), "neither a bank file nor a bank id"
        ),
        "db check, no database": Case(("db", "check"), "no database at"),
        "db check, TRIVIA_DB a folder": Case(
            ("db", "check"), "is a folder", {"TRIVIA_DB": str(folder)}
        ),
        "db backup, no database": Case(("db", "backup", str(work / "copy.db")), "no database at"),
        "db backup, to a folder": Case(("db", "backup", str(folder)), "is a folder", at_live),
        "db backup, under /proc": Case(
            ("db", "backup", "/proc/x.db"), "cannot write the backup /proc/x.db", at_live
        ),
        "db backup, under a file": Case(
            ("db", "backup", str(blocker / "x.db")), "is not a folder", at_live
        ),
        "db backup, over a file": Case(("db", "backup", str(existing)), "use --force", at_live),
        "db backup, onto itself": Case(
            ("db", "backup", str(live), "--force"),
            "is the live database itself",
            at_live,
        ),
        "db forget, no database": Case(
            ("db", "forget", "--guild", "1", "--member", "2"), "no database at"
        ),
        "db copy, no database": Case(
            ("db", "copy", "--to", "postgresql://u@127.0.0.1/x"), "no SQLite database at"
        ),
        "db copy, to a file": Case(
            ("db", "copy", "--to", str(work / "other.db")), "--to must be a postgresql:// URL"
        ),
        "db copy, no server": Case(
            ("db", "copy", "--to", f"postgresql://u:pw@127.0.0.1:{closed_port()}/x"),
            "cannot reach PostgreSQL at 127.0.0.1:",
            at_live,
        ),
        "reports export, no database": Case(("reports", "export"), "no database at"),
        "reports export, over a file": Case(
            ("reports", "export", "--out", str(existing)), "add --force", at_live
        ),
        "run, no token": Case(("run",), "DISCORD_TOKEN is not set"),
        "run, no network": Case(("run",), "cannot reach Discord: ", discord),
        "sync, no network": Case(("sync", "--guild", "1"), "cannot reach Discord: ", discord),
    }


def subcommands(parser=None, prefix=()) -> Iterator[tuple[str, ...]]:
    """Every leaf command of the parser: ('play',), ('db', 'check'), ..."""
    import argparse

    parser = parser or build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found = list(subcommands(child, (*prefix, name)))
                yield from found or [(*prefix, name)]


def base_env(work: Path, db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRIVIA_", "DISCORD_"))}
    env.update(
        TRIVIA_DB=str(db),
        TRIVIA_BANKS=str(ROOT / "tests" / "fixtures" / "banks"),
        LOG_LEVEL="WARNING",
    )
    return env


def missing_db(work: Path, name: str) -> Path:
    """Each row its own database path: rows run at once and must not share a file."""
    return work / "dbs" / (re.sub(r"[^a-z]+", "-", name) + ".db")


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, tuple[Case, subprocess.CompletedProcess[str]]]:
    work = tmp_path_factory.mktemp("cli")
    (work / "a-folder").mkdir()
    (work / "dbs").mkdir()
    (work / "a-file").write_text("x")
    (work / "existing.db").write_text("keep me")
    sqlite3.connect(work / "live.db").close()
    cases = table(work)
    procs = {
        name: subprocess.Popen(
            [sys.executable, "-m", "bot", *case.args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**base_env(work, missing_db(work, name)), **case.env},
            cwd=work,
        )
        for name, case in cases.items()
    }
    done = {}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=60)
        done[name] = (
            cases[name],
            subprocess.CompletedProcess(proc.args, proc.returncode, out, err),
        )
    return done


CASE_NAMES = list(table(Path("/x")))


@pytest.mark.parametrize("name", CASE_NAMES)
def test_bad_input_ends_in_one_line(outcomes, name):
    case, done = outcomes[name]
    lines = (done.stdout + done.stderr).splitlines()
    assert done.returncode != 0, lines
    assert "Traceback" not in done.stderr
    assert len(lines) == 1, lines
    assert lines[0].startswith("trivia-bot: ") and case.says in lines[0], lines


def test_the_table_walks_every_subcommand():
    walked = [
        c.args[2:] if c.args[0] == "--env-file" else c.args for c in table(Path("/x")).values()
    ]
    missing = [
        " ".join(cmd)
        for cmd in subcommands()
        if not any(args[: len(cmd)] == cmd for args in walked)
    ]
    assert not missing, f"add a bad-input row to tests/test_cli.py for: {missing}"


def test_no_network_is_a_temporary_failure_and_bad_settings_are_not(outcomes):
    """Exit 75 (EX_TEMPFAIL) is retried by the systemd unit in docs/operations.md; 2 is not."""
    assert outcomes["run, no network"][1].returncode == 75
    assert outcomes["sync, no network"][1].returncode == 75
    assert outcomes["run, no token"][1].returncode == 2


def test_nothing_was_created_or_overwritten(outcomes):
    _, over = outcomes["db backup, over a file"]
    work = Path(over.args[-1]).parent
    assert (work / "existing.db").read_text() == "keep me"
    for name in (
        "db check, no database",
        "db forget, no database",
        "db backup, no database",
        "reports export, no database",
    ):
        assert not missing_db(work, name).exists(), name
    assert not (work / "copy.db").exists()


@pytest.mark.parametrize(
    "args",
    [
        ("play", "--bogus"),
        ("leaderboard", "--limit", "0"),
        ("banks", "import", "x.csv"),
        ("db", "backup"),
        ("db", "forget", "--guild", "x", "--member", "1"),
        ("sync", "--guild", "abc"),
    ],
)
def test_usage_errors_show_that_subcommand_usage(args, capsys):
    from bot.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    err = capsys.readouterr().err
    command = " ".join(a for a in args[:2] if not a.startswith("-"))
    command = " ".join(command.split()[: 2 if args[0] in ("banks", "db") else 1])
    assert exit_.value.code == 2
    assert err.startswith(f"usage: trivia-bot {command} "), err
    assert err.splitlines()[-1].startswith(f"trivia-bot {command}: error: "), err


def test_every_option_says_its_default_or_is_a_flag():
    """Help a user can live with: each option has help text, and valued ones their default."""
    import argparse

    def parsers(parser, prefix=()):
        yield prefix, parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    yield from parsers(child, (*prefix, name))

    for prefix, parser in parsers(build_parser()):
        chosen = {
            a for g in parser._mutually_exclusive_groups if g.required for a in g._group_actions
        }
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction) or not action.option_strings:
                continue
            where = f"trivia-bot {' '.join(prefix)} {action.option_strings[0]}"
            assert action.help, f"{where} has no help text"
            takes_value = action.nargs != 0 and not isinstance(
                action, (argparse._HelpAction, argparse._VersionAction)
            )
            if takes_value and not action.required and action not in chosen:
                assert "default" in action.help, f"{where}: help does not name its default"


def test_run_help_lists_the_environment(capsys):
    from bot.cli import main

    with pytest.raises(SystemExit):
        main(["run", "--help"])
    out = capsys.readouterr().out
    for name in ("DISCORD_TOKEN", "TRIVIA_DB", "TRIVIA_BANKS", "LOG_LEVEL", "TRIVIA_DEV_GUILD"):
        assert name in out


def test_version(capsys):
    from bot.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("trivia-bot ")


def without_root_override() -> list[str]:
    """Root writes through any mode bits; without CAP_DAC_OVERRIDE it obeys them like anyone."""
    if os.geteuid() != 0:
        return []
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}", "--"]


def test_a_read_only_database_is_permissions_not_damage(tmp_path):
    db = tmp_path / "trivia.db"
    env = {**base_env(tmp_path, db)}
    made = subprocess.run(
        [sys.executable, "-m", "bot", "leaderboard"], env=env, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    db.chmod(0o444)

    def trivia(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*without_root_override(), sys.executable, "-m", "bot", *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )

    play = trivia("play", "--bank", "geo")
    assert play.returncode != 0 and "Traceback" not in play.stderr
    assert play.stderr.count("\n") == 1 and not play.stdout, play.stderr
    assert "read-only" in play.stderr and "permissions" in play.stderr, play.stderr
    assert "damaged" not in play.stderr
    check = trivia("db", "check")  # only reads, so a read-only file is fine
    assert check.returncode == 0 and check.stdout.endswith("consistent.\n"), check.stderr
    # reading a WAL file made -wal and -shm beside it, as read-only as the file itself
    db.chmod(0o644)
    stale = trivia("leaderboard")
    assert stale.returncode == 2 and "trivia.db-" in stale.stderr, stale.stderr
    assert "read-only" in stale.stderr and stale.stderr.count("\n") == 1, stale.stderr
    for side in ("-wal", "-shm"):
        Path(f"{db}{side}").chmod(0o644)
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    backup = trivia("db", "backup", str(locked / "copy.db"))  # a folder this user cannot write
    assert backup.returncode == 2 and backup.stderr.count("\n") == 1, backup.stderr
    assert "cannot write the backup" in backup.stderr and "Permission denied" in backup.stderr
    db.chmod(0o444)
    assert stat.S_IMODE(db.stat().st_mode) == 0o444


def test_commands_that_never_reach_discord_do_not_import_it():
    """discord.py and aiohttp cost a third of a second at every `play`, `db` or `banks` start."""
    code = (
        "import sys, bot.cli\n"
        "bot.cli.build_parser()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('discord', 'aiohttp')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
