"""Settings from the environment and .env, read once when the program starts."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

from bot.shards import ShardRange, ShardSettingError, parse_shards
from bot.shipped import shipped_path
from bot.storage.target import PostgresTarget, Target, TargetError, parse_target

DEFAULT_DB = Path("data") / "trivia.db"
DEFAULT_POOL_SIZE = 10
DEFAULT_ENV_FILE = Path(".env")
DEFAULT_BANKS = shipped_path("questions")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(ValueError):
    """A setting has a value we cannot use; the text names the variable."""


@dataclass(frozen=True, slots=True)
class Settings:
    discord_token: str | None
    database: Target
    banks_dir: Path
    dev_guild: int | None
    log_level: str
    typed_answers: bool
    api_base: str | None
    gateway_url: str | None
    shards: ShardRange = field(default_factory=ShardRange)
    db_pool_size: int = DEFAULT_POOL_SIZE
    banks_from_env: bool = False

    @property
    def db_path(self) -> Path:
        """The SQLite file, for what only SQLite has (a file to name, copy from)."""
        if isinstance(self.database, PostgresTarget):
            raise SettingsError(f"TRIVIA_DB is a PostgreSQL server ({self.database}), not a file")
        return self.database.path

    rest_rate: float = 45.0  # the bot's own REST requests per second (Discord allows 50)
    sqlite_synchronous: str = "FULL"  # see docs/operations.md, "Durability"
    # `banks draft`'s optional model: an OpenAI-compatible endpoint; unset, nothing is sent
    draft_model_url: str | None = None
    draft_model: str | None = None
    draft_model_key: str | None = None  # a bearer key; never printed

    def __repr__(self) -> str:
        token = "set" if self.discord_token else "unset"
        return (
            f"Settings(database={self.database}, banks_dir={self.banks_dir}, "
            f"dev_guild={self.dev_guild}, log_level={self.log_level}, "
            f"typed_answers={self.typed_answers}, shards={self.shards}, discord_token={token})"
        )


def _flag(name: str, value: str | None) -> bool:
    if value is None or value.strip() == "":
        return False
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be 1 or 0, not '{value}'")


def load_settings(
    environ: Mapping[str, str] | None = None,
    env_file: Path | None = DEFAULT_ENV_FILE,
    *,
    env_file_required: bool = False,
    default_log_level: str = "INFO",
) -> Settings:
    """The process environment wins over the .env file, which wins over defaults.

    Like every twelve-factor tool, `.env` and a relative TRIVIA_DB are taken from the
    current folder; `--env-file` names another file, which must then exist.
    """
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        try:
            loaded = dotenv_values(env_file)
        except (OSError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{env_file}: cannot read the settings file: {exc}") from None
        values.update({k: v for k, v in loaded.items() if v is not None})
    elif env_file is not None and env_file_required:
        raise SettingsError(f"{env_file}: no such settings file (--env-file)")
    values.update(os.environ if environ is None else environ)

    def get(name: str) -> str | None:
        value = values.get(name)
        return value.strip() if value and value.strip() else None

    dev_guild = get("TRIVIA_DEV_GUILD")
    if dev_guild is not None and not dev_guild.isdigit():
        raise SettingsError(f"TRIVIA_DEV_GUILD must be a server id (digits), not '{dev_guild}'")
    level = (get("LOG_LEVEL") or default_log_level).upper()
    if level not in LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not '{level}'")
    try:
        database = parse_target(get("TRIVIA_DB") or str(DEFAULT_DB))
    except TargetError as exc:
        raise SettingsError(f"TRIVIA_DB: {exc}") from None
    pool_size = get("TRIVIA_DB_POOL_SIZE") or str(DEFAULT_POOL_SIZE)
    if not pool_size.isdigit() or not 1 <= int(pool_size) <= 1000:
        raise SettingsError(
            f"TRIVIA_DB_POOL_SIZE must be a number of connections from 1 to 1000, not '{pool_size}'"
        )
    synchronous = (get("TRIVIA_SQLITE_SYNCHRONOUS") or "FULL").upper()
    if synchronous not in ("FULL", "NORMAL"):
        raise SettingsError(
            f"TRIVIA_SQLITE_SYNCHRONOUS must be FULL or NORMAL, not '{synchronous}'"
        )
    model_url = get("TRIVIA_DRAFT_MODEL_URL")
    if model_url is not None and not re.match(r"^https?://[^/\s]+", model_url):
        raise SettingsError(
            "TRIVIA_DRAFT_MODEL_URL must be an http(s) base URL such as "
            f"http://127.0.0.1:8080/v1, not '{_hide_credentials(model_url)}'"
        )
    if (
        model_url is not None
        and "@" in urlsplit(model_url).netloc
        and get("TRIVIA_DRAFT_MODEL_KEY")
    ):
        raise SettingsError(  # aiohttp refuses a URL's user:password beside an Authorization
            "TRIVIA_DRAFT_MODEL_URL holds a user and password and TRIVIA_DRAFT_MODEL_KEY is "
            "set too: give the model's credentials one way"
        )
    return Settings(
        discord_token=get("DISCORD_TOKEN"),
        database=database,
        db_pool_size=int(pool_size),
        banks_dir=Path(get("TRIVIA_BANKS") or DEFAULT_BANKS),
        dev_guild=int(dev_guild) if dev_guild else None,
        log_level=level,
        typed_answers=_flag("TRIVIA_TYPED_ANSWERS", get("TRIVIA_TYPED_ANSWERS")),
        api_base=get("TRIVIA_DISCORD_API_BASE"),
        gateway_url=get("TRIVIA_DISCORD_GATEWAY"),
        shards=_shards(get("TRIVIA_SHARD_COUNT"), get("TRIVIA_SHARDS")),
        banks_from_env=get("TRIVIA_BANKS") is not None,
        rest_rate=_rate(get("TRIVIA_REST_RATE")),
        sqlite_synchronous=synchronous,
        draft_model_url=model_url,
        draft_model=get("TRIVIA_DRAFT_MODEL"),
        draft_model_key=get("TRIVIA_DRAFT_MODEL_KEY"),
    )


def _hide_credentials(url: str) -> str:
    """A URL as a message may show it: whatever comes before an @ may be a password."""
    return re.sub(r"^([a-z+]+://)?[^/@\s]*@", lambda m: (m[1] or "") + "***@", url)


def _rate(value: str | None) -> float:
    """Only a bot whose global limit Discord raised should set this above 45."""
    if value is None:
        return 45.0
    try:
        rate = float(value)
    except ValueError:
        rate = 0.0
    if not rate > 0:
        raise SettingsError(f"TRIVIA_REST_RATE must be requests per second above 0, not '{value}'")
    return rate


def _shards(count: str | None, shards: str | None) -> ShardRange:
    try:
        return parse_shards(count, shards)
    except ShardSettingError as exc:
        raise SettingsError(str(exc)) from None


def banks_folder(settings: Settings) -> Path:
    """The banks folder, or an error naming where its path came from."""
    path = settings.banks_dir
    if path.exists():
        return path
    if settings.banks_from_env:
        raise SettingsError(f"TRIVIA_BANKS is {path}: no such file or folder")
    raise SettingsError(
        f"the shipped banks are missing ({path}); this installation of trivia-bot is "
        "incomplete, reinstall it"
    )
