"""Leaderboard SQL, composed once at import from literals; only bound parameters vary.

Written so that SQLite and PostgreSQL both run it: no aggregate named by alias in HAVING, and
every subquery in FROM named. All-servers boards read precomputed totals (migration 0005, folded
in after the answers' commit since 0013): summing every server's rows took seconds a page at
2M answers.
"""

from __future__ import annotations

from bot.storage.records import Period

Key = tuple[bool, Period, bool]  # (one server?, period, one bank?)

# Each source yields (player_id, points, correct, answered) rows for one board.
# Parameters, in order: guild_id (one server), bank_guild and bank_id (all servers, one
# bank), bank_id (one server, one bank), week (this week), month or season name (no bank) or
# the span's start and end (one bank).
_SOURCES: dict[Key, str] = {
    (True, Period.ALL_TIME, False): (
        "SELECT player_id, points, correct, answered FROM player_totals "
        "WHERE guild_id = ? AND answered > 0"
    ),
    (True, Period.WEEK, False): (
        "SELECT player_id, points, correct, answered FROM player_week_totals "
        "WHERE guild_id = ? AND week = ? AND answered > 0"
    ),
    # a server's custom bank never shares an id with a shipped one: guild and id name it
    (True, Period.ALL_TIME, True): (
        "SELECT player_id, SUM(points) AS points, SUM(correct) AS correct, "
        "COUNT(*) AS answered FROM answers WHERE guild_id = ? AND bank_id = ? "
        "GROUP BY player_id"
    ),
    (True, Period.WEEK, True): (
        "SELECT player_id, SUM(points) AS points, SUM(correct) AS correct, "
        "COUNT(*) AS answered FROM answers WHERE guild_id = ? AND bank_id = ? AND week = ? "
        "GROUP BY player_id"
    ),
    # month and season boards are one server's: totals kept by month and by season (0010);
    # with a bank, the answers in the month's or season's time span, as a bank's week board does
    (True, Period.MONTH, False): (
        "SELECT player_id, points, correct, answered FROM player_month_totals "
        "WHERE guild_id = ? AND month = ?"
    ),
    (True, Period.SEASON, False): (
        "SELECT player_id, points, correct, answered FROM player_season_totals "
        "WHERE guild_id = ? AND season = ?"
    ),
    **{
        (True, period, True): (
            "SELECT player_id, SUM(points) AS points, SUM(correct) AS correct, "
            "COUNT(*) AS answered FROM answers WHERE guild_id = ? AND bank_id = ? "
            "AND answered_at >= ? AND answered_at < ? GROUP BY player_id"
        )
        for period in (Period.MONTH, Period.SEASON)
    },
    (False, Period.ALL_TIME, False): (
        "SELECT player_id, points, correct, answered FROM global_totals"
    ),
    (False, Period.WEEK, False): (
        "SELECT player_id, points, correct, answered FROM global_week_totals WHERE week = ?"
    ),
    # kept from every server's month totals by their own triggers (migration 0012); there is
    # no all-servers month board for one bank, nor an all-servers season (seasons are a
    # server's)
    (False, Period.MONTH, False): (
        "SELECT player_id, points, correct, answered FROM global_month_totals WHERE month = ?"
    ),
    (False, Period.ALL_TIME, True): (
        "SELECT player_id, points, correct, answered FROM bank_totals "
        "WHERE bank_guild = ? AND bank_id = ?"
    ),
    (False, Period.WEEK, True): (
        "SELECT player_id, points, correct, answered FROM bank_week_totals "
        "WHERE bank_guild = ? AND bank_id = ? AND week = ?"
    ),
}

# A server's boards show the name that server knows a player by (one more parameter: the
# guild id again); all-servers boards the global name. Joined to a page's rows only.
_NAMED = {
    True: (
        "SELECT b.player_id, COALESCE(m.name, p.name, 'Player ' || b.player_id), b.points, "
        "b.correct, b.answered FROM page b "
        "LEFT JOIN members m ON m.guild_id = ? AND m.player_id = b.player_id "
        "LEFT JOIN players p ON p.id = b.player_id"
    ),
    False: (
        "SELECT b.player_id, COALESCE(p.name, 'Player ' || b.player_id), b.points, b.correct, "
        "b.answered FROM page b LEFT JOIN players p ON p.id = b.player_id"
    ),
}

