-- 020_numbering: 发文字号 series (per org and 机关代字), one counter per series and year, and the
-- ledger of every number ever issued (src/numbering/numbering.h states the invariants).

CREATE TABLE number_series (
	id         INTEGER PRIMARY KEY,
	org_id     INTEGER NOT NULL REFERENCES org(id),
	code       TEXT NOT NULL,                -- 机关代字, e.g. 定检发
	format     TEXT NOT NULL,                -- {code}〔{year}〕{seq}号
	name       TEXT NOT NULL DEFAULT '',     -- what it is for, e.g. 院文件
	active     INTEGER NOT NULL DEFAULT 1,
	version    INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL,
	UNIQUE (org_id, code)
);

-- One row per series and year: the year's counter starts afresh on 1 January.
CREATE TABLE number_counter (
	series_id INTEGER NOT NULL REFERENCES number_series(id),
	year      INTEGER NOT NULL,
	last_seq  INTEGER NOT NULL,
	PRIMARY KEY (series_id, year)
);

-- Every issued number, once; never deleted (void instead).
CREATE TABLE number_issued (
	id          INTEGER PRIMARY KEY,
	org_id      INTEGER NOT NULL REFERENCES org(id),
	series_id   INTEGER NOT NULL REFERENCES number_series(id),
	year        INTEGER NOT NULL,
	seq         INTEGER NOT NULL,
	number      TEXT NOT NULL,
	state       TEXT NOT NULL,               -- used, reserved, void
	object_kind TEXT,                        -- outgoing, ...
	object_id   INTEGER,
	purpose     TEXT NOT NULL DEFAULT '',    -- 预留 purpose
	issued_by   INTEGER REFERENCES app_user(id),
	issued_at   INTEGER NOT NULL,
	void_reason TEXT,
	voided_by   INTEGER REFERENCES app_user(id),
	voided_at   INTEGER,
	UNIQUE (series_id, year, seq)
);
CREATE INDEX number_issued_state ON number_issued(series_id, year, state, seq);
CREATE INDEX number_issued_object ON number_issued(object_kind, object_id);
