package bluesky

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// This file is a fake Bluesky service for the tests: a PDS (sessions,
// notifications) and an AppView (feeds, threads, posts, profiles) on one
// httptest server, speaking XRPC in the JSON shapes of the lexicons
// (app.bsky.feed.defs, app.bsky.notification.listNotifications,
// app.bsky.actor.defs, com.atproto.server.*), with RateLimit-* headers on
// every answer and XRPC error bodies. What it shows comes from a world
// function of the fake's clock, so a scenario can unfold under it.

// fakeUser is an account of the fake world.
type fakeUser struct {
	DID, Handle, Name string
}

// fakePost is a post as the world holds it at one instant.
type fakePost struct {
	URI, CID string
	Author   fakeUser
	Text     string
	// Created is the record's createdAt; Indexed is when the AppView indexed
	// the current version of the record (its last update).
	Created, Indexed time.Time
	// FirstIndexed is when the AppView first indexed the record: the time of
	// its notifications.
	FirstIndexed time.Time
	// Parent and Root are the reply references; empty for top-level posts.
	Parent, Root *fakePost
	Langs        []string
	Embed        json.RawMessage
}

// fakeWorld is what the service shows at one instant.
type fakeWorld struct {
	Account   fakeUser
	Bio       string
	Followers int64
	// Posts are every existing post.
	Posts []*fakePost

	kids  map[*fakePost][]*fakePost // replies by parent, built on first use
	byURI map[string]*fakePost
}

func (wd *fakeWorld) index() {
	if wd.kids != nil {
		return
	}
	wd.kids, wd.byURI = map[*fakePost][]*fakePost{}, map[string]*fakePost{}
	for _, p := range wd.Posts {
		wd.byURI[p.URI] = p
		if p.Parent != nil {
			wd.kids[p.Parent] = append(wd.kids[p.Parent], p)
		}
	}
	for _, ks := range wd.kids {
		sort.SliceStable(ks, func(i, j int) bool { return ks[i].Created.Before(ks[j].Created) })
	}
}

// fake is the fake service.
type fake struct {
	t        testing.TB
	now      func() time.Time
	world    func(now time.Time) *fakeWorld
	password string
	// accessTTL is the life of an access token (default 2h).
	accessTTL time.Duration
	// intercept, when set, may answer a request itself (faults); it runs
	// after the request is counted and before anything else.
	intercept func(w http.ResponseWriter, r *http.Request) bool

	mu       sync.Mutex
	access   map[string]time.Time // token -> expiry
	refresh  map[string]bool      // valid refresh tokens
	seq      int
	logins   int
	refreshs int
	calls    map[string]int // nsid -> requests
	// reqs logs every request as "nsid?query" (Authorization noted as
	// "+auth").
	reqs []string
	// remaining is the RateLimit-Remaining the fake reports.
	remaining int
}

func newFake(t testing.TB, now func() time.Time, password string, world func(time.Time) *fakeWorld) *fake {
	return &fake{
		t: t, now: now, world: world, password: password, accessTTL: 2 * time.Hour,
		access: map[string]time.Time{}, refresh: map[string]bool{}, calls: map[string]int{}, remaining: 3000,
	}
}

func (f *fake) count(nsid string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[nsid]
}

func (f *fake) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.reqs)
}

// fakeAppViewPrefix is the path under which the fake plays the public AppView.
const fakeAppViewPrefix = "/appview"

