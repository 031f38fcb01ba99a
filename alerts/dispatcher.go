package alerts

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ife-mx/vigia/archive"
)

// tickEvery is how often the dispatcher looks for due escalations, digests and
// deliveries (a Raise also wakes it).
const tickEvery = 5 * time.Second

// pendingBatch bounds the outbox entries read per tick.
const pendingBatch = 1000

// Options configure a Dispatcher.
type Options struct {
	Config Config
	// Notifiers by name; built from Config with BuildNotifiers when nil.
	Notifiers map[string]Notifier
	Directory Directory
	Store     *archive.Store
	Logger    *slog.Logger
	// Metrics, when nil, are not exported.
	Metrics *Metrics
	// Now is the clock; time.Now when nil. Tests move it by hand.
	Now func() time.Time
	// Digests, when set, provides the digests' contents.
	Digests DigestSource
}

// Dispatcher turns events into recorded alert states and queued deliveries, and
// delivers the outbox. It is safe for concurrent use.
type Dispatcher struct {
	store   *archive.Store
	log     *slog.Logger
	m       *Metrics
	now     func() time.Time
	digests DigestSource

	mu        sync.Mutex
	cfg       Config
	notifiers map[string]Notifier
	dir       Directory

	tickMu sync.Mutex // one Tick at a time
	wake   chan struct{}
	// failLog remembers when a channel's failure was last logged (rate-limits logs).
	failLog map[string]time.Time
}

// New builds a dispatcher.
func New(o Options) (*Dispatcher, error) {
	if o.Store == nil || o.Directory == nil {
		return nil, errors.New("alerts: new: Store and Directory are required")
	}
	d := &Dispatcher{store: o.Store, log: o.Logger, m: o.Metrics, now: o.Now, digests: o.Digests,
		wake: make(chan struct{}, 1), failLog: map[string]time.Time{}}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	if d.now == nil {
		d.now = time.Now
	}
	if err := d.Update(o.Config, o.Notifiers, o.Directory); err != nil {
		return nil, err
	}
	return d, nil
}

// BuildOptions are what BuildNotifiers hands every notifier.
type BuildOptions struct {
	// HTTP is the client of webhooks and Alertmanager; one per notifier when nil.
	HTTP *http.Client
	// TLS overrides the e-mail notifiers' TLS settings (tests).
	TLS *tls.Config
	Now func() time.Time
}

// BuildNotifiers builds the configured notifiers, by name.
func BuildNotifiers(cfg Config, o BuildOptions) (map[string]Notifier, error) {
	out := make(map[string]Notifier, len(cfg.Notifiers))
	for _, nc := range cfg.Notifiers {
		var (
			n   Notifier
			err error
		)
		switch nc.Type {
		case TypeEmail:
			n, err = NewEmail(EmailOptions{Name: nc.Name, Host: nc.Host, Port: nc.Port, TLS: nc.TLS, Username: nc.Username,
				Password: nc.Password.Reveal(), From: nc.From, Timeout: nc.Timeout, TLSConfig: o.TLS})
		case TypeAlertmanager:
			n, err = NewAlertmanager(AlertmanagerOptions{Name: nc.Name, URL: nc.URL.Reveal(), FiringTTL: nc.FiringTTL,
				Client: o.HTTP, Timeout: nc.Timeout, Now: o.Now})
		default:
			u := nc.URL.Reveal()
			if nc.Type == TypeTelegram {
				u = nc.APIURL
			}
			n, err = NewWebhook(WebhookOptions{Name: nc.Name, Type: nc.Type, URL: u, Token: nc.Token.Reveal(),
				ChatID: nc.ChatID, Client: o.HTTP, Timeout: nc.Timeout})
		}
		if err != nil {
			return nil, err
		}
		out[nc.Name] = n
	}
	return out, nil
}

