package x

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
)

// fakeX serves a connectortest.Scenario as the X API v2 would at the instant
// now() returns: the own timeline, the mentions timeline, recent search by
// conversation_id (seven days' reach, the 512-character query limit, since_id
// older than the reach refused), post lookup by ids with partial errors, and
// user lookup; paging by opaque tokens, the timelines' caps, x-rate-limit-*
// headers, and X's error bodies for the scenario's faults.
//
// An edit on X is a new post with a new id: version k > 0 of a scenario item
// gets an id made like the scenario's own ids (creation milliseconds << 16),
// with the high bit of the low 16 set so it cannot collide with an item's id.
// A reply references the version of its parent that was current when it was
// written. Texts are escaped as X escapes them (&amp; &lt; &gt;).
type fakeX struct {
	t     testing.TB
	sc    *connectortest.Scenario
	now   func() time.Time
	token string

	ids       [][]string        // item index, version → post id
	byVersion map[string][2]int // post id → item index, version
	byItem    map[string]int    // item id → item index

	mu   sync.Mutex
	hits map[string]int // endpoint and 15-minute window → requests
	reqs []string
}

func newFakeX(t testing.TB, sc *connectortest.Scenario, now func() time.Time, token string) *fakeX {
	f := &fakeX{t: t, sc: sc, now: now, token: token, byVersion: map[string][2]int{}, byItem: map[string]int{}, hits: map[string]int{}}
	f.ids = make([][]string, len(sc.Items))
	for i := range sc.Items {
		it := &sc.Items[i]
		f.byItem[it.ID] = i
		for k, v := range it.Versions {
			id := it.ID
			if k > 0 {
				id = strconv.FormatUint(uint64(v.At.UnixMilli())<<16|uint64(0x8000|(i*4+k)&0x7fff), 10)
			}
			f.ids[i] = append(f.ids[i], id)
			f.byVersion[id] = [2]int{i, k}
		}
	}
	return f
}

// Requests returns the requests served so far, as "METHOD path?query".
func (f *fakeX) Requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.reqs)
}

// endpoint limits per 15 minutes (app-only), as the docs list them.
var fakeLimits = map[string]int{"tweets": 10000, "mentions": 450, "search": 450, "lookup": 3500, "user": 300, "by_username": 300, "me": 75}

func (f *fakeX) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := f.now()
	rt := route(r.URL.Path)
	f.mu.Lock()
	f.reqs = append(f.reqs, r.Method+" "+r.URL.RequestURI())
	win := now.Truncate(15 * time.Minute)
	key := rt + "@" + strconv.FormatInt(win.Unix(), 10)
	f.hits[key]++
	used := f.hits[key]
	f.mu.Unlock()

	limit := fakeLimits[rt]
	if limit == 0 {
		limit = 300
	}
	h := w.Header()
	h.Set("x-rate-limit-limit", strconv.Itoa(limit))
	h.Set("x-rate-limit-remaining", strconv.Itoa(max(limit-used, 0)))
	h.Set("x-rate-limit-reset", strconv.FormatInt(win.Add(15*time.Minute).Unix(), 10))

	if r.Method != http.MethodGet {
		f.problem(w, http.StatusMethodNotAllowed, "about:blank", "Method Not Allowed", "Method Not Allowed")
		return
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+f.token {
		f.t.Errorf("fake X: %s: bad Authorization header", r.URL.Path)
		f.problem(w, http.StatusUnauthorized, "about:blank", "Unauthorized", "Unauthorized")
		return
	}
	if flt := f.sc.FaultAt(now); flt != nil {
		f.fault(w, r, rt, flt)
		return
	}
	if used > limit {
		h.Set("x-rate-limit-remaining", "0")
		f.problem(w, http.StatusTooManyRequests, "about:blank", "Too Many Requests", "Too Many Requests")
		return
	}
	body, status := f.serve(r, rt, now)
	f.write(w, status, body)
}

