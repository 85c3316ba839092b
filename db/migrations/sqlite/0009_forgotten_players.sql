-- Members forgotten while a round they played in was still running: that round's later
-- answers and its end skip them, so a forget holds once the round ends. A row lives only
-- as long as its game runs (end_game and the next forget delete it).

CREATE TABLE forgotten_players (
    game_id   INTEGER NOT NULL REFERENCES games (id) ON DELETE CASCADE,
    player_id INTEGER NOT NULL,
    PRIMARY KEY (game_id, player_id)
) WITHOUT ROWID;

PRAGMA user_version = 9;
