-- 041_tasks_engine: 督办 on the shared approval engine, the org calendar and attachments.

-- 延期申请 and 报备审批 are instances of the approval engine (definitions task_extension and
-- task_filing, module 'task', object = the item). task_approval stays the item's own record of
-- its requests (old and new deadline, reason, outcome), kept by the module's listener in the
-- transaction of every engine action; instance_id names the engine instance that decides it.
-- approver_id and approver_roles of 040 are no longer written (the definition says who decides).
ALTER TABLE task_approval ADD COLUMN instance_id INTEGER;
CREATE UNIQUE INDEX task_approval_instance ON task_approval(instance_id);

-- yellow_from of task and task_part is derived from the org's working-day calendar: the
-- signature (sum of the org's wf_calendar row versions) it was last computed with. When the
-- stored calendar's signature differs, the scheduler recomputes the open items' yellow_from.
CREATE TABLE task_calendar_sig (
	org_id INTEGER PRIMARY KEY REFERENCES org(id),
	sig    INTEGER NOT NULL
);

-- files attached to a progress report (the file is linked to the item in file_link, kind 'task',
-- so everyone who may see the item may read it)
CREATE TABLE task_report_file (
	report_id INTEGER NOT NULL REFERENCES task_report(id),
	file_id   INTEGER NOT NULL REFERENCES file(id),
	sort      INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (report_id, file_id)
);
CREATE INDEX task_report_file_file ON task_report_file(file_id);
