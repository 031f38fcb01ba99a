package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/ife-mx/vigia/archive"
)

// offenderJSON is one row of «vigia offenders --format json».
type offenderJSON struct {
	Account        string     `json:"account"`
	Network        string     `json:"network"`
	AuthorID       string     `json:"author_id"`
	Handle         string     `json:"handle"`
	Offensive      int        `json:"offensive"`
	Review         int        `json:"review"`
	FalsePositives int        `json:"false_positives"`
	LastOffence    *time.Time `json:"last_offence"`
	Blocked        bool       `json:"blocked"`
	BlockedAt      *time.Time `json:"blocked_at"`
	Recommendation string     `json:"recommendation"`
}

func cmdOffenders(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("offenders", "offenders --db ARCHIVO | --config ARCHIVO [--account ID] [--format text|json]", stderr)
	db := fs.String("db", "", "archivo SQLite del archivo")
	config := fs.String("config", "", "archivo de configuración (para tomar de él la ruta del archivo)")
	account := fs.String("account", "", "solo esta cuenta (su id en la configuración); por omisión, todas")
	format := fs.String("format", "text", "text (una tabla) o json")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "vigia offenders: --format inválido %q: use text o json\n", *format)
		return exitError
	}
	path, err := dbPath(*db, *config)
	if err != nil {
		fmt.Fprintf(stderr, "vigia offenders: %v\n", err)
		return exitError
	}
	store, err := archive.Open(ctx, path, archive.Options{ReadOnly: true})
	if err != nil {
		fmt.Fprintf(stderr, "vigia offenders: no se pudo abrir %s: %v\n", path, err)
		return exitError
	}
	defer store.Close()
	offenders, err := store.Offenders(ctx, *account)
	if err != nil {
		fmt.Fprintf(stderr, "vigia offenders: %v\n", err)
		return exitError
	}
	if *format == "json" {
		rows := make([]offenderJSON, 0, len(offenders))
		for _, o := range offenders {
			rows = append(rows, offenderJSON{Account: o.Account, Network: o.Network, AuthorID: o.AuthorID, Handle: o.Handle,
				Offensive: o.Offensive, Review: o.Review, FalsePositives: o.FalsePositives, LastOffence: timePtr(o.LastOffence),
				Blocked: o.Blocked, BlockedAt: timePtr(o.BlockedAt), Recommendation: o.Recommendation})
		}
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			fmt.Fprintf(stderr, "vigia offenders: %v\n", err)
			return exitError
		}
		return exitOK
	}
	if len(offenders) == 0 {
		if *account != "" {
			fmt.Fprintf(stdout, "La cuenta %s no tiene autores con comentarios ofensivos ni bloqueos registrados.\n", *account)
		} else {
			fmt.Fprintln(stdout, "Ningún autor con comentarios ofensivos ni bloqueos registrados.")
		}
		return exitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CUENTA\tRED\tAUTOR\tUSUARIO\tOFENSIVOS\tA REVISAR\tFALSOS POSITIVOS\tÚLTIMA OFENSA (UTC)\tBLOQUEADO\tRECOMENDACIÓN")
	counts := map[string]int{}
	for _, o := range offenders {
		counts[o.Recommendation]++
		handle := "-"
		if o.Handle != "" {
			handle = "@" + o.Handle
		}
		last := "-"
		if !o.LastOffence.IsZero() {
			last = o.LastOffence.UTC().Format("2006-01-02 15:04")
		}
		blocked := "no"
		if o.Blocked {
			blocked = "sí, desde " + o.BlockedAt.UTC().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\t%s\n", o.Account, o.Network, o.AuthorID, handle,
			o.Offensive, o.Review, o.FalsePositives, last, blocked, o.Recommendation)
	}
	if err := tw.Flush(); err != nil {
		fmt.Fprintf(stderr, "vigia offenders: %v\n", err)
		return exitError
	}
	fmt.Fprintf(stdout, "\n%s: %d por bloquear, %d por revisar, %d bloqueados, %d sin acción pendiente.\n",
		plural(len(offenders), "autor", "autores"), counts[archive.RecommendBlock], counts[archive.RecommendReview],
		counts[archive.RecommendBlocked], counts[archive.RecommendNone])
	return exitOK
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
