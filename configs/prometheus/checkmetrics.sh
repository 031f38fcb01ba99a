#!/usr/bin/env bash
# Lints what Vigía serves on /metrics with `promtool check metrics` (naming,
# units, help texts, counter suffixes), the way node_exporter's checkmetrics.sh
# does: builds the agent, runs `vigia demo` on the built-in simulated network with
# a throwaway archive, waits for /readyz, scrapes /metrics and checks the scrape.
#
#   configs/prometheus/checkmetrics.sh [SCRAPE_FILE]
#
# SCRAPE_FILE, if given, keeps the scrape. Environment: GO (go), PROMTOOL
# (promtool), CHECKMETRICS_LISTEN (127.0.0.1:19464), CHECKMETRICS_WAIT (seconds
# the demo runs before the scrape, so polls have happened; 5).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

GO=${GO:-go}
PROMTOOL=${PROMTOOL:-promtool}
LISTEN=${CHECKMETRICS_LISTEN:-127.0.0.1:19464}
WAIT=${CHECKMETRICS_WAIT:-5}
keep=${1:-}

command -v "$PROMTOOL" >/dev/null || { echo "no encuentro $PROMTOOL (apt-get install prometheus)" >&2; exit 1; }
command -v curl >/dev/null || { echo "no encuentro curl" >&2; exit 1; }

tmp=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -INT "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

"$GO" build -o "$tmp/vigia" ./cmd/vigia
"$tmp/vigia" demo --db "$tmp/demo.db" --listen "$LISTEN" --duration 60s >"$tmp/demo.log" 2>&1 &
pid=$!

ready=
for _ in $(seq 1 100); do
	if curl -fsS -o /dev/null "http://$LISTEN/readyz" 2>/dev/null; then
		ready=1
		break
	fi
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.2
done
if [ -z "$ready" ]; then
	echo "la demo no quedó lista en http://$LISTEN/readyz; su salida:" >&2
	cat "$tmp/demo.log" >&2
	exit 1
fi
sleep "$WAIT"

curl -fsS "http://$LISTEN/metrics" >"$tmp/metrics.txt"
[ -z "$keep" ] || cp "$tmp/metrics.txt" "$keep"
echo "$(grep -vc '^#' "$tmp/metrics.txt") series, $(grep -c '^# TYPE' "$tmp/metrics.txt") métricas"
"$PROMTOOL" check metrics <"$tmp/metrics.txt"
echo "promtool check metrics: correcto"
