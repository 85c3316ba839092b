"""SQL both backends run as written: standard SQL with '?' placeholders, rows to records.

SQLite runs the text as it is; PostgreSQL numbers the placeholders ($1, $2, ...) once per text.
What differs stays in each backend: creating games, recording answers, folding them into their
totals (bot/storage/fold.py says when), ending games, migrations, backups.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bot.shards import ShardRange
from bot.storage import board_sql
from bot.storage.daily_sql import FORGET_DAILY, PURGE_DAILY, RESET_DAILY, DailySql
from bot.storage.errors import DuplicateCustomQuestion, DuplicateSeason
from bot.storage.fold import Folder
from bot.storage.records import (
    AuditEntry,
    BoardPage,
    BoardRow,
    CustomQuestionRow,
    GameRow,
    GameStatus,
    GuildSettingsRow,
    Miss,
    Period,
    PlayerStats,
    SeasonRow,
    ServerChange,
    ServerChanged,
    iso_week,
    month_of,
    month_span,
)
from bot.storage.reports_sql import FORGET_REPORTS, ReportsSql

SELECT_GAMES = (
    "SELECT id, guild_id, channel_id, banks, mode, starter_id, question_count, seconds, "
    "started_at, ended_at, status FROM games "
)
GAME_BY_ID = SELECT_GAMES + "WHERE id = ?"
RUNNING_IN_CHANNEL = SELECT_GAMES + "WHERE channel_id = ? AND status = 'running'"
# Games on shards first..last of count (Discord: a guild is on (guild_id >> 22) % count).
RUNNING_ON_SHARDS = (
    SELECT_GAMES + "WHERE status = 'running' AND ((guild_id >> 22) % ?) BETWEEN ? AND ? "
    "AND guild_id = coalesce(?, guild_id) ORDER BY id"
)
ABANDON_ON_SHARDS = (
    "UPDATE games SET status = 'abandoned', ended_at = ? "
    "WHERE status = 'running' AND ((guild_id >> 22) % ?) BETWEEN ? AND ? "
    "AND guild_id = coalesce(?, guild_id)"
)

# A question asked without a fact is its own fact: `bank/question`. Questions of the day
# count too: a round must not give away the open one, nor the day's repeat a round's.
_RECENT_FACTS = (
    "SELECT fact, MAX(asked_at) FROM ("
    "SELECT COALESCE(gq.fact, gq.bank_id || '/' || gq.question_id) AS fact, gq.asked_at "
    "FROM game_questions gq JOIN games g ON g.id = gq.game_id WHERE g.channel_id = ? "
    "UNION ALL SELECT COALESCE(fact, bank_id || '/' || question_id), posted_at "
    "FROM daily_questions WHERE channel_id = ?) AS asked "
    "GROUP BY fact ORDER BY 2 DESC LIMIT ?"
)
_MEMBER_GUILDS = (
    "SELECT guild_id FROM player_totals WHERE player_id = ? "
    "UNION SELECT guild_id FROM answers WHERE player_id = ? "
    "UNION SELECT guild_id FROM question_reports WHERE reporter_id = ? "
    "UNION SELECT guild_id FROM daily_answers WHERE player_id = ? ORDER BY 1"
)
_PLAYER_TOTALS = (
    "SELECT points, correct, answered, games, wins, best_streak FROM player_totals "
    "WHERE player_id = ? AND guild_id = ?"
)
_PLAYER_TOTALS_GLOBAL = (
    "SELECT SUM(points), SUM(correct), SUM(answered), SUM(games), SUM(wins), "
    "MAX(best_streak) FROM player_totals WHERE player_id = ?"
)
_PLAYER_WEEK = (
    "SELECT points, correct, answered FROM player_week_totals "
    "WHERE player_id = ? AND guild_id = ? AND week = ?"
)
_PLAYER_WEEK_GLOBAL = (
    "SELECT points, correct, answered FROM global_week_totals WHERE player_id = ? AND week = ?"
)
# one primary-key lookup (guild_id, week, player_id) per week, for 12 weeks
WEEKS_AT_MOST = 12
_WEEKLY_POINTS = (
    "SELECT week, points FROM player_week_totals WHERE guild_id = ? AND player_id = ? "
    "AND week IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_MISSES = (
    "SELECT bank_id, question_id, MAX(answered_at) FROM answers "
    "WHERE guild_id = ? AND player_id = ? AND correct = 0 GROUP BY bank_id, question_id "
    "ORDER BY MAX(answered_at) DESC, bank_id, question_id LIMIT ?"
)
_PLAYER_NAME = "SELECT name FROM players WHERE id = ?"
_MEMBER_NAME = (
    "SELECT COALESCE(m.name, p.name) FROM players p LEFT JOIN members m "
    "ON m.guild_id = ? AND m.player_id = p.id WHERE p.id = ?"
)
_GUILD_SETTINGS = (
    "SELECT questions, seconds, mode, manager_role_id, guesses, starter_role_id "
    "FROM guild_settings WHERE guild_id = ?"
)
_CUSTOM = (
    "SELECT guild_id, bank_id, question_id, data, created_by, created_at "
    "FROM custom_questions WHERE guild_id = ? "
)
_CUSTOM_ALL = _CUSTOM + "ORDER BY bank_id, created_at, question_id"
_CUSTOM_IN_BANK = _CUSTOM + "AND bank_id = ? ORDER BY bank_id, created_at, question_id"
_AUDIT_LOG = (
    "SELECT guild_id, actor_id, action, detail, at FROM audit_log WHERE guild_id = ? "
    "ORDER BY at DESC, id DESC LIMIT ?"
)
_RECORD_QUESTION = (
    "INSERT INTO game_questions (game_id, number, bank_id, question_id, asked_at, fact) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
)
_SET_QUESTION_MESSAGE = "UPDATE game_questions SET message_id = ? WHERE game_id = ? AND number = ?"
# the first statement's count is what the method returns
_RESET = (
    "DELETE FROM player_totals WHERE guild_id = ?",
    "DELETE FROM player_week_totals WHERE guild_id = ?",
    "DELETE FROM player_month_totals WHERE guild_id = ?",
    "DELETE FROM player_season_totals WHERE guild_id = ?",
    *board_sql.UNCOUNT["guild"],
    "DELETE FROM answers WHERE guild_id = ?",
    *RESET_DAILY,
)
# what forget_member returns: this statement's count, found by its text, not its place
_FORGET_ANSWERS = "DELETE FROM answers WHERE guild_id = ? AND player_id = ?"
_FORGET = (
    _FORGET_ANSWERS,
    "DELETE FROM player_totals WHERE guild_id = ? AND player_id = ?",
    "DELETE FROM player_week_totals WHERE guild_id = ? AND player_id = ?",
    "DELETE FROM player_month_totals WHERE guild_id = ? AND player_id = ?",
    "DELETE FROM player_season_totals WHERE guild_id = ? AND player_id = ?",
    "DELETE FROM members WHERE guild_id = ? AND player_id = ?",
    FORGET_REPORTS,
    *FORGET_DAILY,
)
_FORGET_NAME = (
    "DELETE FROM players WHERE id = ? AND NOT EXISTS "
    "(SELECT 1 FROM player_totals WHERE player_id = ?)"
)
# A round running in that server still holds the member's unsaved answers and will count
# their game at its end: both skip them (record_answers, end_game). Rows of games no longer
# running are dropped first: they can get no more answers.
_FORGET_IN_RUNNING = (
    "DELETE FROM forgotten_players WHERE game_id NOT IN "
    "(SELECT id FROM games WHERE status = 'running')",
    "INSERT INTO forgotten_players (game_id, player_id) SELECT id, ? FROM games "
    "WHERE guild_id = ? AND status = 'running' ON CONFLICT DO NOTHING",
)
# the columns a settings change may set; the others keep what they hold, whoever set them
SETTINGS_COLUMNS = (
    "questions",
    "seconds",
    "mode",
    "manager_role_id",
    "guesses",
    "starter_role_id",
)
_CHANGE_SETTINGS = (
    "INSERT INTO guild_settings (guild_id, questions, seconds, mode, manager_role_id, guesses, "
    "starter_role_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id) "
    "DO UPDATE SET "
    "questions = CASE WHEN ? THEN excluded.questions ELSE guild_settings.questions END, "
    "seconds = CASE WHEN ? THEN excluded.seconds ELSE guild_settings.seconds END, "
    "mode = CASE WHEN ? THEN excluded.mode ELSE guild_settings.mode END, "
    "manager_role_id = CASE WHEN ? THEN excluded.manager_role_id "
    "ELSE guild_settings.manager_role_id END, "
    "guesses = CASE WHEN ? THEN excluded.guesses ELSE guild_settings.guesses END, "
    "starter_role_id = CASE WHEN ? THEN excluded.starter_role_id "
    "ELSE guild_settings.starter_role_id END, "
    "updated_at = excluded.updated_at"
)
_ROUND_CHANNELS = "SELECT channel_id FROM round_channels WHERE guild_id = ? ORDER BY channel_id"
_ALLOW_CHANNEL = (
    "INSERT INTO round_channels (guild_id, channel_id) VALUES (?, ?) "
    "ON CONFLICT (guild_id, channel_id) DO NOTHING"
)
_DISALLOW_CHANNEL = "DELETE FROM round_channels WHERE guild_id = ? AND channel_id = ?"
_CLEAR_CHANNELS = "DELETE FROM round_channels WHERE guild_id = ?"
_ADD_CUSTOM = (
    "INSERT INTO custom_questions (guild_id, bank_id, question_id, data, created_by, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
_REMOVE_CUSTOM = (
    "DELETE FROM custom_questions WHERE guild_id = ? AND bank_id = ? AND question_id = ?"
)
_AUDIT = "INSERT INTO audit_log (guild_id, actor_id, action, detail, at) VALUES (?, ?, ?, ?, ?)"
# a reset's audit row, written in its transaction before the totals go: "N players cleared"
_AUDIT_RESET = (
    "INSERT INTO audit_log (guild_id, actor_id, action, detail, at) "
    "SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), ?, CAST(COUNT(*) AS TEXT) || ?, ? "
    "FROM player_totals WHERE guild_id = ?"
)
_GUILD_LIMITS = "SELECT name, value FROM guild_limits WHERE guild_id = ?"
_SAVE_LIMIT = (
    "INSERT INTO guild_limits (guild_id, name, value) VALUES (?, ?, ?) "
    "ON CONFLICT (guild_id, name) DO UPDATE SET value = excluded.value"
)
_DROP_LIMIT = "DELETE FROM guild_limits WHERE guild_id = ? AND name = ?"
_DEPARTED = (
    "INSERT INTO departed_guilds (guild_id, left_at) VALUES (?, ?) "
    "ON CONFLICT (guild_id) DO NOTHING"
)
_BACK = "DELETE FROM departed_guilds WHERE guild_id = ?"
_DEPARTED_BEFORE = "SELECT guild_id FROM departed_guilds WHERE left_at < ? ORDER BY guild_id"
# a name goes with its last server: kept while another server still counts the player
_PURGE_NAMES = (
    "DELETE FROM players WHERE id IN (SELECT player_id FROM player_totals WHERE guild_id = ?) "
    "AND NOT EXISTS (SELECT 1 FROM player_totals t WHERE t.player_id = players.id "
    "AND t.guild_id <> ?)"
)
# every table keyed by server, answers before their games (which cascade to their questions)
_PURGE = PURGE_DAILY + tuple(
    f"DELETE FROM {table} WHERE guild_id = ?"  # noqa: S608 - our own table names
    for table in (
        "answers",
        "player_totals",
        "player_week_totals",
        "player_month_totals",
        "player_season_totals",
        "seasons",
        "members",
        "games",
        "guild_settings",
        "guild_limits",
        "round_channels",
        "custom_questions",
        "audit_log",
        "question_reports",
        "disabled_questions",
        "departed_guilds",
    )
)
_CONSISTENCY = {
    "player_totals": (
        "WITH a AS (SELECT guild_id, player_id, SUM(points) AS points, SUM(correct) AS correct, "
        "COUNT(*) AS answered FROM counted_answers GROUP BY guild_id, player_id) "
        "SELECT t.guild_id, t.player_id, t.points, t.correct, t.answered, a.points, a.correct, "
        "a.answered FROM player_totals t LEFT JOIN a ON a.guild_id = t.guild_id "
        "AND a.player_id = t.player_id "
        "WHERE t.answered != COALESCE(a.answered, 0) OR t.points != COALESCE(a.points, 0) "
        "OR t.correct != COALESCE(a.correct, 0)"
    ),
    "player_week_totals": (
        "WITH a AS (SELECT guild_id, week, player_id, SUM(points) AS points, "
        "SUM(correct) AS correct, COUNT(*) AS answered FROM counted_answers "
        "GROUP BY guild_id, week, player_id) "
        "SELECT t.guild_id, t.player_id, t.points, t.correct, t.answered, a.points, a.correct, "
        "a.answered FROM player_week_totals t LEFT JOIN a ON a.guild_id = t.guild_id "
        "AND a.week = t.week AND a.player_id = t.player_id "
        "WHERE t.answered != COALESCE(a.answered, 0) OR t.points != COALESCE(a.points, 0) "
        "OR t.correct != COALESCE(a.correct, 0)"
    ),
}
_SEASONS = (
    "SELECT guild_id, name, started_at, ended_at, started_by FROM seasons WHERE guild_id = ? "
    "ORDER BY started_at DESC, name"
)
_SEASON_NAMED = (
    "SELECT guild_id, name, started_at, ended_at, started_by FROM seasons "
    "WHERE guild_id = ? AND name = ?"
)
_SEASON_OPEN = (
    "SELECT guild_id, name, started_at, ended_at, started_by FROM seasons "
    "WHERE guild_id = ? AND ended_at IS NULL"
)
_CLOSE_SEASON = "UPDATE seasons SET ended_at = ? WHERE guild_id = ? AND ended_at IS NULL"
_OPEN_SEASON = (
    "INSERT INTO seasons (guild_id, name, started_at, ended_at, started_by) "
    "VALUES (?, ?, ?, NULL, ?)"
)
_ORPHAN_ANSWERS = (
    "SELECT COUNT(*) FROM answers a LEFT JOIN games g ON g.id = a.game_id WHERE g.id IS NULL"
)
_ANSWERS_WITHOUT_TOTALS = (
    "SELECT COUNT(*) FROM (SELECT a.guild_id, a.player_id FROM counted_answers a "
    "LEFT JOIN player_totals t ON t.guild_id = a.guild_id AND t.player_id = a.player_id "
    "WHERE t.player_id IS NULL GROUP BY a.guild_id, a.player_id) AS m"
)


def game_row(row: Any) -> GameRow:
    """A games row (a tuple or an asyncpg Record) in SELECT_GAMES order."""
    return GameRow(
        id=row[0],
        guild_id=row[1],
        channel_id=row[2],
        banks=tuple(row[3].split(",")),
        mode=row[4],
        starter_id=row[5],
        question_count=row[6],
        seconds=row[7],
        started_at=row[8],
        ended_at=row[9],
        status=GameStatus(row[10]),
    )


def on_shards(
    shards: ShardRange | None, guild_id: int | None = None
) -> tuple[int, int, int, int | None]:
    """Parameters of the running-games filter; (1, 0, 0, None) keeps every game."""
    if shards is None or not shards.partial or shards.count is None or shards.last is None:
        return (1, 0, 0, guild_id)
    return (shards.count, shards.first, shards.last, guild_id)


def board_key(
    guild_id: int | None,
    period: Period,
    now: float,
    bank_id: str | None,
    bank_guild: int = 0,
    season: SeasonRow | None = None,
) -> tuple[board_sql.Key, list[Any]]:
    """Which prepared board query applies, and its source's parameters in order.

    A season board without a season (none open, or an unknown name) is an empty board.
    """
    if guild_id is None and period is Period.SEASON:
        raise ValueError("season boards are one server's")
    if guild_id is None and period is Period.MONTH and bank_id is not None:
        raise ValueError("the all-servers month board has no bank filter")
    params: list[Any] = []
    if guild_id is not None:
        params.append(guild_id)
    elif bank_id is not None:
        params.append(bank_guild)
    if bank_id is not None:
        params.append(bank_id)
    if period is Period.WEEK:
        params.append(iso_week(now))
    elif period is Period.MONTH:
        params.extend(month_span(now) if bank_id is not None else (month_of(now),))
    elif period is Period.SEASON:
        if bank_id is None:
            params.append(season.name if season else "")
        elif season is None:
            params.extend((0.0, 0.0))
        else:
            ended = float("inf") if season.ended_at is None else season.ended_at
            params.extend((season.started_at, ended))
    return (guild_id is not None, period, bank_id is not None), params


def _names(guild_id: int | None) -> tuple[int, ...]:
    """The parameter a server's board needs to show that server's names."""
    return () if guild_id is None else (guild_id,)


def _board_row(rank: int, row: Any) -> BoardRow:
    player_id, name, points, correct, answered = row
    return BoardRow(rank, player_id, name, points, correct, answered)


Step = tuple[str, Sequence[Any]]


def _settings_step(guild_id: int, changes: Mapping[str, object], now: float) -> Step:
    """One statement setting only the columns named (SETTINGS_COLUMNS): two admins changing
    different settings at once both keep their change (a read row written back whole undid
    the other's)."""
    unknown = set(changes) - set(SETTINGS_COLUMNS)
    if unknown:
        raise ValueError(f"not a settings column: {', '.join(sorted(unknown))}")
    values = [changes.get(c) for c in SETTINGS_COLUMNS]
    flags = [c in changes for c in SETTINGS_COLUMNS]
    return (_CHANGE_SETTINGS, (guild_id, *values, now, *flags))


class PortableSql(ReportsSql, DailySql):
    """The Repository methods whose SQL both dialects share, over a backend's primitives."""

    # what the backend's driver raises when an insert clashes with a unique key
    unique_violation: type[Exception] = Exception
    dialect = "sqlite"  # or "postgresql": where the SQL must differ (board_sql.MONTH_TOTALS_CHECK)
    # run first in a forget's transaction: PostgreSQL waits out answer writes in flight
    forget_first: tuple[str, ...] = ()
    # run first in every transaction that deletes answers or opens a season: the queued
    # answers are counted first, so that what it subtracts or starts anew sees all of them
    fold_first: tuple[str, ...] = ()
    _folder: Folder

    async def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        raise NotImplementedError

    async def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        raise NotImplementedError

    async def _execute(
        self, steps: Sequence[Step], then: Callable[[list[int]], Sequence[Step]] | None = None
    ) -> list[int]:
        """Run the statements in one transaction; how many rows each one touched.

        `then`, given the counts, names more statements for the same transaction.
        """
        raise NotImplementedError

    async def _execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """One statement for each of many rows, in one transaction."""
        raise NotImplementedError

    # -- games ---------------------------------------------------------------

    async def get_game(self, game_id: int) -> GameRow | None:
        row = await self._one(GAME_BY_ID, (game_id,))
        return game_row(row) if row else None

    async def running_game(self, channel_id: int) -> GameRow | None:
        row = await self._one(RUNNING_IN_CHANNEL, (channel_id,))
        return game_row(row) if row else None

    async def recent_facts(self, channel_id: int, limit: int = 500) -> dict[str, float]:
        rows = await self._all(_RECENT_FACTS, (channel_id, channel_id, limit))
        return {key: asked for key, asked in rows}

    async def record_question(
        self,
        game_id: int,
        number: int,
        bank_id: str,
        question_id: str,
        asked_at: float,
        fact: str | None = None,
    ) -> None:
        params = (game_id, number, bank_id, question_id, asked_at, fact)
        await self._execute([(_RECORD_QUESTION, params)])

    async def set_question_message(self, game_id: int, number: int, message_id: int) -> None:
        await self._execute([(_SET_QUESTION_MESSAGE, (message_id, game_id, number))])

    # -- boards --------------------------------------------------------------

    async def _board_all(self, sql: str, params: Sequence[Any]) -> list[Any]:
        """Board and stats reads (SQLite runs them on their own connection); a read of the
        totals calls `settle` once first, so it counts the answers committed before it."""
        return await self._all(sql, params)

    async def settle(self) -> None:
        await self._folder.settle()

    def _folding_first(self) -> list[Step]:
        return [(sql, ()) for sql in self.fold_first]

    async def _board_key(
        self,
        guild_id: int | None,
        period: Period,
        now: float,
        bank_id: str | None,
        bank_guild: int,
        season: str | None,
    ) -> tuple[board_sql.Key, list[Any]]:
        """board_key, with the named season (or the open one) looked up for a season board."""
        found = None
        if period is Period.SEASON and guild_id is not None:
            found = await self.season(guild_id, season)
        return board_key(guild_id, period, now, bank_id, bank_guild, found)

    async def leaderboard(
        self,
        guild_id: int | None,
        *,
        period: Period,
        now: float,
        bank_id: str | None = None,
        bank_guild: int = 0,
        limit: int = 10,
        offset: int = 0,
        season: str | None = None,
    ) -> list[BoardRow]:
        await self._folder.settle()  # the totals count every answer committed before
        key, params = await self._board_key(guild_id, period, now, bank_id, bank_guild, season)
        rows = await self._board_all(
            board_sql.LEADERBOARD[key], (*params, limit, offset, *_names(guild_id))
        )
        return [_board_row(offset + i + 1, r) for i, r in enumerate(rows)]

    async def board_size(
        self,
        guild_id: int | None,
        *,
        period: Period,
        now: float,
        bank_id: str | None = None,
        bank_guild: int = 0,
        season: str | None = None,
    ) -> int:
        await self._folder.settle()  # the totals count every answer committed before
        key, params = await self._board_key(guild_id, period, now, bank_id, bank_guild, season)
        return int((await self._board_all(board_sql.SIZE[key], params))[0][0])

    async def board_page(
        self,
        guild_id: int | None,
        *,
        viewer_id: int | None,
        period: Period,
        now: float,
        bank_id: str | None = None,
        bank_guild: int = 0,
        page: int = 0,
        per_page: int = 10,
        season: str | None = None,
    ) -> BoardPage:
        """A page (clamped to the last one), the board's size and the viewer's row on it.

        What the boards cog asked in three calls, each of which ran the board again.
        """
        await self._folder.settle()  # the totals count every answer committed before
        key, params = await self._board_key(guild_id, period, now, bank_id, bank_guild, season)
        names = _names(guild_id)
        size = int((await self._board_all(board_sql.SIZE[key], params))[0][0])
        page = min(max(page, 0), max((size - 1) // per_page, 0))
        offset = page * per_page
        rows = await self._board_all(
            board_sql.LEADERBOARD[key], (*params, per_page, offset, *names)
        )
        mine = []
        if viewer_id is not None:
            mine = await self._board_all(board_sql.MINE[key], (*params, viewer_id, *names))
        me = None
        if mine:
            ahead = await self._board_all(board_sql.AHEAD[key], (*params, mine[0][2]))
            me = _board_row(int(ahead[0][0]) + 1, mine[0])
        return BoardPage(
            [_board_row(offset + i + 1, r) for i, r in enumerate(rows)], size, me, page
        )

    async def player_stats(
        self, guild_id: int | None, player_id: int, *, period: Period, now: float
    ) -> PlayerStats | None:
        """All-time or this week's stats; month and season show on their boards only."""
        await self._folder.settle()  # the totals count every answer committed before
        if period not in (Period.ALL_TIME, Period.WEEK):
            raise ValueError(f"no {period} stats")
        if guild_id is None:
            found = await self._board_all(_PLAYER_TOTALS_GLOBAL, (player_id,))
        else:
            found = await self._board_all(_PLAYER_TOTALS, (player_id, guild_id))
        if not found or found[0][0] is None:
            return None
        points, correct, answered, games, wins, best = found[0]
        if period is Period.WEEK:
            if guild_id is None:
                week = await self._board_all(_PLAYER_WEEK_GLOBAL, (player_id, iso_week(now)))
            else:
                week = await self._board_all(_PLAYER_WEEK, (player_id, guild_id, iso_week(now)))
            points, correct, answered = (v or 0 for v in (week[0] if week else (0, 0, 0)))
        key, params = board_key(guild_id, period, now, None)
        ahead = await self._board_all(board_sql.AHEAD[key], (*params, points))
        if guild_id is None:
            name = await self._board_all(_PLAYER_NAME, (player_id,))
        else:
            name = await self._board_all(_MEMBER_NAME, (guild_id, player_id))
        return PlayerStats(
            player_id=player_id,
            name=name[0][0] if name and name[0][0] else f"Player {player_id}",
            points=points,
            correct=correct,
            answered=answered,
            games=games,
            wins=wins,
            best_streak=best,
            rank=int(ahead[0][0]) + 1,
        )

    # -- seasons --------------------------------------------------------------

    async def seasons(self, guild_id: int) -> list[SeasonRow]:
        """A server's seasons, the latest first."""
        return [SeasonRow(*r) for r in await self._all(_SEASONS, (guild_id,))]

    async def season(self, guild_id: int, name: str | None = None) -> SeasonRow | None:
        """The season of that name, or (None) the one open now."""
        if name is None:
            row = await self._one(_SEASON_OPEN, (guild_id,))
        else:
            row = await self._one(_SEASON_NAMED, (guild_id, name))
        return SeasonRow(*row) if row else None

    async def start_season(self, guild_id: int, name: str, actor_id: int, now: float) -> bool:
        """Close the open season (if any) and open `name`, in one transaction.

        True if a season was closed. Its totals stay: closing only stops answers counting there.
        """
        try:
            *_, closed, _ = await self._execute(
                [
                    *self._folding_first(),  # answers stored until now count in the old one
                    (_CLOSE_SEASON, (now, guild_id)),
                    (_OPEN_SEASON, (guild_id, name, now, actor_id)),
                ]
            )
        except self.unique_violation as exc:
            raise DuplicateSeason(name) from exc
        return closed > 0

    async def weekly_points(
        self, guild_id: int, player_id: int, weeks: Sequence[str]
    ) -> dict[str, int]:
        """Points per ISO week for the weeks asked (12 at most); a week without answers is
        absent."""
        await self._folder.settle()  # the totals count every answer committed before
        if not weeks or len(weeks) > WEEKS_AT_MOST:
            raise ValueError(f"ask for 1 to {WEEKS_AT_MOST} weeks, not {len(weeks)}")
        padded = [*weeks, *[weeks[0]] * (WEEKS_AT_MOST - len(weeks))]
        rows = await self._board_all(_WEEKLY_POINTS, (guild_id, player_id, *padded))
        return {str(week): int(points) for week, points in rows}

    async def recent_misses(self, guild_id: int, player_id: int, limit: int = 10) -> list[Miss]:
        """Distinct questions a member got wrong in a server, the latest miss first."""
        rows = await self._board_all(_MISSES, (guild_id, player_id, limit))
        return [Miss(r[0], r[1], float(r[2])) for r in rows]

    async def reset_leaderboard(self, guild_id: int, audit: AuditEntry | None = None) -> int:
        """Clear a server's boards and the answers they are summed from; the players cleared.

        `audit` is written in the same transaction (a reset is never left unaudited), its
        detail after the count: detail " players cleared" gives "12 players cleared".
        """
        audited: list[Step] = []
        if audit is not None:
            params = (audit.guild_id, audit.actor_id, audit.action, audit.detail, audit.at)
            audited.append((_AUDIT_RESET, (*params, guild_id)))
        counts = await self._execute(
            [
                *self._folding_first(),
                *audited,
                *((sql, (guild_id,)) for sql in _RESET),
                *((sql, ()) for sql in board_sql.PRUNE),
            ]
        )
        return counts[len(self.fold_first) + len(audited)]

    async def forget_member(self, guild_id: int, player_id: int) -> int:
        """Delete what one server holds about one member; returns answers removed.

        It holds for good: rounds running there now skip the member's later answers and
        leave them out of the games and wins counted at their end.
        """
        steps: list[Step] = [
            *((sql, ()) for sql in self.forget_first),
            *self._folding_first(),
            (_FORGET_IN_RUNNING[0], ()),
            (_FORGET_IN_RUNNING[1], (player_id, guild_id)),
            *((sql, (guild_id, player_id)) for sql in board_sql.UNCOUNT["member"]),
            *((sql, (guild_id, player_id)) for sql in _FORGET),
            (_FORGET_NAME, (player_id,) * 2),
            *((sql, ()) for sql in board_sql.PRUNE),
        ]
        counts = await self._execute(steps)
        return counts[[sql for sql, _ in steps].index(_FORGET_ANSWERS)]

    async def member_guilds(self, player_id: int) -> list[int]:
        """The servers holding answers, totals or reports of one member: a data request's scope."""
        rows = await self._all(_MEMBER_GUILDS, (player_id,) * 4)
        return [int(r[0]) for r in rows]

    # -- settings, custom questions, audit ------------------------------------

    async def guild_settings(self, guild_id: int) -> GuildSettingsRow:
        row = await self._one(_GUILD_SETTINGS, (guild_id,))
        if row is None:
            return GuildSettingsRow(guild_id)
        return GuildSettingsRow(guild_id, row[0], row[1], row[2], row[3], row[4], row[5])

    async def change_server(
        self, change: ServerChange, audits: Callable[[ServerChanged], Sequence[AuditEntry]]
    ) -> ServerChanged:
        """Settings, limits, round channels and the audit rows `audits` makes of what was
        found, in one transaction: a failure anywhere leaves all of them as they were."""
        g = change.guild_id
        steps = [_settings_step(g, change.settings, change.at)] if change.settings else []
        steps += [
            (_DROP_LIMIT, (g, name)) if value is None else (_SAVE_LIMIT, (g, name, value))
            for name, value in change.limits.items()
        ]
        channels: list[Step] = []
        if change.clear_channels:
            channels.append((_CLEAR_CHANNELS, (g,)))
        if change.add_channel is not None:
            channels.append((_ALLOW_CHANNEL, (g, change.add_channel)))
        if change.remove_channel is not None:
            channels.append((_DISALLOW_CHANNEL, (g, change.remove_channel)))
        first = len(steps)  # the channel statements' counts start here
        found = ServerChanged()

        def audited(counts: list[int]) -> list[Step]:
            nonlocal found
            moved = {sql: n for (sql, _), n in zip(channels, counts[first:], strict=True)}
            found = ServerChanged(
                cleared=moved.get(_CLEAR_CHANNELS, 0),
                added=moved.get(_ALLOW_CHANNEL) == 1,
                removed=moved.get(_DISALLOW_CHANNEL) == 1,
            )
            return [
                (_AUDIT, (e.guild_id, e.actor_id, e.action, e.detail, e.at)) for e in audits(found)
            ]

        if steps or channels:
            await self._execute([*steps, *channels], audited)
        return found

    async def round_channels(self, guild_id: int) -> frozenset[int]:
        return frozenset(int(r[0]) for r in await self._all(_ROUND_CHANNELS, (guild_id,)))

    async def custom_questions(
        self, guild_id: int, bank_id: str | None = None
    ) -> list[CustomQuestionRow]:
        if bank_id is None:
            rows = await self._all(_CUSTOM_ALL, (guild_id,))
        else:
            rows = await self._all(_CUSTOM_IN_BANK, (guild_id, bank_id))
        return [CustomQuestionRow(*r) for r in rows]

    async def add_custom_questions(self, rows: Sequence[CustomQuestionRow]) -> None:
        """All or nothing: one clashing id rolls back the whole batch."""
        try:
            await self._execute_many(
                _ADD_CUSTOM,
                [
                    (r.guild_id, r.bank_id, r.question_id, r.data, r.created_by, r.created_at)
                    for r in rows
                ],
            )
        except self.unique_violation as exc:
            raise DuplicateCustomQuestion(str(exc)) from exc

    async def remove_custom_question(self, guild_id: int, bank_id: str, question_id: str) -> bool:
        (removed,) = await self._execute([(_REMOVE_CUSTOM, (guild_id, bank_id, question_id))])
        return removed == 1

    async def audit(self, entry: AuditEntry) -> None:
        await self._execute(
            [(_AUDIT, (entry.guild_id, entry.actor_id, entry.action, entry.detail, entry.at))]
        )

    async def audit_log(self, guild_id: int, limit: int = 50) -> list[AuditEntry]:
        rows = await self._all(_AUDIT_LOG, (guild_id, limit))
        return [AuditEntry(*r) for r in rows]

    async def guild_limits(self, guild_id: int) -> dict[str, float]:
        rows = await self._all(_GUILD_LIMITS, (guild_id,))
        return {name: float(value) for name, value in rows}

    async def mark_guild_departed(self, guild_id: int, left_at: float | None) -> None:
        """The bot left a server at `left_at`, or (None) was invited back."""
        if left_at is None:
            await self._execute([(_BACK, (guild_id,))])
        else:
            await self._execute([(_DEPARTED, (guild_id, left_at))])

    async def departed_guilds(self, left_before: float) -> list[int]:
        """Servers the bot left before `left_before` and was not invited back to."""
        return [int(r[0]) for r in await self._all(_DEPARTED_BEFORE, (left_before,))]

    async def purge_guild(self, guild_id: int) -> None:
        """Delete everything stored for one server, in one transaction."""
        await self._execute(
            [
                *self._folding_first(),
                (_PURGE_NAMES, (guild_id, guild_id)),
                # out of the all-servers totals before its answers go
                *((sql, (guild_id,)) for sql in board_sql.UNCOUNT["guild"]),
                *((sql, (guild_id,)) for sql in _PURGE),
                *((sql, ()) for sql in board_sql.PRUNE),
            ]
        )

    # -- operations -----------------------------------------------------------

    async def _consistency_problems(self) -> list[str]:
        """Totals must equal the sum of answers counted, and every answer must have its game."""
        problems: list[str] = []
        for table, query in _CONSISTENCY.items():
            for r in await self._all(query):
                problems.append(
                    f"{table} for guild {r[0]} player {r[1]}: stored {r[2]} points/{r[3]} "
                    f"correct/{r[4]} answered, answers sum to {r[5] or 0}/{r[6] or 0}/"
                    f"{r[7] or 0}"
                )
        for table, query in board_sql.ALL_SERVER_TOTALS_CHECK.items():
            differ = await self._one(query)
            if differ[0]:
                problems.append(f"{table}: {differ[0]} rows are not the sums of the answers")
        differ = await self._one(board_sql.MONTH_TOTALS_CHECK[self.dialect])
        if differ[0]:
            problems.append(
                f"player_month_totals: {differ[0]} rows are not the sums of the answers"
            )
        differ = await self._one(board_sql.GLOBAL_MONTH_TOTALS_CHECK)
        if differ[0]:
            problems.append(
                f"global_month_totals: {differ[0]} rows are not the sums of the servers' "
                "month totals"
            )
        differ = await self._one(board_sql.SEASON_TOTALS_CHECK)
        if differ[0]:
            problems.append(
                f"player_season_totals: {differ[0]} players' season totals do not match "
                "their answers"
            )
        orphans = await self._one(_ORPHAN_ANSWERS)
        if orphans[0]:
            problems.append(f"{orphans[0]} answers belong to no game")
        missing = await self._one(_ANSWERS_WITHOUT_TOTALS)
        if missing[0]:
            problems.append(f"{missing[0]} players have answers but no totals")
        return problems
