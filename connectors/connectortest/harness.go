package connectortest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Harness tells Run how to test one network's connector against its fake
// server.
type Harness struct {
	// Network is the connector's network name.
	Network string
	// Token is the credential the fake server requires. It must never appear
	// in an error, a log line, an Item, a Profile or a Cursor.
	Token string
	// Account is the account polled. Its Credentials must include Token under
	// the network's credential name. Run fills an empty ID ("ife"), Network,
	// ExternalID (the scenario account's id through UserID) and Handle (the
	// scenario account's handle).
	Account connectors.Account
	// NewConnector builds the connector under test, pointed at baseURL (the
	// fake server) and using deps as given (the real connectors.HTTPClient with
	// short retry waits, a logger writing to a buffer, the suite's fake clock).
	NewConnector func(t testing.TB, baseURL string, deps connectors.Deps) connectors.Connector
	// Handler is the network's API rendering sc at the instant now() returns,
	// in its exact JSON shapes, paging, headers and error bodies; it calls
	// sc.FaultAt once per request and renders the fault it returns; it asserts
	// the auth header (t.Errorf, and answers as the network does to a bad
	// token).
	Handler func(t testing.TB, sc *Scenario, now func() time.Time) http.Handler
	// Reach is how long after an own post's creation the network lets the
	// connector find the replies under it (X recent search: 7 days); 0 means
	// unlimited. Replies created later are not required, but when returned
	// they must be right.
	Reach time.Duration
	// Recheck is how long after an own post's creation the connector keeps
	// re-checking the post and its conversation for edits and deletions (the
	// window age its configuration documents, as configured by NewConnector);
	// 0 means the connector does not re-check, and no edit or deletion is
	// required (those returned must still be right).
	Recheck time.Duration
	// Slack is how late, under hourly polls, the connector may notice an edit
	// or a deletion (its re-check cycle) or a profile change; 0 means 2h.
	Slack time.Duration
	// EditTimeUnknown says the network gives no edit time for comments and
	// replies (Facebook's Graph API): a comment or reply first seen already
	// edited may then carry a zero EditedAt ("unknown", as the contract allows);
	// edits noticed later must still carry a time.
	EditTimeUnknown bool
	// PostEditTimeUnknown says the network gives no edit time for posts
	// either (Threads, TikTok, YouTube videos): a post first seen already
	// edited may carry a zero EditedAt; edits noticed later must still carry
	// a time.
	PostEditTimeUnknown bool
	// TwoLevelReplies says the network threads conversations two levels
	// deep (YouTube): a reply to a reply is reported with ParentID the
	// comment heading its thread, the only parent the network gives.
	TwoLevelReplies bool
	// FlatReplies says the network has one reply level (Instagram): a reply
	// to a reply is attached to the top-level comment, which is then the
	// ParentID the connector must report, and whose deletion takes its
	// replies out of sight (they need not be marked deleted).
	FlatReplies bool
	// Backfill is how far back before its first poll the connector reads;
	// items created earlier are not required (when returned they must be
	// right); 0 means 168h.
	Backfill time.Duration
	// SteadyCalls is the most HTTP requests one poll may make when nothing
	// was created or edited and the profile did not change since the previous
	// successful poll, and nothing was deleted for Slack before it (noticing
	// a deletion by absence may take a lookup).
	SteadyCalls int
	// Seed selects the scenario (Month); 0 means 1.
	Seed int64
	// ItemID maps a scenario item id to the Item.ExternalID the connector
	// reports (Bluesky: an AT URI); nil is the identity.
	ItemID func(id string) string
	// UserID maps a scenario user or account id to the AuthorID the connector
	// reports (Bluesky: a DID); nil is the identity.
	UserID func(id string) string
	// Handle maps a user to the AuthorHandle the connector reports (Mastodon:
	// "handle@domain" for remote users); nil means u.Handle. The account's
	// own items must carry the scenario account's Handle.
	Handle func(u ScenarioUser) string
	// NoMentions says the network has no way to list mentions of the account
	// (TikTok's Business API, YouTube; Instagram reports them only through
	// webhooks): mentions are not required; those
	// returned must still be right.
	NoMentions bool
	// Name maps a user to the AuthorName the connector reports (Threads
	// and Instagram expose no display name of people: ""; YouTube: "@handle"); nil means
	// u.Name.
	Name func(u ScenarioUser) string
}

