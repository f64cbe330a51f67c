-- 010_todo: everyone's 待办 across modules, and in-app notices.

CREATE TABLE todo (
	id          INTEGER PRIMARY KEY,
	org_id      INTEGER NOT NULL REFERENCES org(id),
	user_id     INTEGER NOT NULL REFERENCES app_user(id),
	kind        TEXT NOT NULL,
	object_id   INTEGER NOT NULL,
	title       TEXT NOT NULL,
	step        TEXT NOT NULL DEFAULT '',
	due_date    TEXT,                 -- YYYY-MM-DD or NULL
	instance_id INTEGER,
	created_at  INTEGER NOT NULL,
	done_at     INTEGER
);
-- 待办: open items of a user, newest first; 已办: closed ones, newest first.
CREATE INDEX todo_open ON todo(user_id, created_at) WHERE done_at IS NULL;
CREATE INDEX todo_done ON todo(user_id, done_at) WHERE done_at IS NOT NULL;
CREATE INDEX todo_object ON todo(kind, object_id);
CREATE UNIQUE INDEX todo_once ON todo(user_id, kind, object_id, step) WHERE done_at IS NULL;

CREATE TABLE notice (
	id          INTEGER PRIMARY KEY,
	org_id      INTEGER NOT NULL REFERENCES org(id),
	user_id     INTEGER NOT NULL REFERENCES app_user(id),
	kind        TEXT NOT NULL,
	title       TEXT NOT NULL,
	body        TEXT,
	object_kind TEXT,
	object_id   INTEGER,
	created_at  INTEGER NOT NULL,
	read_at     INTEGER
);
CREATE INDEX notice_user ON notice(user_id, id);
CREATE INDEX notice_unread ON notice(user_id) WHERE read_at IS NULL;
