package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"

	_ "github.com/mattn/go-sqlite3" // the archive's driver, for read-only queries (scenarios 2 and 5)
)

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
