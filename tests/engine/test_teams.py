"""Team rounds in the engine: joining, the smallest team, locking, team points."""

import random

import pytest

from bot.engine.clock import FakeClock
from bot.engine.errors import InvalidSetting, TriviaError
from bot.engine.models import Mode, Player
from bot.engine.round import Round
from bot.engine.rules import RoundSettings
from bot.engine.teams import Teams, TeamsLocked
from tests.engine.helpers import ALICE, BOB, CAROL, ROBOT, make_question

DAVE = Player(4, "Dave")
ERIN = Player(5, "Erin")


def team_round(count: int = 2, n: int = 3) -> tuple[Round, FakeClock]:
    clock = FakeClock()
    qs = [make_question(i) for i in range(n)]
    r = Round(
        qs,
        mode=Mode.BUTTONS,
        seconds=20,
        clock=clock,
        rng=random.Random(3),
        teams=Teams(count, window=10),
    )
    return r, clock


def test_players_pick_teams_switch_and_shuffle_onto_the_smallest():
    r, _ = team_round(3)
    assert r.teams is not None and r.teams.names == ("Red", "Blue", "Green")
    assert r.join_team(ALICE, 0) == 0
    assert r.join_team(BOB, 0) == 0
    assert r.join_team(CAROL, None) == 1  # Blue and Green are empty: the first of them
    assert r.join_team(DAVE, None) == 2
    assert r.join_team(BOB, 2) == 2  # switching is allowed until the first question
    assert r.join_team(ERIN, None) == 0  # Red has 1, Blue 1, Green 2
    assert [p.name for p in r.teams.members(2)] == ["Dave", "Bob"]
    assert {p.id for p in r.participants()} == {1, 2, 3, 4, 5}  # joining makes one a player
    with pytest.raises(TriviaError):
        r.join_team(ROBOT, 0)
    with pytest.raises(TriviaError):
        r.join_team(ALICE, 3)


def test_team_points_are_the_sum_of_their_members_points_and_teams_lock_at_the_start():
    r, clock = team_round(2)
    for player, team in ((ALICE, 0), (BOB, 0), (CAROL, 1), (DAVE, 1)):
        r.join_team(player, team)
    a = r.ask_next()
    with pytest.raises(TeamsLocked):
        r.join_team(ALICE, 1)
    points = {p.id: r.choose(p, a.correct_index).points for p in (ALICE, CAROL)}
    clock.advance(10)
    points[BOB.id] = r.choose(BOB, a.correct_index).points
    r.choose(DAVE, (a.correct_index + 1) % 4)
    r.close()
    red, blue = r.team_standings()
    assert (red.name, red.points, red.correct) == ("Red", points[1] + points[2], 2)
    assert (blue.name, blue.points, blue.correct) == ("Blue", points[3], 1)
    assert [p.name for p in red.members] == ["Alice", "Bob"]
    # players' own standings and the round's winner are as in any round
    assert r.standings()[0].player in (ALICE, CAROL) and r.winner() is None  # tied at 1000


def test_a_player_who_answers_without_a_team_joins_the_smallest():
    r, _ = team_round(2)
    r.join_team(ALICE, 0)
    r.join_team(BOB, 0)
    r.join_team(CAROL, 1)
    a = r.ask_next()
    r.choose(ERIN, a.correct_index)
    assert r.teams is not None and r.teams.team_of(ERIN.id) == 1
    r.choose(DAVE, a.correct_index)
    assert r.teams.team_of(DAVE.id) == 0  # 2 and 2: the first
    assert [t.points > 0 for t in r.team_standings()] == [True, True]


def test_the_join_window_closes_in_time_or_when_the_starter_begins():
    teams = Teams(2, window=30)
    assert teams.window_open(0.0)  # not opened yet: the join message is being posted
    assert teams.open(100.0) == 130.0
    assert teams.window_open(129.9) and not teams.window_open(130.0)
    teams.start_now(110.0)
    assert not teams.window_open(110.0)


def test_team_counts_are_two_to_four():
    assert RoundSettings(teams=4).teams == 4
    for bad in (1, 5):
        with pytest.raises(InvalidSetting, match="teams must be between 2 and 4"):
            RoundSettings(teams=bad)
    assert (
        Round([make_question(0)], mode=Mode.BUTTONS, seconds=5, clock=FakeClock()).team_standings()
        == []
    )


def test_a_dropped_player_leaves_their_team_and_its_points():
    from bot.engine.errors import ForgottenInRound

    r, clock = team_round()
    r.teams.open(clock.monotonic())
    r.join_team(ALICE, 0)
    r.join_team(BOB, 1)
    asked = r.ask_next()
    r.choose(BOB, asked.correct_index)
    r.drop_player(BOB.id)
    assert r.teams.members(1) == []
    assert [(t.name, t.points, t.members) for t in r.team_standings()] == [
        ("Red", 0, (ALICE,)),
        ("Blue", 0, ()),
    ]
    with pytest.raises(ForgottenInRound):
        r.join_team(BOB, 0)


def test_the_join_window_is_bounded_like_the_other_round_settings():
    assert RoundSettings(teams=2).join_seconds == 30
    assert RoundSettings(teams=2, join_seconds=10).join_seconds == 10
    for bad in (9.5, 301):
        with pytest.raises(InvalidSetting, match="team join seconds must be between 10 and 300"):
            RoundSettings(teams=2, join_seconds=bad)