// serve renders one endpoint.
func (f *fakeX) serve(r *http.Request, rt string, now time.Time) (any, int) {
	q := r.URL.Query()
	acct := f.sc.Account
	switch rt {
	case "user", "me", "by_username":
		var ok bool
		switch rt {
		case "user":
			ok = strings.TrimPrefix(r.URL.Path, "/2/users/") == acct.ID
		case "me":
			ok = true
		default:
			ok = strings.EqualFold(strings.TrimPrefix(r.URL.Path, "/2/users/by/username/"), acct.Handle)
		}
		if !ok {
			return notFoundUser(r.URL.Path), http.StatusOK
		}
		return map[string]any{"data": f.profile(now)}, http.StatusOK
	case "tweets", "mentions":
		id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/2/users/"), "/"+rt)
		if id != acct.ID {
			return notFoundUser(r.URL.Path), http.StatusOK
		}
		if bad := checkListParams(q, 5, false); bad != nil {
			return bad, http.StatusBadRequest
		}
		var cand [][2]int
		for i := range f.sc.Items {
			it := &f.sc.Items[i]
			if !it.VisibleAt(now) {
				continue
			}
			if rt == "tweets" && !it.Own || rt == "mentions" && (it.Own || !f.mentions(it)) {
				continue
			}
			cand = append(cand, [2]int{i, it.VersionAt(now)})
		}
		capN := 3200
		if rt == "mentions" {
			capN = 800
		}
		return f.list(q, cand, capN, "pagination_token", time.Time{}, now)
	case "search":
		if bad := checkListParams(q, 10, true); bad != nil {
			return bad, http.StatusBadRequest
		}
		query := q.Get("query")
		convs, ok := parseConvQuery(query)
		if !ok || len(query) > 512 {
			return invalidRequest("query", query, fmt.Sprintf("There were errors processing your request: query of %d characters is invalid or longer than 512", len(query))), http.StatusBadRequest
		}
		reach := now.Add(-7 * 24 * time.Hour)
		if s := q.Get("since_id"); s != "" && fakeIDTime(s).Before(reach) {
			return invalidRequest("since_id", s, "Invalid 'since_id':'"+s+"'. 'since_id' must be a tweet id created after "+reach.Format("2006-01-02T15:04Z")+"."), http.StatusBadRequest
		}
		if s := q.Get("start_time"); s != "" {
			if st, err := time.Parse(time.RFC3339, s); err != nil || st.Before(reach) {
				return invalidRequest("start_time", s, "Invalid 'start_time':'"+s+"'. 'start_time' must be on or after "+reach.Format("2006-01-02T15:04Z")), http.StatusBadRequest
			}
		}
		var cand [][2]int
		for i := range f.sc.Items {
			it := &f.sc.Items[i]
			if !it.VisibleAt(now) || !convs[f.conversation(it)] {
				continue
			}
			k := it.VersionAt(now)
			if it.Versions[k].At.Before(reach) {
				continue
			}
			cand = append(cand, [2]int{i, k})
		}
		return f.list(q, cand, 0, "next_token", now.Add(-30*time.Second), now)
	case "lookup":
		ids := strings.Split(q.Get("ids"), ",")
		if len(ids) == 0 || len(ids) > 100 || ids[0] == "" {
			return invalidRequest("ids", q.Get("ids"), "The `ids` query parameter value is not valid"), http.StatusBadRequest
		}
		var data []any
		var errs []any
		for _, id := range ids {
			if !validID(id) {
				return invalidRequest("ids", id, "The `ids` query parameter value ["+id+"] is not valid"), http.StatusBadRequest
			}
			v, ok := f.byVersion[id]
			if !ok || !f.sc.Items[v[0]].VisibleAt(now) || f.sc.Items[v[0]].VersionAt(now) < v[1] {
				errs = append(errs, map[string]any{
					"value": id, "detail": "Could not find tweet with ids: [" + id + "].", "title": "Not Found Error",
					"resource_type": "tweet", "parameter": "ids", "resource_id": id,
					"type": "https://api.twitter.com/2/problems/resource-not-found",
				})
				continue
			}
			if q.Get("tweet.fields") == "" {
				data = append(data, f.defaultTweet(v[0], v[1]))
			} else {
				data = append(data, f.tweet(v[0], v[1]))
			}
		}
		out := map[string]any{}
		if len(data) > 0 {
			out["data"] = data
		}
		if len(errs) > 0 {
			out["errors"] = errs
		}
		return out, http.StatusOK
	}
	return map[string]any{"title": "Not Found Error", "detail": "Sorry, that page does not exist.", "type": "about:blank", "status": 404}, http.StatusNotFound
}

