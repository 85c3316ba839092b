-- When each identify bucket (shard_id % max_concurrency) last started a Discord session,
-- so shard processes space their IDENTIFYs by the server's clock, even across a crash.
CREATE TABLE identify_turns (
    bucket INTEGER PRIMARY KEY,
    at     TIMESTAMPTZ NOT NULL
);
