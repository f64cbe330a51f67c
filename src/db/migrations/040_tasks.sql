-- 040_tasks: 督察督办 (supervision of tasks). Dates are days since 1970-01-01 (INTEGER, China
-- dates; src/core/timeutil.h), times are Unix seconds. Need-to-know rows live in acl (kind 'task').

-- 编号 counters: one per (org, year), 督〔2026〕12号, no gaps (taken in the 立项 transaction).
CREATE TABLE task_counter (
	org_id INTEGER NOT NULL REFERENCES org(id),
	year   INTEGER NOT NULL,
	last   INTEGER NOT NULL,
	PRIMARY KEY (org_id, year)
);

CREATE TABLE task (
	id            INTEGER PRIMARY KEY,
	org_id        INTEGER NOT NULL REFERENCES org(id),
	year          INTEGER,                  -- 编号 year; NULL until 立项
	seq           INTEGER,                  -- 编号 sequence; NULL until 立项
	number        TEXT,                     -- 督〔2026〕12号
	title         TEXT NOT NULL,
	content       TEXT NOT NULL DEFAULT '',
	source        TEXT NOT NULL,            -- party_group chief_meeting leader_instruction superior key_work incoming
	link_kind     TEXT,                     -- 'incoming' for a 收文's 批示
	link_id       INTEGER,
	type          TEXT NOT NULL,            -- routine | complex
	lead_dept_id  INTEGER NOT NULL REFERENCES department(id),
	responsible_id INTEGER NOT NULL REFERENCES app_user(id), -- 责任人 (lead department)
	leader_id     INTEGER NOT NULL REFERENCES app_user(id),  -- 责任领导
	creator_id    INTEGER NOT NULL REFERENCES app_user(id),
	filed         INTEGER NOT NULL DEFAULT 0, -- went through 报备审批 (a department's own item)
	state         TEXT NOT NULL,
	assigned_date INTEGER NOT NULL,         -- 交办日期
	deadline      INTEGER NOT NULL,         -- 办理时限, moved by approved extensions
	orig_deadline INTEGER NOT NULL,
	yellow_from   INTEGER NOT NULL,         -- first date of the yellow light (working days)
	feedback      TEXT NOT NULL,            -- none weekly monthly quarterly
	extensions    INTEGER NOT NULL DEFAULT 0, -- approved extensions
	done_date     INTEGER,                  -- date of the accepted 办结报告 (报结)
	closed_date   INTEGER,                  -- 销号日期
	archived_at   INTEGER,
	version       INTEGER NOT NULL DEFAULT 1,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	UNIQUE (org_id, year, seq)
);
-- statistics: one range scan on deadline, covering every column the aggregate reads
CREATE INDEX task_stats ON task(org_id, deadline, lead_dept_id, source, state, done_date,
	extensions, assigned_date);
-- items assigned per period (statistics, dashboard by month), covering
CREATE INDEX task_assigned ON task(org_id, assigned_date, deadline, lead_dept_id, source, state);
-- the scheduler: items in handling, across orgs
CREATE INDEX task_sched ON task(state, id);
CREATE INDEX task_state ON task(org_id, state, deadline);
CREATE INDEX task_dept ON task(org_id, lead_dept_id, state);
CREATE INDEX task_responsible ON task(responsible_id, state);
CREATE INDEX task_leader ON task(leader_id, state);
CREATE INDEX task_creator ON task(creator_id, state);
CREATE INDEX task_link ON task(link_kind, link_id);

-- sub-tasks: the content split per department, each with its own person and deadline
CREATE TABLE task_part (
	id            INTEGER PRIMARY KEY,
	task_id       INTEGER NOT NULL REFERENCES task(id),
	department_id INTEGER NOT NULL REFERENCES department(id),
	role          TEXT NOT NULL,            -- lead | assist
	assignee_id   INTEGER NOT NULL REFERENCES app_user(id),
	content       TEXT NOT NULL,
	deadline      INTEGER NOT NULL,
	yellow_from   INTEGER NOT NULL,
	state         TEXT NOT NULL DEFAULT 'open', -- open | signed | done
	signed_at     INTEGER,
	done_at       INTEGER,
	done_date     INTEGER,
	result        TEXT NOT NULL DEFAULT '',
	sort          INTEGER NOT NULL DEFAULT 0,
	item_open     INTEGER NOT NULL DEFAULT 0 -- copy of "the item shows a light", kept by set_state
);
CREATE INDEX task_part_task ON task_part(task_id, sort);
CREATE INDEX task_part_assignee ON task_part(assignee_id, task_id);
CREATE INDEX task_part_dept ON task_part(department_id, task_id);
-- the department board: a department's parts of items in handling, not its whole history
CREATE INDEX task_part_board ON task_part(department_id, task_id) WHERE item_open = 1;

-- 督办人: one for a routine item, several joint supervisors for a complex one (all must pass)
CREATE TABLE task_supervisor (
	task_id    INTEGER NOT NULL REFERENCES task(id),
	user_id    INTEGER NOT NULL REFERENCES app_user(id),
	passed_at  INTEGER,                     -- 初审 passed in the current round
	PRIMARY KEY (task_id, user_id)
);
CREATE INDEX task_supervisor_user ON task_supervisor(user_id, task_id);

-- 留痕 of the item: every action with name, time, opinion
CREATE TABLE task_event (
	id         INTEGER PRIMARY KEY,
	task_id    INTEGER NOT NULL REFERENCES task(id),
	ts         INTEGER NOT NULL,
	actor_id   INTEGER,                     -- NULL: the scheduler
	actor_name TEXT NOT NULL,
	action     TEXT NOT NULL,
	from_state TEXT NOT NULL DEFAULT '',
	to_state   TEXT NOT NULL DEFAULT '',
	opinion    TEXT NOT NULL DEFAULT '',
	detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX task_event_task ON task_event(task_id, id);

-- 进展记录 (progress reports); report_date decides which 反馈周期 slot it answers
CREATE TABLE task_report (
	id          INTEGER PRIMARY KEY,
	task_id     INTEGER NOT NULL REFERENCES task(id),
	part_id     INTEGER REFERENCES task_part(id),
	author_id   INTEGER NOT NULL REFERENCES app_user(id),
	author_name TEXT NOT NULL,
	content     TEXT NOT NULL,
	report_date INTEGER NOT NULL,
	created_at  INTEGER NOT NULL
);
CREATE INDEX task_report_task ON task_report(task_id, report_date);

-- approvals of the module (延期申请, 报备审批), behind src/tasks/tasks_approval.h
CREATE TABLE task_approval (
	id           INTEGER PRIMARY KEY,
	org_id       INTEGER NOT NULL REFERENCES org(id),
	task_id      INTEGER NOT NULL REFERENCES task(id),
	kind         TEXT NOT NULL,             -- extension | filing
	state        TEXT NOT NULL,             -- pending | approved | refused | withdrawn
	requester_id INTEGER NOT NULL REFERENCES app_user(id),
	approver_id  INTEGER,                   -- a named approver, or NULL = anyone of approver_roles
	approver_roles TEXT NOT NULL DEFAULT '', -- role codes, comma separated
	reason       TEXT NOT NULL DEFAULT '',
	old_deadline INTEGER,
	new_deadline INTEGER,
	decided_by   INTEGER REFERENCES app_user(id),
	decided_name TEXT,
	opinion      TEXT NOT NULL DEFAULT '',
	created_at   INTEGER NOT NULL,
	decided_at   INTEGER
);
CREATE INDEX task_approval_task ON task_approval(task_id, kind, state);
-- at most one pending approval of a kind per item
CREATE UNIQUE INDEX task_approval_pending ON task_approval(task_id, kind) WHERE state = 'pending';

-- reminder ledger: each automatic reminder fires exactly once per (item, part, kind, due date);
-- the row and the notices it sends commit in one transaction, so a restart cannot repeat it.
-- due_key is the deadline / report due date (days) the reminder is about; for a manual 催办 it
-- is the id of its history event.
CREATE TABLE task_reminder (
	id         INTEGER PRIMARY KEY,
	org_id     INTEGER NOT NULL REFERENCES org(id),
	task_id    INTEGER NOT NULL REFERENCES task(id),
	part_id    INTEGER NOT NULL DEFAULT 0,
	kind       TEXT NOT NULL,               -- near_due overdue escalate report_overdue part_overdue manual
	due_key    INTEGER NOT NULL,
	fired_at   INTEGER NOT NULL,
	actor_id   INTEGER,                     -- manual 催办: who; NULL: the scheduler
	recipients TEXT NOT NULL DEFAULT '',    -- names, for the item page
	message    TEXT NOT NULL DEFAULT '',
	UNIQUE (task_id, part_id, kind, due_key)
);
CREATE INDEX task_reminder_org ON task_reminder(org_id, fired_at);
