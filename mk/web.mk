# Web UI fragment (web/, tests/e2e, bench/ui). `make web` (Makefile) builds web/dist; make check runs
# tests/e2e itself (scripts/check.sh). These targets run pieces alone:
#   make web-typecheck  vue-tsc over web/src (also a make check suite)
#   make e2e            the browser tests: real build/jianwu + web/dist in Debian's chromium
#   make bench-ui       gzip bytes and first render of the sign-in page and workbench
#                       (figures in bench/ui/README.md)

.PHONY: web-typecheck e2e bench-ui
CHECK_SUITES += web-typecheck

tests/node_modules/.package-lock.json: tests/package-lock.json
	cd tests && npm ci --no-audit --no-fund

web-typecheck: web/dist/index.html
	cd web && npx --no-install vue-tsc --noEmit -p tsconfig.json && echo "web typecheck: ok"

e2e: all web tests/node_modules/.package-lock.json
	node --test --test-concurrency=1 tests/e2e/

bench-ui: all web tests/node_modules/.package-lock.json
	node bench/ui/run.mjs
