"""`trivia-bot play`: numbered choices or typed answers from stdin, a countdown, reveals."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import signal
import sys
import threading
from collections.abc import Coroutine
from typing import Any, TextIO, TypeVar

from bot.console.render import question_text, reveal_text, standings_text
from bot.engine.errors import TriviaError
from bot.engine.models import Mode, Player
from bot.engine.round import AskedQuestion, QuestionResult, Standing
from bot.engine.rules import RoundSettings
from bot.game.catalog import LOCAL_GUILD
from bot.game.runner import run_round
from bot.game.service import TriviaService
from bot.game.session import SaveDelayed, Session

T = TypeVar("T")

LOCAL_CHANNEL = 0


def local_player(name: str) -> Player:
    """A stable id per name, so the same name keeps its place on the local board."""
    digest = hashlib.sha256(name.strip().casefold().encode()).digest()
    return Player(int.from_bytes(digest[:6], "big") or 1, name.strip())


class ConsolePresenter:
    """Prints each step; on a terminal the prompt counts down the seconds."""

    def __init__(self, out: TextIO, player: Player, *, tty: bool) -> None:
        self.out = out
        self.player = player
        self.tty = tty
        self._ticker: asyncio.Task[None] | None = None
        self.open = asyncio.Event()

    def say(self, text: str) -> None:
        self.out.write(("\r\033[K" if self.tty else "") + text + "\n")
        self.out.flush()

    async def ready(self, session: Session) -> None:
        """Nothing to wait for in a terminal."""

    async def question(self, session: Session, asked: AskedQuestion) -> None:
        bank = session.banks_by_id.get(asked.question.bank_id)
        self.say(question_text(asked, bank.title if bank else asked.question.bank_id))
        how = "Type the number of your choice" if asked.choices else "Type your answer"
        self.say(f"{how}; you have {session.round.seconds:g} seconds.")
        self.open.set()
        if self.tty:
            self._ticker = asyncio.create_task(self._countdown(session, asked))

    async def _countdown(self, session: Session, asked: AskedQuestion) -> None:
        clock = session.round.clock
        while True:
            left = max(asked.closes_at - clock.now(), 0.0)
            self.out.write(f"\r\033[K[{left:4.0f} s] > ")
            self.out.flush()
            await asyncio.sleep(min(1.0, left % 1 or 1.0))

    def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None

    async def hint(self, session: Session, asked: AskedQuestion, level: int) -> None:
        extra = f" ({asked.question.hint})" if level == 1 and asked.question.hint else ""
        self.say(f"Hint {level}: {session.round.hint_text(level)}{extra}")

    async def reveal(self, session: Session, result: QuestionResult) -> None:
        self.open.clear()
        self._stop_ticker()
        bank = session.banks_by_id.get(result.asked.question.bank_id)
        self.say(reveal_text(result, self.player.id, bank))

    async def finished(self, session: Session, standings: list[Standing]) -> None:
        self._stop_ticker()
        if session.round.stop_reason == "idle":
            self.say("\nNo answers to two questions in a row, so the round stopped.")
        self.say(standings_text(standings))


def _start_reader(stream: TextIO, loop: asyncio.AbstractEventLoop) -> asyncio.Queue[str | None]:
    """Read stdin in a thread: works the same for a terminal, a pipe or a file."""
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def pump() -> None:
        for line in stream:
            loop.call_soon_threadsafe(queue.put_nowait, line.rstrip("\r\n"))
        loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=pump, name="stdin-reader", daemon=True).start()
    return queue


async def _answer(session: Session, player: Player, line: str, presenter: ConsolePresenter) -> bool:
    """Handle one line; True when it settled the player's answer to the open question."""
    asked = session.round.current
    text = line.strip()
    if asked is None or not text:
        return False
    try:
        if asked.choices:
            index = _choice_index(text, asked.choices)
            if index is None:
                presenter.say(f"Type a number from 1 to {len(asked.choices)}.")
                return False
            await session.choose(player, asked.number, index)
            presenter.say(f"Locked in: {asked.choices[index]}")
            return True
        if await session.guess(player, text) is None:
            presenter.say("Not quite; try again.")
            return False
        return True
    except TriviaError as exc:
        presenter.say(str(exc))
        return isinstance(exc, SaveDelayed)


async def _until(awaitable: Coroutine[Any, Any, T], runner: asyncio.Task[None]) -> T | None:
    """Await something unless the round ends first."""
    task = asyncio.ensure_future(awaitable)
    await asyncio.wait({task, runner}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        return task.result()
    task.cancel()
    return None


def _choice_index(text: str, choices: tuple[str, ...]) -> int | None:
    if text.isdigit() and 1 <= int(text) <= len(choices):
        return int(text) - 1
    folded = [c.casefold() for c in choices]
    return folded.index(text.casefold()) if text.casefold() in folded else None


async def play(
    service: TriviaService,
    *,
    player_name: str,
    bank_ids: list[str],
    settings: RoundSettings,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    pause: float | None = None,
    intro: str | None = None,
) -> Session:
    """Play one round to its end; Ctrl-C or end of input stops it, saved."""
    player = local_player(player_name)
    tty = stdout.isatty() and stdin.isatty()
    presenter = ConsolePresenter(stdout, player, tty=tty)
    session = await service.start(
        guild_id=LOCAL_GUILD,
        channel_id=LOCAL_CHANNEL,
        starter=player,
        bank_ids=bank_ids,
        settings=settings,
    )
    session.round.join(player)
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGINT, session.request_stop, "interrupted")
    if intro:
        presenter.say(intro)
    mode = "typed answers" if settings.mode is Mode.TYPED else "numbered choices"
    presenter.say(
        f"Trivia: {len(session.round.questions)} questions, {mode}, "
        f"playing as {player.name}. Ctrl-C stops the round."
    )
    runner = asyncio.create_task(
        run_round(session, presenter, pause=(1.5 if tty else 0) if pause is None else pause)
    )
    lines = _start_reader(stdin, loop)
    try:
        while await _until(presenter.open.wait(), runner):
            line = await _until(lines.get(), runner)
            if line is None:
                if not runner.done():
                    session.request_stop("end of input")
                break
            asked = session.round.current
            if await _answer(session, player, line, presenter):
                # a piped line belongs to the next question, not this one
                while session.round.current is asked and not runner.done():
                    presenter.open.clear()
                    await _until(presenter.open.wait(), runner)
        await runner
    finally:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGINT)
        service.forget(session)
    if session.stop_requested in ("interrupted", "end of input"):
        presenter.say(f"Round stopped ({session.stop_requested}); points so far are saved.")
    return session
