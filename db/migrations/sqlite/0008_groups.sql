-- 0008: training groups and sessions. A server may hold several workouts a
-- day: one per date × group × session (group 0 is the whole team, session ''
-- the day's main one), and an athlete one submission per workout.
--
-- Existing rows become team-wide main-session workouts, and submissions keep
-- the workout they belong to: nothing is lost.

CREATE TABLE training_groups (
    id         INTEGER PRIMARY KEY,
    guild_id   BIGINT  NOT NULL,
    name       TEXT    NOT NULL,             -- as the coach wrote it (1-32 characters)
    name_key   TEXT    NOT NULL,             -- casefolded: unique among current groups
    role_id    BIGINT,                       -- members with this role belong to it
    channel_id BIGINT,                       -- where its workouts post (NULL: the server's)
    ping       INTEGER NOT NULL DEFAULT 0,   -- 1: mention the role when its workout posts
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL,
    -- A removed group's row stays, so past workouts and splits keep its name.
    removed_at BIGINT
);
CREATE UNIQUE INDEX training_groups_current ON training_groups (guild_id, name_key)
    WHERE removed_at IS NULL;

-- SQLite cannot change a table's UNIQUE constraint in place: workouts and
-- submissions are rebuilt (splits with them, whose key points at
-- submissions). Each table is renamed first, so the foreign keys of the rows
-- being copied follow it, and dropped only once nothing references it: a
-- dropped table's implicit DELETE then fires no ON DELETE action.
DROP INDEX workouts_unposted;
DROP INDEX submissions_by_athlete;
DROP INDEX submissions_by_workout;
DROP INDEX splits_best;
ALTER TABLE splits RENAME TO splits_0007;
ALTER TABLE submissions RENAME TO submissions_0007;
ALTER TABLE workouts RENAME TO workouts_0007;

CREATE TABLE workouts (
    id                INTEGER PRIMARY KEY,
    guild_id          BIGINT NOT NULL,
    local_date        TEXT   NOT NULL,
    title             TEXT,
    text              TEXT   NOT NULL,
    parsed            TEXT   NOT NULL,
    recovery          TEXT,
    notes             TEXT,
    author_id         BIGINT NOT NULL,
    origin_channel_id BIGINT NOT NULL,
    channel_id        BIGINT,
    message_id        BIGINT,
    posted_at         BIGINT,
    post_claimed_at   BIGINT,
    post_error        TEXT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    revision          BIGINT NOT NULL DEFAULT 1,
    posted_revision   BIGINT,
    post_claimed_by   TEXT,
    post_generation   BIGINT NOT NULL DEFAULT 0,
    group_id          BIGINT NOT NULL DEFAULT 0,    -- training_groups.id; 0: the whole team
    session           TEXT   NOT NULL DEFAULT '',   -- 'am', 'pm', 'track'…; '': the main one
    UNIQUE (guild_id, local_date, group_id, session)
);
INSERT INTO workouts (id, guild_id, local_date, title, text, parsed, recovery, notes,
    author_id, origin_channel_id, channel_id, message_id, posted_at, post_claimed_at,
    post_error, created_at, updated_at, revision, posted_revision, post_claimed_by,
    post_generation)
SELECT id, guild_id, local_date, title, text, parsed, recovery, notes,
    author_id, origin_channel_id, channel_id, message_id, posted_at, post_claimed_at,
    post_error, created_at, updated_at, revision, posted_revision, post_claimed_by,
    post_generation
FROM workouts_0007;

CREATE TABLE submissions (
    id           INTEGER PRIMARY KEY,
    guild_id     BIGINT NOT NULL,
    local_date   TEXT   NOT NULL,
    workout_id   BIGINT REFERENCES workouts (id) ON DELETE SET NULL,
    athlete_id   BIGINT NOT NULL,
    athlete_name TEXT   NOT NULL,
    note         TEXT,
    total_ms     BIGINT NOT NULL,
    total_m      TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    -- The workout's group and session, copied: the key of one submission per
    -- athlete per workout, kept when the workout is deleted (0 and '' when
    -- there was no workout: one submission per athlete per day).
    group_id     BIGINT NOT NULL DEFAULT 0,
    session      TEXT   NOT NULL DEFAULT '',
    source       TEXT   NOT NULL DEFAULT 'typed',   -- 'typed' (command, form), 'file' (watch)
    UNIQUE (guild_id, local_date, athlete_id, group_id, session)
);
INSERT INTO submissions (id, guild_id, local_date, workout_id, athlete_id, athlete_name,
    note, total_ms, total_m, created_at, updated_at)
SELECT id, guild_id, local_date, workout_id, athlete_id, athlete_name,
    note, total_ms, total_m, created_at, updated_at
FROM submissions_0007;

CREATE TABLE splits (
    submission_id BIGINT  NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    rep           INTEGER NOT NULL,
    distance_m    TEXT    NOT NULL,
    time_ms       BIGINT  NOT NULL,
    target_ms     BIGINT,
    guild_id      BIGINT,
    athlete_id    BIGINT,
    local_date    TEXT,
    PRIMARY KEY (submission_id, rep)
);
INSERT INTO splits (submission_id, rep, distance_m, time_ms, target_ms, guild_id,
    athlete_id, local_date)
SELECT submission_id, rep, distance_m, time_ms, target_ms, guild_id, athlete_id, local_date
FROM splits_0007;

DROP TABLE splits_0007;
DROP TABLE submissions_0007;
DROP TABLE workouts_0007;

CREATE INDEX workouts_unposted ON workouts (local_date) WHERE message_id IS NULL;
CREATE INDEX submissions_by_athlete ON submissions (guild_id, athlete_id, local_date);
CREATE INDEX submissions_by_workout ON submissions (workout_id);
CREATE INDEX splits_best ON splits (guild_id, athlete_id, distance_m, time_ms, local_date);
