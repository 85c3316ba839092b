"""Where TRIVIA_DB points: an SQLite file or a PostgreSQL server, parsed once at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

POSTGRES_SCHEMES = ("postgresql", "postgres")
USAGE = (
    "a file path, sqlite:///relative/path, sqlite:////absolute/path "
    "or postgresql://user@host:port/db"
)


class TargetError(ValueError):
    """TRIVIA_DB cannot be understood; the text says why, without the password."""


@dataclass(frozen=True, slots=True)
class SQLiteTarget:
    path: Path

    def __str__(self) -> str:
        return str(self.path)


@dataclass(frozen=True, slots=True)
class PostgresTarget:
    """A PostgreSQL URL; str() shows it with the password masked, safe for logs and errors."""

    dsn: str
    host: str
    port: int
    user: str | None
    database: str | None
    password: str | None

    def __repr__(self) -> str:
        return f"PostgresTarget({self})"

    def __str__(self) -> str:
        parts = urlsplit(self.dsn)
        netloc = parts.netloc
        if self.password is not None and "@" in netloc:
            userinfo, hostport = netloc.rsplit("@", 1)
            netloc = userinfo.split(":", 1)[0] + ":***@" + hostport
        query = [(k, "***" if k == "password" else v) for k, v in parse_qsl(parts.query)]
        return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), ""))

    @property
    def where(self) -> str:
        """host:port/database, for messages that need no user name."""
        return f"{self.host}:{self.port}/{self.database or self.user or ''}"

    def without_password(self) -> str:
        """The URL minus its password, for tools (pg_dump) that take the password apart."""
        parts = urlsplit(self.dsn)
        netloc = parts.netloc
        if "@" in netloc:
            userinfo, hostport = netloc.rsplit("@", 1)
            netloc = userinfo.split(":", 1)[0] + "@" + hostport
        query = [(k, v) for k, v in parse_qsl(parts.query) if k != "password"]
        return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), ""))


Target = SQLiteTarget | PostgresTarget


def parse_target(value: str) -> Target:
    """Read TRIVIA_DB: a plain path or sqlite:/// URL means SQLite, postgresql:// a server."""
    if "://" not in value:
        return SQLiteTarget(Path(value))
    scheme = value.split("://", 1)[0].lower()
    if scheme == "sqlite":
        # as SQLAlchemy spells it: three slashes then a relative path, four for an absolute one
        rest = value[len("sqlite://") :]
        if not rest.startswith("/") or len(rest) < 2:
            raise TargetError(f"sqlite URLs look like sqlite:///data/trivia.db; use {USAGE}")
        return SQLiteTarget(Path(unquote(rest[1:])))
    if scheme not in POSTGRES_SCHEMES:
        raise TargetError(f"unsupported database scheme '{scheme}://'; use {USAGE}")
    return _postgres(value)


def _postgres(value: str) -> PostgresTarget:
    parts = urlsplit(value)
    try:
        port = parts.port
    except ValueError:
        port_text = parts.netloc.rsplit("@", 1)[-1].rsplit(":", 1)[-1]
        raise TargetError(
            f"the port in the PostgreSQL URL must be a number, not '{port_text}'"
        ) from None
    if parts.fragment:
        raise TargetError("a PostgreSQL URL has no #fragment")
    query = dict(parse_qsl(parts.query))
    host = parts.hostname or query.get("host")
    if not host:
        raise TargetError(f"the PostgreSQL URL names no host; use {USAGE}")
    database = unquote(parts.path.lstrip("/")) or query.get("dbname") or None
    if database is not None and "/" in database:
        raise TargetError(f"'{database}' is not a database name; use {USAGE}")
    if port is None:
        port_text = query.get("port", "5432")
        if not port_text.isdigit():
            raise TargetError(f"the port in the PostgreSQL URL must be a number, not '{port_text}'")
        port = int(port_text)
    return PostgresTarget(
        dsn=value,
        host=host,
        port=port,
        user=unquote(parts.username) if parts.username else query.get("user"),
        database=database,
        password=unquote(parts.password) if parts.password else query.get("password"),
    )
