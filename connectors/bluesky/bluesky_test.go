package bluesky

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

const testPassword = "abcd-efgh-ijkl-mnop"

var (
	t0     = time.Date(2026, 8, 20, 18, 0, 0, 0, time.UTC)
	ifeAcc = fakeUser{DID: fakeDID("ife"), Handle: "ife.bsky.social", Name: "Instituto Federal Electoral"}
	maria  = fakeUser{DID: fakeDID("maria"), Handle: "maria.bsky.social", Name: "María"}
	karel  = fakeUser{DID: fakeDID("karel"), Handle: "karel.bsky.social", Name: "Karel"}
	lupita = fakeUser{DID: fakeDID("lupita"), Handle: "lupita.bsky.social", Name: "Lupita"}
)

// syncBuf is a log sink safe for concurrent writers.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuf) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuf) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// env is a connector polling one account of a hand-built world on the fake.
type env struct {
	t    *testing.T
	clk  *testClock
	hw   *handWorld
	fk   *fake
	srv  *httptest.Server
	conn *Connector
	acct connectors.Account
	logs *syncBuf
	cur  connectors.Cursor
}

// newEnv starts the fake with an empty world; the public AppView is played
// under /appview, so reads and session calls can be told apart.
func newEnv(t *testing.T, edit func(*Config)) *env {
	t.Helper()
	e := &env{t: t, clk: &testClock{}, hw: newHandWorld(ifeAcc), logs: &syncBuf{}}
	e.clk.Set(t0)
	e.fk = newFake(t, e.clk.Now, testPassword, e.hw.snapshot)
	e.fk.accessTTL = 24 * time.Hour // no refreshes in the call counts; session tests shorten it
	e.srv = httptest.NewServer(e.fk)
	t.Cleanup(e.srv.Close)
	cfg := Config{Service: e.srv.URL, AppView: e.srv.URL + fakeAppViewPrefix}
	if edit != nil {
		edit(&cfg)
	}
	logger := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	client := connectors.NewHTTPClient(connectors.HTTPOptions{
		RetryMax: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond,
		Logger: logger, Now: e.clk.Now,
	})
	conn, err := New(cfg, connectors.Deps{HTTP: client, Logger: logger, Now: e.clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	e.conn = conn
	e.acct = connectors.Account{
		ID: "cncs-bluesky", Network: Network, Handle: ifeAcc.Handle, ExternalID: ifeAcc.DID,
		Credentials: map[string]connectors.Secret{CredentialAppPassword: connectors.NewSecret(testPassword)},
	}
	t.Cleanup(func() {
		noSecrets(t, "logs", e.logs.String())
	})
	return e
}

// poll polls like the agent, checks the batch's call count and keeps the
// cursor of a successful batch.
func (e *env) poll() (connectors.Batch, error) {
	e.t.Helper()
	before := len(e.fk.requests())
	b, err := e.conn.Poll(e.t.Context(), e.acct, e.cur)
	if err != nil {
		if len(b.Items) > 0 || len(b.Deletions) > 0 || b.Cursor != nil {
			e.t.Errorf("a failed poll returned a batch: %+v", b)
		}
		noSecrets(e.t, "error", err.Error())
		return b, err
	}
	if n := len(e.fk.requests()) - before; b.Budget.Calls != n {
		e.t.Errorf("Budget.Calls = %d, the fake saw %d requests", b.Budget.Calls, n)
	}
	noSecrets(e.t, "cursor", string(b.Cursor))
	noSecrets(e.t, "batch", fmt.Sprintf("%+v", b))
	seen := map[string]bool{}
	for _, it := range b.Items {
		if seen[it.ExternalID] {
			e.t.Errorf("item %s twice in one batch", it.ExternalID)
		}
		seen[it.ExternalID] = true
	}
	if b.Cursor != nil {
		e.cur = b.Cursor
	}
	return b, nil
}

// mustPoll polls and fails the test on an error.
func (e *env) mustPoll() connectors.Batch {
	e.t.Helper()
	b, err := e.poll()
	if err != nil {
		e.t.Fatalf("poll: %v", err)
	}
	return b
}

// noSecrets fails when s holds the app password or a token of the fake.
func noSecrets(t *testing.T, where, s string) {
	t.Helper()
	if strings.Contains(s, testPassword) {
		t.Errorf("the app password appears in the %s", where)
	}
	if strings.Contains(s, "eyJ") {
		t.Errorf("a JWT appears in the %s", where)
	}
}

func itemsByID(b connectors.Batch) map[string]connectors.Item {
	m := map[string]connectors.Item{}
	for _, it := range b.Items {
		m[it.ExternalID] = it
	}
	return m
}

// conversation builds a typical world: an old own post with a late comment,
// a recent own post with a comment, the account's answer and a follow-up,
// and a standalone mention.
type conversation struct {
	old, late, post, comment, answer, followUp, mention *fakePost
}

func (e *env) conversation() conversation {
	var c conversation
	hw := e.hw
	c.old = hw.add(ifeAcc, "Aviso de hace diez días.", t0.Add(-240*time.Hour), nil)
	c.late = hw.add(karel, "¿Sigue vigente el aviso?", t0.Add(-time.Hour), c.old)
	c.post = hw.add(ifeAcc, "Ya puedes consultar tu casilla en https://ubicatucasilla.ife.org.mx", t0.Add(-48*time.Hour), nil)
	c.comment = hw.add(maria, "No me aparece mi sección", t0.Add(-47*time.Hour), c.post)
	c.answer = hw.add(ifeAcc, "@maria.bsky.social escríbenos por mensaje directo", t0.Add(-46*time.Hour), c.comment)
	c.followUp = hw.add(karel, "A mí tampoco", t0.Add(-45*time.Hour), c.answer)
	c.mention = hw.add(lupita, "@ife.bsky.social ¿a qué hora abren los módulos?", t0.Add(-3*time.Hour), nil)
	return c
}

func TestPoll_Backfill(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.conversation()
	b := e.mustPoll()

	got := itemsByID(b)
	want := []struct {
		p            *fakePost
		kind         connectors.Kind
		parent, root *fakePost
		own          bool
	}{
		{c.old, connectors.KindPost, nil, nil, true},
		{c.late, connectors.KindComment, c.old, c.old, false},
		{c.post, connectors.KindPost, nil, nil, true},
		{c.comment, connectors.KindComment, c.post, c.post, false},
		{c.answer, connectors.KindReply, c.comment, c.post, true},
		{c.followUp, connectors.KindReply, c.answer, c.post, false},
		{c.mention, connectors.KindMention, nil, nil, false},
	}
	if len(b.Items) != len(want) {
		t.Errorf("got %d items, want %d", len(b.Items), len(want))
	}
	uri := func(p *fakePost) string {
		if p == nil {
			return ""
		}
		return p.URI
	}
	for _, w := range want {
		it, ok := got[w.p.URI]
		if !ok {
			t.Errorf("missing %s %q", w.kind, w.p.Text)
			continue
		}
		if it.Kind != w.kind || it.ParentID != uri(w.parent) || it.RootID != uri(w.root) || it.Own != w.own {
			t.Errorf("%q: kind %s parent %s root %s own %v; want %s %s %s %v", w.p.Text, it.Kind, it.ParentID, it.RootID, it.Own,
				w.kind, uri(w.parent), uri(w.root), w.own)
		}
		if it.Text != w.p.Text || it.AuthorID != w.p.Author.DID || it.AuthorHandle != w.p.Author.Handle || it.AuthorName != w.p.Author.Name {
			t.Errorf("%q: text/author = %q %s %s %s", w.p.Text, it.Text, it.AuthorID, it.AuthorHandle, it.AuthorName)
		}
		if !it.CreatedAt.Equal(w.p.Created) || !it.EditedAt.IsZero() || it.Lang != "es" {
			t.Errorf("%q: created %v edited %v lang %q", w.p.Text, it.CreatedAt, it.EditedAt, it.Lang)
		}
		if !strings.HasPrefix(it.URL, "https://bsky.app/profile/"+w.p.Author.DID+"/post/") || len(it.Raw) == 0 {
			t.Errorf("%q: URL %q, %d raw bytes", w.p.Text, it.URL, len(it.Raw))
		}
	}
	for i := 1; i < len(b.Items); i++ {
		if b.Items[i].CreatedAt.Before(b.Items[i-1].CreatedAt) {
			t.Errorf("items out of creation order at %d", i)
		}
	}
	if b.Profile == nil || b.Profile.ExternalID != ifeAcc.DID || b.Profile.Handle != ifeAcc.Handle ||
		b.Profile.DisplayName != ifeAcc.Name || b.Profile.Bio != "Cuenta oficial." || !b.Profile.Verified || b.Profile.Followers != 100 {
		t.Errorf("profile = %+v", b.Profile)
	}
	if b.More || len(b.Deletions) != 0 {
		t.Errorf("More %v, deletions %v", b.More, b.Deletions)
	}
	if b.Budget.Remaining < 0 || b.Budget.Reset.IsZero() || b.Budget.Items == 0 {
		t.Errorf("budget = %+v", b.Budget)
	}

	// Who got what: the session and the notifications on the PDS with the
	// session; everything else on the public AppView without it.
	for _, r := range e.fk.requests() {
		onAppView := strings.HasPrefix(r, "appview:")
		switch {
		case strings.HasPrefix(r, nsidCreateSession), strings.HasPrefix(r, nsidListNotifications+"?") && strings.HasSuffix(r, "+auth"):
		case onAppView && !strings.HasSuffix(r, "+auth"):
		default:
			t.Errorf("unexpected request %q", r)
		}
	}
	if n := e.fk.count(nsidGetPostThread); n != 1 {
		t.Errorf("getPostThread called %d times, want 1 (the one window post)", n)
	}
}

func TestPoll_SteadyState(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.conversation()
	e.mustPoll()
	for i := range 3 {
		e.clk.Add(time.Hour)
		before := e.cur
		b := e.mustPoll()
		if len(b.Items) != 0 || len(b.Deletions) != 0 || b.More {
			t.Errorf("poll %d: %d items, %d deletions, More %v with nothing new", i, len(b.Items), len(b.Deletions), b.More)
		}
		// author feed, notifications, getPosts for the window, profile.
		if b.Budget.Calls != 4 {
			t.Errorf("poll %d: %d calls with nothing new, want 4", i, b.Budget.Calls)
		}
		if !bytes.Equal(before, b.Cursor) {
			t.Errorf("poll %d: the cursor changed with nothing new:\n%s\n%s", i, before, b.Cursor)
		}
	}
	if e.fk.logins != 1 {
		t.Errorf("%d logins", e.fk.logins)
	}
	if n := strings.Count(e.logs.String(), "session created"); n != 1 {
		t.Errorf("%d login lines in the logs, want 1", n)
	}
}

func TestPoll_EditsAndDeletions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.conversation()
	e.mustPoll()

	e.clk.Add(time.Hour)
	e.hw.edit(c.comment, "No me aparece mi sección (ya la encontré)", e.clk.Now().Add(-10*time.Minute))
	e.hw.edit(c.post, "Ya puedes consultar tu casilla en https://ubicatucasilla.ife.org.mx #Elecciones", e.clk.Now().Add(-20*time.Minute))
	e.hw.remove(c.followUp)
	b := e.mustPoll()
	got := itemsByID(b)
	if len(b.Items) != 2 {
		t.Errorf("got %d items, want the 2 edited ones", len(b.Items))
	}
	for _, p := range []*fakePost{c.comment, c.post} {
		it, ok := got[p.URI]
		if !ok {
			t.Errorf("edit of %q not delivered", p.Text)
			continue
		}
		if it.Text != p.Text || !it.EditedAt.Equal(p.Indexed) || !it.CreatedAt.Equal(p.Created) {
			t.Errorf("edited %q: text %q edited %v created %v", p.Text, it.Text, it.EditedAt, it.CreatedAt)
		}
	}
	if len(b.Deletions) != 1 || b.Deletions[0].ExternalID != c.followUp.URI || !b.Deletions[0].ObservedAt.Equal(e.clk.Now()) {
		t.Errorf("deletions = %+v, want the follow-up", b.Deletions)
	}

	// Nothing more: the edit is not delivered twice.
	e.clk.Add(time.Hour)
	if b := e.mustPoll(); len(b.Items)+len(b.Deletions) != 0 {
		t.Errorf("after the edits: %d items, %d deletions", len(b.Items), len(b.Deletions))
	}

	// The post goes: its deletion is reported once, and it leaves the window.
	e.clk.Add(time.Hour)
	e.hw.remove(c.post)
	b = e.mustPoll()
	if len(b.Deletions) != 1 || b.Deletions[0].ExternalID != c.post.URI {
		t.Errorf("deletions = %+v, want the post", b.Deletions)
	}
	e.clk.Add(time.Hour)
	// The window is empty now: no getPosts.
	if b := e.mustPoll(); len(b.Deletions) != 0 || b.Budget.Calls != 3 {
		t.Errorf("after the deletion: %+v, %d calls, want 3", b.Deletions, b.Budget.Calls)
	}
}

func TestPoll_NewReplies(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.conversation()
	e.mustPoll()

	// A reply to the user's comment (notified: an own post is its ancestor)
	// and a reply deep under someone else's reply, which the reply count of
	// its tracked parent reveals.
	e.clk.Add(time.Hour)
	r1 := e.hw.add(lupita, "Revisa tu credencial", e.clk.Now().Add(-30*time.Minute), c.comment)
	b := e.mustPoll()
	if it, ok := itemsByID(b)[r1.URI]; !ok || it.Kind != connectors.KindReply || it.ParentID != c.comment.URI || it.RootID != c.post.URI {
		t.Errorf("new reply: %+v (found %v)", it, ok)
	}
	if len(b.Items) != 1 {
		t.Errorf("%d items, want 1", len(b.Items))
	}

	// A new own post enters the window and its thread is read.
	e.clk.Add(time.Hour)
	p2 := e.hw.add(ifeAcc, "Mañana sesiona el Consejo General", e.clk.Now().Add(-5*time.Minute), nil)
	b = e.mustPoll()
	if it, ok := itemsByID(b)[p2.URI]; !ok || it.Kind != connectors.KindPost || !it.Own {
		t.Errorf("new post: %+v (found %v)", it, ok)
	}
	st, err := decodeCursor(e.cur)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Window) != 2 || st.Window[0].URI != p2.URI {
		t.Errorf("window = %+v", st.Window)
	}
}

