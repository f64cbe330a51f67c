-- 010_todo: everyone's 待办 / 已办 across modules, and in-app notices.
--
-- A todo row is either a module's own piece of work (todo_add/todo_close: item_id IS NULL) or
-- the mirror of an approval engine work item (instance_id, item_id set; src/workflow/wf_store.c
-- upserts it whenever the engine reports the item changed). state:
--   pending    waiting for its user: listed in 待办
--   waiting    an approval item held back until an added signer (加签) decides: not listed
--   done       the user acted (or a module closed it): listed in 已办
--   cancelled  the work went away without the user acting (another signer decided the step, the
--              instance was withdrawn or cancelled, an escalation took it over): not listed

CREATE TABLE todo (
	id          INTEGER PRIMARY KEY,
	org_id      INTEGER NOT NULL REFERENCES org(id),
	user_id     INTEGER NOT NULL REFERENCES app_user(id),
	kind        TEXT NOT NULL,               -- module's object kind ("approval", "incoming", ...)
	object_id   INTEGER NOT NULL,
	title       TEXT NOT NULL,
	step        TEXT NOT NULL DEFAULT '',
	due_date    TEXT,                        -- YYYY-MM-DD or NULL
	due_at      INTEGER,                     -- engine items: the instant the time limit ends
	instance_id INTEGER,                     -- approval instance, or NULL
	item_id     INTEGER,                     -- engine work item (per instance), or NULL
	state       TEXT NOT NULL DEFAULT 'pending',
	outcome     TEXT,                        -- engine items: approved, rejected, returned, ...
	created_at  INTEGER NOT NULL,
	done_at     INTEGER
);
-- 待办: a user's pending rows newest first (and per kind, which also serves the counts).
CREATE INDEX todo_open ON todo(user_id, created_at, id) WHERE state = 'pending';
CREATE INDEX todo_open_kind ON todo(user_id, kind, created_at, id) WHERE state = 'pending';
-- 已办: closed by the user's action, newest first.
CREATE INDEX todo_done ON todo(user_id, done_at, id) WHERE state = 'done';
CREATE INDEX todo_done_kind ON todo(user_id, kind, done_at, id) WHERE state = 'done';
CREATE INDEX todo_object ON todo(kind, object_id);
-- todo_add adds one open row per (user, kind, object, step); engine rows are keyed by item.
CREATE UNIQUE INDEX todo_once ON todo(user_id, kind, object_id, step)
	WHERE state = 'pending' AND item_id IS NULL;
CREATE UNIQUE INDEX todo_item ON todo(instance_id, item_id);

-- Counts by (user, state, kind) for the 待办/已办 badges and list totals, kept exact by triggers
-- in the writing transaction, so GET /todos reads a few rows instead of counting a busy approver's
-- thousands (and GET /done a hundred thousand). Only pending and done rows are counted.
CREATE TABLE todo_count (
	user_id INTEGER NOT NULL,
	state   TEXT NOT NULL,
	kind    TEXT NOT NULL,
	n       INTEGER NOT NULL,
	PRIMARY KEY (user_id, state, kind)
) WITHOUT ROWID;
CREATE TRIGGER todo_count_insert AFTER INSERT ON todo WHEN NEW.state IN ('pending', 'done')
BEGIN
	INSERT INTO todo_count (user_id, state, kind, n) VALUES (NEW.user_id, NEW.state, NEW.kind, 1)
		ON CONFLICT (user_id, state, kind) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER todo_count_update AFTER UPDATE OF user_id, state, kind ON todo
	WHEN OLD.state IS NOT NEW.state OR OLD.user_id IS NOT NEW.user_id OR OLD.kind IS NOT NEW.kind
BEGIN
	UPDATE todo_count SET n = n - 1
		WHERE user_id = OLD.user_id AND state = OLD.state AND kind = OLD.kind;
	INSERT INTO todo_count (user_id, state, kind, n)
		SELECT NEW.user_id, NEW.state, NEW.kind, 1 WHERE NEW.state IN ('pending', 'done')
		ON CONFLICT (user_id, state, kind) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER todo_count_delete AFTER DELETE ON todo WHEN OLD.state IN ('pending', 'done')
BEGIN
	UPDATE todo_count SET n = n - 1
		WHERE user_id = OLD.user_id AND state = OLD.state AND kind = OLD.kind;
END;

CREATE TABLE notice (
	id          INTEGER PRIMARY KEY,
	org_id      INTEGER NOT NULL REFERENCES org(id),
	user_id     INTEGER NOT NULL REFERENCES app_user(id),
	kind        TEXT NOT NULL,               -- assigned reminded returned overdue escalated finished ...
	title       TEXT NOT NULL,
	body        TEXT,
	object_kind TEXT,
	object_id   INTEGER,
	instance_id INTEGER,                     -- approval instance the notice is about, or NULL
	created_at  INTEGER NOT NULL,
	read_at     INTEGER
);
CREATE INDEX notice_user ON notice(user_id, id);
CREATE INDEX notice_unread ON notice(user_id) WHERE read_at IS NULL;
CREATE INDEX notice_instance ON notice(instance_id, user_id) WHERE instance_id IS NOT NULL;
