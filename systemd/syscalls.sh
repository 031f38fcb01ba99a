#!/usr/bin/env bash
# Runs the demo (archive, HTTP server, every connector path of the simulated
# network) under strace as an unprivileged user, as the service runs, and checks
# that every system call it makes is allowed by the unit's filter
# (SystemCallFilter=@system-service ~@privileged @resources). A call outside it
# would fail with EPERM under systemd (SystemCallErrorNumber=EPERM).
# Usage: systemd/syscalls.sh  (root; needs strace and systemd-analyze)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
GO=${GO:-go}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$GO" build -o "$tmp/vigia" ./cmd/vigia
chmod 0755 "$tmp"
mkdir "$tmp/state" && chown nobody "$tmp/state"
strace -f -qq -c -o "$tmp/strace.txt" setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
	"$tmp/vigia" demo --db "$tmp/state/s.db" --duration 8s --listen 127.0.0.1:0 --summary-every 0 >/dev/null
awk 'NR > 2 && $NF != "total" && $1 !~ /^-/ { print $NF }' "$tmp/strace.txt" | sort -u >"$tmp/used"
systemd-analyze syscall-filter 2>/dev/null >"$tmp/groups"
python3 - "$tmp/groups" "$tmp/used" <<'PY'
import sys
groups, cur = {}, None
for line in open(sys.argv[1]):
    l = line.strip()
    if not l or l.startswith("#"):
        continue
    if l.startswith("@") and not line.startswith(" "):
        cur = l
        groups[cur] = []
    elif cur:
        groups[cur].append(l)
def expand(g):
    out = set()
    for x in groups.get(g, []):
        out |= expand(x) if x.startswith("@") else {x}
    return out
allowed = expand("@system-service") - expand("@privileged") - expand("@resources")
# setpriv's own calls before it executes vigia (it drops privileges).
setpriv = {"setgroups", "setresgid", "setresuid", "setgid", "setuid", "capset", "prctl"}
used = [u.strip() for u in open(sys.argv[2]) if u.strip()]
denied = [u for u in used if u not in allowed and u not in setpriv]
print(f"{len(used)} llamadas al sistema distintas")
if denied:
    print("fuera del filtro de la unidad:", " ".join(denied), file=sys.stderr)
    sys.exit(1)
print("todas permitidas por SystemCallFilter")
PY
