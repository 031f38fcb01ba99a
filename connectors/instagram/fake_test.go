package instagram

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
	"github.com/ife-mx/vigia/connectors/internal/graph/graphfake"
)

// The fake Instagram Platform renders a connectortest.Scenario as the Graph
// API does for an Instagram professional account: the IG User, IG Media and
// IG Comment nodes with the fields asked, top-level comments newest first
// with their first replies nested (field expansion replies.limit(n){…}),
// the /replies edge, one reply level (a reply to a reply is listed under the
// top-level comment, and a deleted comment takes its replies out of sight),
// cursor paging, the usage headers (BUC type "instagram") and Graph error
// bodies (throttling code 80002).

// testVersion is the API version the tests configure.
const testVersion = "v21.0"

// testToken is the access token the fake Graph API requires.
const testToken = "IGQWRPa1ZAUSEktTOKEN-9xw3LrVaBcD"

// testAccount is the account polled in tests.
func testAccount() connectors.Account {
	return connectors.Account{
		ID: "ife-instagram", Network: Network,
		Credentials: map[string]connectors.Secret{CredentialToken: connectors.NewSecret(testToken)},
	}
}

type fakeIG struct {
	*graphfake.Server
}

// newFakeHandler returns a connectortest.Harness Handler for token.
func newFakeHandler(token string) func(t testing.TB, sc *connectortest.Scenario, now func() time.Time) http.Handler {
	return func(t testing.TB, sc *connectortest.Scenario, now func() time.Time) http.Handler {
		f := &fakeIG{&graphfake.Server{
			T: t, SC: sc, Now: now, Token: token,
			BUCType: "instagram", ThrottleCode: 80002,
			ThrottleMessage: "(#80002) There have been too many calls to this Instagram account. Wait a bit and try again.",
		}}
		mux := http.NewServeMux()
		prefix := "/" + testVersion
		mux.HandleFunc("GET "+prefix+"/{id}", f.user)
		mux.HandleFunc("GET "+prefix+"/{id}/media", f.media)
		mux.HandleFunc("GET "+prefix+"/{id}/comments", f.comments)
		mux.HandleFunc("GET "+prefix+"/{id}/replies", f.replies)
		mux.HandleFunc("GET "+prefix+"/{id}/tags", f.tags)
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			t.Errorf("fake graph: unexpected request %s %s", r.Method, r.URL.Path)
			graphfake.WriteError(w, http.StatusBadRequest, 2500, 0, "Unknown path components: "+r.URL.Path, "OAuthException")
		})
		return f.Wrap(mux)
	}
}

// user serves GET /{ig-user-id} (and /me).
func (f *fakeIG) user(w http.ResponseWriter, r *http.Request) {
	now := f.Now()
	id := r.PathValue("id")
	if id != f.SC.Account.ID && id != "me" {
		graphfake.WriteNoObject(w, id)
		return
	}
	f.CheckQuery(r, accountFields, nil)
	p := f.SC.ProfileAt(now)
	posts := 0
	for i := range f.SC.Items {
		if it := &f.SC.Items[i]; it.Kind == connectors.KindPost && it.VisibleAt(now) {
			posts++
		}
	}
	graphfake.WriteJSON(w, http.StatusOK, map[string]any{
		"id":                  p.ID,
		"username":            p.Handle,
		"name":                p.DisplayName,
		"biography":           p.Bio,
		"profile_picture_url": "https://scontent.cdninstagram.com/v/t51.2885-19/" + p.ID + "_n.jpg?stp=dst-jpg_s206x206&_nc_ht=scontent.cdninstagram.com&oh=00_AfB&oe=6A0B1C2D",
		"website":             "https://www.ife.org.mx/",
		"followers_count":     98410,
		"media_count":         posts,
	})
}

// topLevel returns the top-level comment a comment or reply is listed under.
func (f *fakeIG) topLevel(it *connectortest.ScenarioItem) *connectortest.ScenarioItem {
	for it != nil && it.Kind == connectors.KindReply {
		p, ok := f.SC.Item(it.ParentID)
		if !ok {
			return nil
		}
		it = p
	}
	return it
}

