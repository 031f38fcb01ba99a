package facebook

import (
	"net/http"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
	"github.com/ife-mx/vigia/connectors/internal/graph/graphfake"
)

// The fake Graph API renders a connectortest.Scenario as Graph does for a
// Page token: Page, PagePost and Comment nodes with the fields asked, cursor
// paging (cursors.before/after and a next URL only when more remain), the
// X-App-Usage and X-Business-Use-Case-Usage headers, and Graph error bodies
// (OAuthException codes 190, 80001, 100/33, code 1) with HTTP 400 or 500.

// testVersion is the API version the tests configure.
const testVersion = "v21.0"

// testToken is the Page access token the fake Graph API requires.
const testToken = "EAAGm0PX4ZCpsBAPAGE-TOKEN-Zk9xw3LrV"

// testAccount is the account polled in tests.
func testAccount() connectors.Account {
	return connectors.Account{
		ID: "ife-facebook", Network: Network,
		Credentials: map[string]connectors.Secret{CredentialToken: connectors.NewSecret(testToken)},
	}
}

type fakeGraph struct {
	*graphfake.Server
}

// newFakeHandler returns a connectortest.Harness Handler for token.
func newFakeHandler(token string) func(t testing.TB, sc *connectortest.Scenario, now func() time.Time) http.Handler {
	return func(t testing.TB, sc *connectortest.Scenario, now func() time.Time) http.Handler {
		f := &fakeGraph{&graphfake.Server{
			T: t, SC: sc, Now: now, Token: token,
			BUCType: "pages", ThrottleCode: 80001,
			ThrottleMessage: "(#80001) There have been too many calls to this Page account. Wait a bit and try again.",
		}}
		mux := http.NewServeMux()
		prefix := "/" + testVersion
		mux.HandleFunc("GET "+prefix+"/{id}", f.node)
		mux.HandleFunc("GET "+prefix+"/{id}/published_posts", f.publishedPosts)
		mux.HandleFunc("GET "+prefix+"/{id}/tagged", f.tagged)
		mux.HandleFunc("GET "+prefix+"/{id}/comments", f.comments)
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			t.Errorf("fake graph: unexpected request %s %s", r.Method, r.URL.Path)
			graphfake.WriteError(w, http.StatusBadRequest, 2500, 0, "Unknown path components: "+r.URL.Path, "OAuthException")
		})
		return f.Wrap(mux)
	}
}

func (f *fakeGraph) from(id string, now time.Time) map[string]string {
	u, ok := f.SC.User(id, now)
	if !ok {
		return nil
	}
	return map[string]string{"name": u.Name, "id": u.ID}
}

// node serves GET /{page-id} (and /me).
func (f *fakeGraph) node(w http.ResponseWriter, r *http.Request) {
	now := f.Now()
	id := r.PathValue("id")
	if id != f.SC.Account.ID && id != "me" {
		graphfake.WriteNoObject(w, id)
		return
	}
	f.CheckQuery(r, pageFields, nil)
	p := f.SC.ProfileAt(now)
	graphfake.WriteJSON(w, http.StatusOK, map[string]any{
		"id":       p.ID,
		"name":     p.DisplayName,
		"username": p.Handle,
		"about":    p.Bio,
		"link":     "https://www.facebook.com/" + p.Handle,
		"picture": map[string]any{"data": map[string]any{
			"height": 50, "width": 50, "is_silhouette": false,
			"url": "https://scontent.xx.fbcdn.net/v/t39.30808-1/" + p.ID + "_n.jpg?stp=cp0_dst-jpg_s50x50&_nc_cat=1&oh=00_AfA&oe=6A0B1C2D",
		}},
		"verification_status": "blue_verified",
		"followers_count":     184223,
	})
}

func (f *fakeGraph) renderPost(it *connectortest.ScenarioItem, now time.Time) map[string]any {
	v := it.VersionAt(now)
	return map[string]any{
		"id":            it.ID,
		"message":       it.Versions[v].Text,
		"created_time":  graphfake.Time(it.Created()),
		"updated_time":  graphfake.Time(it.Versions[v].At),
		"permalink_url": "https://www.facebook.com/" + f.SC.Account.ID + "/posts/" + it.ID,
		"from":          f.from(it.AuthorID, now),
	}
}

func (f *fakeGraph) postEdge(w http.ResponseWriter, r *http.Request, kind connectors.Kind) {
	now := f.Now()
	if id := r.PathValue("id"); id != f.SC.Account.ID {
		f.T.Errorf("fake graph: %s: not the Page id", r.URL.Path)
	}
	f.CheckQuery(r, postFields, nil, "limit", "after")
	var ids []string
	byID := map[string]*connectortest.ScenarioItem{}
	for i := len(f.SC.Items) - 1; i >= 0; i-- { // newest first
		it := &f.SC.Items[i]
		if it.Kind != kind || !it.VisibleAt(now) {
			continue
		}
		ids = append(ids, it.ID)
		byID[it.ID] = it
	}
	sel, pg := graphfake.Page(r, ids, 25)
	data := make([]any, 0, len(sel))
	for _, id := range sel {
		data = append(data, f.renderPost(byID[id], now))
	}
	graphfake.WriteJSON(w, http.StatusOK, map[string]any{"data": data, "paging": pg})
}

func (f *fakeGraph) publishedPosts(w http.ResponseWriter, r *http.Request) {
	f.postEdge(w, r, connectors.KindPost)
}

func (f *fakeGraph) tagged(w http.ResponseWriter, r *http.Request) {
	f.postEdge(w, r, connectors.KindMention)
}

// comments serves GET /{post-id}/comments?filter=stream&order=chronological.
func (f *fakeGraph) comments(w http.ResponseWriter, r *http.Request) {
	now := f.Now()
	id := r.PathValue("id")
	f.CheckQuery(r, commentFields, map[string]string{"filter": "stream", "order": "chronological"}, "limit", "after")
	root, ok := f.SC.Item(id)
	if !ok || root.Kind != connectors.KindPost || !root.VisibleAt(now) {
		graphfake.WriteNoObject(w, id)
		return
	}
	var ids []string
	byID := map[string]*connectortest.ScenarioItem{}
	for i := range f.SC.Items { // oldest first
		it := &f.SC.Items[i]
		if it.RootID != id || it.Kind == connectors.KindPost || !it.VisibleAt(now) {
			continue
		}
		ids = append(ids, it.ID)
		byID[it.ID] = it
	}
	sel, pg := graphfake.Page(r, ids, 25)
	data := make([]any, 0, len(sel))
	for _, cid := range sel {
		it := byID[cid]
		v := it.VersionAt(now)
		c := map[string]any{
			"id":            it.ID,
			"message":       it.Versions[v].Text,
			"created_time":  graphfake.Time(it.Created()),
			"from":          f.from(it.AuthorID, now),
			"is_hidden":     false,
			"can_hide":      !it.Own,
			"permalink_url": "https://www.facebook.com/" + f.SC.Account.ID + "/posts/" + id + "?comment_id=" + it.ID,
		}
		if it.ParentID != "" && it.ParentID != id {
			c["parent"] = map[string]any{"id": it.ParentID, "created_time": graphfake.Time(it.Created()), "message": ""}
		}
		data = append(data, c)
	}
	graphfake.WriteJSON(w, http.StatusOK, map[string]any{"data": data, "paging": pg})
}