func TestPoll_LateIndexedPostInOverlap(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.conversation()
	e.mustPoll()
	// A mention whose client clock lags: created (and sorted) five minutes
	// before the newest notification already read (the late comment, an hour
	// before t0), indexed only now.
	e.clk.Add(time.Hour)
	m := e.hw.add(maria, "@ife.bsky.social ¿dónde está mi módulo?", t0.Add(-65*time.Minute), nil)
	e.hw.mu.Lock()
	m.Indexed, m.FirstIndexed = e.clk.Now(), e.clk.Now()
	e.hw.mu.Unlock()
	b := e.mustPoll()
	if _, ok := itemsByID(b)[m.URI]; !ok || len(b.Items) != 1 {
		t.Errorf("late-indexed mention: %d items %v", len(b.Items), b.Items)
	}
}

func TestPoll_Paging(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.PagesPerPoll = 1 })
	var posts []*fakePost
	for i := range 250 {
		posts = append(posts, e.hw.add(ifeAcc, fmt.Sprintf("Aviso %d", i), t0.Add(-time.Duration(250-i)*time.Hour), nil))
	}
	seen := map[string]int{}
	polls := 0
	for {
		polls++
		b := e.mustPoll()
		for _, it := range b.Items {
			seen[it.ExternalID]++
		}
		if !b.More {
			break
		}
		if polls > 10 {
			t.Fatal("More never cleared")
		}
	}
	if polls != 3 {
		t.Errorf("%d polls, want 3 pages of 100", polls)
	}
	for _, p := range posts {
		if seen[p.URI] != 1 {
			t.Errorf("%q delivered %d times", p.Text, seen[p.URI])
		}
	}
	st, _ := decodeCursor(e.cur)
	if len(st.Window) != DefaultWindowPosts || st.Window[0].URI != posts[len(posts)-1].URI {
		t.Errorf("window has %d posts, newest %v", len(st.Window), st.Window[0].URI)
	}
	e.clk.Add(time.Hour)
	if b := e.mustPoll(); len(b.Items) != 0 || b.Budget.Calls != 4 {
		t.Errorf("after the backfill: %d items, %d calls", len(b.Items), b.Budget.Calls)
	}
}

