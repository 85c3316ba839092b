"""A round's alarm clock: woken early by set(), else by its own timer."""

import asyncio

from bot.game.wake import Wake


async def test_set_wakes_a_sleep_early() -> None:
    wake = Wake()
    sleeping = asyncio.ensure_future(wake.sleep(60))
    await asyncio.sleep(0)
    wake.set()
    await asyncio.wait_for(sleeping, 1)
    assert wake.is_set()


async def test_a_sleep_ends_on_its_own_and_clears_the_flag() -> None:
    wake = Wake()
    wake.set()
    started = asyncio.get_running_loop().time()
    await wake.sleep(0.02)  # sleeping clears a set() that came before it
    assert asyncio.get_running_loop().time() - started >= 0.015
    assert not wake.is_set()


async def test_a_new_sleep_releases_one_left_unawaited() -> None:
    wake = Wake()
    abandoned = wake.sleep(60)
    await asyncio.wait_for(asyncio.shield(wake.sleep(0.01)), 1)
    assert abandoned.done()
