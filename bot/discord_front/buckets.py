"""discord.py's rate-limit buckets, one per channel a round posts in, made lighter."""

from __future__ import annotations

from collections import deque
from typing import Any

import discord.http

MIN_SWEEP = 256  # discord.py's own threshold


class WaitingRequests(list[Any]):
    """The queue of a bucket's waiting requests, as discord.py uses it: append, popleft, len.

    discord.py gives every bucket a deque, whose first block is 760 B even while empty;
    with a bucket per channel and 10,000 rounds open that was an eighth of a round's
    memory (bench B5). Requests wait in a bucket only while it is rate limited, a few at a
    time, so a list (56 B empty) does as well.
    """

    __slots__ = ()

    def popleft(self) -> Any:
        return self.pop(0)


def lighten_buckets(http: discord.http.HTTPClient) -> None:
    """New buckets of `http` get a WaitingRequests instead of their empty deque."""
    make = http.get_ratelimit

    def get_ratelimit(key: str) -> discord.http.Ratelimit:
        bucket = make(key)
        waiting = bucket._pending_requests
        if type(waiting) is deque and not waiting:
            bucket._pending_requests = WaitingRequests()  # type: ignore[assignment]
        return bucket

    http.get_ratelimit = get_ratelimit  # type: ignore[method-assign]
    sweep_later(http)


def sweep_later(http: discord.http.HTTPClient) -> None:
    """Sweep out expired buckets once their number has doubled, not at every new one.

    discord.py checks every bucket for expiry each time it makes a new one once it holds
    256; a bucket lives 300 s after its channel's last request, so with thousands of
    rounds starting each new channel scanned all the others. At about 9,400 rounds open
    the event loop fell 41 s behind and B5's starts timed out. Sweeping when the count
    has doubled since the last sweep keeps the cost per new bucket constant and at most
    twice the live buckets in memory.
    """
    sweep = http._try_clear_expired_ratelimits
    due = MIN_SWEEP

    def try_clear() -> None:
        nonlocal due
        if len(http._buckets) >= due:
            sweep()
            due = max(MIN_SWEEP, 2 * len(http._buckets))

    http._try_clear_expired_ratelimits = try_clear  # type: ignore[method-assign]
