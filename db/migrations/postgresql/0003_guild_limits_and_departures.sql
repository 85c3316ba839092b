-- The twin of sqlite/0003_guild_limits_and_departures.sql: per-server overrides of the abuse
-- limits, and servers that removed the bot (purged after the grace period).

CREATE TABLE guild_limits (
    guild_id BIGINT           NOT NULL,
    name     TEXT             NOT NULL,
    value    DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (guild_id, name)
);

CREATE TABLE departed_guilds (
    guild_id BIGINT PRIMARY KEY,
    left_at  DOUBLE PRECISION NOT NULL
);
