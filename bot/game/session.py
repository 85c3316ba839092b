"""One round in one channel, saved as it is played."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from bot.engine.clock import Clock
from bot.engine.errors import NotAllowed, TriviaError
from bot.engine.models import Bank, Player
from bot.engine.round import (
    Answer,
    AskedQuestion,
    CloseReason,
    QuestionResult,
    Round,
    RoundStatus,
    SkipTally,
)
from bot.game.wake import Wake
from bot.game.writer import AnswerWriter, SaveLate
from bot.storage.records import AnswerRow, GameEnd, GameStatus, Participant
from bot.storage.repository import Repository

END_RETRY_FIRST, END_RETRY_MAX = 0.1, 5.0

log = logging.getLogger(__name__)


class SaveDelayed(TriviaError):
    """The answer counts and is queued, but the database has not confirmed it yet."""

    def __init__(self) -> None:
        super().__init__(
            "Locked in, but scores could not be saved just now; your answer is kept and "
            "will be saved as soon as the database recovers."
        )


class AnswersBacklogged(TriviaError):
    """The database is so far behind that a new answer is refused rather than queued."""

    def __init__(self) -> None:
        super().__init__(
            "Not saved: the database is behind and answers can't be taken right now. "
            "Try again in a few seconds."
        )


class Session:
    """Wraps a Round so that every acknowledged answer is durable first."""

    # no __dict__: thousands are open at once (bench B5)
    __slots__ = (
        "_bank_guild",
        "_clock",
        "_ending",
        "_repo",
        "_writer",
        "banks",
        "banks_by_id",
        "channel_id",
        "deadline",
        "ended",
        "game_id",
        "guild_id",
        "round",
        "save_failures",
        "starter",
        "stop_requested",
        "unsaved_end",
        "wake",
    )

    def __init__(
        self,
        *,
        game_id: int,
        guild_id: int,
        channel_id: int,
        starter: Player,
        round_: Round,
        banks: Sequence[Bank],
        repo: Repository,
        writer: AnswerWriter,
        clock: Clock,
    ) -> None:
        self.game_id = game_id
        self.guild_id = guild_id
        self.channel_id = channel_id
        self.starter = starter
        self.round = round_
        self.banks = tuple(b.id for b in banks)
        self.banks_by_id = {b.id: b for b in banks}
        self._bank_guild = {b.id: b.guild_id for b in banks if b.guild_id is not None}
        self._repo = repo
        self._writer = writer
        self._clock = clock
        self.wake = Wake()
        self.stop_requested: str | None = None
        self.ended = False
        self._ending: asyncio.Future[GameStatus] | None = None
        # a shutdown's deadline (the loop's clock): past it, saving the end gives way
        self.deadline: float | None = None
        self.unsaved_end: GameEnd | None = None
        self.save_failures = 0

    def _row(self, answer: Answer) -> AnswerRow:
        q = answer.question
        return AnswerRow(
            game_id=self.game_id,
            number=answer.number,
            player_id=answer.player.id,
            player_name=answer.player.name,
            guild_id=self.guild_id,
            bank_id=q.bank_id,
            question_id=q.id,
            correct=answer.correct,
            points=answer.points,
            response_ms=round(answer.response_time * 1000),
            answered_at=answer.answered_at,
            global_name=answer.player.global_name,
            bank_guild=self._bank_guild.get(q.bank_id, 0),
        )

    async def _save(self, answers: Sequence[Answer]) -> None:
        """Wait for the commit, but not past Discord's patience (the writer's ack deadline)."""
        if not answers:
            return
        try:
            await self._writer.submit([self._row(a) for a in answers])
        except SaveLate:
            self.save_failures += 1
            raise SaveDelayed() from None

    async def ask(self) -> AskedQuestion:
        """Open the next question; noting it for repeat-avoidance must not stop the round."""
        asked = self.round.ask_next()
        q = asked.question
        try:
            await self._repo.record_question(
                self.game_id, asked.number, q.bank_id, q.id, asked.opened_at, q.fact_key
            )
        except Exception as exc:  # an outage: answers are still queued and retried
            log.warning(
                "game %d: could not note question %d (%s); the round goes on",
                self.game_id,
                asked.number,
                exc,
            )
        return asked

    def _room_for_one(self) -> None:
        """Refuse before judging: a refused answer must leave no trace in the round."""
        if self._writer.full:
            self.save_failures += 1
            raise AnswersBacklogged()

    async def choose(self, player: Player, number: int, index: int) -> Answer:
        """A button click: judged in memory, acknowledged once durable."""
        self._room_for_one()
        answer = self.round.choose(player, index, number=number)
        try:
            await self._save([answer])
        finally:
            self.wake.set()  # the question may close early, but only once this is saved
        return answer

    async def guess(self, player: Player, text: str) -> Answer | None:
        """A typed message: only a right answer is saved at once."""
        self._room_for_one()
        answer = self.round.guess(player, text)
        if answer is not None:
            try:
                await self._save([answer])
            finally:
                self.wake.set()
        return answer

    def vote_skip(self, player: Player, number: int | None, *, is_admin: bool) -> SkipTally:
        """A vote to skip the open question; the starter's or an admin's skips it at once."""
        force = is_admin or player.id == self.starter.id
        tally = self.round.vote_skip(player, number=number, force=force)
        if tally.skipped:
            self.wake.set()
        return tally

    def start_now(self, player: Player, *, is_admin: bool) -> None:
        """End a team round's join window early: the starter's or an admin's call."""
        teams = self.round.teams
        if teams is None or not teams.window_open(self._clock.monotonic()):
            raise TriviaError("The round has already begun.")
        if player.id != self.starter.id and not is_admin:
            raise NotAllowed(
                f"Only {self.starter.name}, who started this round, or an admin can begin early."
            )
        teams.start_now(self._clock.monotonic())
        self.wake.set()

    def request_stop(self, reason: str = "stopped") -> None:
        """Ask the runner to end the round; the first reason given is the one kept."""
        self.stop_requested = self.stop_requested or reason
        self.wake.set()

    async def close(self, reason: CloseReason | None = None) -> QuestionResult:
        result = self.round.close(reason)
        self._writer.submit([self._row(a) for a in result.late_answers])
        return result

    async def end(self) -> GameStatus:
        """Mark the game over and count it once in every player's totals.

        Every caller (the round's runner, a shutdown) waits for the same save: returning
        early to a second caller let a shutdown close the database under the first.
        """
        if self._ending is None:
            self.ended = True
            self._ending = asyncio.ensure_future(self._save_end())
        return await asyncio.shield(self._ending)

    def end_in_batch(self) -> GameEnd | None:
        """For a shutdown saving every round's end in one write: this round's end.

        None if it is ending already (its own save goes on). `batch_saved` settles it; every
        caller of `end` meanwhile waits for that.
        """
        if self._ending is not None:
            return None
        self.ended = True
        self._ending = asyncio.get_running_loop().create_future()
        return self._stop()

    def batch_saved(self, end: GameEnd, *, saved: bool) -> None:
        """The batch's outcome; unsaved, the end goes to the shutdown's recovery file."""
        if not saved:
            self.unsaved_end = end
        if self._ending is not None and not self._ending.done():
            self._ending.set_result(end.status)

    def _stop(self) -> GameEnd:
        """Stop the round if it runs (its late answers queued); what its end is."""
        if not self.round.is_over:
            stopped = self.round.stop(self.stop_requested or "stopped")
            if stopped is not None:  # the open question's wrong typed guesses count too
                self._writer.submit([self._row(a) for a in stopped.late_answers])
        status = (
            GameStatus.FINISHED if self.round.status is RoundStatus.FINISHED else GameStatus.STOPPED
        )
        winner = self.round.winner()
        participants = tuple(
            Participant(s.player.id, s.best_streak, winner is not None and s.player == winner)
            for s in self.round.standings()
        )
        return GameEnd(self.game_id, status, self._clock.now(), participants)

    async def _save_end(self) -> GameStatus:
        end = self._stop()
        status, ended_at, participants = end.status, end.ended_at, list(end.participants)
        await self._before_deadline(asyncio.ensure_future(self._writer.flush()))
        delay = END_RETRY_FIRST
        # until saved, or a shutdown's deadline: a game left running blocks its channel
        while not self._past_deadline():
            attempt = asyncio.ensure_future(
                self._repo.end_game(self.game_id, status, ended_at, participants)
            )
            try:
                if not await self._before_deadline(attempt):
                    break
                counted = attempt.result()
            except Exception as exc:
                log.warning(
                    "game %d: could not save the end of the round (%s); retrying in %.1fs",
                    self.game_id,
                    exc,
                    delay,
                )
                await self._before_deadline(asyncio.ensure_future(asyncio.sleep(delay)))
                delay = min(delay * 2, END_RETRY_MAX)
                continue
            if not counted:  # another process ended it: this round's games and wins are lost
                log.error(
                    "game %d in guild %d channel %d was no longer running when its round "
                    "ended; its games, wins and streaks were not counted (did another process "
                    "recover this database?)",
                    self.game_id,
                    self.guild_id,
                    self.channel_id,
                )
            return status
        # the shutdown's budget is spent: the service writes this end to its recovery file
        self.unsaved_end = GameEnd(self.game_id, status, ended_at, tuple(participants))
        log.error(
            "game %d: the end of the round is not saved yet; it goes to the recovery file",
            self.game_id,
        )
        return status

    def _past_deadline(self) -> bool:
        loop = asyncio.get_running_loop()
        return self.deadline is not None and loop.time() >= self.deadline

    async def _before_deadline(self, work: asyncio.Future[Any]) -> bool:
        """Wait for `work`, or give up on it at the shutdown's deadline (set at any time)."""
        loop = asyncio.get_running_loop()
        while not work.done():
            if self._past_deadline():
                work.cancel()
                return False
            left = 0.25 if self.deadline is None else min(self.deadline - loop.time(), 0.25)
            await asyncio.wait({work}, timeout=max(left, 0.0))
        return True
