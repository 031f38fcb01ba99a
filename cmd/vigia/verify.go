package main

import (
	"context"
	"fmt"
	"io"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/archive"
)

// dbPath resolves the archive's path from --db, or from the configuration file
// named by --config; it reports a usage problem in Spanish.
func dbPath(db, config string) (string, error) {
	switch {
	case db != "" && config != "":
		return "", fmt.Errorf("use --db o --config, no ambos")
	case db != "":
		return db, nil
	case config != "":
		cfg, err := agent.LoadConfigWithoutSecrets(config)
		if err != nil {
			return "", fmt.Errorf("configuración inválida:\n%v", err)
		}
		return cfg.Database, nil
	}
	return "", fmt.Errorf("indique el archivo con --db RUTA o la configuración con --config ARCHIVO")
}

var mismatchES = map[string]string{
	archive.MismatchChanged:   "su contenido ya no coincide con su hash: fue modificado después de escribirse",
	archive.MismatchMissing:   "falta en la cadena: fue borrado",
	archive.MismatchTruncated: "la cadena termina antes de su cabeza registrada: se borraron registros al final o se alteró la cabeza",
	archive.MismatchDerived:   "una columna derivada no coincide con los registros encadenados",
}

func cmdVerify(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("verify", "verify --db ARCHIVO | --config ARCHIVO", stderr)
	db := fs.String("db", "", "archivo SQLite del archivo")
	config := fs.String("config", "", "archivo de configuración (para tomar de él la ruta del archivo)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	path, err := dbPath(*db, *config)
	if err != nil {
		fmt.Fprintf(stderr, "vigia verify: %v\n", err)
		return exitError
	}
	store, err := archive.Open(ctx, path, archive.Options{ReadOnly: true})
	if err != nil {
		fmt.Fprintf(stderr, "vigia verify: no se pudo abrir %s: %v\n", path, err)
		return exitError
	}
	defer store.Close()
	if err := store.IntegrityCheck(ctx); err != nil {
		fmt.Fprintf(stdout, "%s: ALTERADO: la base de datos no pasa PRAGMA integrity_check: %v\n", path, err)
		return exitFindings
	}
	rep, err := store.Verify(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "vigia verify: %v\n", err)
		return exitError
	}
	if p := rep.Problem; p != nil {
		where := fmt.Sprintf("el registro %d (tabla %s)", p.ID, p.Table)
		if p.Kind == archive.MismatchMissing {
			where = fmt.Sprintf("el registro %d", p.ID) // its table is unknown: the row is gone
		}
		fmt.Fprintf(stdout, "%s: ALTERADO: %s %s.\n  Detalle: %s\n  Registros verificados antes del problema: %d\n",
			path, where, mismatchES[p.Kind], p.Reason, rep.Records)
		return exitFindings
	}
	fmt.Fprintf(stdout, "%s: íntegro: %d registros verificados; cabeza de la cadena %s\n", path, rep.Records, rep.Head)
	return exitOK
}
