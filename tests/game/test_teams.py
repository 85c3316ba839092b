"""A team round's join window in the runner: it closes on time, or when the starter begins."""

import asyncio

import pytest

from bot.engine.errors import NotAllowed
from bot.engine.models import Mode
from bot.engine.rules import RoundSettings
from bot.game.runner import run_round
from tests.game.test_service import ALICE, BOB, Scripted

TEAM_SETTINGS = RoundSettings(questions=1, seconds=5, mode=Mode.BUTTONS, teams=2)


class Joining(Scripted):
    """Bob joins Blue while the join message is up; Alice is put on a team by answering."""

    async def teams_open(self, session):
        self.events.append("join")
        session.round.join_team(BOB, 1)

    async def teams_set(self, session):
        self.events.append("set")


async def test_the_join_window_closes_on_its_own_and_answering_joins_the_smallest(service):
    session = await service.start(
        guild_id=1, channel_id=5, starter=ALICE, bank_ids=["geo"], settings=TEAM_SETTINGS
    )
    session.round.teams.window = 0.2
    ui = Joining()
    loop = asyncio.get_running_loop()
    began = loop.time()
    await run_round(session, ui, pause=0)
    assert loop.time() - began >= 0.2
    assert ui.events[:3] == ["join", "set", "q1"]
    red, blue = sorted(session.round.team_standings(), key=lambda t: t.name, reverse=True)
    assert [p.name for p in red.members] == ["Alice"] and red.points > 0
    assert [p.name for p in blue.members] == ["Bob"] and blue.points == 0


async def test_only_the_starter_or_an_admin_begins_early(service):
    session = await service.start(
        guild_id=1, channel_id=5, starter=ALICE, bank_ids=["geo"], settings=TEAM_SETTINGS
    )
    ui = Joining()
    runner = asyncio.create_task(run_round(session, ui, pause=0))
    await asyncio.sleep(0.05)
    assert ui.events == ["join"]  # waiting out the 30 s window
    with pytest.raises(NotAllowed, match="Only Alice"):
        session.start_now(BOB, is_admin=False)
    session.start_now(ALICE, is_admin=False)
    await asyncio.wait_for(runner, 5)
    assert ui.events[:3] == ["join", "set", "q1"]