// Rate-limit window of the fake: 3000 calls per 5 minutes.
const fakeWindow = 300

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	viaAppView := strings.HasPrefix(path, fakeAppViewPrefix+"/")
	path = strings.TrimPrefix(path, fakeAppViewPrefix)
	nsid, ok := strings.CutPrefix(path, "/xrpc/")
	now := f.now()
	f.mu.Lock()
	f.calls[nsid]++
	line := nsid
	if r.URL.RawQuery != "" {
		line += "?" + r.URL.RawQuery
	}
	if r.Header.Get("Authorization") != "" {
		line += " +auth"
	}
	if viaAppView {
		line = "appview:" + line
	}
	f.reqs = append(f.reqs, line)
	if f.remaining > 0 {
		f.remaining--
	}
	rem := f.remaining
	f.mu.Unlock()

	reset := (now.Unix()/fakeWindow + 1) * fakeWindow
	w.Header().Set("RateLimit-Limit", "3000")
	w.Header().Set("RateLimit-Remaining", strconv.Itoa(rem))
	w.Header().Set("RateLimit-Reset", strconv.FormatInt(reset, 10))
	w.Header().Set("RateLimit-Policy", "3000;w=300")
	if f.intercept != nil && f.intercept(w, r) {
		return
	}
	if !ok {
		xrpcErr(w, http.StatusNotFound, "MethodNotImplemented", "not an XRPC path")
		return
	}
	authed := r.Header.Get("Authorization") != ""
	if viaAppView && (authed || nsid == nsidListNotifications || nsid == nsidCreateSession || nsid == nsidRefreshSession) {
		f.t.Errorf("%s went to the public AppView (authorization sent: %v)", nsid, authed)
	}
	switch nsid {
	case nsidCreateSession:
		f.createSession(w, r, now)
		return
	case nsidRefreshSession:
		f.refreshSession(w, r, now)
		return
	}
	if authed || nsid == nsidListNotifications {
		if !f.checkAccess(w, r, now) {
			return
		}
	}
	q := r.URL.Query()
	wd := f.world(now)
	switch nsid {
	case nsidGetAuthorFeed:
		f.authorFeed(w, q, wd)
	case nsidGetPosts:
		f.getPosts(w, q, wd)
	case nsidGetPostThread:
		f.postThread(w, q, wd)
	case nsidListNotifications:
		f.notifications(w, q, wd)
	case nsidGetProfile:
		f.profile(w, q, wd)
	default:
		xrpcErr(w, http.StatusNotImplemented, "MethodNotImplemented", "Method Not Implemented")
	}
}

func xrpcErr(w http.ResponseWriter, status int, name, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": name, "message": msg})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

// ---- sessions ----------------------------------------------------------

func (f *fake) jwt(scope, did string, exp time.Time) string {
	f.seq++
	enc := base64.RawURLEncoding
	hdr := enc.EncodeToString([]byte(`{"typ":"at+jwt","alg":"ES256K"}`))
	body, _ := json.Marshal(map[string]any{"scope": scope, "sub": did, "iat": f.now().Unix(), "exp": exp.Unix(), "jti": f.seq})
	return hdr + "." + enc.EncodeToString(body) + "." + enc.EncodeToString([]byte(fmt.Sprintf("sig-%d", f.seq)))
}

// issue makes a new token pair; f.mu is held.
func (f *fake) issue(w http.ResponseWriter, now time.Time, acct fakeUser) {
	acc := f.jwt("com.atproto.appPass", acct.DID, now.Add(f.accessTTL))
	ref := f.jwt("com.atproto.refresh", acct.DID, now.Add(90*24*time.Hour))
	f.access[acc] = now.Add(f.accessTTL)
	f.refresh[ref] = true
	writeJSON(w, map[string]any{
		"did": acct.DID, "handle": acct.Handle, "accessJwt": acc, "refreshJwt": ref,
		"active": true, "email": "redes@ife.org.mx", "emailConfirmed": true,
	})
}

func (f *fake) createSession(w http.ResponseWriter, r *http.Request, now time.Time) {
	if r.Method != http.MethodPost {
		xrpcErr(w, http.StatusMethodNotAllowed, "InvalidRequest", "use POST")
		return
	}
	var in struct{ Identifier, Password string }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		xrpcErr(w, http.StatusBadRequest, "InvalidRequest", "Input must be an object")
		return
	}
	acct := f.world(now).Account
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logins++
	if (in.Identifier != acct.Handle && in.Identifier != acct.DID) || in.Password != f.password {
		xrpcErr(w, http.StatusUnauthorized, "AuthenticationRequired", "Invalid identifier or password")
		return
	}
	f.issue(w, now, acct)
}

func (f *fake) refreshSession(w http.ResponseWriter, r *http.Request, now time.Time) {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	acct := f.world(now).Account
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refreshs++
	if !f.refresh[tok] {
		xrpcErr(w, http.StatusBadRequest, "ExpiredToken", "Token has been revoked")
		return
	}
	delete(f.refresh, tok) // refresh tokens rotate
	f.issue(w, now, acct)
}