# + limit, offset (and the guild id for names)
LEADERBOARD = {
    key: "WITH page AS (SELECT * FROM (" + source + ") AS s "
    "ORDER BY points DESC, correct DESC, player_id LIMIT ? OFFSET ?) "
    + _NAMED[key[0]]
    + " ORDER BY b.points DESC, b.correct DESC, b.player_id"
    for key, source in _SOURCES.items()
}
SIZE = {key: "SELECT COUNT(*) FROM (" + source + ") AS s" for key, source in _SOURCES.items()}
# + points
AHEAD = {
    key: "SELECT COUNT(*) FROM (" + source + ") AS s WHERE points > ?"
    for key, source in _SOURCES.items()
}
# + player_id (and the guild id for names): one player's row on a board, named
MINE = {
    key: "WITH page AS (SELECT * FROM (" + source + ") AS s WHERE player_id = ?) " + _NAMED[key[0]]
    for key, source in _SOURCES.items()
}

# `db check`: every all-servers total compared, both ways, with what the answers sum to.
# The answers compared are those already counted: answers queued for the fold (migration 0013)
# are not in the totals yet.
_SUMS = "SELECT {keys}, SUM(points), SUM(correct), COUNT(*) FROM counted_answers GROUP BY {keys}"
_KEPT = "SELECT {keys}, points, correct, answered FROM {table}"
ALL_SERVER_TOTALS = {
    "global_totals": "player_id",
    "global_week_totals": "week, player_id",
    "bank_totals": "bank_guild, bank_id, player_id",
    "bank_week_totals": "bank_guild, bank_id, week, player_id",
}
ALL_SERVER_TOTALS_CHECK = {
    table: (
        "SELECT COUNT(*) FROM (SELECT * FROM (" + _SUMS + " EXCEPT " + _KEPT + ") AS x "
        "UNION ALL SELECT * FROM (" + _KEPT + " EXCEPT " + _SUMS + ") AS y) AS z"
    ).format(keys=keys, table=table)
    for table, keys in ALL_SERVER_TOTALS.items()
}
# Answers about to be deleted (a server's, or one member's there) taken out of every all-servers
# total first: a server reset or a member forgotten must leave the other servers' boards right.
# Only answers counted already: a queued one is not in the totals (its queue row folds to nothing).
_UNCOUNT = (
    "UPDATE {table} SET points = {table}.points - s.points, "
    "correct = {table}.correct - s.correct, answered = {table}.answered - s.answered "
    "FROM (SELECT {keys}, SUM(points) AS points, SUM(correct) AS correct, COUNT(*) AS answered "
    "FROM counted_answers WHERE {where} GROUP BY {keys}) AS s WHERE {match}"
)


# PRUNE then deletes rows left at 0 answers (no parameters), so that a board reads its rank
# index alone, with no `answered > 0` to check row by row: counting a low rank that way took
# 40-60 ms at 2M answers (bench B4). Migration 0005's comment predates this.
UNCOUNT = {
    scope: [
        _UNCOUNT.format(
            table=table,
            keys=keys,
            where=where,
            match=" AND ".join(table + "." + k + " = s." + k for k in keys.split(", ")),
        )
        for table, keys in ALL_SERVER_TOTALS.items()
    ]
    for scope, where in (("guild", "guild_id = ?"), ("member", "guild_id = ? AND player_id = ?"))
}
PRUNE = tuple("DELETE FROM " + table + " WHERE answered <= 0" for table in ALL_SERVER_TOTALS)

