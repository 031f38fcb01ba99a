package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/configs"
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/all"
	"github.com/ife-mx/vigia/connectors/simulated"
	"github.com/ife-mx/vigia/metrics"
)

const defaultConfigPath = "/etc/vigia/vigia.yaml"

// newRegistry returns the metrics registry with the Go and process collectors and
// vigia_build_info; it serves /metrics (metrics.Registry).
func newRegistry() *metrics.Registry {
	reg := metrics.NewRegistry()
	v, r, g := buildInfo()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		metrics.NewBuildInfo(v, r, g),
	)
	return reg
}

// serveOptions are what run and demo differ in.
type serveOptions struct {
	cfg      *agent.Config
	registry *connectors.Registry
	store    *archive.Store
	logger   *slog.Logger
	// reload loads the configuration again on SIGHUP; nil ignores SIGHUP.
	reload func() (*agent.Config, error)
	// started is called once the agent serves, with the agent.
	started func(ctx context.Context, a *agent.Agent)
	// pprof, when set, is the loopback address of the runtime profiles (--pprof).
	pprof string
}

// serve runs the agent until ctx is done, with systemd notification, watchdog and
// SIGHUP reloads.
func serve(ctx context.Context, o serveOptions) error {
	if o.pprof != "" {
		stop, err := startPprof(o.pprof, o.logger)
		if err != nil {
			return err
		}
		defer stop()
	}
	reg := newRegistry()
	m := metrics.New(reg)
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "vigia_archive_size_bytes",
		Help: "Size of the SQLite archive: the database file plus its write-ahead log.",
	}, func() float64 {
		n, err := o.store.SizeBytes()
		if err != nil {
			return -1
		}
		return float64(n)
	}))
	ready := make(chan struct{})
	a, err := agent.New(ctx, agent.Options{
		Config: o.cfg, Registry: o.registry, Store: o.store, Logger: o.logger,
		Registerer: reg, Gatherer: reg, Metrics: m,
		Ready: func() { close(ready) },
	})
	if err != nil {
		return err
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ready:
		case <-done:
			return
		}
		if _, err := daemon.SdNotify(false, daemon.SdNotifyReady); err != nil {
			o.logger.Warn("sd_notify READY failed", slog.Any("error", err))
		}
		if o.started != nil {
			o.started(ctx, a)
		}
	}()
	go watchdog(ctx, done, a, o.logger)
	if o.reload != nil {
		hup := make(chan os.Signal, 1)
		signal.Notify(hup, syscall.SIGHUP)
		defer signal.Stop(hup)
		go func() {
			for {
				select {
				case <-done:
					return
				case <-hup:
					daemon.SdNotify(false, daemon.SdNotifyReloading)
					if cfg, err := o.reload(); err != nil {
						m.ConfigReloadOK.Set(0)
						o.logger.Error("configuration reload refused; keeping the previous one", slog.Any("error", err))
					} else {
						_ = a.Reload(ctx, cfg) // it logs and exports its outcome
					}
					daemon.SdNotify(false, daemon.SdNotifyReady)
				}
			}
		}()
	}
	err = a.Run(ctx)
	daemon.SdNotify(false, daemon.SdNotifyStopping)
	return err
}

