"""The shipped vocabulary: names, places, titles and outlets drafts draw distractors from."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

_FILE = Path(__file__).with_name("vocabulary.yaml")
_PUNCT = re.compile(r"[\s:–—-]+")
RENAMED = frozenset({6, 7})  # films 7 and 8 (0-based): their names changed before release


@cache
def vocabulary() -> dict[str, tuple[str, ...]]:
    """Kind -> known entries, read once; `titles` holds every name of every film."""
    data = yaml.safe_load(_FILE.read_text(encoding="utf-8"))
    out = {kind: tuple(entries) for kind, entries in data.items() if kind != "films"}
    out["titles"] = (*out["titles"], *(name for names in films() for name in names))
    return out


@cache
def films() -> tuple[tuple[str, ...], ...]:
    """The series in release order, each film with all its names, the shown one first."""
    data = yaml.safe_load(_FILE.read_text(encoding="utf-8"))
    return tuple(tuple(names) for names in data["films"])


def film_of(title: str) -> int | None:
    """Which film of the series a title names, dashes and colons aside; None if unknown."""
    key = _fold(title)
    return next((i for i, names in enumerate(films()) if key in map(_fold, names)), None)


def _fold(title: str) -> str:
    return _PUNCT.sub(" ", title.replace("’", "'")).strip().casefold()