// checkAccess answers as the PDS does to a missing, unknown or expired token.
func (f *fake) checkAccess(w http.ResponseWriter, r *http.Request, now time.Time) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		xrpcErr(w, http.StatusUnauthorized, "AuthMissing", "Authentication Required")
		return false
	}
	f.mu.Lock()
	exp, known := f.access[tok]
	f.mu.Unlock()
	switch {
	case !known:
		xrpcErr(w, http.StatusUnauthorized, "InvalidToken", "Token could not be verified")
		return false
	case !now.Before(exp):
		xrpcErr(w, http.StatusBadRequest, "ExpiredToken", "Token has expired")
		return false
	}
	return true
}

// expireAll expires every access token, as time passing would.
func (f *fake) expireAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k := range f.access {
		f.access[k] = time.Time{}
	}
}

// ---- views -------------------------------------------------------------

func fakeTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// sortAt is what the AppView sorts by: the earlier of createdAt and indexedAt
// (of the first indexing).
func (p *fakePost) sortAt() time.Time {
	if p.Created.Before(p.FirstIndexed) {
		return p.Created
	}
	return p.FirstIndexed
}

func authorView(u fakeUser) map[string]any {
	a := map[string]any{"did": u.DID, "handle": u.Handle, "labels": []any{}, "createdAt": "2023-06-01T12:00:00.000Z"}
	if u.Name != "" {
		a["displayName"] = u.Name
	}
	a["avatar"] = "https://cdn.bsky.app/img/avatar/plain/" + u.DID + "/bafkreiavatar@jpeg"
	return a
}

func recordOf(p *fakePost) map[string]any {
	rec := map[string]any{"$type": typePost, "text": p.Text, "createdAt": fakeTime(p.Created)}
	if len(p.Langs) > 0 {
		rec["langs"] = p.Langs
	}
	if p.Parent != nil {
		rec["reply"] = map[string]any{
			"root":   map[string]any{"uri": p.Root.URI, "cid": p.Root.CID},
			"parent": map[string]any{"uri": p.Parent.URI, "cid": p.Parent.CID},
		}
	}
	if len(p.Embed) > 0 {
		rec["embed"] = p.Embed
	}
	return rec
}

func (wd *fakeWorld) replies(p *fakePost) []*fakePost {
	wd.index()
	return wd.kids[p]
}

func (wd *fakeWorld) find(uri string) *fakePost {
	wd.index()
	return wd.byURI[uri]
}

func (wd *fakeWorld) postView(p *fakePost) map[string]any {
	return map[string]any{
		"$type": "app.bsky.feed.defs#postView",
		"uri":   p.URI, "cid": p.CID, "author": authorView(p.Author), "record": recordOf(p),
		"replyCount": len(wd.replies(p)), "repostCount": 0, "likeCount": 1, "quoteCount": 0, "bookmarkCount": 0,
		"indexedAt": fakeTime(p.Indexed), "labels": []any{},
	}
}

// page cuts a list sorted newest first by sortAt at a "ms::cid" cursor.
func page(posts []*fakePost, cursor string, limit int) ([]*fakePost, string) {
	sort.SliceStable(posts, func(i, j int) bool {
		a, b := posts[i].sortAt(), posts[j].sortAt()
		if !a.Equal(b) {
			return a.After(b)
		}
		return posts[i].CID > posts[j].CID
	})
	start := 0
	if cursor != "" {
		ms, cid, _ := strings.Cut(cursor, "::")
		n, _ := strconv.ParseInt(ms, 10, 64)
		for start < len(posts) {
			p := posts[start]
			t := p.sortAt().UnixMilli()
			if t < n || (t == n && p.CID < cid) {
				break
			}
			start++
		}
	}
	end := min(start+limit, len(posts))
	next := ""
	if end < len(posts) && end > start {
		last := posts[end-1]
		next = fmt.Sprintf("%d::%s", last.sortAt().UnixMilli(), last.CID)
	}
	return posts[start:end], next
}

func limitOf(q map[string][]string) int {
	n, err := strconv.Atoi(firstOf(q["limit"]))
	if err != nil || n <= 0 {
		return 50
	}
	return min(n, 100)
}

