// Command bench is Vigía's load generator and scale benchmark (issue 11). It runs
// the agent in this process against simulated networks, measures the seven
// scenarios of the institute's scale (backfill, steady state, rate-limit
// pressure, /metrics scrape, semester report, classifier, archive ingest), prints
// a table and writes it as JSON so runs can be compared.
//
//	go run ./bench [--accounts 400] [--days 182] [--steady 3m] [--out bench/out/results.json]
//	go run ./bench --only 1 --world-only   # scenario 1 with the simulated world alone
//
// Every figure comes from a real run: the backfill goes through the agent's poll
// pipeline into a real SQLite archive; steady state and rate-limit pressure run
// the real Mastodon connector over HTTP on loopback against a Mastodon-shaped
// server that enforces Mastodon's published limit; the classifier and archive
// figures reuse the Go benchmarks of policy/offensive and archive.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"
)

// options are the command line.
type options struct {
	accounts     int
	days         int
	steady       time.Duration
	liveRate     float64
	mastAccounts int
	out          string
	dir          string
	reportDB     string
	only         map[int]bool
	verbose      bool
	heapProfile  string // scenario 4 saves vigia run's heap profile here
	worldOnly    bool
}

// Result is one scenario's row.
type Result struct {
	N        int                `json:"scenario"`
	Name     string             `json:"name"`
	Status   string             `json:"status"` // ok, missed, pending, failed
	Figures  map[string]float64 `json:"figures"`
	Target   string             `json:"target,omitempty"`
	Summary  string             `json:"summary"`
	Notes    string             `json:"notes,omitempty"`
	Duration float64            `json:"duration_seconds"`
}

// Report is the JSON document written to --out.
type Report struct {
	Started  time.Time `json:"started"`
	Host     Host      `json:"host"`
	Accounts int       `json:"accounts"`
	Days     int       `json:"days"`
	Results  []Result  `json:"results"`
}

// Host describes the machine a run was taken on.
type Host struct {
	CPUs      int     `json:"cpus"`
	CPUModel  string  `json:"cpu_model"`
	GoVersion string  `json:"go_version"`
	Load1     float64 `json:"load1_at_start"`
	Load1End  float64 `json:"load1_at_end"`
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.IntVar(&o.accounts, "accounts", 400, "cuentas simuladas del respaldo histórico (escenario 1) y de /metrics")
	fs.IntVar(&o.days, "days", 182, "días de historia por cuenta (un semestre: 182)")
	fs.DurationVar(&o.steady, "steady", 3*time.Minute, "duración del régimen estable (escenarios 2 y 3)")
	fs.Float64Var(&o.liveRate, "live-rate", 20, "comentarios nuevos por segundo en el régimen estable")
	fs.IntVar(&o.mastAccounts, "mastodon-accounts", 0, "cuentas de la red tipo Mastodon servida por HTTP (0: las de --accounts)")
	fs.StringVar(&o.out, "out", "bench/out/results.json", "archivo JSON de resultados")
	fs.StringVar(&o.dir, "dir", "", "directorio de trabajo para los archivos SQLite (por omisión uno temporal)")
	fs.StringVar(&o.reportDB, "report-db", "", "archivo SQLite sobre el que correr el informe (escenario 5) en vez del del escenario 1")
	scen := fs.String("only", "", "escenarios a correr, p. ej. 1,4,6 (por omisión todos)")
	fs.BoolVar(&o.verbose, "verbose", false, "registros del agente en stderr")
	fs.BoolVar(&o.worldOnly, "world-only", false, "el escenario 1 sin el agente: sólo lo que cuesta servir la historia desde la red simulada")
	cpuprofile := fs.String("cpuprofile", "", "escribe un perfil de CPU de este proceso (go tool pprof)")
	fs.StringVar(&o.heapProfile, "heap-profile", "", "el escenario 4 guarda aquí el perfil de memoria de vigia run (go tool pprof)")
	memprofile := fs.String("memprofile", "", "escribe un perfil de memoria (heap) de este proceso al terminar el escenario 1 (go tool pprof)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.accounts < 1 || o.days < 1 || o.steady < 10*time.Second || o.liveRate < 0 {
		fmt.Fprintln(stderr, "bench: --accounts y --days deben ser positivos, --steady al menos 10s y --live-rate no negativo")
		return 2
	}
	if o.mastAccounts == 0 {
		o.mastAccounts = o.accounts
	}
	o.only = map[int]bool{}
	for _, f := range strings.Split(*scen, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		var n int
		if _, err := fmt.Sscan(f, &n); err != nil || n < 1 || n > 7 {
			fmt.Fprintf(stderr, "bench: --only: escenario inválido %q (1 a 7)\n", f)
			return 2
		}
		o.only[n] = true
	}
	if o.dir == "" {
		d, err := os.MkdirTemp("", "vigia-bench-")
		if err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 2
		}
		defer os.RemoveAll(d)
		o.dir = d
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 2
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 2
		}
		defer pprof.StopCPUProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	level := slog.LevelError
	if o.verbose {
		level = slog.LevelInfo
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	rep := Report{Started: time.Now().UTC(), Accounts: o.accounts, Days: o.days,
		Host: Host{CPUs: runtime.NumCPU(), CPUModel: cpuModel(), GoVersion: runtime.Version(), Load1: load1()}}

	b := &bench{o: o, log: log, stderr: stderr, memprofile: *memprofile}
	steps := []struct {
		n  int
		fn func(context.Context) Result
	}{
		{1, b.backfill}, {5, b.report},
		{2, b.steadyState}, {4, b.scrape}, {3, b.pressure},
		{6, b.classifier}, {7, b.ingest},
	}
	for _, s := range steps {
		if len(o.only) > 0 && !o.only[s.n] {
			continue
		}
		if ctx.Err() != nil {
			break
		}
		fmt.Fprintf(stderr, "bench: escenario %d…\n", s.n)
		t0 := time.Now()
		r := s.fn(ctx)
		r.N, r.Duration = s.n, time.Since(t0).Seconds()
		fmt.Fprintf(stderr, "bench: escenario %d: %s (%s)\n", s.n, r.Summary, r.Status)
		rep.Results = append(rep.Results, r)
	}
	b.close()
	rep.Host.Load1End = load1()
	printTable(stdout, rep)
	if err := writeResults(o.out, rep); err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "\nResultados en %s\n", o.out)
	for _, r := range rep.Results {
		if r.Status == "failed" {
			return 1
		}
	}
	return 0
}

func writeResults(path string, rep Report) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// printTable prints the results as a Markdown table (the README's format).
func printTable(w io.Writer, rep Report) {
	fmt.Fprintf(w, "Máquina: %d CPU (%s), %s; carga (1 min) %.1f al empezar, %.1f al terminar\n",
		rep.Host.CPUs, rep.Host.CPUModel, rep.Host.GoVersion, rep.Host.Load1, rep.Host.Load1End)
	fmt.Fprintf(w, "Cuentas: %d, historia: %d días\n\n", rep.Accounts, rep.Days)
	fmt.Fprintln(w, "| # | Escenario | Resultado | Meta | Estado |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, r := range rep.Results {
		fmt.Fprintf(w, "| %d | %s | %s | %s | %s |\n", r.N, r.Name, r.Summary, r.Target, r.Status)
	}
}

func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, l := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func load1() float64 {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	var l float64
	fmt.Sscan(string(data), &l)
	return l
}
