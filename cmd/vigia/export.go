package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/policy/calendar"
)

// parseDay reads a date given on the command line: YYYY-MM-DD, a day in the
// institute's time zone (America/Mexico_City), or an RFC 3339 instant. With
// nextDay, a bare date means the midnight that ends it (an inclusive --to).
func parseDay(flagName, s string, nextDay bool) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	loc, err := time.LoadLocation(calendar.DefaultTimeZone)
	if err != nil {
		return time.Time{}, fmt.Errorf("--%s: %v", flagName, err)
	}
	t, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("--%s: fecha inválida %q: use AAAA-MM-DD o una hora RFC 3339 (2026-03-01T00:00:00-06:00)", flagName, s)
	}
	if nextDay {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}

func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("export", "export --from FECHA --to FECHA [--account ID] --out DIRECTORIO [--db ARCHIVO | --config ARCHIVO]", stderr)
	from := fs.String("from", "", "primer día (AAAA-MM-DD, hora de la Ciudad de México) o instante RFC 3339")
	to := fs.String("to", "", "último día, incluido (AAAA-MM-DD) o instante RFC 3339, excluido")
	account := fs.String("account", "", "solo esta cuenta (por omisión todas)")
	out := fs.String("out", "", "directorio de la exportación (nuevo o vacío)")
	db := fs.String("db", "", "archivo SQLite del archivo")
	config := fs.String("config", "", "archivo de configuración (para tomar de él la ruta del archivo)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "vigia export: "+format+"\n", a...)
		return exitError
	}
	if *from == "" || *to == "" || *out == "" {
		return fail("indique --from, --to y --out")
	}
	opts := archive.ExportOptions{Account: *account}
	var err error
	if opts.From, err = parseDay("from", *from, false); err != nil {
		return fail("%v", err)
	}
	if opts.To, err = parseDay("to", *to, true); err != nil {
		return fail("%v", err)
	}
	if !opts.To.After(opts.From) {
		return fail("--to (%s) debe ser posterior a --from (%s)", *to, *from)
	}
	if *db == "" && *config == "" {
		*config = defaultConfigPath
	}
	store, path := openArchive(ctx, "export", *db, *config, stderr)
	if store == nil {
		return exitError
	}
	defer store.Close()
	if *account != "" {
		known, err := store.HasAccount(ctx, *account)
		if err != nil {
			return fail("%v", err)
		}
		if !known {
			return fail("la cuenta %q no está en el archivo %s", *account, path)
		}
	}
	bar := newProgress(stderr, -1, "Exportando elementos", false)
	opts.Progress = func(done, total int64) {
		if done == 1 && bar.bar != nil {
			bar.bar.ChangeMax64(total)
		}
		bar.set(done)
	}
	rep, err := store.Export(ctx, *out, opts)
	bar.finish()
	if err != nil {
		return fail("%v", err)
	}
	m := rep.Manifest
	fmt.Fprintf(stdout, "Exportación escrita en %s: %d elementos, %d versiones, %d registros encadenados en %d tramos.\n",
		*out, m.Counts.Items, m.Counts.Versions, m.Counts.Records, len(m.Chain.Segments))
	fmt.Fprintf(stdout, "SHA-256 de %s: %s\n", archive.ExportManifest, rep.ManifestSHA256)
	fmt.Fprintf(stdout, "Anote esa suma en el acta; verifique una copia con: vigia verify --export %s\n", *out)
	return exitOK
}
