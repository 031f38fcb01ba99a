#!/bin/sh
# Vigía postrm. Removing the package, and purging it, keep /var/lib/vigia (the
# archive: years of evidence) and the vigia user that owns it; delete them by hand
# if that is really wanted. Purge removes /etc/vigia's conffile as dpkg does.
set -e
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload || true
fi
if [ "$1" = "purge" ] && [ -d /var/lib/vigia ]; then
	echo "Se conserva el archivo de Vigía en /var/lib/vigia."
fi
exit 0