// Epoch is the instant Run's scenarios start at: a Monday, 06:00 UTC
// (midnight in Mexico City).
var Epoch = time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)

func (h *Harness) itemID(id string) string {
	if h.ItemID == nil || id == "" {
		return id
	}
	return h.ItemID(id)
}

func (h *Harness) userID(id string) string {
	if h.UserID == nil || id == "" {
		return id
	}
	return h.UserID(id)
}

func (h *Harness) handle(u ScenarioUser) string {
	if h.Handle == nil {
		return u.Handle
	}
	return h.Handle(u)
}

func (h *Harness) name(u ScenarioUser) string {
	if h.Name == nil {
		return u.Name
	}
	return h.Name(u)
}

func (h *Harness) slack() time.Duration {
	if h.Slack <= 0 {
		return 2 * time.Hour
	}
	return h.Slack
}

func (h *Harness) backfill() time.Duration {
	if h.Backfill <= 0 {
		return 168 * time.Hour
	}
	return h.Backfill
}

func (h *Harness) seed() int64 {
	if h.Seed == 0 {
		return 1
	}
	return h.Seed
}

// Run is the conformance suite every connector passes. Each subtest builds a
// fresh Month scenario, a fresh fake server from h.Handler and a fresh
// connector with a fake clock the suite advances, and polls like the agent:
// hourly, again at once while a batch says More, storing each successful
// batch in an in-memory archive with the real archive's semantics and keeping
// the previous cursor when a poll fails.
//
//   - month: a month polled hourly reproduces the scenario in the archive,
//     item by item (kind, parent, root, own, author, creation, every stored
//     version a version of the script in order, the final text within the
//     re-check window, deletions within it, no false deletions, nothing
//     missing within reach); every injected fault yields its error kind;
//     polls with nothing new (nothing created, edited or changed in the
//     profile since the previous successful poll, nothing deleted for Slack)
//     make at most SteadyCalls requests.
//   - resume_after_crash: a stale cursor (a crash between storing items and
//     cursor cannot happen, but a restore from backup can) and a rollback of
//     both archive and cursor lose nothing and add no spurious versions.
//   - resume_after_crash/outage: five days without polls lose nothing that
//     stayed visible.
//   - fault_mid_paging: a fault striking after the first requests of a
//     backfill, or of the catch-up after an outage, fails the poll (nothing
//     of it is stored, the cursor stays), and later polls recover everything.
//   - errors: each fault kind maps to its error: auth to ErrAuth, not_found
//     to ErrNotFound, rate_limited to a *RateLimitError whose Reset equals the
//     fault's, server_error to a transient error, malformed and truncated to
//     ErrMalformed; a failed poll returns an empty Batch.
//   - steady_state: with nothing new for Slack, a poll makes at most
//     SteadyCalls requests.
//   - network_faults: for each of NetFaultKinds (connection resets before
//     and during a body, a timeout, a slow body, 429 and 5xx storms,
//     truncated JSON, an HTML page) lasting three hourly polls, every poll
//     fails with the right kind (rate_limited for 429 in one request; malformed
//     for truncated JSON and HTML; transient otherwise), in at most
//     RetryMax+1 requests, without moving the cursor, and later polls recover
//     everything.
//
// Throughout: no Poll panics, Budget.Calls equals the requests the server
// saw, no batch lists an item twice, each Profile matches the scenario at
// that instant, and h.Token appears in no error, log line, item, profile or
// cursor.
func Run(t *testing.T, h Harness) {
	t.Helper()
	switch {
	case h.Network == "" || h.Token == "" || h.NewConnector == nil || h.Handler == nil:
		t.Fatal("connectortest: Harness needs Network, Token, NewConnector and Handler")
	case h.SteadyCalls <= 0:
		t.Fatal("connectortest: Harness.SteadyCalls must be positive")
	}
	t.Run("month", func(t *testing.T) {
		t.Parallel()
		testMonth(t, &h)
	})
	t.Run("resume_after_crash", func(t *testing.T) {
		t.Parallel()
		testResume(t, &h)
	})
	t.Run("fault_mid_paging", func(t *testing.T) {
		t.Parallel()
		testMidPaging(t, &h)
	})
	t.Run("errors", func(t *testing.T) {
		t.Parallel()
		testErrors(t, &h)
	})
	t.Run("steady_state", func(t *testing.T) {
		t.Parallel()
		testSteady(t, &h)
	})
	t.Run("network_faults", func(t *testing.T) {
		t.Parallel()
		testNetFaults(t, &h)
	})
}