// list pages candidates newest first after the cap, since_id, until_id,
// start_time and end_time.
func (f *fakeX) list(q url.Values, cand [][2]int, capN int, tokenParam string, end, now time.Time) (any, int) {
	id := func(c [2]int) string { return f.ids[c[0]][c[1]] }
	slices.SortFunc(cand, func(a, b [2]int) int { return connectortest.CompareIDs(id(b), id(a)) })
	if capN > 0 && len(cand) > capN {
		cand = cand[:capN]
	}
	since, until := q.Get("since_id"), q.Get("until_id")
	var start time.Time
	if s := q.Get("start_time"); s != "" {
		start, _ = time.Parse(time.RFC3339, s)
	}
	if s := q.Get("end_time"); s != "" {
		end, _ = time.Parse(time.RFC3339, s)
	}
	tok := q.Get(tokenParam)
	if tok == "" && tokenParam == "next_token" {
		tok = q.Get("pagination_token")
	}
	var after string // the page starts below this id
	if tok != "" {
		n, err := strconv.ParseUint(strings.TrimPrefix(tok, "7140dibd"), 36, 64)
		if !strings.HasPrefix(tok, "7140dibd") || err != nil {
			return invalidRequest(tokenParam, tok, "The `"+tokenParam+"` query parameter value ["+tok+"] is not valid"), http.StatusBadRequest
		}
		after = strconv.FormatUint(n, 10)
	}
	var sel [][2]int
	for _, c := range cand {
		v := f.sc.Items[c[0]].Versions[c[1]]
		switch {
		case since != "" && connectortest.CompareIDs(id(c), since) <= 0,
			until != "" && connectortest.CompareIDs(id(c), until) >= 0,
			after != "" && connectortest.CompareIDs(id(c), after) >= 0,
			!start.IsZero() && v.At.Before(start),
			!end.IsZero() && !v.At.Before(end):
			continue
		}
		sel = append(sel, c)
	}
	n := 10
	if m := q.Get("max_results"); m != "" {
		n, _ = strconv.Atoi(m)
	}
	meta := map[string]any{}
	out := map[string]any{}
	if len(sel) > n {
		last, _ := strconv.ParseUint(id(sel[n-1]), 10, 64)
		meta["next_token"] = "7140dibd" + strconv.FormatUint(last, 36)
		sel = sel[:n]
	}
	meta["result_count"] = len(sel)
	if len(sel) > 0 {
		meta["newest_id"] = id(sel[0])
		meta["oldest_id"] = id(sel[len(sel)-1])
		var data []any
		users := map[string]bool{}
		var inclUsers, inclTweets []any
		exp := "," + q.Get("expansions") + ","
		for _, c := range sel {
			data = append(data, f.tweet(c[0], c[1]))
			it := &f.sc.Items[c[0]]
			if strings.Contains(exp, ",author_id,") && !users[it.AuthorID] {
				users[it.AuthorID] = true
				if u, ok := f.sc.User(it.AuthorID, now); ok {
					inclUsers = append(inclUsers, map[string]any{"id": u.ID, "name": u.Name, "username": u.Handle, "verified": it.Own})
				}
			}
			if strings.Contains(exp, ",edit_history_tweet_ids,") {
				for k := 0; k < c[1]; k++ {
					inclTweets = append(inclTweets, f.tweet(c[0], k))
				}
			}
		}
		out["data"] = data
		incl := map[string]any{}
		if len(inclUsers) > 0 {
			incl["users"] = inclUsers
		}
		if len(inclTweets) > 0 {
			incl["tweets"] = inclTweets
		}
		if len(incl) > 0 {
			out["includes"] = incl
		}
	}
	out["meta"] = meta
	return out, http.StatusOK
}

// xTweet is a post object in X's field order.
type xTweet struct {
	ID               string           `json:"id"`
	Text             string           `json:"text"`
	AuthorID         string           `json:"author_id,omitempty"`
	CreatedAt        string           `json:"created_at,omitempty"`
	ConversationID   string           `json:"conversation_id,omitempty"`
	InReplyToUserID  string           `json:"in_reply_to_user_id,omitempty"`
	ReferencedTweets []map[string]any `json:"referenced_tweets,omitempty"`
	EditHistory      []string         `json:"edit_history_tweet_ids"`
	Lang             string           `json:"lang,omitempty"`
	Entities         map[string]any   `json:"entities,omitempty"`
}

// xEscaper escapes texts as X does.
var xEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// tweet renders version k of item i with the fields the connector asks for.
func (f *fakeX) tweet(i, k int) xTweet {
	it := &f.sc.Items[i]
	v := it.Versions[k]
	t := xTweet{
		ID: f.ids[i][k], Text: xEscaper.Replace(v.Text), AuthorID: it.AuthorID,
		CreatedAt: v.At.UTC().Format("2006-01-02T15:04:05.000Z"), ConversationID: f.conversation(it),
		EditHistory: f.ids[i][:k+1], Lang: "es", Entities: f.entities(v.Text),
	}
	if pi, ok := f.byItem[it.ParentID]; it.ParentID != "" && ok {
		parent := &f.sc.Items[pi]
		pk := max(parent.VersionAt(it.Created()), 0)
		t.InReplyToUserID = parent.AuthorID
		t.ReferencedTweets = []map[string]any{{"type": "replied_to", "id": f.ids[pi][pk]}}
	}
	return t
}