// visible reports whether a comment or reply shows at now: itself, its media
// and its top-level comment exist.
func (f *fakeIG) visible(it *connectortest.ScenarioItem, now time.Time) bool {
	if !it.VisibleAt(now) {
		return false
	}
	if root, ok := f.SC.Item(it.RootID); !ok || !root.VisibleAt(now) {
		return false
	}
	top := f.topLevel(it)
	return top != nil && top.VisibleAt(now)
}

// media serves GET /{ig-user-id}/media, newest first.
func (f *fakeIG) media(w http.ResponseWriter, r *http.Request) {
	now := f.Now()
	if id := r.PathValue("id"); id != f.SC.Account.ID {
		f.T.Errorf("fake graph: %s: not the IG user id", r.URL.Path)
	}
	f.CheckQuery(r, mediaFields, nil, "limit", "after")
	var ids []string
	byID := map[string]*connectortest.ScenarioItem{}
	for i := len(f.SC.Items) - 1; i >= 0; i-- {
		it := &f.SC.Items[i]
		if it.Kind != connectors.KindPost || !it.VisibleAt(now) {
			continue
		}
		ids = append(ids, it.ID)
		byID[it.ID] = it
	}
	sel, pg := graphfake.Page(r, ids, 25)
	handle := f.SC.ProfileAt(now).Handle
	data := make([]any, 0, len(sel))
	for _, id := range sel {
		it := byID[id]
		count := 0
		for i := range f.SC.Items {
			if c := &f.SC.Items[i]; c.RootID == id && f.visible(c, now) {
				count++
			}
		}
		code := strconv.FormatUint(mustUint(id)%(1<<40), 36)
		data = append(data, map[string]any{
			"id":                 it.ID,
			"caption":            it.Versions[it.VersionAt(now)].Text,
			"media_type":         "IMAGE",
			"media_product_type": "FEED",
			"permalink":          "https://www.instagram.com/p/C" + code + "/",
			"timestamp":          graphfake.Time(it.Created()),
			"username":           handle,
			"media_url":          "https://scontent.cdninstagram.com/v/t51.29350-15/" + it.ID + "_n.jpg?_nc_cat=1&ccb=1-7&oh=00_AfC&oe=6A0B1C2D",
			"comments_count":     count,
		})
	}
	graphfake.WriteJSON(w, http.StatusOK, map[string]any{"data": data, "paging": pg})
}

func mustUint(s string) uint64 {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		panic(err)
	}
	return n
}

// renderComment renders an IG Comment; replies carry parent_id.
func (f *fakeIG) renderComment(it *connectortest.ScenarioItem, now time.Time, parent string) map[string]any {
	u, _ := f.SC.User(it.AuthorID, now)
	text := it.Versions[it.VersionAt(now)].Text
	c := map[string]any{
		"id":         it.ID,
		"text":       text,
		"timestamp":  graphfake.Time(it.Created()),
		"username":   u.Handle,
		"from":       map[string]any{"id": u.ID, "username": u.Handle},
		"hidden":     strings.Contains(text, "<script"),
		"like_count": len(text) % 7,
	}
	if parent != "" {
		c["parent_id"] = parent
	}
	return c
}

// repliesOf lists the visible replies under a top-level comment, oldest first.
func (f *fakeIG) repliesOf(top string, now time.Time) []*connectortest.ScenarioItem {
	var out []*connectortest.ScenarioItem
	for i := range f.SC.Items {
		it := &f.SC.Items[i]
		if it.Kind != connectors.KindReply || !f.visible(it, now) {
			continue
		}
		if t := f.topLevel(it); t != nil && t.ID == top {
			out = append(out, it)
		}
	}
	return out
}

var repliesLimitRE = regexp.MustCompile(`replies\.limit\(([0-9]+)\)`)

