#!/bin/sh
# Exports benchmark (issue 7), through the HTTP API of a real `jianwu serve`:
#   - an Excel export of 100,000 audit rows (GET /api/v1/audit/export): wall time of the request
#     and the server's peak RSS (VmHWM in /proc/PID/status) before and after;
#   - milliseconds per PDF page of the GB/T 9704 正本 and of the 发文稿纸 (GET .../pdf,
#     .../draft.pdf), averaged over repeated requests after a warm-up.
#   bench/exports/run.sh [JIANWU_BIN] [WORKDIR]      (make exports-bench)
set -eu
bin=${1:-build/jianwu}
dir=${2:-build/exports-bench}
rows=${BENCH_ROWS:-100000}
pdf_runs=${BENCH_PDF_RUNS:-30}
port=${BENCH_PORT:-18761}
rm -rf "$dir"
mkdir -p "$dir"
db="$dir/bench.db"
"$bin" init --db "$db" --org 定边县人民检察院 --org-code 定检 --admin-password 'Jianwu#Root2026' >/dev/null 2>&1
"$bin" demo --db "$db" >/dev/null 2>&1
# 100,000 audit rows of one org, written straight into the table (the export does not verify the
# chain; `jianwu audit verify` would report the first of these rows, which is fine for a bench db)
sqlite3 "$db" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO audit_log (ts, org_id, actor_id, actor, ip, action, object_type, object_id, result,
                       detail, prev_hash, hash)
SELECT 1767196800 + i * 60, 1, 5, 'zhaol', '10.12.3.' || (i % 250), 
       CASE i % 4 WHEN 0 THEN 'incoming.action' WHEN 1 THEN 'outgoing.update'
                  WHEN 2 THEN 'session.login' ELSE 'outgoing.action' END,
       CASE i % 2 WHEN 0 THEN 'incoming' ELSE 'outgoing' END, CAST(i % 5000 AS TEXT),
       CASE WHEN i % 50 = 0 THEN 'fail:forbidden' ELSE 'ok' END,
       '收文〔2026〕' || (i % 900) || '号 关于开展专项检查工作的通知',
       printf('%064d', i - 1), printf('%064d', i)
FROM n;
SQL
# a long 正本 too (document 2, 60 paragraphs of body), to separate the per-document cost of a PDF
# (font subsetting) from the per-page one
sqlite3 "$db" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
UPDATE outgoing_doc SET body = (SELECT group_concat('　　（' || i || '）为进一步规范公文处理工作，' ||
       '提高办文质量和效率，根据《党政机关公文处理工作条例》和上级院有关规定，结合我院实际，' ||
       '现就有关事项通知如下，请各部门认真贯彻执行。', char(10)) FROM n) WHERE id = 2;
SQL
auditor=$("$bin" token create --db "$db" --user zhengx)
clerk=$("$bin" token create --db "$db" --user zhaol)
${BENCH_ENV:-} "$bin" serve --db "$db" --listen 127.0.0.1:$port ${BENCH_THREADS:+--threads $BENCH_THREADS} >"$dir/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT INT TERM
i=0
until curl -sf http://127.0.0.1:$port/api/v1/health >/dev/null; do
	i=$((i + 1)); [ $i -gt 100 ] && { echo "server did not start"; exit 1; }; sleep 0.1
done
hwm() { awk '/^VmHWM/ { print $2 }' /proc/$pid/status; }
tck=$(getconf CLK_TCK)
# the server's CPU time so far (user + system, ms): wall times on a loaded machine mislead
cpu() { awk -v t="$tck" '{ sub(/^.*\) /, ""); printf "%d\n", ($12 + $13) * 1000 / t }' /proc/$pid/stat; }
api() { # token path out
	curl -s -o "$3" -w '%{http_code} %{time_total} %{size_download}\n' -H "Authorization: Bearer $1" \
		"http://127.0.0.1:$port$2"
}
echo "server: $bin (pid $pid), $rows audit rows + demo data"
echo "server VmHWM after start: $(hwm) kB"
# the export first, on a fresh server: its peak is the export's own
before=$(hwm)
for run in 1 2 3; do
	c0=$(cpu)
	set -- $(api "$auditor" /api/v1/audit/export "$dir/audit.xlsx")
	c1=$(cpu)
	echo "xlsx run $run: HTTP $1, wall $(echo "$2" | awk '{ printf "%.3f", $1 }') s, server CPU $((c1 - c0)) ms, $(($3 / 1024)) KiB, server VmHWM $(hwm) kB"
done
after=$(hwm)
echo "xlsx: server peak RSS $((after / 1024)) MB, $(((after - before) / 1024)) MB over the idle server"
n=$(python3 -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read("xl/worksheets/sheet1.xml").count(b"<row "))' "$dir/audit.xlsx")
echo "xlsx: $((n - 1)) data rows in the file"
pdf_bench() { # name path
	k=0
	while [ $k -lt 8 ]; do # every worker thread builds its font map once
		api "$clerk" "$2" "$dir/$1.pdf" >/dev/null
		k=$((k + 1))
	done
	pages=$(pdfinfo "$dir/$1.pdf" | awk '/^Pages:/ { print $2 }')
	c0=$(cpu)
	start=$(date +%s.%N)
	k=0
	while [ $k -lt "$pdf_runs" ]; do
		api "$clerk" "$2" "$dir/$1.pdf" >/dev/null
		k=$((k + 1))
	done
	end=$(date +%s.%N)
	c1=$(cpu)
	echo "$1 $pages $start $end $pdf_runs $((c1 - c0))" | awk '{ t = ($4 - $3) * 1000 / $5; c = $6 / $5;
		printf "pdf %s: %d pages; server CPU %.1f ms per request = %.1f ms per page; wall %.1f ms per request (%d requests)\n", $1, $2, c, c / $2, t, $5 }'
}
pdf_bench zhengben /api/v1/outgoing/1/pdf
pdf_bench zhengben-long /api/v1/outgoing/2/pdf
pdf_bench draft /api/v1/outgoing/1/draft.pdf
pdf_bench sheet /api/v1/incoming/1/sheet.pdf
echo "server VmHWM after the PDFs: $(hwm) kB (fonts mapped by every worker thread)"
