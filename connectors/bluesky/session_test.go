package bluesky

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

func (f *fake) sessionCounts() (logins, refreshes int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.logins, f.refreshs
}

func TestSession_OneLoginForManyPolls(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.fk.accessTTL = 2 * time.Hour
	e.conversation()
	for range 12 { // six hours, polled every half hour
		e.mustPoll()
		e.clk.Add(30 * time.Minute)
	}
	logins, refreshes := e.fk.sessionCounts()
	if logins != 1 {
		t.Errorf("%d createSession calls for 12 polls, want 1", logins)
	}
	// The access token lives 2h and is renewed a minute before it expires,
	// without a rejected call first.
	// Polls at 2h and 4h find the token about to expire.
	if refreshes != 2 {
		t.Errorf("%d refreshSession calls in 6h of 2h tokens, want 2", refreshes)
	}
	if n := e.fk.count(nsidListNotifications); n != 12 {
		t.Errorf("listNotifications called %d times for 12 polls: a call was rejected and retried", n)
	}
}

func TestSession_RefreshOnExpiredToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.conversation()
	e.mustPoll()
	// The service expires the token early (the JWT still says it is valid):
	// the call is answered ExpiredToken, the session refreshed and the call
	// made again.
	e.fk.expireAll()
	e.clk.Add(time.Hour)
	b := e.mustPoll()
	logins, refreshes := e.fk.sessionCounts()
	if logins != 1 || refreshes != 1 {
		t.Errorf("logins %d, refreshes %d; want 1 and 1", logins, refreshes)
	}
	if n := e.fk.count(nsidListNotifications); n != 3 {
		t.Errorf("listNotifications called %d times, want 3 (one per poll, one retried)", n)
	}
	// Budget.Calls counts every request, the refresh and the retry included.
	if b.Budget.Calls != 6 {
		t.Errorf("Budget.Calls = %d, want 6", b.Budget.Calls)
	}
}

func TestSession_RevokedRefreshLogsInAgain(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.conversation()
	e.mustPoll()
	e.fk.mu.Lock()
	clear(e.fk.refresh)
	e.fk.mu.Unlock()
	e.fk.expireAll()
	e.clk.Add(time.Hour)
	e.mustPoll()
	logins, refreshes := e.fk.sessionCounts()
	if logins != 2 || refreshes != 1 {
		t.Errorf("logins %d, refreshes %d; want 2 and 1", logins, refreshes)
	}
}

func TestSession_InvalidTokenLogsInAgain(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.conversation()
	e.mustPoll()
	e.fk.mu.Lock()
	clear(e.fk.access) // the service forgot the session
	e.fk.mu.Unlock()
	e.clk.Add(time.Hour)
	e.mustPoll()
	if logins, refreshes := e.fk.sessionCounts(); logins != 2 || refreshes != 0 {
		t.Errorf("logins %d, refreshes %d; want 2 and 0", logins, refreshes)
	}
}

func TestSession_BadPassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.conversation()
	bad := "wxyz-wxyz-wxyz-wxyz"
	e.acct.Credentials = map[string]connectors.Secret{CredentialAppPassword: connectors.NewSecret(bad)}
	_, err := e.poll()
	if !errors.Is(err, connectors.ErrAuth) {
		t.Fatalf("err = %v, want ErrAuth", err)
	}
	for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), e.logs.String()} {
		if strings.Contains(s, bad) {
			t.Errorf("the rejected password leaks: %s", s)
		}
	}
	// createSession is limited: the same credentials are not tried again
	// for five minutes, and every poll meanwhile is an auth error.
	e.clk.Add(4 * time.Minute)
	if _, err := e.poll(); !errors.Is(err, connectors.ErrAuth) {
		t.Errorf("second poll: %v", err)
	}
	if logins, _ := e.fk.sessionCounts(); logins != 1 {
		t.Errorf("%d createSession calls within the hold-off, want 1", logins)
	}
	e.clk.Add(2 * time.Minute)
	if _, err := e.poll(); !errors.Is(err, connectors.ErrAuth) {
		t.Errorf("third poll: %v", err)
	}
	if logins, _ := e.fk.sessionCounts(); logins != 2 {
		t.Errorf("%d createSession calls after the hold-off, want 2", logins)
	}
	// A corrected password is tried at once.
	e.acct.Credentials = map[string]connectors.Secret{CredentialAppPassword: connectors.NewSecret(testPassword)}
	e.mustPoll()
	if logins, _ := e.fk.sessionCounts(); logins != 3 {
		t.Errorf("%d createSession calls, want 3", logins)
	}
}

