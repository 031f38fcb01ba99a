package facebook

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
	"github.com/ife-mx/vigia/connectors/internal/graph"
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
	t     testing.TB
	sc    *connectortest.Scenario
	now   func() time.Time
	token string

	mu    sync.Mutex
	calls int // calls in the current hour, for the usage headers
	hour  time.Time
	n     int
}

// newFakeHandler returns a connectortest.Harness Handler for token.
func newFakeHandler(token string) func(t testing.TB, sc *connectortest.Scenario, now func() time.Time) http.Handler {
	return func(t testing.TB, sc *connectortest.Scenario, now func() time.Time) http.Handler {
		f := &fakeGraph{t: t, sc: sc, now: now, token: token}
		mux := http.NewServeMux()
		prefix := "/" + testVersion
		mux.HandleFunc("GET "+prefix+"/{id}", f.node)
		mux.HandleFunc("GET "+prefix+"/{id}/published_posts", f.publishedPosts)
		mux.HandleFunc("GET "+prefix+"/{id}/tagged", f.tagged)
		mux.HandleFunc("GET "+prefix+"/{id}/comments", f.comments)
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			t.Errorf("fake graph: unexpected request %s %s", r.Method, r.URL.Path)
			writeGraphError(w, http.StatusBadRequest, 2500, 0, "Unknown path components: "+r.URL.Path, "OAuthException")
		})
		return f.wrap(mux)
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

func writeGraphError(w http.ResponseWriter, status, code, subcode int, msg, typ string) {
	e := map[string]any{"message": msg, "type": typ, "code": code, "fbtrace_id": "AbCdEfGhIjK"}
	if subcode != 0 {
		e["error_subcode"] = subcode
	}
	if code == 1 || code == 2 || graph.RateLimited(code) {
		e["is_transient"] = true
	}
	w.Header().Set("WWW-Authenticate", `OAuth "Facebook Platform" "invalid_request" "`+msg+`"`)
	writeJSON(w, status, map[string]any{"error": e})
}

// minutes renders d as an exact decimal number of minutes.
func minutes(d time.Duration) string {
	return new(big.Rat).SetFrac64(int64(d), int64(time.Minute)).FloatString(12)
}

func (f *fakeGraph) usage(h http.Header, pct int, regain time.Duration) {
	h.Set("X-App-Usage", fmt.Sprintf(`{"call_count":%d,"total_cputime":%d,"total_time":%d}`, pct/2, pct/3, pct/2))
	h.Set("X-Business-Use-Case-Usage", fmt.Sprintf(`{"%s":[{"type":"pages","call_count":%d,"total_cputime":%d,"total_time":%d,"estimated_time_to_regain_access":%s}]}`,
		f.sc.Account.ID, pct, pct/2, pct/2, minutes(regain)))
}

