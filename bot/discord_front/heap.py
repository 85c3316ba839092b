"""The collector tuned for a long-running bot: its start-up heap frozen, young collections rarer.

A click leaves cyclic garbage (discord.py's interaction, its response and message objects)
that only the collector frees, so a burst of clicks runs collections all through it; every
full one walked the whole start-up heap as well (the banks, Discord's caches), which the
bare discord.py bot has less of: about 90 us a click at 1,000 clicks a second (bench B1,
docs/benchmarks.md). Frozen, those objects are never walked again; a young generation of
2,000 objects (CPython 3.13's default) runs a third of the collections of 3.11's 700.
"""

from __future__ import annotations

import gc
import logging

YOUNG_THRESHOLD = 2_000

log = logging.getLogger(__name__)


def settle() -> int:
    """Once the bot is up: collect, freeze what survives, raise the young threshold.

    Called again on a later READY (a new session rebuilds Discord's caches), it first
    unfreezes, so the old caches' cycles are collected rather than kept for ever.
    Returns how many objects are frozen.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    young, middle, old = gc.get_threshold()
    gc.set_threshold(max(young, YOUNG_THRESHOLD), middle, old)
    frozen = gc.get_freeze_count()
    log.info("start-up heap frozen: %d objects the collector no longer walks", frozen)
    return frozen
