#!/bin/sh
# Vigía prerm: stop the service before its files go. The archive in /var/lib/vigia
# is never touched.
set -e
if [ "$1" = "remove" ] && [ -d /run/systemd/system ]; then
	systemctl stop vigia.service || true
fi
exit 0
