package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/alerts"
)

func cmdAlerts(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fs, _, _, _ := alertsTestFlags(stderr)
		fs.usage()
		if len(args) == 0 {
			return exitError
		}
		return exitOK
	}
	if args[0] != "test" {
		fmt.Fprintf(stderr, "vigia alerts: acción desconocida %q (use: vigia alerts test --route NOMBRE)\n", args[0])
		return exitError
	}
	return cmdAlertsTest(ctx, args[1:], stdout, stderr)
}

// alertsTestFlags are the options of «vigia alerts test».
func alertsTestFlags(stderr io.Writer) (fs *cliFlags, path, route, account *string) {
	fs = newFlags("alerts test", "alerts test --route NOMBRE [--config ARCHIVO] [--account ID]", stderr)
	path = fs.String("config", defaultConfigPath, "archivo de configuración YAML")
	route = fs.String("route", "", "la ruta de alertas que se prueba (alerts.routes[].name): envía un mensaje de prueba por cada paso")
	account = fs.String("account", "", "la cuenta cuyos destinatarios (administradores, titular del órgano) reciben la prueba; por omisión, la primera")
	return fs, path, route, account
}

func cmdAlertsTest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, path, route, account := alertsTestFlags(stderr)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *route == "" {
		fmt.Fprintln(stderr, "vigia alerts test: falta --route NOMBRE")
		fs.usage()
		return exitError
	}
	cfg, err := agent.LoadConfig(*path, os.LookupEnv)
	if err != nil {
		fmt.Fprintf(stderr, "vigia alerts test: configuración inválida:\n%v\n", err)
		return exitError
	}
	if cfg.Alerts == nil {
		fmt.Fprintf(stderr, "vigia alerts test: %s no tiene sección alerts\n", *path)
		return exitError
	}
	dir, err := agent.AlertDirectory(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "vigia alerts test: %v\n", err)
		return exitError
	}
	var info alerts.AccountInfo
	if *account == "" {
		info = dir.Accounts()[0]
	} else if info, err = accountInfo(dir, *account); err != nil {
		fmt.Fprintf(stderr, "vigia alerts test: %v\n", err)
		return exitError
	}
	notifiers, err := alerts.BuildNotifiers(*cfg.Alerts, alerts.BuildOptions{})
	if err != nil {
		fmt.Fprintf(stderr, "vigia alerts test: %v\n", err)
		return exitError
	}
	results, err := alerts.TestRoute(ctx, *cfg.Alerts, notifiers, info, *route, time.Now())
	if err != nil {
		fmt.Fprintf(stderr, "vigia alerts test: %v\n", err)
		return exitError
	}
	failed := 0
	for _, r := range results {
		to := r.Notifier
		if r.To != "" {
			to += " → " + r.To
		}
		if r.Err != nil {
			failed++
			retry := "no se reintentaría"
			if alerts.Retryable(r.Err) {
				retry = "se reintentaría"
			}
			fmt.Fprintf(stdout, "paso %d, %s: FALLÓ (%s, %s): %v\n", r.Step+1, to, alerts.Reason(r.Err), retry, r.Err)
			continue
		}
		fmt.Fprintf(stdout, "paso %d, %s: enviado\n", r.Step+1, to)
	}
	switch {
	case len(results) == 0:
		fmt.Fprintf(stdout, "La ruta %q no tiene destinatarios para la cuenta %s: no se envió nada.\n", *route, info.ID)
		return exitFindings
	case failed > 0:
		fmt.Fprintf(stdout, "%d de %d envíos fallaron.\n", failed, len(results))
		return exitFindings
	}
	fmt.Fprintf(stdout, "Ruta %q: %d mensajes de prueba enviados (cuenta %s).\n", *route, len(results), info.ID)
	return exitOK
}

func accountInfo(dir alerts.Directory, id string) (alerts.AccountInfo, error) {
	info, ok := dir.Account(id)
	if !ok {
		return alerts.AccountInfo{}, fmt.Errorf("no existe la cuenta %q en la configuración", id)
	}
	return info, nil
}
