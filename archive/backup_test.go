package archive

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ife-mx/vigia/connectors"
)

func TestStore_Backup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.Commit(ctx, poll([]connectors.Item{item("1", "hola"), item("2", "adiós")}, "c1")); err != nil {
		t.Fatal(err)
	}

	t.Run("a copy taken while commits go on verifies and holds every record up to its head", func(t *testing.T) {
		dst := filepath.Join(t.TempDir(), "copia.db")
		var wg sync.WaitGroup
		stop := make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("w%d", i)
				if _, err := s.Commit(ctx, poll([]connectors.Item{item(id, "texto "+id)}, "c-"+id)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		before := s.Records()
		err := s.Backup(ctx, dst)
		close(stop)
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		b, err := Open(ctx, dst, Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		if err := b.IntegrityCheck(ctx); err != nil {
			t.Fatal(err)
		}
		rep := mustVerify(t, b)
		if rep.Records < before {
			t.Errorf("backup holds %d records, the archive had %d before it started", rep.Records, before)
		}
		if n := count(t, b, `SELECT COUNT(*) FROM items WHERE external_id IN ('1', '2')`); n != 2 {
			t.Errorf("backup holds %d of the first two items", n)
		}
		left, _ := filepath.Glob(filepath.Join(filepath.Dir(dst), ".copia.db.tmp-*"))
		if len(left) > 0 {
			t.Errorf("temporary files left behind: %v", left)
		}
	})

	t.Run("an existing destination is refused and left as it was", func(t *testing.T) {
		dst := filepath.Join(t.TempDir(), "existe.db")
		if err := os.WriteFile(dst, []byte("no tocar"), 0o600); err != nil {
			t.Fatal(err)
		}
		err := s.Backup(ctx, dst)
		if err == nil || !strings.Contains(err.Error(), "already exists") {
			t.Fatalf("Backup onto an existing file: %v, want an 'already exists' error", err)
		}
		if b, _ := os.ReadFile(dst); string(b) != "no tocar" {
			t.Errorf("existing file changed to %q", b)
		}
	})

	t.Run("the archive itself is refused", func(t *testing.T) {
		if err := s.Backup(ctx, s.Path()); err == nil {
			t.Fatal("Backup onto the archive itself succeeded")
		}
	})

	t.Run("a missing directory is an error naming it", func(t *testing.T) {
		dst := filepath.Join(t.TempDir(), "no", "existe", "copia.db")
		if err := s.Backup(ctx, dst); err == nil {
			t.Fatal("Backup into a missing directory succeeded")
		}
	})
}

func TestStore_Ping(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping of a working archive: %v", err)
	}
	t.Run("a writer held past the deadline fails the check", func(t *testing.T) {
		s.mu.Lock()
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		err := s.Ping(cctx)
		s.mu.Unlock()
		if err == nil || !strings.Contains(err.Error(), "writer busy") {
			t.Fatalf("Ping while the writer is stuck: %v, want 'writer busy'", err)
		}
		if err := s.Ping(ctx); err != nil {
			t.Fatalf("Ping once the writer is free again: %v", err)
		}
	})
	t.Run("a closed archive fails the check", func(t *testing.T) {
		c := openTest(t)
		c.Close()
		if err := c.Ping(ctx); err == nil {
			t.Fatal("Ping of a closed archive succeeded")
		}
	})
}
