-- Names belong to their server; all-servers boards read totals kept by triggers.
--
-- players.name is now the global name (shown on all-servers boards); members.name is the
-- name a server knows a player by. Names stored before this migration were whatever
-- server the player last answered in: they stay as the global name until the next answer.

CREATE TABLE members (
    guild_id   INTEGER NOT NULL,
    player_id  INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    updated_at REAL    NOT NULL,
    PRIMARY KEY (guild_id, player_id)
) WITHOUT ROWID;

-- The server whose custom bank an answer was drawn from; 0 for a shipped bank. Two
-- servers' custom banks may share an id, so (bank_guild, bank_id) names a bank.
ALTER TABLE answers ADD COLUMN bank_guild INTEGER NOT NULL DEFAULT 0;
UPDATE answers SET bank_guild = guild_id WHERE EXISTS (
    SELECT 1 FROM custom_questions c
    WHERE c.guild_id = answers.guild_id AND c.bank_id = answers.bank_id
);

-- Every server's answers summed per player: all time, per ISO week, per bank, per bank and
-- week. A server reset or a member forgotten subtracts their answers first (portable.py), and
-- a row left at 0 answered is kept but never shown.
CREATE TABLE global_totals (
    player_id INTEGER PRIMARY KEY,
    points    INTEGER NOT NULL,
    correct   INTEGER NOT NULL,
    answered  INTEGER NOT NULL
);
CREATE INDEX global_totals_rank ON global_totals (points DESC, correct DESC, player_id);

CREATE TABLE global_week_totals (
    week      TEXT    NOT NULL,
    player_id INTEGER NOT NULL,
    points    INTEGER NOT NULL,
    correct   INTEGER NOT NULL,
    answered  INTEGER NOT NULL,
    PRIMARY KEY (week, player_id)
) WITHOUT ROWID;
CREATE INDEX global_week_totals_rank
    ON global_week_totals (week, points DESC, correct DESC, player_id);

CREATE TABLE bank_totals (
    bank_guild INTEGER NOT NULL,
    bank_id    TEXT    NOT NULL,
    player_id  INTEGER NOT NULL,
    points     INTEGER NOT NULL,
    correct    INTEGER NOT NULL,
    answered   INTEGER NOT NULL,
    PRIMARY KEY (bank_guild, bank_id, player_id)
) WITHOUT ROWID;
CREATE INDEX bank_totals_rank
    ON bank_totals (bank_guild, bank_id, points DESC, correct DESC, player_id);

CREATE TABLE bank_week_totals (
    bank_guild INTEGER NOT NULL,
    bank_id    TEXT    NOT NULL,
    week       TEXT    NOT NULL,
    player_id  INTEGER NOT NULL,
    points     INTEGER NOT NULL,
    correct    INTEGER NOT NULL,
    answered   INTEGER NOT NULL,
    PRIMARY KEY (bank_guild, bank_id, week, player_id)
) WITHOUT ROWID;
CREATE INDEX bank_week_totals_rank
    ON bank_week_totals (bank_guild, bank_id, week, points DESC, correct DESC, player_id);

-- A player's totals over every server, for their all-servers stats.
CREATE INDEX player_totals_by_player ON player_totals (player_id);

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

-- Counted in the same transaction as the answer, by upsert: never read, added to, written.
CREATE TRIGGER answers_count_in_all_servers AFTER INSERT ON answers
BEGIN
    INSERT INTO global_totals (player_id, points, correct, answered)
    VALUES (NEW.player_id, NEW.points, NEW.correct, 1)
    ON CONFLICT (player_id) DO UPDATE SET
        points = points + excluded.points,
        correct = correct + excluded.correct,
        answered = answered + 1;
    INSERT INTO global_week_totals (week, player_id, points, correct, answered)
    VALUES (NEW.week, NEW.player_id, NEW.points, NEW.correct, 1)
    ON CONFLICT (week, player_id) DO UPDATE SET
        points = points + excluded.points,
        correct = correct + excluded.correct,
        answered = answered + 1;
    INSERT INTO bank_totals (bank_guild, bank_id, player_id, points, correct, answered)
    VALUES (NEW.bank_guild, NEW.bank_id, NEW.player_id, NEW.points, NEW.correct, 1)
    ON CONFLICT (bank_guild, bank_id, player_id) DO UPDATE SET
        points = points + excluded.points,
        correct = correct + excluded.correct,
        answered = answered + 1;
    INSERT INTO bank_week_totals (bank_guild, bank_id, week, player_id, points, correct,
        answered)
    VALUES (NEW.bank_guild, NEW.bank_id, NEW.week, NEW.player_id, NEW.points, NEW.correct, 1)
    ON CONFLICT (bank_guild, bank_id, week, player_id) DO UPDATE SET
        points = points + excluded.points,
        correct = correct + excluded.correct,
        answered = answered + 1;
END;

PRAGMA user_version = 5;
