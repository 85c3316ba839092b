-- The twin of sqlite/0002_question_facts.sql: the fact a question tests, so repeat-avoidance
-- counts a fact as seen once any of its questions was asked. NULL means its own fact.

ALTER TABLE game_questions ADD COLUMN fact TEXT;