// comments serves GET /{ig-media-id}/comments: top-level comments, newest
// first, each with its first replies nested.
func (f *fakeIG) comments(w http.ResponseWriter, r *http.Request) {
	now := f.Now()
	id := r.PathValue("id")
	nested := 25
	if m := repliesLimitRE.FindStringSubmatch(r.URL.Query().Get("fields")); m != nil {
		nested, _ = strconv.Atoi(m[1])
	}
	f.CheckQuery(r, commentFields(nested), nil, "limit", "after")
	root, ok := f.SC.Item(id)
	if !ok || root.Kind != connectors.KindPost || !root.VisibleAt(now) {
		graphfake.WriteNoObject(w, id)
		return
	}
	var ids []string
	byID := map[string]*connectortest.ScenarioItem{}
	for i := len(f.SC.Items) - 1; i >= 0; i-- {
		it := &f.SC.Items[i]
		if it.RootID != id || it.Kind != connectors.KindComment || !it.VisibleAt(now) {
			continue
		}
		ids = append(ids, it.ID)
		byID[it.ID] = it
	}
	sel, pg := graphfake.Page(r, ids, 25)
	data := make([]any, 0, len(sel))
	for _, cid := range sel {
		c := f.renderComment(byID[cid], now, "")
		if rs := f.repliesOf(cid, now); len(rs) > 0 {
			rids := make([]string, len(rs))
			for i, x := range rs {
				rids[i] = x.ID
			}
			rsel, rpg := graphfake.PageOf("/"+testVersion+"/"+cid+"/replies", nil, "", rids, nested)
			rdata := make([]any, 0, len(rsel))
			for i := range rsel {
				rdata = append(rdata, f.renderComment(rs[i], now, cid))
			}
			c["replies"] = map[string]any{"data": rdata, "paging": rpg}
		}
		data = append(data, c)
	}
	graphfake.WriteJSON(w, http.StatusOK, map[string]any{"data": data, "paging": pg})
}

// replies serves GET /{ig-comment-id}/replies, oldest first.
func (f *fakeIG) replies(w http.ResponseWriter, r *http.Request) {
	now := f.Now()
	id := r.PathValue("id")
	f.CheckQuery(r, replyFields, nil, "limit", "after")
	top, ok := f.SC.Item(id)
	if !ok || top.Kind != connectors.KindComment || !f.visible(top, now) {
		graphfake.WriteNoObject(w, id)
		return
	}
	rs := f.repliesOf(id, now)
	ids := make([]string, len(rs))
	byID := map[string]*connectortest.ScenarioItem{}
	for i, x := range rs {
		ids[i] = x.ID
		byID[x.ID] = x
	}
	sel, pg := graphfake.Page(r, ids, 25)
	data := make([]any, 0, len(sel))
	for _, rid := range sel {
		data = append(data, f.renderComment(byID[rid], now, id))
	}
	graphfake.WriteJSON(w, http.StatusOK, map[string]any{"data": data, "paging": pg})
}

// tags serves GET /{ig-user-id}/tags: the scenario's mentions as media of
// others tagging the account, newest first. Graph strips the "@" of
// captions on media the app user does not own, and returns username
// instead of owner.
func (f *fakeIG) tags(w http.ResponseWriter, r *http.Request) {
	now := f.Now()
	if id := r.PathValue("id"); id != f.SC.Account.ID {
		f.T.Errorf("fake graph: %s: not the IG user id", r.URL.Path)
	}
	f.CheckQuery(r, tagFields, nil, "limit", "after")
	var ids []string
	byID := map[string]*connectortest.ScenarioItem{}
	for i := len(f.SC.Items) - 1; i >= 0; i-- {
		it := &f.SC.Items[i]
		if it.Kind != connectors.KindMention || !it.VisibleAt(now) {
			continue
		}
		ids = append(ids, it.ID)
		byID[it.ID] = it
	}
	sel, pg := graphfake.Page(r, ids, 25)
	data := make([]any, 0, len(sel))
	for _, id := range sel {
		it := byID[id]
		u, _ := f.SC.User(it.AuthorID, now)
		data = append(data, map[string]any{
			"id":         it.ID,
			"caption":    strings.ReplaceAll(it.Versions[it.VersionAt(now)].Text, "@", ""),
			"media_type": "IMAGE",
			"permalink":  "https://www.instagram.com/p/T" + strconv.FormatUint(mustUint(id)%(1<<40), 36) + "/",
			"timestamp":  graphfake.Time(it.Created()),
			"username":   u.Handle,
		})
	}
	graphfake.WriteJSON(w, http.StatusOK, map[string]any{"data": data, "paging": pg})
}
