-- splits_by_distance served no query (personal bests go through the athlete's
-- submissions); every split insert paid to maintain it.
DROP INDEX IF EXISTS splits_by_distance;
