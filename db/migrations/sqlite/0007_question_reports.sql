-- Players' reports of bad questions, one per player per question in a server, and the
-- questions a server's admins took out of its draws.

CREATE TABLE question_reports (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    bank_id       TEXT    NOT NULL,
    question_id   TEXT    NOT NULL,
    reporter_id   INTEGER NOT NULL,
    reason        TEXT    NOT NULL
                  CHECK (reason IN ('wrong-answer', 'unclear', 'typo', 'offensive', 'other')),
    note          TEXT    NOT NULL DEFAULT '',
    question_text TEXT    NOT NULL,
    created_at    REAL    NOT NULL,
    UNIQUE (guild_id, bank_id, question_id, reporter_id)
);
CREATE INDEX question_reports_by_guild ON question_reports (guild_id, created_at);
CREATE INDEX question_reports_by_bank ON question_reports (bank_id, question_id);

CREATE TABLE disabled_questions (
    guild_id    INTEGER NOT NULL,
    bank_id     TEXT    NOT NULL,
    question_id TEXT    NOT NULL,
    disabled_by INTEGER NOT NULL,
    disabled_at REAL    NOT NULL,
    PRIMARY KEY (guild_id, bank_id, question_id)
) WITHOUT ROWID;

PRAGMA user_version = 7;
