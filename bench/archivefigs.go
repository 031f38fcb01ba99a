package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"time"

	_ "github.com/mattn/go-sqlite3" // the archive's driver, for the report's read-only queries
)

// reportQueries are the aggregates a semester report needs, per account: items
// by kind, comments by others, answers in time and late, first-response
// percentiles, flags by rule, deletions, edits and repeat offenders.
var reportQueries = []struct{ name, sql string }{
	{"items_by_kind", `SELECT account_id, kind, own, count(*) FROM items WHERE created_at >= ?1 GROUP BY account_id, kind, own`},
	{"responses", `SELECT account_id, intent, needs_answer, state, count(*), avg(business_seconds) FROM responses GROUP BY account_id, intent, needs_answer, state`},
	{"first_response", `SELECT account_id, business_seconds FROM responses WHERE reply_item_id IS NOT NULL ORDER BY account_id, business_seconds`},
	{"flags", `SELECT i.account_id, f.rule, count(*) FROM flags f JOIN items i ON i.id = f.item_id WHERE f.created_at >= ?1 GROUP BY i.account_id, f.rule`},
	{"deleted", `SELECT i.account_id, count(*) FROM item_events e JOIN items i ON i.id = e.item_id WHERE e.event = 'deleted' GROUP BY i.account_id`},
	{"edits", `SELECT i.account_id, count(*) FROM item_versions v JOIN items i ON i.id = v.item_id WHERE v.version > 1 GROUP BY i.account_id`},
	{"offenders", `SELECT i.account_id, i.author_id, count(*) FROM flags f JOIN items i ON i.id = f.item_id WHERE f.rule IN ('offensive','offensive_review') GROUP BY i.account_id, i.author_id HAVING count(*) > 1`},
	{"polls", `SELECT account_id, result, count(*), sum(calls) FROM fetch_log GROUP BY account_id, result`},
}

// report is scenario 5. The semester report (report/, `vigia report`) is being
// built on another branch: until it lands this runs a stand-in, the archive's
// aggregate queries such a report needs over the full archive, read-only.
func (b *bench) report(ctx context.Context) Result {
	r := Result{Name: "informe semestral (sustituto: consultas agregadas del informe)", Target: "< 10 s"}
	if b.fullDB == "" {
		return failed(r, errors.New("needs scenario 1 (the full archive)"))
	}
	db, err := sql.Open("sqlite3", "file:"+b.fullDB+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return failed(r, err)
	}
	defer db.Close()
	resetPeakRSS()
	since := time.Now().AddDate(0, 0, -b.o.days-1).UnixNano()
	t0 := time.Now()
	rows := 0
	for _, q := range reportQueries {
		n, err := countRows(ctx, db, q.sql, since)
		if err != nil {
			return failed(r, fmt.Errorf("%s: %w", q.name, err))
		}
		rows += n
	}
	el := time.Since(t0).Seconds()
	peak := procStatusMiB("VmHWM")
	r.Figures = map[string]float64{"seconds": el, "rows": float64(rows), "peak_rss_mib": peak}
	r.Summary = fmt.Sprintf("%.2f s, %d filas agregadas, RSS pico %.0f MiB (proceso completo)", el, rows, peak)
	r.Status = verdict(el < 10)
	r.Notes = "stand-in: report/ is not in this tree; these are the aggregate queries a semester report runs, not the rendered report"
	return r
}

