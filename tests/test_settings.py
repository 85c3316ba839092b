import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings


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
    ],
)
def test_bad_values_name_the_variable(env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(env, None)


def test_importing_the_program_reads_no_settings():
    """Settings with a broken value only fail when the program starts, never at import."""
    env = {"TRIVIA_DEV_GUILD": "not-a-number", "PATH": os.environ.get("PATH", "")}
    code = "import bot.cli, bot.app, bot.discord_front.client, bot.discord_front.commands"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    started = subprocess.run(
        [sys.executable, "-m", "bot", "leaderboard"], env=env, capture_output=True, text=True
    )
    assert started.returncode == 2 and "TRIVIA_DEV_GUILD" in started.stderr
