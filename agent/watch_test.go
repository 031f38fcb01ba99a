package agent_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
)

func TestParseConfig_Watch(t *testing.T) {
	t.Parallel()
	cfg, err := agent.LoadConfig(filepath.Join("testdata", "config", "good", "full.yaml"), testEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := []agent.WatchList{
		{Name: "casillas", Phrases: []string{"casillas cerradas", "no habrá elecciones"}, Severity: agent.WatchUrgent},
		{Name: "credencial", Phrases: []string{"credencial vencida"}, Severity: agent.WatchWarning},
	}
	if len(cfg.Watch) != len(want) {
		t.Fatalf("watch = %+v", cfg.Watch)
	}
	for i, w := range want {
		g := cfg.Watch[i]
		if g.Name != w.Name || !slices.Equal(g.Phrases, w.Phrases) || g.Severity != w.Severity || g.Line == 0 {
			t.Errorf("watch[%d] = %+v, want %+v", i, g, w)
		}
	}
	minimal, err := agent.LoadConfig(filepath.Join("testdata", "config", "good", "minimal.yaml"), testEnv)
	if err != nil {
		t.Fatal(err)
	}
	if minimal.Watch != nil {
		t.Errorf("no watch section: %+v", minimal.Watch)
	}
}

// watchFlag is a stored watch flag with the text it judged.
type watchFlag struct {
	item, text, category, severity string
	evidence                       struct {
		Criterio string `json:"criterio"`
		List     string `json:"list"`
		Evidence []struct {
			Phrase     string `json:"phrase"`
			Start, End int
			Text       string `json:"text"`
		} `json:"evidence"`
	}
}

func watchFlags(t *testing.T, db string) map[string]watchFlag {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.QueryContext(context.Background(), `SELECT i.external_id, v.text, f.category, f.severity, f.evidence
		FROM flags f JOIN items i ON i.id = f.item_id JOIN item_versions v ON v.item_id = i.id AND v.version = f.version
		WHERE f.rule = 'watch'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]watchFlag{}
	for rows.Next() {
		var f watchFlag
		var ev string
		if err := rows.Scan(&f.item, &f.text, &f.category, &f.severity, &ev); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(ev), &f.evidence); err != nil {
			t.Fatalf("evidence %s: %v", ev, err)
		}
		out[f.item+"/"+f.category] = f
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAgent_WatchLists checks that a watch-list phrase in a comment or mention by
// others is stored as a flag with its spans and counted in vigia_flags_total, that
// the account's own texts are not matched, and that a reload's new lists apply to
// the next polls.
func TestAgent_WatchLists(t *testing.T) {
	t.Parallel()
	created := time.Unix(1_700_000_000, 0)
	comment := func(id string, kind connectors.Kind, own bool, text string) connectors.Item {
		return connectors.Item{ExternalID: id, Kind: kind, Own: own, AuthorID: "u-" + id, AuthorHandle: "h" + id,
			ParentID: "p1", RootID: "p1", Text: text, CreatedAt: created}
	}
	var reloaded atomic.Bool
	conn := &fakeConn{network: "x", poll: func(context.Context, connectors.Account, connectors.Cursor) (connectors.Batch, error) {
		b := connectors.Batch{Cursor: connectors.Cursor("c1"), Budget: connectors.Budget{Calls: 1}, Items: []connectors.Item{
			comment("p1", connectors.KindPost, true, "Recuerda: no hay casillas cerradas, todas abren a las 8:00."),
			comment("c1", connectors.KindComment, false, "¿Es cierto que hay CASILLAS CERRADAS en Tlalpan? Dicen que no habra elecciones"),
			comment("c2", connectors.KindComment, false, "Qué devoto el consejero, casillas bien cerradas"),
			comment("m1", connectors.KindMention, false, "@IFEMexico ¿NO HABRÁ ELECCIONES?"),
		}}
		if reloaded.Load() {
			b.Cursor = connectors.Cursor("c2")
			b.Items = append(b.Items, comment("c3", connectors.KindReply, false, "¿Sirve mi credencial vencida?"))
		}
		return b, nil
	}}
	dir := t.TempDir()
	cfg := testConfig(t, dir, 20*time.Millisecond, map[string]string{"cncs-x": "x"})
	casillas := agent.WatchList{Name: "casillas", Phrases: []string{"casillas cerradas", "no habrá elecciones"}, Severity: agent.WatchUrgent}
	cfg.Watch = []agent.WatchList{casillas}
	h := start(t, cfg, fakeRegistry(conn), nil)
	ctx := context.Background()
	watchCount := func() int {
		n, err := h.store.FlagCounts(ctx, "cncs-x")
		if err != nil {
			t.Fatal(err)
		}
		return n[agent.RuleWatch]
	}
	waitFor(t, "the watch flags", func() bool { return watchCount() >= 2 })

	flags := watchFlags(t, cfg.Database)
	if len(flags) != 2 {
		t.Fatalf("watch flags = %+v, want c1 and m1", flags)
	}
	f, ok := flags["c1/casillas"]
	if !ok || f.severity != agent.WatchUrgent || f.evidence.Criterio != "3.ix" || f.evidence.List != "casillas" || len(f.evidence.Evidence) != 2 {
		t.Fatalf("c1 flag = %+v", f)
	}
	for i, want := range []string{"CASILLAS CERRADAS", "no habra elecciones"} {
		e := f.evidence.Evidence[i]
		if f.text[e.Start:e.End] != want || e.Text != want {
			t.Errorf("c1 span %d = [%d,%d) %q, want %q", i, e.Start, e.End, f.text[e.Start:e.End], want)
		}
	}
	if f, ok := flags["m1/casillas"]; !ok || f.evidence.Evidence[0].Text != "NO HABRÁ ELECCIONES" {
		t.Errorf("m1 flag = %+v", f)
	}
	// The metrics are counted just after the commit that made the flags visible.
	watchMetric := func() float64 {
		return counter(t, h.reg, "vigia_flags_total", map[string]string{"account": "cncs-x", "rule": agent.RuleWatch})
	}
	waitFor(t, "the watch flags' metric", func() bool { return watchMetric() >= 2 })
	if got := watchMetric(); got != 2 {
		t.Errorf("vigia_flags_total{rule=watch} = %v, want 2", got)
	}

	// A reload adds a list: the next polls use it.
	cfg2 := testConfig(t, dir, 20*time.Millisecond, map[string]string{"cncs-x": "x"})
	cfg2.Watch = []agent.WatchList{casillas, {Name: "credencial", Phrases: []string{"credencial vencida"}, Severity: agent.WatchWarning}}
	if err := h.agent.Reload(ctx, cfg2); err != nil {
		t.Fatal(err)
	}
	reloaded.Store(true)
	waitFor(t, "the new list's flag", func() bool { return watchCount() >= 3 })
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	flags = watchFlags(t, cfg.Database)
	if f, ok := flags["c3/credencial"]; !ok || f.severity != agent.WatchWarning || len(flags) != 3 {
		t.Fatalf("watch flags after the reload = %+v", flags)
	}
	if got := counter(t, h.reg, "vigia_flags_total", map[string]string{"account": "cncs-x", "rule": agent.RuleWatch}); got != 3 {
		t.Errorf("vigia_flags_total{rule=watch} = %v, want 3", got)
	}
	err := h.store.Items(ctx, "cncs-x", func(it archive.StoredItem) error {
		if it.ExternalID == "p1" && slices.Contains(it.Flags, agent.RuleWatch) {
			t.Errorf("the account's own post was matched against the watch lists")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
