"""`trivia-bot play`: numbered choices or typed answers, a countdown, reveals.

On a terminal the prompt is prompt_toolkit's: the countdown ticks in a bottom toolbar, so
it never touches the line being typed; keys typed before a question appears are dropped.
From a pipe or a file every line is read in order, and a line belongs to the next question.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import signal
import sys
import threading
from collections.abc import AsyncIterator, Coroutine
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
PROMPT = "> "
SKIP_LINE = "/skip"  # typed alone on a line, it skips the question


def local_player(name: str) -> Player:
    """A stable id per name, so the same name keeps its place on the local board."""
    digest = hashlib.sha256(name.strip().casefold().encode()).digest()
    return Player(int.from_bytes(digest[:6], "big") or 1, name.strip())


class ConsolePresenter:
    """Prints each step; `open` is set while a question takes answers."""

    def __init__(self, out: TextIO, player: Player, *, tty: bool) -> None:
        self.out = out
        self.player = player
        self.tty = tty
        self.open = asyncio.Event()
        self.asked: AskedQuestion | None = None
        self.session: Session | None = None
        self.on_open: list[Any] = []  # callbacks run as each question opens

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    async def ready(self, session: Session) -> None:
        """Nothing to wait for in a terminal."""

    async def teams_open(self, session: Session) -> None:
        """One player in a terminal: no team rounds."""

    async def teams_set(self, session: Session) -> None:
        """One player in a terminal: no team rounds."""

    async def question(self, session: Session, asked: AskedQuestion) -> None:
        bank = session.banks_by_id.get(asked.question.bank_id)
        self.say(question_text(asked, bank.title if bank else asked.question.bank_id))
        how = "Type the number of your choice" if asked.choices else "Type your answer"
        self.say(f"{how}; you have {session.round.seconds:g} seconds.")
        self.session, self.asked = session, asked
        for callback in self.on_open:
            callback()
        self.open.set()

    def toolbar(self) -> str:
        """The countdown, redrawn by the prompt on its own line below the one being typed."""
        asked, session = self.asked, self.session
        if asked is None or session is None or not self.open.is_set():
            return " Next question coming... · Ctrl-C stops the round"
        left = max(asked.deadline - session.round.clock.monotonic(), 0.0)
        return f" {left:3.0f} s left · question {asked.number}/{asked.total} · Ctrl-C stops"

    async def hint(self, session: Session, asked: AskedQuestion, level: int) -> None:
        self.say(f"Hint {level}: {session.round.hint_text(level)}")

    async def reveal(self, session: Session, result: QuestionResult) -> None:
        self.open.clear()
        bank = session.banks_by_id.get(result.asked.question.bank_id)
        self.say(reveal_text(result, self.player.id, bank))

    async def finished(self, session: Session, standings: list[Standing]) -> None:
        self.open.clear()
        if session.round.stop_reason == "idle":
            self.say("\nNo answers to two questions in a row, so the round stopped.")
        self.say(standings_text(standings))


async def _answer(session: Session, player: Player, line: str, presenter: ConsolePresenter) -> bool:
    """Handle one line; True when it settled the player's answer to the open question."""
    asked = session.round.current
    text = line.strip()
    if asked is None or not text:
        return False
    if not presenter.tty:  # what came from the pipe, so the transcript reads as a dialogue
        presenter.say(f"{PROMPT}{text}")
    try:
        if text.casefold() == SKIP_LINE:
            session.vote_skip(player, asked.number, is_admin=True)  # the one player started it
            return True
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


def _choice_index(text: str, choices: tuple[str, ...]) -> int | None:
    if text.isdigit() and 1 <= int(text) <= len(choices):
        return int(text) - 1
    folded = [c.casefold() for c in choices]
    return folded.index(text.casefold()) if text.casefold() in folded else None


