-- 0006: a revision per workout, so a post always ends up showing the stored
-- workout. Every save bumps `revision`; `posted_revision` is the revision the
-- message was last rendered from. Two coaches saving while a post is on its
-- way: whoever sent or edited the message compares the two after Discord
-- answered and edits again until they agree (the last write wins, and its
-- message shows it).

ALTER TABLE workouts ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;
ALTER TABLE workouts ADD COLUMN posted_revision BIGINT;

-- Messages already posted show what is stored.
UPDATE workouts SET posted_revision = revision WHERE message_id IS NOT NULL;