func firstOf(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

func (f *fake) authorFeed(w http.ResponseWriter, q map[string][]string, wd *fakeWorld) {
	actor := firstOf(q["actor"])
	if actor != wd.Account.DID && actor != wd.Account.Handle {
		xrpcErr(w, http.StatusBadRequest, "InvalidRequest", "Profile not found")
		return
	}
	if fl := firstOf(q["filter"]); fl != "posts_with_replies" {
		f.t.Errorf("getAuthorFeed: filter = %q, want posts_with_replies", fl)
	}
	var own []*fakePost
	for _, p := range wd.Posts {
		if p.Author.DID == wd.Account.DID {
			own = append(own, p)
		}
	}
	pg, next := page(own, firstOf(q["cursor"]), limitOf(q))
	feed := []any{}
	for _, p := range pg {
		fv := map[string]any{"post": wd.postView(p)}
		if p.Parent != nil {
			fv["reply"] = map[string]any{"root": wd.postView(p.Root), "parent": wd.postView(p.Parent)}
		}
		feed = append(feed, fv)
	}
	out := map[string]any{"feed": feed}
	if next != "" {
		out["cursor"] = next
	}
	writeJSON(w, out)
}

func (f *fake) getPosts(w http.ResponseWriter, q map[string][]string, wd *fakeWorld) {
	uris := q["uris"]
	if len(uris) > getPostsLimit {
		xrpcErr(w, http.StatusBadRequest, "InvalidRequest", "Error: uris must not have more than 25 elements")
		return
	}
	posts := []any{}
	for _, u := range uris {
		if p := wd.find(u); p != nil {
			posts = append(posts, wd.postView(p))
		}
	}
	writeJSON(w, map[string]any{"posts": posts})
}

func (f *fake) postThread(w http.ResponseWriter, q map[string][]string, wd *fakeWorld) {
	uri := firstOf(q["uri"])
	depth, err := strconv.Atoi(firstOf(q["depth"]))
	if err != nil {
		depth = 6
	}
	if ph := firstOf(q["parentHeight"]); ph != "0" {
		f.t.Errorf("getPostThread: parentHeight = %q, want 0", ph)
	}
	p := wd.find(uri)
	if p == nil {
		xrpcErr(w, http.StatusBadRequest, "NotFound", "Post not found: "+uri)
		return
	}
	var node func(p *fakePost, d int) map[string]any
	node = func(p *fakePost, d int) map[string]any {
		n := map[string]any{"$type": typeThreadViewPost, "post": wd.postView(p)}
		if d < depth {
			rs := []any{}
			for _, c := range wd.replies(p) {
				rs = append(rs, node(c, d+1))
			}
			n["replies"] = rs
		}
		return n
	}
	writeJSON(w, map[string]any{"thread": node(p, 0)})
}

// notifiedBy reports why the account is notified of p: "reply" when one of
// its five nearest ancestors is the account's, "mention" when its text names
// the account; "" when not at all.
func (wd *fakeWorld) notifiedBy(p *fakePost) string {
	if p.Author.DID == wd.Account.DID {
		return ""
	}
	a := p.Parent
	for i := 0; a != nil && i < 5; i++ {
		if a.Author.DID == wd.Account.DID {
			return "reply"
		}
		a = a.Parent
	}
	if strings.Contains(p.Text, "@"+wd.Account.Handle) {
		return "mention"
	}
	return ""
}

func (f *fake) notifications(w http.ResponseWriter, q map[string][]string, wd *fakeWorld) {
	if rs := q["reasons"]; !slices.Equal(rs, []string{"mention", "reply", "quote"}) {
		f.t.Errorf("listNotifications: reasons = %q", rs)
	}
	var ps []*fakePost
	reason := map[*fakePost]string{}
	for _, p := range wd.Posts {
		if r := wd.notifiedBy(p); r != "" {
			ps = append(ps, p)
			reason[p] = r
		}
	}
	pg, next := page(ps, firstOf(q["cursor"]), limitOf(q))
	ns := []any{}
	for _, p := range pg {
		n := map[string]any{
			"uri": p.URI, "cid": p.CID, "author": authorView(p.Author), "reason": reason[p],
			"record": recordOf(p), "isRead": false, "indexedAt": fakeTime(p.FirstIndexed), "labels": []any{},
		}
		if p.Parent != nil {
			n["reasonSubject"] = p.Parent.URI
		}
		ns = append(ns, n)
	}
	out := map[string]any{"notifications": ns, "priority": false}
	if next != "" {
		out["cursor"] = next
	}
	writeJSON(w, out)
}

func (f *fake) profile(w http.ResponseWriter, q map[string][]string, wd *fakeWorld) {
	a := wd.Account
	if actor := firstOf(q["actor"]); actor != a.DID && actor != a.Handle {
		xrpcErr(w, http.StatusBadRequest, "InvalidRequest", "Profile not found")
		return
	}
	writeJSON(w, map[string]any{
		"did": a.DID, "handle": a.Handle, "displayName": a.Name, "description": wd.Bio,
		"avatar":         "https://cdn.bsky.app/img/avatar/plain/" + a.DID + "/bafkreiavatar@jpeg",
		"followersCount": wd.Followers, "followsCount": 12, "postsCount": 300,
		"indexedAt": "2024-01-01T00:00:00.000Z", "createdAt": "2023-06-01T12:00:00.000Z",
		"labels": []any{}, "verification": map[string]any{"verifications": []any{}, "verifiedStatus": "valid", "trustedVerifierStatus": "none"},
	})
}

// ---- ids -----------------------------------------------------------------

var b32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// fakeDID derives a did:plc from a name.
func fakeDID(name string) string {
	sum := sha256.Sum256([]byte("did:" + name))
	return "did:plc:" + b32.EncodeToString(sum[:15])
}

// fakeCID derives a CID from a record's content.
func fakeCID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return "bafyrei" + b32.EncodeToString(h.Sum(nil))[:52]
}