// clock is the suite's fake clock.
type clock struct{ ns atomic.Int64 }

func (c *clock) Now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) Set(t time.Time)     { c.ns.Store(t.UnixNano()) }
func (c *clock) Add(d time.Duration) { c.ns.Add(int64(d)) }

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// runner polls one connector against one fake server.
type runner struct {
	t    testing.TB
	h    *Harness
	sc   *Scenario
	clk  *clock
	srv  *httptest.Server
	conn connectors.Connector
	acct connectors.Account
	arc  *memArchive
	logs *syncBuffer

	start  time.Time // the first poll
	served atomic.Int64
	// netFault, when set, is the network fault every request meets.
	netFault atomic.Pointer[string]
	// pollTimeout bounds each Poll; 0 means a minute.
	pollTimeout time.Duration
	retryMax    int
	okPolls     []time.Time
	profiles    []observedProfile
	lastTick    tickResult
}

type observedProfile struct {
	at time.Time
	p  connectors.Profile
}

type tickResult struct {
	at    time.Time
	err   error
	calls int
}

func newRunner(t testing.TB, h *Harness, sc *Scenario, start time.Time) *runner {
	t.Helper()
	r := &runner{t: t, h: h, sc: sc, clk: &clock{}, arc: newMemArchive(), logs: &syncBuffer{}, start: start}
	r.clk.Set(start)
	inner := h.Handler(t, sc, r.clk.Now)
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.served.Add(1)
		if kind := r.netFault.Load(); kind != nil {
			injectNetFault(t, *kind, inner, w, req)
			return
		}
		inner.ServeHTTP(w, req)
	}))
	t.Cleanup(r.srv.Close)
	logger := slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r.retryMax = 2
	client := connectors.NewHTTPClient(connectors.HTTPOptions{
		Timeout:      20 * time.Second,
		RetryMax:     r.retryMax,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
		Logger:       logger,
		Now:          r.clk.Now,
	})
	deps := connectors.Deps{HTTP: client, Logger: logger.With("network", h.Network), Now: r.clk.Now}
	r.conn = h.NewConnector(t, r.srv.URL, deps)
	if r.conn == nil {
		t.Fatal("connectortest: NewConnector returned nil")
	}
	if got := r.conn.Network(); got != h.Network {
		t.Errorf("Network() = %q, want %q", got, h.Network)
	}
	r.acct = h.Account
	if r.acct.ID == "" {
		r.acct.ID = "ife"
	}
	if r.acct.Network == "" {
		r.acct.Network = h.Network
	}
	if r.acct.ExternalID == "" {
		r.acct.ExternalID = h.userID(sc.Account.ID)
	}
	if r.acct.Handle == "" {
		r.acct.Handle = sc.Account.Handle
	}
	t.Cleanup(func() {
		if strings.Contains(r.logs.String(), h.Token) {
			t.Errorf("the token appears in the logs")
		}
	})
	return r
}

// maxMore bounds the consecutive More batches of one tick.
const maxMore = 500

// tick polls at the clock's instant like the agent does: again at once while
// the batch says More, committing each successful batch.
func (r *runner) tick() tickResult {
	r.t.Helper()
	now := r.clk.Now()
	res := tickResult{at: now}
	for i := 0; ; i++ {
		if i == maxMore {
			r.t.Errorf("%s: More still set after %d batches", now.Format(time.RFC3339), maxMore)
			res.err = errors.New("connectortest: endless More")
			break
		}
		before := r.served.Load()
		b, err := r.poll()
		calls := int(r.served.Load() - before)
		res.calls += calls
		r.checkLeaks(now, b, err)
		if err != nil {
			if !reflect.DeepEqual(b, connectors.Batch{}) {
				r.t.Errorf("%s: Poll failed (%v) but returned a non-empty Batch", now.Format(time.RFC3339), err)
			}
			res.err = err
			break
		}
		if b.Budget.Calls != calls {
			r.t.Errorf("%s: Budget.Calls = %d, the server saw %d requests", now.Format(time.RFC3339), b.Budget.Calls, calls)
		}
		if b.Budget.Remaining < -1 {
			r.t.Errorf("%s: Budget.Remaining = %d", now.Format(time.RFC3339), b.Budget.Remaining)
		}
		for _, p := range r.arc.commit(b, now) {
			r.t.Errorf("%s: %s", now.Format(time.RFC3339), p)
		}
		if b.Profile != nil {
			r.checkProfile(now, *b.Profile)
		}
		if !b.More {
			r.okPolls = append(r.okPolls, now)
			break
		}
	}
	r.lastTick = res
	return res
}

