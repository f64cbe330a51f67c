-- 011_workflow: the approval engine's store (src/workflow/wf_store.h).
-- Times are Unix seconds. JSON documents are TEXT.

-- Definitions, versioned per org: a save adds version max+1; instances keep the version they
-- started with, so rows are never updated (active aside) nor deleted.
CREATE TABLE wf_definition (
	id          INTEGER PRIMARY KEY,
	org_id      INTEGER NOT NULL REFERENCES org(id),
	def_key     TEXT NOT NULL,
	version     INTEGER NOT NULL,
	name        TEXT NOT NULL,
	body        TEXT NOT NULL,               -- the definition JSON (definition.h)
	active      INTEGER NOT NULL DEFAULT 1,  -- 0: new instances refused (running ones go on)
	created_by  INTEGER REFERENCES app_user(id),
	created_at  INTEGER NOT NULL,
	UNIQUE (org_id, def_key, version)
);

-- One approval. doc is the engine's instance (instance.h), the source of truth; the other columns
-- are copies for lists, filters and the scheduler.
CREATE TABLE wf_instance (
	id             INTEGER PRIMARY KEY,
	org_id         INTEGER NOT NULL REFERENCES org(id),
	def_key        TEXT NOT NULL,
	def_version    INTEGER NOT NULL,
	def_name       TEXT NOT NULL,
	module         TEXT NOT NULL,            -- "approval" (报备审批 forms), "outgoing", "task", ...
	object_id      INTEGER NOT NULL,         -- the module's object (forms: the instance itself)
	title          TEXT NOT NULL,
	initiator      INTEGER NOT NULL REFERENCES app_user(id),
	initiator_dept INTEGER NOT NULL,
	state          TEXT NOT NULL,            -- running returned withdrawn approved rejected cancelled
	step_name      TEXT NOT NULL DEFAULT '', -- the current step while running
	version        INTEGER NOT NULL DEFAULT 1,
	doc            TEXT NOT NULL,
	submitted_at   INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL,
	finished_at    INTEGER,
	next_timer_at  INTEGER                   -- earliest unfired reminder/due/escalation, or NULL
);
CREATE INDEX wf_instance_mine ON wf_instance(initiator, submitted_at, id);
CREATE INDEX wf_instance_org ON wf_instance(org_id, submitted_at, id);
CREATE INDEX wf_instance_timer ON wf_instance(next_timer_at) WHERE next_timer_at IS NOT NULL;
CREATE INDEX wf_instance_object ON wf_instance(module, object_id);

-- The timeline: one row per engine history entry, append-only.
CREATE TABLE wf_history (
	instance_id INTEGER NOT NULL REFERENCES wf_instance(id),
	seq         INTEGER NOT NULL,
	at          INTEGER NOT NULL,
	actor       INTEGER,                     -- NULL: the system (scheduler)
	event       TEXT NOT NULL,
	step        INTEGER NOT NULL,            -- step index, -1 none
	item_id     INTEGER,
	target      INTEGER,                     -- transfer/add-signer target, escalation supervisor
	to_step     INTEGER,                     -- return: -1 initiator, else the step index
	position    TEXT,                        -- add_signer: before | after
	state       TEXT NOT NULL,               -- instance state after the event
	opinion     TEXT,
	PRIMARY KEY (instance_id, seq)
);
