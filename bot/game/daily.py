"""The question of the day for any front-end: posted once per server and day, revealed at close.

The database decides who posts a day (claim_daily is unique per server and day), so a restart
or a second process never posts twice; the front-end only draws messages (`DailyPoster`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from typing import Protocol

from bot.engine.clock import Clock
from bot.engine.daily import Window, choices_for, window_at, zone
from bot.engine.draw import draw_questions
from bot.engine.errors import AlreadyAnswered, NotEnoughQuestions, QuestionClosed, TriviaError
from bot.engine.models import Bank, Mode, Player, Question
from bot.game.catalog import Catalog
from bot.storage.errors import StorageError
from bot.storage.records import AuditEntry, DailyAnswer, DailyRow, DailySchedule, NewDaily
from bot.storage.repository import Repository

log = logging.getLogger(__name__)


class PostFailed(Exception):
    """The platform failed for now (Discord's 5xx): the post is tried again at the next tick."""


class DailyPoster(Protocol):
    """What a front-end shows: the question (its message id; None if it never can, such as a
    deleted channel; PostFailed if it may later), and finds a post already made."""

    async def post(self, row: DailyRow, question: Question, bank: Bank | None) -> int | None: ...

    async def find(self, row: DailyRow) -> int | None:
        """The message already showing this day's question, if one does."""
        ...

    async def reveal(
        self,
        row: DailyRow,
        question: Question | None,
        bank: Bank | None,
        answers: list[DailyAnswer],
    ) -> None: ...


class DailyQuestions:
    """Schedules and open questions of the servers this process owns, kept in memory."""

    def __init__(
        self,
        repo: Repository,
        catalog: Catalog,
        clock: Clock,
        owns: Callable[[int], bool],
        rng: random.Random | None = None,
    ) -> None:
        self.repo = repo
        self.catalog = catalog
        self.clock = clock
        self.owns = owns
        self.rng = rng or random.Random()
        self._schedules: dict[int, DailySchedule] = {}
        self._open: dict[int, DailyRow] = {}  # by daily id
        self._done: dict[int, str] = {}  # guild -> the last day known claimed
        # claimed, open, and not known to be shown: a post that failed for now, or one a
        # restart interrupted between the claim and the post (found, else posted, once)
        self._unshown: set[int] = set()
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def load(self) -> None:
        """Schedules and unrevealed questions from the database (at start: a restart's state)."""
        self._schedules = {s.guild_id: s for s in await self.repo.daily_schedules()}
        self._open = {d.id: d for d in await self.repo.unrevealed_dailies()}
        self._unshown = {d.id for d in self._open.values() if d.message_id is None}

    def schedule(self, guild_id: int) -> DailySchedule | None:
        return self._schedules.get(guild_id)

    def window(self, schedule: DailySchedule, now: float) -> Window:
        return window_at(schedule.minute, zone(schedule.timezone), schedule.open_hours, now)

    async def set_schedule(self, row: DailySchedule) -> None:
        """Save a server's schedule, audited as set by `row.set_by`."""
        zone(row.timezone)  # refuse an unknown zone before saving it
        now = self.clock.now()
        await self.repo.save_daily_schedule(row, now)
        self._schedules[row.guild_id] = row
        at = f"{row.minute // 60:02d}:{row.minute % 60:02d}"
        detail = f"channel {row.channel_id} at {at} {row.timezone}, open {row.open_hours:g} h"
        await self.repo.audit(AuditEntry(row.guild_id, row.set_by, "daily-set", detail, now))

    async def turn_off(self, guild_id: int, actor_id: int) -> bool:
        """No more posts; a question already open still closes and is revealed. Whether it
        was on (only then audited)."""
        self._schedules.pop(guild_id, None)
        was_on = await self.repo.drop_daily_schedule(guild_id)
        if was_on:
            await self.repo.audit(AuditEntry(guild_id, actor_id, "daily-off", "", self.clock.now()))
        return was_on

    # -- the clock's work ------------------------------------------------------

    async def tick(self, poster: DailyPoster) -> None:
        """Retry posts not yet shown, post what is due, reveal what has closed: this process's."""
        async with self._lock:
            now = self.clock.now()
            for daily_id in sorted(self._unshown):
                row = self._open.get(daily_id)
                if row is None or row.closes_at <= now:
                    self._unshown.discard(daily_id)
                elif self.owns(row.guild_id):
                    try:
                        await self._show(row, poster, again=True)
                    except StorageError as exc:
                        log.error("guild %d: question of the day not saved: %s", row.guild_id, exc)
            for schedule in list(self._schedules.values()):
                if not self.owns(schedule.guild_id):
                    continue
                try:
                    await self._post_if_due(schedule, now, poster)
                except (StorageError, TriviaError) as exc:
                    log.error(
                        "guild %d: question of the day not posted: %s", schedule.guild_id, exc
                    )
            for row in sorted(self._open.values(), key=lambda d: d.closes_at):
                if row.closes_at <= now and self.owns(row.guild_id):
                    try:
                        await self._reveal(row, now, poster)
                    except StorageError as exc:
                        log.error(
                            "guild %d: question of the day not revealed: %s", row.guild_id, exc
                        )

    async def _post_if_due(self, schedule: DailySchedule, now: float, poster: DailyPoster) -> None:
        window = self.window(schedule, now)
        if not window.holds(now) or self._done.get(schedule.guild_id) == window.day:
            return
        if await self.repo.daily_on(schedule.guild_id, window.day) is not None:
            self._done[schedule.guild_id] = window.day  # posted before a restart, or elsewhere
            return
        try:
            question, bank = await self._draw(schedule)
        except TriviaError:
            self._done[schedule.guild_id] = window.day  # said once a day, not every tick
            raise
        choices, answer = choices_for(question, self.rng)
        row = await self.repo.claim_daily(
            NewDaily(
                guild_id=schedule.guild_id,
                channel_id=schedule.channel_id,
                day=window.day,
                bank_id=question.bank_id,
                bank_guild=self.catalog.bank_guild(schedule.guild_id, question.bank_id),
                question_id=question.id,
                fact=question.fact,
                choices=choices,
                answer_index=answer,
                posted_at=now,
                closes_at=window.closes,
            )
        )
        self._done[schedule.guild_id] = window.day
        if row is None:  # another process claimed the day first
            return
        self._open[row.id] = row
        self._unshown.add(row.id)
        await self._show(row, poster, question=question, bank=bank)

    async def _show(
        self,
        row: DailyRow,
        poster: DailyPoster,
        *,
        question: Question | None = None,
        bank: Bank | None = None,
        again: bool = False,
    ) -> None:
        """Post a claimed day; `again`: a post may already be up (a failed try, a restart)."""
        message_id = await poster.find(row) if again else None
        if message_id is None:
            if question is None:
                question, bank = await self.question_of(row)
            if question is None:  # its bank no longer holds it: nothing to show
                self._unshown.discard(row.id)
                return
            try:
                message_id = await poster.post(row, question, bank)
            except PostFailed as exc:
                log.warning("guild %d: question of the day not posted yet: %s", row.guild_id, exc)
                return
        self._unshown.discard(row.id)
        if message_id is not None:
            await self.repo.set_daily_message(row.id, message_id)
            self._open[row.id] = await self.repo.daily(row.id) or row

    async def _draw(self, schedule: DailySchedule) -> tuple[Question, Bank | None]:
        """A buttons question from the server's playable banks, facts new to the channel first."""
        banks = await self.catalog.without_disabled(
            schedule.guild_id, await self.catalog.available(schedule.guild_id)
        )
        recent = await self.repo.recent_facts(schedule.channel_id)
        try:
            (question,) = draw_questions(banks, 1, mode=Mode.BUTTONS, recent=recent, rng=self.rng)
        except NotEnoughQuestions as exc:
            raise TriviaError(str(exc)) from None
        return question, next((b for b in banks if b.id == question.bank_id), None)

    async def _reveal(self, row: DailyRow, now: float, poster: DailyPoster) -> None:
        revealed = await self.repo.reveal_daily(row.id, now)
        self._open.pop(row.id, None)
        if not revealed:
            return
        question, bank = await self.question_of(row)
        await poster.reveal(row, question, bank, await self.repo.daily_answers(row.id))

    async def question_of(self, row: DailyRow) -> tuple[Question | None, Bank | None]:
        """The question a day asked, if its bank still holds it."""
        try:
            (bank,) = await self.catalog.resolve(row.guild_id, [row.bank_id])
        except TriviaError:
            return None, None
        return bank.question(row.question_id), bank

    def start(self, poster: DailyPoster, every: float) -> None:
        self._task = asyncio.create_task(self._run(poster, every), name="question-of-the-day")

    async def _run(self, poster: DailyPoster, every: float) -> None:
        while True:
            try:
                await self.tick(poster)
            except Exception:  # a bad day must not end every later one
                log.exception("question of the day: tick failed")
            await asyncio.sleep(every)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    # -- answers ---------------------------------------------------------------

    async def answer(
        self, daily_id: int, guild_id: int, player: Player, choice: int
    ) -> tuple[str, float]:
        """Store one answer (committed before it is acknowledged); the label, when it closes."""
        row = self._open.get(daily_id) or await self.repo.daily(daily_id)
        if row is None or row.guild_id != guild_id or not 0 <= choice < len(row.choices):
            raise TriviaError("That is not today's question.")
        if row.revealed_at is not None or self.clock.now() >= row.closes_at:
            raise QuestionClosed()
        stored = await self.repo.record_daily_answer(
            DailyAnswer(
                daily_id=daily_id,
                player_id=player.id,
                guild_id=guild_id,
                player_name=player.name,
                choice=choice,
                correct=choice == row.answer_index,
                answered_at=self.clock.now(),
            )
        )
        if not stored:
            latest = await self.repo.daily(daily_id)
            if latest is not None and latest.revealed_at is not None:
                raise QuestionClosed()
            raise AlreadyAnswered()
        return row.choices[choice], row.closes_at
