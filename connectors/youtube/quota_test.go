package youtube

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
)

func TestQuotaDay(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		at    time.Time
		day   string
		reset time.Time
	}{
		// PST (UTC-8): midnight is 08:00 UTC.
		{time.Date(2026, 3, 2, 7, 59, 59, 0, time.UTC), "2026-03-01", time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)},
		{time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC), "2026-03-02", time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC)},
		// The day DST begins (Mar 8 2026) has 23 hours; the next midnight is PDT (UTC-7).
		{time.Date(2026, 3, 8, 12, 0, 0, 0, time.UTC), "2026-03-08", time.Date(2026, 3, 9, 7, 0, 0, 0, time.UTC)},
		// The day DST ends (Nov 1 2026) has 25 hours.
		{time.Date(2026, 11, 1, 7, 30, 0, 0, time.UTC), "2026-11-01", time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)},
		// 23:59 in Mexico City's summer evening is still the same Pacific day.
		{time.Date(2026, 8, 20, 6, 59, 0, 0, time.UTC), "2026-08-19", time.Date(2026, 8, 20, 7, 0, 0, 0, time.UTC)},
	} {
		day, reset := quotaDay(tc.at)
		if day != tc.day || !reset.Equal(tc.reset) {
			t.Errorf("quotaDay(%v) = %s, %v; want %s, %v", tc.at, day, reset, tc.day, tc.reset)
		}
	}
}

// unitCounter counts the requests a fake server saw per Pacific day.
type unitCounter struct {
	mu    sync.Mutex
	byDay map[string]int
	now   func() time.Time
}

func (u *unitCounter) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		day, _ := quotaDay(u.now())
		u.mu.Lock()
		u.byDay[day]++
		u.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (u *unitCounter) day(d string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.byDay[d]
}

