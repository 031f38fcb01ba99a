package facebook

import (
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
	"github.com/ife-mx/vigia/connectors/internal/graph"
	"github.com/ife-mx/vigia/connectors/internal/graph/graphfake"
)

// newPollEnv polls a hand-written scenario through the fake Graph server,
// with pages of two.
func newPollEnv(t *testing.T, sc *connectortest.Scenario) *graphfake.Env {
	t.Helper()
	e := graphfake.NewEnv(t, sc, newFakeHandler(testToken))
	c, err := New(Config{graph.Settings{BaseURL: e.URL, APIVersion: testVersion, PageLimit: 2, WindowAge: 48 * time.Hour}}, connectors.Deps{
		HTTP: connectors.NewHTTPClient(connectors.HTTPOptions{RetryMax: -1}),
		Now:  e.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.Conn, e.Acct, e.Token = c, testAccount(), testToken
	e.Acct.ExternalID = "100"
	return e
}

func TestPollConversation(t *testing.T) {
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

	b := e.Poll(at(4))
	got := graphfake.ByID(b.Items)
	if len(got) != 6 {
		t.Fatalf("first poll: %d items, want 6: %+v", len(got), b.Items)
	}
	for id, want := range map[string]struct {
		kind         connectors.Kind
		parent, root string
		own          bool
		handle, name string
	}{
		"1": {connectors.KindPost, "", "", true, "ife_mx", "IFE"},
		"2": {connectors.KindComment, "1", "1", false, "", "Ana Ruiz"},
		"3": {connectors.KindReply, "2", "1", true, "ife_mx", "IFE"},
		"4": {connectors.KindMention, "", "", false, "", "Ana Ruiz"},
		"5": {connectors.KindPost, "", "", true, "ife_mx", "IFE"},
	} {
		it := got[id]
		if it.Kind != want.kind || it.ParentID != want.parent || it.RootID != want.root || it.Own != want.own ||
			it.AuthorHandle != want.handle || it.AuthorName != want.name || !it.EditedAt.IsZero() || len(it.Raw) == 0 {
			t.Errorf("item %s = %+v, want %+v", id, it, want)
		}
	}
	if b.Profile == nil || b.Profile.Handle != "ife_mx" || b.Profile.Bio != "Cuenta oficial" {
		t.Errorf("profile = %+v", b.Profile)
	}

	if b := e.Poll(at(4).Add(30 * time.Minute)); len(b.Items) != 0 || len(b.Deletions) != 0 {
		t.Errorf("quiet poll: %+v", b)
	}

	// The post's edit carries updated_time; the comment's, the poll's time.
	b = e.Poll(at(6).Add(time.Minute))
	got = graphfake.ByID(b.Items)
	if len(got) != 2 || got["1"].Text != "Aviso (corregido)" || !got["1"].EditedAt.Equal(at(5)) ||
		got["2"].Text != "¿Dónde? Gracias" || !got["2"].EditedAt.Equal(at(6).Add(time.Minute)) {
		t.Errorf("edits: %+v", b.Items)
	}

	// The own reply and then a whole post disappear.
	b = e.Poll(at(7))
	if len(b.Items) != 0 || len(b.Deletions) != 1 || b.Deletions[0].ExternalID != "3" {
		t.Errorf("reply deletion: %+v", b)
	}
	b = e.Poll(at(8))
	if len(b.Items) != 0 || len(b.Deletions) != 1 || b.Deletions[0].ExternalID != "5" {
		t.Errorf("post deletion: %+v", b)
	}

	// Out of the window: no more comment calls for post 1 and 6.
	b = e.Poll(at(60))
	if len(b.Items) != 0 || len(b.Deletions) != 0 || b.Budget.Calls != 3 {
		t.Errorf("after the window: %d items, %d deletions, %d calls, want 0, 0, 3", len(b.Items), len(b.Deletions), b.Budget.Calls)
	}
}

func TestCursorRestart(t *testing.T) {
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
		"another page": connectors.Cursor(`{"v":1,"page":"555","posts":{"t":9999999999,"ids":["x"]}}`),
		"bad window":   connectors.Cursor(`{"v":1,"page":"100","window":[{"created":1}]}`),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newPollEnv(t, sc)
			e.Cur = cur
			if b := e.Poll(t0.Add(time.Hour)); len(b.Items) != 1 {
				t.Errorf("got %d items, want the post again", len(b.Items))
			}
		})
	}
}
