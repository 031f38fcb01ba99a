package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/ife-mx/vigia/archive"
)

func cmdLog(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("log", "log --db ARCHIVO | --config ARCHIVO --account ID [--from FECHA] [--to FECHA] [--format csv|jsonl]", stderr)
	db := fs.String("db", "", "archivo SQLite del archivo")
	config := fs.String("config", "", "archivo de configuración (para tomar de él la ruta del archivo)")
	account := fs.String("account", "", "la cuenta (su id en la configuración); obligatoria")
	from := fs.String("from", "", "desde (AAAA-MM-DD o RFC 3339, incluido); por omisión, el principio")
	to := fs.String("to", "", "hasta (AAAA-MM-DD: el día entero, o RFC 3339, incluido); por omisión, ahora")
	format := fs.String("format", "csv", "csv o jsonl")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *account == "" {
		fmt.Fprintln(stderr, "vigia log: falta --account")
		return exitError
	}
	if *format != "csv" && *format != "jsonl" {
		fmt.Fprintf(stderr, "vigia log: --format inválido %q: use csv o jsonl\n", *format)
		return exitError
	}
	lo, err := parseBound(*from, false)
	if err != nil {
		fmt.Fprintf(stderr, "vigia log: --from: %v\n", err)
		return exitError
	}
	hi, err := parseBound(*to, true)
	if err != nil {
		fmt.Fprintf(stderr, "vigia log: --to: %v\n", err)
		return exitError
	}
	path, err := dbPath(*db, *config)
	if err != nil {
		fmt.Fprintf(stderr, "vigia log: %v\n", err)
		return exitError
	}
	store, err := archive.Open(ctx, path, archive.Options{ReadOnly: true})
	if err != nil {
		fmt.Fprintf(stderr, "vigia log: no se pudo abrir %s: %v\n", path, err)
		return exitError
	}
	defer store.Close()
	acts, err := store.Activity(ctx, *account, lo, hi)
	if errors.Is(err, archive.ErrUnknownAccount) {
		fmt.Fprintf(stderr, "vigia log: la cuenta %q no está en el archivo %s\n", *account, path)
		return exitFindings
	}
	if err != nil {
		fmt.Fprintf(stderr, "vigia log: %v\n", err)
		return exitError
	}
	if *format == "jsonl" {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		for _, a := range acts {
			if err := enc.Encode(a); err != nil {
				fmt.Fprintf(stderr, "vigia log: %v\n", err)
				return exitError
			}
		}
		return exitOK
	}
	w := csv.NewWriter(stdout)
	_ = w.Write([]string{"id", "table", "hash", "at", "event", "kind", "item", "detail"})
	for _, a := range acts {
		_ = w.Write([]string{strconv.FormatInt(a.ID, 10), a.Table, a.Hash, a.At.Format(time.RFC3339Nano), a.Event, a.Kind, csvSafe(a.Item), csvSafe(a.Detail)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		fmt.Fprintf(stderr, "vigia log: %v\n", err)
		return exitError
	}
	return exitOK
}

// parseBound reads a date (a whole day: its start, or with end its last instant,
// in UTC) or an RFC 3339 instant; empty is an open bound.
func parseBound(s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		if end {
			t = t.Add(24*time.Hour - time.Nanosecond)
		}
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("fecha inválida %q (use AAAA-MM-DD o RFC 3339, por ejemplo 2026-03-01T00:00:00-06:00)", s)
	}
	return t, nil
}

// csvSafe keeps a spreadsheet from running a text that starts like a formula
// (=, +, -, @): it is prefixed with an apostrophe. Texts come from the networks.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
