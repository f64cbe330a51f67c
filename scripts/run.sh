#!/bin/sh
# make run: a demo database under var/ on first start, then the server on 127.0.0.1:8080.
set -eu
cd "$(dirname "$0")/.."
DB=${JIANWU_DB:-var/jianwu.db}
LISTEN=${JIANWU_LISTEN:-127.0.0.1:8080}
mkdir -p "$(dirname "$DB")"
if [ ! -f "$DB" ]; then
	pw=$(head -c 12 /dev/urandom | base64 | tr -d '/+=' | cut -c1-12)
	pw="Jw#${pw}9a"
	build/jianwu init --db "$DB" --org 定边县人民检察院 --org-code 定检 --admin-password "$pw" 2>/dev/null
	build/jianwu demo --db "$DB" 2>/dev/null > var/demo-logins.txt
	printf '系统管理员：admin / %s\n' "$pw" >> var/demo-logins.txt
	chmod 600 var/demo-logins.txt
fi
echo "================================================================"
echo " 检务 Jianwu  http://$LISTEN"
cat var/demo-logins.txt 2>/dev/null || true
echo "================================================================"
exec build/jianwu serve --db "$DB" --listen "$LISTEN" --web web/dist
