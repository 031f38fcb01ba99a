// Package agent is Vigía's daemon: it builds a connector per configured network,
// schedules a poll of every active account on its interval, runs each poll through
// the pipeline (connector → review → archive commit → metrics), serves /metrics,
// /healthz and /readyz, and reloads its configuration on request.
//
// The agent never touches os/signal or the process: cmd/vigia turns SIGTERM into a
// cancelled context and SIGHUP into a call to Reload.
package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ife-mx/vigia/alerts"
	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/metrics"
	"github.com/ife-mx/vigia/policy/offensive"
)

// Reviewer inspects a poll's items before they are committed and returns the policy
// flags to store with them (offensive comments, personal data in own posts, …).
type Reviewer interface {
	Review(acct connectors.Account, items []connectors.Item) []archive.Flag
}

// Options configure an Agent.
type Options struct {
	// Config is the validated configuration to start with.
	Config *Config
	// Registry maps network names to connector factories.
	Registry *connectors.Registry
	// Store is the open archive; the agent does not close it.
	Store *archive.Store
	// Logger receives the agent's logs; slog.Default when nil.
	Logger *slog.Logger
	// Registerer and Gatherer are the metrics registry (never the default one).
	Registerer prometheus.Registerer
	Gatherer   prometheus.Gatherer
	// Metrics, when set, are used instead of registering new ones on Registerer.
	Metrics *metrics.Metrics
	// HTTP is the shared client handed to connectors; one is built when nil.
	HTTP *connectors.HTTPClient
	// Listener, when set, serves the HTTP endpoints instead of listening on Config.Listen.
	Listener net.Listener
	// Reviewer, when set, flags items before they are committed, besides the
	// agent's own conduct review.
	Reviewer Reviewer
	// Classifier is the offensive-comment classifier; the embedded one when nil.
	Classifier *offensive.Classifier
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Ready is called once the agent is serving and scheduling (systemd READY=1).
	Ready func()
	// Alerts, when set, receives the alert events instead of a dispatcher built
	// from the configuration's alerts section.
	Alerts alerts.Sink
	// AlertBuild, when set, is how the dispatcher's notifiers are built (tests
	// trust their own TLS certificate through it).
	AlertBuild *alerts.BuildOptions

	// responseWindows, when set (tests, export_test.go), replace the response
	// clock's hotWindow and pruneEvery.
	responseWindows *[2]time.Duration
}

// Agent is the running daemon.
type Agent struct {
	opts    Options
	log     *slog.Logger
	store   *archive.Store
	metrics *metrics.Metrics
	now     func() time.Time
	http    *connectors.HTTPClient

	mu     sync.Mutex // guards cfg and sched's account table
	cfg    *Config
	sched  *scheduler
	resp   *responder
	cond   *conduct
	alerts *alerting
	gov    *governor

	ready  atomic.Bool
	full   atomic.Bool // the archive refused the last write as full (logged once per episode)
	stats  Stats
	server *http.Server
	addr   string
}

// Stats are running totals for summaries (the demo prints them).
type Stats struct {
	Polls       atomic.Int64
	PollsFailed atomic.Int64
	ItemsNew    atomic.Int64
	ItemsEdited atomic.Int64
	Deletions   atomic.Int64
	Calls       atomic.Int64
}

// New builds an agent from opts: it checks the configuration against the registry,
// builds the connectors and registers the accounts in the archive.
func New(ctx context.Context, opts Options) (*Agent, error) {
	if opts.Config == nil || opts.Registry == nil || opts.Store == nil {
		return nil, errors.New("agent: new: Config, Registry and Store are required")
	}
	a := &Agent{opts: opts, log: opts.Logger, store: opts.Store, now: opts.Now, http: opts.HTTP, metrics: opts.Metrics}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.metrics == nil {
		reg := opts.Registerer
		if reg == nil {
			reg = prometheus.NewRegistry()
		}
		a.metrics = metrics.New(reg)
	}
	if a.http == nil {
		a.http = connectors.NewHTTPClient(connectors.HTTPOptions{Logger: a.log, Now: a.now})
	}
	cls := opts.Classifier
	if cls == nil {
		var err error
		if cls, err = offensive.Default(); err != nil {
			return nil, fmt.Errorf("agent: offensive classifier: %w", err)
		}
	}
	cond, err := newConduct(cls, opts.Config.Institute.Domain, a.metrics, opts.Config.Watch)
	if err != nil {
		return nil, err
	}
	a.cond = cond
	a.sched = newScheduler(a)
	a.resp = newResponder(a)
	a.alerts = newAlerting(ctx, a)
	a.gov = newGovernor(a)
	if err := a.apply(ctx, opts.Config); err != nil {
		return nil, err
	}
	a.metrics.ConfigReloadOK.Set(1)
	a.metrics.ConfigReloadOKTime.Set(float64(a.now().Unix()))
	a.metrics.ArchiveRecords.Set(float64(a.store.Records()))
	return a, nil
}

