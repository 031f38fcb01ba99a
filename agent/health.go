package agent

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/policy/health"
	"github.com/ife-mx/vigia/policy/outbound"
)

// historyPosts is how many of an account's latest own items its History starts with.
const historyPosts = 1000

// governor watches every account's health (Criterios 6.xx, 6.xxv, 6.xxvi, 7.iv,
// 7.vii, 7.viii): it records the registry in the archive's registry log and
// signals changes of administrators; after each commit it compares the profile
// with the last one, scores the takeover signals and judges the cadence.
type governor struct {
	a *Agent

	mu       sync.Mutex
	settings Governance
	accts    map[string]*accountHealth
}

// accountHealth is one account's learned habits and last known state.
type accountHealth struct {
	mu      sync.Mutex
	cfg     AccountConfig
	hist    *health.History
	profile *connectors.Profile
	cadence health.CadenceState
	// streamed: the account's last batch asked for more (a streamed backfill), so
	// the next one ends that backfill and is still its past.
	streamed bool
}

func newGovernor(a *Agent) *governor {
	return &governor{a: a, accts: map[string]*accountHealth{}}
}

// organRecord and accountRecord are what the registry log records.
type organRecord struct {
	Name               string `json:"name"`
	Head               Person `json:"head"`
	Titular            Person `json:"titular"`
	Suplente           Person `json:"suplente"`
	AttentionPublished string `json:"attention_published,omitempty"`
}

type accountRecord struct {
	Organ             string `json:"organ"`
	Network           string `json:"network"`
	Handle            string `json:"handle"`
	URL               string `json:"url,omitempty"`
	Name              string `json:"name,omitempty"`
	Purpose           string `json:"purpose,omitempty"`
	Operation         string `json:"operation,omitempty"`
	Oficio            string `json:"oficio,omitempty"`
	OficioDate        string `json:"oficio_date,omitempty"`
	RegistrationEmail string `json:"registration_email,omitempty"`
	Status            string `json:"status"`
}

func recordOfAccount(a AccountConfig) accountRecord {
	r := accountRecord{Organ: a.Organ, Network: a.Network, Handle: a.Handle, URL: a.URL, Name: a.Name,
		Purpose: a.Purpose, Operation: a.Operation, Oficio: a.Authorization.Oficio,
		RegistrationEmail: a.RegistrationEmail, Status: string(a.Status)}
	if !a.Authorization.Date.IsZero() {
		r.OficioDate = a.Authorization.Date.Format(time.DateOnly)
	}
	return r
}

// registryDetail is the JSON of a registry-log record.
type registryDetail[T any] struct {
	Now    T  `json:"now"`
	Before *T `json:"before,omitempty"`
}

// configure records what changed in the registry since the archive's registry log
// last saw it and prepares every account's health state. It runs at start and on
// each reload, before the configuration takes effect.
func (g *governor) configure(ctx context.Context, cfg *Config) error {
	latest, err := g.a.store.RegistryLatest(ctx)
	if err != nil {
		return err
	}
	now := g.a.now()
	var evs []archive.RegistryEvent
	var sigs []health.Signal
	for _, o := range cfg.Organs {
		rec := organRecord{Name: o.Name, Head: o.Head, Titular: o.Admins.Titular, Suplente: o.Admins.Suplente, AttentionPublished: o.AttentionPublished}
		ev, before, ok := diffRecord(latest["organ:"+o.ID], rec)
		if !ok {
			continue
		}
		if ev == archive.RegistryChanged && (before.Head != rec.Head || before.Titular != rec.Titular || before.Suplente != rec.Suplente) {
			ev = archive.RegistryAdminsChanged
			sigs = append(sigs, health.Signal{Kind: health.KindAdminsChanged, Organ: o.ID, At: now,
				Notify:  []string{health.NotifyCNCS},
				Summary: "cambio de administradores del órgano " + o.ID + ": " + adminChange(before, rec)})
		}
		evs = append(evs, registryEvent("organ:"+o.ID, ev, rec, before, now))
	}
	for _, ac := range cfg.AccountConfigs() {
		rec := recordOfAccount(ac)
		ev, before, ok := diffRecord(latest["account:"+ac.ID], rec)
		if !ok {
			continue
		}
		if ev == archive.RegistryChanged && before.Status != rec.Status {
			ev = archive.RegistryStatusChanged
			sigs = append(sigs, health.Signal{Kind: health.KindStatusChanged, Network: ac.Network, Account: ac.ID, Organ: ac.Organ, At: now,
				Notify:  []string{health.NotifyCNCS},
				Summary: "la cuenta " + ac.ID + " pasó de " + statusES(before.Status) + " a " + statusES(rec.Status)})
		}
		evs = append(evs, registryEvent("account:"+ac.ID, ev, rec, before, now))
	}
	if err := g.a.store.RecordRegistry(ctx, evs); err != nil {
		return err
	}
	for _, e := range evs {
		organ := strings.TrimPrefix(e.Subject, "organ:")
		if strings.HasPrefix(e.Subject, "account:") {
			if ac, ok := findAccount(cfg, strings.TrimPrefix(e.Subject, "account:")); ok {
				organ = ac.Organ
			}
		}
		g.a.metrics.Governance.RegistryChanges.WithLabelValues(organ, e.Event).Inc()
	}
	for _, s := range sigs {
		g.a.signal(ctx, s)
	}
	return g.accounts(ctx, cfg)
}

