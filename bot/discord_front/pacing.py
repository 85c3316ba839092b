"""Global pacing of the bot's own REST requests, under Discord's 50 requests/s per bot.

discord.py keeps to each route's bucket, but it learns of the global limit only from a 429;
ten thousand rounds starting at once posted hundreds of messages a second. Every request
the bot makes with its token waits for its turn here, first come first served.
Interaction replies do not count against the global limit and are not paced.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

DEFAULT_RATE = 45.0  # requests/s: Discord's 50, less a margin

# set by `reserve_next` in a round's task: its next request already holds its turn
_reserved: contextvars.ContextVar[bool] = contextvars.ContextVar("reserved", default=False)


class Pacer:
    """At most `rate` requests in flight or finished within the last second.

    A request counts from when it is let go until a second after it finished, so however
    late a busy event loop or a full connection pool sends it, Discord never sees more
    than `rate` of them arrive within one second.
    """

    def __init__(self, rate: float = DEFAULT_RATE, clock: Callable[[], float] = time.monotonic):
        self.per_second = max(int(rate), 1)
        self._clock = clock
        self._in_flight = 0
        self._finished: deque[float] = deque()
        self._turn = asyncio.Lock()  # fair: waiters go in the order they came
        self._changed = asyncio.Event()

    async def acquire(self) -> None:
        """Wait until one more request fits; `release` must follow once it is answered."""
        async with self._turn:
            while True:
                now = self._clock()
                while self._finished and now - self._finished[0] >= 1.0:
                    self._finished.popleft()
                if self._in_flight + len(self._finished) < self.per_second:
                    break
                wait = self._finished[0] + 1.0 - now if self._finished else None
                self._changed.clear()
                try:
                    async with asyncio.timeout(wait):
                        await self._changed.wait()
                except TimeoutError:
                    pass
            self._in_flight += 1

    def release(self) -> None:
        self._in_flight -= 1
        self._finished.append(self._clock())
        self._changed.set()

    async def reserve_next(self) -> None:
        """Take a turn now for this task's next request, which then goes at once.

        A round waits here before it opens a question, so a question's time starts when
        its message can be posted, not while the message waits its turn.
        """
        if not _reserved.get():
            await self.acquire()
            _reserved.set(True)

    def wrap(self, request: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        """discord.py's HTTPClient.request, paced."""

        async def paced(*args: Any, **kwargs: Any) -> Any:
            if _reserved.get():
                _reserved.set(False)
            else:
                await self.acquire()
            try:
                return await request(*args, **kwargs)
            finally:
                self.release()

        return paced
