"""One logging set-up for every command: records to stderr at LOG_LEVEL."""

from __future__ import annotations

import logging
import sys

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _NoVoiceWarnings(logging.Filter):
    """The bot never joins voice, so discord.py's 'PyNaCl/davey is not installed' is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in record.getMessage()


_installed: list[logging.Handler] = []


def configure_logging(level: str) -> None:
    """Called once by main(), before any command runs; a second call replaces only ours."""
    root = logging.getLogger()
    for handler in _installed:
        root.removeHandler(handler)
    _installed.clear()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(_NoVoiceWarnings())
    root.addHandler(handler)
    root.setLevel(level)
    _installed.append(handler)
