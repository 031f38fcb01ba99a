package main

import (
	"encoding/json"
	"fmt"
	"html"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// mastodonLimit is Mastodon's published allowance for authenticated API calls:
// 300 requests per 5 minutes per account (rack-attack), announced in
// X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset (ISO 8601).
const (
	mastodonLimit  = 300
	mastodonWindow = 5 * time.Minute
	mastodonDomain = "social.ife.org.mx"
)

// mastodonNet is a Mastodon 4.x instance in memory, served over HTTP: the
// institutional accounts, their posts, the public's comments on them (which
// notify the account as mentions, as Mastodon does), paging by max_id/min_id
// with Link headers, and the rate limit enforced per token. The Vigía Mastodon
// connector polls it unchanged.
type mastodonNet struct {
	mu       sync.Mutex
	seq      int64
	accounts []*mAccount
	byToken  map[string]*mAccount
	rng      *rand.Rand
	appeared map[string]time.Time // comment id -> when it became visible

	requests atomic.Int64
	rejected atomic.Int64 // requests that arrived with the allowance spent (answered 429)
}

type mAccount struct {
	id, handle, token string
	posts             []*mStatus // oldest first
	notes             []*mNote   // oldest first
	byID              map[string]*mStatus
	children          map[string][]*mStatus
	window            time.Time
	used              int
	maxUsed           int
}

type mStatus struct {
	id, parent, text string
	created          time.Time
	author           mUser
}

type mNote struct {
	id string
	st *mStatus
}

type mUser struct{ id, handle, name string }

func newMastodonNet(n, postsPer, commentsPer int, now time.Time) *mastodonNet {
	m := &mastodonNet{byToken: map[string]*mAccount{}, rng: rand.New(rand.NewPCG(11, 7)), appeared: map[string]time.Time{}, seq: 1}
	for i := 0; i < n; i++ {
		a := &mAccount{id: accountExternalID(i), handle: fmt.Sprintf("cuenta%03d", i), token: fmt.Sprintf("tok-%03d-%x", i, m.rng.Uint64()),
			byID: map[string]*mStatus{}, children: map[string][]*mStatus{}}
		m.accounts = append(m.accounts, a)
		m.byToken[a.token] = a
	}
	// History inside the connector's window: posts over the last five days,
	// each with comments.
	start := now.Add(-5 * 24 * time.Hour)
	for p := 0; p < postsPer; p++ {
		for _, a := range m.accounts {
			t := start.Add(time.Duration(p) * 5 * 24 * time.Hour / time.Duration(postsPer))
			post := m.addStatus(a, "", mUser{id: a.id, handle: a.handle, name: "Junta " + a.handle}, fmt.Sprintf("Aviso %d: horarios de los módulos de atención ciudadana.", p), t)
			for c := 0; c < commentsPer; c++ {
				m.addStatus(a, post.id, m.user(), m.commentText(), t.Add(time.Duration(c+1)*time.Minute))
			}
		}
	}
	return m
}

func (m *mastodonNet) nextID() string {
	m.seq++
	return strconv.FormatInt(110000000000000000+m.seq, 10)
}

// addStatus adds a status (m.mu held or not yet shared).
func (m *mastodonNet) addStatus(a *mAccount, parent string, u mUser, text string, t time.Time) *mStatus {
	st := &mStatus{id: m.nextID(), parent: parent, text: text, created: t, author: u}
	a.byID[st.id] = st
	if parent == "" {
		a.posts = append(a.posts, st)
	} else {
		a.children[parent] = append(a.children[parent], st)
		a.notes = append(a.notes, &mNote{id: m.nextID(), st: st})
	}
	return st
}

func (m *mastodonNet) user() mUser {
	k := m.rng.IntN(5000)
	return mUser{id: strconv.Itoa(200000 + k), handle: fmt.Sprintf("ciudadano%d@mastodon.social", k), name: fmt.Sprintf("Ciudadana %d", k)}
}

var benchComments = []string{
	"¿Dónde puedo tramitar mi credencial para votar si cambié de domicilio?",
	"Gracias por la información, muy útil.",
	"El módulo de mi distrito no abre en el horario publicado, ¿a quién me dirijo?",
	"¿Cuándo se publica la lista de ubicación de casillas en mi sección?",
	"Llevo tres semanas esperando mi credencial y nadie me responde.",
	"Sugiero que amplíen el horario los sábados.",
}

func (m *mastodonNet) commentText() string { return benchComments[m.rng.IntN(len(benchComments))] }

// comment publishes a comment by the public on a recent post of a random
// account of the first half (the other half stays quiet, so quiet polls are
// measured too), now, and returns its id.
func (m *mastodonNet) comment(now time.Time) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	a := m.accounts[m.rng.IntN(max(len(m.accounts)/2, 1))]
	post := a.posts[len(a.posts)-1-m.rng.IntN(min(len(a.posts), 5))]
	st := m.addStatus(a, post.id, m.user(), m.commentText(), now)
	m.appeared[st.id] = now
	return st.id
}

