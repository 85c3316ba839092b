-- Names belong to their server; all-servers boards read totals kept with the answers: the
-- twin of sqlite/0005. The repository's answer statement upserts these totals in the same
-- statement as the answers (no triggers, as in 0001).
--
-- players.name is now the global name (shown on all-servers boards); members.name is the
-- name a server knows a player by.

CREATE TABLE members (
    guild_id   BIGINT           NOT NULL,
    player_id  BIGINT           NOT NULL,
    name       TEXT             NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (guild_id, player_id)
);

-- The server whose custom bank an answer was drawn from; 0 for a shipped bank.
ALTER TABLE answers ADD COLUMN bank_guild BIGINT NOT NULL DEFAULT 0;
UPDATE answers SET bank_guild = guild_id WHERE EXISTS (
    SELECT 1 FROM custom_questions c
    WHERE c.guild_id = answers.guild_id AND c.bank_id = answers.bank_id
);

CREATE TABLE global_totals (
    player_id BIGINT  PRIMARY KEY,
    points    INTEGER NOT NULL,
    correct   INTEGER NOT NULL,
    answered  INTEGER NOT NULL
);
CREATE INDEX global_totals_rank ON global_totals (points DESC, correct DESC, player_id);

CREATE TABLE global_week_totals (
    week      TEXT    NOT NULL,
    player_id BIGINT  NOT NULL,
    points    INTEGER NOT NULL,
    correct   INTEGER NOT NULL,
    answered  INTEGER NOT NULL,
    PRIMARY KEY (week, player_id)
);
CREATE INDEX global_week_totals_rank
    ON global_week_totals (week, points DESC, correct DESC, player_id);

CREATE TABLE bank_totals (
    bank_guild BIGINT  NOT NULL,
    bank_id    TEXT    NOT NULL,
    player_id  BIGINT  NOT NULL,
    points     INTEGER NOT NULL,
    correct    INTEGER NOT NULL,
    answered   INTEGER NOT NULL,
    PRIMARY KEY (bank_guild, bank_id, player_id)
);
CREATE INDEX bank_totals_rank
    ON bank_totals (bank_guild, bank_id, points DESC, correct DESC, player_id);

CREATE TABLE bank_week_totals (
    bank_guild BIGINT  NOT NULL,
    bank_id    TEXT    NOT NULL,
    week       TEXT    NOT NULL,
    player_id  BIGINT  NOT NULL,
    points     INTEGER NOT NULL,
    correct    INTEGER NOT NULL,
    answered   INTEGER NOT NULL,
    PRIMARY KEY (bank_guild, bank_id, week, player_id)
);
CREATE INDEX bank_week_totals_rank
    ON bank_week_totals (bank_guild, bank_id, week, points DESC, correct DESC, player_id);

INSERT INTO global_totals (player_id, points, correct, answered)
SELECT player_id, SUM(points), SUM(correct), COUNT(*) FROM answers GROUP BY player_id;
INSERT INTO global_week_totals (week, player_id, points, correct, answered)
SELECT week, player_id, SUM(points), SUM(correct), COUNT(*) FROM answers
GROUP BY week, player_id;
INSERT INTO bank_totals (bank_guild, bank_id, player_id, points, correct, answered)
SELECT bank_guild, bank_id, player_id, SUM(points), SUM(correct), COUNT(*) FROM answers
GROUP BY bank_guild, bank_id, player_id;
INSERT INTO bank_week_totals (bank_guild, bank_id, week, player_id, points, correct, answered)
SELECT bank_guild, bank_id, week, player_id, SUM(points), SUM(correct), COUNT(*) FROM answers
GROUP BY bank_guild, bank_id, week, player_id;
