package threads

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
	"github.com/ife-mx/vigia/connectors/internal/graph/graphfake"
)

// The fake Threads API renders a connectortest.Scenario as graph.threads.net
// does for a user token: the /me profile, the user's threads and mentions
// (newest first, paging cursors without next URLs, as documented), the
// flattened conversation of a thread (oldest first with reverse=false, next
// only when more remain), the X-App-Usage header, and Graph error bodies
// (codes 190, 17, 100/33, 1) with HTTP 400 or 500.

// testVersion is the API version the tests configure.
const testVersion = "v1.0"

// testToken is the user access token the fake API requires.
const testToken = "THAAJZBx7pRS0xVEVTVC1UT0tFTi1UaHJlYWRz"

// testAccount is the account polled in tests.
func testAccount() connectors.Account {
	return connectors.Account{
		ID: "ife-threads", Network: Network,
		Credentials: map[string]connectors.Secret{CredentialToken: connectors.NewSecret(testToken)},
	}
}

type fakeThreads struct {
	*graphfake.Server
}

// newFakeHandler returns a connectortest.Harness Handler for token.
func newFakeHandler(token string) func(t testing.TB, sc *connectortest.Scenario, now func() time.Time) http.Handler {
	return func(t testing.TB, sc *connectortest.Scenario, now func() time.Time) http.Handler {
		f := &fakeThreads{&graphfake.Server{
			T: t, SC: sc, Now: now, Token: token,
			AppUsageOnly: true, ThrottleCode: 17, ThrottleMessage: "(#17) User request limit reached",
		}}
		mux := http.NewServeMux()
		prefix := "/" + testVersion
		mux.HandleFunc("GET "+prefix+"/me", f.me)
		mux.HandleFunc("GET "+prefix+"/{id}/threads", f.threads)
		mux.HandleFunc("GET "+prefix+"/{id}/mentions", f.mentions)
		mux.HandleFunc("GET "+prefix+"/{id}/conversation", f.conversation)
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			t.Errorf("fake threads: unexpected request %s %s", r.Method, r.URL.Path)
			graphfake.WriteError(w, http.StatusBadRequest, 2500, 0, "Unknown path components: "+r.URL.Path, "OAuthException")
		})
		return f.Wrap(mux)
	}
}

// noObject writes the Threads API's answer to an id that does not exist.
func noObject(w http.ResponseWriter, id string) {
	graphfake.WriteError(w, http.StatusBadRequest, 100, 33, "Unsupported get request. Object with ID '"+id+"' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", "THApiException")
}

// me serves GET /me.
func (f *fakeThreads) me(w http.ResponseWriter, r *http.Request) {
	f.CheckQuery(r, userFields, nil)
	p := f.SC.ProfileAt(f.Now())
	graphfake.WriteJSON(w, http.StatusOK, map[string]any{
		"id":                          p.ID,
		"username":                    p.Handle,
		"name":                        p.DisplayName,
		"threads_profile_picture_url": "https://scontent-lax3-1.cdninstagram.com/v/t51.2885-19/" + p.ID + "_n.jpg?stp=dst-jpg_s150x150&_nc_ht=scontent-lax3-1.cdninstagram.com",
		"threads_biography":           p.Bio,
		"is_verified":                 true,
	})
}

// pageOf cuts a page out of ids after the request's cursor: Graph's paging
// block, with a next URL on graph.threads.net only when withNext and more
// remain (the user threads and mentions edges give cursors alone).
func pageOf(r *http.Request, ids []string, withNext bool) ([]string, map[string]any) {
	sel, pg := graphfake.Page(r, ids, 25)
	if next, ok := pg["next"].(string); ok {
		if withNext {
			pg["next"] = strings.Replace(next, "https://graph.facebook.com", "https://graph.threads.net", 1)
		} else {
			delete(pg, "next")
		}
	}
	return sel, pg
}

func (f *fakeThreads) permalink(it *connectortest.ScenarioItem, now time.Time) string {
	handle := f.SC.Account.Handle
	if u, ok := f.SC.User(it.AuthorID, now); ok {
		handle = u.Handle
	}
	return "https://www.threads.net/@" + handle + "/post/C" + it.ID
}

func (f *fakeThreads) render(it *connectortest.ScenarioItem, now time.Time) map[string]any {
	v := it.VersionAt(now)
	u, _ := f.SC.User(it.AuthorID, now)
	return map[string]any{
		"id":         it.ID,
		"text":       it.Versions[v].Text,
		"username":   u.Handle,
		"permalink":  f.permalink(it, now),
		"timestamp":  graphfake.Time(it.Created()),
		"media_type": "TEXT_POST",
	}
}

// userEdge serves the newest-first edges of the user: threads and mentions.
func (f *fakeThreads) userEdge(w http.ResponseWriter, r *http.Request, kind connectors.Kind, fields string) {
	now := f.Now()
	if id := r.PathValue("id"); id != f.SC.Account.ID {
		noObject(w, id)
		return
	}
	f.CheckQuery(r, fields, nil, "limit", "after")
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
	sel, pg := pageOf(r, ids, false)
	data := make([]any, 0, len(sel))
	for _, id := range sel {
		m := f.render(byID[id], now)
		if kind == connectors.KindPost {
			m["owner"] = map[string]string{"id": f.SC.Account.ID}
		}
		data = append(data, m)
	}
	graphfake.WriteJSON(w, http.StatusOK, map[string]any{"data": data, "paging": pg})
}

func (f *fakeThreads) threads(w http.ResponseWriter, r *http.Request) {
	f.userEdge(w, r, connectors.KindPost, threadFields)
}

func (f *fakeThreads) mentions(w http.ResponseWriter, r *http.Request) {
	f.userEdge(w, r, connectors.KindMention, mentionFields)
}

// conversation serves GET /{media-id}/conversation?reverse=false.
func (f *fakeThreads) conversation(w http.ResponseWriter, r *http.Request) {
	now := f.Now()
	id := r.PathValue("id")
	f.CheckQuery(r, conversationFields, map[string]string{"reverse": "false"}, "limit", "after")
	root, ok := f.SC.Item(id)
	if !ok || root.Kind != connectors.KindPost || !root.VisibleAt(now) {
		noObject(w, id)
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
	sel, pg := pageOf(r, ids, true)
	data := make([]any, 0, len(sel))
	for _, cid := range sel {
		it := byID[cid]
		m := f.render(it, now)
		m["root_post"] = map[string]string{"id": id}
		m["replied_to"] = map[string]string{"id": it.ParentID}
		m["is_reply"] = true
		m["is_reply_owned_by_me"] = it.Own
		m["hide_status"] = "NOT_HUSHED"
		data = append(data, m)
	}
	graphfake.WriteJSON(w, http.StatusOK, map[string]any{"data": data, "paging": pg})
}
