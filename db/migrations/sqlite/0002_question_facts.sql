-- The fact a question tests, so repeat-avoidance counts a fact as seen once any of its
-- questions was asked. NULL (rows from before) means the question is its own fact.

ALTER TABLE game_questions ADD COLUMN fact TEXT;

PRAGMA user_version = 2;
