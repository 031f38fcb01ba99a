package report_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/report"
)

// Benchmark data: a semester (2026-1) of 400 accounts in 20 organs and 5,000,000
// comments by others (12,500 per account, two posts a day), 60 % of them answered
// by an own reply, 5 % flagged offensive and 2 % for review, written through the
// archive's own Commit path (multi-row inserts, hash chain) and SaveResponses. It
// takes minutes to build, so it is kept between runs in
// $VIGIA_REPORT_BENCH_DB (default: vigia-report-bench-v1.db in the temp dir).
const (
	benchAccounts = 400
	benchComments = 5_000_000
)

func benchDB(b *testing.B) string {
	b.Helper()
	path := os.Getenv("VIGIA_REPORT_BENCH_DB")
	if path == "" {
		path = filepath.Join(os.TempDir(), "vigia-report-bench-v1.db")
	}
	if _, err := os.Stat(path + ".done"); err == nil {
		return path
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	start := time.Now()
	if err := buildBenchArchive(context.Background(), path); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path+".done", nil, 0o644); err != nil {
		b.Fatal(err)
	}
	b.Logf("built the benchmark archive %s in %v", path, time.Since(start))
	return path
}

func buildBenchArchive(ctx context.Context, path string) error {
	s, err := archive.Open(ctx, path, archive.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	nets := []string{"x", "facebook", "mastodon", "bluesky"}
	var accts []archive.AccountInfo
	for a := range benchAccounts {
		accts = append(accts, archive.AccountInfo{ID: fmt.Sprintf("cuenta-%03d", a), Network: nets[a%len(nets)],
			Handle: fmt.Sprintf("ife_%03d", a), Organ: fmt.Sprintf("organo-%02d", a%20), Status: "active"})
	}
	if err := s.SyncAccounts(ctx, accts); err != nil {
		return err
	}
	period, _ := report.Semester("2026-1")
	days := int(period.Days())
	perAccount := benchComments / benchAccounts
	intents := []string{"question", "info_request", "suggestion", "complaint", "praise", "other"}
	cats := []string{"insult", "family_curse", "dehumanising", "threat"}
	for a, acct := range accts {
		rng := rand.New(rand.NewPCG(uint64(a), 7))
		var rows []archive.ResponseRow
		posts := 2 * days
		perPost := perAccount / posts
		extra := perAccount - perPost*posts
		const chunkDays = 10
		for chunk := 0; chunk < days; chunk += chunkDays {
			var items []connectors.Item
			var flags []archive.Flag
			for d := chunk; d < min(days, chunk+chunkDays); d++ {
				for k := range 2 {
					p := d*2 + k
					at := period.From.AddDate(0, 0, d).Add(time.Duration(10+6*k) * time.Hour)
					pid := fmt.Sprintf("%s-p%d", acct.ID, p)
					items = append(items, connectors.Item{ExternalID: pid, Kind: connectors.KindPost, AuthorID: acct.Handle,
						AuthorHandle: acct.Handle, Own: true, CreatedAt: at, Text: "Consulta los requisitos para tramitar tu credencial para votar."})
					n := perPost
					if p < extra {
						n++
					}
					for c := range n {
						cid := fmt.Sprintf("%s-c%d-%d", acct.ID, p, c)
						created := at.Add(time.Duration(rng.Int64N(int64(36 * time.Hour))))
						author := "u" + strconv.Itoa(rng.IntN(3000))
						items = append(items, connectors.Item{ExternalID: cid, Kind: connectors.KindComment, ParentID: pid, RootID: pid,
							AuthorID: author, AuthorHandle: author, CreatedAt: created,
							Text: "¿Dónde puedo tramitar mi credencial para votar en la sección " + strconv.Itoa(c) + "?"})
						row := archive.ResponseRow{Comment: cid, Intent: intents[rng.IntN(len(intents))], NeedsAnswer: rng.IntN(100) < 85}
						switch r := rng.IntN(100); {
						case r < 5:
							flags = append(flags, archive.Flag{ExternalID: cid, Rule: "offensive", Category: cats[rng.IntN(len(cats))],
								Severity: "recommend_block", Score: 0.9, Evidence: "[]"})
							row.NeedsAnswer = false
						case r < 7:
							flags = append(flags, archive.Flag{ExternalID: cid, Rule: "offensive_review", Category: cats[rng.IntN(len(cats))],
								Severity: "review", Score: 0.5, Evidence: "[]"})
						}
						if row.NeedsAnswer && rng.IntN(100) < 70 {
							wall := time.Duration(rng.Int64N(int64(30*time.Hour))) + 10*time.Minute
							rid := fmt.Sprintf("%s-r%d-%d", acct.ID, p, c)
							items = append(items, connectors.Item{ExternalID: rid, Kind: connectors.KindReply, ParentID: cid, RootID: pid,
								AuthorID: acct.Handle, AuthorHandle: acct.Handle, Own: true, CreatedAt: created.Add(wall),
								Text: "Hola, puedes consultar el módulo más cercano en ife.org.mx o pedir información por INFOMEX-IFE."})
							row.Reply, row.How, row.Wall = rid, "direct", wall.Truncate(time.Second)
							row.Business = time.Duration(float64(wall) * 0.3).Truncate(time.Second)
							row.State = "answered_in_time"
							if row.Business > 8*time.Hour {
								row.State = "answered_late"
							}
						}
						rows = append(rows, row)
					}
				}
			}
			at := period.From.AddDate(0, 0, min(days, chunk+chunkDays))
			if _, err := s.Commit(ctx, archive.Poll{Account: acct.ID, Network: acct.Network, Started: at, Finished: at.Add(time.Second),
				Batch: connectors.Batch{Items: items, Cursor: connectors.Cursor(strconv.Itoa(chunk))}, Flags: flags}); err != nil {
				return fmt.Errorf("commit %s: %w", acct.ID, err)
			}
		}
		if err := s.SaveResponses(ctx, acct.Network, acct.ID, rows); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkReport_Semester builds the report of the benchmark semester and writes
// all three formats (HTML, JSON, CSV). It reports the peak resident memory of the
// process while doing so (VmHWM, reset after the archive is built).
func BenchmarkReport_Semester(b *testing.B) {
	path := benchDB(b)
	ctx := context.Background()
	runtime.GC()
	resetPeakRSS(b)
	out := b.TempDir()
	for b.Loop() {
		s, err := archive.Open(ctx, path, archive.Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		period, _ := report.Semester("2026-1")
		r, err := report.Build(ctx, s, report.Options{Period: period})
		if err != nil {
			b.Fatal(err)
		}
		if err := report.WriteHTML(io.Discard, r); err != nil {
			b.Fatal(err)
		}
		if err := report.WriteJSON(io.Discard, r); err != nil {
			b.Fatal(err)
		}
		if err := report.WriteCSV(out, r); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	if peak := peakRSS(b); peak > 0 {
		b.ReportMetric(float64(peak)/(1<<20), "MiB-peak-RSS")
	}
}

// resetPeakRSS resets the kernel's peak resident set size of this process (Linux).
func resetPeakRSS(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("cannot reset the peak RSS: %v", err)
	}
}

// peakRSS returns VmHWM in bytes (Linux), 0 when unknown.
func peakRSS(b *testing.B) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	b.Log("no VmHWM in /proc/self/status")
	return 0
}
