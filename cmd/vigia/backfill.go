package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.yaml.in/yaml/v3"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/all"
)

// sinceKeys names, per network, the key of its networks section that sets how far
// back an account's first poll reads: «vigia backfill --since» sets it for the
// run. A network missing here (exec) cannot be told.
var sinceKeys = map[string]string{
	"x":         "backfill",
	"bluesky":   "backfill",
	"simulated": "backfill",
	"mastodon":  "window_age",
	"facebook":  "window_age",
}

// setNetworkKey sets key to value in the network's section of cfg, creating the
// section when absent.
func setNetworkKey(cfg *agent.Config, network, key, value string) {
	if cfg.Networks == nil {
		cfg.Networks = map[string]yaml.Node{}
	}
	n, ok := cfg.Networks[network]
	if !ok || n.Kind != yaml.MappingNode {
		n = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	val := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			n.Content[i+1] = val
			cfg.Networks[network] = n
			return
		}
	}
	n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, val)
	cfg.Networks[network] = n
}

func cmdBackfill(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("backfill", "backfill --account ID [--since FECHA] [--config ARCHIVO]", stderr)
	path := fs.String("config", defaultConfigPath, "archivo de configuración YAML")
	account := fs.String("account", "", "la cuenta (su id en la configuración) cuya historia se captura")
	since := fs.String("since", "", "desde cuándo (AAAA-MM-DD u hora RFC 3339); por omisión, el alcance configurado de la red")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "vigia backfill: "+format+"\n", a...)
		return exitError
	}
	if *account == "" {
		return fail("indique la cuenta con --account ID")
	}
	cfg, err := agent.LoadConfig(*path, os.LookupEnv)
	if err != nil {
		return fail("configuración inválida:\n%v", err)
	}
	var ac *agent.AccountConfig
	for _, a := range cfg.AccountConfigs() {
		if a.ID == *account {
			ac = &a
			break
		}
	}
	if ac == nil {
		return fail("la cuenta %q no está en %s", *account, *path)
	}
	if *since != "" {
		from, err := parseDay("since", *since, false)
		if err != nil {
			return fail("%v", err)
		}
		reach := time.Since(from).Round(time.Second)
		if reach <= 0 {
			return fail("--since %s está en el futuro", *since)
		}
		key, ok := sinceKeys[ac.Network]
		if !ok {
			return fail("la red %s no permite elegir desde cuándo leer (--since); omítalo para usar lo que su conector lee", ac.Network)
		}
		setNetworkKey(cfg, ac.Network, key, reach.String())
	}
	reg := all.Registry()
	if err := cfg.Validate(reg); err != nil {
		return fail("configuración inválida:\n%v", err)
	}
	store, err := archive.Open(ctx, cfg.Database, archive.Options{})
	if err != nil {
		return fail("no se pudo abrir el archivo %s: %v", cfg.Database, err)
	}
	defer store.Close()
	if cur, err := store.Cursor(ctx, *account); err != nil {
		return fail("%v", err)
	} else if cur != nil && *since != "" {
		fmt.Fprintf(stderr, "vigia backfill: la cuenta %s ya tiene historia archivada: --since no se aplica; se completa lo pendiente y se pone al día.\n", *account)
	}
	// Logs at warning and above only: the progress bar shares the terminal.
	lc := cfg.Log
	if lc.SlogLevel() < slog.LevelWarn {
		lc.Level = "warn"
	}
	log := newLogger(stderr, lc)
	metricsReg := prometheus.NewRegistry()
	a, err := agent.New(ctx, agent.Options{Config: cfg, Registry: reg, Store: store, Logger: log,
		Registerer: metricsReg, Gatherer: metricsReg})
	if err != nil {
		return fail("%v", err)
	}
	bar := newProgress(stderr, -1, "Capturando la historia de "+*account, false)
	p, err := a.Backfill(ctx, *account, agent.BackfillOptions{Progress: func(p agent.BackfillProgress) {
		desc := fmt.Sprintf("%s: %d lotes · %d nuevos · %d ediciones · %d borrados", *account, p.Batches, p.New, p.Changed, p.Deleted)
		switch {
		case !p.Waiting.IsZero():
			desc += " · límite de tasa: se espera hasta " + p.Waiting.Local().Format(time.TimeOnly)
		case p.Failures > 0:
			desc += fmt.Sprintf(" · %d fallos seguidos, se reintenta", p.Failures)
		}
		bar.describe(desc)
		bar.add(1)
	}})
	bar.finish()
	summary := fmt.Sprintf("%d lotes, %d elementos nuevos, %d ediciones, %d borrados", p.Batches, p.New, p.Changed, p.Deleted)
	switch {
	case err == nil:
		fmt.Fprintf(stdout, "Historia de %s capturada: %s.\n", *account, summary)
		return exitOK
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "vigia backfill: interrumpido tras %s; lo archivado se conserva. Ejecute el mismo comando para continuar.\n", summary)
	case errors.Is(err, connectors.ErrAuth):
		fmt.Fprintf(stderr, "vigia backfill: la red rechazó las credenciales de %s (%s): %v\n", *account, summary, err)
	case errors.Is(err, connectors.ErrNotFound):
		fmt.Fprintf(stderr, "vigia backfill: la red no encuentra la cuenta %s (%s): %v\n", *account, summary, err)
	case errors.Is(err, agent.ErrNotPolled):
		fmt.Fprintf(stderr, "vigia backfill: la cuenta %s está suspendida o cancelada en la configuración; no se sondea\n", *account)
	default:
		fmt.Fprintf(stderr, "vigia backfill: se detuvo tras %s: %v\nLo archivado se conserva; ejecute el mismo comando para continuar.\n", summary, err)
	}
	return exitError
}
