package youtube

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
)

// The fake YouTube Data API renders a connectortest.Scenario as YouTube does
// for an API key: channels, playlistItems, commentThreads and comments list
// responses in the shapes of testdata/*.json (kinds, etags, pageInfo, string
// counts, "@handle" author names), page tokens, threads embedding a subset of
// their replies, replies naming the top-level comment as parent, and Google's
// error bodies (errors[].reason, status, details). The scenario's posts are
// the channel's uploads; its mentions have no YouTube counterpart and are not
// shown.

// testToken is the API key the fake requires.
const testToken = "AIzaSyVIGIA-test-key-0123456789abcdefgh"

// channelID maps a scenario user or account id to a channel id.
func channelID(id string) string { return "UC" + id }

// testAccount is the account polled in tests.
func testAccount() connectors.Account {
	return connectors.Account{
		ID: "ife-youtube", Network: Network,
		Credentials: map[string]connectors.Secret{CredentialAPIKey: connectors.NewSecret(testToken)},
	}
}

type fakeYouTube struct {
	t     testing.TB
	sc    *connectortest.Scenario
	now   func() time.Time
	token string
	// embed is how many replies a thread embeds (YouTube: a subset).
	embed int
	// bearer makes the fake require an OAuth access token instead of a key.
	bearer bool

	mu sync.Mutex
	n  int
}

// fakeOptions tune the fake.
type fakeOptions struct {
	embed  int
	bearer bool
}

// newFakeHandler returns a connectortest.Harness Handler.
func newFakeHandler(token string, o fakeOptions) func(t testing.TB, sc *connectortest.Scenario, now func() time.Time) http.Handler {
	return func(t testing.TB, sc *connectortest.Scenario, now func() time.Time) http.Handler {
		f := &fakeYouTube{t: t, sc: sc, now: now, token: token, embed: o.embed, bearer: o.bearer}
		if f.embed == 0 {
			f.embed = 5
		}
		mux := http.NewServeMux()
		mux.HandleFunc("GET /youtube/v3/channels", f.channels)
		mux.HandleFunc("GET /youtube/v3/playlistItems", f.playlistItems)
		mux.HandleFunc("GET /youtube/v3/commentThreads", f.commentThreads)
		mux.HandleFunc("GET /youtube/v3/comments", f.comments)
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			t.Errorf("fake youtube: unexpected request %s %s", r.Method, r.URL.Path)
			writeError(w, http.StatusNotFound, "notFound", "global", "Not Found", "NOT_FOUND")
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
	w.Header().Set("Vary", "Origin, X-Origin, Referer")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// writeError writes a Google API error body.
func writeError(w http.ResponseWriter, code int, reason, domain, msg, status string) {
	e := map[string]any{
		"code":    code,
		"message": msg,
		"errors":  []any{map[string]any{"message": msg, "domain": domain, "reason": reason}},
	}
	if status != "" {
		e["status"] = status
	}
	writeJSON(w, code, map[string]any{"error": e})
}

const badKey = "API key not valid. Please pass a valid API key."

func writeBadKey(w http.ResponseWriter) {
	writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]any{
		"code": 400, "message": badKey,
		"errors": []any{map[string]any{"message": badKey, "domain": "global", "reason": "badRequest"}},
		"status": "INVALID_ARGUMENT",
		"details": []any{map[string]any{
			"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
			"domain": "googleapis.com", "metadata": map[string]string{"service": "youtube.googleapis.com"},
		}},
	}})
}

