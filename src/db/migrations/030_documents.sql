-- 030_documents: need-to-know (acl), 收文 (incoming), 发文 (outgoing), 传阅 (circulation),
-- opinions per step (收文处理单 / 发文稿纸), body versions (痕迹保留) and distribution.
-- Times are Unix seconds (INTEGER); dates are 'YYYY-MM-DD' (TEXT, sorts as dates).

-- Need-to-know (src/docs/acl.h): who may see an object besides the office and the leaders.
CREATE TABLE acl (
	org_id     INTEGER NOT NULL REFERENCES org(id),
	kind       TEXT NOT NULL,                -- incoming, outgoing, task, ...
	object_id  INTEGER NOT NULL,
	user_id    INTEGER NOT NULL REFERENCES app_user(id),
	reason     TEXT NOT NULL DEFAULT '',     -- creator, circulated, assigned, ...
	created_at INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (kind, object_id, user_id)
);
CREATE INDEX acl_user ON acl(user_id, kind, object_id);

-- 收文编号: one counter per org and year, taken in the registering transaction (no gaps).
CREATE TABLE incoming_counter (
	org_id INTEGER NOT NULL REFERENCES org(id),
	year   INTEGER NOT NULL,
	last   INTEGER NOT NULL,
	PRIMARY KEY (org_id, year)
);

CREATE TABLE incoming_doc (
	id            INTEGER PRIMARY KEY,
	org_id        INTEGER NOT NULL REFERENCES org(id),
	year          INTEGER NOT NULL,          -- year of received_date; the 收文编号 series
	seq           INTEGER NOT NULL,
	number        TEXT NOT NULL,             -- 收文〔2026〕12号
	title         TEXT NOT NULL,
	from_org      TEXT NOT NULL,             -- 来文单位
	from_number   TEXT NOT NULL DEFAULT '',  -- 来文字号
	doc_type      TEXT NOT NULL,             -- code of one of the 15 types
	secrecy       TEXT NOT NULL,             -- none, internal, secret, confidential, top_secret
	secrecy_years INTEGER NOT NULL DEFAULT 0,
	urgency       TEXT NOT NULL,             -- normal, urgent, very_urgent
	copies        INTEGER NOT NULL DEFAULT 1,
	pages         INTEGER NOT NULL DEFAULT 0,
	received_date TEXT NOT NULL,
	due_date      TEXT,                      -- 办理期限
	body          TEXT NOT NULL DEFAULT '',  -- empty for 秘密 and above on a non-classified network
	state         TEXT NOT NULL,
	source        TEXT NOT NULL DEFAULT 'external', -- internal: distributed from our own 发文
	outgoing_id   INTEGER,
	leader_id     INTEGER REFERENCES app_user(id), -- asked for 批示
	main_dept_id  INTEGER REFERENCES department(id),
	registrar_id  INTEGER NOT NULL REFERENCES app_user(id),
	finished_at   INTEGER,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	version       INTEGER NOT NULL DEFAULT 1,
	UNIQUE (org_id, year, seq)
);
-- One index per list filter; every list pages newest first by id.
CREATE INDEX incoming_year ON incoming_doc(org_id, year, id);
CREATE INDEX incoming_year_state ON incoming_doc(org_id, year, state, id);
CREATE INDEX incoming_state ON incoming_doc(org_id, state, id);
CREATE INDEX incoming_type ON incoming_doc(org_id, doc_type, id);
CREATE INDEX incoming_secrecy ON incoming_doc(org_id, secrecy, id);
CREATE INDEX incoming_due ON incoming_doc(org_id, due_date);
CREATE INDEX incoming_outgoing ON incoming_doc(outgoing_id);

-- 承办: one 主办 and any number of 协办 departments per document, each with its deadline.
CREATE TABLE incoming_assignment (
	id            INTEGER PRIMARY KEY,
	doc_id        INTEGER NOT NULL REFERENCES incoming_doc(id),
	department_id INTEGER NOT NULL REFERENCES department(id),
	role          TEXT NOT NULL,             -- main, assist
	deadline      TEXT,
	head_id       INTEGER REFERENCES app_user(id),
	delegate_id   INTEGER REFERENCES app_user(id), -- 承办人 the head handed it to
	state         TEXT NOT NULL DEFAULT 'pending', -- pending, done
	result        TEXT NOT NULL DEFAULT '',
	reported_by   INTEGER REFERENCES app_user(id),
	reported_at   INTEGER,
	created_at    INTEGER NOT NULL,
	UNIQUE (doc_id, department_id)
);
CREATE INDEX incoming_assignment_dept ON incoming_assignment(department_id, doc_id);

-- Every step taken, with its opinion, name and time: the 收文处理单 and the 发文稿纸 opinions.
CREATE TABLE doc_opinion (
	id             INTEGER PRIMARY KEY,
	org_id         INTEGER NOT NULL REFERENCES org(id),
	kind           TEXT NOT NULL,            -- incoming, outgoing
	doc_id         INTEGER NOT NULL,
	action         TEXT NOT NULL,            -- review, return, instruct, sign, ...
	step           TEXT NOT NULL,            -- 初审, 批办, 签发, ... (as shown on the sheet)
	opinion        TEXT NOT NULL DEFAULT '',
	user_id        INTEGER NOT NULL REFERENCES app_user(id),
	user_name      TEXT NOT NULL,
	dept_name      TEXT NOT NULL DEFAULT '',
	on_behalf_id   INTEGER REFERENCES app_user(id), -- 代: whose authority
	on_behalf_name TEXT,
	from_state     TEXT NOT NULL DEFAULT '',
	to_state       TEXT NOT NULL DEFAULT '',
	detail         TEXT,                     -- JSON: departments, deadlines, recipients ...
	created_at     INTEGER NOT NULL
);
CREATE INDEX doc_opinion_doc ON doc_opinion(kind, doc_id, id);

