"""What a message shows, read from the components discord.py already parsed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import discord


def custom_ids(components: Iterable[Any]) -> Iterator[str]:
    """Every custom_id in a component tree: rows, sections, containers and labels included."""
    stack = list(components)
    while stack:
        component = stack.pop()
        custom_id = getattr(component, "custom_id", None)
        if custom_id:
            yield custom_id
        stack.extend(getattr(component, "children", ()))
        for attr in ("accessory", "component"):
            inner = getattr(component, attr, None)
            if inner is not None:
                stack.append(inner)


def shows_custom_id(message: discord.Message | None, custom_id: str | None) -> bool:
    """Whether `custom_id` is on the message, without building a discord.ui.View for it.

    A click whose custom_id is not on its message was forged by a modified client.
    """
    if message is None or not custom_id:
        return False
    return any(cid == custom_id for cid in custom_ids(message.components))
