package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/ife-mx/vigia/report"
)

// reportRun is one `vigia report` process: its wall time, CPU time and peak
// resident memory, from the child's rusage.
type reportRun struct {
	format          string
	wall, cpu, peak float64 // seconds, seconds, MiB
}

// report is scenario 5: the real `vigia report`, as its own process, on the full
// archive (scenario 1's, or --report-db), for the period its comments and posts
// cover (a semester at the default --days), once per format: HTML, CSV and JSON.
func (b *bench) report(ctx context.Context) Result {
	r := Result{Name: "informe semestral (vigia report: html, csv y json)", Target: "< 10 s"}
	db := b.o.reportDB
	if db == "" {
		db = b.fullDB
	}
	if db == "" {
		return failed(r, errors.New("needs scenario 1 (the full archive) or --report-db"))
	}
	from, to, err := archiveSpan(ctx, db)
	if err != nil {
		return failed(r, err)
	}
	bin, err := b.vigiaBinary(ctx)
	if err != nil {
		return failed(r, fmt.Errorf("go build: %w", err))
	}
	out := filepath.Join(b.o.dir, "informe")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return failed(r, err)
	}
	var runs []reportRun
	for _, f := range []string{"html", "csv", "json"} {
		dst := filepath.Join(out, "informe."+f)
		if f == "csv" {
			dst = filepath.Join(out, "csv")
		}
		run, err := runReport(ctx, bin, db, from, to, f, dst)
		if err != nil {
			return failed(r, err)
		}
		runs = append(runs, run)
	}
	r.Figures = map[string]float64{}
	// The figures judged are the worst run's: each format is one report.
	var wall, cpu, maxWall, maxCPU, peak float64
	for _, run := range runs {
		r.Figures[run.format+"_seconds"] = run.wall
		r.Figures[run.format+"_cpu_seconds"] = run.cpu
		r.Figures[run.format+"_peak_rss_mib"] = run.peak
		wall, cpu = wall+run.wall, cpu+run.cpu
		maxWall, maxCPU, peak = max(maxWall, run.wall), max(maxCPU, run.cpu), max(peak, run.peak)
	}
	r.Figures["seconds"], r.Figures["cpu_seconds"], r.Figures["peak_rss_mib"] = maxWall, maxCPU, peak
	r.Figures["total_seconds"], r.Figures["total_cpu_seconds"] = wall, cpu
	r.Summary = fmt.Sprintf("%s a %s: ", from, to)
	for i, run := range runs {
		if i > 0 {
			r.Summary += "; "
		}
		r.Summary += fmt.Sprintf("%s %.1f s (CPU %.1f s, RSS pico %.0f MiB)", run.format, run.wall, run.cpu, run.peak)
	}
	r.Status = verdict(maxWall < 10)
	r.Notes = fmt.Sprintf("vigia report --db %s --from %s --to %s, one process per format; total %.1f s, %.1f s of CPU", filepath.Base(db), from, to, wall, cpu)
	return r
}

// runReport runs `vigia report` once. Its CPU time comes from its rusage; its
// peak memory from its VmHWM, read until it exits: rusage's maxrss would count
// this process's memory, which the child shares until it executes vigia.
func runReport(ctx context.Context, bin, db, from, to, format, dst string) (reportRun, error) {
	cmd := exec.CommandContext(ctx, bin, "report", "--db", db, "--from", from, "--to", to, "--format", format, "--out", dst)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return reportRun{}, err
	}
	done := make(chan struct{})
	peak := make(chan float64)
	go func() {
		hwm := 0.0
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			if v := pidStatusMiB(cmd.Process.Pid, "VmHWM"); v > hwm {
				hwm = v
			}
			select {
			case <-done:
				peak <- hwm
				return
			case <-tick.C:
			}
		}
	}()
	err := cmd.Wait()
	wall := time.Since(t0).Seconds()
	close(done)
	hwm := <-peak
	if err != nil {
		return reportRun{}, fmt.Errorf("vigia report --format %s: %w\n%s", format, err, out.Bytes())
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return reportRun{}, errors.New("no rusage for vigia report")
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	return reportRun{format: format, wall: wall, cpu: cpu, peak: hwm}, nil
}

// pidStatusMiB reads a /proc/PID/status field in MiB; 0 when unknown (the
// process has exited).
func pidStatusMiB(pid int, field string) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && k == field {
			var kib float64
			fmt.Sscan(strings.TrimSpace(v), &kib)
			return kib / 1024
		}
	}
	return 0
}

// archiveSpan returns the first and last days (in the report's time zone) of the
// items of the archive at db.
func archiveSpan(ctx context.Context, db string) (from, to string, err error) {
	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return "", "", err
	}
	defer conn.Close()
	var lo, hi sql.NullInt64
	if err := conn.QueryRowContext(ctx, `SELECT MIN(created_at), MAX(created_at) FROM items WHERE created_at > 0`).Scan(&lo, &hi); err != nil {
		return "", "", fmt.Errorf("archive span: %w", err)
	}
	if !lo.Valid {
		return "", "", errors.New("archive span: the archive holds no item")
	}
	day := func(ns int64) string { return time.Unix(0, ns).In(report.Location).Format(time.DateOnly) }
	return day(lo.Int64), day(hi.Int64), nil
}