// accounts builds the health state of accounts new to the agent (their history
// and last profile from the archive) and forgets removed ones.
func (g *governor) accounts(ctx context.Context, cfg *Config) error {
	g.mu.Lock()
	old := g.accts
	g.mu.Unlock()
	var profiles map[string]archive.ProfileRow
	next := map[string]*accountHealth{}
	locs := map[string]*time.Location{} // one per zone, not per account (5 KB each)
	m := g.a.metrics.Governance
	for _, ac := range cfg.AccountConfigs() {
		if h, ok := old[ac.ID]; ok && h.cfg.Network == ac.Network {
			h.mu.Lock()
			h.cfg = ac
			h.mu.Unlock()
			next[ac.ID] = h
			continue
		}
		if profiles == nil {
			var err error
			if profiles, err = g.a.store.LatestProfiles(ctx); err != nil {
				return err
			}
		}
		loc, ok := locs[ac.Attention.TimeZone]
		if !ok {
			var err error
			loc, err = time.LoadLocation(ac.Attention.TimeZone)
			if err != nil || ac.Attention.TimeZone == "" {
				loc = time.FixedZone("CST", -6*3600)
			}
			locs[ac.Attention.TimeZone] = loc
		}
		h := &accountHealth{cfg: ac, hist: health.NewHistory(loc)}
		posts, err := g.a.store.OwnPosts(ctx, ac.ID, historyPosts)
		if err != nil {
			return err
		}
		for _, p := range posts {
			h.hist.Add(health.Post{ID: p.ExternalID, CreatedAt: p.CreatedAt, Lang: p.Lang, Hosts: outbound.LinkHosts(p.Text)})
		}
		verified := -1.0
		if p, ok := profiles[ac.ID]; ok {
			hp := p.Profile
			h.profile = &hp
			verified = boolGauge(p.Verified)
		}
		m.Verified.WithLabelValues(ac.Network, ac.ID).Set(verified)
		if last := h.hist.LastPost(); !last.IsZero() {
			m.LastOwnPost.WithLabelValues(ac.Network, ac.ID).Set(float64(last.Unix()))
		}
		next[ac.ID] = h
	}
	g.mu.Lock()
	g.settings = cfg.Governance
	g.accts = next
	g.mu.Unlock()
	return nil
}

