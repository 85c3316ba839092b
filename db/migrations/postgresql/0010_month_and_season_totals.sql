-- Month and season totals and servers' seasons: the twin of sqlite/0010. The repository's
-- answer statement upserts these totals in the same statement as the answers (no triggers).

CREATE TABLE player_month_totals (
    guild_id  BIGINT  NOT NULL,
    month     TEXT    NOT NULL,  -- 'YYYY-MM', UTC
    player_id BIGINT  NOT NULL,
    points    INTEGER NOT NULL,
    correct   INTEGER NOT NULL,
    answered  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, month, player_id)
);
CREATE INDEX player_month_totals_rank
    ON player_month_totals (guild_id, month, points DESC, correct DESC, player_id);

CREATE TABLE seasons (
    guild_id   BIGINT           NOT NULL,
    name       TEXT             NOT NULL,
    started_at DOUBLE PRECISION NOT NULL,
    ended_at   DOUBLE PRECISION,
    started_by BIGINT           NOT NULL,
    PRIMARY KEY (guild_id, name)
);
CREATE UNIQUE INDEX seasons_one_open_per_guild ON seasons (guild_id) WHERE ended_at IS NULL;

CREATE TABLE player_season_totals (
    guild_id  BIGINT  NOT NULL,
    season    TEXT    NOT NULL,
    player_id BIGINT  NOT NULL,
    points    INTEGER NOT NULL,
    correct   INTEGER NOT NULL,
    answered  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, season, player_id)
);
CREATE INDEX player_season_totals_rank
    ON player_season_totals (guild_id, season, points DESC, correct DESC, player_id);

INSERT INTO player_month_totals (guild_id, month, player_id, points, correct, answered)
SELECT guild_id, to_char(to_timestamp(answered_at) AT TIME ZONE 'UTC', 'YYYY-MM'), player_id,
    SUM(points), SUM(correct), COUNT(*)
FROM answers GROUP BY 1, 2, 3;
