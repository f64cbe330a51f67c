#!/bin/sh
# bench/http: wrk against GET /api/v1/me (Bearer token, a real DB lookup per request) and, in the
# same run, against nginx serving a small static file on loopback. Prints both rates, their ratio
# and jianwu's resident memory (peak and at the end) under 64 connections.
#   sh bench/http/run.sh [seconds]      (needs wrk and nginx: `sh scripts/deps.sh check`)
set -eu
cd "$(dirname "$0")/../.."
SECS=${1:-10}
CONNS=64
THREADS=2
work=$(mktemp -d)
trap 'kill $jw_pid $ngx_pid 2>/dev/null || true; mkdir -p build; cp "$work/wrk.log" build/bench-http-wrk.log 2>/dev/null; rm -rf "$work"' EXIT

make -s all
build/jianwu init --db "$work/b.db" --org 基准院 --org-code 基检 --admin-password 'Bench#2026x' 2>/dev/null >/dev/null
token=$(build/jianwu token create --db "$work/b.db" --user admin 2>/dev/null)
build/jianwu serve --db "$work/b.db" --listen 127.0.0.1:18181 > "$work/jw.out" 2>"$work/jw.err" &
jw_pid=$!

mkdir -p "$work/www"
printf '{"status":"ok","version":"static"}\n' > "$work/www/me.json"
cat > "$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  server { listen 127.0.0.1:18182; root $work/www; location / { try_files \$uri =404; } }
}
CONF
chmod -R a+rX "$work" # nginx workers run as www-data
nginx -c "$work/nginx.conf" -g 'daemon off;' &
ngx_pid=$!
sleep 1
curl -sf http://127.0.0.1:18182/me.json >/dev/null || { echo "nginx does not serve the file" >&2; exit 1; }

rate() { # url [header]
	if [ -n "${2:-}" ]; then
		wrk -t$THREADS -c$CONNS -d"${SECS}s" -H "$2" "$1"
	else
		wrk -t$THREADS -c$CONNS -d"${SECS}s" "$1"
	fi | tee -a "$work/wrk.log" | awk '/Requests\/sec/ {print $2}'
}

curl -sf -H "Authorization: Bearer $token" http://127.0.0.1:18181/api/v1/me >/dev/null
# interleaved rounds, median of each: both see the same machine noise
for i in 1 2 3; do
	rate http://127.0.0.1:18181/api/v1/me "Authorization: Bearer $token" >> "$work/jw.rates"
	rate http://127.0.0.1:18182/me.json >> "$work/ngx.rates"
done
median() { sort -n "$1" | sed -n 2p; }
jw=$(median "$work/jw.rates")
ngx=$(median "$work/ngx.rates")
hwm=$(awk '/VmHWM/ {print $2}' /proc/$jw_pid/status)
rss=$(awk '/VmRSS/ {print $2}' /proc/$jw_pid/status)
errors=$(awk '/Non-2xx/ {s += $5} END {print s + 0}' "$work/wrk.log")
echo "wrk -t$THREADS -c$CONNS -d${SECS}s, 3 interleaved rounds (median), $(nproc) cores"
echo "jianwu GET /api/v1/me (Bearer): $jw requests/s"
echo "nginx static file:              $ngx requests/s"
awk -v a="$jw" -v b="$ngx" 'BEGIN { printf "ratio jianwu/nginx:             %.2f\n", a / b }'
echo "jianwu resident memory: peak $((hwm / 1024)) MB, now $((rss / 1024)) MB"
echo "non-2xx answers reported by wrk: $errors"
