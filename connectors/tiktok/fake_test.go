package tiktok

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
)

// The fake Business API renders a connectortest.Scenario as
// business-api.tiktok.com does for an authorised business account: the
// {code, message, request_id, data} envelope on every answer (errors with
// HTTP 200 and code != 0), the profile, the video list (newest first), the
// comment list (top-level comments oldest first, each with its first three
// replies in reply_list and its replies count) and the reply list, paged by
// an integer cursor with has_more.

// testVersion is the API version the tests configure.
const testVersion = "v1.3"

// testToken is the access token the fake API requires.
const testToken = "act.3b7E9kQpZr2VxY8fTIKTOK-TEST-TOKEN!4821"

// repliesInList is how many replies the comment list embeds in reply_list.
const repliesInList = 3

// testAccount is the account polled in tests; Run fills ExternalID.
func testAccount() connectors.Account {
	return connectors.Account{
		ID: "ife-tiktok", Network: Network,
		Credentials: map[string]connectors.Secret{CredentialToken: connectors.NewSecret(testToken)},
	}
}

type fakeTikTok struct {
	t     testing.TB
	sc    *connectortest.Scenario
	now   func() time.Time
	token string

	mu sync.Mutex
	n  int
}

// newFakeHandler returns a connectortest.Harness Handler for token.
func newFakeHandler(token string) func(t testing.TB, sc *connectortest.Scenario, now func() time.Time) http.Handler {
	return func(t testing.TB, sc *connectortest.Scenario, now func() time.Time) http.Handler {
		f := &fakeTikTok{t: t, sc: sc, now: now, token: token}
		mux := http.NewServeMux()
		prefix := "/open_api/" + testVersion
		mux.HandleFunc("GET "+prefix+"/business/get/", f.business)
		mux.HandleFunc("GET "+prefix+"/business/video/list/", f.videos)
		mux.HandleFunc("GET "+prefix+"/business/comment/list/", f.comments)
		mux.HandleFunc("GET "+prefix+"/business/comment/reply/list/", f.replies)
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			t.Errorf("fake tiktok: unexpected request %s %s", r.Method, r.URL.Path)
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`<html><body>404 page not found</body></html>`))
		})
		return f.wrap(mux)
	}
}

func (f *fakeTikTok) requestID() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	return fmt.Sprintf("%s%06dC0A80101ABCDEF", f.now().UTC().Format("20060102150405"), f.n)
}

func (f *fakeTikTok) write(w http.ResponseWriter, status int, code int, msg string, data any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if data == nil {
		data = map[string]any{}
	}
	if err := enc.Encode(map[string]any{"code": code, "message": msg, "request_id": f.requestID(), "data": data}); err != nil {
		panic(err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// wrap asserts the request and injects faults.
func (f *fakeTikTok) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := f.now()
		if strings.Contains(r.URL.RawQuery, f.token) {
			f.t.Errorf("fake tiktok: the token is in the URL")
		}
		if got := r.Header.Get("Access-Token"); got != f.token {
			f.t.Errorf("fake tiktok: %s: Access-Token header is not the token", r.URL.Path)
			f.write(w, http.StatusOK, 40105, "Access token is incorrect or has been revoked.", nil)
			return
		}
		if got := r.URL.Query().Get("business_id"); got != f.sc.Account.ID {
			f.t.Errorf("fake tiktok: %s: business_id = %q, want %q", r.URL.Path, got, f.sc.Account.ID)
			f.write(w, http.StatusOK, 40002, "business_id: Invalid value.", nil)
			return
		}
		fault := f.sc.FaultAt(now)
		if fault == nil {
			next.ServeHTTP(w, r)
			return
		}
		f.mu.Lock()
		n := f.n
		f.mu.Unlock()
		switch fault.Kind {
		case connectortest.FaultAuth:
			f.write(w, http.StatusOK, 40105, "Access token is incorrect or has been revoked.", nil)
		case connectortest.FaultNotFound:
			f.write(w, http.StatusOK, 40007, "The TikTok account does not exist or has been deleted.", nil)
		case connectortest.FaultRateLimited:
			w.Header().Set("X-RateLimit-Reset", fault.Reset.UTC().Format(time.RFC3339Nano))
			f.write(w, http.StatusOK, 40100, "Too many requests. Please retry in some time.", nil)
		case connectortest.FaultServerError:
			if n%2 == 0 {
				f.write(w, http.StatusOK, 50000, "Internal service error. Please try again later.", nil)
			} else {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusBadGateway)
				_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
			}
		case connectortest.FaultMalformed:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte("<!DOCTYPE html><html><head><title>TikTok for Business</title></head><body>Service unavailable</body></html>"))
		case connectortest.FaultTruncated:
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			for k, vs := range rec.Header() {
				w.Header()[k] = vs
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(connectortest.Truncate(rec.Body.Bytes()))
		default:
			f.t.Errorf("fake tiktok: unknown fault %q", fault.Kind)
		}
	})
}

