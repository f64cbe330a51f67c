-- 050_search: the full-text index of every searchable object (src/search/search.h).
--
-- search_doc is the index's content: one row per indexed object, holding the normalised-later
-- text exactly as it was indexed (FTS5 needs those values to remove an entry again) and the
-- filter columns. Its id is also the FTS5 rowid and encodes org, kind, date and a sequence
-- number (search.c: search_rowid), so that the org, a kind and a date range are rowid ranges
-- that FTS5 seeks to without reading any row, and rowid order is newest-first order.
--
-- The FTS5 table over it, search_fts (tokenize='cjk', external content = search_doc), is created
-- by src/search/search.c (search_schema_ensure) on a connection that has the tokenizer, not
-- here: every program that opens the store runs the migrations, but only those that link the
-- search module register the tokenizer. SQLite only (PostgreSQL search is separate).

-- Kind names to the number stored in the rowid (1..31), assigned on first use.
CREATE TABLE search_kind (
	no   INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE
);

CREATE TABLE search_doc (
	id            INTEGER PRIMARY KEY,  -- = search_fts rowid (see above)
	title         TEXT NOT NULL DEFAULT '',
	number        TEXT NOT NULL DEFAULT '',  -- 文号 / 收文编号 / 来文字号
	parties       TEXT NOT NULL DEFAULT '',  -- 来文单位, 主送, 抄送, 发布机关
	body          TEXT NOT NULL DEFAULT '',
	opinions      TEXT NOT NULL DEFAULT '',  -- 拟办/批示/审核 opinions, one per line
	kind          TEXT NOT NULL,
	object_id     INTEGER NOT NULL,
	org_id        INTEGER NOT NULL REFERENCES org(id),
	doc_date      TEXT,                      -- YYYY-MM-DD; NULL = unknown
	secrecy       TEXT NOT NULL DEFAULT '',  -- none, internal, secret, ... ('' = not applicable)
	department_id INTEGER,
	doc_type      TEXT NOT NULL DEFAULT '',  -- 文种 / 类别, as shown (通知, 司法解释)
	external_id   TEXT,                      -- the library's imported id
	UNIQUE (kind, object_id)
);
