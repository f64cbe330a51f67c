-- 060_exports: secret calendar feed addresses (src/exports/exports.h). A feed lists its owner's
-- open deadlines as iCalendar at /api/v1/calendar/<secret>.ics; the secret itself is never
-- stored, only its BLAKE2b-256 hash (auth.h token_hash), so a copy of the database does not yield
-- working addresses. Revoking keeps the row (revoked_at) so the list of addresses a user ever had
-- stays explainable; a revoked hash never matches again.
CREATE TABLE calendar_feed (
	id         INTEGER PRIMARY KEY,
	org_id     INTEGER NOT NULL REFERENCES org(id),
	user_id    INTEGER NOT NULL REFERENCES app_user(id),
	name       TEXT NOT NULL DEFAULT '',      -- the owner's label ("手机日历")
	token_hash TEXT NOT NULL UNIQUE,          -- hex BLAKE2b-256 of the secret
	created_at INTEGER NOT NULL,
	revoked_at INTEGER
);
-- GET /calendar-feeds: the caller's live addresses; the per-user cap counts the same rows.
CREATE INDEX calendar_feed_user ON calendar_feed(user_id, id) WHERE revoked_at IS NULL;