// checkQuery fails the test on a parameter the call should not carry or a
// fixed one with another value.
func (f *fakeTikTok) checkQuery(r *http.Request, fixed map[string]string, allowed ...string) {
	q := r.URL.Query()
	for k, v := range fixed {
		if got := q.Get(k); got != v {
			f.t.Errorf("fake tiktok: %s: %s = %q, want %q", r.URL.Path, k, got, v)
		}
	}
	for k := range q {
		_, ok := fixed[k]
		ok = ok || k == "business_id"
		for _, a := range allowed {
			ok = ok || k == a
		}
		if !ok {
			f.t.Errorf("fake tiktok: %s: unknown query parameter %q", r.URL.Path, k)
		}
	}
}

// pageOf cuts a page out of n items at the cursor (an offset), with the
// next cursor and has_more; max is the endpoint's largest max_count.
func (f *fakeTikTok) pageOf(r *http.Request, n, max int) (start, end int, ok bool) {
	q := r.URL.Query()
	limit := 20
	if s := q.Get("max_count"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 || v > max {
			return 0, 0, false
		}
		limit = v
	}
	if s := q.Get("cursor"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 {
			return 0, 0, false
		}
		start = min(v, n)
	}
	return start, min(start+limit, n), true
}

// business serves GET /business/get/.
func (f *fakeTikTok) business(w http.ResponseWriter, r *http.Request) {
	f.checkQuery(r, map[string]string{"fields": businessFields})
	p := f.sc.ProfileAt(f.now())
	f.write(w, http.StatusOK, 0, "OK", map[string]any{
		"username":        p.Handle,
		"display_name":    p.DisplayName,
		"profile_image":   "https://p16-sign-va.tiktokcdn.com/tos-maliva-avt-0068/" + p.ID + "~c5_168x168.jpeg?x-expires=1787300000&x-signature=Zk9",
		"bio_description": p.Bio,
		"is_verified":     true,
		"followers_count": 48211,
	})
}

// videos serves GET /business/video/list/, newest first.
func (f *fakeTikTok) videos(w http.ResponseWriter, r *http.Request) {
	now := f.now()
	f.checkQuery(r, map[string]string{"fields": videoFields}, "max_count", "cursor")
	var vs []*connectortest.ScenarioItem
	for i := len(f.sc.Items) - 1; i >= 0; i-- {
		it := &f.sc.Items[i]
		if it.Kind == connectors.KindPost && it.VisibleAt(now) {
			vs = append(vs, it)
		}
	}
	start, end, ok := f.pageOf(r, len(vs), 20)
	if !ok {
		f.write(w, http.StatusOK, 40002, "max_count or cursor: Invalid value.", nil)
		return
	}
	out := make([]any, 0, end-start)
	for _, it := range vs[start:end] {
		v := it.VersionAt(now)
		out = append(out, map[string]any{
			"item_id":       it.ID,
			"create_time":   strconv.FormatInt(it.Created().Unix(), 10), // a string here, as clients report
			"caption":       it.Versions[v].Text,
			"share_url":     "https://www.tiktok.com/@" + f.sc.Account.Handle + "/video/" + it.ID,
			"thumbnail_url": "https://p16-sign-va.tiktokcdn.com/obj/tos-maliva-p-0068/" + it.ID + "~tplv-noop.image",
		})
	}
	f.write(w, http.StatusOK, 0, "OK", map[string]any{"videos": out, "cursor": end, "has_more": end < len(vs)})
}

// top returns the top-level comment an item is listed under.
func (f *fakeTikTok) top(it *connectortest.ScenarioItem) *connectortest.ScenarioItem {
	for it.ParentID != it.RootID {
		p, ok := f.sc.Item(it.ParentID)
		if !ok {
			return nil
		}
		it = p
	}
	return it
}

