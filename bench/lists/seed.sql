-- 100,000 收文 for bench/lists: 10,000 a year over 2016–2025 (the demo fills 2026), each with its
-- 收文编号, in a realistic spread of states (most archived; a few percent in each working state).
-- 2% of them are circulated to 陈杰 (acl rows), so a 干警's list exercises need-to-know.
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99999)
INSERT INTO incoming_doc (org_id, year, seq, number, title, from_org, from_number, doc_type,
	secrecy, secrecy_years, urgency, copies, pages, received_date, due_date, body, state, source,
	registrar_id, created_at, updated_at)
SELECT o.id, 2016 + i / 10000, i % 10000 + 1,
	'收文〔' || (2016 + i / 10000) || '〕' || (i % 10000 + 1) || '号',
	'关于开展' || (2016 + i / 10000) || '年度第' || (i % 10000 + 1) || '项检察工作的通知',
	CASE i % 4 WHEN 0 THEN '榆林市人民检察院' WHEN 1 THEN '陕西省人民检察院'
		WHEN 2 THEN '中共定边县委办公室' ELSE '定边县人民政府办公室' END,
	'榆检发〔' || (2016 + i / 10000) || '〕' || (i % 500 + 1) || '号',
	CASE i % 5 WHEN 0 THEN 'letter' WHEN 1 THEN 'circular' ELSE 'notice' END,
	CASE WHEN i % 20 = 0 THEN 'internal' ELSE 'none' END, 0,
	CASE WHEN i % 10 = 0 THEN 'urgent' ELSE 'normal' END, 1, 4,
	date((2016 + i / 10000) || '-01-01', '+' || ((i % 10000) * 365 / 10000) || ' days'),
	date((2016 + i / 10000) || '-01-01', '+' || ((i % 10000) * 365 / 10000 + 15) || ' days'),
	'各县（区）人民检察院：现将有关事项通知如下。',
	CASE WHEN i % 100 < 80 THEN 'archivable' WHEN i % 100 < 85 THEN 'finished'
		WHEN i % 100 < 92 THEN 'handling' WHEN i % 100 < 95 THEN 'circulating'
		WHEN i % 100 = 95 THEN 'registered' WHEN i % 100 = 96 THEN 'reviewed'
		WHEN i % 100 = 97 THEN 'proposed' WHEN i % 100 = 98 THEN 'instructed'
		ELSE 'returned' END,
	'external', u.id, 1500000000 + i * 3000, 1500000000 + i * 3000
FROM n, org o, app_user u WHERE u.username = 'zhaol' AND o.id = u.org_id;
INSERT INTO incoming_counter (org_id, year, last)
	SELECT org_id, year, max(seq) FROM incoming_doc WHERE year < 2026 GROUP BY org_id, year;
INSERT INTO acl (org_id, kind, object_id, user_id, reason, created_at)
	SELECT d.org_id, 'incoming', d.id, u.id, 'circulated', d.created_at
	FROM incoming_doc d, app_user u WHERE u.username = 'chenj' AND d.year < 2026 AND d.id % 50 = 0;
COMMIT;
ANALYZE;
