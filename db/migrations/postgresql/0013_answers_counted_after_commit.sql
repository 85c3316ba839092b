-- The twin of sqlite/0012: the answer statement queues each new answer here instead of
-- upserting the eight totals, and the repository folds the queue into the totals in a
-- statement of its own (bot/storage/fold.py), deleting what it counts: a crash in between
-- loses nothing and counts nothing twice. A queued row whose answer is gone folds to nothing.

CREATE TABLE answers_to_count (
    game_id   BIGINT  NOT NULL,
    number    INTEGER NOT NULL,
    player_id BIGINT  NOT NULL,
    PRIMARY KEY (game_id, number, player_id)
);

-- The answers the totals count already: `db check` compares the totals with these.
CREATE VIEW counted_answers AS
SELECT * FROM answers a WHERE NOT EXISTS (
    SELECT 1 FROM answers_to_count c
    WHERE c.game_id = a.game_id AND c.number = a.number AND c.player_id = a.player_id
);
