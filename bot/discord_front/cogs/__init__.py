"""One feature per module; `FEATURES` names them once, for the bot and for `trivia-bot sync`."""

from __future__ import annotations

import importlib
from types import ModuleType

FEATURES = (
    "rounds",
    "boards",
    "questions",
    "admin",
    "servers",
    "reports",
    "drafts",
    "seasons",
    "daily",
    "review",
)


def load_features() -> list[ModuleType]:
    """Import every feature: importing one attaches its slash commands to the command groups."""
    return [importlib.import_module(f"{__name__}.{name}") for name in FEATURES]
