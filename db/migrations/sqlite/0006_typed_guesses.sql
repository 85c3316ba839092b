-- Typed rounds cap each player's guesses per question; NULL means the default (3).

ALTER TABLE guild_settings ADD COLUMN guesses INTEGER CHECK (guesses IS NULL OR guesses BETWEEN 1 AND 10);

PRAGMA user_version = 6;
