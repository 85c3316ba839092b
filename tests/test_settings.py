import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings
from bot.storage.target import PostgresTarget, SQLiteTarget

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "banks"


def test_environment_wins_over_dotenv_which_wins_over_defaults(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("TRIVIA_DB=from-file.db\nLOG_LEVEL=debug\nDISCORD_TOKEN=abc\n")
    s = load_settings({"TRIVIA_DB": "from-env.db"}, env_file)
    assert s.db_path == Path("from-env.db")
    assert s.log_level == "DEBUG" and s.discord_token == "abc"
    assert load_settings({}, None).db_path == Path("data/trivia.db")


def test_the_token_never_shows_in_repr():
    s = load_settings({"DISCORD_TOKEN": "super-secret-token"}, None)
    assert "super-secret-token" not in repr(s) and "super-secret-token" not in str(s)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TRIVIA_DEV_GUILD": "abc"}, "TRIVIA_DEV_GUILD"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL"),
        ({"TRIVIA_TYPED_ANSWERS": "maybe"}, "TRIVIA_TYPED_ANSWERS"),
        ({"TRIVIA_SQLITE_SYNCHRONOUS": "off"}, "TRIVIA_SQLITE_SYNCHRONOUS"),
        ({"TRIVIA_REST_RATE": "fast"}, "TRIVIA_REST_RATE"),
        ({"TRIVIA_REST_RATE": "0"}, "TRIVIA_REST_RATE"),
    ],
)
def test_bad_values_name_the_variable(env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(env, None)


def test_importing_the_program_reads_no_settings():
    """Settings with a broken value only fail when the program starts, never at import."""
    env = {"TRIVIA_DEV_GUILD": "not-a-number", "PATH": os.environ.get("PATH", "")}
    code = (
        "import bot.cli, bot.app, bot.discord_front.client, bot.discord_front.commands, "
        "bot.discord_front.serve"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    started = subprocess.run(
        [sys.executable, "-m", "bot", "leaderboard"], env=env, capture_output=True, text=True
    )
    assert started.returncode == 2 and "TRIVIA_DEV_GUILD" in started.stderr


@pytest.mark.parametrize(
    ("value", "kind", "shown"),
    [
        ("data/t.db", SQLiteTarget, "data/t.db"),
        ("sqlite:///data/t.db", SQLiteTarget, "data/t.db"),
        ("sqlite:////srv/t.db", SQLiteTarget, "/srv/t.db"),
        ("postgresql://bot@db.local:6543/trivia", PostgresTarget, "db.local:6543/trivia"),
        ("postgres://bot:pw@10.0.0.2/trivia", PostgresTarget, "10.0.0.2:5432/trivia"),
    ],
)
def test_trivia_db_picks_the_backend(value, kind, shown):
    database = load_settings({"TRIVIA_DB": value}, None).database
    assert isinstance(database, kind)
    assert shown in (database.where if isinstance(database, PostgresTarget) else str(database))


def test_the_database_password_never_shows():
    url = "postgresql://bot:hunter2@db.local:5432/trivia?password=hunter3&sslmode=require"
    s = load_settings({"TRIVIA_DB": url}, None)
    for text in (repr(s), str(s.database), repr(s.database), s.database.without_password()):
        assert "hunter2" not in text and "hunter3" not in text
    assert "sslmode=require" in s.database.without_password()
    assert s.database.password == "hunter2"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TRIVIA_DB": "postgresql://bot:hunter2@db:five/trivia"}, "TRIVIA_DB: the port"),
        ({"TRIVIA_DB": "mysql://bot:hunter2@db/trivia"}, "TRIVIA_DB: unsupported"),
        ({"TRIVIA_DB": "postgresql:///trivia"}, "TRIVIA_DB: the PostgreSQL URL names no host"),
        ({"TRIVIA_DB": "sqlite://"}, "TRIVIA_DB: sqlite URLs look like"),
        ({"TRIVIA_DB_POOL_SIZE": "0"}, "TRIVIA_DB_POOL_SIZE"),
        ({"TRIVIA_DB_POOL_SIZE": "many"}, "TRIVIA_DB_POOL_SIZE"),
        ({"TRIVIA_DRAFT_MODEL_URL": "bot:hunter2@127.0.0.1:8080/v1"}, "must be an http"),
        (
            {
                "TRIVIA_DRAFT_MODEL_URL": "http://bot:hunter2@127.0.0.1:8080/v1",
                "TRIVIA_DRAFT_MODEL_KEY": "sk-1",
            },
            "TRIVIA_DRAFT_MODEL_URL holds a user and password and TRIVIA_DRAFT_MODEL_KEY",
        ),
    ],
)
def test_bad_database_settings_name_the_variable(env, message):
    with pytest.raises(SettingsError, match=message) as err:
        load_settings(env, None)
    assert "hunter2" not in str(err.value)


@pytest.mark.parametrize(("value", "level"), [(None, 2), ("normal", 1), ("FULL", 2)])
async def test_acknowledged_answers_are_synced_to_disk_unless_told_otherwise(
    tmp_path, value, level
):
    """FULL by default (a power loss keeps every commit); NORMAL only when an operator says so."""
    from bot.app import open_app

    env = {"TRIVIA_DB": str(tmp_path / "t.db"), "TRIVIA_BANKS": str(FIXTURES)}
    if value is not None:
        env["TRIVIA_SQLITE_SYNCHRONOUS"] = value
    async with open_app(load_settings(env, None)) as app:
        async with app.repo._conn.execute("PRAGMA synchronous") as cur:
            assert (await cur.fetchone())[0] == level


def test_the_bot_paces_its_requests_under_discords_limit_unless_told():
    assert load_settings({}, None).rest_rate == 45.0
    assert load_settings({"TRIVIA_REST_RATE": "450"}, None).rest_rate == 450.0
