package threads

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
	t     testing.TB
	sc    *connectortest.Scenario
	now   func() time.Time
	token string

	mu    sync.Mutex
	calls int // calls in the current hour, for the usage header
	hour  time.Time
	n     int
}

// newFakeHandler returns a connectortest.Harness Handler for token.
func newFakeHandler(token string) func(t testing.TB, sc *connectortest.Scenario, now func() time.Time) http.Handler {
	return func(t testing.TB, sc *connectortest.Scenario, now func() time.Time) http.Handler {
		f := &fakeThreads{t: t, sc: sc, now: now, token: token}
		mux := http.NewServeMux()
		prefix := "/" + testVersion
		mux.HandleFunc("GET "+prefix+"/me", f.me)
		mux.HandleFunc("GET "+prefix+"/{id}/threads", f.threads)
		mux.HandleFunc("GET "+prefix+"/{id}/mentions", f.mentions)
		mux.HandleFunc("GET "+prefix+"/{id}/conversation", f.conversation)
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			t.Errorf("fake threads: unexpected request %s %s", r.Method, r.URL.Path)
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
	e := map[string]any{"message": msg, "type": typ, "code": code, "fbtrace_id": "AxQk7TzJ2fV"}
	if subcode != 0 {
		e["error_subcode"] = subcode
	}
	if code == 1 || code == 2 || rateLimited(code) {
		e["is_transient"] = true
	}
	w.Header().Set("WWW-Authenticate", `OAuth "Facebook Platform" "invalid_request" "`+msg+`"`)
	writeJSON(w, status, map[string]any{"error": e})
}

// minutes renders d as an exact decimal number of minutes.
func minutes(d time.Duration) string {
	return new(big.Rat).SetFrac64(int64(d), int64(time.Minute)).FloatString(12)
}

// wrap asserts the request, sets the usage header and injects faults.
func (f *fakeThreads) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := f.now()
		if strings.Contains(r.URL.RawQuery, f.token) {
			f.t.Errorf("fake threads: the token is in the URL")
		}
		if got := r.Header.Get("Authorization"); got != "Bearer "+f.token {
			f.t.Errorf("fake threads: %s: Authorization header is not the user token", r.URL.Path)
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
		h.Set("X-App-Usage", fmt.Sprintf(`{"call_count":%d,"total_cputime":%d,"total_time":%d}`, pct, pct/3, pct/2))
		fault := f.sc.FaultAt(now)
		if fault == nil {
			next.ServeHTTP(w, r)
			return
		}
		switch fault.Kind {
		case connectortest.FaultAuth:
			writeGraphError(w, http.StatusBadRequest, 190, 460, "Error validating access token: The session has been invalidated because the user changed their password.", "OAuthException")
		case connectortest.FaultNotFound:
			writeGraphError(w, http.StatusBadRequest, 100, 33, "Unsupported get request. Object with ID '"+f.sc.Account.ID+"' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", "THApiException")
		case connectortest.FaultRateLimited:
			h.Set("X-App-Usage", fmt.Sprintf(`{"call_count":100,"total_cputime":40,"total_time":61,"estimated_time_to_regain_access":%s}`, minutes(fault.Reset.Sub(now))))
			writeGraphError(w, http.StatusBadRequest, 17, 0, "(#17) User request limit reached", "OAuthException")
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
			_, _ = w.Write([]byte("<!DOCTYPE html><html><head><title>Threads</title></head><body>Sorry, something went wrong.</body></html>"))
		case connectortest.FaultTruncated:
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			for k, vs := range rec.Header() {
				h[k] = vs
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(connectortest.Truncate(rec.Body.Bytes()))
		default:
			f.t.Errorf("fake threads: unknown fault %q", fault.Kind)
		}
	})
}

// checkQuery fails the test on a parameter the call should not carry, or a
// fields list other than want.
func (f *fakeThreads) checkQuery(r *http.Request, fields string, fixed map[string]string, allowed ...string) {
	q := r.URL.Query()
	if got := q.Get("fields"); got != fields {
		f.t.Errorf("fake threads: %s: fields = %q, want %q", r.URL.Path, got, fields)
	}
	for k, v := range fixed {
		if got := q.Get(k); got != v {
			f.t.Errorf("fake threads: %s: %s = %q, want %q", r.URL.Path, k, got, v)
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
			f.t.Errorf("fake threads: %s: unknown query parameter %q", r.URL.Path, k)
		}
	}
}

func threadsTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05+0000") }

// me serves GET /me.
func (f *fakeThreads) me(w http.ResponseWriter, r *http.Request) {
	f.checkQuery(r, userFields, nil)
	p := f.sc.ProfileAt(f.now())
	writeJSON(w, http.StatusOK, map[string]any{
		"id":                          p.ID,
		"username":                    p.Handle,
		"name":                        p.DisplayName,
		"threads_profile_picture_url": "https://scontent-lax3-1.cdninstagram.com/v/t51.2885-19/" + p.ID + "_n.jpg?stp=dst-jpg_s150x150&_nc_ht=scontent-lax3-1.cdninstagram.com",
		"threads_biography":           p.Bio,
		"is_verified":                 true,
	})
}

// pageOf cuts a page of limit items out of ids after the cursor, rendering
// the paging block: cursors always, next only when withNext and more remain.
func pageOf(r *http.Request, ids []string, withNext bool) ([]string, map[string]any) {
	q := r.URL.Query()
	limit := 25
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
		if withNext && end < len(ids) {
			nq := url.Values{}
			for k, vs := range q {
				nq[k] = vs
			}
			nq.Set("after", cur(sel[len(sel)-1]))
			nq.Set("access_token", "THAA...")
			pg["next"] = "https://graph.threads.net" + r.URL.Path + "?" + nq.Encode()
		}
	}
	return sel, pg
}

func (f *fakeThreads) permalink(it *connectortest.ScenarioItem, now time.Time) string {
	handle := f.sc.Account.Handle
	if u, ok := f.sc.User(it.AuthorID, now); ok {
		handle = u.Handle
	}
	return "https://www.threads.net/@" + handle + "/post/C" + it.ID
}

func (f *fakeThreads) render(it *connectortest.ScenarioItem, now time.Time) map[string]any {
	v := it.VersionAt(now)
	u, _ := f.sc.User(it.AuthorID, now)
	return map[string]any{
		"id":         it.ID,
		"text":       it.Versions[v].Text,
		"username":   u.Handle,
		"permalink":  f.permalink(it, now),
		"timestamp":  threadsTime(it.Created()),
		"media_type": "TEXT_POST",
	}
}

// userEdge serves the newest-first edges of the user: threads and mentions.
func (f *fakeThreads) userEdge(w http.ResponseWriter, r *http.Request, kind connectors.Kind, fields string) {
	now := f.now()
	if id := r.PathValue("id"); id != f.sc.Account.ID {
		writeGraphError(w, http.StatusBadRequest, 100, 33, "Unsupported get request. Object with ID '"+id+"' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", "THApiException")
		return
	}
	f.checkQuery(r, fields, nil, "limit", "after")
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
	sel, pg := pageOf(r, ids, false)
	data := make([]any, 0, len(sel))
	for _, id := range sel {
		m := f.render(byID[id], now)
		if kind == connectors.KindPost {
			m["owner"] = map[string]string{"id": f.sc.Account.ID}
		}
		data = append(data, m)
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "paging": pg})
}

func (f *fakeThreads) threads(w http.ResponseWriter, r *http.Request) {
	f.userEdge(w, r, connectors.KindPost, threadFields)
}

func (f *fakeThreads) mentions(w http.ResponseWriter, r *http.Request) {
	f.userEdge(w, r, connectors.KindMention, mentionFields)
}

// conversation serves GET /{media-id}/conversation?reverse=false.
func (f *fakeThreads) conversation(w http.ResponseWriter, r *http.Request) {
	now := f.now()
	id := r.PathValue("id")
	f.checkQuery(r, conversationFields, map[string]string{"reverse": "false"}, "limit", "after")
	root, ok := f.sc.Item(id)
	if !ok || root.Kind != connectors.KindPost || !root.VisibleAt(now) {
		writeGraphError(w, http.StatusBadRequest, 100, 33, "Unsupported get request. Object with ID '"+id+"' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", "THApiException")
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
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "paging": pg})
}
