#!/usr/bin/env bash
# Measures the demo's resident memory: builds vigia, runs `vigia demo` for a while
# (default 5 minutes) on a fresh archive, samples VmRSS every 10 s and prints the
# samples, the peak and the archive's figures at the end.
#
#   bench/demo-rss.sh [DURATION_SECONDS]
set -euo pipefail
duration=${1:-300}
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
go build -o "$out/vigia" ./cmd/vigia
"$out/vigia" demo --db "$out/demo.db" --listen 127.0.0.1:0 --duration "${duration}s" --summary-every 60s >"$out/demo.log" 2>&1 &
pid=$!
peak=0
echo "t_seconds rss_kib"
for ((t = 10; t <= duration; t += 10)); do
  sleep 10
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  [ -z "$rss" ] && break
  echo "$t $rss"
  (( rss > peak )) && peak=$rss
done
wait "$pid"
echo "peak_rss_kib $peak"
tail -n 3 "$out/demo.log"
ls -l "$out/demo.db" | awk '{print "archive_bytes", $5}'