// watchdog pings systemd's watchdog at half its interval, each ping after a real
// health check of the archive.
func watchdog(ctx context.Context, done <-chan struct{}, a *agent.Agent, log *slog.Logger) {
	interval, err := daemon.SdWatchdogEnabled(false)
	if err != nil || interval <= 0 {
		return
	}
	t := time.NewTicker(interval / 2)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-done:
			return
		case <-t.C:
			hctx, cancel := context.WithTimeout(ctx, interval/4)
			err := a.Healthy(hctx)
			cancel()
			if err != nil {
				log.Error("health check failed; not pinging the watchdog", slog.Any("error", err))
				continue
			}
			daemon.SdNotify(false, daemon.SdNotifyWatchdog)
		}
	}
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("run", "run [--config ARCHIVO] [--pprof 127.0.0.1:6060]", stderr)
	path := fs.String("config", defaultConfigPath, "archivo de configuración YAML")
	pprofAddr := fs.String("pprof", "", "sirve los perfiles de Go (/debug/pprof/) en esta dirección de loopback; solo para diagnóstico")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *pprofAddr != "" {
		if err := pprofListen(*pprofAddr); err != nil {
			fmt.Fprintf(stderr, "vigia run: %v\n", err)
			return exitError
		}
	}
	cfg, err := agent.LoadConfig(*path, os.LookupEnv)
	if err != nil {
		fmt.Fprintf(stderr, "vigia run: configuración inválida:\n%v\n", err)
		return exitError
	}
	reg := all.Registry()
	if err := cfg.Validate(reg); err != nil {
		fmt.Fprintf(stderr, "vigia run: configuración inválida:\n%v\n", err)
		return exitError
	}
	log := newLogger(stderr, cfg.Log)
	var store *archive.Store
	whileStarting(extendEvery, func() { store, err = archive.Open(ctx, cfg.Database, archive.Options{}) })
	if err != nil {
		log.Error("cannot open the archive", slog.Any("error", err))
		return exitError
	}
	defer store.Close()
	err = serve(ctx, serveOptions{
		cfg: cfg, registry: reg, store: store, logger: log, pprof: *pprofAddr,
		reload: func() (*agent.Config, error) { return agent.LoadConfig(*path, os.LookupEnv) },
	})
	if err != nil {
		log.Error("agent failed", slog.Any("error", err))
		return exitError
	}
	return exitOK
}

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("demo", "demo [--db ARCHIVO] [--listen DIRECCIÓN] [--duration DURACIÓN] [--faults P]", stderr)
	db := fs.String("db", "vigia-demo.db", "archivo SQLite del archivo de la demo")
	listen := fs.String("listen", "", "dirección HTTP para /metrics (por omisión la de la configuración de la demo, 127.0.0.1:9464)")
	duration := fs.Duration("duration", 0, "detenerse sola después de este tiempo (por ejemplo 30s); 0 = hasta Ctrl-C")
	faults := fs.Float64("faults", 0, "probabilidad (0 a 1) de cada falla simulada por sondeo: límite de tasa, error del servidor, tiempo agotado, respuesta malformada")
	every := fs.Duration("summary-every", 5*time.Second, "cada cuánto imprimir el resumen")
	verbose := fs.Bool("verbose", false, "mostrar también los registros (logs) de nivel info")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *faults < 0 || *faults > 1 {
		fmt.Fprintln(stderr, "vigia demo: --faults debe estar entre 0 y 1")
		return exitError
	}
	cfg, err := agent.ParseConfig(configs.Demo, "demo.yaml", os.LookupEnv)
	if err != nil {
		fmt.Fprintf(stderr, "vigia demo: la configuración integrada es inválida:\n%v\n", err)
		return exitError
	}
	if cfg.Database, err = filepath.Abs(*db); err != nil {
		fmt.Fprintf(stderr, "vigia demo: --db: %v\n", err)
		return exitError
	}
	if *listen != "" {
		cfg.Listen = *listen
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelInfo
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}
	store, err := archive.Open(ctx, cfg.Database, archive.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "vigia demo: no se pudo abrir el archivo %s: %v\n", cfg.Database, err)
		return exitError
	}
	defer store.Close()

	// The simulated world starts when this demo archive was created, so a second
	// run on the same archive continues the same world instead of starting over.
	created, err := store.CreatedAt(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "vigia demo: %v\n", err)
		return exitError
	}
	simCfg := simulated.DefaultConfig()
	if err := cfg.NetworkDecoder(simulated.Network)(&simCfg); err != nil {
		fmt.Fprintf(stderr, "vigia demo: networks.simulated: %v\n", err)
		return exitError
	}
	if simCfg.Anchor.IsZero() {
		simCfg.Anchor, simCfg.Epoch = created, created
	}
	if *faults > 0 {
		simCfg.Faults.RateLimited, simCfg.Faults.ServerError = *faults, *faults
		simCfg.Faults.Timeout, simCfg.Faults.Malformed = *faults, *faults
	}
	world, err := simulated.NewWorld(simCfg, time.Now())
	if err != nil {
		fmt.Fprintf(stderr, "vigia demo: %v\n", err)
		return exitError
	}

	err = serve(ctx, serveOptions{
		cfg: cfg, registry: all.Simulated(world), store: store, logger: log,
		started: func(ctx context.Context, a *agent.Agent) {
			fmt.Fprintf(stdout, "Vigía demo: %d cuentas en la red simulada (%d órganos).\n", len(cfg.AccountConfigs()), len(cfg.Organs))
			fmt.Fprintf(stdout, "Archivo: %s\n", cfg.Database)
			fmt.Fprintf(stdout, "Métricas: http://%s/metrics   Salud: http://%s/healthz\n", a.Addr(), a.Addr())
			if *duration > 0 {
				fmt.Fprintf(stdout, "La demo se detendrá sola en %s.\n", *duration)
			} else {
				fmt.Fprintln(stdout, "Ctrl-C para detener.")
			}
			go summarize(ctx, stdout, a, store, world, *every)
		},
	})
	if err != nil {
		fmt.Fprintf(stderr, "vigia demo: %v\n", err)
		return exitError
	}
	printSummary(context.WithoutCancel(ctx), stdout, nil, store, world, "Final")
	fmt.Fprintln(stdout, "Demo detenida. Verifique el archivo con: vigia verify --db", cfg.Database)
	return exitOK
}