func TestPoll_Backfill_Horizon(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.Backfill = 24 * time.Hour })
	old := e.hw.add(ifeAcc, "Muy viejo", t0.Add(-48*time.Hour), nil)
	recent := e.hw.add(ifeAcc, "Reciente", t0.Add(-2*time.Hour), nil)
	got := itemsByID(e.mustPoll())
	if _, ok := got[old.URI]; ok {
		t.Error("a post before the backfill horizon was delivered")
	}
	if _, ok := got[recent.URI]; !ok {
		t.Error("a recent post was not delivered")
	}
}

func TestPoll_Errors(t *testing.T) {
	t.Parallel()
	reset := t0.Add(7*time.Minute + 30*time.Second)
	cases := []struct {
		name  string
		nsid  string
		reply func(w http.ResponseWriter)
		check func(err error) error
	}{
		{"rate_limited_reset_header", nsidGetAuthorFeed, func(w http.ResponseWriter) {
			w.Header().Set("RateLimit-Remaining", "0")
			w.Header().Set("RateLimit-Reset", fmt.Sprint(reset.Unix()))
			xrpcErr(w, http.StatusTooManyRequests, "RateLimitExceeded", "Rate Limit Exceeded")
		}, func(err error) error {
			var rl *connectors.RateLimitError
			if !errors.As(err, &rl) || !rl.Reset.Equal(reset.Truncate(time.Second)) {
				return fmt.Errorf("want a RateLimitError until %v", reset)
			}
			return nil
		}},
		{"rate_limited_retry_after", nsidListNotifications, func(w http.ResponseWriter) {
			w.Header().Del("RateLimit-Reset")
			w.Header().Set("Retry-After", "600")
			xrpcErr(w, http.StatusTooManyRequests, "RateLimitExceeded", "Rate Limit Exceeded")
		}, func(err error) error {
			var rl *connectors.RateLimitError
			if !errors.As(err, &rl) || !rl.Reset.Equal(t0.Add(10*time.Minute)) {
				return errors.New("want a RateLimitError 10 minutes on")
			}
			return nil
		}},
		{"server_error", nsidGetPosts, func(w http.ResponseWriter) {
			xrpcErr(w, http.StatusBadGateway, "UpstreamFailure", "Upstream Failure")
		}, wantReason(connectors.ReasonTransient)},
		{"malformed", nsidGetProfile, func(w http.ResponseWriter) {
			writeJSON(w, map[string]any{"handle": "x"})
		}, wantReason(connectors.ReasonMalformed)},
		{"truncated", nsidGetAuthorFeed, func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"feed":[{"post":{"uri":"at://did:plc:x/app.bsky.feed.post/3l`))
		}, wantReason(connectors.ReasonMalformed)},
		{"html_error_page", nsidGetAuthorFeed, func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte(`<html><body>maintenance</body></html>`))
		}, wantReason(connectors.ReasonMalformed)},
		{"profile_gone", nsidGetProfile, func(w http.ResponseWriter) {
			xrpcErr(w, http.StatusBadRequest, "InvalidRequest", "Profile not found")
		}, wantReason(connectors.ReasonNotFound)},
		{"account_takedown", nsidGetAuthorFeed, func(w http.ResponseWriter) {
			xrpcErr(w, http.StatusBadRequest, "AccountTakedown", "Account has been taken down")
		}, wantReason(connectors.ReasonAuth)},
		{"account_deactivated", nsidGetAuthorFeed, func(w http.ResponseWriter) {
			xrpcErr(w, http.StatusBadRequest, "AccountDeactivated", "Account is deactivated")
		}, wantReason(connectors.ReasonNotFound)},
		{"forbidden", nsidListNotifications, func(w http.ResponseWriter) {
			xrpcErr(w, http.StatusForbidden, "Forbidden", "Forbidden")
		}, wantReason(connectors.ReasonAuth)},
		{"bad_request", nsidGetPosts, func(w http.ResponseWriter) {
			xrpcErr(w, http.StatusBadRequest, "InvalidRequest", "Error: uris must not have more than 25 elements")
		}, wantReason(connectors.ReasonTransient)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, nil)
			e.conversation()
			e.mustPoll()
			before := e.cur
			e.clk.Add(time.Hour)
			e.hw.add(lupita, "@ife.bsky.social hola", e.clk.Now().Add(-time.Minute), nil)
			e.clk.Set(t0)
			e.fk.intercept = func(w http.ResponseWriter, r *http.Request) bool {
				if strings.HasSuffix(r.URL.Path, "/"+tc.nsid) {
					tc.reply(w)
					return true
				}
				return false
			}
			_, err := e.poll()
			if err == nil {
				t.Fatal("no error")
			}
			if cerr := tc.check(err); cerr != nil {
				t.Errorf("%v: got %v (%s)", cerr, err, connectors.Reason(err))
			}
			if !strings.HasPrefix(err.Error(), "bluesky: ") {
				t.Errorf("error %q does not name the network", err)
			}
			if !bytes.Equal(before, e.cur) {
				t.Error("the cursor moved")
			}
		})
	}
}

