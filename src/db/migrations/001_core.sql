-- 001_core: organisations, departments, users and roles, sessions, tokens, login failures,
-- the hash-chained audit log and per-org settings. Times are Unix seconds (INTEGER).

CREATE TABLE org (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL,
	code        TEXT NOT NULL,               -- 机关代字, e.g. 定检
	fonds_code  TEXT NOT NULL DEFAULT '',    -- 全宗号
	created_at  INTEGER NOT NULL
);

CREATE TABLE department (
	id          INTEGER PRIMARY KEY,
	org_id      INTEGER NOT NULL REFERENCES org(id),
	code        TEXT NOT NULL,
	name        TEXT NOT NULL,
	parent_id   INTEGER REFERENCES department(id),
	head_id     INTEGER,                     -- 部门负责人 (user)
	leader_id   INTEGER,                     -- 分管院领导 (user)
	sort        INTEGER NOT NULL DEFAULT 0,
	active      INTEGER NOT NULL DEFAULT 1,
	version     INTEGER NOT NULL DEFAULT 1,
	UNIQUE (org_id, code)
);
CREATE INDEX department_parent ON department(org_id, parent_id);

CREATE TABLE app_user (
	id            INTEGER PRIMARY KEY,
	org_id        INTEGER NOT NULL REFERENCES org(id),
	username      TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL,
	department_id INTEGER NOT NULL REFERENCES department(id),
	password_hash TEXT NOT NULL,
	must_change   INTEGER NOT NULL DEFAULT 1,
	active        INTEGER NOT NULL DEFAULT 1,
	version       INTEGER NOT NULL DEFAULT 1,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);
CREATE INDEX app_user_org_dept ON app_user(org_id, department_id);

CREATE TABLE user_role (
	user_id INTEGER NOT NULL REFERENCES app_user(id),
	role    TEXT NOT NULL,
	PRIMARY KEY (user_id, role)
);
CREATE INDEX user_role_role ON user_role(role, user_id);

CREATE TABLE session (
	id_hash    TEXT PRIMARY KEY,             -- BLAKE2b of the cookie value; the value is never stored
	user_id    INTEGER NOT NULL REFERENCES app_user(id),
	csrf_token TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	last_seen  INTEGER NOT NULL,
	ip         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX session_user ON session(user_id);

CREATE TABLE api_token (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES app_user(id),
	name       TEXT NOT NULL DEFAULT '',
	token_hash TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL,
	revoked_at INTEGER
);

CREATE TABLE login_failure (
	id       INTEGER PRIMARY KEY,
	username TEXT NOT NULL,
	ts       INTEGER NOT NULL,
	ip       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX login_failure_user_ts ON login_failure(username, ts);

CREATE TABLE setting (
	org_id INTEGER NOT NULL REFERENCES org(id),
	key    TEXT NOT NULL,
	value  TEXT NOT NULL,
	PRIMARY KEY (org_id, key)
);

-- 留痕: append-only, each row chained to the previous one with SM3 (see src/audit/audit.h).
CREATE TABLE audit_log (
	id          INTEGER PRIMARY KEY,
	ts          INTEGER NOT NULL,
	org_id      INTEGER,
	actor_id    INTEGER,
	actor       TEXT NOT NULL DEFAULT '',
	ip          TEXT NOT NULL DEFAULT '',
	action      TEXT NOT NULL,
	object_type TEXT NOT NULL DEFAULT '',
	object_id   TEXT NOT NULL DEFAULT '',
	result      TEXT NOT NULL,
	detail      TEXT NOT NULL DEFAULT '',
	prev_hash   TEXT NOT NULL,
	hash        TEXT NOT NULL
);
CREATE INDEX audit_log_org_ts ON audit_log(org_id, ts);
CREATE INDEX audit_log_actor ON audit_log(org_id, actor, ts);
CREATE INDEX audit_log_action ON audit_log(org_id, action, ts);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