// Stats returns the agent's running totals.
func (a *Agent) Stats() *Stats { return &a.stats }

// Addr returns the address the HTTP server listens on, once Run has bound it.
func (a *Agent) Addr() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.addr
}

// Config returns the configuration in force.
func (a *Agent) Config() *Config {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.cfg
}

// Reload replaces the configuration. An invalid one is refused and the previous
// stays in force; either way the outcome is logged and exported as
// vigia_config_last_reload_successful.
func (a *Agent) Reload(ctx context.Context, cfg *Config) error {
	if err := a.apply(ctx, cfg); err != nil {
		a.metrics.ConfigReloadOK.Set(0)
		a.log.Error("configuration reload refused; keeping the previous one", slog.Any("error", err))
		return err
	}
	a.metrics.ConfigReloadOK.Set(1)
	a.metrics.ConfigReloadOKTime.Set(float64(a.now().Unix()))
	a.log.Info("configuration reloaded", slog.Int("accounts", len(cfg.AccountConfigs())))
	return nil
}

// apply validates cfg, builds its connectors and hands its accounts to the scheduler.
func (a *Agent) apply(ctx context.Context, cfg *Config) error {
	if cfg == nil {
		return errors.New("agent: nil configuration")
	}
	if err := cfg.Validate(a.opts.Registry); err != nil {
		return err
	}
	wm, err := watchMatcher(cfg.Watch)
	if err != nil {
		return err
	}
	conns := map[string]connectors.Connector{}
	for _, ac := range cfg.AccountConfigs() {
		if _, ok := conns[ac.Network]; ok {
			continue
		}
		f, _ := a.opts.Registry.Lookup(ac.Network)
		deps := connectors.Deps{HTTP: a.http, Logger: a.log.With(slog.String("network", ac.Network)), Now: a.now}
		c, err := callFactory(f, cfg.NetworkDecoder(ac.Network), deps)
		if err != nil {
			return fmt.Errorf("agent: build connector %q: %w", ac.Network, err)
		}
		conns[ac.Network] = c
	}
	infos := make([]archive.AccountInfo, 0, len(cfg.AccountConfigs()))
	for _, ac := range cfg.AccountConfigs() {
		infos = append(infos, archive.AccountInfo{ID: ac.ID, Network: ac.Network, Handle: ac.Handle, Organ: ac.Organ,
			ExternalID: ac.ExternalID, Status: string(ac.Status)})
	}
	if err := a.store.SyncAccounts(ctx, infos); err != nil {
		return err
	}
	states, err := a.store.PollStates(ctx)
	if err != nil {
		return err
	}
	// The dispatcher first: the response clocks' rebuilds resolve alerts through it.
	if err := a.alerts.configure(cfg); err != nil {
		return err
	}
	if err := a.resp.configure(ctx, cfg); err != nil {
		return err
	}
	if err := a.gov.configure(ctx, cfg); err != nil {
		return err
	}
	a.cond.setWatch(wm)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.cfg = cfg
	a.sched.setAccounts(cfg, conns, states)
	return nil
}

// Run serves the HTTP endpoints and polls until ctx is cancelled; then it stops
// scheduling, lets in-flight polls finish their commits, and returns nil.
func (a *Agent) Run(ctx context.Context) error {
	ln := a.opts.Listener
	if ln == nil {
		var err error
		ln, err = net.Listen("tcp", a.Config().Listen)
		if err != nil {
			return fmt.Errorf("agent: listen: %w", err)
		}
	}
	a.mu.Lock()
	a.addr = ln.Addr().String()
	a.mu.Unlock()
	a.server = &http.Server{Handler: a.handler(), ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() {
		err := a.server.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		serveErr <- err
	}()
	a.log.Info("agent started", slog.String("listen", a.addr), slog.Int("accounts", len(a.Config().AccountConfigs())))

	schedDone := make(chan struct{})
	go func() {
		defer close(schedDone)
		a.sched.run(ctx)
	}()
	respDone := make(chan struct{})
	go func() {
		defer close(respDone)
		a.resp.run(ctx)
	}()
	alertsDone := make(chan struct{})
	go func() {
		defer close(alertsDone)
		a.alerts.run(ctx)
	}()
	a.ready.Store(true)
	if a.opts.Ready != nil {
		a.opts.Ready()
	}

	var err error
	select {
	case <-ctx.Done():
	case err = <-serveErr:
		if err != nil {
			err = fmt.Errorf("agent: http server: %w", err)
		}
	}
	a.ready.Store(false)
	<-schedDone // the scheduler waits for in-flight polls
	<-respDone
	<-alertsDone
	a.resp.wg.Wait() // rebuilds still running end with ctx
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if serr := a.server.Shutdown(shutdownCtx); serr != nil && err == nil {
		err = fmt.Errorf("agent: http shutdown: %w", serr)
	}
	a.log.Info("agent stopped")
	return err
}

// Healthy checks that the archive answers; the systemd watchdog pings after it.
func (a *Agent) Healthy(ctx context.Context) error {
	return a.store.Ping(ctx)
}