// wrap asserts the request, sets the usage headers and injects faults.
func (f *fakeGraph) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := f.now()
		if strings.Contains(r.URL.RawQuery, f.token) {
			f.t.Errorf("fake graph: the token is in the URL")
		}
		if got := r.Header.Get("Authorization"); got != "Bearer "+f.token {
			f.t.Errorf("fake graph: %s: Authorization header is not the Page token", r.URL.Path)
			writeGraphError(w, http.StatusBadRequest, 190, 0, "Invalid OAuth access token - Cannot parse access token", "OAuthException")
			return
		}
		f.mu.Lock()
		if h := now.Truncate(time.Hour); !h.Equal(f.hour) {
			f.hour, f.calls = h, 0
		}
		f.calls++
		f.n++
		pct, n := min(f.calls, 60), f.n
		f.mu.Unlock()
		h := w.Header()
		f.usage(h, pct, 0)
		fault := f.sc.FaultAt(now)
		if fault == nil {
			next.ServeHTTP(w, r)
			return
		}
		switch fault.Kind {
		case connectortest.FaultAuth:
			writeGraphError(w, http.StatusBadRequest, 190, 460, "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.", "OAuthException")
		case connectortest.FaultNotFound:
			writeGraphError(w, http.StatusBadRequest, 100, 33, "Unsupported get request. Object with ID '"+f.sc.Account.ID+"' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", "GraphMethodException")
		case connectortest.FaultRateLimited:
			f.usage(h, 100, fault.Reset.Sub(now))
			writeGraphError(w, http.StatusBadRequest, 80001, 0, "(#80001) There have been too many calls to this Page account. Wait a bit and try again.", "OAuthException")
		case connectortest.FaultServerError:
			if n%2 == 0 {
				writeGraphError(w, http.StatusInternalServerError, 1, 99, "An unknown error occurred", "OAuthException")
			} else {
				h.Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusBadGateway)
				_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
			}
		case connectortest.FaultMalformed:
			h.Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte("<!DOCTYPE html><html><head><title>Facebook</title></head><body>Sorry, something went wrong.</body></html>"))
		case connectortest.FaultTruncated:
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			for k, vs := range rec.Header() {
				h[k] = vs
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(connectortest.Truncate(rec.Body.Bytes()))
		default:
			f.t.Errorf("fake graph: unknown fault %q", fault.Kind)
		}
	})
}

// checkQuery fails the test on a parameter the call should not carry, or a
// fields list other than want.
func (f *fakeGraph) checkQuery(r *http.Request, fields string, fixed map[string]string, allowed ...string) {
	q := r.URL.Query()
	if got := q.Get("fields"); got != fields {
		f.t.Errorf("fake graph: %s: fields = %q, want %q", r.URL.Path, got, fields)
	}
	for k, v := range fixed {
		if got := q.Get(k); got != v {
			f.t.Errorf("fake graph: %s: %s = %q, want %q", r.URL.Path, k, got, v)
		}
	}
	for k := range q {
		ok := k == "fields"
		if _, fx := fixed[k]; fx {
			ok = true
		}
		for _, a := range allowed {
			ok = ok || k == a
		}
		if !ok {
			f.t.Errorf("fake graph: %s: unknown query parameter %q", r.URL.Path, k)
		}
	}
}

func graphTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05+0000") }

func (f *fakeGraph) from(id string, now time.Time) map[string]string {
	u, ok := f.sc.User(id, now)
	if !ok {
		return nil
	}
	return map[string]string{"name": u.Name, "id": u.ID}
}

