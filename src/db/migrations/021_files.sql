-- 021_files: uploaded files (one row per upload; the content is stored once per SM3 digest under
-- <db dir>/files, see src/files/files.h) and their links to business objects.

CREATE TABLE file (
	id          INTEGER PRIMARY KEY,
	org_id      INTEGER NOT NULL REFERENCES org(id),
	sm3         TEXT NOT NULL,               -- hex digest; names the stored blob files/ab/cdef...
	size        INTEGER NOT NULL,
	kind        TEXT NOT NULL,               -- pdf, ofd, doc, docx, wps, xls, xlsx, jpg, png, tif, txt, zip
	mime        TEXT NOT NULL,               -- served as Content-Type
	name        TEXT NOT NULL,               -- original file name as given; never used as a path
	uploader_id INTEGER NOT NULL REFERENCES app_user(id),
	created_at  INTEGER NOT NULL
);
CREATE INDEX file_uploader ON file(org_id, uploader_id, id);
CREATE INDEX file_sm3 ON file(sm3);

-- A file attached to a business object: readable by whoever may see the object (acl contract).
CREATE TABLE file_link (
	file_id    INTEGER NOT NULL REFERENCES file(id),
	kind       TEXT NOT NULL,                -- incoming, outgoing, task, ...
	object_id  INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (file_id, kind, object_id)
);
CREATE INDEX file_link_object ON file_link(kind, object_id, file_id);