func TestSession_PasswordChangeLogsInAgain(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.mustPoll()
	e.fk.password = "nnnn-nnnn-nnnn-nnnn"
	e.acct.Credentials = map[string]connectors.Secret{CredentialAppPassword: connectors.NewSecret(e.fk.password)}
	e.clk.Add(time.Hour)
	e.mustPoll()
	if logins, _ := e.fk.sessionCounts(); logins != 2 {
		t.Errorf("%d logins, want 2", logins)
	}
}

func TestSession_Concurrent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.conversation()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Go(func() {
			if i%2 == 0 {
				errs <- e.conn.Probe(t.Context(), e.acct)
				return
			}
			_, err := e.conn.Poll(t.Context(), e.acct, nil)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if logins, _ := e.fk.sessionCounts(); logins != 1 {
		t.Errorf("%d createSession calls for concurrent polls of one account, want 1", logins)
	}
}

func TestSession_PerAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.mustPoll()
	other := e.acct
	other.ID = "otro"
	if _, err := e.conn.Poll(t.Context(), other, nil); err != nil {
		t.Fatal(err)
	}
	if logins, _ := e.fk.sessionCounts(); logins != 2 {
		t.Errorf("%d logins for two accounts, want 2", logins)
	}
}

func TestSession_Credentials(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		edit func(*connectors.Account)
		want error
	}{
		{"no_password", func(a *connectors.Account) { a.Credentials = nil }, connectors.ErrAuth},
		{"empty_password", func(a *connectors.Account) {
			a.Credentials = map[string]connectors.Secret{CredentialAppPassword: connectors.NewSecret("")}
		}, connectors.ErrAuth},
		{"no_identifier", func(a *connectors.Account) { a.Handle = "" }, connectors.ErrAuth},
		{"identifier_option", func(a *connectors.Account) {
			a.Handle = "otro.handle"
			a.Options = map[string]string{OptionIdentifier: ifeAcc.DID}
		}, nil},
		{"handle_with_at", func(a *connectors.Account) { a.Handle = "@" + ifeAcc.Handle }, nil},
		{"other_account", func(a *connectors.Account) { a.ExternalID = fakeDID("someone else") }, connectors.ErrAuth},
		{"handle_as_external_id", func(a *connectors.Account) { a.ExternalID = ifeAcc.Handle }, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, nil)
			tc.edit(&e.acct)
			_, err := e.poll()
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestSession_InactiveAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.fk.intercept = func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, nsidCreateSession) {
			writeJSON(w, map[string]any{"did": ifeAcc.DID, "handle": ifeAcc.Handle, "accessJwt": "a.b.c", "refreshJwt": "d.e.f",
				"active": false, "status": "deactivated"})
			return true
		}
		return false
	}
	_, err := e.poll()
	if !errors.Is(err, connectors.ErrNotFound) || !strings.Contains(err.Error(), "deactivated") {
		t.Errorf("err = %v, want ErrNotFound naming the status", err)
	}
}

func TestSession_LoginRateLimited(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	reset := t0.Add(5 * time.Minute)
	e.fk.intercept = func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, nsidCreateSession) {
			w.Header().Set("RateLimit-Remaining", "0")
			w.Header().Set("RateLimit-Reset", fmt.Sprint(reset.Unix()))
			w.Header().Set("RateLimit-Policy", "30;w=300")
			xrpcErr(w, http.StatusTooManyRequests, "RateLimitExceeded", "Rate Limit Exceeded")
			return true
		}
		return false
	}
	_, err := e.poll()
	var rl *connectors.RateLimitError
	if !errors.As(err, &rl) || !rl.Reset.Equal(reset) {
		t.Errorf("err = %v, want a RateLimitError until %v", err, reset)
	}
}

func TestJWTExpiry(t *testing.T) {
	t.Parallel()
	f := newFake(t, func() time.Time { return t0 }, "", nil)
	tok := f.jwt("com.atproto.access", ifeAcc.DID, t0.Add(2*time.Hour))
	if got := jwtExpiry(tok); !got.Equal(t0.Add(2 * time.Hour)) {
		t.Errorf("jwtExpiry = %v", got)
	}
	for _, bad := range []string{"", "a.b", "a.b.c", "a.e30.c", "a.eyJleHAiOiJ4In0.c", "a.eyJleHAiOi0xfQ.c"} {
		if got := jwtExpiry(bad); !got.IsZero() {
			t.Errorf("jwtExpiry(%q) = %v, want zero", bad, got)
		}
	}
}