// afterCommit runs after a successful commit of one account's batch: profile
// watch, takeover signals, cadence.
func (g *governor) afterCommit(ctx context.Context, cfg AccountConfig, b connectors.Batch, flags []archive.Flag, res archive.Result) {
	g.mu.Lock()
	h := g.accts[cfg.ID]
	settings := g.settings
	g.mu.Unlock()
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	m := g.a.metrics.Governance
	log := g.a.log.With(slog.String("network", cfg.Network), slog.String("account", cfg.ID))
	var poll health.Poll
	if b.Profile != nil {
		cur := *b.Profile
		cur.Raw = nil
		if h.profile != nil {
			poll.ProfileChanges = health.DiffProfile(*h.profile, cur, health.Announced(cfg.Announced))
			for _, c := range poll.ProfileChanges {
				m.ProfileChanges.WithLabelValues(cfg.Network, cfg.ID, c.Field).Inc()
				level := slog.LevelInfo
				if c.Field == health.FieldFollowers {
					level = slog.LevelDebug
				}
				log.Log(ctx, level, "profile changed", slog.String("field", c.Field), slog.String("old", c.Old),
					slog.String("new", c.New), slog.Bool("announced", c.Announced))
			}
		}
		h.profile = &cur
		m.Verified.WithLabelValues(cfg.Network, cfg.ID).Set(boolGauge(cur.Verified))
	}
	seen := map[string]bool{}
	for _, f := range flags {
		if f.Rule == RuleOwnOffensive && res.Stored[f.ExternalID] && !seen[f.ExternalID] {
			seen[f.ExternalID] = true
			poll.OwnOffensive = append(poll.OwnOffensive, f.ExternalID)
		}
	}
	if res.Deleted > 0 {
		ids, err := g.a.store.OwnDeletedIn(ctx, res.FetchID)
		if err != nil {
			log.Error("could not read the poll's deletions", slog.Any("error", err))
		}
		poll.OwnDeleted = ids
	}
	var fresh []health.Post
	for _, it := range b.Items {
		if it.Own && res.Stored[it.ExternalID] && !h.hist.Known(it.ExternalID) {
			fresh = append(fresh, health.Post{ID: it.ExternalID, CreatedAt: it.CreatedAt, Lang: it.Lang, Hosts: outbound.LinkHosts(it.Text)})
		}
	}
	if b.More || h.streamed {
		// A backfill streams the account's past in: its deletions and posts are
		// history to learn, not signs of what happens now. That includes the batch
		// that ends it, which brings the deletions of the posts the earlier batches
		// delivered (a connector reports an item's deletion after its creation).
		poll.OwnOffensive, poll.OwnDeleted = nil, nil
	} else {
		poll.NewOwn = fresh
	}
	as := health.Assess(h.hist, poll, settings.TakeoverThreshold)
	for _, p := range fresh {
		h.hist.Add(p)
	}
	m.TakeoverScore.WithLabelValues(cfg.Network, cfg.ID).Set(as.Score)
	for _, e := range as.Evidence {
		m.TakeoverSignals.WithLabelValues(cfg.Network, cfg.ID, e.Signal).Inc()
	}
	if len(as.Evidence) > 0 {
		s := health.TakeoverSignal(as)
		s.Network, s.Account, s.Organ, s.At = cfg.Network, cfg.ID, cfg.Organ, g.a.now()
		g.a.signal(ctx, s)
	}
	h.streamed = b.More
	if !b.More {
		g.cadence(ctx, h, settings) // judged once the account's past is in
	}
}

// cadence judges the account's posting cadence and signals a change to stale or
// abandoned.
func (g *governor) cadence(ctx context.Context, h *accountHealth, settings Governance) {
	cfg := h.cfg
	m := g.a.metrics.Governance
	last := h.hist.LastPost()
	if !last.IsZero() {
		m.LastOwnPost.WithLabelValues(cfg.Network, cfg.ID).Set(float64(last.Unix()))
	}
	expected := cfg.Cadence
	if expected == 0 {
		expected = health.DefaultCadence(cfg.Network)
	}
	in := health.CadenceInput{LastOwnPost: last, Now: g.a.now(), Expected: expected,
		AbandonedAfter: settings.AbandonedAfter, AbandonedUnanswered: settings.AbandonedUnanswered,
		Unanswered: int(gaugeValue(g.a.metrics.CommentsUnanswered.WithLabelValues(cfg.Network, cfg.ID, "breached")))}
	st := health.Cadence(in)
	for _, s := range health.CadenceStates {
		m.CadenceState.WithLabelValues(cfg.Network, cfg.ID, string(s)).Set(boolGauge(s == st))
	}
	prev := h.cadence
	h.cadence = st
	if st == health.CadenceOK && (prev == health.CadenceStale || prev == health.CadenceAbandoned) {
		g.a.alerts.cadenceResolved(cfg.ID, in.Now)
	}
	if st == prev || (st != health.CadenceStale && st != health.CadenceAbandoned) {
		return
	}
	notify := []string{health.NotifyAdmins}
	if st == health.CadenceAbandoned {
		notify = append(notify, health.NotifyTitularArea, health.NotifyCNCS)
	}
	g.a.signal(ctx, health.Signal{Kind: health.KindCadence, Network: cfg.Network, Account: cfg.ID, Organ: cfg.Organ,
		Notify: notify, Summary: health.DescribeCadence(st, in), At: in.Now,
		Evidence: []health.Evidence{{Signal: string(st), Detail: health.DescribeCadence(st, in)}}})
}