// fakeURI is the AT URI of a post by did with record key rkey.
func fakeURI(did, rkey string) string { return "at://" + did + "/" + typePost + "/" + rkey }

// ---- a hand-built world for unit tests -----------------------------------

// testClock is a settable clock, safe for concurrent use.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// handWorld is a world the test edits between polls; the fake reads copies.
type handWorld struct {
	mu        sync.Mutex
	acct      fakeUser
	bio       string
	followers int64
	posts     []*fakePost
	seq       int
}

func newHandWorld(acct fakeUser) *handWorld {
	return &handWorld{acct: acct, bio: "Cuenta oficial.", followers: 100}
}

// snapshot copies the world, keeping the reply links among the copies.
func (hw *handWorld) snapshot(time.Time) *fakeWorld {
	hw.mu.Lock()
	defer hw.mu.Unlock()
	cp := make(map[*fakePost]*fakePost, len(hw.posts))
	for _, p := range hw.posts {
		q := *p
		cp[p] = &q
	}
	wd := &fakeWorld{Account: hw.acct, Bio: hw.bio, Followers: hw.followers}
	for _, p := range hw.posts {
		q := cp[p]
		if p.Parent != nil {
			q.Parent, q.Root = cp[p.Parent], cp[p.Root]
			if q.Parent == nil { // the parent is gone: keep a stub with its references
				par := *p.Parent
				q.Parent = &par
			}
			if q.Root == nil {
				root := *p.Root
				q.Root = &root
			}
		}
		wd.Posts = append(wd.Posts, q)
	}
	return wd
}

// add publishes a post by author at created, answering parent (nil for a
// top-level post).
func (hw *handWorld) add(author fakeUser, text string, created time.Time, parent *fakePost) *fakePost {
	hw.mu.Lock()
	defer hw.mu.Unlock()
	hw.seq++
	uri := fakeURI(author.DID, fmt.Sprintf("3l%011d", hw.seq))
	p := &fakePost{URI: uri, CID: fakeCID(uri, text), Author: author, Text: text, Created: created,
		Indexed: created.Add(time.Second), FirstIndexed: created.Add(time.Second), Langs: []string{"es"}}
	if parent != nil {
		p.Parent, p.Root = parent, parent
		if parent.Root != nil {
			p.Root = parent.Root
		}
	}
	hw.posts = append(hw.posts, p)
	return p
}

// edit updates a post's record at t.
func (hw *handWorld) edit(p *fakePost, text string, t time.Time) {
	hw.mu.Lock()
	defer hw.mu.Unlock()
	p.Text, p.CID, p.Indexed = text, fakeCID(p.URI, text), t
}

// remove deletes a post.
func (hw *handWorld) remove(p *fakePost) {
	hw.mu.Lock()
	defer hw.mu.Unlock()
	hw.posts = slices.DeleteFunc(hw.posts, func(q *fakePost) bool { return q == p })
}

func (hw *handWorld) setBio(s string) {
	hw.mu.Lock()
	defer hw.mu.Unlock()
	hw.bio = s
}
