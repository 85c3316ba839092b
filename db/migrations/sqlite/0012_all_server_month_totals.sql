-- The all-servers month board: every server's month totals summed per player, kept by
-- triggers on player_month_totals itself, so that whatever writes those (the answers' own
-- trigger today, a later fold) or deletes them (a reset, a forget, a purge) keeps this in
-- step in the same transaction. Summing a month over every server per page would scan
-- about a row per member of every server (bench B4: 100,000 players).

CREATE TABLE global_month_totals (
    month     TEXT    NOT NULL,  -- 'YYYY-MM', UTC
    player_id INTEGER NOT NULL,
    points    INTEGER NOT NULL,
    correct   INTEGER NOT NULL,
    answered  INTEGER NOT NULL,
    PRIMARY KEY (month, player_id)
) WITHOUT ROWID;
CREATE INDEX global_month_totals_rank
    ON global_month_totals (month, points DESC, correct DESC, player_id);

INSERT INTO global_month_totals (month, player_id, points, correct, answered)
SELECT month, player_id, SUM(points), SUM(correct), SUM(answered) FROM player_month_totals
GROUP BY month, player_id;

CREATE TRIGGER month_totals_count_in_all_servers AFTER INSERT ON player_month_totals
BEGIN
    INSERT INTO global_month_totals (month, player_id, points, correct, answered)
    VALUES (NEW.month, NEW.player_id, NEW.points, NEW.correct, NEW.answered)
    ON CONFLICT (month, player_id) DO UPDATE SET
        points = points + excluded.points,
        correct = correct + excluded.correct,
        answered = answered + excluded.answered;
END;

-- an upsert's DO UPDATE fires this too; a month or player never changes in place
CREATE TRIGGER month_totals_recount_in_all_servers AFTER UPDATE ON player_month_totals
BEGIN
    UPDATE global_month_totals SET
        points = points + NEW.points - OLD.points,
        correct = correct + NEW.correct - OLD.correct,
        answered = answered + NEW.answered - OLD.answered
    WHERE month = NEW.month AND player_id = NEW.player_id;
END;

-- a row left at 0 answers goes, as board_sql.PRUNE does for the other all-servers totals
CREATE TRIGGER month_totals_uncount_in_all_servers AFTER DELETE ON player_month_totals
BEGIN
    UPDATE global_month_totals SET
        points = points - OLD.points,
        correct = correct - OLD.correct,
        answered = answered - OLD.answered
    WHERE month = OLD.month AND player_id = OLD.player_id;
    DELETE FROM global_month_totals
    WHERE month = OLD.month AND player_id = OLD.player_id AND answered <= 0;
END;

PRAGMA user_version = 12;
