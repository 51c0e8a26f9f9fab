#!/usr/bin/env bash
# Every test: the type check, then vitest (unit, property, end-to-end on real files and DuckDB).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
npx tsc -p .
npx vitest run "$@"