// Update replaces the configuration, the notifiers (built from cfg when nil) and
// the directory (kept when nil). Queued deliveries stay queued.
func (d *Dispatcher) Update(cfg Config, notifiers map[string]Notifier, dir Directory) error {
	if err := cfg.check(); err != nil {
		return err
	}
	if notifiers == nil {
		var err error
		if notifiers, err = BuildNotifiers(cfg, BuildOptions{Now: d.now}); err != nil {
			return err
		}
	}
	d.m.init(cfg)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cfg, d.notifiers = cfg, notifiers
	if dir != nil {
		d.dir = dir
	}
	return nil
}

func (d *Dispatcher) snapshot() (Config, map[string]Notifier, Directory) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cfg, d.notifiers, d.dir
}

// Raise records an event. A firing alert already firing, or a resolution of an
// alert not firing, changes nothing and sends nothing: an alert is notified once
// per change of state, also across restarts. A rule with no route configured is
// ignored.
func (d *Dispatcher) Raise(ctx context.Context, ev Event) error {
	if ev.Rule == "" || ev.Subject == "" {
		return errors.New("alerts: raise: rule and subject are required")
	}
	if ev.State != StateFiring && ev.State != StateResolved {
		return fmt.Errorf("alerts: raise: invalid state %q", ev.State)
	}
	cfg, notifiers, dir := d.snapshot()
	rc, ok := cfg.Rules[ev.Rule]
	if !ok {
		return nil
	}
	route, ok := cfg.Route(rc.Route)
	if !ok {
		return nil
	}
	// Most events repeat a known state (a restart re-evaluates every comment): read
	// before taking the write lock.
	if cur, found, err := d.store.AlertState(ctx, ev.Rule, ev.Subject); err != nil {
		return err
	} else if (ev.State == StateFiring && found && cur.State == archive.AlertFiring) ||
		(ev.State == StateResolved && (!found || cur.State == archive.AlertResolved)) {
		return nil
	}
	now := d.now()
	if ev.At.IsZero() {
		ev.At = now
	}
	info, _ := dir.Account(ev.Account)
	var record State
	_, err := d.store.TransitionAlert(ctx, ev.Rule, ev.Subject, func(cur *archive.AlertStateRow) (*archive.AlertTransition, error) {
		t := &archive.AlertTransition{Rule: ev.Rule, Subject: ev.Subject, Account: ev.Account}
		switch ev.State {
		case StateFiring:
			if cur != nil && cur.State == archive.AlertFiring {
				return nil, nil
			}
			a := alertOf(ev, info, severityOf(ev, rc))
			payload, err := json.Marshal(a)
			if err != nil {
				return nil, err
			}
			n := stepsDue(route, now.Sub(ev.At))
			for i := 0; i < n; i++ {
				step := a
				step.Step = i
				if i > 0 {
					step.State = StateEscalated
				}
				t.Outbox = append(t.Outbox, d.entries(cfg, notifiers, route.Steps[i], step, info, now)...)
			}
			t.Record, t.State, t.Payload, t.FiredAt, t.Step = archive.AlertFiring, archive.AlertFiring, string(payload), ev.At, n
			if n < len(route.Steps) {
				t.NextStepAt = ev.At.Add(route.Steps[n].After)
			}
		case StateResolved:
			if cur == nil || cur.State != archive.AlertFiring {
				return nil, nil
			}
			var a Alert
			if err := json.Unmarshal([]byte(cur.Event), &a); err != nil {
				return nil, fmt.Errorf("alerts: stored alert %s/%s: %w", ev.Rule, ev.Subject, err)
			}
			a.State, a.EndsAt, a.Summary, a.Step = StateResolved, ev.At, ev.Summary, 0
			payload, err := json.Marshal(a)
			if err != nil {
				return nil, err
			}
			seen := map[string]bool{}
			for i := 0; i < cur.Step && i < len(route.Steps); i++ {
				for _, e := range d.entries(cfg, notifiers, route.Steps[i], a, info, now) {
					if !seen[e.Channel] {
						seen[e.Channel] = true
						t.Outbox = append(t.Outbox, e)
					}
				}
			}
			t.Record, t.State, t.Payload, t.FiredAt, t.Step = archive.AlertResolved, archive.AlertResolved, string(payload), cur.FiredAt, cur.Step
		}
		record = ev.State
		return t, nil
	})
	if err != nil {
		return err
	}
	if record != "" {
		if d.m != nil {
			d.m.Transitions.WithLabelValues(ev.Rule, string(record)).Inc()
		}
		d.poke()
	}
	return nil
}

