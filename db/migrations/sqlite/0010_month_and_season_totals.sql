-- Month and season boards read totals kept like the week's: by trigger, in the answers' own
-- transaction. Summing a month of answers per page would take seconds at 2M answers (bench B4).
--
-- A season is a server's named stretch of time: an admin starts one, which closes the one
-- before (its totals stay, its board stays readable). An answer counts in the season open in
-- its server when it is stored; before a server's first season it counts in none.

CREATE TABLE player_month_totals (
    guild_id  INTEGER NOT NULL,
    month     TEXT    NOT NULL,  -- 'YYYY-MM', UTC
    player_id INTEGER NOT NULL,
    points    INTEGER NOT NULL,
    correct   INTEGER NOT NULL,
    answered  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, month, player_id)
) WITHOUT ROWID;
CREATE INDEX player_month_totals_rank
    ON player_month_totals (guild_id, month, points DESC, correct DESC, player_id);

CREATE TABLE seasons (
    guild_id   INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    started_at REAL    NOT NULL,
    ended_at   REAL,
    started_by INTEGER NOT NULL,
    PRIMARY KEY (guild_id, name)
) WITHOUT ROWID;
-- One open season per server, enforced by the database itself.
CREATE UNIQUE INDEX seasons_one_open_per_guild ON seasons (guild_id) WHERE ended_at IS NULL;

CREATE TABLE player_season_totals (
    guild_id  INTEGER NOT NULL,
    season    TEXT    NOT NULL,
    player_id INTEGER NOT NULL,
    points    INTEGER NOT NULL,
    correct   INTEGER NOT NULL,
    answered  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, season, player_id)
) WITHOUT ROWID;
CREATE INDEX player_season_totals_rank
    ON player_season_totals (guild_id, season, points DESC, correct DESC, player_id);

INSERT INTO player_month_totals (guild_id, month, player_id, points, correct, answered)
SELECT guild_id, strftime('%Y-%m', answered_at, 'unixepoch'), player_id, SUM(points),
    SUM(correct), COUNT(*)
FROM answers GROUP BY 1, 2, 3;

CREATE TRIGGER answers_count_in_month_and_season AFTER INSERT ON answers
BEGIN
    INSERT INTO player_month_totals (guild_id, month, player_id, points, correct, answered)
    VALUES (NEW.guild_id, strftime('%Y-%m', NEW.answered_at, 'unixepoch'), NEW.player_id,
        NEW.points, NEW.correct, 1)
    ON CONFLICT (guild_id, month, player_id) DO UPDATE SET
        points = points + excluded.points,
        correct = correct + excluded.correct,
        answered = answered + 1;
    INSERT INTO player_season_totals (guild_id, season, player_id, points, correct, answered)
    SELECT NEW.guild_id, s.name, NEW.player_id, NEW.points, NEW.correct, 1
    FROM seasons s WHERE s.guild_id = NEW.guild_id AND s.ended_at IS NULL
    ON CONFLICT (guild_id, season, player_id) DO UPDATE SET
        points = points + excluded.points,
        correct = correct + excluded.correct,
        answered = answered + 1;
END;

PRAGMA user_version = 10;
