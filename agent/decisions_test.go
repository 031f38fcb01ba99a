package agent_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ife-mx/vigia/alerts"
	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
)

// An administrator's decision on an offensive comment, recorded by another process
// (as `vigia label` does) while the agent runs or while it is stopped, resolves the
// comment's offensive_comment alert; an unblock resolves nothing.
func TestAgent_DecisionResolvesOffensiveAlert(t *testing.T) {
	t.Parallel()
	hook, url := startHookRecorder(t)
	at := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	comment := func(id, text string, min int) connectors.Item {
		return connectors.Item{ExternalID: id, Kind: connectors.KindComment, ParentID: "p1", RootID: "p1", AuthorID: "u" + id,
			AuthorHandle: "u" + id, Text: text, CreatedAt: at.Add(time.Duration(min) * time.Minute), URL: "https://x.com/u/status/" + id}
	}
	conn := &fakeConn{network: "x", poll: func(context.Context, connectors.Account, connectors.Cursor) (connectors.Batch, error) {
		return connectors.Batch{Cursor: connectors.Cursor("c"), Items: []connectors.Item{
			{ExternalID: "p1", Kind: connectors.KindPost, Own: true, AuthorID: "ife", Text: "Consulta tu módulo más cercano", CreatedAt: at},
			comment("c1", "eres un pendejo de mierda, ¿dónde está mi credencial?", 1),
			comment("c2", "pinche pendejo inútil, lárgate a la chingada", 2),
		}}, nil
	}}
	cfg := testConfig(t, t.TempDir(), 50*time.Millisecond, map[string]string{"a": "x"})
	cfg.Alerts = alertsTo(url)
	state := func(subject string) []alerts.State {
		var out []alerts.State
		for _, a := range hook.by(alerts.RuleOffensiveComment) {
			if a.Subject == subject {
				out = append(out, a.State)
			}
		}
		return out
	}
	h := start(t, cfg, fakeRegistry(conn), nil)
	waitFor(t, "both offensive alerts", func() bool { return len(state("x:c1")) == 1 && len(state("x:c2")) == 1 })

	ctx := context.Background()
	label, err := archive.Open(ctx, cfg.Database, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := label.RecordDecisions(ctx, []archive.Decision{
		{Network: "x", ExternalID: "c2", Decision: archive.DecisionUnblocked, By: "Ana"},
		{Network: "x", ExternalID: "c1", Decision: archive.DecisionFalsePositive, By: "Ana"},
	}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "c1's resolution", func() bool { return len(state("x:c1")) == 2 })
	h.stop()
	if got := state("x:c1"); got[1] != alerts.StateResolved {
		t.Errorf("c1: %v", got)
	}
	for _, a := range hook.by(alerts.RuleOffensiveComment) {
		if a.Subject == "x:c1" && a.State == alerts.StateResolved && (!strings.Contains(a.Summary, "falso positivo") || !strings.Contains(a.Summary, "Ana")) {
			t.Errorf("resolution summary %q", a.Summary)
		}
	}
	if got := state("x:c2"); len(got) != 1 {
		t.Errorf("c2 after an unblock: %v, want still firing", got)
	}

	// Recorded while the agent is stopped: read at the next start.
	if err := label.RecordDecision(ctx, archive.Decision{Network: "x", ExternalID: "c2", Decision: archive.DecisionBlockConfirmed, By: "Luis"}); err != nil {
		t.Fatal(err)
	}
	label.Close()
	h2 := start(t, cfg, fakeRegistry(conn), nil)
	waitFor(t, "c2's resolution after the restart", func() bool { return len(state("x:c2")) == 2 })
	h2.stop()
	if got := state("x:c1"); len(got) != 2 {
		t.Errorf("c1 after the restart: %v, want firing then resolved once", got)
	}
	if got := state("x:c2"); got[1] != alerts.StateResolved {
		t.Errorf("c2: %v", got)
	}
}

// An own_content alert is resolved when the account corrects the text (a new
// version without the flag) or deletes it.
func TestAgent_OwnContentAlertResolves(t *testing.T) {
	t.Parallel()
	hook, url := startHookRecorder(t)
	at := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	own := func(id, text string, edited time.Time) connectors.Item {
		return connectors.Item{ExternalID: id, Kind: connectors.KindPost, Own: true, AuthorID: "ife", AuthorHandle: "a",
			Text: text, CreatedAt: at, EditedAt: edited, URL: "https://x.com/a/status/" + id}
	}
	var mu sync.Mutex
	batch := connectors.Batch{Cursor: connectors.Cursor("c"), Items: []connectors.Item{
		own("p1", "Felicidades a la ganadora, su CURP es HEGG560427MVZRRL04", time.Time{}),
		own("p2", "Consulta tu credencial: HEGG560427MVZRRL04 es un ejemplo de CURP", time.Time{}),
	}}
	conn := &fakeConn{network: "x", poll: func(context.Context, connectors.Account, connectors.Cursor) (connectors.Batch, error) {
		mu.Lock()
		defer mu.Unlock()
		b := batch
		b.Items = append([]connectors.Item(nil), batch.Items...)
		return b, nil
	}}
	cfg := testConfig(t, t.TempDir(), 50*time.Millisecond, map[string]string{"a": "x"})
	cfg.Alerts = alertsTo(url)
	states := func(subject string) []alerts.Alert {
		var out []alerts.Alert
		for _, a := range hook.by(alerts.RuleOwnContent) {
			if a.Subject == subject {
				out = append(out, a)
			}
		}
		return out
	}
	h := start(t, cfg, fakeRegistry(conn), nil)
	defer h.stop()
	waitFor(t, "both own_content alerts", func() bool { return len(states("x:p1")) == 1 && len(states("x:p2")) == 1 })
	mu.Lock()
	batch.Items = []connectors.Item{own("p1", "Felicidades a la ganadora del concurso", at.Add(time.Hour))}
	batch.Deletions = []connectors.Deletion{{ExternalID: "p2", ObservedAt: time.Now()}}
	mu.Unlock()
	waitFor(t, "both resolutions", func() bool { return len(states("x:p1")) == 2 && len(states("x:p2")) == 2 })
	for id, want := range map[string]string{"x:p1": "corrigió", "x:p2": "eliminó"} {
		got := states(id)
		if got[0].State != alerts.StateFiring || got[1].State != alerts.StateResolved || !strings.Contains(got[1].Summary, want) {
			t.Errorf("%s: %s %s then %s %q", id, got[0].State, got[0].Summary, got[1].State, got[1].Summary)
		}
	}
}