// wrap asserts the credential and the client's parameters, and injects faults.
func (f *fakeYouTube) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := f.now()
		if strings.Contains(r.URL.RawQuery, f.token) {
			f.t.Errorf("fake youtube: the credential is in the URL")
		}
		if f.bearer {
			if got := r.Header.Get("Authorization"); got != "Bearer "+f.token {
				f.t.Errorf("fake youtube: %s: Authorization is not the access token", r.URL.Path)
				writeError(w, http.StatusUnauthorized, "authError", "global", "Invalid Credentials", "UNAUTHENTICATED")
				return
			}
		} else if got := r.Header.Get("X-Goog-Api-Key"); got != f.token {
			f.t.Errorf("fake youtube: %s: X-Goog-Api-Key is not the API key", r.URL.Path)
			writeBadKey(w)
			return
		}
		q := r.URL.Query()
		if q.Get("alt") != "json" || q.Get("prettyPrint") != "false" {
			f.t.Errorf("fake youtube: %s: alt=%q prettyPrint=%q, want the official client's json/false", r.URL.Path, q.Get("alt"), q.Get("prettyPrint"))
		}
		f.mu.Lock()
		f.n++
		n := f.n
		f.mu.Unlock()
		fault := f.sc.FaultAt(now)
		if fault == nil {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		switch fault.Kind {
		case connectortest.FaultAuth:
			if n%2 == 0 {
				writeError(w, http.StatusUnauthorized, "authError", "global", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.", "UNAUTHENTICATED")
			} else {
				writeBadKey(w)
			}
		case connectortest.FaultNotFound:
			if r.URL.Path == "/youtube/v3/channels" {
				// channels.list answers an unknown id with no items.
				writeJSON(w, http.StatusOK, map[string]any{"kind": "youtube#channelListResponse", "etag": "RuuXzTIr0OoDqI4S0RU6n4FqKEM",
					"pageInfo": map[string]int{"totalResults": 0, "resultsPerPage": 5}})
				return
			}
			writeError(w, http.StatusNotFound, "channelNotFound", "youtube.commentThread", "The channel identified with the request's <code>channelId</code> parameter cannot be found.", "")
		case connectortest.FaultRateLimited:
			// The short-term limit. Retry-After is whole seconds on the wire;
			// a scenario's finer reset is kept as a decimal fraction, which
			// the connector reads, because the suite compares resets exactly.
			h.Set("Retry-After", strconv.FormatFloat(fault.Reset.Sub(now).Seconds(), 'f', -1, 64))
			writeError(w, http.StatusForbidden, "rateLimitExceeded", "usageLimits", "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' of service 'youtube.googleapis.com' for consumer 'project_number:123456789012'.", "PERMISSION_DENIED")
		case connectortest.FaultServerError:
			if n%2 == 0 {
				writeError(w, http.StatusInternalServerError, "backendError", "global", "Backend Error", "INTERNAL")
			} else {
				h.Set("Content-Type", "text/html; charset=UTF-8")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte("<!DOCTYPE html><html lang=en><title>Error 503 (Service Unavailable)!!1</title><p><b>503.</b> <ins>That’s an error.</ins></html>"))
			}
		case connectortest.FaultMalformed:
			h.Set("Content-Type", "text/html; charset=UTF-8")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte("<!DOCTYPE html><html><head><title>YouTube</title></head><body>Algo salió mal.</body></html>"))
		case connectortest.FaultTruncated:
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			for k, vs := range rec.Header() {
				h[k] = vs
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(connectortest.Truncate(rec.Body.Bytes()))
		default:
			f.t.Errorf("fake youtube: unknown fault %q", fault.Kind)
		}
	})
}

// checkQuery fails the test on parts other than want, a fixed parameter of
// another value, or a parameter the call should not carry.
func (f *fakeYouTube) checkQuery(r *http.Request, parts []string, fixed map[string]string, allowed ...string) {
	q := r.URL.Query()
	var got []string
	for _, p := range q["part"] {
		got = append(got, strings.Split(p, ",")...)
	}
	if !slices.Equal(got, parts) {
		f.t.Errorf("fake youtube: %s: part = %q, want %q", r.URL.Path, got, parts)
	}
	for k, v := range fixed {
		if q.Get(k) != v {
			f.t.Errorf("fake youtube: %s: %s = %q, want %q", r.URL.Path, k, q.Get(k), v)
		}
	}
	for k := range q {
		_, fx := fixed[k]
		if !fx && k != "part" && k != "alt" && k != "prettyPrint" && !slices.Contains(allowed, k) {
			f.t.Errorf("fake youtube: %s: unexpected parameter %q", r.URL.Path, k)
		}
	}
}

func ytTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func etag(s string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(s))[:min(27, len(base64.RawURLEncoding.EncodeToString([]byte(s))))]
}

// pageOf cuts a page out of n items: offset, end, and the next token.
func pageOf(r *http.Request, n, def, maxN int) (start, end int, next string) {
	q := r.URL.Query()
	limit := def
	if v, err := strconv.Atoi(q.Get("maxResults")); err == nil && v > 0 {
		limit = min(v, maxN)
	}
	if tok := q.Get("pageToken"); tok != "" {
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if off, err2 := strconv.Atoi(strings.TrimPrefix(string(b), "CAE")); err == nil && err2 == nil && off >= 0 {
			start = min(off, n)
		}
	}
	end = min(start+limit, n)
	if end < n {
		next = base64.RawURLEncoding.EncodeToString([]byte("CAE" + strconv.Itoa(end)))
	}
	return start, end, next
}

func listResponse(kind string, items []any, next string, total int, perPage int) map[string]any {
	m := map[string]any{
		"kind":     kind,
		"etag":     etag(kind + strconv.Itoa(total) + next),
		"pageInfo": map[string]int{"totalResults": total, "resultsPerPage": perPage},
		"items":    items,
	}
	if next != "" {
		m["nextPageToken"] = next
	}
	return m
}