// TestMonth_NeverExceedsDailyUnits polls the scripted month every 10 minutes
// with an allowance far below what that costs, faults included (server
// errors are retried, and each retry is a unit), restarting the connector
// every day at noon Pacific from the last cursor: no Pacific day ever sees
// more requests than the allowance (plus, on a restart, the units of the
// polls that failed since the last successful one: the cursor, the only
// state that survives, is written by successful polls), a refused poll
// makes no request and
// says when the quota resets (the next Pacific midnight), the connector's
// Budget agrees with the server's count, and polling resumes after each
// reset.
func TestMonth_NeverExceedsDailyUnits(t *testing.T) {
	t.Parallel()
	const allowance = 120
	sc := connectortest.Month(11, connectortest.Epoch)
	var mu sync.Mutex
	clock := sc.Start
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	uc := &unitCounter{byDay: map[string]int{}, now: now}
	srv := httptest.NewServer(uc.wrap(newFakeHandler(testToken, fakeOptions{embed: 1})(t, sc, now)))
	defer srv.Close()
	build := func() *Connector {
		c, err := New(Config{BaseURL: srv.URL, DailyUnits: allowance, PageSize: 3, CommentPageSize: 5, WindowAge: testWindow}, connectors.Deps{
			HTTP: connectors.NewHTTPClient(connectors.HTTPOptions{RetryMax: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond, Now: now}),
			Now:  now,
		})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := build()
	acct := testAccount()
	acct.ExternalID = channelID(sc.Account.ID)
	var cur connectors.Cursor
	refused, ok, days := 0, 0, map[string]bool{}
	lastRestart := ""
	sinceOK, lost := 0, map[string]int{} // units spent since the last successful poll; forgotten by restarts
	for at := sc.Start; at.Before(sc.End); at = at.Add(10 * time.Minute) {
		mu.Lock()
		clock = at
		mu.Unlock()
		day, reset := quotaDay(at)
		days[day] = true
		if p := at.In(pacific); p.Hour() == 12 && day != lastRestart {
			c, lastRestart = build(), day // a restart: the ledger comes back from the cursor
			lost[day] += sinceOK
		}
		before := uc.day(day)
		b, err := c.Poll(context.Background(), acct, cur)
		spent := uc.day(day) - before
		sinceOK += spent
		var rl *connectors.RateLimitError
		switch {
		case err == nil:
			ok++
			sinceOK = 0
			cur = b.Cursor
			if b.Budget.Calls != spent || b.Budget.Remaining != allowance-uc.day(day) || !b.Budget.Reset.Equal(reset) {
				t.Errorf("%s: budget %+v; the server saw %d requests, %d today", at.Format(time.RFC3339), b.Budget, spent, uc.day(day))
			}
		case errors.As(err, &rl) && errors.Is(err, errQuota):
			refused++
			if !rl.Reset.Equal(reset) {
				t.Errorf("%s: refused until %v, want the next Pacific midnight %v", at.Format(time.RFC3339), rl.Reset, reset)
			}
		case sc.FaultAt(at) == nil && connectors.Reason(err) != connectors.ReasonTransient:
			// Faults (and the retries they cost) are expected; anything else is not.
			t.Errorf("%s: %v", at.Format(time.RFC3339), err)
		}
		if n := uc.day(day); n > allowance+lost[day] {
			t.Fatalf("%s: %d requests on %s, over the allowance of %d (+%d forgotten by a restart)", at.Format(time.RFC3339), n, day, allowance, lost[day])
		}
	}
	// Every day the allowance ran out, and every day polling resumed.
	if refused == 0 || ok < len(days) {
		t.Errorf("%d polls refused, %d succeeded over %d days", refused, ok, len(days))
	}
	forgotten := 0
	for _, n := range lost {
		forgotten += n
	}
	t.Logf("%d days, %d polls succeeded, %d refused for quota, %d units forgotten by %d restarts", len(days), ok, refused, forgotten, len(days))
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"120", now.Add(2 * time.Minute), true},
		{"737.345", now.Add(737345 * time.Millisecond), true},
		{"Mon, 02 Mar 2026 18:05:00 GMT", now.Add(5 * time.Minute), true},
		{"", time.Time{}, false},
		{"0", time.Time{}, false},
		{"-5", time.Time{}, false},
		{"NaN", time.Time{}, false},
		{"Inf", time.Time{}, false},
		{"1e3", time.Time{}, false},
		{"0x10", time.Time{}, false},
		{"soon", time.Time{}, false},
	} {
		got, ok := retryAfter(http.Header{"Retry-After": {tc.in}}, now)
		if ok != tc.ok || !got.Equal(tc.want) {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestPoll_RetriesStopAtTheAllowance: retries of server errors are units
// too; the last unit of the day is the last attempt, however many retries
// the shared client would still make.
func TestPoll_RetriesStopAtTheAllowance(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		body, _ := os.ReadFile(filepath.Join("testdata", "error_backend.json"))
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	at := time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC)
	now := func() time.Time { return at }
	c, err := New(Config{BaseURL: srv.URL, DailyUnits: 3}, connectors.Deps{
		HTTP: connectors.NewHTTPClient(connectors.HTTPOptions{RetryMax: 5, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond}),
		Now:  now,
	})
	if err != nil {
		t.Fatal(err)
	}
	acct := replayAccount()
	if _, err := c.Poll(t.Context(), acct, nil); connectors.Reason(err) != connectors.ReasonTransient || hits.Load() != 3 {
		t.Fatalf("first poll: %v after %d requests; want a transient error after 3 (the allowance), not 6 (RetryMax)", err, hits.Load())
	}
	var rl *connectors.RateLimitError
	if _, err := c.Poll(t.Context(), acct, nil); !errors.As(err, &rl) || !rl.Reset.Equal(time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC)) || hits.Load() != 3 {
		t.Errorf("second poll: %v after %d requests; want rate limited until Pacific midnight, no request", err, hits.Load())
	}
}

