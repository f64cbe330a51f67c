#!/bin/sh
# Installs the Debian packages Jianwu needs, and only those that are missing.
#   scripts/deps.sh run     build + run (make run)
#   scripts/deps.sh check   run + test tools (make check): chromium, poppler, wrk, nginx, postgresql
# The one list of system dependencies; nothing else in the tree calls apt-get.
set -eu

RUN_PKGS="build-essential pkg-config
libmicrohttpd-dev libsqlite3-dev sqlite3 libpq-dev libjansson-dev libsodium-dev libssl-dev
libopencc-dev opencc libicu-dev libcairo2-dev libpango1.0-dev zlib1g-dev libmagic-dev
fonts-noto-cjk fonts-arphic-ukai texlive-lang-chinese"

CHECK_PKGS="libcmocka-dev poppler-utils chromium wrk nginx-light postgresql python3 curl
libreoffice-calc-nogui clang libclang-rt-14-dev"

want="$RUN_PKGS"
[ "${1:-run}" = check ] && want="$RUN_PKGS $CHECK_PKGS"
command -v node >/dev/null 2>&1 || want="$want nodejs npm"

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "jianwu: installing Debian packages:$missing" >&2
if [ "$(id -u)" != 0 ]; then
	echo "jianwu: run as root (or install them yourself):$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || true
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
