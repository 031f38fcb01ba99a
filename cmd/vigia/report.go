package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/report"
)

func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("report", "report --db ARCHIVO | --config ARCHIVO (--semester AAAA-S | --from AAAA-MM-DD --to AAAA-MM-DD) [--organ ID] [--account ID] [--format html|csv|json] [--out RUTA]", stderr)
	db := fs.String("db", "", "archivo SQLite del archivo")
	config := fs.String("config", "", "archivo de configuración (toma de él el archivo, el nombre del instituto, los de los órganos y la periodicidad esperada de cada cuenta)")
	from := fs.String("from", "", "primer día del periodo, AAAA-MM-DD")
	to := fs.String("to", "", "último día del periodo (incluido), AAAA-MM-DD")
	semester := fs.String("semester", "", "semestre: AAAA-1 (enero a junio) o AAAA-2 (julio a diciembre)")
	organ := fs.String("organ", "", "solo las cuentas de este órgano (su id)")
	account := fs.String("account", "", "solo esta cuenta (su id)")
	format := fs.String("format", "html", "html, csv o json")
	out := fs.String("out", "", "archivo de salida (html, json; por omisión la salida estándar) o carpeta (csv, obligatoria)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "vigia report: "+format+"\n", a...)
		return exitError
	}
	if *format != "html" && *format != "csv" && *format != "json" {
		return fail("--format inválido %q: use html, csv o json", *format)
	}
	if *format == "csv" && *out == "" {
		return fail("con --format csv indique con --out la carpeta donde escribir un archivo por tabla")
	}
	var period report.Period
	var err error
	switch {
	case *semester != "" && (*from != "" || *to != ""):
		return fail("use --semester o --from y --to, no ambos")
	case *semester != "":
		period, err = report.Semester(*semester)
	case *from != "" && *to != "":
		period, err = report.Dates(*from, *to)
	case *from != "" || *to != "":
		return fail("indique ambas fechas, --from y --to")
	default:
		return fail("indique el periodo con --semester AAAA-S o con --from AAAA-MM-DD --to AAAA-MM-DD")
	}
	if err != nil {
		return fail("%v", err)
	}
	opts := report.Options{Period: period, Organ: *organ, Account: *account}
	path, err := dbPath(*db, *config)
	if err != nil {
		return fail("%v", err)
	}
	if *config != "" {
		cfg, err := agent.LoadConfigWithoutSecrets(*config)
		if err != nil {
			return fail("configuración inválida:\n%v", err)
		}
		opts.Institute = cfg.Institute.Name
		opts.OrganNames = map[string]string{}
		for _, o := range cfg.Organs {
			opts.OrganNames[o.ID] = o.Name
		}
		opts.Cadence = map[string]time.Duration{}
		for _, a := range cfg.AccountConfigs() {
			opts.Cadence[a.ID] = a.Cadence
		}
	}
	store, err := archive.Open(ctx, path, archive.Options{ReadOnly: true})
	if err != nil {
		return fail("no se pudo abrir %s: %v", path, err)
	}
	defer store.Close()
	r, err := report.Build(ctx, store, opts)
	if errors.Is(err, report.ErrNoAccounts) {
		return fail("ninguna cuenta del archivo coincide con la selección (--organ %q, --account %q)", *organ, *account)
	}
	if err != nil {
		return fail("%v", err)
	}
	if *format == "csv" {
		if err := report.WriteCSV(*out, r); err != nil {
			return fail("%v", err)
		}
		fmt.Fprintf(stderr, "vigia report: %d tablas CSV escritas en %s\n", len(report.CSVFiles), *out)
		return exitOK
	}
	w := stdout
	var f *os.File
	if *out != "" {
		if f, err = os.Create(*out); err != nil {
			return fail("no se pudo crear %s: %v", *out, err)
		}
		w = f
	}
	if *format == "json" {
		err = report.WriteJSON(w, r)
	} else {
		err = report.WriteHTML(w, r)
	}
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fail("%v", err)
	}
	if *out != "" {
		fmt.Fprintf(stderr, "vigia report: informe escrito en %s (%d cuentas)\n", *out, len(r.Accounts))
	}
	return exitOK
}
