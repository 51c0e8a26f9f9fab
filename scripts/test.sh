#!/usr/bin/env bash
# Every test: the type check, the layers, then vitest (unit, property, end-to-end on real files,
# DuckDB, a real server on loopback, Debian's chromium for pages, the AWS path end to end).
# Installs what it needs when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
# Debian's tools the tests use as independent parts: chromium (pages), LibreOffice Calc (saves the
# template again, as a clerk might), openpyxl (reads our .xlsx back; Debian's /usr/bin/python3), poppler (reads our PDFs'
# text and renders a page), zbar (decodes a printed QR code).
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
/usr/bin/python3 -c 'import openpyxl' >/dev/null 2>&1 || missing+=(python3-openpyxl)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v zbarimg >/dev/null 2>&1 || missing+=(zbar-tools)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian's ${missing[*]} for the tests…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "The tests need Debian's ${missing[*]}: sudo apt-get install ${missing[*]}" >&2
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
