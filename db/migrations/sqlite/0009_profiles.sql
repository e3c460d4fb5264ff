-- 0009: /profile — one row per person, across every server (a person's
-- profile is theirs, not a server's): the reference performance (a recent
-- race or time trial), birth year, sex and units. Every field may be unset:
-- `/profile set` changes only the fields given; `/profile delete` deletes
-- the row, so nothing of it is left.
CREATE TABLE profiles (
    user_id         BIGINT PRIMARY KEY,
    race_time_ms    BIGINT,    -- the reference performance's time
    race_distance_m TEXT,      -- its exact decimal metres ('5000', '1609.344')
    race_date       TEXT,      -- YYYY-MM-DD, the day it was run
    birth_year      INTEGER,
    sex             TEXT,      -- 'male' or 'female'
    units           TEXT,      -- 'metric' or 'imperial'
    updated_at      BIGINT NOT NULL   -- epoch ms
);
