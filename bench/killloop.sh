#!/usr/bin/env bash
# Kill -9 loop: runs cmd/vigia's TestCrashSafety with many SIGKILLs (default 100)
# during a heavy backfill (default 90 days of history on five simulated accounts),
# then checks the archive against the simulation's ground truth (every item once,
# every version, PRAGMA integrity_check, `vigia verify`). CI runs the same test
# with 20 kills and 30 days.
#
#   bench/killloop.sh [KILLS] [BACKFILL]      e.g. bench/killloop.sh 100 2160h
set -euo pipefail
kills=${1:-100}
backfill=${2:-2160h}
cd "$(dirname "$0")/.."
export CGO_ENABLED=1
start=$SECONDS
VIGIA_CRASH_KILLS=$kills VIGIA_CRASH_BACKFILL=$backfill \
	go test -count=1 -timeout 60m -run '^TestCrashSafety$' -v ./cmd/vigia/ |
	grep -E '^(=== RUN|--- |PASS|FAIL|ok|    crash_test.go)'
echo "kills $kills backfill $backfill wall_seconds $((SECONDS - start))"
