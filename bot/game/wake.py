"""A round's alarm clock: woken by an answer or a stop, or by its own timer."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable

# the timer's callback only resolves a future or calls the runner, which starts its own
# tasks in fresh contexts: it needs no copy of the caller's (55 B a timer, and every open
# round holds one; bench B5)
_NO_CONTEXT = contextvars.Context()


class Wake:
    """asyncio.Event for its one waiter, with the timeout built in.

    Every open round holds one: asyncio.Event's deque of waiters was 760 B of a round,
    and `asyncio.timeout` around its wait a Timeout object, a coroutine frame and a
    TimeoutError per expiry (bench B5). Here a sleep is one future and one timer handle,
    and `call_later` not even the future: the waiter is a callback, with no task behind it.
    """

    __slots__ = ("_callback", "_flag", "_timer", "_timer_at", "_waiter")

    def __init__(self) -> None:
        self._flag = False
        self._waiter: asyncio.Future[None] | None = None
        self._callback: Callable[[], object] | None = None
        self._timer: asyncio.Handle | None = None
        self._timer_at = 0.0  # its time: uvloop's handle for a time past has no when()

    def is_set(self) -> bool:
        return self._flag

    def set(self) -> None:
        self._flag = True
        if self._callback is None:
            self._ring()
            return
        callback, self._callback = self._callback, None
        callback()  # its timer stays armed: the callback's next wait may keep it

    def sleep(self, delay: float) -> asyncio.Future[None]:
        """Clear, then a future done once set() is called or `delay` seconds have passed."""
        self._clear()
        loop = asyncio.get_running_loop()
        self._waiter = loop.create_future()
        self._timer = loop.call_later(delay, self._ring, context=_NO_CONTEXT)
        self._timer_at = loop.time() + delay
        return self._waiter

    def call_later(self, delay: float, callback: Callable[[], object]) -> None:
        """Clear, then call `callback` once, when set() is called or `delay` seconds have passed.

        A timer still armed that fires no later is kept (firing early only makes the
        callback look again): a click that wakes a round re-arms no timer.
        """
        loop = asyncio.get_running_loop()
        when = loop.time() + delay
        timer = self._timer
        if self._waiter is None and timer is not None and self._timer_at <= when + 0.001:
            self._flag = False
            self._callback = callback
            return
        self._clear()
        self._callback = callback
        self._timer = loop.call_at(when, self._ring, context=_NO_CONTEXT)
        self._timer_at = when

    def _clear(self) -> None:
        """A new wait replaces the last: a sleep left unawaited (its task cancelled) ends here."""
        self._flag = False
        self._callback = None
        self._ring()

    def _ring(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._waiter is not None:
            waiter, self._waiter = self._waiter, None
            if not waiter.done():
                waiter.set_result(None)
        if self._callback is not None:
            callback, self._callback = self._callback, None
            callback()  # last: it may wait again
