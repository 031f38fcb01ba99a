package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors/all"
	"github.com/ife-mx/vigia/policy/registry"
)

// checkReport is `vigia check --format json`.
type checkReport struct {
	Config string `json:"config"`
	// Valid is true when the configuration loads; Clean when, besides, the registry
	// breaks no rule of the Criterios.
	Valid    bool               `json:"valid"`
	Clean    bool               `json:"clean"`
	Problems []checkProblem     `json:"problems"`
	Findings []registry.Finding `json:"findings"`
	Organs   int                `json:"organs"`
	Accounts int                `json:"accounts"`
	// Unverified are the accounts whose last profile in the archive is not verified
	// (6.xxv); Verification says where that was read, or why it could not be.
	Unverified   []unverifiedAccount `json:"unverified"`
	Verification string              `json:"verification"`
}

type checkProblem struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Key     string `json:"key,omitempty"`
	Message string `json:"message"`
}

type unverifiedAccount struct {
	Account string `json:"account"`
	Network string `json:"network"`
	Handle  string `json:"handle"`
	Organ   string `json:"organ"`
}

func cmdCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("check", "check [--config ARCHIVO] [--format text|json]", stderr)
	path := fs.String("config", defaultConfigPath, "archivo de configuración YAML")
	format := fs.String("format", "text", "formato de salida: text o json")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "vigia check: formato desconocido %q (use text o json)\n", *format)
		return exitError
	}
	rep := checkReport{Config: *path, Problems: []checkProblem{}, Findings: []registry.Finding{}, Unverified: []unverifiedAccount{}}
	cfg, err := agent.LoadConfig(*path, os.LookupEnv)
	if err == nil {
		err = cfg.Validate(all.Registry())
	}
	if err != nil {
		var ces agent.ConfigErrors
		if errors.As(err, &ces) {
			for _, ce := range ces {
				rep.Problems = append(rep.Problems, checkProblem{File: ce.File, Line: ce.Line, Key: ce.Key, Message: ce.Msg})
			}
		} else {
			rep.Problems = append(rep.Problems, checkProblem{File: *path, Message: err.Error()})
		}
	} else {
		rep.Valid = true
		rep.Organs, rep.Accounts = len(cfg.Organs), len(cfg.AccountConfigs())
		rep.Findings = append(rep.Findings, registry.Check(cfg.Registry())...)
		rep.Unverified, rep.Verification = unverified(ctx, cfg)
		rep.Clean = len(rep.Findings) == 0
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "vigia check: %v\n", err)
			return exitError
		}
	} else {
		printCheck(stdout, err, rep)
	}
	if !rep.Clean {
		return exitFindings
	}
	return exitOK
}

func printCheck(w io.Writer, err error, rep checkReport) {
	path := rep.Config
	if !rep.Valid {
		var ces agent.ConfigErrors
		if errors.As(err, &ces) {
			fmt.Fprintf(w, "%s: %d problema(s):\n", path, len(ces))
			for _, ce := range ces {
				fmt.Fprintf(w, "  %s\n", ce.Error())
			}
		} else {
			fmt.Fprintf(w, "%s: %v\n", path, err)
		}
		return
	}
	fmt.Fprintf(w, "%s: configuración válida: %d órganos, %d cuentas.\n", path, rep.Organs, rep.Accounts)
	if len(rep.Findings) == 0 {
		fmt.Fprintln(w, "Registro de cuentas: sin hallazgos; cumple los Criterios revisados (4.vii, 5.1, 7.iii, 7.v).")
	} else {
		fmt.Fprintf(w, "Registro de cuentas: %d hallazgo(s):\n", len(rep.Findings))
		for _, f := range rep.Findings {
			fmt.Fprintf(w, "  %s:%d: %s\n", path, f.Line, f.String())
		}
	}
	switch {
	case len(rep.Unverified) > 0:
		fmt.Fprintf(w, "Cuentas sin verificar en la red (6.xxv; %s):\n", rep.Verification)
		for _, u := range rep.Unverified {
			fmt.Fprintf(w, "  %s (%s @%s, órgano %s)\n", u.Account, u.Network, u.Handle, u.Organ)
		}
	case rep.Verification != "":
		fmt.Fprintf(w, "Verificación (6.xxv): %s.\n", rep.Verification)
	}
}

// unverified lists the accounts, cancelled ones aside, whose last profile in the
// archive says they are not verified. check never creates the archive: when it
// does not exist, nothing is listed and the second value says so.
func unverified(ctx context.Context, cfg *agent.Config) ([]unverifiedAccount, string) {
	out := []unverifiedAccount{}
	if _, err := os.Stat(cfg.Database); err != nil {
		return out, "sin datos: el archivo " + cfg.Database + " aún no existe"
	}
	store, err := archive.Open(ctx, cfg.Database, archive.Options{ReadOnly: true})
	if err != nil {
		return out, "sin datos: no se pudo abrir " + cfg.Database + ": " + err.Error()
	}
	defer store.Close()
	profiles, err := store.LatestProfiles(ctx)
	if err != nil {
		return out, "sin datos: " + err.Error()
	}
	unknown := 0
	for _, ac := range cfg.AccountConfigs() {
		if ac.Status == agent.StatusCancelled {
			continue
		}
		p, ok := profiles[ac.ID]
		switch {
		case !ok:
			unknown++
		case !p.Verified:
			out = append(out, unverifiedAccount{Account: ac.ID, Network: ac.Network, Handle: ac.Handle, Organ: ac.Organ})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Account < out[j].Account })
	msg := "según el último perfil archivado en " + cfg.Database
	if unknown > 0 {
		msg += fmt.Sprintf("; %d cuenta(s) aún sin perfil archivado", unknown)
	}
	return out, msg
}