// defaultTweet is a lookup's post without tweet.fields: id, text, edit history.
func (f *fakeX) defaultTweet(i, k int) xTweet {
	t := f.tweet(i, k)
	return xTweet{ID: t.ID, Text: t.Text, EditHistory: t.EditHistory}
}

// conversation is an item's conversation_id: its thread's root post.
func (f *fakeX) conversation(it *connectortest.ScenarioItem) string {
	if it.RootID != "" {
		return it.RootID
	}
	return it.ID
}

var mentionRe = regexp.MustCompile(`@([A-Za-z0-9_]{1,15})`)

// entities lists a text's mentions, with offsets in code points.
func (f *fakeX) entities(text string) map[string]any {
	var ms []any
	for _, m := range mentionRe.FindAllStringSubmatchIndex(text, -1) {
		start := len([]rune(text[:m[0]]))
		end := start + len([]rune(text[m[0]:m[1]]))
		e := map[string]any{"start": start, "end": end, "username": text[m[2]:m[3]]}
		if strings.EqualFold(text[m[2]:m[3]], f.sc.Account.Handle) {
			e["id"] = f.sc.Account.ID
		}
		ms = append(ms, e)
	}
	if len(ms) == 0 {
		return nil
	}
	return map[string]any{"mentions": ms}
}

// mentions reports whether an item by others is in the account's mentions
// timeline: it names the account, or it answers one of its posts (X adds the
// @handle of the post answered).
func (f *fakeX) mentions(it *connectortest.ScenarioItem) bool {
	if pi, ok := f.byItem[it.ParentID]; it.ParentID != "" && ok && f.sc.Items[pi].Own {
		return true
	}
	for _, v := range it.Versions {
		if strings.Contains(strings.ToLower(v.Text), "@"+strings.ToLower(f.sc.Account.Handle)) {
			return true
		}
	}
	return false
}

// profile renders the account's User object at now.
func (f *fakeX) profile(now time.Time) map[string]any {
	p := f.sc.ProfileAt(now)
	return map[string]any{
		"id": p.ID, "name": p.DisplayName, "username": p.Handle, "description": p.Bio,
		"created_at": "2009-05-20T16:00:00.000Z", "location": "Ciudad de México",
		"url":               "https://t.co/ifeMx0Lnk",
		"entities":          map[string]any{"url": map[string]any{"urls": []any{map[string]any{"start": 0, "end": 22, "url": "https://t.co/ifeMx0Lnk", "expanded_url": "https://www.ife.org.mx", "display_url": "ife.org.mx"}}}},
		"profile_image_url": "https://pbs.twimg.com/profile_images/1/ife_normal.jpg",
		"protected":         false, "verified": true, "verified_type": "government",
		"public_metrics": map[string]any{"followers_count": 1843120, "following_count": 312, "tweet_count": 48210, "listed_count": 2201},
	}
}

