#!/usr/bin/env bash
# Checks the systemd files: `systemd-analyze verify` must print nothing on stderr,
# `systemd-analyze security --offline=yes` must rate the unit's exposure at most
# MAX_EXPOSURE (2.0), and the sysusers and tmpfiles entries must apply to an
# empty root. verify wants the ExecStart binary to exist, so the unit is checked
# as a temporary copy whose ExecStart is a freshly built binary.
# Usage: systemd/check.sh  (from the module root; GO and MAX_EXPOSURE may be set)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

GO=${GO:-go}
MAX_EXPOSURE=${MAX_EXPOSURE:-2.0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$GO" build -o "$tmp/vigia" ./cmd/vigia
mkdir "$tmp/unit"
sed "s#/usr/bin/vigia#$tmp/vigia#g" systemd/vigia.service >"$tmp/unit/vigia.service"

echo "systemd-analyze verify vigia.service"
if ! systemd-analyze verify "$tmp/unit/vigia.service" 2>"$tmp/verify.err"; then
	cat "$tmp/verify.err" >&2
	echo "systemd-analyze verify falló" >&2
	exit 1
fi
if [ -s "$tmp/verify.err" ]; then
	cat "$tmp/verify.err" >&2
	echo "systemd-analyze verify escribió advertencias (deben corregirse)" >&2
	exit 1
fi
echo "ok"

echo "systemd-analyze security --offline=yes vigia.service"
systemd-analyze security --offline=yes "$tmp/unit/vigia.service" >"$tmp/security.out" 2>&1 || true
line=$(grep 'Overall exposure level' "$tmp/security.out" || true)
score=$(sed -n 's/.*vigia.service: \([0-9.]*\).*/\1/p' <<<"$line")
if [ -z "$score" ]; then
	cat "$tmp/security.out" >&2
	echo "no se pudo leer el nivel de exposición" >&2
	exit 1
fi
echo "exposición: $score (máximo $MAX_EXPOSURE)"
if ! awk -v s="$score" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(s <= m) }'; then
	grep '✗' "$tmp/security.out" >&2 || true
	echo "la exposición $score supera $MAX_EXPOSURE" >&2
	exit 1
fi

echo "systemd-sysusers y systemd-tmpfiles sobre una raíz vacía"
mkdir -p "$tmp/root/etc"
systemd-sysusers --root="$tmp/root" "$PWD/systemd/vigia.sysusers"
systemd-tmpfiles --root="$tmp/root" --create "$PWD/systemd/vigia.tmpfiles"
for d in var/lib/vigia etc/vigia etc/vigia/credentials; do
	[ -d "$tmp/root/$d" ] || { echo "systemd-tmpfiles no creó /$d" >&2; exit 1; }
done
grep -q '^vigia:' "$tmp/root/etc/passwd" || { echo "systemd-sysusers no creó el usuario vigia" >&2; exit 1; }
echo "ok"
