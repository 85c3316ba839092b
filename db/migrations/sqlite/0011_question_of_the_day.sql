-- The question of the day: each server's schedule, the questions posted (one per server and
-- day, enforced here, so two processes can never both post a day), the answers, and each
-- player's streak of days answered right.

CREATE TABLE daily_schedules (
    guild_id   INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL,
    minute     INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 1439),  -- local time of day
    timezone   TEXT    NOT NULL,  -- IANA name
    open_hours REAL    NOT NULL CHECK (open_hours > 0 AND open_hours <= 24),
    set_by     INTEGER NOT NULL,
    updated_at REAL    NOT NULL
);

CREATE TABLE daily_questions (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    channel_id   INTEGER NOT NULL,
    day          TEXT    NOT NULL,  -- 'YYYY-MM-DD' in the schedule's timezone
    bank_id      TEXT    NOT NULL,
    bank_guild   INTEGER NOT NULL DEFAULT 0,
    question_id  TEXT    NOT NULL,
    fact         TEXT,
    choices      TEXT    NOT NULL,  -- the buttons' labels in shown order, a JSON list
    answer_index INTEGER NOT NULL,
    posted_at    REAL    NOT NULL,
    closes_at    REAL    NOT NULL,
    message_id   INTEGER,
    revealed_at  REAL,
    UNIQUE (guild_id, day)
);
CREATE INDEX daily_questions_open ON daily_questions (closes_at) WHERE revealed_at IS NULL;
CREATE INDEX daily_questions_by_channel ON daily_questions (channel_id, posted_at);

CREATE TABLE daily_answers (
    daily_id    INTEGER NOT NULL REFERENCES daily_questions (id) ON DELETE CASCADE,
    player_id   INTEGER NOT NULL,
    guild_id    INTEGER NOT NULL,
    player_name TEXT    NOT NULL,
    choice      INTEGER NOT NULL,
    correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
    answered_at REAL    NOT NULL,
    PRIMARY KEY (daily_id, player_id)
) WITHOUT ROWID;
CREATE INDEX daily_answers_by_player ON daily_answers (guild_id, player_id);

-- Counted once, when a day's question is revealed: `streak` runs on while `last_day` is
-- the server's latest revealed day.
CREATE TABLE daily_streaks (
    guild_id  INTEGER NOT NULL,
    player_id INTEGER NOT NULL,
    streak    INTEGER NOT NULL,
    best      INTEGER NOT NULL,
    last_day  TEXT    NOT NULL,
    PRIMARY KEY (guild_id, player_id)
) WITHOUT ROWID;
CREATE INDEX daily_streaks_rank ON daily_streaks (guild_id, last_day, streak DESC, player_id);

PRAGMA user_version = 11;
