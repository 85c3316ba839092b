-- Per-server overrides of the abuse limits (cooldowns in seconds, the round cap as a count);
-- a server without a row here uses the bot's defaults.
CREATE TABLE guild_limits (
    guild_id INTEGER NOT NULL,
    name     TEXT    NOT NULL,
    value    REAL    NOT NULL,
    PRIMARY KEY (guild_id, name)
) WITHOUT ROWID;

-- Servers that removed the bot: their data is purged once the grace period has passed,
-- and the row goes if the bot is invited back first.
CREATE TABLE departed_guilds (
    guild_id INTEGER PRIMARY KEY,
    left_at  REAL    NOT NULL
);

PRAGMA user_version = 3;
