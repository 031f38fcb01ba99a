#!/usr/bin/env bash
# Inspects a built Vigía package with dpkg-deb: its metadata, that it holds the
# binary, the unit, sysusers, tmpfiles and the configuration (a conffile), that the
# packaged binary runs, and that the packaged unit is the repository's.
# Usage: packaging/check-deb.sh dist/vigia_VERSION_ARCH.deb
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
deb=${1:?uso: packaging/check-deb.sh PAQUETE.deb}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

dpkg-deb --info "$deb"
dpkg-deb --contents "$deb" | tee "$tmp/contents"
for f in ./usr/bin/vigia ./usr/lib/systemd/system/vigia.service ./usr/lib/sysusers.d/vigia.conf \
	./usr/lib/tmpfiles.d/vigia.conf ./etc/vigia/vigia.yaml ./usr/share/doc/vigia/README.md; do
	grep -q " $f\$" "$tmp/contents" || { echo "el paquete no contiene $f" >&2; exit 1; }
done
if grep -q '/var/lib/vigia' "$tmp/contents"; then
	echo "el paquete no debe contener /var/lib/vigia (el archivo es de la instalación)" >&2
	exit 1
fi
dpkg-deb --ctrl-tarfile "$deb" | tar -x -C "$tmp" ./conffiles
grep -qx '/etc/vigia/vigia.yaml' "$tmp/conffiles" || { echo "/etc/vigia/vigia.yaml no es conffile" >&2; exit 1; }
[ "$(dpkg-deb --field "$deb" Package)" = vigia ] || { echo "nombre del paquete incorrecto" >&2; exit 1; }

mkdir "$tmp/x"
dpkg-deb --extract "$deb" "$tmp/x"
"$tmp/x/usr/bin/vigia" version
cmp systemd/vigia.service "$tmp/x/usr/lib/systemd/system/vigia.service"
"$tmp/x/usr/bin/vigia" check --config "$tmp/x/etc/vigia/vigia.yaml" >/dev/null 2>&1 || [ $? -eq 1 ] ||
	{ echo "vigia check sobre la configuración empaquetada falló de forma inesperada" >&2; exit 1; }
echo "paquete correcto: $deb"
