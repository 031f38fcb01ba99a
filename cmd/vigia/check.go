package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/connectors/all"
)

func cmdCheck(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("check", "check [--config ARCHIVO]", stderr)
	path := fs.String("config", defaultConfigPath, "archivo de configuración YAML")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	cfg, err := agent.LoadConfig(*path, os.LookupEnv)
	if err == nil {
		err = cfg.Validate(all.Registry())
	}
	if err != nil {
		var ces agent.ConfigErrors
		if errors.As(err, &ces) {
			fmt.Fprintf(stdout, "%s: %d problema(s):\n", *path, len(ces))
			for _, ce := range ces {
				fmt.Fprintf(stdout, "  %s\n", ce.Error())
			}
		} else {
			fmt.Fprintf(stdout, "%s: %v\n", *path, err)
		}
		return exitFindings
	}
	fmt.Fprintf(stdout, "%s: configuración válida: %d órganos, %d cuentas.\n", *path, len(cfg.Organs), len(cfg.AccountConfigs()))
	return exitOK
}
