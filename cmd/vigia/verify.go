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

// openArchive opens the archive named by --db or --config read-only for the
// subcommand name; on failure it reports in Spanish on stderr and returns nil.
func openArchive(ctx context.Context, name, db, config string, stderr io.Writer) (*archive.Store, string) {
	path, err := dbPath(db, config)
	if err != nil {
		fmt.Fprintf(stderr, "vigia %s: %v\n", name, err)
		return nil, ""
	}
	store, err := archive.Open(ctx, path, archive.Options{ReadOnly: true})
	if err != nil {
		fmt.Fprintf(stderr, "vigia %s: no se pudo abrir %s: %v\n", name, path, err)
		return nil, ""
	}
	return store, path
}

var mismatchES = map[string]string{
	archive.MismatchChanged:   "su contenido ya no coincide con su hash: fue modificado después de escribirse",
	archive.MismatchMissing:   "falta en la cadena: fue borrado",
	archive.MismatchTruncated: "la cadena termina antes de su cabeza registrada: se borraron registros al final o se alteró la cabeza",
	archive.MismatchDerived:   "una columna derivada no coincide con los registros encadenados",
}

func cmdVerify(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("verify", "verify ARCHIVO | --db ARCHIVO | --config ARCHIVO | --export DIRECTORIO [--db ARCHIVO]", stderr)
	db := fs.String("db", "", "archivo SQLite del archivo (o una copia hecha con vigia backup)")
	config := fs.String("config", "", "archivo de configuración (para tomar de él la ruta del archivo)")
	export := fs.String("export", "", "directorio de una exportación (vigia export) que verificar; con --db, también sus anclas en ese archivo")
	if code, ok := parseFlagsArgs(fs, args, true); !ok {
		return code
	}
	if extra := fs.Args(); len(extra) > 1 || len(extra) == 1 && (*db != "" || *config != "" || *export != "") {
		fmt.Fprintf(stderr, "vigia verify: argumento inesperado %q\n\n", extra[len(extra)-1])
		fs.usage()
		return exitError
	}
	switch {
	case fs.NArg() == 1:
		*db = fs.Arg(0)
	case *export != "":
		return verifyExport(ctx, *export, *db, *config, stdout, stderr)
	}
	store, path := openArchive(ctx, "verify", *db, *config, stderr)
	if store == nil {
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

var exportProblemES = map[string]string{
	archive.ExportManifestInvalid: "el manifiesto es inválido",
	archive.ExportFileMissing:     "falta el archivo",
	archive.ExportFileExtra:       "sobra un archivo que el manifiesto no lista",
	archive.ExportFileChanged:     "el archivo fue modificado: su SHA-256 no coincide con el manifiesto",
	archive.ExportRecordChanged:   "un registro no coincide con su hash",
	archive.ExportChainBroken:     "la cadena de hashes está rota",
	archive.ExportAnchorMismatch:  "las anclas de la cadena no coinciden",
}

// verifyExport checks an export directory, and its anchors against an archive when
// one is named.
func verifyExport(ctx context.Context, dir, db, config string, stdout, stderr io.Writer) int {
	chk, err := archive.VerifyExport(dir)
	if err != nil {
		fmt.Fprintf(stderr, "vigia verify: no se pudo leer la exportación %s: %v\n", dir, err)
		return exitError
	}
	against := ""
	if db != "" || config != "" {
		store, path := openArchive(ctx, "verify", db, config, stderr)
		if store == nil {
			return exitError
		}
		defer store.Close()
		probs, err := store.VerifyExportAnchors(ctx, chk.Manifest)
		if err != nil {
			fmt.Fprintf(stderr, "vigia verify: %v\n", err)
			return exitError
		}
		chk.Problems = append(chk.Problems, probs...)
		against = path
	}
	if len(chk.Problems) > 0 {
		fmt.Fprintf(stdout, "%s: ALTERADA: %d problemas.\n", dir, len(chk.Problems))
		for _, p := range chk.Problems {
			where := p.File
			if p.RecordID > 0 {
				where += fmt.Sprintf(", registro %d", p.RecordID)
			}
			fmt.Fprintf(stdout, "  %s: %s.\n    Detalle: %s\n", where, exportProblemES[p.Kind], p.Detail)
		}
		return exitFindings
	}
	m := chk.Manifest
	fmt.Fprintf(stdout, "%s: íntegra: %d archivos, %d elementos, %d registros encadenados verificados en %d tramos; SHA-256 del manifiesto %s\n",
		dir, len(m.Files), m.Counts.Items, chk.Records, len(m.Chain.Segments), chk.ManifestSHA256)
	if against != "" {
		fmt.Fprintf(stdout, "Las anclas coinciden con el archivo %s.\n", against)
	}
	return exitOK
}
