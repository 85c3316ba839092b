"""The shipped vocabulary: names, places, titles and outlets drafts draw distractors from."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

_FILE = Path(__file__).with_name("vocabulary.yaml")


@cache
def vocabulary() -> dict[str, tuple[str, ...]]:
    """Kind -> known entries, read once."""
    data = yaml.safe_load(_FILE.read_text(encoding="utf-8"))
    return {kind: tuple(entries) for kind, entries in data.items()}