# `db check`: month totals against the answers they count. A month is written per dialect.
_MONTH_OF = {
    "sqlite": "strftime('%Y-%m', answered_at, 'unixepoch')",
    "postgresql": "to_char(to_timestamp(answered_at) AT TIME ZONE 'UTC', 'YYYY-MM')",
}
_MONTH_SUMS = (
    "SELECT guild_id, {month} AS month, player_id, SUM(points), SUM(correct), COUNT(*) "
    "FROM counted_answers GROUP BY 1, 2, 3"
)
_MONTH_KEPT = (
    "SELECT guild_id, month, player_id, points, correct, answered FROM player_month_totals"
)
MONTH_TOTALS_CHECK = {
    dialect: (
        "SELECT COUNT(*) FROM (SELECT * FROM (" + _MONTH_SUMS + " EXCEPT " + _MONTH_KEPT + ") AS x "
        "UNION ALL SELECT * FROM (" + _MONTH_KEPT + " EXCEPT " + _MONTH_SUMS + ") AS y) AS z"
    ).format(month=month)
    for dialect, month in _MONTH_OF.items()
}

# `db check`: season totals. An answer counts in the season open in its server when it is
# stored, a time no row keeps, so a season's own sum cannot be recomputed; what must hold,
# per server and player, is that the seasons together count no more than all their answers
# and at least those answered since the server's first season began (stored after it, so
# counted in one), and that every season total names a season of its server.
_SEASON_KEPT = (
    "SELECT guild_id, player_id, SUM(points) AS points, SUM(correct) AS correct, "
    "SUM(answered) AS answered FROM player_season_totals GROUP BY guild_id, player_id"
)
_SEASON_SUMS = (
    "SELECT a.guild_id, a.player_id, SUM(a.points) AS points, SUM(a.correct) AS correct, "
    "COUNT(*) AS answered, "
    "SUM(CASE WHEN a.answered_at >= f.started_at THEN a.points ELSE 0 END) AS since_points, "
    "SUM(CASE WHEN a.answered_at >= f.started_at THEN a.correct ELSE 0 END) AS since_correct, "
    "SUM(CASE WHEN a.answered_at >= f.started_at THEN 1 ELSE 0 END) AS since_answered "
    "FROM counted_answers a JOIN (SELECT guild_id, MIN(started_at) AS started_at FROM seasons "
    "GROUP BY guild_id) AS f ON f.guild_id = a.guild_id GROUP BY a.guild_id, a.player_id"
)
SEASON_TOTALS_CHECK = (
    "SELECT (SELECT COUNT(*) FROM (" + _SEASON_SUMS + ") AS a LEFT JOIN (" + _SEASON_KEPT + ") "
    "AS k ON k.guild_id = a.guild_id AND k.player_id = a.player_id "
    "WHERE COALESCE(k.answered, 0) NOT BETWEEN a.since_answered AND a.answered "
    "OR COALESCE(k.points, 0) NOT BETWEEN a.since_points AND a.points "
    "OR COALESCE(k.correct, 0) NOT BETWEEN a.since_correct AND a.correct)"
    " + (SELECT COUNT(*) FROM (" + _SEASON_KEPT + ") AS k LEFT JOIN (" + _SEASON_SUMS + ") "
    "AS a ON a.guild_id = k.guild_id AND a.player_id = k.player_id WHERE a.player_id IS NULL)"
    " + (SELECT COUNT(*) FROM player_season_totals t LEFT JOIN seasons s "
    "ON s.guild_id = t.guild_id AND s.name = t.season WHERE s.name IS NULL)"
)

# `db check`: the all-servers month totals against every server's month totals (themselves
# checked against the answers), both ways.
_GLOBAL_MONTH_SUMS = (
    "SELECT month, player_id, SUM(points), SUM(correct), SUM(answered) "
    "FROM player_month_totals GROUP BY month, player_id"
)
_GLOBAL_MONTH_KEPT = "SELECT month, player_id, points, correct, answered FROM global_month_totals"
GLOBAL_MONTH_TOTALS_CHECK = (
    "SELECT COUNT(*) FROM (SELECT * FROM ("
    + _GLOBAL_MONTH_SUMS
    + " EXCEPT "
    + _GLOBAL_MONTH_KEPT
    + ") AS x UNION ALL SELECT * FROM ("
    + _GLOBAL_MONTH_KEPT
    + " EXCEPT "
    + _GLOBAL_MONTH_SUMS
    + ") AS y) AS z"
)
