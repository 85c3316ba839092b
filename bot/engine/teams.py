"""Team rounds: who plays for which team, and teams ranked by their members' points."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.engine.errors import InvalidSetting, TriviaError
from bot.engine.models import Player

TEAM_NAMES = ("Red", "Blue", "Green", "Yellow")
MIN_TEAMS, MAX_TEAMS = 2, len(TEAM_NAMES)
JOIN_SECONDS = 30.0  # the join window before the first question, unless the starter begins early


class TeamsLocked(TriviaError):
    def __init__(self) -> None:
        super().__init__("The teams are set: the round has started. Answering puts you on one.")


def check_team_count(count: int) -> None:
    if not MIN_TEAMS <= count <= MAX_TEAMS:
        raise InvalidSetting(f"teams must be between {MIN_TEAMS} and {MAX_TEAMS}, not {count}.")


@dataclass(frozen=True, slots=True)
class TeamStanding:
    """A team's result: the sum of its members' points in this round."""

    name: str
    points: int
    correct: int
    members: tuple[Player, ...]


class Teams:
    """Membership is set in the join window and locked at the first question.

    A player who answers without having joined goes to the smallest team, so nobody is
    turned away and the teams stay even.
    """

    __slots__ = ("_members", "_team", "closes_at", "locked", "names", "window")

    def __init__(self, count: int, *, window: float = JOIN_SECONDS) -> None:
        check_team_count(count)
        self.names = TEAM_NAMES[:count]
        self.window = window
        self.closes_at: float | None = None  # monotonic; set when the join window opens
        self.locked = False
        self._team: dict[int, int] = {}
        self._members: list[dict[int, Player]] = [{} for _ in self.names]

    def open(self, now: float) -> float:
        """Start the join window; returns when it closes (same clock as `now`)."""
        self.closes_at = now + self.window
        return self.closes_at

    def start_now(self, now: float) -> None:
        """The starter begins early: the window closes at once."""
        self.closes_at = now

    def window_open(self, now: float) -> bool:
        return not self.locked and (self.closes_at is None or now < self.closes_at)

    def team_of(self, player_id: int) -> int | None:
        return self._team.get(player_id)

    def members(self, team: int) -> list[Player]:
        return list(self._members[team].values())

    def smallest(self) -> int:
        """The team with the fewest members; the first of those tied."""
        return min(range(len(self.names)), key=lambda i: len(self._members[i]))

    def join(self, player: Player, team: int | None) -> int:
        """Join a team, or (None: "shuffle me") the smallest; one may switch until locked."""
        if self.locked:
            raise TeamsLocked()
        if player.is_bot:
            raise TriviaError("Bots don't play.")
        if team is not None and not 0 <= team < len(self.names):
            raise TriviaError("That is not one of this round's teams.")
        self._leave(player.id)
        return self._put(player, self.smallest() if team is None else team)

    def assign(self, player: Player) -> int:
        """A player's team; one who has none yet is put on the smallest (even once locked)."""
        team = self._team.get(player.id)
        return team if team is not None else self._put(player, self.smallest())

    def drop(self, player_id: int) -> None:
        """A member forgotten mid-round leaves their team, locked or not."""
        self._leave(player_id)

    def _leave(self, player_id: int) -> None:
        team = self._team.pop(player_id, None)
        if team is not None:
            del self._members[team][player_id]

    def _put(self, player: Player, team: int) -> int:
        self._team[player.id] = team
        self._members[team][player.id] = player
        return team

    def standings(self, points: Iterable[tuple[int, int, int]]) -> list[TeamStanding]:
        """Teams best first from (player id, points, correct); ties keep the teams' order."""
        totals = [[0, 0] for _ in self.names]
        for player_id, pts, correct in points:
            team = self._team.get(player_id)
            if team is not None:
                totals[team][0] += pts
                totals[team][1] += correct
        table = [
            TeamStanding(name, totals[i][0], totals[i][1], tuple(self._members[i].values()))
            for i, name in enumerate(self.names)
        ]
        return sorted(table, key=lambda t: (-t.points, -t.correct))
