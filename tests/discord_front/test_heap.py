"""The bot process's collector: the start-up heap frozen, young collections rarer."""

import gc

from bot.discord_front import heap


def test_settle_freezes_the_heap_and_raises_only_the_young_threshold():
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        kept = [[n] for n in range(1000)]  # survivors of start-up
        frozen = heap.settle()
        assert frozen == gc.get_freeze_count() >= len(kept)
        assert gc.get_threshold() == (heap.YOUNG_THRESHOLD, 10, 10)
        gc.set_threshold(50_000, 10, 10)
        heap.settle()  # a later READY: unfrozen, collected, frozen again; a higher one is kept
        assert gc.get_threshold() == (50_000, 10, 10) and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
