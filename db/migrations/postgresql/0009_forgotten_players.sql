-- Members forgotten while a round they played in was still running: the twin of
-- sqlite/0009_forgotten_players.sql.

CREATE TABLE forgotten_players (
    game_id   BIGINT NOT NULL REFERENCES games (id) ON DELETE CASCADE,
    player_id BIGINT NOT NULL,
    PRIMARY KEY (game_id, player_id)
);