func (m *mastodonNet) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/accounts/verify_credentials", m.with(m.verifyCredentials))
	mux.HandleFunc("GET /api/v1/accounts/{id}/statuses", m.with(m.accountStatuses))
	mux.HandleFunc("GET /api/v1/statuses/{id}/context", m.with(m.context))
	mux.HandleFunc("GET /api/v1/statuses/{id}", m.with(m.status))
	mux.HandleFunc("GET /api/v1/notifications", m.with(m.notifications))
	return mux
}

// with authenticates the token and applies the rate limit, as Mastodon does.
func (m *mastodonNet) with(h func(w http.ResponseWriter, r *http.Request, a *mAccount)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m.requests.Add(1)
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		m.mu.Lock()
		a := m.byToken[tok]
		if a == nil {
			m.mu.Unlock()
			w.Header().Set("WWW-Authenticate", `Bearer realm="Doorkeeper", error="invalid_token", error_description="The access token is invalid"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "The access token is invalid"})
			return
		}
		now := time.Now()
		if win := now.Truncate(mastodonWindow); !win.Equal(a.window) {
			a.window, a.used = win, 0
		}
		over := a.used >= mastodonLimit
		if !over {
			a.used++
			a.maxUsed = max(a.maxUsed, a.used)
		}
		remaining := mastodonLimit - a.used
		reset := a.window.Add(mastodonWindow)
		hd := w.Header()
		hd.Set("X-RateLimit-Limit", strconv.Itoa(mastodonLimit))
		hd.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		hd.Set("X-RateLimit-Reset", reset.UTC().Format("2006-01-02T15:04:05.000000Z"))
		if over {
			m.mu.Unlock()
			m.rejected.Add(1)
			writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "Too many requests"})
			return
		}
		h(w, r, a) // runs under m.mu: the world does not move during one response
		m.mu.Unlock()
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (m *mastodonNet) accountJSON(a *mAccount, u mUser, cred bool) map[string]any {
	acct := u.handle
	if u.id == a.id {
		acct = a.handle
	}
	uname, _, _ := strings.Cut(acct, "@")
	j := map[string]any{"id": u.id, "username": uname, "acct": acct, "display_name": u.name, "locked": false, "bot": false,
		"discoverable": true, "group": false, "created_at": "2024-01-10T00:00:00.000Z", "note": "<p>Cuenta de la " + html.EscapeString(u.name) + "</p>",
		"url": "https://" + mastodonDomain + "/@" + uname, "avatar": "https://" + mastodonDomain + "/avatars/original/missing.png",
		"avatar_static": "https://" + mastodonDomain + "/avatars/original/missing.png", "header": "", "header_static": "",
		"followers_count": 1200, "following_count": 10, "statuses_count": len(a.posts), "last_status_at": "2026-11-28",
		"emojis": []any{}, "fields": []any{}}
	if cred {
		j["source"] = map[string]any{"privacy": "public", "sensitive": false, "language": "es", "note": "Cuenta de la " + u.name, "fields": []any{}, "follow_requests_count": 0}
	}
	return j
}

func (m *mastodonNet) statusJSON(a *mAccount, st *mStatus) map[string]any {
	var parent, parentAcct any
	if st.parent != "" {
		parent, parentAcct = st.parent, a.id
	}
	uri := "https://" + mastodonDomain + "/users/" + a.handle + "/statuses/" + st.id
	return map[string]any{"id": st.id, "uri": uri, "url": "https://" + mastodonDomain + "/@" + a.handle + "/" + st.id,
		"created_at": st.created.UTC().Format("2006-01-02T15:04:05.000Z"), "edited_at": nil,
		"account": m.accountJSON(a, st.author, false), "in_reply_to_id": parent, "in_reply_to_account_id": parentAcct,
		"content": "<p>" + html.EscapeString(st.text) + "</p>", "spoiler_text": "", "visibility": "public", "sensitive": false,
		"language": "es", "replies_count": len(a.children[st.id]), "reblogs_count": 0, "favourites_count": 0,
		"media_attachments": []any{}, "mentions": []any{}, "tags": []any{}, "emojis": []any{}, "reblog": nil,
		"application": nil, "card": nil, "poll": nil}
}

func (m *mastodonNet) verifyCredentials(w http.ResponseWriter, r *http.Request, a *mAccount) {
	writeJSON(w, http.StatusOK, m.accountJSON(a, mUser{id: a.id, handle: a.handle, name: "Junta " + a.handle}, true))
}

// page selects up to limit of ids (ascending) after the request's max_id,
// min_id and since_id, newest first as Mastodon returns them, and sets the
// Link header.
func page(w http.ResponseWriter, r *http.Request, ids []string, def, maxLimit int) []int {
	q := r.URL.Query()
	limit := def
	if l, err := strconv.Atoi(q.Get("limit")); err == nil && l > 0 {
		limit = min(l, maxLimit)
	}
	lo := 0
	hi := len(ids) // exclusive
	if v := q.Get("max_id"); v != "" {
		hi = sort.Search(len(ids), func(i int) bool { return cmpID(ids[i], v) >= 0 })
	}
	for _, k := range []string{"since_id", "min_id"} {
		if v := q.Get(k); v != "" {
			lo = max(lo, sort.Search(len(ids), func(i int) bool { return cmpID(ids[i], v) > 0 }))
		}
	}
	var sel []int
	if q.Get("min_id") != "" { // the oldest just above min_id
		for i := lo; i < hi && len(sel) < limit; i++ {
			sel = append(sel, i)
		}
		sort.Sort(sort.Reverse(sort.IntSlice(sel)))
	} else {
		for i := hi - 1; i >= lo && len(sel) < limit; i-- {
			sel = append(sel, i)
		}
	}
	if len(sel) > 0 {
		base := "https://" + mastodonDomain + r.URL.Path + "?"
		next := url.Values{"limit": {strconv.Itoa(limit)}, "max_id": {ids[sel[len(sel)-1]]}}
		prev := url.Values{"limit": {strconv.Itoa(limit)}, "min_id": {ids[sel[0]]}}
		if t := q["types[]"]; len(t) > 0 {
			next["types[]"], prev["types[]"] = t, t
		}
		w.Header().Set("Link", fmt.Sprintf(`<%s%s>; rel="next", <%s%s>; rel="prev"`, base, next.Encode(), base, prev.Encode()))
	}
	return sel
}

func cmpID(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

func (m *mastodonNet) accountStatuses(w http.ResponseWriter, r *http.Request, a *mAccount) {
	if r.PathValue("id") != a.id {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Record not found"})
		return
	}
	ids := make([]string, len(a.posts))
	for i, p := range a.posts {
		ids[i] = p.id
	}
	out := []any{}
	for _, i := range page(w, r, ids, 20, 40) {
		out = append(out, m.statusJSON(a, a.posts[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

func (m *mastodonNet) notifications(w http.ResponseWriter, r *http.Request, a *mAccount) {
	ids := make([]string, len(a.notes))
	for i, n := range a.notes {
		ids[i] = n.id
	}
	out := []any{}
	for _, i := range page(w, r, ids, 40, 80) {
		n := a.notes[i]
		out = append(out, map[string]any{"id": n.id, "type": "mention", "created_at": n.st.created.UTC().Format("2006-01-02T15:04:05.000Z"),
			"group_key": "ungrouped-" + n.id, "account": m.accountJSON(a, n.st.author, false), "status": m.statusJSON(a, n.st)})
	}
	writeJSON(w, http.StatusOK, out)
}

func (m *mastodonNet) status(w http.ResponseWriter, r *http.Request, a *mAccount) {
	st := a.byID[r.PathValue("id")]
	if st == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Record not found"})
		return
	}
	writeJSON(w, http.StatusOK, m.statusJSON(a, st))
}

func (m *mastodonNet) context(w http.ResponseWriter, r *http.Request, a *mAccount) {
	st := a.byID[r.PathValue("id")]
	if st == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Record not found"})
		return
	}
	anc, desc := []any{}, []any{}
	if st.parent != "" {
		if p := a.byID[st.parent]; p != nil {
			anc = append(anc, m.statusJSON(a, p))
		}
	}
	for _, c := range a.children[st.id] {
		desc = append(desc, m.statusJSON(a, c))
	}
	writeJSON(w, http.StatusOK, map[string]any{"ancestors": anc, "descendants": desc})
}
