package agent

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ife-mx/vigia/alerts"
	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/policy/calendar"
	"github.com/ife-mx/vigia/policy/health"
	"github.com/ife-mx/vigia/policy/response"
)

// The agent's side of the alerts (alerts/): the Sink the pipeline raises events
// through, the directory of accounts the dispatcher routes with, and the places
// that raise: the SLA tick (at risk, breached), the response tracker (answered:
// resolved), the conduct review (offensive comments, own content) and the
// scheduler (polling broken). Governance signals (takeover, stale accounts) use
// the same Sink.

// pollBrokenAfter is how many failed polls in a row raise polling_broken (a
// rejected credential raises it at once).
const pollBrokenAfter = 3

// alerting holds the dispatcher (nil when the configuration has no alerts
// section and no Sink was given) and the sink events go to.
type alerting struct {
	a       *Agent
	metrics *alerts.Metrics

	mu   sync.Mutex
	disp *alerts.Dispatcher
	sink alerts.Sink
	ctx  context.Context // the agent's life; Raise calls from tick paths use it
}

func newAlerting(ctx context.Context, a *Agent) *alerting {
	al := &alerting{a: a, ctx: ctx}
	reg := a.opts.Registerer
	if reg != nil {
		al.metrics = alerts.NewMetrics(reg)
	}
	if a.opts.Alerts != nil {
		al.sink = a.opts.Alerts
	}
	return al
}

// configure builds or updates the dispatcher for cfg.
func (al *alerting) configure(cfg *Config) error {
	if al.a.opts.Alerts != nil || cfg.Alerts == nil {
		return nil
	}
	dir, err := newDirectory(cfg)
	if err != nil {
		return err
	}
	var notifiers map[string]alerts.Notifier
	if al.a.opts.AlertBuild != nil {
		if notifiers, err = alerts.BuildNotifiers(*cfg.Alerts, *al.a.opts.AlertBuild); err != nil {
			return fmt.Errorf("agent: alerts: %w", err)
		}
	}
	al.mu.Lock()
	defer al.mu.Unlock()
	if al.disp != nil {
		return al.disp.Update(*cfg.Alerts, notifiers, dir)
	}
	d, err := alerts.New(alerts.Options{Config: *cfg.Alerts, Notifiers: notifiers, Directory: dir, Store: al.a.store,
		Logger: al.a.log, Metrics: al.metrics, Now: al.a.now, Digests: digestSource{al.a}})
	if err != nil {
		return fmt.Errorf("agent: alerts: %w", err)
	}
	al.disp, al.sink = d, d
	return nil
}

// Sink returns where the agent raises alert events: the dispatcher, the Sink given
// in Options, or nil when alerts are off.
func (a *Agent) Sink() alerts.Sink {
	a.alerts.mu.Lock()
	defer a.alerts.mu.Unlock()
	return a.alerts.sink
}

// Dispatcher returns the alerts dispatcher, nil when alerts are off.
func (a *Agent) Dispatcher() *alerts.Dispatcher {
	a.alerts.mu.Lock()
	defer a.alerts.mu.Unlock()
	return a.alerts.disp
}

// run delivers until ctx is done (the dispatcher is built once at start; a
// reload updates it in place).
func (al *alerting) run(ctx context.Context) {
	al.mu.Lock()
	al.ctx = ctx
	d := al.disp
	al.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		al.watchDecisions(ctx)
	}()
	if d != nil {
		d.Run(ctx)
	}
	<-done
}

// raise hands an event to the sink; a failure is logged (an alert that cannot be
// recorded must not stop a poll or the SLA tick).
func (al *alerting) raise(ev alerts.Event) {
	al.mu.Lock()
	sink, ctx := al.sink, al.ctx
	al.mu.Unlock()
	if sink == nil {
		return
	}
	if err := sink.Raise(context.WithoutCancel(ctx), ev); err != nil {
		al.a.log.Error("could not record an alert", slog.String("rule", ev.Rule), slog.String("account", ev.Account), slog.Any("error", err))
	}
}

// commentSubject names a comment as the subject of its alerts.
func commentSubject(network, id string) string { return network + ":" + id }

// sla raises sla_at_risk and sla_breached for the comments whose SLA state got
// worse in a tick, with the comment's text, author and link from the archive.
func (al *alerting) sla(cfg AccountConfig, changes []response.Change) {
	if len(changes) == 0 || al.Sink() == nil {
		return
	}
	var maxAge time.Duration
	if c := al.a.Config(); c != nil && c.Alerts != nil {
		maxAge = c.Alerts.SLAMaxAge
	}
	now := al.a.now()
	for _, ch := range changes {
		if maxAge > 0 && now.Sub(ch.Created) > maxAge {
			continue // an old comment found by a backfill: the digests list it
		}
		rule := alerts.RuleSLAAtRisk
		if ch.State == response.StateBreached {
			rule = alerts.RuleSLABreached
		}
		ev := alerts.Event{Rule: rule, Subject: commentSubject(cfg.Network, ch.Comment), Account: cfg.ID,
			State: alerts.StateFiring, Waited: ch.Age, At: al.a.now()}
		al.withItem(cfg.Network, ch.Comment, &ev)
		al.raise(ev)
	}
}

