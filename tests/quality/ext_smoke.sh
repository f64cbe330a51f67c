#!/bin/sh
# ext_smoke.sh SO - the sqlite3 shell loads the extension and searches a tokenize='cjk' table.
set -eu
so=$1
case $so in /*) ;; *) so=./$so ;; esac
out=$(sqlite3 :memory: <<SQL
.load $so
CREATE VIRTUAL TABLE t USING fts5(body, tokenize='cjk');
INSERT INTO t VALUES ('最高人民檢察院'), ('检察，院'), ('ＤＮＡ鉴定');
SELECT group_concat(rowid) FROM t WHERE t MATCH '"检察院"';
SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH '"dna"';
SQL
)
expected='1
[ＤＮＡ]鉴定'
if [ "$out" != "$expected" ]; then
	printf 'ext_smoke: FAIL\n--- got\n%s\n--- expected\n%s\n' "$out" "$expected"
	exit 1
fi
echo "ext_smoke: sqlite3 shell .load $1: ok"
