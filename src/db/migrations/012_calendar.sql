-- 012_calendar: the working-day calendar of each org, one JSON document per year (workday.h),
-- seeded from the built-in official schedule and edited by the office director or sysadmin.
CREATE TABLE wf_calendar (
	org_id     INTEGER NOT NULL REFERENCES org(id),
	year       INTEGER NOT NULL,
	body       TEXT NOT NULL,
	version    INTEGER NOT NULL DEFAULT 1,
	updated_by INTEGER REFERENCES app_user(id),
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (org_id, year)
);