// Sink returns the sink events go to; nil when alerts are off.
func (al *alerting) Sink() alerts.Sink {
	al.mu.Lock()
	defer al.mu.Unlock()
	return al.sink
}

func (al *alerting) withItem(network, id string, ev *alerts.Event) {
	it, ok, err := al.a.store.ItemForAlert(context.WithoutCancel(al.ctx), network, id)
	if err != nil || !ok {
		return
	}
	ev.Text, ev.Author, ev.Link = it.Text, it.AuthorHandle, it.URL
}

// responses resolves the SLA alerts of comments answered, deleted or no longer
// needing an answer.
func (al *alerting) responses(cfg AccountConfig, evs []response.Event) {
	if al.Sink() == nil {
		return
	}
	for _, ev := range evs {
		var summary string
		switch ev.Kind {
		case response.EventAnswered:
			if ev.Previous.ID != "" {
				continue
			}
			summary = fmt.Sprintf("El comentario en @%s (%s) ya fue respondido, tras %s en horario de atención.",
				cfg.Handle, cfg.Network, formatBusiness(ev.Business))
		case response.EventWithdrawn:
			summary = fmt.Sprintf("El comentario en @%s (%s) ya no espera respuesta (se borró o dejó de requerirla).", cfg.Handle, cfg.Network)
		default:
			continue
		}
		for _, rule := range []string{alerts.RuleSLAAtRisk, alerts.RuleSLABreached} {
			al.raise(alerts.Event{Rule: rule, Subject: commentSubject(cfg.Network, ev.Comment), Account: cfg.ID,
				State: alerts.StateResolved, Summary: summary, At: al.a.now()})
		}
	}
}