func wantReason(reason string) func(error) error {
	return func(err error) error {
		if r := connectors.Reason(err); r != reason {
			return fmt.Errorf("reason %s, want %s", r, reason)
		}
		return nil
	}
}

func TestPoll_ThreadGoneIsDeletion(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	p := e.hw.add(ifeAcc, "Aviso", t0.Add(-time.Hour), nil)
	// The thread read of the new post answers NotFound: it was deleted
	// between the feed and the thread.
	e.fk.intercept = func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "/"+nsidGetPostThread) {
			xrpcErr(w, http.StatusBadRequest, "NotFound", "Post not found: "+p.URI)
			return true
		}
		return false
	}
	b := e.mustPoll()
	if len(b.Deletions) != 1 || b.Deletions[0].ExternalID != p.URI {
		t.Errorf("deletions %+v", b.Deletions)
	}
	st, _ := decodeCursor(e.cur)
	if len(st.Window) != 0 {
		t.Errorf("window %+v", st.Window)
	}
}

func TestPoll_Rechecks(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.ThreadRechecks = 1 })
	e.hw.add(ifeAcc, "Uno", t0.Add(-3*time.Hour), nil)
	e.hw.add(ifeAcc, "Dos", t0.Add(-2*time.Hour), nil)
	e.mustPoll()
	for range 4 {
		e.clk.Add(time.Hour)
		if b := e.mustPoll(); b.Budget.Calls != 5 {
			t.Errorf("%d calls, want 4 plus one thread re-read", b.Budget.Calls)
		}
	}
}

