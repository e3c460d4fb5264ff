-- 0002: server settings and the workout of the day.
-- Dates are local calendar dates in the server's timezone, as 'YYYY-MM-DD'.

CREATE TABLE guild_settings (
    guild_id      BIGINT PRIMARY KEY,
    channel_id    BIGINT,                            -- NULL: post where /wod post was used
    post_time     TEXT   NOT NULL DEFAULT '06:00',   -- HH:MM, 24 h, local
    timezone      TEXT   NOT NULL DEFAULT 'UTC',     -- IANA name
    coach_role_id BIGINT,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE workouts (
    id                INTEGER PRIMARY KEY,
    guild_id          BIGINT NOT NULL,
    local_date        TEXT   NOT NULL,
    title             TEXT,
    text              TEXT   NOT NULL,   -- what the coach typed
    parsed            TEXT   NOT NULL,   -- the parsed reps, JSON (bot.domain.workout)
    recovery          TEXT,
    notes             TEXT,
    author_id         BIGINT NOT NULL,
    origin_channel_id BIGINT NOT NULL,   -- where /wod post was used: the fallback channel
    channel_id        BIGINT,            -- where it was posted
    message_id        BIGINT,            -- NULL until posted: the exactly-once marker
    posted_at         BIGINT,
    post_claimed_at   BIGINT,            -- set just before sending; a stale claim means a crash
    post_error        TEXT,              -- why the last attempt failed; NULL when fine
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    UNIQUE (guild_id, local_date)
);

-- The scheduler's one query per tick reads only unposted workouts near today.
CREATE INDEX workouts_unposted ON workouts (local_date) WHERE message_id IS NULL;