// channels serves channels.list?part=snippet,contentDetails,statistics&id=.
func (f *fakeYouTube) channels(w http.ResponseWriter, r *http.Request) {
	now := f.now()
	f.checkQuery(r, []string{"snippet", "contentDetails", "statistics"}, nil, "id", "forHandle")
	q := r.URL.Query()
	p := f.sc.ProfileAt(now)
	id := channelID(p.ID)
	if q.Get("id") != id && q.Get("forHandle") != "@"+p.Handle {
		writeJSON(w, http.StatusOK, listResponse("youtube#channelListResponse", nil, "", 0, 5))
		return
	}
	thumb := func(size int) map[string]any {
		return map[string]any{"url": fmt.Sprintf("https://yt3.ggpht.com/ytc/AIdro_k%s=s%d-c-k-c0x00ffffff-no-rj", p.ID, size), "width": size, "height": size}
	}
	ch := map[string]any{
		"kind": "youtube#channel",
		"etag": etag(p.DisplayName + p.Bio),
		"id":   id,
		"snippet": map[string]any{
			"title":       p.DisplayName,
			"description": p.Bio,
			"customUrl":   "@" + p.Handle,
			"publishedAt": "2010-06-14T17:46:40Z",
			"thumbnails":  map[string]any{"default": thumb(88), "medium": thumb(240), "high": thumb(800)},
			"localized":   map[string]any{"title": p.DisplayName, "description": p.Bio},
			"country":     "MX",
		},
		"contentDetails": map[string]any{"relatedPlaylists": map[string]any{"likes": "", "uploads": "UU" + p.ID}},
		"statistics": map[string]any{
			"viewCount": "48215533", "subscriberCount": "184000", "hiddenSubscriberCount": false, "videoCount": "2212",
		},
	}
	writeJSON(w, http.StatusOK, listResponse("youtube#channelListResponse", []any{ch}, "", 1, 5))
}

// playlistItems serves the uploads playlist, newest first.
func (f *fakeYouTube) playlistItems(w http.ResponseWriter, r *http.Request) {
	now := f.now()
	acct := f.sc.Account
	f.checkQuery(r, []string{"snippet", "contentDetails"}, map[string]string{"playlistId": "UU" + acct.ID}, "maxResults", "pageToken")
	var vids []*connectortest.ScenarioItem
	for i := len(f.sc.Items) - 1; i >= 0; i-- {
		it := &f.sc.Items[i]
		if it.Kind == connectors.KindPost && it.VisibleAt(now) {
			vids = append(vids, it)
		}
	}
	start, end, next := pageOf(r, len(vids), 5, 50)
	items := make([]any, 0, end-start)
	for i, it := range vids[start:end] {
		text := it.Versions[it.VersionAt(now)].Text
		title, desc, _ := strings.Cut(text, "\n")
		items = append(items, map[string]any{
			"kind": "youtube#playlistItem",
			"etag": etag(it.ID + text),
			"id":   base64.RawURLEncoding.EncodeToString([]byte("UU" + acct.ID + "." + it.ID)),
			"snippet": map[string]any{
				"publishedAt": ytTime(it.Created()),
				"channelId":   channelID(acct.ID),
				"title":       title,
				"description": desc,
				"thumbnails": map[string]any{"default": map[string]any{
					"url": "https://i.ytimg.com/vi/" + it.ID + "/default.jpg", "width": 120, "height": 90}},
				"channelTitle":           f.sc.ProfileAt(now).DisplayName,
				"playlistId":             "UU" + acct.ID,
				"position":               start + i,
				"resourceId":             map[string]any{"kind": "youtube#video", "videoId": it.ID},
				"videoOwnerChannelTitle": f.sc.ProfileAt(now).DisplayName,
				"videoOwnerChannelId":    channelID(acct.ID),
			},
			"contentDetails": map[string]any{"videoId": it.ID, "videoPublishedAt": ytTime(it.Created())},
		})
	}
	writeJSON(w, http.StatusOK, listResponse("youtube#playlistItemListResponse", items, next, len(vids), end-start))
}

// top returns the top-level comment heading an item's thread.
func (f *fakeYouTube) top(it *connectortest.ScenarioItem) *connectortest.ScenarioItem {
	for it != nil && it.Kind == connectors.KindReply {
		it, _ = f.sc.Item(it.ParentID)
	}
	return it
}

// visible reports whether YouTube shows a comment: it, its thread and its
// video exist.
func (f *fakeYouTube) visible(it *connectortest.ScenarioItem, now time.Time) bool {
	if !it.VisibleAt(now) {
		return false
	}
	top := f.top(it)
	root, ok := f.sc.Item(it.RootID)
	return top != nil && top.VisibleAt(now) && ok && root.VisibleAt(now)
}

