-- Games, every answer, maintained totals, settings, custom questions and the audit log.
-- Totals are kept by upserts in the same transaction as the answers they count.

CREATE TABLE games (
    id             INTEGER PRIMARY KEY,
    guild_id       INTEGER NOT NULL,
    channel_id     INTEGER NOT NULL,
    banks          TEXT    NOT NULL,
    mode           TEXT    NOT NULL CHECK (mode IN ('buttons', 'typed')),
    starter_id     INTEGER NOT NULL,
    question_count INTEGER NOT NULL,
    seconds        REAL    NOT NULL,
    started_at     REAL    NOT NULL,
    ended_at       REAL,
    status         TEXT    NOT NULL DEFAULT 'running'
                   CHECK (status IN ('running', 'finished', 'stopped', 'abandoned'))
);
-- One running round per channel, enforced by the database itself.
CREATE UNIQUE INDEX games_one_running_per_channel ON games (channel_id) WHERE status = 'running';
CREATE INDEX games_by_guild ON games (guild_id, started_at);

CREATE TABLE game_questions (
    game_id     INTEGER NOT NULL REFERENCES games (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    bank_id     TEXT    NOT NULL,
    question_id TEXT    NOT NULL,
    asked_at    REAL    NOT NULL,
    message_id  INTEGER,
    PRIMARY KEY (game_id, number)
) WITHOUT ROWID;

CREATE TABLE players (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    updated_at REAL NOT NULL
);

CREATE TABLE answers (
    game_id     INTEGER NOT NULL REFERENCES games (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    player_id   INTEGER NOT NULL,
    guild_id    INTEGER NOT NULL,
    bank_id     TEXT    NOT NULL,
    question_id TEXT    NOT NULL,
    correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
    points      INTEGER NOT NULL,
    response_ms INTEGER NOT NULL,
    answered_at REAL    NOT NULL,
    week        TEXT    NOT NULL,
    PRIMARY KEY (game_id, number, player_id)
) WITHOUT ROWID;
CREATE INDEX answers_by_guild_bank ON answers (guild_id, bank_id, player_id, points, correct);
CREATE INDEX answers_by_player ON answers (guild_id, player_id);

CREATE TABLE player_totals (
    guild_id    INTEGER NOT NULL,
    player_id   INTEGER NOT NULL,
    points      INTEGER NOT NULL DEFAULT 0,
    correct     INTEGER NOT NULL DEFAULT 0,
    answered    INTEGER NOT NULL DEFAULT 0,
    games       INTEGER NOT NULL DEFAULT 0,
    wins        INTEGER NOT NULL DEFAULT 0,
    best_streak INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, player_id)
) WITHOUT ROWID;
CREATE INDEX player_totals_rank ON player_totals (guild_id, points DESC, correct DESC, player_id);

CREATE TABLE player_week_totals (
    guild_id  INTEGER NOT NULL,
    week      TEXT    NOT NULL,
    player_id INTEGER NOT NULL,
    points    INTEGER NOT NULL DEFAULT 0,
    correct   INTEGER NOT NULL DEFAULT 0,
    answered  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, week, player_id)
) WITHOUT ROWID;
CREATE INDEX player_week_totals_rank
    ON player_week_totals (guild_id, week, points DESC, correct DESC, player_id);

-- Every stored answer adds itself to both boards in the same transaction; an answer
-- ignored as a duplicate (same game, question and player) fires nothing.
CREATE TRIGGER answers_count_in_totals AFTER INSERT ON answers
BEGIN
    INSERT INTO player_totals (guild_id, player_id, points, correct, answered)
    VALUES (NEW.guild_id, NEW.player_id, NEW.points, NEW.correct, 1)
    ON CONFLICT (guild_id, player_id) DO UPDATE SET
        points = points + excluded.points,
        correct = correct + excluded.correct,
        answered = answered + 1;
    INSERT INTO player_week_totals (guild_id, week, player_id, points, correct, answered)
    VALUES (NEW.guild_id, NEW.week, NEW.player_id, NEW.points, NEW.correct, 1)
    ON CONFLICT (guild_id, week, player_id) DO UPDATE SET
        points = points + excluded.points,
        correct = correct + excluded.correct,
        answered = answered + 1;
END;

CREATE TABLE guild_settings (
    guild_id        INTEGER PRIMARY KEY,
    questions       INTEGER,
    seconds         REAL,
    mode            TEXT CHECK (mode IS NULL OR mode IN ('buttons', 'typed')),
    manager_role_id INTEGER,
    updated_at      REAL NOT NULL
);

CREATE TABLE custom_questions (
    guild_id    INTEGER NOT NULL,
    bank_id     TEXT    NOT NULL,
    question_id TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    created_by  INTEGER NOT NULL,
    created_at  REAL    NOT NULL,
    PRIMARY KEY (guild_id, bank_id, question_id)
) WITHOUT ROWID;

CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    actor_id INTEGER NOT NULL,
    action   TEXT    NOT NULL,
    detail   TEXT    NOT NULL DEFAULT '',
    at       REAL    NOT NULL
);
CREATE INDEX audit_log_by_guild ON audit_log (guild_id, at);

PRAGMA user_version = 1;
