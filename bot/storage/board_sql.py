"""Leaderboard SQL, composed once at import from literals; only bound parameters vary.

Written so that SQLite and PostgreSQL both run it: aggregates repeated in HAVING rather than
named by alias, and every subquery in FROM named.
"""

from __future__ import annotations

from bot.storage.records import Period

# Each source yields (player_id, points, correct, answered) rows for one board.
# Parameters, in order: guild_id (guild scope), bank_id (per bank), week (this week).
_SOURCES: dict[tuple[bool, Period, bool], str] = {
    (True, Period.ALL_TIME, False): (
        "SELECT player_id, points, correct, answered FROM player_totals "
        "WHERE guild_id = ? AND answered > 0"
    ),
    (False, Period.ALL_TIME, False): (
        "SELECT player_id, SUM(points) AS points, SUM(correct) AS correct, "
        "SUM(answered) AS answered FROM player_totals GROUP BY player_id HAVING SUM(answered) > 0"
    ),
    (True, Period.WEEK, False): (
        "SELECT player_id, points, correct, answered FROM player_week_totals "
        "WHERE guild_id = ? AND week = ? AND answered > 0"
    ),
    (False, Period.WEEK, False): (
        "SELECT player_id, SUM(points) AS points, SUM(correct) AS correct, "
        "SUM(answered) AS answered FROM player_week_totals WHERE week = ? "
        "GROUP BY player_id HAVING SUM(answered) > 0"
    ),
    (True, Period.ALL_TIME, True): (
        "SELECT player_id, SUM(points) AS points, SUM(correct) AS correct, "
        "COUNT(*) AS answered FROM answers WHERE guild_id = ? AND bank_id = ? "
        "GROUP BY player_id"
    ),
    (False, Period.ALL_TIME, True): (
        "SELECT player_id, SUM(points) AS points, SUM(correct) AS correct, "
        "COUNT(*) AS answered FROM answers WHERE bank_id = ? GROUP BY player_id"
    ),
    (True, Period.WEEK, True): (
        "SELECT player_id, SUM(points) AS points, SUM(correct) AS correct, "
        "COUNT(*) AS answered FROM answers WHERE guild_id = ? AND bank_id = ? AND week = ? "
        "GROUP BY player_id"
    ),
    (False, Period.WEEK, True): (
        "SELECT player_id, SUM(points) AS points, SUM(correct) AS correct, "
        "COUNT(*) AS answered FROM answers WHERE bank_id = ? AND week = ? GROUP BY player_id"
    ),
}

LEADERBOARD = {
    key: "WITH board AS (" + source + ") "
    "SELECT b.player_id, COALESCE(p.name, 'Player ' || b.player_id), b.points, b.correct, "
    "b.answered FROM board b LEFT JOIN players p ON p.id = b.player_id "
    "ORDER BY b.points DESC, b.correct DESC, b.player_id LIMIT ? OFFSET ?"
    for key, source in _SOURCES.items()
}
SIZE = {key: "SELECT COUNT(*) FROM (" + source + ") AS s" for key, source in _SOURCES.items()}
AHEAD = {
    key: "SELECT COUNT(*) FROM (" + source + ") AS s WHERE points > ?"
    for key, source in _SOURCES.items()
}
