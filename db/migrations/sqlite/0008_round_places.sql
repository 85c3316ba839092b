-- Where and by whom rounds may start: the channels a server allows (none listed: any channel)
-- and the role a member needs (NULL: everyone; admins always may).

ALTER TABLE guild_settings ADD COLUMN starter_role_id INTEGER;

CREATE TABLE round_channels (
    guild_id   INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
) WITHOUT ROWID;

PRAGMA user_version = 8;
