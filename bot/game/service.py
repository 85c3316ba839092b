"""Starting, finding and stopping rounds: one per channel, race-free."""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from bot.engine.clock import Clock
from bot.engine.draw import draw_questions
from bot.engine.errors import NoRoundRunning, NotAllowed, RoundAlreadyRunning, TooManyRounds
from bot.engine.models import Player
from bot.engine.round import Round
from bot.engine.rules import RoundSettings, parse_mode
from bot.engine.teams import Teams
from bot.game import recovery
from bot.game.catalog import Catalog
from bot.game.session import Session
from bot.game.writer import AnswerWriter
from bot.shards import ShardRange
from bot.storage.errors import DatabaseUnavailable, DuplicateRunningGame
from bot.storage.records import AuditEntry, GameEnd, GameRow, NewGame
from bot.storage.repository import Repository

log = logging.getLogger(__name__)

# From SIGTERM to exit (docs/operations.md). Rounds' ends get the first 10 s, the answer
# writer until 5 s before the end, and closing the database the rest: a write stuck on a
# locked file gives up after busy_timeout (5 s).
SHUTDOWN_BUDGET_S = 20.0
ROUNDS_BY_S = 10.0
WRITER_CLOSE_S = 5.0
# a reset first waits this long for answers queued before it (an outage: it is refused)
RESET_FLUSH_S = 10.0


