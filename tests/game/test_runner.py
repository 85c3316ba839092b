"""The runner: an open question is waited on by the round's timer, with no task behind it."""

import asyncio

from bot.engine.models import Mode
from bot.engine.rules import RoundSettings
from bot.game.runner import RoundRunner
from tests.game.test_service import Scripted, start

TYPED = RoundSettings(questions=2, seconds=5, mode=Mode.TYPED)


class Silent(Scripted):
    """Nobody answers; it notes the tasks alive besides the answer writer at each step."""

    def __init__(self, fail_on_hint: bool = False) -> None:
        super().__init__()
        self.fail_on_hint = fail_on_hint
        self.shown = asyncio.Event()

    async def question(self, session, asked):
        self.events.append(f"q{asked.number}")
        self.shown.set()

    async def hint(self, session, asked, level):
        if self.fail_on_hint:
            raise RuntimeError("message deleted")
        await super().hint(session, asked, level)


def other_tasks() -> list[asyncio.Task]:
    here = asyncio.current_task()
    return [t for t in asyncio.all_tasks() if t is not here and t.get_name() != "answer-writer"]


async def test_an_open_question_holds_no_task_and_still_gets_its_hints_and_deadline(service):
    session = await start(service, settings=TYPED)
    session.round.seconds = 0.3  # hints at 0.1 s and 0.2 s, closed at 0.3 s
    ui = Silent()
    runner = RoundRunner(session, ui, pause=0.05)
    runner.start()
    await asyncio.wait_for(ui.shown.wait(), 5)
    await asyncio.sleep(0.01)  # the step that posted it has returned
    assert other_tasks() == [] and not runner.done
    await asyncio.wait_for(runner.wait(), 5)
    assert ui.events == [
        "q1", "hint1", "hint2", "r1:time",
        "q2", "hint1", "hint2", "r2:time", "done:",
    ]  # fmt: skip
    assert runner.done and other_tasks() == []


async def test_a_stop_while_a_question_is_open_ends_the_round_at_once(service, repo):
    session = await start(service, settings=TYPED)
    ended = []
    ui = Silent()
    runner = RoundRunner(session, ui, pause=0, on_end=lambda: ended.append(session.game_id))
    runner.start()
    await asyncio.wait_for(ui.shown.wait(), 5)
    session.request_stop("stopped by Alice")
    await asyncio.wait_for(runner.wait(), 1)  # the question had 5 s left
    assert ui.events == ["q1", "r1:stopped", "done:"]
    assert ended == [session.game_id]
    assert (await repo.get_game(session.game_id)).status.value == "stopped"


async def test_a_front_end_failure_in_a_hint_ends_the_round_saved_as_stopped(service, repo):
    session = await start(service, settings=TYPED)
    session.round.seconds = 0.3
    ui = Silent(fail_on_hint=True)
    runner = RoundRunner(session, ui, pause=0)
    runner.start()
    await asyncio.wait_for(runner.wait(), 5)
    assert session.stop_requested == "error"
    assert ui.events == ["q1", "done:"]
    assert (await repo.get_game(session.game_id)).status.value == "stopped"