-- 传阅 with read receipts.
CREATE TABLE circulation (
	id        INTEGER PRIMARY KEY,
	org_id    INTEGER NOT NULL REFERENCES org(id),
	doc_id    INTEGER NOT NULL REFERENCES incoming_doc(id),
	user_id   INTEGER NOT NULL REFERENCES app_user(id),
	sender_id INTEGER NOT NULL REFERENCES app_user(id),
	sent_at   INTEGER NOT NULL,
	read_at   INTEGER,
	comment   TEXT NOT NULL DEFAULT '',
	UNIQUE (doc_id, user_id)
);
CREATE INDEX circulation_user ON circulation(user_id, read_at, sent_at);
CREATE INDEX circulation_unread ON circulation(org_id, read_at, sent_at);

CREATE TABLE outgoing_doc (
	id              INTEGER PRIMARY KEY,
	org_id          INTEGER NOT NULL REFERENCES org(id),
	year            INTEGER NOT NULL,        -- year drafted; the year of the 文号 once numbered
	title           TEXT NOT NULL,
	doc_type        TEXT NOT NULL,
	main_to         TEXT NOT NULL DEFAULT '', -- 主送
	copy_to         TEXT NOT NULL DEFAULT '', -- 抄送
	secrecy         TEXT NOT NULL,
	secrecy_years   INTEGER NOT NULL DEFAULT 0,
	urgency         TEXT NOT NULL,
	direction       TEXT NOT NULL,           -- up (上行), parallel (平行), down (下行)
	dept_id         INTEGER NOT NULL REFERENCES department(id), -- 主办科室
	drafter_id      INTEGER NOT NULL REFERENCES app_user(id),   -- 拟稿人
	print_copies    INTEGER NOT NULL DEFAULT 0,                 -- 印制份数
	body            TEXT NOT NULL DEFAULT '',
	attachment_note TEXT NOT NULL DEFAULT '', -- 附件说明
	body_version    INTEGER NOT NULL DEFAULT 0,
	state           TEXT NOT NULL,
	series_id       INTEGER,
	number          TEXT,                    -- 定检发〔2026〕5号
	signer_id       INTEGER REFERENCES app_user(id),
	signer_name     TEXT,
	signer_behalf_name TEXT,                 -- 代: on whose authority
	signed_at       INTEGER,
	sign_date       TEXT,                    -- 成文日期
	printed_date    TEXT,
	distributed_at  INTEGER,
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL,
	version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX outgoing_year ON outgoing_doc(org_id, year, id);
CREATE INDEX outgoing_year_state ON outgoing_doc(org_id, year, state, id);
CREATE INDEX outgoing_state ON outgoing_doc(org_id, state, id);
CREATE INDEX outgoing_type ON outgoing_doc(org_id, doc_type, id);
CREATE INDEX outgoing_secrecy ON outgoing_doc(org_id, secrecy, id);
CREATE INDEX outgoing_dept ON outgoing_doc(org_id, dept_id, id);
CREATE INDEX outgoing_direction ON outgoing_doc(org_id, direction, id);

-- 痕迹保留: every saved 正文 with its author.
CREATE TABLE outgoing_version (
	id          INTEGER PRIMARY KEY,
	doc_id      INTEGER NOT NULL REFERENCES outgoing_doc(id),
	no          INTEGER NOT NULL,
	body        TEXT NOT NULL,
	author_id   INTEGER NOT NULL REFERENCES app_user(id),
	author_name TEXT NOT NULL,
	state       TEXT NOT NULL,               -- the step in which it was written
	created_at  INTEGER NOT NULL,
	UNIQUE (doc_id, no)
);

-- 会签: every involved department's head signs.
CREATE TABLE outgoing_countersign (
	id            INTEGER PRIMARY KEY,
	doc_id        INTEGER NOT NULL REFERENCES outgoing_doc(id),
	department_id INTEGER NOT NULL REFERENCES department(id),
	state         TEXT NOT NULL DEFAULT 'pending', -- pending, signed
	signer_id     INTEGER REFERENCES app_user(id),
	signer_name   TEXT,
	opinion       TEXT NOT NULL DEFAULT '',
	signed_at     INTEGER,
	UNIQUE (doc_id, department_id)
);
CREATE INDEX outgoing_countersign_dept ON outgoing_countersign(department_id, doc_id);

-- 分发: internal recipients (who get the document in their 收文) and external ones.
CREATE TABLE outgoing_recipient (
	id          INTEGER PRIMARY KEY,
	doc_id      INTEGER NOT NULL REFERENCES outgoing_doc(id),
	kind        TEXT NOT NULL,               -- internal, external
	user_id     INTEGER REFERENCES app_user(id),
	name        TEXT NOT NULL,               -- user's name or the outside unit
	method      TEXT NOT NULL DEFAULT '',    -- 机要交通, 邮寄, 电子公文系统, 专人送达 ...
	sent_date   TEXT NOT NULL,
	incoming_id INTEGER REFERENCES incoming_doc(id),
	created_at  INTEGER NOT NULL
);
CREATE INDEX outgoing_recipient_doc ON outgoing_recipient(doc_id);