// node serves GET /{page-id} (and /me).
func (f *fakeGraph) node(w http.ResponseWriter, r *http.Request) {
	now := f.now()
	id := r.PathValue("id")
	if id != f.sc.Account.ID && id != "me" {
		writeGraphError(w, http.StatusBadRequest, 100, 33, "Unsupported get request. Object with ID '"+id+"' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", "GraphMethodException")
		return
	}
	f.checkQuery(r, pageFields, nil)
	p := f.sc.ProfileAt(now)
	writeJSON(w, http.StatusOK, map[string]any{
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

// pageOf cuts a page of limit items out of ids after the cursor, rendering
// Graph's paging block (next only when more remain).
func pageOf(r *http.Request, ids []string, def int) ([]string, map[string]any) {
	q := r.URL.Query()
	limit := def
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 {
		limit = min(n, 100)
	}
	start := 0
	if a := q.Get("after"); a != "" {
		b, err := base64.RawURLEncoding.DecodeString(a)
		if err == nil {
			for i, id := range ids {
				if id == string(b) {
					start = i + 1
				}
			}
		}
	}
	end := min(start+limit, len(ids))
	sel := ids[start:end]
	pg := map[string]any{}
	if len(sel) > 0 {
		cur := func(id string) string { return base64.RawURLEncoding.EncodeToString([]byte(id)) }
		pg["cursors"] = map[string]string{"before": cur(sel[0]), "after": cur(sel[len(sel)-1])}
		if end < len(ids) {
			nq := url.Values{}
			for k, vs := range q {
				nq[k] = vs
			}
			nq.Set("after", cur(sel[len(sel)-1]))
			nq.Set("access_token", "EAAG...")
			pg["next"] = "https://graph.facebook.com" + r.URL.Path + "?" + nq.Encode()
		}
	}
	return sel, pg
}

func (f *fakeGraph) renderPost(it *connectortest.ScenarioItem, now time.Time) map[string]any {
	v := it.VersionAt(now)
	return map[string]any{
		"id":            it.ID,
		"message":       it.Versions[v].Text,
		"created_time":  graphTime(it.Created()),
		"updated_time":  graphTime(it.Versions[v].At),
		"permalink_url": "https://www.facebook.com/" + f.sc.Account.ID + "/posts/" + it.ID,
		"from":          f.from(it.AuthorID, now),
	}
}

func (f *fakeGraph) postEdge(w http.ResponseWriter, r *http.Request, kind connectors.Kind) {
	now := f.now()
	if id := r.PathValue("id"); id != f.sc.Account.ID {
		f.t.Errorf("fake graph: %s: not the Page id", r.URL.Path)
	}
	f.checkQuery(r, postFields, nil, "limit", "after")
	var ids []string
	byID := map[string]*connectortest.ScenarioItem{}
	for i := len(f.sc.Items) - 1; i >= 0; i-- { // newest first
		it := &f.sc.Items[i]
		if it.Kind != kind || !it.VisibleAt(now) {
			continue
		}
		ids = append(ids, it.ID)
		byID[it.ID] = it
	}
	sel, pg := pageOf(r, ids, 25)
	data := make([]any, 0, len(sel))
	for _, id := range sel {
		data = append(data, f.renderPost(byID[id], now))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "paging": pg})
}

func (f *fakeGraph) publishedPosts(w http.ResponseWriter, r *http.Request) {
	f.postEdge(w, r, connectors.KindPost)
}

func (f *fakeGraph) tagged(w http.ResponseWriter, r *http.Request) {
	f.postEdge(w, r, connectors.KindMention)
}

// comments serves GET /{post-id}/comments?filter=stream&order=chronological.
func (f *fakeGraph) comments(w http.ResponseWriter, r *http.Request) {
	now := f.now()
	id := r.PathValue("id")
	f.checkQuery(r, commentFields, map[string]string{"filter": "stream", "order": "chronological"}, "limit", "after")
	root, ok := f.sc.Item(id)
	if !ok || root.Kind != connectors.KindPost || !root.VisibleAt(now) {
		writeGraphError(w, http.StatusBadRequest, 100, 33, "Unsupported get request. Object with ID '"+id+"' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", "GraphMethodException")
		return
	}
	var ids []string
	byID := map[string]*connectortest.ScenarioItem{}
	for i := range f.sc.Items { // oldest first
		it := &f.sc.Items[i]
		if it.RootID != id || it.Kind == connectors.KindPost || !it.VisibleAt(now) {
			continue
		}
		ids = append(ids, it.ID)
		byID[it.ID] = it
	}
	sel, pg := pageOf(r, ids, 25)
	data := make([]any, 0, len(sel))
	for _, cid := range sel {
		it := byID[cid]
		v := it.VersionAt(now)
		c := map[string]any{
			"id":            it.ID,
			"message":       it.Versions[v].Text,
			"created_time":  graphTime(it.Created()),
			"from":          f.from(it.AuthorID, now),
			"is_hidden":     false,
			"can_hide":      !it.Own,
			"permalink_url": "https://www.facebook.com/" + f.sc.Account.ID + "/posts/" + id + "?comment_id=" + it.ID,
		}
		if it.ParentID != "" && it.ParentID != id {
			c["parent"] = map[string]any{"id": it.ParentID, "created_time": graphTime(it.Created()), "message": ""}
		}
		data = append(data, c)
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "paging": pg})
}