// fault renders an injected failure as X does.
func (f *fakeX) fault(w http.ResponseWriter, r *http.Request, rt string, flt *connectortest.Fault) {
	switch flt.Kind {
	case connectortest.FaultAuth:
		f.problem(w, http.StatusUnauthorized, "about:blank", "Unauthorized", "Unauthorized")
	case connectortest.FaultNotFound:
		if strings.HasPrefix(r.URL.Path, "/2/users/") {
			f.write(w, http.StatusOK, notFoundUser(r.URL.Path))
			return
		}
		f.problem(w, http.StatusNotFound, "https://api.twitter.com/2/problems/resource-not-found", "Not Found Error", "Could not find the resource.")
	case connectortest.FaultRateLimited:
		reset := strconv.FormatInt(flt.Reset.Unix(), 10)
		if ns := flt.Reset.Nanosecond(); ns != 0 {
			// X's resets are whole seconds; a scenario's finer reset is kept
			// as a decimal fraction, which the connector reads.
			reset += "." + strings.TrimRight(fmt.Sprintf("%09d", ns), "0")
		}
		w.Header().Set("x-rate-limit-remaining", "0")
		w.Header().Set("x-rate-limit-reset", reset)
		f.problem(w, http.StatusTooManyRequests, "about:blank", "Too Many Requests", "Too Many Requests")
	case connectortest.FaultServerError:
		f.problem(w, http.StatusServiceUnavailable, "about:blank", "Service Unavailable", "Service Unavailable")
	case connectortest.FaultMalformed:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"data":"unavailable","meta":[]}`))
	case connectortest.FaultTruncated:
		body, status := f.serve(r, rt, f.now())
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(body)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write(connectortest.Truncate(buf.Bytes()))
	default:
		f.t.Errorf("fake X: unknown fault %q", flt.Kind)
		f.problem(w, http.StatusInternalServerError, "about:blank", "Internal Server Error", "Internal Server Error")
	}
}

func (f *fakeX) write(w http.ResponseWriter, status int, body any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		f.t.Errorf("fake X: encode: %v", err)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (f *fakeX) problem(w http.ResponseWriter, status int, typ, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"title": title, "detail": detail, "type": typ, "status": status})
	_, _ = w.Write(b)
}

// notFoundUser is X's 200 answer about a user that does not exist.
func notFoundUser(path string) map[string]any {
	param, value := "id", strings.TrimPrefix(path, "/2/users/")
	if v, ok := strings.CutPrefix(path, "/2/users/by/username/"); ok {
		param, value = "username", v
	}
	value, _, _ = strings.Cut(value, "/")
	return map[string]any{"errors": []any{map[string]any{
		"value": value, "detail": "Could not find user with " + param + ": [" + value + "].", "title": "Not Found Error",
		"resource_type": "user", "parameter": param, "resource_id": value,
		"type": "https://api.twitter.com/2/problems/resource-not-found",
	}}}
}

// invalidRequest is X's 400 body.
func invalidRequest(param, value, msg string) map[string]any {
	return map[string]any{
		"errors": []any{map[string]any{"parameters": map[string]any{param: []string{value}}, "message": msg}},
		"title":  "Invalid Request", "detail": "One or more parameters to your request was invalid.",
		"type": "https://api.twitter.com/2/problems/invalid-request",
	}
}

// checkListParams validates max_results and the ids of a listing.
func checkListParams(q url.Values, minResults int, search bool) map[string]any {
	if m := q.Get("max_results"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < minResults || n > 100 {
			return invalidRequest("max_results", m, "The `max_results` query parameter value ["+m+"] is not between "+strconv.Itoa(minResults)+" and 100")
		}
	}
	for _, p := range []string{"since_id", "until_id"} {
		if v := q.Get(p); v != "" && !validID(v) {
			return invalidRequest(p, v, "The `"+p+"` query parameter value ["+v+"] is not valid")
		}
	}
	if !search && q.Get("next_token") != "" {
		return invalidRequest("next_token", q.Get("next_token"), "The query parameter [next_token] is not one of [...]")
	}
	return nil
}

var convTermRe = regexp.MustCompile(`^conversation_id:([0-9]{1,19})$`)

// parseConvQuery reads "conversation_id:A OR conversation_id:B …".
func parseConvQuery(q string) (map[string]bool, bool) {
	out := map[string]bool{}
	for _, term := range strings.Split(q, " OR ") {
		m := convTermRe.FindStringSubmatch(term)
		if m == nil {
			return nil, false
		}
		out[m[1]] = true
	}
	return out, len(out) > 0
}

// fakeIDTime is when a scenario-style id (milliseconds << 16) was made.
func fakeIDTime(id string) time.Time {
	n, _ := strconv.ParseUint(id, 10, 64)
	return time.UnixMilli(int64(n >> 16)).UTC()
}

// steadyCalls is the most requests a poll makes with nothing new under the
// default configuration and an hourly poll: the profile, the own timeline, the
// mentions, one search (the window's conversations fit one 512-character
// query while they are at most 13), and one lookup (the window's posts and
// replies, at most 100).
const steadyCalls = 5

func newTestConnector(t testing.TB, baseURL string, deps connectors.Deps) connectors.Connector {
	c, err := New(testConfig(baseURL), deps)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// TestConformance runs the shared conformance suite against the fake X.
func TestConformance(t *testing.T) {
	connectortest.Run(t, connectortest.Harness{
		Network: Network,
		Token:   testToken,
		Account: connectors.Account{
			Credentials: map[string]connectors.Secret{CredentialToken: connectors.NewSecret(testToken)},
		},
		NewConnector: newTestConnector,
		Handler: func(t testing.TB, sc *connectortest.Scenario, now func() time.Time) http.Handler {
			return newFakeX(t, sc, now, testToken)
		},
		Reach:       searchReach,
		Recheck:     DefaultWindowAge,
		SteadyCalls: steadyCalls,
	})
}