// repliesOf lists the visible replies under a top-level comment, oldest first.
func (f *fakeTikTok) repliesOf(top *connectortest.ScenarioItem, now time.Time) []*connectortest.ScenarioItem {
	var out []*connectortest.ScenarioItem
	for i := range f.sc.Items {
		it := &f.sc.Items[i]
		if it.RootID == top.RootID && it.ParentID != it.RootID && it.Kind != connectors.KindPost && it.VisibleAt(now) && f.top(it) == top {
			out = append(out, it)
		}
	}
	return out
}

func (f *fakeTikTok) render(it *connectortest.ScenarioItem, now time.Time) map[string]any {
	v := it.VersionAt(now)
	u, _ := f.sc.User(it.AuthorID, now)
	return map[string]any{
		"comment_id":        it.ID,
		"video_id":          it.RootID,
		"unique_identifier": u.ID,
		"create_time":       it.Created().Unix(),
		"text":              it.Versions[v].Text,
		"likes":             len(it.ID) % 7,
		"owner":             it.Own,
		"liked":             false,
		"pinned":            false,
		"status":            "PUBLIC",
		"username":          u.Handle,
		"display_name":      u.Name,
		"profile_image":     "https://p16-sign-va.tiktokcdn.com/tos-maliva-avt-0068/" + u.ID + "~c5_100x100.jpeg",
		"parent_comment_id": it.ParentID,
	}
}

// video returns the visible own video a comment list names, or nil after
// answering the error.
func (f *fakeTikTok) video(w http.ResponseWriter, r *http.Request, now time.Time) *connectortest.ScenarioItem {
	id := r.URL.Query().Get("video_id")
	v, ok := f.sc.Item(id)
	if !ok || v.Kind != connectors.KindPost || !v.VisibleAt(now) {
		f.write(w, http.StatusOK, 40007, "video_id: The video does not exist or has been deleted.", nil)
		return nil
	}
	return v
}

// comments serves GET /business/comment/list/.
func (f *fakeTikTok) comments(w http.ResponseWriter, r *http.Request) {
	now := f.now()
	f.checkQuery(r, map[string]string{"include_replies": "true", "status": "ALL", "sort_field": "create_time", "sort_order": "asc"},
		"video_id", "max_count", "cursor")
	v := f.video(w, r, now)
	if v == nil {
		return
	}
	var tops []*connectortest.ScenarioItem
	for i := range f.sc.Items {
		it := &f.sc.Items[i]
		if it.RootID == v.ID && it.ParentID == v.ID && it.Kind != connectors.KindPost && it.VisibleAt(now) {
			tops = append(tops, it)
		}
	}
	start, end, ok := f.pageOf(r, len(tops), 30)
	if !ok {
		f.write(w, http.StatusOK, 40002, "max_count or cursor: Invalid value.", nil)
		return
	}
	out := make([]any, 0, end-start)
	for _, top := range tops[start:end] {
		c := f.render(top, now)
		rs := f.repliesOf(top, now)
		c["replies"] = len(rs)
		list := make([]any, 0, repliesInList)
		for _, rep := range rs[:min(len(rs), repliesInList)] {
			list = append(list, f.render(rep, now))
		}
		c["reply_list"] = list
		out = append(out, c)
	}
	f.write(w, http.StatusOK, 0, "OK", map[string]any{"comments": out, "cursor": end, "has_more": end < len(tops)})
}

// replies serves GET /business/comment/reply/list/.
func (f *fakeTikTok) replies(w http.ResponseWriter, r *http.Request) {
	now := f.now()
	f.checkQuery(r, map[string]string{"status": "ALL", "sort_field": "create_time", "sort_order": "asc"},
		"video_id", "comment_id", "max_count", "cursor")
	v := f.video(w, r, now)
	if v == nil {
		return
	}
	top, ok := f.sc.Item(r.URL.Query().Get("comment_id"))
	if !ok || top.RootID != v.ID || top.ParentID != v.ID || !top.VisibleAt(now) {
		f.write(w, http.StatusOK, 40007, "comment_id: The comment does not exist or has been deleted.", nil)
		return
	}
	rs := f.repliesOf(top, now)
	start, end, ok := f.pageOf(r, len(rs), 30)
	if !ok {
		f.write(w, http.StatusOK, 40002, "max_count or cursor: Invalid value.", nil)
		return
	}
	out := make([]any, 0, end-start)
	for _, rep := range rs[start:end] {
		out = append(out, f.render(rep, now))
	}
	f.write(w, http.StatusOK, 0, "OK", map[string]any{"comments": out, "cursor": end, "has_more": end < len(rs)})
}