class TriviaService:
    """The one object front-ends talk to about rounds."""

    def __init__(
        self,
        repo: Repository,
        catalog: Catalog,
        clock: Clock,
        *,
        rng: random.Random | None = None,
    ) -> None:
        self.repo = repo
        self.catalog = catalog
        self.clock = clock
        self.writer = AnswerWriter(repo)
        self._rng = rng or random.Random()  # one for all rounds: 2.5 KB of state each
        self._sessions: dict[int, Session] = {}
        # rounds running per server, kept with _sessions: the cap check at every start
        # counted them over all servers' rounds (a quarter of the bot's CPU at 10,000, B5)
        self._running: Counter[int] = Counter()  # per server: rounds running or starting
        self._starting: dict[int, int] = {}  # channel -> guild, while its start awaits
        self._shutdown_by: float | None = None
        self._unsaved_ends: list[GameEnd] = []
        # where a shutdown keeps what the database did not take in time (None: nowhere)
        self.recovery_file: Path | None = None

    def session(self, channel_id: int) -> Session | None:
        return self._sessions.get(channel_id)

    def sessions(self) -> list[Session]:
        return list(self._sessions.values())

    async def recover(
        self, shards: ShardRange | None = None, *, guild_id: int | None = None
    ) -> list[GameRow]:
        """At start-up: games a crash left running are abandoned, their points kept.

        A process running some of the shards recovers only their guilds' games; the
        terminal game only its own (the database may be shared with live bot processes).
        """
        abandoned = await self.repo.abandon_running_games(
            self.clock.now(), shards, guild_id=guild_id
        )
        for game in abandoned:
            log.warning(
                "game %d in guild %d channel %d was left running; marked abandoned",
                game.id,
                game.guild_id,
                game.channel_id,
            )
        return abandoned

    async def settings_for(self, guild_id: int) -> RoundSettings:
        """A server's saved defaults, falling back to ours."""
        row = await self.repo.guild_settings(guild_id)
        base = RoundSettings()
        return RoundSettings(
            questions=row.questions or base.questions,
            seconds=row.seconds or base.seconds,
            mode=parse_mode(row.mode) if row.mode else base.mode,
            guesses=row.guesses or base.guesses,
        )

    async def start(
        self,
        *,
        guild_id: int,
        channel_id: int,
        starter: Player,
        bank_ids: Sequence[str],
        settings: RoundSettings,
        max_rounds: int | None = None,
    ) -> Session:
        """Claim the channel before any await, so two starts cannot both win; with
        `max_rounds`, starts in flight count against the server's cap as running rounds do."""
        if channel_id in self._starting or channel_id in self._sessions:
            raise RoundAlreadyRunning()
        if max_rounds is not None:
            self.check_room(guild_id, max_rounds)
        self._starting[channel_id] = guild_id
        self._running[guild_id] += 1  # a start in flight counts against the cap at once
        started = False
        try:
            banks = await self.catalog.resolve(guild_id, bank_ids)
            banks = await self.catalog.without_disabled(guild_id, banks)
            recent = await self.repo.recent_facts(channel_id)
            rng = self._rng
            questions = draw_questions(
                banks,
                settings.questions,
                mode=settings.mode,
                recent=recent,
                rng=rng,
                difficulty=settings.difficulty,
                category=settings.category,
            )
            try:
                game_id = await self.repo.create_game(
                    NewGame(
                        guild_id=guild_id,
                        channel_id=channel_id,
                        banks=tuple(b.id for b in banks),
                        mode=settings.mode.value,
                        starter_id=starter.id,
                        question_count=len(questions),
                        seconds=settings.seconds,
                        started_at=self.clock.now(),
                    )
                )
            except DuplicateRunningGame:
                raise RoundAlreadyRunning() from None
            round_ = Round(
                questions,
                mode=settings.mode,
                seconds=settings.seconds,
                clock=self.clock,
                rng=rng,
                guesses=settings.guesses,
                teams=Teams(settings.teams, window=settings.join_seconds)
                if settings.teams
                else None,
            )
            session = Session(
                game_id=game_id,
                guild_id=guild_id,
                channel_id=channel_id,
                starter=starter,
                round_=round_,
                banks=banks,
                repo=self.repo,
                writer=self.writer,
                clock=self.clock,
            )
            self._sessions[channel_id] = session
            started = True
            log.info(
                "guild %d channel %d: game %d started by %d (%s, %d questions, %s)",
                guild_id,
                channel_id,
                game_id,
                starter.id,
                settings.mode.value,
                len(questions),
                ",".join(session.banks),
            )
            return session
        finally:
            del self._starting[channel_id]
            if not started:
                self._uncount(guild_id)

    def check_room(self, guild_id: int, max_rounds: int) -> None:
        """Refuse (TooManyRounds) when a server's rounds running or being started reach its
        cap; `start` checks it too, beside the channel claim, so an early check may only
        spare a refused start its cooldown."""
        if self._running[guild_id] >= max_rounds:
            raise TooManyRounds(max_rounds)

    def request_stop(self, channel_id: int, by: Player, *, is_admin: bool) -> Session:
        """Only the starter or an admin may stop a round."""
        session = self._sessions.get(channel_id)
        if session is None:
            raise NoRoundRunning()
        if by.id != session.starter.id and not is_admin:
            raise NotAllowed(
                f"Only {session.starter.name}, who started this round, or an admin can stop it."
            )
        session.request_stop(f"stopped by {by.name}")
        return session

    async def reset_leaderboard(self, guild_id: int, actor_id: int) -> int:
        """Delete a server's answers and boards (audited); the players cleared.

        The reset is a cut: answers made before it are deleted, even those still queued for
        the database (they are written first), and a round running across it goes on, its
        later answers, and its game and win at its end, counting on the fresh board.
        """
        try:
            await asyncio.wait_for(self.writer.flush(), RESET_FLUSH_S)
        except TimeoutError:
            raise DatabaseUnavailable(
                "answers queued before the reset are not saved yet; nothing was reset"
            ) from None
        audit = AuditEntry(
            guild_id, actor_id, "reset-leaderboard", " players cleared", self.clock.now()
        )
        return await self.repo.reset_leaderboard(guild_id, audit)

    async def forget_member(self, guild_id: int, player_id: int, actor_id: int) -> int:
        """Delete a member's answers and totals in a server (audited); the answers deleted.

        Rounds running there drop them first, so no later reveal or standings show them
        and no answer of theirs is taken meanwhile; the store refuses what was queued.
        """
        for session in self.sessions():
            if session.guild_id == guild_id:
                session.round.drop_player(player_id)
        removed = await self.repo.forget_member(guild_id, player_id)
        await self.repo.audit(
            AuditEntry(
                guild_id,
                actor_id,
                "forget-member",
                f"member {player_id}: {removed} answers",
                self.clock.now(),
            )
        )
        return removed

    def forget(self, session: Session) -> None:
        """Free the channel once a round's runner has finished with it."""
        if self._sessions.get(session.channel_id) is session:
            del self._sessions[session.channel_id]
            self._uncount(session.guild_id)
            if session.unsaved_end is not None:  # kept for the shutdown's recovery file
                self._unsaved_ends.append(session.unsaved_end)

    def _uncount(self, guild_id: int) -> None:
        self._running[guild_id] -= 1
        if not self._running[guild_id]:
            del self._running[guild_id]

    def _start_shutdown_clock(self) -> float:
        """The first shutdown call starts the budget; later calls share its deadline."""
        if self._shutdown_by is None:
            self._shutdown_by = asyncio.get_running_loop().time() + SHUTDOWN_BUDGET_S
        return self._shutdown_by

    async def end_all(self, reason: str) -> None:
        """Save every running round as stopped, all at once; a round saved already is kept.

        Within the shutdown budget: what is not saved by then goes to the recovery file.
        """
        deadline = self._start_shutdown_clock() - SHUTDOWN_BUDGET_S + ROUNDS_BY_S
        sessions = self.sessions()
        for session in sessions:
            session.deadline = deadline
            session.request_stop(reason)
        # no await before this: a round's runner would start saving its end on its own
        batch = [(s, end) for s in sessions if (end := s.end_in_batch()) is not None]
        await self._save_ends(batch, deadline)
        saved = await asyncio.gather(*(s.end() for s in sessions), return_exceptions=True)
        for session, outcome in zip(sessions, saved, strict=True):
            if isinstance(outcome, BaseException):
                log.error("could not save game %d on shutdown: %s", session.game_id, outcome)

    async def _save_ends(self, batch: list[tuple[Session, GameEnd]], deadline: float) -> None:
        """Every round's end in one transaction, after the answers, by the deadline.

        One write each, 10,000 rounds saved 23 ends in the 10 s (bench B5). Not saved by the
        deadline (an outage), they go to the recovery file; one the database took meanwhile
        is then replayed as a no-op (end_game counts a game once).
        """
        if not batch:
            return
        ends = [end for _, end in batch]
        try:
            async with asyncio.timeout_at(deadline):
                await self.writer.flush()
                counted = await self.repo.end_games(ends)
        except Exception as exc:  # any failure: every round still gets its outcome
            log.error(
                "the ends of %d rounds are not saved (%s: %s); they go to the recovery file",
                len(ends),
                type(exc).__name__,
                exc or "the shutdown's budget is spent",
            )
            for session, end in batch:
                session.batch_saved(end, saved=False)
            return
        for (session, end), was_running in zip(batch, counted, strict=True):
            if not was_running:
                log.error(
                    "game %d was no longer running at shutdown; its games, wins and streaks "
                    "were not counted (did another process recover this database?)",
                    end.game_id,
                )
            session.batch_saved(end, saved=True)

    async def shutdown(self) -> None:
        """Save every running round as stopped and drain pending answers, within the budget.

        What the database did not take in time (an outage) is written to the recovery
        file, which the next start saves before anything else.
        """
        deadline = self._start_shutdown_clock()
        await self.end_all("shutdown")
        ends = [s.unsaved_end for s in self.sessions() if s.unsaved_end is not None]
        ends += self._unsaved_ends
        for session in self.sessions():
            self.forget(session)
        loop = asyncio.get_running_loop()
        left = await self.writer.close(grace=deadline - WRITER_CLOSE_S - loop.time())
        if self.recovery_file is not None:
            recovery.save(self.recovery_file, left, ends)
        elif left or ends:
            log.error(
                "%d answers and %d round ends are lost: no recovery file", len(left), len(ends)
            )
