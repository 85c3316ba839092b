-- The twin of sqlite/0008_round_places.sql: the channels a server allows rounds in (none
-- listed: any channel) and the role a member needs to start one (NULL: everyone).

ALTER TABLE guild_settings ADD COLUMN starter_role_id BIGINT;

CREATE TABLE round_channels (
    guild_id   BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
);