func TestPoll_Canceled(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := e.conn.Poll(ctx, e.acct, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}

func TestPoll_RecheckRotation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.RecheckCalls = 1 })
	post := e.hw.add(ifeAcc, "Aviso", t0.Add(-10*time.Hour), nil)
	var replies []*fakePost
	for i := range 80 {
		replies = append(replies, e.hw.add(maria, fmt.Sprintf("Comentario %d", i), t0.Add(-9*time.Hour+time.Duration(i)*time.Minute), post))
	}
	e.mustPoll() // the 80 notified replies are read with 4 getPosts calls
	base := e.fk.count(nsidGetPosts)
	e.clk.Add(time.Hour)
	e.hw.edit(replies[70], "Comentario 70 (editado)", e.clk.Now().Add(-time.Hour+time.Minute))
	e.hw.remove(replies[5])
	var edited, deleted bool
	for i := range 4 { // 80 replies, 24 a poll beside the post: all within 4 polls
		b := e.mustPoll()
		if n := e.fk.count(nsidGetPosts) - base; n != i+1 {
			t.Fatalf("poll %d: getPosts called %d times in all, want one a poll", i, n)
		}
		if it, ok := itemsByID(b)[replies[70].URI]; ok && it.Text == "Comentario 70 (editado)" {
			edited = true
		}
		for _, d := range b.Deletions {
			deleted = deleted || d.ExternalID == replies[5].URI
		}
		e.clk.Add(time.Hour)
	}
	if !edited || !deleted {
		t.Errorf("after a full round: edit seen %v, deletion seen %v", edited, deleted)
	}
}
