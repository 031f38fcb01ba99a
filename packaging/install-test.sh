#!/usr/bin/env bash
# Installs, upgrades in place, removes and purges the Vigía package on this machine
# and checks that the archive survives all of it, and that an edited configuration
# survives removal and reinstallation (a conffile). Root only, and only on a
# machine without Vigía: it refuses if the vigia user, /var/lib/vigia or /etc/vigia
# already exist, and on exit it removes everything it created (package, user,
# directories), so the machine is left as it was.
# Usage: packaging/install-test.sh dist/vigia_VERSION_ARCH.deb
set -euo pipefail
deb=$(realpath "${1:?uso: packaging/install-test.sh PAQUETE.deb}")
[ "$(id -u)" -eq 0 ] || { echo "hace falta root" >&2; exit 2; }
if id vigia >/dev/null 2>&1 || [ -e /var/lib/vigia ] || [ -e /etc/vigia ] || dpkg -s vigia >/dev/null 2>&1; then
	echo "Vigía ya está en esta máquina (usuario vigia, /var/lib/vigia, /etc/vigia o el paquete): no se toca" >&2
	exit 2
fi
cleanup() {
	dpkg --purge vigia >/dev/null 2>&1 || true
	rm -rf /var/lib/vigia /etc/vigia
	userdel vigia >/dev/null 2>&1 || true
	groupdel vigia >/dev/null 2>&1 || true
}
trap cleanup EXIT
fail() { echo "FALLO: $*" >&2; exit 1; }

echo "== dpkg -i"
dpkg -i "$deb"
id vigia >/dev/null || fail "no se creó el usuario vigia"
[ "$(stat -c %U:%a /var/lib/vigia)" = vigia:750 ] || fail "/var/lib/vigia: $(stat -c %U:%a /var/lib/vigia)"
[ "$(stat -c %G:%a /etc/vigia/vigia.yaml)" = vigia:640 ] || fail "/etc/vigia/vigia.yaml: $(stat -c %G:%a /etc/vigia/vigia.yaml)"
runuser -u vigia -- vigia check --config /etc/vigia/vigia.yaml >/dev/null 2>&1 || [ $? -eq 1 ] ||
	fail "el usuario vigia no puede leer su configuración"

echo "== un archivo escrito por el usuario vigia"
runuser -u vigia -- vigia demo --db /var/lib/vigia/vigia.db --duration 3s --listen 127.0.0.1:0 --summary-every 0 >/dev/null
runuser -u vigia -- vigia verify /var/lib/vigia/vigia.db
sum=$(sha256sum /var/lib/vigia/vigia.db | cut -d' ' -f1)
echo "# editado por el administrador" >>/etc/vigia/vigia.yaml

echo "== dpkg -i otra vez (reinstalación)"
dpkg -i "$deb"
[ "$(sha256sum /var/lib/vigia/vigia.db | cut -d' ' -f1)" = "$sum" ] || fail "la reinstalación cambió el archivo"
grep -q 'editado por el administrador' /etc/vigia/vigia.yaml || fail "la reinstalación reemplazó la configuración editada"

echo "== dpkg -r"
dpkg -r vigia
[ ! -e /usr/bin/vigia ] || fail "dpkg -r dejó /usr/bin/vigia"
[ "$(sha256sum /var/lib/vigia/vigia.db | cut -d' ' -f1)" = "$sum" ] || fail "dpkg -r cambió o borró el archivo"
grep -q 'editado por el administrador' /etc/vigia/vigia.yaml || fail "dpkg -r borró la configuración"

echo "== dpkg -i después de dpkg -r"
dpkg -i "$deb"
[ "$(sha256sum /var/lib/vigia/vigia.db | cut -d' ' -f1)" = "$sum" ] || fail "la instalación cambió el archivo"
grep -q 'editado por el administrador' /etc/vigia/vigia.yaml || fail "la instalación reemplazó la configuración editada"
runuser -u vigia -- vigia verify /var/lib/vigia/vigia.db >/dev/null

echo "== dpkg --purge"
dpkg --purge vigia
[ "$(sha256sum /var/lib/vigia/vigia.db | cut -d' ' -f1)" = "$sum" ] || fail "dpkg --purge cambió o borró el archivo"
[ ! -e /etc/vigia/vigia.yaml ] || fail "dpkg --purge dejó la configuración"
echo "instalación, reinstalación, desinstalación y purga: el archivo se conserva ($sum)"