// comment renders a comment as YouTube does with textFormat=plainText.
func (f *fakeYouTube) comment(it *connectortest.ScenarioItem, now time.Time) map[string]any {
	u, _ := f.sc.User(it.AuthorID, now)
	v := it.Versions[it.VersionAt(now)]
	sn := map[string]any{
		"channelId":             channelID(f.sc.Account.ID),
		"videoId":               it.RootID,
		"textDisplay":           v.Text,
		"textOriginal":          v.Text,
		"authorDisplayName":     "@" + u.Handle,
		"authorProfileImageUrl": "https://yt3.ggpht.com/ytc/" + u.ID + "=s48-c-k-c0x00ffffff-no-rj",
		"authorChannelUrl":      "http://www.youtube.com/@" + u.Handle,
		"authorChannelId":       map[string]string{"value": channelID(it.AuthorID)},
		"canRate":               true,
		"viewerRating":          "none",
		"likeCount":             len(it.ID) % 7,
		"publishedAt":           ytTime(it.Created()),
		"updatedAt":             ytTime(v.At),
	}
	if it.Kind == connectors.KindReply {
		sn["parentId"] = f.top(it).ID
	}
	return map[string]any{"kind": "youtube#comment", "etag": etag(it.ID + v.Text), "id": it.ID, "snippet": sn}
}

// repliesByTop returns the visible replies of every thread, oldest first,
// in one pass over the scenario.
func (f *fakeYouTube) repliesByTop(now time.Time) map[string][]*connectortest.ScenarioItem {
	out := map[string][]*connectortest.ScenarioItem{}
	for i := range f.sc.Items {
		it := &f.sc.Items[i]
		if it.Kind == connectors.KindReply && f.visible(it, now) {
			top := f.top(it)
			out[top.ID] = append(out[top.ID], it)
		}
	}
	return out
}

// commentThreads serves allThreadsRelatedToChannelId, newest thread first.
func (f *fakeYouTube) commentThreads(w http.ResponseWriter, r *http.Request) {
	now := f.now()
	f.checkQuery(r, []string{"snippet", "replies"}, map[string]string{
		"allThreadsRelatedToChannelId": channelID(f.sc.Account.ID), "order": "time", "textFormat": "plainText",
	}, "maxResults", "pageToken")
	var tops []*connectortest.ScenarioItem
	for i := len(f.sc.Items) - 1; i >= 0; i-- {
		it := &f.sc.Items[i]
		if it.Kind == connectors.KindComment && f.visible(it, now) {
			tops = append(tops, it)
		}
	}
	start, end, next := pageOf(r, len(tops), 20, 100)
	items := make([]any, 0, end-start)
	byTop := f.repliesByTop(now)
	for _, top := range tops[start:end] {
		replies := byTop[top.ID]
		th := map[string]any{
			"kind": "youtube#commentThread",
			"etag": etag("t" + top.ID),
			"id":   top.ID,
			"snippet": map[string]any{
				"channelId":       channelID(f.sc.Account.ID),
				"videoId":         top.RootID,
				"topLevelComment": f.comment(top, now),
				"canReply":        true,
				"totalReplyCount": len(replies),
				"isPublic":        true,
			},
		}
		if len(replies) > 0 {
			var cs []any
			for _, rp := range replies[:min(f.embed, len(replies))] {
				cs = append(cs, f.comment(rp, now))
			}
			th["replies"] = map[string]any{"comments": cs}
		}
		items = append(items, th)
	}
	writeJSON(w, http.StatusOK, listResponse("youtube#commentThreadListResponse", items, next, len(tops), end-start))
}

// comments serves comments.list?parentId=, oldest first.
func (f *fakeYouTube) comments(w http.ResponseWriter, r *http.Request) {
	now := f.now()
	f.checkQuery(r, []string{"snippet"}, map[string]string{"textFormat": "plainText"}, "parentId", "maxResults", "pageToken")
	var replies []*connectortest.ScenarioItem
	if top, ok := f.sc.Item(r.URL.Query().Get("parentId")); ok && top.Kind == connectors.KindComment && f.visible(top, now) {
		replies = f.repliesByTop(now)[top.ID]
	}
	start, end, next := pageOf(r, len(replies), 20, 100)
	items := make([]any, 0, end-start)
	for _, rp := range replies[start:end] {
		items = append(items, f.comment(rp, now))
	}
	writeJSON(w, http.StatusOK, listResponse("youtube#commentListResponse", items, next, len(replies), end-start))
}
