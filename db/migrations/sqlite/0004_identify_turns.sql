-- Nothing for SQLite: identify_turns (PostgreSQL's 0004) spaces the IDENTIFYs of several
-- shard processes, and SQLite serves one process only. Kept so both dialects number alike.
PRAGMA user_version = 4;