func countRows(ctx context.Context, db *sql.DB, q string, arg int64) (int, error) {
	rows, err := db.QueryContext(ctx, q, arg)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// goBench runs Go benchmarks of one package (the repository's own, reused) and
// returns each benchmark's reported metrics by unit.
func goBench(ctx context.Context, pkg, pattern, benchtime string, count int) (map[string]map[string]float64, error) {
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", pattern, "-benchtime", benchtime, "-count", strconv.Itoa(count), pkg)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go test -bench %s %s: %w\n%s", pattern, pkg, err, out)
	}
	// Median of the counts, per benchmark and unit.
	all := map[string]map[string][]float64{}
	line := regexp.MustCompile(`(?m)^(Benchmark\w+)(?:-\d+)?\s+\d+\s+(.*)$`)
	metric := regexp.MustCompile(`([\d.e+]+) (\S+)`)
	for _, m := range line.FindAllStringSubmatch(string(out), -1) {
		if all[m[1]] == nil {
			all[m[1]] = map[string][]float64{}
		}
		for _, mm := range metric.FindAllStringSubmatch(m[2], -1) {
			v, err := strconv.ParseFloat(mm[1], 64)
			if err == nil {
				all[m[1]][mm[2]] = append(all[m[1]][mm[2]], v)
			}
		}
	}
	res := map[string]map[string]float64{}
	for name, units := range all {
		res[name] = map[string]float64{}
		for u, vs := range units {
			res[name][u] = quantile(vs, 0.5)
		}
	}
	return res, nil
}

// classifier is scenario 6: policy/offensive's BenchmarkClassify (held-out
// corpus), per core of CPU time actually used.
func (b *bench) classifier(ctx context.Context) Result {
	r := Result{Name: "clasificador de comentarios ofensivos", Target: "≥ 200 000 comentarios/s por núcleo"}
	res, err := goBench(ctx, "./policy/offensive", "^BenchmarkClassify$", "2s", 3)
	if err != nil {
		return failed(r, err)
	}
	m := res["BenchmarkClassify"]
	perCore := m["comments/cpu-s"]
	r.Figures = map[string]float64{"comments_per_cpu_second": perCore, "comments_per_wall_second": m["comments/s"], "ns_per_comment": m["ns/op"], "allocs_per_comment": m["allocs/op"]}
	r.Summary = fmt.Sprintf("%.0f comentarios/s por núcleo de CPU (%.0f/s de reloj con la máquina cargada), %.1f µs cada uno", perCore, m["comments/s"], m["ns/op"]/1000)
	r.Status = verdict(perCore >= 200000)
	r.Notes = "go test -bench ^BenchmarkClassify$ ./policy/offensive, median of 3"
	return r
}

// ingest is scenario 7: archive.Commit against the raw SQLite baseline of the
// same rows (archive/bench_test.go).
func (b *bench) ingest(ctx context.Context) Result {
	r := Result{Name: "ingesta del archivo frente a SQLite de las mismas filas", Target: "razón ≥ 0.5"}
	// Three rounds of the three benchmarks, each round run back to back so that
	// the load of a shared machine weighs on the three alike; the ratios are
	// taken within each round and their median reported.
	var cs, sames, wides, rs, rw []float64
	for range 3 {
		res, err := goBench(ctx, "./archive", "^Benchmark(Commit|BaselineSameRows|BaselineInsert)$", "20x", 1)
		if err != nil {
			return failed(r, err)
		}
		c, same, wide := res["BenchmarkCommit"]["items/s"], res["BenchmarkBaselineSameRows"]["items/s"], res["BenchmarkBaselineInsert"]["items/s"]
		if c == 0 || same == 0 || wide == 0 {
			return failed(r, errors.New("benchmarks reported no items/s"))
		}
		cs, sames, wides = append(cs, c), append(sames, same), append(wides, wide)
		rs, rw = append(rs, c/same), append(rw, c/wide)
	}
	c, same, wide := quantile(cs, 0.5), quantile(sames, 0.5), quantile(wides, 0.5)
	ratioSame, ratioWide := quantile(rs, 0.5), quantile(rw, 0.5)
	r.Figures = map[string]float64{"commit_items_per_second": c, "same_rows_items_per_second": same, "wide_row_items_per_second": wide,
		"ratio_same_rows": ratioSame, "ratio_wide_row": ratioWide}
	r.Summary = fmt.Sprintf("Commit %.0f elementos/s; mismas filas en SQLite %.0f/s: razón %.2f (fila ancha %.0f/s: %.2f)", c, same, ratioSame, wide, ratioWide)
	r.Status = verdict(ratioSame >= 0.5)
	r.Notes = "go test -bench ./archive -benchtime 20x (1,000 items per transaction), three rounds; ratios within each round, median"
	return r
}

func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(q*float64(len(s)-1) + 0.5)
	return s[min(i, len(s)-1)]
}
