-- 0003: split submissions. One submission per athlete per server per day;
-- its splits keep their own distances, so editing or deleting the workout never
-- rewrites an athlete's history.
-- Deleting a workout keeps its submissions (workout_id becomes NULL): they
-- remain the athletes' logs for that day. Deleting a submission deletes its splits.

CREATE TABLE submissions (
    id           INTEGER PRIMARY KEY,
    guild_id     BIGINT NOT NULL,
    local_date   TEXT   NOT NULL,
    workout_id   BIGINT REFERENCES workouts (id) ON DELETE SET NULL,
    athlete_id   BIGINT NOT NULL,
    athlete_name TEXT   NOT NULL,   -- display name when submitted (boards, CSV)
    note         TEXT,
    total_ms     BIGINT NOT NULL,
    total_m      TEXT   NOT NULL,   -- exact decimal metres
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    UNIQUE (guild_id, local_date, athlete_id)
);

CREATE TABLE splits (
    submission_id BIGINT  NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    rep           INTEGER NOT NULL,   -- 1-based, in running order
    distance_m    TEXT    NOT NULL,   -- exact decimal metres, canonical ('250', '1609.344')
    time_ms       BIGINT  NOT NULL,
    target_ms     BIGINT,
    PRIMARY KEY (submission_id, rep)
);

CREATE INDEX submissions_by_athlete ON submissions (guild_id, athlete_id, local_date);
CREATE INDEX submissions_by_workout ON submissions (workout_id);
CREATE INDEX splits_by_distance ON splits (distance_m, time_ms);
