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

    async def teams_open(self, session: Session) -> None:
        """A team round's join message; the window starts once it is shown."""

    async def teams_set(self, session: Session) -> None:
        """The join window has closed: the teams are as they will play."""

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


async def join_window(session: Session, presenter: Presenter) -> None:
    """A team round first lets players pick teams, until the window closes or the starter begins."""
    teams = session.round.teams
    if teams is None:
        return
    await presenter.teams_open(session)
    clock = session.round.clock
    teams.open(clock.monotonic())
    while not session.stop_requested and teams.window_open(now := clock.monotonic()):
        await sleep_unless_woken(session, (teams.closes_at or now) - now + 0.005)
    teams.locked = True
    if not session.stop_requested:
        await presenter.teams_set(session)


async def run_round(session: Session, presenter: Presenter, *, pause: float = 3.0) -> None:
    """Ask every question; any failure of the front-end ends the round, saved as stopped."""
    try:
        await join_window(session, presenter)
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
