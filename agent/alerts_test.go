package agent_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/alerts"
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/simulated"
)

// hookRecorder is a loopback webhook receiving the generic JSON payload.
type hookRecorder struct {
	mu     sync.Mutex
	alerts []alerts.Alert
}

func startHookRecorder(t *testing.T) (*hookRecorder, string) {
	t.Helper()
	h := &hookRecorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var doc struct {
			Alerts []alerts.Alert `json:"alerts"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Errorf("webhook payload: %v", err)
		}
		h.mu.Lock()
		h.alerts = append(h.alerts, doc.Alerts...)
		h.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return h, srv.URL + "/hook"
}

func (h *hookRecorder) by(rule string) []alerts.Alert {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []alerts.Alert
	for _, a := range h.alerts {
		if a.Rule == rule {
			out = append(out, a)
		}
	}
	return out
}

// alertsTo routes every rule to a generic webhook at once, without quiet hours or
// grouping.
func alertsTo(url string) *alerts.Config {
	ac := alerts.DefaultConfig()
	ac.QuietHours = false
	ac.Group = alerts.Group{Max: 1}
	ac.RateLimit = alerts.RateLimit{}
	ac.SLAMaxAge = 0 // the simulation's and these tests' comments are months or weeks old
	ac.Notifiers = []alerts.NotifierConfig{{Name: "hook", Type: alerts.TypeWebhook, URL: connectors.NewSecret(url), Timeout: 5 * time.Second}}
	ac.Routes = []alerts.Route{{Name: "todo", Steps: []alerts.Step{{Via: []string{"hook"}}}}}
	for _, r := range alerts.Rules {
		ac.Rules[r] = alerts.RuleConfig{Route: "todo"}
	}
	return &ac
}

func sqlStrings(t *testing.T, db, q string, args ...any) []string {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// On the simulation, every comment recommended for blocking raises one
// offensive_comment alert that reaches the webhook with its text and link; the
// response clock raises sla_breached for comments awaiting an answer; across a
// restart no alert is recorded or sent twice for the same state.
func TestAgent_RaisesAlerts(t *testing.T) {
	// Not parallel: two runs over the simulation; alongside the package's other
	// simulation tests it would slow them on a small machine.
	world := frozenWorld(t, simulated.Faults{})
	hook, url := startHookRecorder(t)
	cfg := testConfig(t, t.TempDir(), 50*time.Millisecond, map[string]string{"cncs-x": "x"})
	cfg.Alerts = alertsTo(url)
	db := cfg.Database
	offensiveFlagged := func() []string {
		return sqlStrings(t, db, `SELECT DISTINCT 'x:' || i.external_id FROM flags f JOIN items i ON i.id = f.item_id WHERE f.rule = 'offensive'`)
	}
	h := start(t, cfg, simRegistry(world, "x"), nil)
	accts := cfg.Accounts()
	waitFor(t, "the archive to catch up", func() bool { return archivedAll(t, h.store, world, accts) })
	waitFor(t, "an alert for every offensive comment, and a breached one", func() bool {
		return len(hook.by(alerts.RuleOffensiveComment)) == len(offensiveFlagged()) && len(hook.by(alerts.RuleSLABreached)) > 0
	})
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	h2 := start(t, cfg, simRegistry(world, "x"), nil)
	waitFor(t, "two SLA ticks after the restart", func() bool { return slaTicks(t, h2) >= 2 })
	ctx := context.Background()
	waitFor(t, "the outbox to empty", func() bool {
		n, _, err := h2.store.OutboxStats(ctx)
		return err == nil && n == 0
	})
	if err := h2.stop(); err != nil {
		t.Fatal(err)
	}

	offensive := offensiveFlagged()
	if len(offensive) == 0 {
		t.Fatal("nothing flagged offensive: the test proves nothing")
	}
	if got := sqlStrings(t, db, `SELECT subject FROM alert_state WHERE rule = 'offensive_comment'`); !slices.Equal(got, offensive) {
		t.Errorf("offensive_comment alerts for %d subjects, %d comments flagged offensive", len(got), len(offensive))
	}
	sent := hook.by(alerts.RuleOffensiveComment)
	for _, a := range sent {
		if a.Account != "cncs-x" || a.Handle != "cncs_x" || a.Network != "x" || a.OrganName == "" {
			t.Errorf("routing facts: %+v", a)
		}
		if a.Text == "" || !strings.HasPrefix(a.Link, "https://") {
			t.Errorf("%s: no text or link: %+v", a.Subject, a)
		}
	}
	if len(sent) != len(offensive) {
		t.Errorf("%d offensive alerts sent, %d comments flagged", len(sent), len(offensive))
	}
	rows, err := h2.store.Responses(ctx, "cncs-x")
	if err != nil {
		t.Fatal(err)
	}
	resolved := map[string]bool{}
	for _, s := range sqlStrings(t, db, `SELECT subject FROM alert_state WHERE rule = 'sla_breached' AND state = 'resolved'`) {
		resolved[s] = true
	}
	for _, a := range hook.by(alerts.RuleSLABreached) {
		r := rows[strings.TrimPrefix(a.Subject, "x:")]
		if a.State == alerts.StateFiring && !r.NeedsAnswer && !resolved[a.Subject] {
			t.Errorf("sla_breached for %s, which needs no answer and was not resolved (%+v)", a.Subject, r)
		}
		if a.State == alerts.StateFiring && a.Waited < 8*time.Hour {
			t.Errorf("%s breached after %s of business time", a.Subject, a.Waited)
		}
	}
	// Once per change of state: in the archive and on the wire, an alert's states
	// never repeat one after the other.
	last := map[string]string{}
	for _, rec := range sqlStrings(t, db, `SELECT printf('%09d|%s|%s|%s', id, rule, subject, state) FROM alerts`) {
		f := strings.SplitN(rec, "|", 4)
		k := f[1] + "|" + f[2]
		if last[k] == f[3] {
			t.Errorf("alert %s recorded %s twice in a row", k, f[3])
		}
		last[k] = f[3]
	}
	hook.mu.Lock()
	defer hook.mu.Unlock()
	lastSent := map[string]alerts.State{}
	for _, a := range hook.alerts {
		k := a.Rule + "|" + a.Subject
		if lastSent[k] == a.State {
			t.Errorf("alert %s sent %s twice in a row", k, a.State)
		}
		lastSent[k] = a.State
	}
}

// Credentials rejected raise an urgent polling_broken alert at once.
func TestAgent_PollingBrokenAlert(t *testing.T) {
	t.Parallel()
	hook, url := startHookRecorder(t)
	conn := &fakeConn{network: "x", poll: func(context.Context, connectors.Account, connectors.Cursor) (connectors.Batch, error) {
		return connectors.Batch{}, fmt.Errorf("x: users me: %w", connectors.ErrAuth)
	}}
	cfg := testConfig(t, t.TempDir(), 10*time.Millisecond, map[string]string{"a": "x"})
	cfg.Alerts = alertsTo(url)
	h := start(t, cfg, fakeRegistry(conn), nil)
	waitFor(t, "the polling_broken alert", func() bool { return len(hook.by(alerts.RulePollingBroken)) > 0 })
	h.stop()
	a := hook.by(alerts.RulePollingBroken)[0]
	if a.Severity != alerts.SeverityUrgent || a.Subject != "a" || !strings.Contains(a.Summary, "rechazó las credenciales") ||
		a.Fields["Motivo"] != "credenciales rechazadas" {
		t.Errorf("alert: %+v", a)
	}
	var _ agent.Options // the alerts come from the configuration's section, built by the agent
}

// slaTicks is how many SLA ticks the agent ran.
func slaTicks(t *testing.T, h *harness) uint64 {
	t.Helper()
	mfs, err := h.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "vigia_sla_refresh_duration_seconds" {
			return mf.GetMetric()[0].GetHistogram().GetSampleCount()
		}
	}
	return 0
}

// A comment waiting past its answer time raises sla_breached to the administrators'
// channel; the account's answer resolves it and says so; a restart after that sends
// nothing.
func TestAgent_AnswerResolvesSLAAlert(t *testing.T) {
	t.Parallel()
	hook, url := startHookRecorder(t)
	post, comment, answer := conversation()
	var mu sync.Mutex
	items := []connectors.Item{post, comment}
	conn := &fakeConn{network: "x", poll: func(context.Context, connectors.Account, connectors.Cursor) (connectors.Batch, error) {
		mu.Lock()
		defer mu.Unlock()
		return connectors.Batch{Items: append([]connectors.Item(nil), items...), Cursor: connectors.Cursor("c"), Budget: connectors.Budget{Calls: 1, Remaining: -1}}, nil
	}}
	cfg := testConfig(t, t.TempDir(), 250*time.Millisecond, map[string]string{"a": "x"})
	cfg.Alerts = alertsTo(url)
	h := start(t, cfg, fakeRegistry(conn), nil)
	waitFor(t, "the sla_breached alert", func() bool { return len(hook.by(alerts.RuleSLABreached)) == 1 })
	fired := hook.by(alerts.RuleSLABreached)[0]
	if fired.Subject != "x:c1" || fired.Text != comment.Text || fired.Author != "ciudadana" || fired.Link != comment.URL || fired.Waited <= 8*time.Hour {
		t.Errorf("fired: %+v", fired)
	}
	mu.Lock()
	items = append(items, answer)
	mu.Unlock()
	waitFor(t, "the resolution", func() bool { return len(hook.by(alerts.RuleSLABreached)) == 2 })
	h.stop()
	res := hook.by(alerts.RuleSLABreached)[1]
	if res.State != alerts.StateResolved || res.Subject != "x:c1" || !strings.Contains(res.Summary, "ya fue respondido") || res.EndsAt.IsZero() {
		t.Errorf("resolution: %+v", res)
	}
	if n := len(hook.by(alerts.RuleSLAAtRisk)); n != 0 {
		t.Errorf("%d sla_at_risk messages: a comment first measured past its answer time is only breached", n)
	}

	h2 := start(t, cfg, fakeRegistry(conn), nil)
	waitFor(t, "two SLA ticks", func() bool { return slaTicks(t, h2) >= 2 })
	h2.stop()
	if n := len(hook.by(alerts.RuleSLABreached)); n != 2 {
		t.Errorf("%d sla_breached messages after the restart, want the same 2", n)
	}
}

// conversation is an own post, a question on it weeks ago, and the account's answer.
func conversation() (post, comment, answer connectors.Item) {
	// A Monday at 10:00 in Mexico City, three to four weeks ago.
	created := time.Now().UTC().Truncate(24 * time.Hour).Add(-21*24*time.Hour + 16*time.Hour)
	for created.Weekday() != time.Monday {
		created = created.Add(-24 * time.Hour)
	}
	post = connectors.Item{ExternalID: "p1", Kind: connectors.KindPost, Own: true, AuthorID: "inst", AuthorHandle: "a",
		Text: "Consulta los módulos de atención.", CreatedAt: created.Add(-time.Hour), URL: "https://x.com/a/status/p1"}
	comment = connectors.Item{ExternalID: "c1", Kind: connectors.KindComment, ParentID: "p1", RootID: "p1", AuthorID: "u1",
		AuthorHandle: "ciudadana", Text: "¿Dónde tramito mi credencial para votar?", CreatedAt: created, URL: "https://x.com/ciudadana/status/c1"}
	answer = connectors.Item{ExternalID: "r1", Kind: connectors.KindReply, ParentID: "c1", RootID: "p1", Own: true, AuthorID: "inst",
		AuthorHandle: "a", Text: "@ciudadana Hola, puedes tramitarla en cualquier módulo; consulta https://ife.org.mx/modulos",
		CreatedAt: created.Add(72 * time.Hour), URL: "https://x.com/a/status/r1"}
	return post, comment, answer
}

// The daily digests carry the account's backlog from its response clock and its
// oldest waiting comment from the archive.
func TestAgent_Digests(t *testing.T) {
	t.Parallel()
	hook, url := startHookRecorder(t)
	post, comment, _ := conversation()
	conn := &fakeConn{network: "x", poll: func(context.Context, connectors.Account, connectors.Cursor) (connectors.Batch, error) {
		return connectors.Batch{Items: []connectors.Item{post, comment}, Cursor: connectors.Cursor("c"), Budget: connectors.Budget{Calls: 1, Remaining: -1}}, nil
	}}
	cfg := testConfig(t, t.TempDir(), 250*time.Millisecond, map[string]string{"a": "x"})
	cfg.Alerts = alertsTo(url)
	h := start(t, cfg, fakeRegistry(conn), nil)
	waitFor(t, "the comment to breach", func() bool { return len(hook.by(alerts.RuleSLABreached)) == 1 })
	h.stop()

	// Restarted with digests due (at midnight: whatever the hour now), they are
	// computed once the response clock is rebuilt from the archive.
	mx, err := time.LoadLocation("America/Mexico_City")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Alerts.Digests = alerts.Digests{Via: []string{"hook"}, At: "00:00", TimeZone: mx, Weekday: time.Now().In(mx).Weekday() + 1}
	h2 := start(t, cfg, fakeRegistry(conn), nil)
	waitFor(t, "the account's and the organ's digests", func() bool { return len(hook.by(alerts.RuleDigest)) == 2 })
	h2.stop()
	if s := hook.by(alerts.RuleDigest)[0].Summary; !strings.HasPrefix(s, "Resumen diario de @a (x), ") {
		t.Errorf("digest summary %q", s)
	}
	for _, d := range hook.by(alerts.RuleDigest) {
		for _, want := range []string{"@\u200ba (x):", "En espera de respuesta: 1 (dentro del plazo 0, por vencer 0, fuera de plazo 1)",
			"de @\u200bciudadana: «¿Dónde tramito mi credencial para votar?» https://x.com/ciudadana/status/c1"} {
			if !strings.Contains(d.Body, want) {
				t.Errorf("digest %q lacks %q:\n%s", d.Summary, want, d.Body)
			}
		}
	}
}

// With sla_max_age, a comment published longer ago raises no SLA alert (a first
// backfill would otherwise flood the administrators); younger ones do.
func TestAgent_SLAMaxAge(t *testing.T) {
	t.Parallel()
	hook, url := startHookRecorder(t)
	post, comment, _ := conversation() // the comment is weeks old
	young := comment
	young.ExternalID, young.CreatedAt = "c2", comment.CreatedAt.Add(14*24*time.Hour) // a week or more ago
	conn := &fakeConn{network: "x", poll: func(context.Context, connectors.Account, connectors.Cursor) (connectors.Batch, error) {
		return connectors.Batch{Items: []connectors.Item{post, comment, young}, Cursor: connectors.Cursor("c"), Budget: connectors.Budget{Calls: 1, Remaining: -1}}, nil
	}}
	cfg := testConfig(t, t.TempDir(), 250*time.Millisecond, map[string]string{"a": "x"})
	cfg.Alerts = alertsTo(url)
	cfg.Alerts.SLAMaxAge = time.Since(comment.CreatedAt) - time.Hour // c1 is too old, c2 is not
	h := start(t, cfg, fakeRegistry(conn), nil)
	waitFor(t, "the younger comment's alert", func() bool { return len(hook.by(alerts.RuleSLABreached)) >= 1 })
	waitFor(t, "two more SLA ticks", func() bool { return slaTicks(t, h) >= 3 })
	h.stop()
	got := hook.by(alerts.RuleSLABreached)
	if len(got) != 1 || got[0].Subject != "x:c2" {
		t.Errorf("sla_breached alerts: %+v", got)
	}
}

// A change of an organ's administrators and of an account's status between two
// configurations (7.iv, 7.vii) reaches CNCS's route as a registry_change alert,
// once per change: reloading the same configuration again tells nobody.
func TestAgent_RegistryChangeAlert(t *testing.T) {
	t.Parallel()
	hook, url := startHookRecorder(t)
	conn := &fakeConn{network: "x", poll: func(context.Context, connectors.Account, connectors.Cursor) (connectors.Batch, error) {
		return connectors.Batch{}, nil
	}}
	cfg := testConfig(t, t.TempDir(), 50*time.Millisecond, map[string]string{"a": "x", "b": "x"})
	cfg.Alerts = alertsTo(url)
	h := start(t, cfg, fakeRegistry(conn), nil)

	next := *cfg
	next.Organs = append([]agent.Organ(nil), cfg.Organs...)
	next.Organs[0].Admins.Suplente = agent.Person{Name: "Carmen Ruiz", Email: "carmen.ruiz@ife.org.mx"}
	next.Organs[0].Accounts = append([]agent.AccountConfig(nil), cfg.Organs[0].Accounts...)
	for i := range next.Organs[0].Accounts {
		if next.Organs[0].Accounts[i].ID == "b" {
			next.Organs[0].Accounts[i].Status = agent.StatusSuspended
		}
	}
	if err := h.agent.Reload(context.Background(), &next); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "two registry_change alerts", func() bool { return len(hook.by(alerts.RuleRegistryChange)) >= 2 })
	if err := h.agent.Reload(context.Background(), &next); err != nil {
		t.Fatal(err)
	}
	// A third, distinct change flushes the outbox behind the repeated reload.
	third := next
	third.Organs = append([]agent.Organ(nil), next.Organs...)
	third.Organs[0].Admins.Suplente = agent.Person{Name: "Luis Peña", Email: "luis.pena@ife.org.mx"}
	if err := h.agent.Reload(context.Background(), &third); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the third registry_change alert", func() bool { return len(hook.by(alerts.RuleRegistryChange)) >= 3 })
	h.stop()
	got := hook.by(alerts.RuleRegistryChange)
	if len(got) != 3 {
		t.Fatalf("%d registry_change alerts, want 3 (the repeated reload must tell nobody): %+v", len(got), got)
	}
	var admins, status bool
	for _, a := range got {
		switch {
		case strings.Contains(a.Summary, "Carmen Ruiz") && a.Account == "":
			admins = true
		case strings.Contains(a.Summary, "suspendida") && a.Account == "b":
			status = true
		}
	}
	if !admins || !status {
		t.Errorf("alerts: %+v", got)
	}
}