// summarize prints a short live summary every interval until ctx is done.
func summarize(ctx context.Context, w io.Writer, a *agent.Agent, store *archive.Store, world *simulated.World, every time.Duration) {
	if every <= 0 {
		return
	}
	start := time.Now()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			printSummary(ctx, w, a, store, world, fmt.Sprintf("[%s]", time.Since(start).Round(time.Second)))
		}
	}
}

func printSummary(ctx context.Context, w io.Writer, a *agent.Agent, store *archive.Store, world *simulated.World, prefix string) {
	tot, err := store.Totals(ctx)
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(w, "%s no se pudo leer el archivo: %v\n", prefix, err)
		return
	}
	polls := ""
	if a != nil {
		s := a.Stats()
		polls = fmt.Sprintf("sondeos %d (%d fallidos) · ", s.Polls.Load(), s.PollsFailed.Load())
	}
	fmt.Fprintf(w, "%s %spublicaciones %d · comentarios %d · respuestas %d · menciones %d · ediciones %d · borrados %d · hora simulada %s\n",
		prefix, polls, tot.Items[connectors.KindPost], tot.Items[connectors.KindComment], tot.Items[connectors.KindReply],
		tot.Items[connectors.KindMention], tot.Versions-sum(tot.Items), tot.Deleted,
		world.SimNow(time.Now()).In(time.FixedZone("CST", -6*3600)).Format("2006-01-02 15:04"))
	fmt.Fprintf(w, "%s atención: %d comentarios respondidos, %d esperan respuesta · %d comentarios ofensivos (se recomienda bloquear)\n",
		strings.Repeat(" ", len(prefix)), tot.Answered, tot.Unanswered, tot.Offensive)
}

func sum(m map[connectors.Kind]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// extendEvery is how often `vigia run` asks systemd for more start time while the
// archive opens.
const extendEvery = 30 * time.Second

// whileStarting runs fn (opening the archive, which applies any new migration in
// one transaction: minutes on an archive of several semesters) and, while it
// runs, sends systemd EXTEND_TIMEOUT_USEC every `every`, each asking for three
// periods more, so that TimeoutStartSec does not kill a start that is making
// progress. A start that hangs stops asking and is killed as before. Without
// NOTIFY_SOCKET (not under systemd) the messages go nowhere.
func whileStarting(every time.Duration, fn func()) {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				daemon.SdNotify(false, fmt.Sprintf("EXTEND_TIMEOUT_USEC=%d", (3*every).Microseconds()))
			}
		}
	}()
	fn()
	close(done)
	<-stopped
}
