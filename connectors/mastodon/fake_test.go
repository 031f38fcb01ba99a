package mastodon

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
)

// The fake instance renders a connectortest.Scenario as Mastodon 4.x does:
// the Status, Account, CredentialAccount, Notification, Context and Error
// entities with all their required fields, min_id/max_id/since_id paging with
// Link headers, X-RateLimit-* headers (reset in ISO 8601 with microseconds,
// as rack-attack writes it), and the error bodies of Mastodon and of the
// proxies in front of it.

// fakeDomain is the instance's domain in the URLs of the JSON it serves.
const fakeDomain = "social.ife.org.mx"

// fakeRateLimit is the allowance per five minutes.
const fakeRateLimit = 300

type fakeServer struct {
	t     testing.TB
	sc    *connectortest.Scenario
	now   func() time.Time
	token string

	children map[string][]int // parent id -> child indexes, in id order
	users    map[string]connectortest.ScenarioUser
	byHandle map[string]connectortest.ScenarioUser

	mu      sync.Mutex
	window  time.Time
	used    int
	serverN int
}

// newFakeHandler returns a connectortest.Harness Handler for token.
func newFakeHandler(token string) func(t testing.TB, sc *connectortest.Scenario, now func() time.Time) http.Handler {
	return func(t testing.TB, sc *connectortest.Scenario, now func() time.Time) http.Handler {
		f := &fakeServer{t: t, sc: sc, now: now, token: token,
			children: map[string][]int{}, users: map[string]connectortest.ScenarioUser{}, byHandle: map[string]connectortest.ScenarioUser{}}
		for i, it := range sc.Items {
			if it.ParentID != "" {
				f.children[it.ParentID] = append(f.children[it.ParentID], i)
			}
		}
		for _, u := range sc.Users {
			f.users[u.ID] = u
			f.byHandle[u.Handle] = u
		}
		f.byHandle[sc.Account.Handle] = connectortest.ScenarioUser{ID: sc.Account.ID, Handle: sc.Account.Handle}
		mux := http.NewServeMux()
		mux.HandleFunc("GET /api/v1/accounts/verify_credentials", f.verifyCredentials)
		mux.HandleFunc("GET /api/v1/accounts/{id}/statuses", f.accountStatuses)
		mux.HandleFunc("GET /api/v1/statuses/{id}/context", f.context)
		mux.HandleFunc("GET /api/v1/statuses/{id}", f.status)
		mux.HandleFunc("GET /api/v1/notifications", f.notifications)
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			t.Errorf("fake mastodon: unexpected request %s %s", r.Method, r.URL.Path)
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "Record not found"})
		})
		return f.wrap(mux)
	}
}

