"""Global pacing of the bot's own REST requests, under Discord's 50 requests/s per bot.

discord.py keeps to each route's bucket, but it learns of the global limit only from a 429;
ten thousand rounds starting at once posted hundreds of messages a second. Every request
the bot makes with its token takes the next free slot, one every 1/rate s, in order.
Interaction replies do not count against the global limit and are not paced.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections.abc import Awaitable, Callable
from typing import Any

DEFAULT_RATE = 45.0  # requests/s: Discord's 50, less a margin for clock and network jitter

# set by `reserve_next` in a round's task: its next request already waited for its slot
_prepaid: contextvars.ContextVar[bool] = contextvars.ContextVar("prepaid", default=False)


class Pacer:
    def __init__(self, rate: float = DEFAULT_RATE, clock: Callable[[], float] = time.monotonic):
        self.interval = 1.0 / rate
        self._clock = clock
        self._next = 0.0

    @property
    def backlog(self) -> float:
        """Seconds until a request taking a slot now would go."""
        return max(self._next - self._clock(), 0.0)

    async def wait(self) -> None:
        """Take the next free slot and sleep until it comes."""
        now = self._clock()
        slot = max(now, self._next)
        self._next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)

    async def reserve_next(self) -> None:
        """Wait for a slot now for this task's next request, which then goes at once.

        A round waits here before it opens a question, so a question's time starts when
        its message can be posted, not while the message waits its turn.
        """
        await self.wait()
        _prepaid.set(True)

    def wrap(self, request: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        """discord.py's HTTPClient.request, paced."""

        async def paced(*args: Any, **kwargs: Any) -> Any:
            if _prepaid.get():
                _prepaid.set(False)
            else:
                await self.wait()
            return await request(*args, **kwargs)

        return paced