// signal is the one route of every account-governance signal: a structured log
// event (error level when urgent), and, for an account's signal, a chained record
// in the archive (table signals). Registry changes are already in the registry log.
// Urgent takeover assessments and cadence changes also raise alerts (alerts.go).
func (a *Agent) signal(ctx context.Context, s health.Signal) {
	a.alerts.governance(s)
	evidence, _ := json.Marshal(s.Evidence)
	level := slog.LevelWarn
	if s.Urgent {
		level = slog.LevelError
	}
	a.log.Log(ctx, level, "governance signal", slog.String("kind", s.Kind), slog.String("network", s.Network),
		slog.String("account", s.Account), slog.String("organ", s.Organ), slog.Float64("score", s.Score),
		slog.Bool("urgent", s.Urgent), slog.String("notify", strings.Join(s.Notify, ",")),
		slog.String("summary", s.Summary), slog.String("evidence", string(evidence)))
	if s.Kind == health.KindTakeover && s.Urgent {
		a.metrics.Governance.TakeoverUrgent.WithLabelValues(s.Network, s.Account).Inc()
	}
	if s.Account == "" || (s.Kind != health.KindTakeover && s.Kind != health.KindCadence) {
		return
	}
	detail, _ := json.Marshal(struct {
		Summary   string            `json:"summary"`
		Threshold float64           `json:"threshold,omitempty"`
		Notify    []string          `json:"notify"`
		Evidence  []health.Evidence `json:"evidence"`
	}{s.Summary, s.Threshold, s.Notify, s.Evidence})
	if err := a.store.RecordSignal(context.WithoutCancel(ctx), archive.Signal{Account: s.Account, Kind: s.Kind,
		Score: s.Score, Urgent: s.Urgent, Detail: string(detail), At: s.At}); err != nil {
		a.log.Error("could not record a governance signal", slog.String("account", s.Account), slog.Any("error", err))
	}
}

// diffRecord compares rec with the subject's last registry-log record: ok is false
// when nothing changed; ev is registered (no record yet) or changed.
func diffRecord[T comparable](last archive.RegistryRow, rec T) (ev string, before T, ok bool) {
	if last.Subject == "" {
		return archive.RegistryRegistered, before, true
	}
	var d registryDetail[T]
	if err := json.Unmarshal([]byte(last.Detail), &d); err == nil && d.Now == rec {
		return "", before, false
	}
	return archive.RegistryChanged, d.Now, true
}

func registryEvent[T any](subject, ev string, rec, before T, at time.Time) archive.RegistryEvent {
	d := registryDetail[T]{Now: rec}
	if ev != archive.RegistryRegistered {
		d.Before = &before
	}
	b, _ := json.Marshal(d)
	return archive.RegistryEvent{Subject: subject, Event: ev, Detail: string(b), At: at}
}

func adminChange(before, now organRecord) string {
	var parts []string
	for _, p := range []struct {
		role string
		o, n Person
	}{{"titular del órgano", before.Head, now.Head}, {"administrador titular", before.Titular, now.Titular},
		{"administrador suplente", before.Suplente, now.Suplente}} {
		if p.o != p.n {
			parts = append(parts, p.role+": "+p.o.Name+" <"+p.o.Email+"> → "+p.n.Name+" <"+p.n.Email+">")
		}
	}
	return strings.Join(parts, "; ")
}

func statusES(s string) string {
	switch AccountStatus(s) {
	case StatusActive:
		return "activa"
	case StatusSuspended:
		return "suspendida"
	case StatusCancelled:
		return "cancelada"
	}
	return s
}

func findAccount(cfg *Config, id string) (AccountConfig, bool) {
	for _, ac := range cfg.AccountConfigs() {
		if ac.ID == id {
			return ac, true
		}
	}
	return AccountConfig{}, false
}

func boolGauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// gaugeValue reads a gauge's current value (the SLA tick's last measure).
func gaugeValue(g interface{ Write(*dto.Metric) error }) float64 {
	var m dto.Metric
	if g.Write(&m) != nil || m.Gauge == nil {
		return 0
	}
	return m.Gauge.GetValue()
}