// TestPoll_QuietPollUnitsWithDefaults measures what the README's quota
// arithmetic assumes: with the default configuration (pages of 50 videos and
// 100 threads, a 168h window, YouTube embedding up to five replies), a poll
// with nothing new costs 3 units, plus at most reply_rechecks (2) for threads
// with more replies than they embed.
func TestPoll_QuietPollUnitsWithDefaults(t *testing.T) {
	t.Parallel()
	sc := connectortest.Month(7, connectortest.Epoch)
	sc.Faults = nil
	var mu sync.Mutex
	clock := sc.Start
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	srv := httptest.NewServer(newFakeHandler(testToken, fakeOptions{embed: 5})(t, sc, now))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL}, connectors.Deps{HTTP: connectors.NewHTTPClient(connectors.HTTPOptions{RetryMax: -1}), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	acct := testAccount()
	acct.ExternalID = channelID(sc.Account.ID)
	var cur connectors.Cursor
	hist := map[int]int{}
	var prev time.Time
	for at := sc.Start; !at.After(sc.End); at = at.Add(2 * time.Hour) {
		mu.Lock()
		clock = at
		mu.Unlock()
		b, err := c.Poll(t.Context(), acct, cur)
		if err != nil {
			t.Fatalf("%s: %v", at.Format(time.RFC3339), err)
		}
		cur = b.Cursor
		if !prev.IsZero() && !sc.Changed(prev, at) {
			hist[b.Budget.Calls]++
			if b.Budget.Calls > 3+DefaultReplyRechecks {
				t.Errorf("%s: a quiet poll cost %d units", at.Format(time.RFC3339), b.Budget.Calls)
			}
		}
		prev = at
	}
	t.Logf("quiet polls by units: %v", hist)
}

// TestPoll_ProjectsShareOneAllowance: accounts of one Google Cloud project
// polled concurrently spend one allowance between them; an account of
// another project (options.quota_project) has its own.
func TestPoll_ProjectsShareOneAllowance(t *testing.T) {
	t.Parallel()
	const allowance = 30
	sc := connectortest.Month(5, connectortest.Epoch)
	sc.Faults = nil
	at := sc.Start.Add(4 * 24 * time.Hour)
	now := func() time.Time { return at }
	var hits atomic.Int64
	inner := newFakeHandler(testToken, fakeOptions{})(t, sc, now)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		inner.ServeHTTP(w, r)
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, DailyUnits: allowance}, connectors.Deps{HTTP: connectors.NewHTTPClient(connectors.HTTPOptions{RetryMax: -1}), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	poll := func(id, project string, n int) (ok, refused int) {
		acct := testAccount()
		acct.ID, acct.ExternalID = id, channelID(sc.Account.ID)
		if project != "" {
			acct.Options = map[string]string{OptionQuotaProject: project}
		}
		var cur connectors.Cursor
		for i := 0; i < n; i++ {
			b, err := c.Poll(t.Context(), acct, cur)
			var rl *connectors.RateLimitError
			switch {
			case err == nil:
				ok++
				cur = b.Cursor
			case errors.As(err, &rl):
				refused++
			default:
				t.Errorf("%s: %v", id, err)
			}
		}
		return ok, refused
	}
	var wg sync.WaitGroup
	var refusedShared atomic.Int64
	for _, id := range []string{"a", "b", "c"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, r := poll(id, "", 10)
			refusedShared.Add(int64(r))
		}()
	}
	wg.Wait()
	if n := hits.Load(); n > allowance || refusedShared.Load() == 0 {
		t.Fatalf("three accounts of one project made %d requests (allowance %d), %d polls refused", n, allowance, refusedShared.Load())
	}
	before := hits.Load()
	if ok, _ := poll("d", "otro-proyecto", 2); ok != 2 || hits.Load()-before > allowance {
		t.Errorf("an account of another project: %d polls ok, %d requests", ok, hits.Load()-before)
	}
}

// TestPoll_CostAboveTheAllowance: a poll that cost more than the whole
// allowance (a large backfill) does not lock the account out: a fresh day's
// poll starts, and spends the day's units.
func TestPoll_CostAboveTheAllowance(t *testing.T) {
	t.Parallel()
	rs := newReplay(t, okRoutes)
	var now atomic.Int64
	now.Store(time.Date(2026, 8, 27, 9, 0, 0, 0, time.UTC).UnixNano())
	c := replayConnector(t, rs, &now, Config{DailyUnits: 3})
	cur, _ := decodeCursor(nil)
	cur.Cost = 50
	var rl *connectors.RateLimitError
	_, err := c.Poll(context.Background(), replayAccount(), cur.encode())
	if !errors.As(err, &rl) || !errors.Is(err, errQuota) || rs.hits.Load() != 3 {
		t.Errorf("%v after %d requests; want a poll that starts and stops at the 3 units of the day", err, rs.hits.Load())
	}
}