async def _until(awaitable: Coroutine[Any, Any, T], runner: asyncio.Task[None]) -> T | None:
    """Await something unless the round ends first."""
    task = asyncio.ensure_future(awaitable)
    await asyncio.wait({task, runner}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        return task.result()
    task.cancel()
    return None


# -- pipes and files ----------------------------------------------------------------------


def _start_reader(stream: TextIO, loop: asyncio.AbstractEventLoop) -> asyncio.Queue[str | None]:
    """Read lines in a thread: blocking reads never hold up the round's clock."""
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def pump() -> None:
        for line in stream:
            loop.call_soon_threadsafe(queue.put_nowait, line.rstrip("\r\n"))
        loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=pump, name="stdin-reader", daemon=True).start()
    return queue


async def _read_lines(
    session: Session, player: Player, presenter: ConsolePresenter, stdin: TextIO, runner: Any
) -> None:
    lines = _start_reader(stdin, asyncio.get_running_loop())
    while await _until(presenter.open.wait(), runner):
        line = await _until(lines.get(), runner)
        if line is None:
            if not runner.done():
                session.request_stop("end of input")
            return
        asked = session.round.current
        if await _answer(session, player, line, presenter):
            # a piped line belongs to the next question, not this one
            while session.round.current is asked and not runner.done():
                presenter.open.clear()
                await _until(presenter.open.wait(), runner)


# -- a terminal -------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def _terminal_prompt(presenter: ConsolePresenter) -> AsyncIterator[Any]:
    """One prompt session for the round; prints go above it, never through the typed line."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.patch_stdout import patch_stdout

    prompt: PromptSession[str] = PromptSession(
        PROMPT, bottom_toolbar=presenter.toolbar, refresh_interval=0.25
    )

    def drop_typed_ahead() -> None:
        # keys pressed while no question was showing were not meant for this one
        if prompt.app.is_running:
            prompt.app.current_buffer.reset()
            prompt.app.invalidate()

    presenter.on_open.append(drop_typed_ahead)
    with patch_stdout(raw=True):
        out = presenter.out
        presenter.out = sys.stdout  # the proxy that prints above the prompt
        try:
            yield prompt
        finally:
            presenter.out = out


async def _read_terminal(
    session: Session, player: Player, presenter: ConsolePresenter, runner: Any
) -> None:
    """Prompt until the round ends; Ctrl-C and Ctrl-D stop it, a line between questions is dropped.

    The prompt stays up between questions too, so Ctrl-C is a key the round handles (and
    saves) rather than a signal sent to `make` as well.
    """
    async with _terminal_prompt(presenter) as prompt:

        def end_prompt(_: object = None) -> None:
            if runner.done() and prompt.app.is_running:
                prompt.app.exit(result="")

        # the round may end while a prompt is up, or just before one starts
        runner.add_done_callback(end_prompt)
        while not runner.done():
            # awaited here, not in a task: a task would hand Ctrl-C's KeyboardInterrupt
            # to the event loop itself
            try:
                line = await prompt.prompt_async(pre_run=end_prompt)
            except KeyboardInterrupt:
                session.request_stop("interrupted")
                return
            except EOFError:
                session.request_stop("end of input")
                return
            if presenter.open.is_set() and not runner.done():
                await _answer(session, player, line, presenter)


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
    count = len(session.round.questions)
    picked = " ".join(
        x for x in (settings.difficulty and settings.difficulty.value, settings.category) if x
    )
    presenter.say(
        f"Trivia: {count} {picked + ' ' if picked else ''}question{'s' if count != 1 else ''}, "
        f"{mode}, "
        f"playing as {player.name}. {SKIP_LINE} skips a question, Ctrl-C stops the round."
    )
    runner = asyncio.create_task(
        run_round(session, presenter, pause=(1.5 if tty else 0) if pause is None else pause)
    )
    try:
        if tty:
            await _read_terminal(session, player, presenter, runner)
        else:
            await _read_lines(session, player, presenter, stdin, runner)
        await runner
    finally:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGINT)
        service.forget(session)
    if session.stop_requested in ("interrupted", "end of input"):
        presenter.say(f"Round stopped ({session.stop_requested}); points so far are saved.")
    return session
