#!/usr/bin/env bash
# Every test: the type check, the layers, then vitest (unit, property, end-to-end on real files,
# DuckDB, a real server on loopback, Debian's chromium for pages, the AWS path end to end).
# Installs what it needs when missing.
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
# LibreOffice Calc (headless) saves the report template again in a test, as a clerk might.
if ! command -v soffice >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian's LibreOffice Calc (headless) for the template round trip…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null
  else
    echo "The template test needs Debian's LibreOffice Calc: sudo apt-get install libreoffice-calc-nogui" >&2
    exit 1
  fi
fi
npx tsc -p .
npm run --silent check:layers
mkdir -p test-output
status=0
# The hostile-input tests measure the server's latency and memory: they run alone, after the
# rest, so other test files competing for the two cores do not count against the server.
HOSTILE=test/local/hostile.test.ts
npx vitest run --reporter=default --reporter=json --outputFile=test-output/vitest.json --exclude "$HOSTILE" "$@" || status=$?
npx vitest run --reporter=default --reporter=json --outputFile=test-output/vitest-hostile.json "$HOSTILE" "$@" || status=$?
# The closing line CI reads, plain: "N passed, N failed".
node -e '
  const runs = ["./test-output/vitest.json", "./test-output/vitest-hostile.json"].map((f) => { try { return require(f); } catch { return null; } }).filter(Boolean);
  const sum = (k) => runs.reduce((n, r) => n + r[k], 0);
  console.log(`${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed, ${sum("numPendingTests") + sum("numTodoTests")} skipped`);
' || true
exit $status
