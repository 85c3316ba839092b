"""What a message shows, read from the components discord.py already parsed."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Iterator
from typing import Any

import discord

log = logging.getLogger(__name__)


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
    # every click's check (bench B1): rows of buttons, as every question has, need no walk
    for row in message.components:
        for child in getattr(row, "children", ()):
            if getattr(child, "custom_id", None) == custom_id:
                return True
    return any(cid == custom_id for cid in custom_ids(message.components))


DIALOG_PREFIX = "trivia:dlg:"
FORM_PREFIX = "trivia:add:"


class Dialogs:
    """Live Confirm/Cancel dialogs and forms, so a click on an expired one gets an answer.

    An entry goes when its view or form times out, or once the press that ends it has been
    answered, never before: the press reaches discord.py's view store before
    `on_interaction`, and must not be taken for a click on an expired dialog.
    """

    def __init__(self) -> None:
        self._live: set[str] = set()

    def open(self) -> str:
        token = secrets.token_hex(8)
        self._live.add(token)
        return token

    def close(self, token: str) -> None:
        self._live.discard(token)

    def expired(self, custom_id: str) -> bool:
        """Whether a custom_id names one of our dialogs or forms that is no longer open."""
        for prefix in (DIALOG_PREFIX, FORM_PREFIX):
            if custom_id.startswith(prefix):
                return custom_id[len(prefix) :].split(":", 1)[0] not in self._live
        return False


class Dialog(discord.ui.View):
    """A Confirm/Cancel view whose buttons carry a token the bot knows while it is open."""

    def __init__(self, dialogs: Dialogs, *, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self._dialogs = dialogs
        self.token = dialogs.open()
        # the interaction whose @original is the dialog's message, kept up to date by the
        # dialog: its token (15 minutes) is what can still edit the message at the timeout
        self.last: discord.Interaction[Any] | None = None
        for i, item in enumerate(self.children):
            if isinstance(item, discord.ui.Button):
                item.custom_id = f"{DIALOG_PREFIX}{self.token}:{i}"

    async def on_timeout(self) -> None:
        self._dialogs.close(self.token)

    def finish(self) -> None:
        """Pressed to its end: stopped, and its token closed (stop() never reaches on_timeout,
        so a pressed dialog's token stayed live for the life of the process).

        Only once the press has been answered: `on_interaction`, scheduled with the view's
        callback, has then seen the press while the token was still open.
        """
        self.stop()
        self._dialogs.close(self.token)

    async def grey_out(self, text: str) -> None:
        """At the timeout: the buttons go grey and the message says why, so none looks live."""
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        if self.last is None:
            return
        try:
            await self.last.edit_original_response(content=text, view=self)
        except discord.HTTPException as exc:
            log.info("guild %s: could not close a timed-out dialog: %s", self.last.guild_id, exc)
