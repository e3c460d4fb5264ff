-- 0001: bot bookkeeping and the pace-answer history.
-- Times are integer milliseconds, instants are Unix epoch milliseconds (UTC).

CREATE TABLE app_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Every /pace answer (and, later, every plain-chat pace answer) the bot gave.
-- Rejected inputs are never stored.
CREATE TABLE pace_answers (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT  NOT NULL,
    guild_id   BIGINT,              -- NULL in a DM
    command    TEXT    NOT NULL,    -- e.g. 'pace convert'
    inputs     TEXT    NOT NULL,    -- what the user typed, e.g. 'time=37.47 distance=300m'
    summary    TEXT    NOT NULL,    -- the headline answer
    created_at BIGINT  NOT NULL
);

CREATE INDEX pace_answers_by_user ON pace_answers (user_id, created_at DESC, id DESC);
