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
	"github.com/ife-mx/vigia/archive"
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
// response clock raises sla_breached for comments still awaiting an answer; a
// restart raises and sends nothing again.
func TestAgent_RaisesAlerts(t *testing.T) {
	t.Parallel()
	world := frozenWorld(t, simulated.Faults{})
	hook, url := startHookRecorder(t)
	dir := t.TempDir()
	cfg := testConfig(t, dir, 50*time.Millisecond, map[string]string{"cncs-x": "x"})
	cfg.Alerts = alertsTo(url)
	h := start(t, cfg, simRegistry(world, "x"), nil)
	accts := cfg.Accounts()
	waitFor(t, "the archive to catch up", func() bool { return archivedAll(t, h.store, world, accts) })
	waitFor(t, "offensive and breached alerts to arrive", func() bool {
		return len(hook.by(alerts.RuleOffensiveComment)) > 0 && len(hook.by(alerts.RuleSLABreached)) > 0
	})
	ctx := context.Background()
	waitFor(t, "the outbox to empty", func() bool {
		n, _, err := h.store.OutboxStats(ctx)
		return err == nil && n == 0
	})
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}

	var offensive []string
	texts := map[string]string{}
	err := h.store.Items(ctx, "cncs-x", func(it archive.StoredItem) error {
		if slices.Contains(it.Flags, "offensive") {
			offensive = append(offensive, "x:"+it.ExternalID)
		}
		texts["x:"+it.ExternalID] = it.Text
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(offensive)
	db := cfg.Database
	if got := sqlStrings(t, db, `SELECT subject FROM alert_state WHERE rule = 'offensive_comment'`); !slices.Equal(got, offensive) {
		t.Errorf("offensive_comment alerts for %d subjects, %d comments flagged offensive", len(got), len(offensive))
	}
	sent := hook.by(alerts.RuleOffensiveComment)
	seen := map[string]bool{}
	for _, a := range sent {
		if seen[a.Subject] {
			t.Errorf("%s sent twice", a.Subject)
		}
		seen[a.Subject] = true
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
	rows, err := h.store.Responses(ctx, "cncs-x")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range hook.by(alerts.RuleSLABreached) {
		r, ok := rows[strings.TrimPrefix(a.Subject, "x:")]
		if !ok || !r.NeedsAnswer {
			t.Errorf("sla_breached for %s, which does not need an answer (%+v)", a.Subject, r)
		}
		if a.Waited < 8*time.Hour {
			t.Errorf("%s breached after %s of business time", a.Subject, a.Waited)
		}
	}
	records := sqlStrings(t, db, `SELECT COUNT(*) FROM alerts`)

	// A restart re-evaluates everything: nothing is recorded or sent again.
	before := len(hook.by(alerts.RuleOffensiveComment)) + len(hook.by(alerts.RuleSLABreached)) + len(hook.by(alerts.RuleSLAAtRisk))
	h2 := start(t, cfg, simRegistry(world, "x"), nil)
	waitFor(t, "an SLA tick after the restart", func() bool {
		return slaTicks(t, h2) >= 2
	})
	if err := h2.stop(); err != nil {
		t.Fatal(err)
	}
	after := len(hook.by(alerts.RuleOffensiveComment)) + len(hook.by(alerts.RuleSLABreached)) + len(hook.by(alerts.RuleSLAAtRisk))
	if after != before {
		t.Errorf("the restart sent %d alerts again", after-before)
	}
	if again := sqlStrings(t, db, `SELECT COUNT(*) FROM alerts`); !slices.Equal(again, records) {
		t.Errorf("the restart recorded alerts again: %v, then %v", records, again)
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
