-- 0002: several processes (Discord shards) on one database (SQLite's 0007).
-- A post's claim records the process holding it (its boot id): a process that
-- owns a shard takes over a claim another process left (a dead predecessor)
-- at once, without waiting for a clock-based timeout. A post's generation is
-- bumped whenever its message must be posted anew, and names the nonce
-- Discord uses to drop a duplicate.
ALTER TABLE workouts ADD COLUMN post_claimed_by TEXT;
ALTER TABLE workouts ADD COLUMN post_generation BIGINT NOT NULL DEFAULT 0;

-- The plain-chat cooldown, shared by every process: per person, the start of
-- the current window and how many questions they asked in it.
CREATE TABLE chat_cooldowns (
    user_id      BIGINT PRIMARY KEY,
    window_start BIGINT  NOT NULL,   -- epoch ms
    asked        INTEGER NOT NULL
);

-- Who has used Trackside in which server: a DM question about workouts checks
-- only those servers, not every server the bot is in.
CREATE TABLE server_members (
    user_id  BIGINT NOT NULL,
    guild_id BIGINT NOT NULL,
    seen_at  BIGINT NOT NULL,   -- epoch ms, last use there
    PRIMARY KEY (user_id, guild_id)
);