// wrap asserts the request, sets the rate-limit headers and injects faults.
func (f *fakeServer) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := f.now()
		if fakeDebug != "" && strings.Contains(now.Format(time.RFC3339), fakeDebug) {
			f.t.Logf("fake mastodon: %s %s?%s", now.Format(time.RFC3339), r.URL.Path, r.URL.RawQuery)
		}
		if strings.Contains(r.URL.RawQuery, f.token) {
			f.t.Errorf("fake mastodon: the token is in the URL")
		}
		if got := r.Header.Get("Authorization"); got != "Bearer "+f.token {
			f.t.Errorf("fake mastodon: %s: Authorization header %q is not the bearer token", r.URL.Path, redactAuth(got, f.token))
			w.Header().Set("WWW-Authenticate", `Bearer realm="Doorkeeper", error="invalid_token", error_description="The access token is invalid"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "The access token is invalid"})
			return
		}
		f.mu.Lock()
		win := now.Truncate(5 * time.Minute)
		if !win.Equal(f.window) {
			f.window, f.used = win, 0
		}
		f.used++
		remaining := max(fakeRateLimit-f.used, 0)
		f.serverN++
		serverN := f.serverN
		f.mu.Unlock()
		h := w.Header()
		h.Set("X-RateLimit-Limit", strconv.Itoa(fakeRateLimit))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		h.Set("X-RateLimit-Reset", isoMicro(win.Add(5*time.Minute)))
		fault := f.sc.FaultAt(now)
		if fault == nil {
			next.ServeHTTP(w, r)
			return
		}
		switch fault.Kind {
		case connectortest.FaultAuth:
			h.Set("WWW-Authenticate", `Bearer realm="Doorkeeper", error="invalid_token", error_description="The access token was revoked"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "The access token was revoked"})
		case connectortest.FaultNotFound:
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "Record not found"})
		case connectortest.FaultRateLimited:
			h.Set("X-RateLimit-Remaining", "0")
			h.Set("X-RateLimit-Reset", isoMicro(fault.Reset))
			writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "Too many requests"})
		case connectortest.FaultServerError:
			if serverN%2 == 0 {
				writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "Service Unavailable"})
			} else {
				h.Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusBadGateway)
				_, _ = w.Write([]byte("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"))
			}
		case connectortest.FaultMalformed:
			h.Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte("<!DOCTYPE html><html lang=\"es\"><head><title>Mantenimiento</title></head><body><p>Volvemos pronto.</p></body></html>"))
		case connectortest.FaultTruncated:
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			for k, vs := range rec.Header() {
				h[k] = vs
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(connectortest.Truncate(rec.Body.Bytes()))
		default:
			f.t.Errorf("fake mastodon: unknown fault %q", fault.Kind)
		}
	})
}

// fakeDebug logs the requests made at instants whose RFC 3339 form contains it.
var fakeDebug = os.Getenv("MASTODON_FAKE_DEBUG")

func redactAuth(got, token string) string { return strings.ReplaceAll(got, token, "<token>") }