// poll calls Poll, turning a panic into a test failure.
func (r *runner) poll() (b connectors.Batch, err error) {
	defer func() {
		if p := recover(); p != nil {
			r.t.Errorf("%s: Poll panicked: %v\n%s", r.clk.Now().Format(time.RFC3339), p, debug.Stack())
			b, err = connectors.Batch{}, fmt.Errorf("connectortest: panic: %v", p)
		}
	}()
	timeout := r.pollTimeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(r.t.Context(), timeout)
	defer cancel()
	return r.conn.Poll(ctx, r.acct, r.arc.cursor)
}

// checkLeaks fails the test if the token shows in what a poll returned.
func (r *runner) checkLeaks(now time.Time, b connectors.Batch, err error) {
	tok := r.h.Token
	leak := func(where, s string) {
		if strings.Contains(s, tok) {
			r.t.Errorf("%s: the token appears in %s", now.Format(time.RFC3339), where)
		}
	}
	if err != nil {
		leak("the error", err.Error())
		leak("the error (%+v)", fmt.Sprintf("%+v", err))
	}
	leak("the cursor", string(b.Cursor))
	leak("the batch", fmt.Sprintf("%+v", b))
	for _, it := range b.Items {
		leak("an item's Raw", string(it.Raw))
		leak("an item", fmt.Sprintf("%+v", it))
	}
	if b.Profile != nil {
		leak("the profile's Raw", string(b.Profile.Raw))
		leak("the profile", fmt.Sprintf("%+v", *b.Profile))
	}
}

func (r *runner) checkProfile(now time.Time, p connectors.Profile) {
	want := r.sc.ProfileAt(now)
	r.profiles = append(r.profiles, observedProfile{at: now, p: p})
	at := now.Format(time.RFC3339)
	if p.ExternalID != r.h.userID(want.ID) {
		r.t.Errorf("%s: Profile.ExternalID = %q, want %q", at, p.ExternalID, r.h.userID(want.ID))
	}
	if p.Handle != want.Handle {
		r.t.Errorf("%s: Profile.Handle = %q, want %q", at, p.Handle, want.Handle)
	}
	if p.DisplayName != want.DisplayName {
		r.t.Errorf("%s: Profile.DisplayName = %q, want %q", at, p.DisplayName, want.DisplayName)
	}
	if p.Bio != want.Bio {
		r.t.Errorf("%s: Profile.Bio = %q, want %q", at, p.Bio, want.Bio)
	}
}

// hourly ticks every hour from the clock's instant to until, inclusive; each
// tick result goes to each.
func (r *runner) hourly(until time.Time, each func(tickResult)) {
	for !r.clk.Now().After(until) {
		res := r.tick()
		if each != nil {
			each(res)
		}
		r.clk.Add(time.Hour)
	}
}

// faultCovering returns the scenario fault whose interval holds t, without
// counting a request.
func (s *Scenario) faultCovering(t time.Time) *Fault {
	for i := range s.Faults {
		f := s.Faults[i]
		if !t.Before(f.From) && t.Before(f.Until) {
			return &f
		}
	}
	return nil
}

// checkErrKind reports whether err is the error a fault of the kind must give.
func checkErrKind(f *Fault, err error) error {
	if err == nil {
		return fmt.Errorf("no error for a %s fault", f.Kind)
	}
	var rl *connectors.RateLimitError
	switch f.Kind {
	case FaultAuth:
		if !errors.Is(err, connectors.ErrAuth) {
			return fmt.Errorf("%s fault: error %q does not wrap ErrAuth", f.Kind, err)
		}
	case FaultNotFound:
		if !errors.Is(err, connectors.ErrNotFound) {
			return fmt.Errorf("%s fault: error %q does not wrap ErrNotFound", f.Kind, err)
		}
	case FaultRateLimited:
		if !errors.As(err, &rl) {
			return fmt.Errorf("%s fault: error %q is not a *RateLimitError", f.Kind, err)
		}
		if !rl.Reset.Equal(f.Reset) {
			return fmt.Errorf("%s fault: RateLimitError.Reset = %v, want %v", f.Kind, rl.Reset, f.Reset)
		}
	case FaultServerError:
		if r := connectors.Reason(err); r != connectors.ReasonTransient {
			return fmt.Errorf("%s fault: error %q is %s, want transient", f.Kind, err, r)
		}
	case FaultMalformed, FaultTruncated:
		if !errors.Is(err, connectors.ErrMalformed) {
			return fmt.Errorf("%s fault: error %q does not wrap ErrMalformed", f.Kind, err)
		}
	default:
		return fmt.Errorf("unknown fault kind %q", f.Kind)
	}
	return nil
}

