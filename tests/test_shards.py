import asyncio
import os
import subprocess
import sys

import pytest

from bot.settings import SettingsError, load_settings
from bot.shards import ShardRange, ShardSettingError, parse_shards, shard_of, with_flags


def test_discords_formula():
    assert shard_of(0, 4) == 0
    assert shard_of(81384788765712384, 2) == (81384788765712384 >> 22) % 2
    assert [shard_of(s << 22, 3) for s in range(6)] == [0, 1, 2, 0, 1, 2]


@pytest.mark.parametrize(
    ("count", "shards", "expected", "ids"),
    [
        (None, None, ShardRange(None, 0, None), None),
        ("4", None, ShardRange(4, 0, 3), None),
        ("4", "1-2", ShardRange(4, 1, 2), [1, 2]),
        ("4", " 3 ", ShardRange(4, 3, 3), [3]),
        ("2", "0-1", ShardRange(2, 0, 1), None),
    ],
)
def test_counts_and_ranges(count, shards, expected, ids):
    parsed = parse_shards(count, shards)
    assert parsed == expected and parsed.ids == ids
    assert parsed.partial is (ids is not None)


@pytest.mark.parametrize(
    ("count", "shards", "message"),
    [
        ("0", None, "TRIVIA_SHARD_COUNT must be at least 1, not 0"),
        ("two", None, "TRIVIA_SHARD_COUNT must be a whole number"),
        (None, "0-1", "TRIVIA_SHARDS=0-1 needs TRIVIA_SHARD_COUNT"),
        ("2", "1-2", "TRIVIA_SHARDS=1-2 falls outside TRIVIA_SHARD_COUNT=2"),
        ("4", "3-1", "TRIVIA_SHARDS=3-1 runs backwards"),
        ("4", "0-1,1-2", "TRIVIA_SHARDS must be a shard number or a range"),
        ("4", "-1", "TRIVIA_SHARDS must be a shard number or a range"),
    ],
)
def test_bad_values_are_one_line_naming_the_setting(count, shards, message):
    with pytest.raises(ShardSettingError, match=message):
        parse_shards(count, shards)
    with pytest.raises(SettingsError, match=message):
        load_settings(
            {k: v for k, v in (("TRIVIA_SHARD_COUNT", count), ("TRIVIA_SHARDS", shards)) if v},
            None,
        )


def test_flags_win_over_the_environment_one_by_one():
    env = parse_shards("4", "0-1")
    assert with_flags(env, None, None) is env
    assert with_flags(env, None, "2-3") == ShardRange(4, 2, 3)
    assert with_flags(env, "8", None) == ShardRange(8, 0, 1)
    with pytest.raises(ShardSettingError, match="--shards=4 falls outside TRIVIA_SHARD_COUNT=4"):
        with_flags(env, None, "4")
    with pytest.raises(ShardSettingError, match="--shards=1 needs --shard-count"):
        with_flags(ShardRange(), None, "1")


def test_ownership():
    r = ShardRange(2, 1, 1)
    assert r.owns(1 << 22) and not r.owns(2 << 22) and not r.owns_shard_zero
    assert ShardRange().owns(12345) and ShardRange(2, 0, 1).owns(1 << 22)


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (
            ["--shard-count", "2", "--shards", "0-2"],
            {},
            "--shards=0-2 falls outside --shard-count=2",
        ),
        (["--shards", "1"], {"TRIVIA_SHARD_COUNT": "0"}, "TRIVIA_SHARD_COUNT must be at least 1"),
        (
            ["--shards", "1"],
            {"TRIVIA_SHARD_COUNT": "2"},
            "shard 1 of 2 needs PostgreSQL: several processes cannot share the SQLite file",
        ),
    ],
)
def test_run_refuses_bad_shards_in_one_line(tmp_path, args, env, message):
    environ = {
        "PATH": os.environ.get("PATH", ""),
        "DISCORD_TOKEN": "secret-token-never-printed",
        "TRIVIA_DB": str(tmp_path / "t.db"),
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run", *args],
        env=environ,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "secret-token" not in done.stderr
    assert not (tmp_path / "t.db").exists()  # refused before touching the database


async def test_run_refuses_a_range_another_process_holds(tmp_path, pg_target):
    from bot.storage.shard_locks import claimed

    async with claimed(pg_target.dsn, ShardRange(4, 1, 2)):
        env = {
            "PATH": os.environ.get("PATH", ""),
            "DISCORD_TOKEN": "secret-token-never-printed",
            "TRIVIA_DB": pg_target.dsn,
            "TRIVIA_SHARD_COUNT": "4",
        }
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot", "run", "--shards", "2-3"],
            env=env,
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=60,
        )
    assert done.returncode == 2, done.stderr
    last = done.stderr.splitlines()[-1]  # `run` logs its start to stderr before
    assert last.startswith("trivia-bot: shard 2 of 4 is already run by another process"), last
    assert last.endswith("TRIVIA_SHARDS ranges must not overlap") and "Traceback" not in done.stderr
    assert "secret-token" not in done.stderr


def test_run_without_its_database_server_exits_for_a_retry(tmp_path, unused_tcp_port):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DISCORD_TOKEN": "secret-token-never-printed",
        "TRIVIA_DB": f"postgresql://trivia:pw-never-printed@127.0.0.1:{unused_tcp_port}/trivia",
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--shard-count", "2", "--shards", "1"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 75, done.stderr  # EX_TEMPFAIL: systemd's Restart= tries again
    last = done.stderr.splitlines()[-1]
    assert last.startswith("trivia-bot: cannot reach PostgreSQL at 127.0.0.1:"), last
    assert "Traceback" not in done.stderr and "never-printed" not in done.stderr
