-- 031_documents_gen: a change counter of everything a 收文 list total depends on (the documents,
-- their 承办 departments and their need-to-know rows). It is bumped by triggers in the writing
-- transaction, whoever writes, so a total cached under one value of the counter is exact for as
-- long as the counter keeps that value (src/docs/incoming.c, incoming_list_text).
-- Also: the reminder walk over unread circulation (circulation_unread_each) reads all orgs by
-- time, so its index is the unread rows by send time.

CREATE TABLE incoming_gen (
	id  INTEGER PRIMARY KEY CHECK (id = 1),
	gen INTEGER NOT NULL
);
INSERT INTO incoming_gen (id, gen) VALUES (1, 0);

CREATE TRIGGER incoming_gen_doc_ins AFTER INSERT ON incoming_doc
BEGIN UPDATE incoming_gen SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER incoming_gen_doc_upd AFTER UPDATE ON incoming_doc
BEGIN UPDATE incoming_gen SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER incoming_gen_doc_del AFTER DELETE ON incoming_doc
BEGIN UPDATE incoming_gen SET gen = gen + 1 WHERE id = 1; END;

CREATE TRIGGER incoming_gen_asg_ins AFTER INSERT ON incoming_assignment
BEGIN UPDATE incoming_gen SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER incoming_gen_asg_upd AFTER UPDATE ON incoming_assignment
BEGIN UPDATE incoming_gen SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER incoming_gen_asg_del AFTER DELETE ON incoming_assignment
BEGIN UPDATE incoming_gen SET gen = gen + 1 WHERE id = 1; END;

CREATE TRIGGER incoming_gen_acl_ins AFTER INSERT ON acl WHEN NEW.kind = 'incoming'
BEGIN UPDATE incoming_gen SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER incoming_gen_acl_upd AFTER UPDATE ON acl WHEN NEW.kind = 'incoming' OR OLD.kind = 'incoming'
BEGIN UPDATE incoming_gen SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER incoming_gen_acl_del AFTER DELETE ON acl WHEN OLD.kind = 'incoming'
BEGIN UPDATE incoming_gen SET gen = gen + 1 WHERE id = 1; END;

DROP INDEX circulation_unread;
CREATE INDEX circulation_unread ON circulation(sent_at) WHERE read_at IS NULL;
