package instagram

import (
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
	"github.com/ife-mx/vigia/connectors/internal/graph"
	"github.com/ife-mx/vigia/connectors/internal/graph/graphfake"
)

// newPollEnv polls a hand-written scenario through the fake Instagram
// Platform, with pages of two.
func newPollEnv(t *testing.T, sc *connectortest.Scenario) *graphfake.Env {
	t.Helper()
	e := graphfake.NewEnv(t, sc, newFakeHandler(testToken))
	c, err := New(Config{Settings: graph.Settings{BaseURL: e.URL, APIVersion: testVersion, PageLimit: 2, WindowAge: 48 * time.Hour}}, connectors.Deps{
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
		Users: []connectortest.ScenarioUser{
			{ID: "900", Handle: "ana", Name: "Ana Ruiz"},
			{ID: "901", Handle: "luis", Name: "Luis"},
		},
		Items: []connectortest.ScenarioItem{
			{ID: "1", Kind: connectors.KindPost, AuthorID: "100", Own: true, Versions: []connectortest.Version{v("Aviso", 1), v("Aviso (corregido)", 5)}},
			{ID: "2", Kind: connectors.KindComment, ParentID: "1", RootID: "1", AuthorID: "900", Versions: []connectortest.Version{v("¿Dónde?", 2), v("¿Dónde? Gracias", 6)}},
			{ID: "3", Kind: connectors.KindReply, ParentID: "2", RootID: "1", AuthorID: "100", Own: true, Versions: []connectortest.Version{v("@ana En el módulo", 2)}},
			// A reply to the own reply: Instagram lists it under comment 2.
			{ID: "4", Kind: connectors.KindReply, ParentID: "3", RootID: "1", AuthorID: "900", Versions: []connectortest.Version{v("@ife_mx ¿cuál?", 3)}},
			{ID: "5", Kind: connectors.KindReply, ParentID: "2", RootID: "1", AuthorID: "901", Versions: []connectortest.Version{v("@ana <script>x</script> yo también", 3)}},
			{ID: "6", Kind: connectors.KindComment, ParentID: "1", RootID: "1", AuthorID: "901", Versions: []connectortest.Version{v("Otra duda", 3)}, DeletedAt: at(8)},
			{ID: "7", Kind: connectors.KindReply, ParentID: "6", RootID: "1", AuthorID: "100", Own: true, Versions: []connectortest.Version{v("@luis Respondemos", 4)}},
			{ID: "8", Kind: connectors.KindPost, AuthorID: "100", Own: true, Versions: []connectortest.Version{v("Segundo", 3)}, DeletedAt: at(9)},
			{ID: "9", Kind: connectors.KindMention, AuthorID: "900", Versions: []connectortest.Version{v("@ife_mx hola", 3)}},
		},
	}
	e := newPollEnv(t, sc)

	b := e.Poll(at(4))
	got := graphfake.ByID(b.Items)
	if len(got) != 8 {
		t.Fatalf("first poll: %d items, want 8 (no mention: Instagram has no mentions to poll): %+v", len(got), b.Items)
	}
	for id, want := range map[string]struct {
		kind         connectors.Kind
		parent, root string
		own          bool
		author       string
		handle, name string
	}{
		"1": {connectors.KindPost, "", "", true, "100", "ife_mx", "IFE"},
		"2": {connectors.KindComment, "1", "1", false, "900", "ana", ""},
		"3": {connectors.KindReply, "2", "1", true, "100", "ife_mx", "IFE"},
		"4": {connectors.KindReply, "2", "1", false, "900", "ana", ""},
		"5": {connectors.KindReply, "2", "1", false, "901", "luis", ""},
		"6": {connectors.KindComment, "1", "1", false, "901", "luis", ""},
		"7": {connectors.KindReply, "6", "1", true, "100", "ife_mx", "IFE"},
		"8": {connectors.KindPost, "", "", true, "100", "ife_mx", "IFE"},
	} {
		it := got[id]
		if it.Kind != want.kind || it.ParentID != want.parent || it.RootID != want.root || it.Own != want.own || it.AuthorID != want.author ||
			it.AuthorHandle != want.handle || it.AuthorName != want.name || !it.EditedAt.IsZero() || len(it.Raw) == 0 {
			t.Errorf("item %s = %+v, want %+v", id, it, want)
		}
	}
	if !strings.Contains(string(got["5"].Raw), `"hidden":true`) || !strings.Contains(string(got["2"].Raw), `"hidden":false`) {
		t.Errorf("the hidden flag is not in Raw: %s / %s", got["5"].Raw, got["2"].Raw)
	}
	if m := got["1"].Media; len(m) != 1 || m[0].Type != "image" || !strings.HasPrefix(m[0].URL, "https://scontent.cdninstagram.com/") || !strings.HasPrefix(got["1"].URL, "https://www.instagram.com/p/") {
		t.Errorf("media metadata = %+v, URL %q", m, got["1"].URL)
	}
	// Comment 2 has three replies, over the page of two nested: they come
	// from /replies, one more call (and its second page).
	if b.Budget.Calls != 6 {
		t.Errorf("first poll made %d calls, want 6 (user, media, comments of 1 and of 8, two pages of replies of 2)", b.Budget.Calls)
	}
	if b.Profile == nil || b.Profile.Handle != "ife_mx" || b.Profile.Bio != "Cuenta oficial" || b.Profile.Verified {
		t.Errorf("profile = %+v", b.Profile)
	}

	if b := e.Poll(at(4).Add(30 * time.Minute)); len(b.Items) != 0 || len(b.Deletions) != 0 {
		t.Errorf("quiet poll: %+v", b)
	}

	// Neither captions nor comments carry an edit time: both edits carry
	// the poll's time.
	b = e.Poll(at(6).Add(time.Minute))
	got = graphfake.ByID(b.Items)
	if len(got) != 2 || got["1"].Text != "Aviso (corregido)" || !got["1"].EditedAt.Equal(at(6).Add(time.Minute)) ||
		got["2"].Text != "¿Dónde? Gracias" || !got["2"].EditedAt.Equal(at(6).Add(time.Minute)) {
		t.Errorf("edits: %+v", b.Items)
	}

	// Comment 6 is deleted and its reply 7 goes with it: only 6 is reported.
	b = e.Poll(at(8))
	if len(b.Items) != 0 || len(b.Deletions) != 1 || b.Deletions[0].ExternalID != "6" {
		t.Errorf("comment deletion: %+v", b)
	}
	b = e.Poll(at(9))
	if len(b.Items) != 0 || len(b.Deletions) != 1 || b.Deletions[0].ExternalID != "8" {
		t.Errorf("media deletion: %+v", b)
	}

	// Out of the window: no more comment calls.
	b = e.Poll(at(60))
	if len(b.Items) != 0 || len(b.Deletions) != 0 || b.Budget.Calls != 2 {
		t.Errorf("after the window: %d items, %d deletions, %d calls, want 0, 0, 2", len(b.Items), len(b.Deletions), b.Budget.Calls)
	}
}

// TestPollTagged: with tagged on, media of others tagging the account are
// mentions, each returned once; with it off, /tags is never called.
func TestPollTagged(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	v := func(text string, h int) []connectortest.Version {
		return []connectortest.Version{{Text: text, At: at(h)}}
	}
	sc := &connectortest.Scenario{
		Start:   t0,
		End:     at(10),
		Account: connectortest.ScenarioAccount{ID: "100", Handle: "ife_mx", DisplayName: "IFE"},
		Users:   []connectortest.ScenarioUser{{ID: "900", Handle: "ana", Name: "Ana Ruiz"}},
		Items: []connectortest.ScenarioItem{
			{ID: "1", Kind: connectors.KindPost, AuthorID: "100", Own: true, Versions: v("Aviso", 1)},
			{ID: "2", Kind: connectors.KindMention, AuthorID: "900", Versions: v("Foto con @ife_mx en el módulo", 2)},
			{ID: "3", Kind: connectors.KindMention, AuthorID: "900", Versions: v("Otra con @ife_mx", 5)},
		},
	}
	e := newPollEnv(t, sc)
	c, err := New(Config{Settings: graph.Settings{BaseURL: e.URL, APIVersion: testVersion, PageLimit: 2, WindowAge: 48 * time.Hour}, Tagged: true}, connectors.Deps{
		HTTP: connectors.NewHTTPClient(connectors.HTTPOptions{RetryMax: -1}),
		Now:  e.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	plain := e.Conn
	e.Conn = c

	b := e.Poll(at(3))
	got := graphfake.ByID(b.Items)
	m := got["2"]
	if len(got) != 2 || m.Kind != connectors.KindMention || m.Own || m.AuthorID != "" || m.AuthorHandle != "ana" ||
		m.Text != "Foto con ife_mx en el módulo" || !m.CreatedAt.Equal(at(2)) || !strings.HasPrefix(m.URL, "https://www.instagram.com/p/") {
		t.Errorf("first poll: %+v", b.Items)
	}
	if b.Budget.Calls != 4 {
		t.Errorf("made %d calls, want 4 (user, media, tags, comments of 1)", b.Budget.Calls)
	}
	if b := e.Poll(at(4)); len(b.Items) != 0 {
		t.Errorf("the mention came again: %+v", b.Items)
	}
	if b := e.Poll(at(6)); len(b.Items) != 1 || b.Items[0].ExternalID != "3" {
		t.Errorf("new mention: %+v", b.Items)
	}
	e.Conn = plain
	if b := e.Poll(at(7)); b.Budget.Calls != 3 {
		t.Errorf("without tagged: %d calls, want 3 (no /tags)", b.Budget.Calls)
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
		"unreadable":      connectors.Cursor("{not json"),
		"version":         connectors.Cursor(`{"v":99}`),
		"another account": connectors.Cursor(`{"v":1,"user":"555","media":{"t":9999999999,"ids":["x"]}}`),
		"bad window":      connectors.Cursor(`{"v":1,"user":"100","window":[{"created":1}]}`),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newPollEnv(t, sc)
			e.Cur = cur
			if b := e.Poll(t0.Add(time.Hour)); len(b.Items) != 1 {
				t.Errorf("got %d items, want the media again", len(b.Items))
			}
		})
	}
}

// TestCommentItem_OwnWithoutFrom: a comment without from is the account's
// own when its username is the account's.
func TestCommentItem_OwnWithoutFrom(t *testing.T) {
	t.Parallel()
	p := &poller{acct: &account{ID: "100", Username: "ife_mx", Name: "IFE"}}
	own := p.commentItem(&comment{ID: "c1", Username: "ife_mx"}, "m1", "", time.Time{})
	other := p.commentItem(&comment{ID: "c2", Username: "ana"}, "m1", "c1", time.Time{})
	if !own.Own || own.AuthorID != "100" || own.Kind != connectors.KindComment || own.ParentID != "m1" {
		t.Errorf("own = %+v", own)
	}
	if other.Own || other.AuthorID != "" || other.AuthorHandle != "ana" || other.Kind != connectors.KindReply || other.ParentID != "c1" || other.RootID != "m1" {
		t.Errorf("other = %+v", other)
	}
}

// TestProfile_AvatarSignature: a re-signed picture URL is the same avatar;
// another picture is not.
func TestProfile_AvatarSignature(t *testing.T) {
	t.Parallel()
	a := func(u string) string {
		return (&account{ID: "1", Username: "ife_mx", ProfilePictureURL: u}).profile(nil).AvatarURL
	}
	p1 := a("https://scontent.cdninstagram.com/v/t51.2885-19/123_n.jpg?stp=dst-jpg_s206x206&oh=00_AfB&oe=6A0B1C2D")
	p2 := a("https://scontent.cdninstagram.com/v/t51.2885-19/123_n.jpg?stp=dst-jpg_s206x206&oh=00_XyZ&oe=6B000000")
	p3 := a("https://scontent.cdninstagram.com/v/t51.2885-19/456_n.jpg?oh=00_AfB&oe=6A0B1C2D")
	if p1 != p2 || p1 == p3 || p1 != "https://scontent.cdninstagram.com/v/t51.2885-19/123_n.jpg" {
		t.Errorf("avatars %q, %q, %q", p1, p2, p3)
	}
	if got := a("not a url"); got != "not a url" {
		t.Errorf("unparsable URL changed to %q", got)
	}
}