func isoMicro(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

func isoMilli(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func writeJSON(w http.ResponseWriter, code int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// checkQuery fails the test on a parameter the endpoint does not take.
func (f *fakeServer) checkQuery(r *http.Request, allowed ...string) bool {
	ok := true
	for k := range r.URL.Query() {
		found := false
		for _, a := range allowed {
			if k == a {
				found = true
			}
		}
		if !found {
			f.t.Errorf("fake mastodon: %s: unknown query parameter %q", r.URL.Path, k)
			ok = false
		}
	}
	return ok
}

// --- entities ---

type fakeAccount struct {
	ID             string         `json:"id"`
	Username       string         `json:"username"`
	Acct           string         `json:"acct"`
	DisplayName    string         `json:"display_name"`
	Locked         bool           `json:"locked"`
	Bot            bool           `json:"bot"`
	Discoverable   bool           `json:"discoverable"`
	Indexable      bool           `json:"indexable"`
	Group          bool           `json:"group"`
	CreatedAt      string         `json:"created_at"`
	Note           string         `json:"note"`
	URL            string         `json:"url"`
	URI            string         `json:"uri"`
	Avatar         string         `json:"avatar"`
	AvatarStatic   string         `json:"avatar_static"`
	Header         string         `json:"header"`
	HeaderStatic   string         `json:"header_static"`
	FollowersCount int64          `json:"followers_count"`
	FollowingCount int64          `json:"following_count"`
	StatusesCount  int64          `json:"statuses_count"`
	LastStatusAt   *string        `json:"last_status_at"`
	HideCollection *bool          `json:"hide_collections"`
	Emojis         []any          `json:"emojis"`
	Fields         []fakeField    `json:"fields"`
	Source         *fakeSource    `json:"source,omitempty"`
	Role           map[string]any `json:"role,omitempty"`
}

type fakeField struct {
	Name       string  `json:"name"`
	Value      string  `json:"value"`
	VerifiedAt *string `json:"verified_at"`
}

type fakeSource struct {
	Privacy             string      `json:"privacy"`
	Sensitive           bool        `json:"sensitive"`
	Language            string      `json:"language"`
	Note                string      `json:"note"`
	Fields              []fakeField `json:"fields"`
	FollowRequestsCount int         `json:"follow_requests_count"`
}

type fakeMention struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	URL      string `json:"url"`
	Acct     string `json:"acct"`
}

type fakeStatus struct {
	ID                 string        `json:"id"`
	CreatedAt          string        `json:"created_at"`
	InReplyToID        *string       `json:"in_reply_to_id"`
	InReplyToAccountID *string       `json:"in_reply_to_account_id"`
	Sensitive          bool          `json:"sensitive"`
	SpoilerText        string        `json:"spoiler_text"`
	Visibility         string        `json:"visibility"`
	Language           string        `json:"language"`
	URI                string        `json:"uri"`
	URL                string        `json:"url"`
	RepliesCount       int           `json:"replies_count"`
	ReblogsCount       int           `json:"reblogs_count"`
	FavouritesCount    int           `json:"favourites_count"`
	QuotesCount        int           `json:"quotes_count"`
	EditedAt           *string       `json:"edited_at"`
	Favourited         bool          `json:"favourited"`
	Reblogged          bool          `json:"reblogged"`
	Muted              bool          `json:"muted"`
	Bookmarked         bool          `json:"bookmarked"`
	Content            string        `json:"content"`
	Filtered           []any         `json:"filtered"`
	Reblog             *fakeStatus   `json:"reblog"`
	Application        any           `json:"application,omitempty"`
	Account            fakeAccount   `json:"account"`
	MediaAttachments   []any         `json:"media_attachments"`
	Mentions           []fakeMention `json:"mentions"`
	Tags               []any         `json:"tags"`
	Emojis             []any         `json:"emojis"`
	Card               any           `json:"card"`
	Poll               any           `json:"poll"`
}

type fakeNotification struct {
	ID        string      `json:"id"`
	Type      string      `json:"type"`
	CreatedAt string      `json:"created_at"`
	GroupKey  string      `json:"group_key"`
	Account   fakeAccount `json:"account"`
	Status    *fakeStatus `json:"status"`
}

// userURL is a user's profile page.
func userURL(u connectortest.ScenarioUser) string {
	d := u.Domain
	if d == "" {
		d = fakeDomain
	}
	return "https://" + d + "/@" + u.Handle
}

func acctOf(u connectortest.ScenarioUser) string {
	if u.Domain == "" {
		return u.Handle
	}
	return u.Handle + "@" + u.Domain
}

func (f *fakeServer) account(id string, now time.Time) fakeAccount {
	var u connectortest.ScenarioUser
	var note string
	if id == f.sc.Account.ID {
		p := f.sc.ProfileAt(now)
		u = connectortest.ScenarioUser{ID: p.ID, Handle: p.Handle, Name: p.DisplayName}
		note = f.render(p.Bio).html
	} else {
		u = f.users[id]
	}
	created := "2019-03-01T00:00:00.000Z"
	last := now.UTC().Format("2006-01-02")
	return fakeAccount{
		ID: u.ID, Username: u.Handle, Acct: acctOf(u), DisplayName: u.Name,
		Discoverable: true, CreatedAt: created, Note: note,
		URL: userURL(u), URI: strings.Replace(userURL(u), "/@", "/users/", 1),
		Avatar:         "https://files." + fakeDomain + "/accounts/avatars/" + u.ID + "/original/avatar.png",
		AvatarStatic:   "https://files." + fakeDomain + "/accounts/avatars/" + u.ID + "/original/avatar.png",
		Header:         "https://" + fakeDomain + "/headers/original/missing.png",
		HeaderStatic:   "https://" + fakeDomain + "/headers/original/missing.png",
		FollowersCount: 15230, FollowingCount: 12, StatusesCount: 800,
		LastStatusAt: &last, Emojis: []any{}, Fields: []fakeField{},
	}
}

// rendered is a text as Mastodon's formatter renders it.
type rendered struct {
	html     string
	mentions []fakeMention
}

// render formats plain text like Mastodon's TextFormatter: paragraphs for
// blank lines, <br /> for line breaks, escaped text, linked URLs with their
// invisible and ellipsis spans, and h-card mentions.
func (f *fakeServer) render(text string) rendered {
	var out rendered
	var b strings.Builder
	for _, para := range strings.Split(text, "\n\n") {
		b.WriteString("<p>")
		for li, line := range strings.Split(para, "\n") {
			if li > 0 {
				b.WriteString("<br />")
			}
			for ti, tok := range strings.Split(line, " ") {
				if ti > 0 {
					b.WriteString(" ")
				}
				b.WriteString(f.token2html(tok, &out))
			}
		}
		b.WriteString("</p>")
	}
	out.html = b.String()
	return out
}

func esc(s string) string { return html.EscapeString(s) }

func (f *fakeServer) token2html(tok string, out *rendered) string {
	switch {
	case strings.HasPrefix(tok, "@") && len(tok) > 1:
		name := strings.TrimRight(tok[1:], ".,;:!?¿¡")
		u, ok := f.byHandle[name]
		if !ok {
			return esc(tok)
		}
		out.mentions = append(out.mentions, fakeMention{ID: u.ID, Username: u.Handle, URL: userURL(u), Acct: acctOf(u)})
		return `<span class="h-card" translate="no"><a href="` + esc(userURL(u)) + `" class="u-url mention">@<span>` +
			esc(u.Handle) + `</span></a></span>` + esc(tok[1+len(name):])
	case strings.HasPrefix(tok, "https://") || strings.HasPrefix(tok, "http://"):
		scheme, rest, _ := strings.Cut(tok, "://")
		prefix := scheme + "://"
		if strings.HasPrefix(rest, "www.") {
			prefix += "www."
			rest = rest[4:]
		}
		var spans string
		if utf8.RuneCountInString(rest) > 30 {
			cut := 0
			for i := range rest {
				if utf8.RuneCountInString(rest[:i]) == 30 {
					cut = i
					break
				}
			}
			spans = `<span class="ellipsis">` + esc(rest[:cut]) + `</span><span class="invisible">` + esc(rest[cut:]) + `</span>`
		} else {
			spans = `<span class="">` + esc(rest) + `</span><span class="invisible"></span>`
		}
		return `<a href="` + esc(tok) + `" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">` +
			esc(prefix) + `</span>` + spans + `</a>`
	}
	return esc(tok)
}

func (f *fakeServer) statusURL(it *connectortest.ScenarioItem) (uri, u string) {
	au, ok := f.users[it.AuthorID]
	if !ok {
		au = connectortest.ScenarioUser{ID: f.sc.Account.ID, Handle: f.sc.Account.Handle}
	}
	d := au.Domain
	if d == "" {
		d = fakeDomain
	}
	return "https://" + d + "/users/" + au.Handle + "/statuses/" + it.ID, "https://" + d + "/@" + au.Handle + "/" + it.ID
}

func (f *fakeServer) renderStatus(it *connectortest.ScenarioItem, now time.Time) *fakeStatus {
	k := it.VersionAt(now)
	v := it.Versions[k]
	r := f.render(v.Text)
	uri, u := f.statusURL(it)
	st := &fakeStatus{
		ID: it.ID, CreatedAt: isoMilli(it.Created()), Visibility: "public", Language: "es",
		URI: uri, URL: u, Content: r.html, Filtered: []any{},
		Account: f.account(it.AuthorID, now), MediaAttachments: []any{}, Mentions: r.mentions,
		Tags: []any{}, Emojis: []any{}, FavouritesCount: len(it.ID) % 7,
	}
	if st.Mentions == nil {
		st.Mentions = []fakeMention{}
	}
	if it.Own {
		st.Application = map[string]any{"name": "Web", "website": nil}
	}
	if k > 0 {
		e := isoMilli(v.At)
		st.EditedAt = &e
	}
	if it.ParentID != "" {
		pid := it.ParentID
		st.InReplyToID = &pid
		if p, ok := f.sc.Item(pid); ok {
			aid := p.AuthorID
			st.InReplyToAccountID = &aid
		}
	}
	for _, ci := range f.children[it.ID] {
		if f.sc.Items[ci].VisibleAt(now) {
			st.RepliesCount++
		}
	}
	return st
}

// --- endpoints ---

func (f *fakeServer) verifyCredentials(w http.ResponseWriter, r *http.Request) {
	f.checkQuery(r)
	now := f.now()
	a := f.account(f.sc.Account.ID, now)
	verified := "2024-01-15T18:02:11.000+00:00"
	site := fakeField{Name: "Sitio", Value: `<a href="https://www.ife.org.mx" target="_blank" rel="nofollow noopener me" translate="no"><span class="invisible">https://www.</span><span class="">ife.org.mx</span><span class="invisible"></span></a>`, VerifiedAt: &verified}
	a.Fields = []fakeField{site, {Name: "Atención", Value: "Lunes a viernes"}}
	a.Source = &fakeSource{Privacy: "public", Language: "es", Note: f.sc.ProfileAt(now).Bio,
		Fields: []fakeField{{Name: "Sitio", Value: "https://www.ife.org.mx", VerifiedAt: &verified}, {Name: "Atención", Value: "Lunes a viernes"}}}
	a.Role = map[string]any{"id": "-99", "name": "", "permissions": "0", "color": "", "highlighted": false}
	writeJSON(w, http.StatusOK, a)
}

// page applies Mastodon's paging to ids in ascending order and returns the
// indexes of the page in descending order, with its Link header.
func page(r *http.Request, ids []string, def, maxLimit int) ([]int, string) {
	q := r.URL.Query()
	limit := def
	if v := q.Get("limit"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			limit = min(n, maxLimit)
		}
	}
	var sel []int
	for i, id := range ids {
		if v := q.Get("max_id"); v != "" && connectortest.CompareIDs(id, v) >= 0 {
			continue
		}
		if v := q.Get("since_id"); v != "" && connectortest.CompareIDs(id, v) <= 0 {
			continue
		}
		if v := q.Get("min_id"); v != "" && connectortest.CompareIDs(id, v) <= 0 {
			continue
		}
		sel = append(sel, i)
	}
	if q.Get("min_id") != "" {
		sel = sel[:min(limit, len(sel))]
	} else {
		sel = sel[max(0, len(sel)-limit):]
	}
	out := make([]int, 0, len(sel))
	for i := len(sel) - 1; i >= 0; i-- {
		out = append(out, sel[i])
	}
	if len(out) == 0 {
		return out, ""
	}
	base := "http://" + r.Host + r.URL.Path
	link := func(k, v string) string {
		nq := url.Values{}
		for key, vs := range q {
			if key != "max_id" && key != "min_id" && key != "since_id" {
				nq[key] = vs
			}
		}
		nq.Set(k, v)
		return base + "?" + nq.Encode()
	}
	h := fmt.Sprintf(`<%s>; rel="next", <%s>; rel="prev"`, link("max_id", ids[out[len(out)-1]]), link("min_id", ids[out[0]]))
	return out, h
}

func (f *fakeServer) accountStatuses(w http.ResponseWriter, r *http.Request) {
	f.checkQuery(r, "limit", "max_id", "since_id", "min_id", "exclude_reblogs", "exclude_replies", "only_media", "pinned", "tagged")
	if r.PathValue("id") != f.sc.Account.ID {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Record not found"})
		return
	}
	now := f.now()
	var own []*connectortest.ScenarioItem
	var ids []string
	for i := range f.sc.Items {
		it := &f.sc.Items[i]
		if it.Own && it.VisibleAt(now) {
			own = append(own, it)
			ids = append(ids, it.ID)
		}
	}
	sel, link := page(r, ids, 20, 40)
	out := make([]*fakeStatus, 0, len(sel))
	for _, i := range sel {
		out = append(out, f.renderStatus(own[i], now))
	}
	if link != "" {
		w.Header().Set("Link", link)
	}
	writeJSON(w, http.StatusOK, out)
}

func (f *fakeServer) notifications(w http.ResponseWriter, r *http.Request) {
	f.checkQuery(r, "limit", "max_id", "since_id", "min_id", "types[]", "exclude_types[]", "account_id", "include_filtered")
	now := f.now()
	q := r.URL.Query()
	wantMention := true
	if ts, ok := q["types[]"]; ok {
		wantMention = false
		for _, t := range ts {
			if t == "mention" {
				wantMention = true
			}
		}
	}
	for _, t := range q["exclude_types[]"] {
		if t == "mention" {
			wantMention = false
		}
	}
	var items []*connectortest.ScenarioItem
	var ids []string
	if wantMention {
		for i := range f.sc.Items {
			it := &f.sc.Items[i]
			if !it.Own && it.VisibleAt(now) {
				items = append(items, it)
				ids = append(ids, strconv.Itoa(40_000_000+i))
			}
		}
	}
	sel, link := page(r, ids, 40, 80)
	out := make([]fakeNotification, 0, len(sel))
	for _, i := range sel {
		it := items[i]
		out = append(out, fakeNotification{
			ID: ids[i], Type: "mention", CreatedAt: isoMilli(it.Created().Add(120 * time.Millisecond)),
			GroupKey: "ungrouped-" + ids[i], Account: f.account(it.AuthorID, now), Status: f.renderStatus(it, now),
		})
	}
	if link != "" {
		w.Header().Set("Link", link)
	}
	writeJSON(w, http.StatusOK, out)
}

func (f *fakeServer) visible(id string, now time.Time) (*connectortest.ScenarioItem, bool) {
	it, ok := f.sc.Item(id)
	if !ok || !it.VisibleAt(now) {
		return nil, false
	}
	return it, true
}

func (f *fakeServer) status(w http.ResponseWriter, r *http.Request) {
	f.checkQuery(r)
	now := f.now()
	it, ok := f.visible(r.PathValue("id"), now)
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Record not found"})
		return
	}
	writeJSON(w, http.StatusOK, f.renderStatus(it, now))
}

