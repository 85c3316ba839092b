"""One logging set-up for every command: records to stderr at LOG_LEVEL."""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _NoVoiceWarnings(logging.Filter):
    """The bot never joins voice, so discord.py's 'PyNaCl/davey is not installed' is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in record.getMessage()


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to sys.stderr as it is when a record comes, not as it was at set-up.

    Tests run main() with stderr captured and then closed; a handler holding that stream
    would fail on every later record.
    """

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


_installed: list[logging.Handler] = []


# An interaction's token is in the URL of every reply to it (callbacks and webhook
# follow-ups) and in its gateway payload, both of which discord.py logs at DEBUG; for 15
# minutes it lets anyone answer as the bot.
_TOKEN_IN_URL = re.compile(r"(/(?:interactions|webhooks)/[0-9]+/)[A-Za-z0-9._~%-]+")
_TOKEN_IN_PAYLOAD = re.compile(r"""(['"]token['"]\s*:\s*['"])[^'"]+""")


class RedactingFormatter(logging.Formatter):
    """Every line as written, with interaction and webhook tokens replaced by <token>."""

    def format(self, record: logging.LogRecord) -> str:
        line = _TOKEN_IN_URL.sub(r"\1<token>", super().format(record))
        return _TOKEN_IN_PAYLOAD.sub(r"\1<token>", line)


def configure_logging(level: str) -> None:
    """Called once by main(), before any command runs; a second call replaces only ours."""
    root = logging.getLogger()
    for handler in _installed:
        root.removeHandler(handler)
    _installed.clear()
    handler = _CurrentStderr()
    handler.setFormatter(RedactingFormatter(FORMAT))
    handler.addFilter(_NoVoiceWarnings())
    root.addHandler(handler)
    root.setLevel(level)
    _installed.append(handler)
