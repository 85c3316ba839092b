-- An answer's commit no longer updates the totals: it queues the answer here, and the
-- repository folds the queue into the totals in a following transaction (bot/storage/fold.py).
-- The eight totals tables and their rank indexes were three quarters of the pages a
-- 50-answer commit wrote at 2M answers (bench B4). The fold deletes the rows it counts in
-- its own transaction: a crash between the two leaves them queued, to be folded at the next
-- start, so nothing is lost or counted twice. A queued row whose answer is gone (a reset or
-- a forget deleted it first) folds to nothing.

CREATE TABLE answers_to_count (
    game_id   INTEGER NOT NULL,
    number    INTEGER NOT NULL,
    player_id INTEGER NOT NULL,
    PRIMARY KEY (game_id, number, player_id)
) WITHOUT ROWID;

DROP TRIGGER answers_count_in_totals;
DROP TRIGGER answers_count_in_all_servers;
DROP TRIGGER answers_count_in_month_and_season;

-- an answer ignored as a duplicate fires nothing, as before
CREATE TRIGGER answers_queue_to_count AFTER INSERT ON answers
BEGIN
    INSERT INTO answers_to_count (game_id, number, player_id)
    VALUES (NEW.game_id, NEW.number, NEW.player_id);
END;

-- The answers the totals count already: `db check` compares the totals with these.
CREATE VIEW counted_answers AS
SELECT * FROM answers a WHERE NOT EXISTS (
    SELECT 1 FROM answers_to_count c
    WHERE c.game_id = a.game_id AND c.number = a.number AND c.player_id = a.player_id
);

PRAGMA user_version = 13;
