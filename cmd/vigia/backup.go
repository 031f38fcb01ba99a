package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/ife-mx/vigia/archive"
)

func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("backup", "backup --out ARCHIVO [--db ARCHIVO | --config ARCHIVO]", stderr)
	out := fs.String("out", "", "archivo de la copia (no debe existir)")
	db := fs.String("db", "", "archivo SQLite del archivo")
	config := fs.String("config", "", "archivo de configuración (para tomar de él la ruta del archivo)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *out == "" {
		fmt.Fprintln(stderr, "vigia backup: indique el archivo de la copia con --out ARCHIVO")
		return exitError
	}
	if *db == "" && *config == "" {
		*config = defaultConfigPath
	}
	store, path := openArchive(ctx, "backup", *db, *config, stderr)
	if store == nil {
		return exitError
	}
	defer store.Close()

	size, _ := store.SizeBytes()
	bar := newProgress(stderr, size, "Copiando el archivo", true)
	stop := watchSize(ctx, bar, *out)
	err := store.Backup(ctx, *out)
	stop()
	bar.finish()
	if err != nil {
		fmt.Fprintf(stderr, "vigia backup: no se pudo copiar %s en %s: %v\n", path, *out, err)
		return exitError
	}
	// The copy is checked before it is called good.
	copyStore, err := archive.Open(ctx, *out, archive.Options{ReadOnly: true})
	if err != nil {
		fmt.Fprintf(stderr, "vigia backup: no se pudo abrir la copia %s: %v\n", *out, err)
		return exitError
	}
	defer copyStore.Close()
	if err := copyStore.IntegrityCheck(ctx); err != nil {
		fmt.Fprintf(stderr, "vigia backup: la copia %s no pasa PRAGMA integrity_check: %v\n", *out, err)
		return exitError
	}
	rep, err := copyStore.Verify(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "vigia backup: no se pudo verificar la copia %s: %v\n", *out, err)
		return exitError
	}
	if p := rep.Problem; p != nil {
		fmt.Fprintf(stderr, "vigia backup: la copia %s no coincide con su cadena de hashes en el registro %d (%s): el archivo de origen puede estar alterado; ejecute vigia verify --db %s\n",
			*out, p.ID, p.Table, path)
		return exitFindings
	}
	fi, _ := os.Stat(*out)
	fmt.Fprintf(stdout, "Copia de %s escrita en %s (%d bytes): íntegra, %d registros; cabeza de la cadena %s\n",
		path, *out, fi.Size(), rep.Records, rep.Head)
	return exitOK
}

// watchSize moves bar to the size of the file being written at path (its temporary
// name beside it included) until the returned stop is called.
func watchSize(ctx context.Context, bar *progress, path string) (stop func()) {
	if bar.bar == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				bar.set(tempSize(path))
			}
		}
	}()
	return func() { cancel(); <-done }
}

// tempSize is the size of the temporary file archive.Backup writes beside path.
func tempSize(path string) int64 {
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*"))
	var n int64
	for _, m := range matches {
		if fi, err := os.Stat(m); err == nil {
			n += fi.Size()
		}
	}
	return n
}