func (f *fakeServer) context(w http.ResponseWriter, r *http.Request) {
	f.checkQuery(r)
	now := f.now()
	it, ok := f.visible(r.PathValue("id"), now)
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Record not found"})
		return
	}
	anc := []*fakeStatus{}
	for pid := it.ParentID; pid != ""; {
		p, ok := f.visible(pid, now)
		if !ok {
			break
		}
		anc = append([]*fakeStatus{f.renderStatus(p, now)}, anc...)
		pid = p.ParentID
	}
	desc := []*fakeStatus{}
	var walk func(id string)
	walk = func(id string) {
		kids := append([]int(nil), f.children[id]...)
		sort.Ints(kids)
		for _, ci := range kids {
			c := &f.sc.Items[ci]
			if !c.VisibleAt(now) {
				continue
			}
			desc = append(desc, f.renderStatus(c, now))
			walk(c.ID)
		}
	}
	walk(it.ID)
	writeJSON(w, http.StatusOK, map[string]any{"ancestors": anc, "descendants": desc})
}

// testToken is the credential the fake instance requires.
const testToken = "mst-7Hq2-TOKEN-ZkP9xw3LrV"

// testAccount is the account polled in tests.
func testAccount() connectors.Account {
	return connectors.Account{
		ID: "ife-mastodon", Network: Network,
		Credentials: map[string]connectors.Secret{CredentialToken: connectors.NewSecret(testToken)},
	}
}