func testMonth(t *testing.T, h *Harness) {
	sc := Month(h.seed(), Epoch)
	r := newRunner(t, h, sc, sc.Start)
	var prev tickResult
	quiet := 0
	r.hourly(sc.End.Add(48*time.Hour), func(res tickResult) {
		at := res.at.Format(time.RFC3339)
		f := sc.faultCovering(res.at)
		switch {
		case f != nil && res.err != nil:
			if err := checkErrKind(f, res.err); err != nil {
				t.Errorf("%s: %v", at, err)
			}
		case f != nil && f.After == 0:
			t.Errorf("%s: a %s fault covers every request, but Poll succeeded", at, f.Kind)
		case res.err != nil:
			t.Errorf("%s: unexpected error: %v", at, res.err)
		}
		if res.err == nil && prev.err == nil && !prev.at.IsZero() && sc.quiet(prev.at, res.at, h.slack()) {
			quiet++
			if res.calls > h.SteadyCalls {
				t.Errorf("%s: nothing new since %s, yet the poll made %d requests (SteadyCalls %d)",
					at, prev.at.Format(time.RFC3339), res.calls, h.SteadyCalls)
			}
		}
		prev = res
	})
	t.Logf("%d items scripted, %d archived, %d quiet polls checked", len(sc.Items), len(r.arc.items), quiet)
	r.verify()
	r.verifyProfiles()
}

func testResume(t *testing.T, h *Harness) {
	t.Run("stale_cursor", func(t *testing.T) {
		t.Parallel()
		sc := Month(h.seed()+1, Epoch)
		r := newRunner(t, h, sc, sc.Start)
		cursors := map[time.Time]connectors.Cursor{}
		stale := sc.Start.Add(4 * 24 * time.Hour)
		crash := sc.Start.Add(6*24*time.Hour + 30*time.Minute)
		r.hourly(crash, func(res tickResult) {
			cursors[res.at] = append(connectors.Cursor(nil), r.arc.cursor...)
		})
		cur, ok := cursors[stale]
		if !ok {
			t.Fatal("no cursor saved at the stale instant")
		}
		r.arc.cursor = cur
		r.hourly(sc.Start.Add(10*24*time.Hour), nil)
		r.verify()
	})
	t.Run("outage", func(t *testing.T) {
		t.Parallel()
		sc := Month(h.seed()+6, Epoch)
		r := newRunner(t, h, sc, sc.Start)
		r.hourly(sc.Start.Add(3*24*time.Hour), nil)
		r.clk.Set(sc.Start.Add(8 * 24 * time.Hour))
		r.hourly(sc.Start.Add(12*24*time.Hour), func(res tickResult) {
			if res.err != nil && sc.faultCovering(res.at) == nil {
				t.Errorf("%s: %v", res.at.Format(time.RFC3339), res.err)
			}
		})
		r.verify()
	})
	t.Run("rollback", func(t *testing.T) {
		t.Parallel()
		sc := Month(h.seed()+2, Epoch)
		r := newRunner(t, h, sc, sc.Start)
		back := sc.Start.Add(5 * 24 * time.Hour)
		var saved *memArchive
		r.hourly(sc.Start.Add(6*24*time.Hour+30*time.Minute), func(res tickResult) {
			if res.at.Equal(back) {
				saved = r.arc.clone()
			}
		})
		if saved == nil {
			t.Fatal("no archive saved at the rollback instant")
		}
		r.arc = saved
		kept := r.okPolls[:0]
		for _, p := range r.okPolls {
			if !p.After(back) {
				kept = append(kept, p)
			}
		}
		r.okPolls = kept
		r.hourly(sc.Start.Add(10*24*time.Hour), nil)
		r.verify()
	})
}

