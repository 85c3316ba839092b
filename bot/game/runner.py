"""The loop that carries a round from first question to final standings."""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable
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
        """The join window has closed: the teams are as they will play, or (stop_requested)
        the round was stopped in it."""

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
    await presenter.teams_set(session)  # a stop too: the join message must not look live


# the steps at work: the event loop keeps only weak references to tasks
_working: set[asyncio.Task[None]] = set()


class _Over(Exception):
    """The round has nothing more to ask: it ends, saved, and the standings are shown."""


class RoundRunner:
    """Carries one round; it holds a task only while it works, none while a question is open.

    A question is open for seconds, its posting and reveal take milliseconds: waiting on
    it as the round's Wake's callback instead of in a sleeping task leaves no task, context
    or coroutine frames per open round (1.4 KB of a round's 3.8 traced, bench B5). Each
    piece of work (post the next question, show a hint, close and reveal) is a short task.
    """

    __slots__ = (
        "_asked",
        "_on_end",
        "_pause",
        "_presenter",
        "_shown",
        "_waiter",
        "done",
        "session",
    )

    def __init__(
        self,
        session: Session,
        presenter: Presenter,
        *,
        pause: float = 3.0,
        on_end: Callable[[], object] | None = None,
    ) -> None:
        self.session = session
        self._presenter = presenter
        self._pause = pause
        self._on_end = on_end
        self._asked: AskedQuestion | None = None
        self._shown = 0  # hints shown for the open question
        self.done = False  # saved, and its standings shown or given up on
        self._waiter: asyncio.Future[None] | None = None  # made only when someone waits

    def wait(self) -> asyncio.Future[None]:
        """A future done once the round is over (for a shutdown that waits for the reveals)."""
        if self._waiter is None:
            self._waiter = asyncio.get_running_loop().create_future()
            if self.done:
                self._waiter.set_result(None)
        return self._waiter

    def start(self) -> None:
        self._spawn(self._first())

    def _spawn(self, work: Awaitable[None]) -> None:
        # a fresh context per step: no step inherits another's pacing turn (discord_front)
        task = asyncio.get_running_loop().create_task(
            self._step(work), context=contextvars.Context()
        )
        _working.add(task)
        task.add_done_callback(_working.discard)

    async def _step(self, work: Awaitable[None]) -> None:
        """Run one piece of work; any failure of the front-end ends the round, saved as stopped."""
        session = self.session
        try:
            await work
            self._watch()
            return
        except _Over:
            pass
        except asyncio.CancelledError:
            session.request_stop("cancelled")
            try:
                await self._end()
            finally:
                self._finish()
            raise
        except Exception:
            log.exception(
                "guild %d channel %d: game %d failed; saving it as stopped",
                session.guild_id,
                session.channel_id,
                session.game_id,
            )
            session.request_stop("error")
        try:
            await self._end()
            await self._show_standings()
        finally:
            self._finish()

    async def _end(self) -> None:
        """Close what is open and save the end; a shutdown may have saved it already."""
        session = self.session
        if session.round.current is not None and not session.ended:
            await session.close(CloseReason.STOPPED)
        await session.end()

    async def _show_standings(self) -> None:
        session = self.session
        try:
            await self._presenter.finished(session, session.round.standings())
        except Exception:
            log.exception(
                "guild %d channel %d: could not show final standings",
                session.guild_id,
                session.channel_id,
            )

    def _finish(self) -> None:
        self.done = True
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)
        if self._on_end is not None:
            on_end, self._on_end = self._on_end, None
            on_end()

    async def _first(self) -> None:
        await join_window(self.session, self._presenter)
        await self._open_next()

    async def _open_next(self) -> None:
        """Post the next question, once Discord's pacing lets it go."""
        session = self.session
        if not session.round.has_next or session.stop_requested:
            raise _Over()
        await self._presenter.ready(session)
        if session.stop_requested:
            raise _Over()
        asked = await session.ask()
        await self._presenter.question(session, asked)
        self._asked, self._shown = asked, 0

    async def _hint(self, asked: AskedQuestion, level: int) -> None:
        await self._presenter.hint(self.session, asked, level)

    async def _close(self, reason: CloseReason) -> None:
        session = self.session
        if session.ended:  # a shutdown saved the round meanwhile, this question included
            raise _Over()
        result = await session.close(reason)
        self._asked = None
        await self._presenter.reveal(session, result)
        if result.round_over:
            raise _Over()
        if self._pause:
            await pause_unless_stopped(session, self._pause)
        await self._open_next()

    def _watch(self) -> None:
        """Due now: a stop, the question's close or a hint; else wait for the next, task-free."""
        session, asked = self.session, self._asked
        assert asked is not None
        round_ = session.round
        if session.stop_requested:
            self._spawn(self._close(CloseReason.STOPPED))
            return
        reason = round_.due_to_close()
        if reason is not None:
            self._spawn(self._close(reason))
            return
        typed = round_.mode.value == "typed"
        level = round_.hints_shown() if typed else 0
        if level > self._shown:
            self._shown = level
            self._spawn(self._hint(asked, level))
            return
        next_at = asked.deadline
        if typed and self._shown < 2:
            next_at = min(next_at, asked.started + round_.seconds * (self._shown + 1) / 3)
        delay = max(next_at - round_.clock.monotonic(), 0.0) + 0.005
        session.wake.call_later(delay, self._watch)


async def run_round(session: Session, presenter: Presenter, *, pause: float = 3.0) -> None:
    """The whole round as one awaitable (terminal game, tests); cancelling it stops the round."""
    runner = RoundRunner(session, presenter, pause=pause)
    runner.start()
    try:
        await asyncio.shield(runner.wait())
    except asyncio.CancelledError:
        session.request_stop("cancelled")
        await runner.wait()  # saved as stopped before the cancellation goes on
        raise
