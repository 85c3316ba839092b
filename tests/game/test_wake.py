"""A round's alarm clock: woken early by set(), else by its own timer."""

import asyncio

import pytest
import uvloop

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


async def test_a_callback_is_called_once_by_set_or_by_its_timer() -> None:
    wake, calls = Wake(), []
    wake.call_later(60, lambda: calls.append("set"))
    wake.set()
    wake.set()
    wake.call_later(0.01, lambda: calls.append("timer"))
    await asyncio.sleep(0.05)
    wake.set()
    assert calls == ["set", "timer"]


async def test_a_new_wait_replaces_a_callback_without_calling_it() -> None:
    wake, calls = Wake(), []
    wake.call_later(0.01, lambda: calls.append("old"))
    sleeping = wake.sleep(60)
    wake.set()
    await asyncio.wait_for(sleeping, 1)
    await asyncio.sleep(0.03)
    assert calls == []


async def test_a_callback_woken_early_keeps_its_timer_when_it_waits_as_long_again() -> None:
    loop, wake, calls = asyncio.get_running_loop(), Wake(), []
    timers = []
    real_call_at = loop.call_at

    def call_at(when, callback, *args, **kwargs):
        handle = real_call_at(when, callback, *args, **kwargs)
        if callback == wake._ring:  # not asyncio.sleep's own timer
            timers.append(handle)
        return handle

    loop.call_at = call_at
    try:

        def again() -> None:
            calls.append(loop.time())
            wake.call_later(0.05, again)  # as a round does after each click

        wake.call_later(0.05, again)
        for _ in range(5):
            wake.set()  # clicks: each re-arms for later than the armed timer
        assert len(calls) == 5 and len(timers) == 1
        await asyncio.sleep(0.08)  # the first timer fires, and the next one is made
        assert len(calls) == 6 and len(timers) == 2
    finally:
        del loop.call_at


async def test_a_callback_rearmed_before_its_timer_due_now_has_run() -> None:
    """The timer for a time already past is kept: it rings, and calls the new callback."""
    wake = Wake()
    called: list[int] = []
    wake.call_later(0, lambda: called.append(1))
    wake.call_later(0.01, lambda: called.append(2))
    await asyncio.sleep(0.05)
    assert called == [2]


@pytest.mark.parametrize(
    "test",
    [
        test_set_wakes_a_sleep_early,
        test_a_sleep_ends_on_its_own_and_clears_the_flag,
        test_a_new_sleep_releases_one_left_unawaited,
        test_a_callback_is_called_once_by_set_or_by_its_timer,
        test_a_new_wait_replaces_a_callback_without_calling_it,
        test_a_callback_woken_early_keeps_its_timer_when_it_waits_as_long_again,
        test_a_callback_rearmed_before_its_timer_due_now_has_run,
    ],
    ids=lambda test: test.__name__.removeprefix("test_"),
)
def test_on_uvloop_too(test) -> None:
    """`trivia-bot run` is on uvloop, whose handle for a time already past has no when()."""
    uvloop.run(test())
