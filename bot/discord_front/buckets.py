"""discord.py's rate-limit buckets, one per channel a round posts in, made lighter."""

from __future__ import annotations

from collections import deque
from typing import Any

import discord.http


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
