-- The twin of sqlite/0006_typed_guesses.sql: typed rounds cap each player's guesses per
-- question; NULL means the default (3).

ALTER TABLE guild_settings ADD COLUMN guesses INTEGER CHECK (guesses IS NULL OR guesses BETWEEN 1 AND 10);
