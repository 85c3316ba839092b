"""Files that ship with the program: inside the installed package, or the checkout's own folders."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

# The repository layout keeps questions/ and db/ at the top; a built wheel carries copies of
# them under bot/_shipped/ (setup.py), because an installed program has no checkout beside it.
CHECKOUT = Path(__file__).resolve().parents[1]
PACKAGED = "_shipped"


def shipped_path(relative: str) -> Path:
    """The installed copy when there is one, else the checkout's folder (which may be missing)."""
    packaged = files("bot") / PACKAGED / relative
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return CHECKOUT / relative
