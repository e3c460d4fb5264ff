-- 0005: personal bests from one index probe per distance, instead of a scan
-- of the athlete's whole history (thousands of splits after a few seasons).
-- Each split carries its submission's server, athlete and day. They never go
-- stale: they are the submission's unique key, which an update never changes.

ALTER TABLE splits ADD COLUMN guild_id BIGINT;
ALTER TABLE splits ADD COLUMN athlete_id BIGINT;
ALTER TABLE splits ADD COLUMN local_date TEXT;

UPDATE splits SET
    guild_id = (SELECT s.guild_id FROM submissions s WHERE s.id = splits.submission_id),
    athlete_id = (SELECT s.athlete_id FROM submissions s WHERE s.id = splits.submission_id),
    local_date = (SELECT s.local_date FROM submissions s WHERE s.id = splits.submission_id);

-- The fastest time at a distance is the first entry under its prefix;
-- local_date is there so skipping the day being replaced needs no table lookup.
CREATE INDEX splits_best ON splits (guild_id, athlete_id, distance_m, time_ms, local_date);