func (d *Dispatcher) poke() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func severityOf(ev Event, rc RuleConfig) Severity {
	switch {
	case ev.Severity != "":
		return ev.Severity
	case rc.Severity != "":
		return rc.Severity
	case DefaultSeverity[ev.Rule] != "":
		return DefaultSeverity[ev.Rule]
	}
	return SeverityWarning
}

func alertOf(ev Event, info AccountInfo, sev Severity) Alert {
	return Alert{Rule: ev.Rule, Subject: ev.Subject, State: StateFiring, Severity: sev, Account: ev.Account,
		Network: info.Network, Handle: info.Handle, Organ: info.Organ, OrganName: info.OrganName,
		Summary: ev.Summary, Text: ev.Text, Author: ev.Author, Link: ev.Link, Waited: ev.Waited, Evidence: ev.Evidence,
		Fields: ev.Fields, StartsAt: ev.At}
}

// stepsDue counts the steps of a route due after an alert fired for elapsed.
func stepsDue(r Route, elapsed time.Duration) int {
	n := 0
	for _, s := range r.Steps {
		if s.After <= elapsed {
			n++
		}
	}
	return n
}

// recipients resolves a step's "to" for an account, without repeating a person.
func recipients(cfg Config, to []string, info AccountInfo) []Person {
	var out []Person
	seen := map[string]bool{}
	add := func(p Person) {
		k := strings.ToLower(p.Email)
		if p.Email == "" || seen[k] {
			return
		}
		seen[k] = true
		out = append(out, p)
	}
	for _, t := range to {
		switch t {
		case ToAdmins:
			add(info.Titular)
			add(info.Suplente)
		case ToTitular:
			add(info.Titular)
		case ToSuplente:
			add(info.Suplente)
		case ToHead:
			add(info.Head)
		case ToCNCS:
			add(cfg.Contacts.CNCS)
		case ToUNICOM:
			add(cfg.Contacts.UNICOM)
		}
	}
	return out
}

// entries are the deliveries of one step: one per e-mail recipient for e-mail
// notifiers, one per notifier for the others. A non-urgent delivery waits for the
// recipient's attention hours (quiet hours; not for Alertmanager, a machine) and
// for the grouping wait.
func (d *Dispatcher) entries(cfg Config, notifiers map[string]Notifier, s Step, a Alert, info AccountInfo, now time.Time) []archive.OutboxEntry {
	payload, err := json.Marshal(a)
	if err != nil {
		return nil
	}
	urgent := a.Severity == SeverityUrgent
	var out []archive.OutboxEntry
	for _, via := range s.Via {
		n, ok := notifiers[via]
		if !ok {
			continue
		}
		notBefore := now
		if !urgent {
			if cfg.QuietHours && n.Type() != TypeAlertmanager && info.NextOpen != nil {
				notBefore = info.NextOpen(now)
			}
			if w := now.Add(cfg.Group.Wait); w.After(notBefore) && cfg.Group.Max > 1 {
				notBefore = w
			}
		}
		e := archive.OutboxEntry{Notifier: via, GroupKey: a.Rule + "|" + string(a.State), Urgent: urgent,
			Payload: string(payload), CreatedAt: now, NotBefore: notBefore}
		if n.Type() != TypeEmail {
			e.Channel = via
			out = append(out, e)
			continue
		}
		for _, p := range recipients(cfg, s.To, info) {
			pe := e
			pe.Channel, pe.Recipient, pe.RecipientName = via+":"+strings.ToLower(p.Email), p.Email, p.Name
			out = append(out, pe)
		}
	}
	return out
}

