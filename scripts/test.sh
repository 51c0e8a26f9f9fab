#!/usr/bin/env bash
# Every test: the type check, then vitest (unit, property, end-to-end on real files, DuckDB, a
# real server on loopback, Debian's chromium for pages). Installs what it needs when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian's chromium for the browser tests…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "The browser tests need Debian's chromium: sudo apt-get install chromium" >&2
    exit 1
  fi
fi
npx tsc -p .
npm run --silent check:layers
mkdir -p test-output
status=0
npx vitest run --reporter=default --reporter=json --outputFile=test-output/vitest.json "$@" || status=$?
# The closing line CI reads, plain: "N passed, N failed".
node -e 'const r = require("./test-output/vitest.json"); console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`)' || true
exit $status
