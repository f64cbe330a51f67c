-- 022_library: 法规资料库, reference documents (laws, regulations, documents from higher
-- procuratorates). external_id is the import source's id: re-importing updates, never duplicates.

CREATE TABLE library_doc (
	id           INTEGER PRIMARY KEY,
	org_id       INTEGER NOT NULL REFERENCES org(id),
	external_id  TEXT,                       -- NULL for documents entered by hand
	title        TEXT NOT NULL,
	issuer       TEXT,                       -- 发布机关; NULL = unknown
	doc_date     TEXT,                       -- YYYY-MM-DD; NULL = unknown
	type         TEXT NOT NULL DEFAULT '',   -- 法律, 行政法规, 司法解释, ...
	category     TEXT,
	jurisdiction TEXT,                       -- CN, TW, ...
	script       TEXT,                       -- zh-Hans, zh-Hant
	abolished    INTEGER NOT NULL DEFAULT 0, -- 已废止
	body         TEXT NOT NULL DEFAULT '',
	version      INTEGER NOT NULL DEFAULT 1,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	UNIQUE (org_id, external_id)
);
-- list filters: all (newest first), by type
CREATE INDEX library_doc_date ON library_doc(org_id, doc_date, id);
CREATE INDEX library_doc_type ON library_doc(org_id, type, doc_date, id);
