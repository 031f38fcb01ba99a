#!/usr/bin/env bash
# Measures the steady-state memory of `vigia run` on the archive left by the bench's
# scenario 1 (go run ./bench --only 1 --dir DIR), with the response clocks rebuilt
# from every account's history and nothing else in the process: the accounts are
# pointed at a closed Mastodon port, so no poll brings anything (and the simulated
# world, which scenario 2's full-archive run polls in-process, is not there).
# Works on a copy of the archive. Waits until the rebuild has finished (the
# process's CPU time stops growing), then samples VmRSS every 5 s.
#
#   bench/trackers-rss.sh DIR [SAMPLE_SECONDS]
#
# GOMEMLIMIT, when set, is passed on (systemd/vigia.service sets it).
set -euo pipefail
dir=$1
duration=${2:-60}
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$out"' EXIT
go build -o "$out/vigia" ./cmd/vigia
cp "$dir/full.db" "$out/full.db"
[ -f "$dir/full.db-wal" ] && cp "$dir/full.db-wal" "$out/full.db-wal"
port=$((20000 + RANDOM % 20000))
sed -E -e "s#^database: .*#database: $out/full.db#" \
  -e "s#^listen: .*#listen: 127.0.0.1:$port#" \
  -e 's#network: simulated, (handle: [^,]+, external_id: "[0-9]+")#network: mastodon, \1, credentials: {token: {env: VIGIA_RSS_TOKEN}}#' \
  -e 's#^  simulated: \{.*\}#  mastodon: {base_url: "http://127.0.0.1:9"}#' \
  "$dir/full.yaml" >"$out/vigia.yaml"
chmod 600 "$out/vigia.yaml"
VIGIA_RSS_TOKEN=x "$out/vigia" run --config "$out/vigia.yaml" >"$out/vigia.log" 2>&1 &
pid=$!
cpu() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$pid/stat"; }
rss() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status"; }
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s)
prev=-1
while :; do
  sleep 5
  now=$(cpu)
  echo "rebuilding: $(( $(date +%s) - start )) s, CPU $now s, RSS $(rss) MiB"
  if awk -v a="$now" -v b="$prev" 'BEGIN { exit !(a - b < 0.5) }'; then break; fi
  prev=$now
done
echo "rebuilt: CPU $(cpu) s in $(( $(date +%s) - start )) s"
max=0 sum=0 n=0
for ((t = 5; t <= duration; t += 5)); do
  sleep 5
  r=$(rss)
  max=$(awk -v a="$r" -v b="$max" 'BEGIN { print (a > b ? a : b) }')
  sum=$(awk -v a="$r" -v b="$sum" 'BEGIN { print a + b }')
  n=$((n + 1))
done
echo "steady RSS: max $max MiB, mean $(awk -v s="$sum" -v n="$n" 'BEGIN { printf "%.1f", s / n }') MiB over ${duration} s"
echo "peak RSS: $(awk '/^VmHWM:/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status") MiB"
echo "resident now: $(awk '/^RssAnon:|^RssFile:/ {printf "%s %.1f MiB  ", $1, $2 / 1024}' "/proc/$pid/status")"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
kill -TERM "$pid"
wait "$pid" || true
