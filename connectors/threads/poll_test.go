package threads

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
	"github.com/ife-mx/vigia/connectors/internal/graph"
)

// pollEnv polls a hand-written scenario through the fake Threads API.
type pollEnv struct {
	t   *testing.T
	c   *Connector
	ns  atomic.Int64
	cur connectors.Cursor
}

func (e *pollEnv) now() time.Time  { return time.Unix(0, e.ns.Load()).UTC() }
func (e *pollEnv) set(t time.Time) { e.ns.Store(t.UnixNano()) }

func newPollEnv(t *testing.T, sc *connectortest.Scenario) *pollEnv {
	t.Helper()
	e := &pollEnv{t: t}
	e.set(sc.Start)
	srv := httptest.NewServer(newFakeHandler(testToken)(t, sc, e.now))
	t.Cleanup(srv.Close)
	c, err := New(Config{graph.Settings{BaseURL: srv.URL, APIVersion: testVersion, PageLimit: 2, WindowAge: 48 * time.Hour}}, connectors.Deps{
		HTTP: connectors.NewHTTPClient(connectors.HTTPOptions{RetryMax: -1}),
		Now:  e.now,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.c = c
	return e
}

func (e *pollEnv) poll(at time.Time) connectors.Batch {
	e.t.Helper()
	e.set(at)
	acct := testAccount()
	acct.ExternalID = "100"
	b, err := e.c.Poll(context.Background(), acct, e.cur)
	if err != nil {
		e.t.Fatalf("poll at %s: %v", at.Format(time.RFC3339), err)
	}
	if strings.Contains(string(b.Cursor), testToken) {
		e.t.Fatal("the token is in the cursor")
	}
	e.cur = b.Cursor
	return b
}

func byID(items []connectors.Item) map[string]connectors.Item {
	m := map[string]connectors.Item{}
	for _, it := range items {
		m[it.ExternalID] = it
	}
	return m
}

func TestPoll_Conversation(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	v := func(text string, h int) connectortest.Version { return connectortest.Version{Text: text, At: at(h)} }
	sc := &connectortest.Scenario{
		Start:   t0,
		End:     at(10),
		Account: connectortest.ScenarioAccount{ID: "100", Handle: "ife_mx", DisplayName: "IFE", Bio: "Cuenta oficial"},
		Users:   []connectortest.ScenarioUser{{ID: "900", Handle: "ana", Name: "Ana Ruiz"}},
		Items: []connectortest.ScenarioItem{
			{ID: "1", Kind: connectors.KindPost, AuthorID: "100", Own: true, Versions: []connectortest.Version{v("Aviso", 1), v("Aviso (corregido)", 5)}},
			{ID: "2", Kind: connectors.KindComment, ParentID: "1", RootID: "1", AuthorID: "900", Versions: []connectortest.Version{v("¿Dónde?", 2), v("¿Dónde? Gracias", 6)}},
			{ID: "3", Kind: connectors.KindReply, ParentID: "2", RootID: "1", AuthorID: "100", Own: true, Versions: []connectortest.Version{v("En el módulo", 2)}, DeletedAt: at(7)},
			{ID: "4", Kind: connectors.KindMention, AuthorID: "900", Versions: []connectortest.Version{v("@ife_mx hola", 3)}},
			{ID: "5", Kind: connectors.KindPost, AuthorID: "100", Own: true, Versions: []connectortest.Version{v("Segundo", 3)}, DeletedAt: at(8)},
			{ID: "6", Kind: connectors.KindPost, AuthorID: "100", Own: true, Versions: []connectortest.Version{v("Tercero", 3)}},
		},
	}
	e := newPollEnv(t, sc)

	b := e.poll(at(4))
	got := byID(b.Items)
	if len(got) != 6 {
		t.Fatalf("first poll: %d items, want 6: %+v", len(got), b.Items)
	}
	for id, want := range map[string]struct {
		kind         connectors.Kind
		parent, root string
		own          bool
		author       string
		handle, name string
	}{
		"1": {connectors.KindPost, "", "", true, "100", "ife_mx", "IFE"},
		"2": {connectors.KindComment, "1", "1", false, "ana", "ana", ""},
		"3": {connectors.KindReply, "2", "1", true, "100", "ife_mx", "IFE"},
		"4": {connectors.KindMention, "", "", false, "ana", "ana", ""},
		"5": {connectors.KindPost, "", "", true, "100", "ife_mx", "IFE"},
	} {
		it := got[id]
		if it.Kind != want.kind || it.ParentID != want.parent || it.RootID != want.root || it.Own != want.own || it.AuthorID != want.author ||
			it.AuthorHandle != want.handle || it.AuthorName != want.name || !it.EditedAt.IsZero() || len(it.Raw) == 0 || it.URL == "" {
			t.Errorf("item %s = %+v, want %+v", id, it, want)
		}
	}
	if b.Profile == nil || b.Profile.Handle != "ife_mx" || b.Profile.Bio != "Cuenta oficial" || b.Profile.ExternalID != "100" {
		t.Errorf("profile = %+v", b.Profile)
	}

	quiet := e.poll(at(4).Add(30 * time.Minute))
	if len(quiet.Items) != 0 || len(quiet.Deletions) != 0 {
		t.Errorf("quiet poll: %+v", quiet)
	}

	// Threads gives no edit times: both edits carry the poll's time.
	b = e.poll(at(6).Add(time.Minute))
	got = byID(b.Items)
	if len(got) != 2 || got["1"].Text != "Aviso (corregido)" || !got["1"].EditedAt.Equal(at(6).Add(time.Minute)) ||
		got["2"].Text != "¿Dónde? Gracias" || !got["2"].EditedAt.Equal(at(6).Add(time.Minute)) {
		t.Errorf("edits: %+v", b.Items)
	}

	// The own reply and then a whole thread disappear.
	b = e.poll(at(7))
	if len(b.Items) != 0 || len(b.Deletions) != 1 || b.Deletions[0].ExternalID != "3" || !b.Deletions[0].ObservedAt.Equal(at(7)) {
		t.Errorf("reply deletion: %+v", b)
	}
	b = e.poll(at(8))
	if len(b.Items) != 0 || len(b.Deletions) != 1 || b.Deletions[0].ExternalID != "5" {
		t.Errorf("thread deletion: %+v", b)
	}

	// Out of the window: no more conversation calls; me, threads, mentions.
	b = e.poll(at(60))
	if len(b.Items) != 0 || len(b.Deletions) != 0 || b.Budget.Calls != 3 {
		t.Errorf("after the window: %d items, %d deletions, %d calls, want 0, 0, 3", len(b.Items), len(b.Deletions), b.Budget.Calls)
	}
}

func TestPoll_CursorRestart(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)
	sc := &connectortest.Scenario{
		Start:   t0,
		End:     t0.Add(time.Hour),
		Account: connectortest.ScenarioAccount{ID: "100", Handle: "ife_mx", DisplayName: "IFE"},
		Items: []connectortest.ScenarioItem{
			{ID: "1", Kind: connectors.KindPost, AuthorID: "100", Own: true, Versions: []connectortest.Version{{Text: "Aviso", At: t0}}},
		},
	}
	for name, cur := range map[string]connectors.Cursor{
		"unreadable":   connectors.Cursor("{not json"),
		"version":      connectors.Cursor(`{"v":99}`),
		"another user": connectors.Cursor(`{"v":1,"user":"555","posts":{"t":9999999999,"ids":["x"]}}`),
		"bad window":   connectors.Cursor(`{"v":1,"user":"100","window":[{"created":1}]}`),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newPollEnv(t, sc)
			e.cur = cur
			if b := e.poll(t0.Add(time.Hour)); len(b.Items) != 1 {
				t.Errorf("got %d items, want the thread again", len(b.Items))
			}
		})
	}
}