// Run ticks until ctx is done.
func (d *Dispatcher) Run(ctx context.Context) {
	t := time.NewTicker(tickEvery)
	defer t.Stop()
	for {
		if err := d.Tick(ctx); err != nil && ctx.Err() == nil {
			d.log.Error("alerts: tick failed", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-d.wake:
		}
	}
}

// Tick queues the escalation steps and digests that are due, then delivers what
// the outbox holds and is ready.
func (d *Dispatcher) Tick(ctx context.Context) error {
	d.tickMu.Lock()
	defer d.tickMu.Unlock()
	var errs []error
	if err := d.escalate(ctx); err != nil {
		errs = append(errs, err)
	}
	if err := d.queueDigests(ctx); err != nil {
		errs = append(errs, err)
	}
	if err := d.deliver(ctx); err != nil {
		errs = append(errs, err)
	}
	if d.m != nil {
		if n, oldest, err := d.store.OutboxStats(ctx); err == nil {
			d.m.Queued.Set(float64(n))
			age := 0.0
			if !oldest.IsZero() {
				age = max(0, d.now().Sub(oldest).Seconds())
			}
			d.m.OutboxAge.Set(age)
		}
	}
	return errors.Join(errs...)
}

// escalate queues the ladder steps that came due for alerts still firing.
func (d *Dispatcher) escalate(ctx context.Context) error {
	now := d.now()
	due, err := d.store.DueEscalations(ctx, now)
	if err != nil {
		return err
	}
	cfg, notifiers, dir := d.snapshot()
	for _, row := range due {
		rc, ok := cfg.Rules[row.Rule]
		if !ok {
			continue
		}
		route, ok := cfg.Route(rc.Route)
		if !ok {
			continue
		}
		info, _ := dir.Account(row.Account)
		escalated := false
		_, err := d.store.TransitionAlert(ctx, row.Rule, row.Subject, func(cur *archive.AlertStateRow) (*archive.AlertTransition, error) {
			if cur == nil || cur.State != archive.AlertFiring || cur.Step != row.Step {
				return nil, nil // resolved or escalated meanwhile
			}
			n := stepsDue(route, now.Sub(cur.FiredAt))
			if n <= cur.Step {
				return nil, nil
			}
			var a Alert
			if err := json.Unmarshal([]byte(cur.Event), &a); err != nil {
				return nil, fmt.Errorf("alerts: stored alert %s/%s: %w", row.Rule, row.Subject, err)
			}
			t := &archive.AlertTransition{Rule: row.Rule, Subject: row.Subject, Account: row.Account,
				Record: archive.AlertEscalated, State: archive.AlertFiring, Payload: cur.Event, FiredAt: cur.FiredAt, Step: n}
			for i := cur.Step; i < n; i++ {
				step := a
				step.Step, step.State = i, StateEscalated
				t.Outbox = append(t.Outbox, d.entries(cfg, notifiers, route.Steps[i], step, info, now)...)
			}
			if n < len(route.Steps) {
				t.NextStepAt = cur.FiredAt.Add(route.Steps[n].After)
			}
			escalated = true
			return t, nil
		})
		if err != nil {
			return err
		}
		if escalated && d.m != nil {
			d.m.Transitions.WithLabelValues(row.Rule, string(StateEscalated)).Inc()
		}
	}
	return nil
}

// deliver sends what is ready, channel by channel, oldest first. A channel whose
// oldest delivery waits (a retry, quiet hours, the rate limit) holds its later
// ones, so every channel receives its alerts in order.
func (d *Dispatcher) deliver(ctx context.Context) error {
	pending, err := d.store.PendingOutbox(ctx, pendingBatch)
	if err != nil {
		return err
	}
	var order []string
	byChannel := map[string][]archive.OutboxEntry{}
	for _, e := range pending {
		// Urgent deliveries have their own lane: a warning held for quiet hours or
		// the rate limit does not hold them.
		lane := e.Channel
		if e.Urgent {
			lane += "\x00urgent"
		}
		if _, ok := byChannel[lane]; !ok {
			order = append(order, lane)
		}
		byChannel[lane] = append(byChannel[lane], e)
	}
	cfg, notifiers, _ := d.snapshot()
	var errs []error
	for _, ch := range order {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := d.deliverChannel(ctx, cfg, notifiers, byChannel[ch]); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// deliverChannel sends a channel's ready deliveries in order, batch after batch,
// until one fails or must wait.
func (d *Dispatcher) deliverChannel(ctx context.Context, cfg Config, notifiers map[string]Notifier, list []archive.OutboxEntry) error {
	for len(list) > 0 && ctx.Err() == nil {
		n, sent, err := d.deliverBatch(ctx, cfg, notifiers, list)
		if err != nil || !sent {
			return err
		}
		list = list[n:]
	}
	return nil
}

// deliverBatch sends the first ready batch of list; it returns how many entries it
// took and whether the channel's next entries may go now (the batch was sent, or
// refused for good).
func (d *Dispatcher) deliverBatch(ctx context.Context, cfg Config, notifiers map[string]Notifier, list []archive.OutboxEntry) (int, bool, error) {
	now := d.now()
	head := list[0]
	if head.NotBefore.After(now) || head.NextAttemptAt.After(now) {
		return 0, false, nil
	}
	n, ok := notifiers[head.Notifier]
	if !ok {
		// The notifier was removed from the configuration: nothing can send these.
		ids := make([]int64, len(list))
		for i, e := range list {
			ids[i] = e.ID
		}
		d.log.Error("alerts: notifier no longer configured; its queued deliveries are marked failed",
			slog.String("notifier", head.Notifier), slog.Int("deliveries", len(ids)))
		return len(ids), false, d.store.MarkOutbox(ctx, ids, archive.OutboxFailed, now, time.Time{}, ReasonInvalid)
	}
	if !head.Urgent && cfg.RateLimit.Messages > 0 {
		sent, err := d.store.OutboxSentSince(ctx, head.Channel, now.Add(-cfg.RateLimit.Per))
		if err != nil {
			return 0, false, err
		}
		if sent >= cfg.RateLimit.Messages {
			return 0, false, nil // waits, and is grouped with what arrives meanwhile
		}
	}
	batch := list[:1]
	maxGroup := max(cfg.Group.Max, 1)
	for _, e := range list[1:] {
		if len(batch) >= maxGroup || e.GroupKey != head.GroupKey || e.Urgent != head.Urgent || e.NotBefore.After(now) {
			break
		}
		batch = list[:len(batch)+1]
	}
	msg := Message{To: Person{Name: head.RecipientName, Email: head.Recipient}}
	ids := make([]int64, len(batch))
	for i, e := range batch {
		var a Alert
		if err := json.Unmarshal([]byte(e.Payload), &a); err != nil {
			if i > 0 {
				ids = ids[:i] // sent without it; it fails on its own turn
				break
			}
			// Unreadable (altered by hand): it must not hold the channel for ever.
			d.log.Error("alerts: unreadable outbox entry marked failed", slog.Int64("outbox_id", e.ID), slog.Any("error", err))
			return 1, true, d.store.MarkOutbox(context.WithoutCancel(ctx), []int64{e.ID}, archive.OutboxFailed, now, time.Time{}, ReasonInvalid)
		}
		a.ID = e.AlertID
		msg.Alerts = append(msg.Alerts, a)
		ids[i] = e.ID
	}
	timeout := DefaultTimeout
	if nc, ok := cfg.Notifier(head.Notifier); ok && nc.Timeout > 0 {
		timeout = nc.Timeout
	}
	// A delivery under way finishes (within its timeout) even when the dispatcher is
	// stopping, and its outcome is recorded: one cut short or delivered but left
	// pending would be sent again after a restart.
	mctx := context.WithoutCancel(ctx)
	sctx, cancel := context.WithTimeout(mctx, timeout)
	err := n.Notify(sctx, msg)
	cancel()
	if err == nil {
		if d.m != nil {
			for _, a := range msg.Alerts {
				d.m.Sent.WithLabelValues(head.Notifier, a.Rule).Inc()
			}
		}
		delete(d.failLog, head.Channel)
		return len(ids), true, d.store.MarkOutbox(mctx, ids, archive.OutboxSent, now, time.Time{}, "")
	}
	reason := Reason(err)
	if d.m != nil {
		d.m.Failed.WithLabelValues(head.Notifier, reason).Inc()
	}
	if Retryable(err) {
		next := now.Add(backoff(cfg.Retry, head.Attempts))
		if last, ok := d.failLog[head.Channel]; !ok || now.Sub(last) >= 10*time.Minute {
			d.failLog[head.Channel] = now
			d.log.Warn("alerts: delivery failed; it will be retried", slog.String("notifier", head.Notifier),
				slog.String("reason", reason), slog.Int("attempts", head.Attempts+1), slog.Time("next_attempt", next), slog.Any("error", err))
		}
		return 0, false, d.store.MarkOutbox(mctx, ids, archive.OutboxPending, now, next, reason)
	}
	d.log.Error("alerts: delivery refused; it will not be retried", slog.String("notifier", head.Notifier),
		slog.String("reason", reason), slog.Any("error", err))
	return len(ids), true, d.store.MarkOutbox(mctx, ids, archive.OutboxFailed, now, time.Time{}, reason)
}

// backoff is the wait after a delivery's attempts-th failure (0 the first).
func backoff(r Retry, attempts int) time.Duration {
	b := r.Initial
	if b <= 0 {
		b = DefaultRetryInitial
	}
	for i := 0; i < attempts && (r.Max <= 0 || b < r.Max); i++ {
		b *= 2
	}
	if r.Max > 0 {
		b = min(b, r.Max)
	}
	return b
}

// TestResult is the outcome of one delivery of «vigia alerts test».
type TestResult struct {
	Step     int
	Notifier string
	To       string
	Err      error
}

// TestRoute sends a test message through every step of a route at once, directly
// (not through the outbox), for the given account's recipients, and returns each
// delivery's outcome.
func TestRoute(ctx context.Context, cfg Config, notifiers map[string]Notifier, info AccountInfo, route string, now time.Time) ([]TestResult, error) {
	r, ok := cfg.Route(route)
	if !ok {
		names := make([]string, len(cfg.Routes))
		for i, rr := range cfg.Routes {
			names[i] = rr.Name
		}
		sort.Strings(names)
		return nil, fmt.Errorf("no existe la ruta %q (rutas configuradas: %s)", route, strings.Join(names, ", "))
	}
	var out []TestResult
	for i, s := range r.Steps {
		a := Alert{Rule: RuleTest, Subject: "prueba:" + route, State: StateFiring, Severity: SeverityInfo, Account: info.ID,
			Network: info.Network, Handle: info.Handle, Organ: info.Organ, OrganName: info.OrganName, StartsAt: now, Step: i,
			Fields: map[string]string{"Ruta": route, "Paso": fmt.Sprintf("%d de %d", i+1, len(r.Steps))}}
		for _, via := range s.Via {
			n := notifiers[via]
			if n == nil {
				continue
			}
			send := func(to Person) {
				sctx, cancel := context.WithTimeout(ctx, DefaultTimeout)
				err := n.Notify(sctx, Message{To: to, Alerts: []Alert{a}})
				cancel()
				out = append(out, TestResult{Step: i, Notifier: via, To: to.Email, Err: err})
			}
			if n.Type() != TypeEmail {
				send(Person{})
				continue
			}
			for _, p := range recipients(cfg, s.To, info) {
				send(p)
			}
		}
	}
	return out, nil
}
