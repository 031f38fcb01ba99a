package archive

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the archive to dst with SQLite's VACUUM INTO:
// one read transaction sees a single snapshot, so the copy is exact even while
// another process (the daemon) keeps committing, and the daemon is never blocked.
// The copy is written to a temporary file beside dst, synced, and renamed into
// place, so dst is either absent or complete. dst must not exist yet.
func (s *Store) Backup(ctx context.Context, dst string) error {
	if dst == "" {
		return errors.New("archive: backup: empty destination path")
	}
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("archive: backup: %s already exists", dst)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("archive: backup: %w", err)
	}
	abs, err := filepath.Abs(dst)
	if err != nil {
		return fmt.Errorf("archive: backup: %w", err)
	}
	if src, err := filepath.Abs(s.path); err == nil && src == abs {
		return errors.New("archive: backup: the destination is the archive itself")
	}
	tmp, err := os.CreateTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".tmp-*")
	if err != nil {
		return fmt.Errorf("archive: backup: %w", err)
	}
	tmpName := tmp.Name()
	tmp.Close()
	// VACUUM INTO wants a file that does not exist or is empty; it is empty.
	done := false
	defer func() {
		if !done {
			os.Remove(tmpName)
		}
	}()
	if _, err := s.r.ExecContext(ctx, `VACUUM INTO ?`, tmpName); err != nil {
		return fmt.Errorf("archive: backup: vacuum into: %w", err)
	}
	if err := syncFile(tmpName); err != nil {
		return fmt.Errorf("archive: backup: %w", err)
	}
	if err := os.Link(tmpName, abs); err != nil {
		// Link fails when dst appeared meanwhile: never overwrite it.
		return fmt.Errorf("archive: backup: %w", err)
	}
	os.Remove(tmpName)
	done = true
	if err := syncFile(filepath.Dir(abs)); err != nil {
		return fmt.Errorf("archive: backup: %w", err)
	}
	return nil
}

// syncFile flushes a file or directory to stable storage.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
