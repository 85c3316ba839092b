"""The loop that carries a round from first question to final standings."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Protocol

from bot.engine.round import AskedQuestion, CloseReason, QuestionResult, Standing
from bot.game.session import Session

log = logging.getLogger(__name__)


class Presenter(Protocol):
    """What a front-end does at each step; it translates, the runner decides."""

    async def ready(self, session: Session) -> None:
        """Wait until the next question can be shown; its time starts after this."""

    async def question(self, session: Session, asked: AskedQuestion) -> None: ...
    async def hint(self, session: Session, asked: AskedQuestion, level: int) -> None: ...
    async def reveal(self, session: Session, result: QuestionResult) -> None: ...
    async def finished(self, session: Session, standings: list[Standing]) -> None: ...


def sleep_unless_woken(session: Session, delay: float) -> Awaitable[None]:
    """Sleep `delay` or until an answer or a stop wakes the round; no task, unlike wait_for."""
    return session.wake.sleep(delay)


async def pause_unless_stopped(session: Session, delay: float) -> None:
    """The pause between questions: only a stop cuts it short.

    An answer's wake-up can come late (its save finished after the question closed), and
    must not skip the pause: it did so once commits were synced to disk (FULL).
    """
    loop = asyncio.get_running_loop()
    until = loop.time() + delay
    while not session.stop_requested and (left := until - loop.time()) > 0:
        await sleep_unless_woken(session, left)


async def wait_for_close(
    session: Session, presenter: Presenter, asked: AskedQuestion
) -> CloseReason:
    """Sleep until the deadline, a hint, an answer that may close early, or a stop."""
    round_ = session.round
    clock = round_.clock
    shown = 0
    while True:
        if session.stop_requested:
            return CloseReason.STOPPED
        reason = round_.due_to_close()
        if reason is not None:
            return reason
        level = round_.hints_shown() if round_.mode.value == "typed" else 0
        if level > shown:
            shown = level
            await presenter.hint(session, asked, level)
        now = clock.monotonic()
        next_at = asked.deadline
        if round_.mode.value == "typed" and shown < 2:
            next_at = min(next_at, asked.started + round_.seconds * (shown + 1) / 3)
        await sleep_unless_woken(session, max(next_at - now, 0.0) + 0.005)


async def run_round(session: Session, presenter: Presenter, *, pause: float = 3.0) -> None:
    """Ask every question; any failure of the front-end ends the round, saved as stopped."""
    try:
        while session.round.has_next and not session.stop_requested:
            await presenter.ready(session)
            if session.stop_requested:
                break
            asked = await session.ask()
            await presenter.question(session, asked)
            reason = await wait_for_close(session, presenter, asked)
            if session.ended:  # a shutdown saved the round meanwhile, this question included
                break
            result = await session.close(reason)
            await presenter.reveal(session, result)
            if result.round_over:
                break
            if pause:
                await pause_unless_stopped(session, pause)
    except asyncio.CancelledError:
        session.request_stop("cancelled")
        raise
    except Exception:
        log.exception(
            "guild %d channel %d: game %d failed; saving it as stopped",
            session.guild_id,
            session.channel_id,
            session.game_id,
        )
        session.request_stop("error")
    finally:
        if session.round.current is not None and not session.ended:
            await session.close(CloseReason.STOPPED)
        await session.end()
    try:
        await presenter.finished(session, session.round.standings())
    except Exception:
        log.exception(
            "guild %d channel %d: could not show final standings",
            session.guild_id,
            session.channel_id,
        )