func formatBusiness(d time.Duration) string {
	d = d.Round(time.Minute)
	if d < time.Hour {
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	return fmt.Sprintf("%d h %d min", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// flags raises offensive_comment for comments recommended for blocking (6.xv) and
// own_content for insults or personal data in the account's own texts (6.xix, 6.iii).
// An own_content alert is resolved when the account deletes the text, or edits it
// into a version that raises no such flag.
func (al *alerting) flags(cfg AccountConfig, b connectors.Batch, flags []archive.Flag, stored map[string]bool) {
	if al.Sink() == nil {
		return
	}
	items := make(map[string]connectors.Item, len(b.Items))
	for _, it := range b.Items {
		items[it.ExternalID] = it
	}
	raised := map[string]bool{}
	for _, f := range flags {
		if !stored[f.ExternalID] {
			continue
		}
		rule := alertRule(f.Rule)
		if rule == "" {
			continue
		}
		if raised[rule+f.ExternalID] {
			continue
		}
		raised[rule+f.ExternalID] = true
		it := items[f.ExternalID]
		ev := alerts.Event{Rule: rule, Subject: commentSubject(cfg.Network, f.ExternalID), Account: cfg.ID,
			State: alerts.StateFiring, Text: it.Text, Author: it.AuthorHandle, Link: it.URL, At: al.a.now(),
			Evidence: f.Evidence, Fields: map[string]string{"Motivo": f.Rule}}
		if f.Category != "" {
			ev.Fields["Categoría"] = f.Category
		}
		al.raise(ev)
	}
	resolve := func(id, summary string) {
		al.raise(alerts.Event{Rule: alerts.RuleOwnContent, Subject: commentSubject(cfg.Network, id), Account: cfg.ID,
			State: alerts.StateResolved, At: al.a.now(), Summary: summary})
	}
	for _, it := range b.Items {
		if it.Own && stored[it.ExternalID] && !raised[alerts.RuleOwnContent+it.ExternalID] {
			resolve(it.ExternalID, "Atendido: la cuenta corrigió el texto.")
		}
	}
	for _, d := range b.Deletions {
		resolve(d.ExternalID, "Atendido: la cuenta eliminó el texto.")
	}
}

// alertRule is the alert a conduct flag raises, "" for none.
func alertRule(flag string) string {
	switch {
	case flag == RuleOffensive:
		return alerts.RuleOffensiveComment
	case flag == RuleOwnOffensive || strings.HasPrefix(flag, "personal_data"):
		return alerts.RuleOwnContent
	}
	return ""
}

// poll raises polling_broken when credentials are rejected or pollBrokenAfter
// polls in a row failed, and resolves it at the next successful poll.
func (al *alerting) poll(cfg AccountConfig, err error, consecutive int) {
	if al.Sink() == nil || errors.Is(err, context.Canceled) {
		return
	}
	ev := alerts.Event{Rule: alerts.RulePollingBroken, Subject: cfg.ID, Account: cfg.ID, At: al.a.now()}
	if err == nil {
		ev.State = alerts.StateResolved
		al.raise(ev)
		return
	}
	reason := connectors.Reason(err)
	if reason != connectors.ReasonAuth && consecutive < pollBrokenAfter {
		return
	}
	ev.State = alerts.StateFiring
	ev.Fields = map[string]string{"Motivo": reasonES(reason), "Fallas seguidas": fmt.Sprint(consecutive)}
	if reason == connectors.ReasonAuth {
		ev.Severity = alerts.SeverityUrgent
		ev.Summary = fmt.Sprintf("La red rechazó las credenciales de @%s (%s): Vigía dejó de consultarla hasta que se corrijan.", cfg.Handle, cfg.Network)
	}
	al.raise(ev)
}

func reasonES(reason string) string {
	switch reason {
	case connectors.ReasonAuth:
		return "credenciales rechazadas"
	case connectors.ReasonNotFound:
		return "la cuenta no existe o cambió de nombre"
	case connectors.ReasonRateLimited:
		return "límite de consultas agotado"
	case connectors.ReasonMalformed:
		return "respuesta malformada de la red"
	}
	return "falla transitoria (red o servidor)"
}

// directory is the alerts' view of the configured accounts.
type directory struct {
	byID  map[string]alerts.AccountInfo
	order []alerts.AccountInfo
}

func newDirectory(cfg *Config) (*directory, error) {
	d := &directory{byID: map[string]alerts.AccountInfo{}}
	for _, o := range cfg.Organs {
		for _, ac := range o.Accounts {
			cal, err := calendar.New(ac.Attention)
			if err != nil {
				return nil, fmt.Errorf("agent: attention calendar of %s: %w", ac.ID, err)
			}
			info := alerts.AccountInfo{ID: ac.ID, Network: ac.Network, Handle: ac.Handle, Organ: o.ID, OrganName: o.Name,
				Titular: personOf(o.Admins.Titular), Suplente: personOf(o.Admins.Suplente), Head: personOf(o.Head),
				NextOpen: cal.NextOpen}
			d.byID[ac.ID] = info
			d.order = append(d.order, info)
		}
	}
	return d, nil
}

// Account returns an account's routing facts.
func (d *directory) Account(id string) (alerts.AccountInfo, bool) {
	info, ok := d.byID[id]
	return info, ok
}

// Accounts returns every account, in configuration order.
func (d *directory) Accounts() []alerts.AccountInfo { return d.order }

// AlertDirectory returns the routing facts of cfg's accounts (for «vigia alerts test»).
func AlertDirectory(cfg *Config) (alerts.Directory, error) { return newDirectory(cfg) }

// reconcile resolves the SLA alerts of an account's comments that were answered
// (or deleted) while the agent was not running: after a rebuild the tracker knows
// them answered, or no longer tracks them.
func (al *alerting) reconcile(ctx context.Context, cfg AccountConfig, status func(id string) (response.Status, bool)) {
	if al.Sink() == nil {
		return
	}
	firing, err := al.a.store.FiringAlerts(ctx)
	if err != nil {
		al.a.log.Error("could not read the firing alerts", slog.String("account", cfg.ID), slog.Any("error", err))
		return
	}
	prefix := cfg.Network + ":"
	for _, f := range firing {
		if f.Account != cfg.ID || (f.Rule != alerts.RuleSLAAtRisk && f.Rule != alerts.RuleSLABreached) || !strings.HasPrefix(f.Subject, prefix) {
			continue
		}
		id := strings.TrimPrefix(f.Subject, prefix)
		st, ok := status(id)
		switch {
		case ok && st.Answered:
			al.raise(alerts.Event{Rule: f.Rule, Subject: f.Subject, Account: cfg.ID, State: alerts.StateResolved, At: al.a.now(),
				Summary: fmt.Sprintf("El comentario en @%s (%s) ya fue respondido.", cfg.Handle, cfg.Network)})
		case !ok:
			al.raise(alerts.Event{Rule: f.Rule, Subject: f.Subject, Account: cfg.ID, State: alerts.StateResolved, At: al.a.now(),
				Summary: fmt.Sprintf("El comentario en @%s (%s) ya no espera respuesta.", cfg.Handle, cfg.Network)})
		}
	}
}

// digestSource gives the dispatcher the digests' figures: the backlog and the
// oldest waiting comments from the response clocks, the flags from the archive.
type digestSource struct{ a *Agent }

// AccountDigest implements alerts.DigestSource.
func (s digestSource) AccountDigest(ctx context.Context, account string, from, to time.Time) (alerts.AccountDigest, error) {
	var d alerts.AccountDigest
	r := s.a.resp
	r.mu.Lock()
	c := r.clocks[account]
	r.mu.Unlock()
	if c != nil {
		c.mu.Lock()
		sla, network := c.sla, c.cfg.Network
		c.mu.Unlock()
		type waiting struct {
			id  string
			age time.Duration
		}
		var open []waiting
		for _, st := range c.tracker.Snapshot() {
			if st.Answered {
				continue
			}
			age := sla.Calendar.BusinessDuration(st.Created, to)
			switch {
			case age > sla.Breached:
				d.Breached++
			case age > sla.AtRisk:
				d.AtRisk++
			default:
				d.Within++
			}
			open = append(open, waiting{st.Comment, age})
		}
		if dormant := c.tracker.Dormant(); dormant > 0 {
			// Held as a count only (response.Tracker.Prune): the oldest come from
			// the archive.
			d.Breached += dormant
			oldest, err := s.a.store.OldestOpenComments(ctx, account, 5)
			if err != nil {
				return d, err
			}
			for _, oc := range oldest {
				if !slices.ContainsFunc(open, func(w waiting) bool { return w.id == oc.ID }) {
					open = append(open, waiting{oc.ID, sla.Calendar.BusinessDuration(oc.Created, to)})
				}
			}
		}
		slices.SortFunc(open, func(a, b waiting) int { return cmp.Compare(b.age, a.age) })
		for _, w := range open[:min(len(open), 5)] {
			wc := alerts.WaitingComment{Waited: w.age}
			if it, ok, err := s.a.store.ItemForAlert(ctx, network, w.id); err == nil && ok {
				wc.Text, wc.Author, wc.Link = it.Text, it.AuthorHandle, it.URL
			}
			d.Oldest = append(d.Oldest, wc)
		}
	}
	counts, err := s.a.store.FlagCountsBetween(ctx, account, from, to)
	if err != nil {
		return d, err
	}
	for rule, n := range counts {
		switch rule {
		case RuleOffensive:
			d.Offensive = n
		case RuleOffensiveReview:
			d.Review = n
		case RuleSpam, RuleWatch:
		default:
			if d.Own == nil {
				d.Own = map[string]int{}
			}
			d.Own[rule] = n
		}
	}
	return d, nil
}

// governance raises the alerts of account-governance signals (agent/health.go): an
// urgent takeover assessment raises takeover, urgent, for the titular del área, CNCS
// and UNICOM (6.xxvi) through the rule's route; an account gone stale or abandoned
// raises stale_account (6.xx, 7.viii), resolved by cadenceResolved; a change of an
// organ's administrators or of an account's status raises registry_change (7.iv,
// 7.vii), for CNCS through its route. A takeover stays
// firing until people resolve it: the account's next urgent assessment is part of the
// same incident and sends nothing new.
func (al *alerting) governance(s health.Signal) {
	if al.Sink() == nil {
		return
	}
	if s.Account == "" && s.Kind != health.KindAdminsChanged {
		// An organ's change of administrators has no account: its route's
		// CNCS and UNICOM contacts hear of it (no account, no admins or head).
		return
	}
	ev := alerts.Event{Subject: s.Account, Account: s.Account, State: alerts.StateFiring, Summary: sentence(s.Summary), At: s.At}
	switch {
	case s.Kind == health.KindTakeover && s.Urgent:
		ev.Rule, ev.Severity = alerts.RuleTakeover, alerts.SeverityUrgent
		ev.Fields = map[string]string{"Puntuación": fmt.Sprintf("%.0f (umbral %.0f)", s.Score, s.Threshold)}
	case s.Kind == health.KindCadence:
		ev.Rule = alerts.RuleStaleAccount
	case s.Kind == health.KindAdminsChanged || s.Kind == health.KindStatusChanged:
		// Each change is its own alert (its subject carries the instant): it is
		// told once and has nothing to resolve.
		ev.Rule = alerts.RuleRegistryChange
		ev.Subject = "registro:" + cmp.Or(s.Account, "organo:"+s.Organ) + ":" + s.At.UTC().Format(time.RFC3339Nano)
	default:
		return
	}
	var ev2 []string
	for _, e := range s.Evidence {
		ev2 = append(ev2, e.Signal+": "+e.Detail)
	}
	ev.Evidence = strings.Join(ev2, "; ")
	al.raise(ev)
}

// cadenceResolved resolves an account's stale_account alert once it posts again.
func (al *alerting) cadenceResolved(account string, at time.Time) {
	if al.Sink() == nil {
		return
	}
	al.raise(alerts.Event{Rule: alerts.RuleStaleAccount, Subject: account, Account: account, State: alerts.StateResolved, At: at})
}

// sentence capitalises a Spanish clause and ends it with a period.
func sentence(s string) string {
	if s == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