func testMidPaging(t *testing.T, h *Harness) {
	for _, variant := range []string{"backfill", "catch_up"} {
		for _, kind := range []string{FaultRateLimited, FaultServerError, FaultMalformed, FaultTruncated} {
			for _, after := range []int{1, 2, 4} {
				t.Run(fmt.Sprintf("%s/%s_after_%d", variant, kind, after), func(t *testing.T) {
					t.Parallel()
					sc := Month(h.seed()+3, Epoch)
					// backfill: the first poll reads three days of history;
					// catch_up: after a day of polls, a five-day outage.
					begin, at := sc.Start.Add(3*24*time.Hour), sc.Start.Add(3*24*time.Hour)
					if variant == "catch_up" {
						begin, at = sc.Start.Add(24*time.Hour), sc.Start.Add(7*24*time.Hour)
					}
					f := Fault{From: at.Add(-time.Minute), Until: at.Add(20 * time.Minute), Kind: kind, After: after}
					if kind == FaultRateLimited {
						f.Reset = at.Add(15 * time.Minute)
					}
					sc.Faults = []Fault{f}
					r := newRunner(t, h, sc, begin)
					if variant == "catch_up" {
						r.hourly(begin.Add(23*time.Hour), func(res tickResult) {
							if res.err != nil {
								t.Errorf("%s: %v", res.at.Format(time.RFC3339), res.err)
							}
						})
						r.clk.Set(at)
					}
					before := append(connectors.Cursor(nil), r.arc.cursor...)
					if r.arc.cursor == nil {
						before = nil
					}
					res := r.tick()
					if res.calls > after {
						if err := checkErrKind(&f, res.err); err != nil {
							t.Errorf("%s: %v", variant, err)
						}
					} else {
						t.Logf("the poll made only %d requests; the fault after %d never struck", res.calls, after)
					}
					if res.err != nil && !bytes.Equal(before, r.arc.cursor) {
						t.Errorf("the cursor moved on a failed poll")
					}
					r.clk.Add(time.Hour)
					r.hourly(at.Add(2*24*time.Hour), func(res tickResult) {
						if res.err != nil {
							t.Errorf("%s: %v", res.at.Format(time.RFC3339), res.err)
						}
					})
					r.verify()
				})
			}
		}
	}
}

func testErrors(t *testing.T, h *Harness) {
	for _, kind := range FaultKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			sc := Month(h.seed()+4, Epoch)
			start := sc.Start.Add(2 * 24 * time.Hour)
			at := start.Add(time.Hour)
			f := Fault{From: at.Add(-time.Minute), Until: at.Add(20 * time.Minute), Kind: kind}
			if kind == FaultRateLimited {
				f.Reset = at.Add(12*time.Minute + 345*time.Millisecond)
			}
			sc.Faults = []Fault{f}
			r := newRunner(t, h, sc, start)
			if res := r.tick(); res.err != nil {
				t.Fatalf("first poll: %v", res.err)
			}
			before := append(connectors.Cursor(nil), r.arc.cursor...)
			r.clk.Set(at)
			res := r.tick()
			if err := checkErrKind(&f, res.err); err != nil {
				t.Error(err)
			}
			if !bytes.Equal(before, r.arc.cursor) {
				t.Error("the cursor moved on a failed poll")
			}
			r.clk.Set(at.Add(time.Hour))
			r.hourly(at.Add(24*time.Hour), func(res tickResult) {
				if res.err != nil {
					t.Errorf("%s: %v", res.at.Format(time.RFC3339), res.err)
				}
			})
			r.verify()
		})
	}
}

func testSteady(t *testing.T, h *Harness) {
	sc := Month(h.seed()+5, Epoch)
	sc.Faults = nil
	r := newRunner(t, h, sc, sc.End.Add(-3*24*time.Hour))
	r.hourly(sc.End.Add(h.slack()+time.Hour), func(res tickResult) {
		if res.err != nil {
			t.Errorf("%s: %v", res.at.Format(time.RFC3339), res.err)
		}
	})
	for i := 0; i < 3; i++ {
		r.clk.Add(time.Hour)
		res := r.tick()
		if res.err != nil {
			t.Fatalf("%s: %v", res.at.Format(time.RFC3339), res.err)
		}
		if res.calls > h.SteadyCalls {
			t.Errorf("%s: nothing new, yet the poll made %d requests (SteadyCalls %d)", res.at.Format(time.RFC3339), res.calls, h.SteadyCalls)
		}
	}
	r.verify()
}
