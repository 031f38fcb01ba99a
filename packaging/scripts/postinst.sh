#!/bin/sh
# Vigía postinst: the user, the directories, the configuration's group, and a
# systemd reload. The service is not enabled or started: the configuration must be
# edited first (see /usr/share/doc/vigia/README.md, "Install").
set -e
if [ "$1" = "configure" ] || [ -z "$1" ]; then
	systemd-sysusers vigia.conf
	systemd-tmpfiles --create vigia.conf
	# The service reads its configuration as group vigia; root edits it.
	chgrp vigia /etc/vigia /etc/vigia/vigia.yaml
	chmod 0750 /etc/vigia
	chmod 0640 /etc/vigia/vigia.yaml
	if [ -d /run/systemd/system ]; then
		systemctl daemon-reload || true
		if systemctl is-enabled --quiet vigia.service 2>/dev/null; then
			systemctl try-restart vigia.service || true
		fi
	fi
	if [ -z "$2" ]; then
		echo "Vigía instalado. Edite /etc/vigia/vigia.yaml, compruébelo con"
		echo "  vigia check --config /etc/vigia/vigia.yaml"
		echo "y arránquelo con: systemctl enable --now vigia"
	fi
fi
exit 0
