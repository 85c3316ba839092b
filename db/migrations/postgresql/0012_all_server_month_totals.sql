-- The all-servers month board: the twin of sqlite/0012. Kept by statement triggers on
-- player_month_totals (one call per statement, over its transition tables), so that
-- whatever writes or deletes those totals keeps this in step in the same transaction.

CREATE TABLE global_month_totals (
    month     TEXT    NOT NULL,  -- 'YYYY-MM', UTC
    player_id BIGINT  NOT NULL,
    points    INTEGER NOT NULL,
    correct   INTEGER NOT NULL,
    answered  INTEGER NOT NULL,
    PRIMARY KEY (month, player_id)
);
CREATE INDEX global_month_totals_rank
    ON global_month_totals (month, points DESC, correct DESC, player_id);

INSERT INTO global_month_totals (month, player_id, points, correct, answered)
SELECT month, player_id, SUM(points), SUM(correct), SUM(answered) FROM player_month_totals
GROUP BY month, player_id;

-- what changed, per (month, player), added in; ordered so that two commits lock rows alike
CREATE FUNCTION global_month_totals_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO global_month_totals AS t (month, player_id, points, correct, answered)
        SELECT month, player_id, SUM(points), SUM(correct), SUM(answered) FROM new_rows
        GROUP BY month, player_id ORDER BY month, player_id
        ON CONFLICT (month, player_id) DO UPDATE SET points = t.points + excluded.points,
            correct = t.correct + excluded.correct, answered = t.answered + excluded.answered;
    ELSIF TG_OP = 'UPDATE' THEN
        -- a month or player never changes in place: old and new rows pair by key
        UPDATE global_month_totals t SET points = t.points + d.points,
            correct = t.correct + d.correct, answered = t.answered + d.answered
        FROM (SELECT n.month, n.player_id, SUM(n.points - o.points) AS points,
                  SUM(n.correct - o.correct) AS correct, SUM(n.answered - o.answered) AS answered
              FROM new_rows n JOIN old_rows o ON o.guild_id = n.guild_id
                  AND o.month = n.month AND o.player_id = n.player_id
              GROUP BY n.month, n.player_id) AS d
        WHERE t.month = d.month AND t.player_id = d.player_id;
    ELSE
        UPDATE global_month_totals t SET points = t.points - d.points,
            correct = t.correct - d.correct, answered = t.answered - d.answered
        FROM (SELECT month, player_id, SUM(points) AS points, SUM(correct) AS correct,
                  SUM(answered) AS answered FROM old_rows GROUP BY month, player_id) AS d
        WHERE t.month = d.month AND t.player_id = d.player_id;
        DELETE FROM global_month_totals t USING (SELECT DISTINCT month, player_id FROM old_rows)
            AS d WHERE t.month = d.month AND t.player_id = d.player_id AND t.answered <= 0;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER month_totals_count_in_all_servers AFTER INSERT ON player_month_totals
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION global_month_totals_add();
CREATE TRIGGER month_totals_recount_in_all_servers AFTER UPDATE ON player_month_totals
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION global_month_totals_add();
CREATE TRIGGER month_totals_uncount_in_all_servers AFTER DELETE ON player_month_totals
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION global_month_totals_add();
