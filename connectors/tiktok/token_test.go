package tiktok

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

const (
	testAppID        = "7301234567890123456"
	testAppSecret    = "0f9e8d7c6b5a49382716APPSECRET"
	testRefreshToken = "rft.9f8e7d6c5b4a3928REFRESH"
)

// fakeOAuth is a Business API whose access tokens expire: the refresh
// endpoint issues numbered tokens valid for a day, and every other call
// answers 40105 to a token it did not issue or that expired.
type fakeOAuth struct {
	t   *testing.T
	now func() time.Time

	mu       sync.Mutex
	valid    map[string]time.Time // token → expiry
	issued   int
	refuse   bool // the refresh token is refused
	renewals atomic.Int32
	reqs     atomic.Int32
}

func (f *fakeOAuth) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.reqs.Add(1)
	write := func(code int, msg string, data any) {
		b, _ := json.Marshal(map[string]any{"code": code, "message": msg, "request_id": "202608201200", "data": data})
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	}
	path := strings.TrimPrefix(r.URL.Path, "/open_api/"+testVersion)
	if path == "/tt_user/oauth2/refresh_token/" {
		f.renewals.Add(1)
		var body map[string]string
		if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&body) != nil {
			f.t.Errorf("refresh: %s with a body that is not JSON", r.Method)
		}
		if body["client_id"] != testAppID || body["client_secret"] != testAppSecret || body["grant_type"] != "refresh_token" || body["refresh_token"] != testRefreshToken {
			f.t.Errorf("refresh body = %v", body)
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.refuse {
			write(40002, "refresh_token: "+testRefreshToken+" is invalid or expired.", map[string]any{})
			return
		}
		f.issued++
		tok := fmt.Sprintf("act.renewed.%d", f.issued)
		f.valid[tok] = f.now().Add(24 * time.Hour)
		write(0, "OK", map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 86400,
			"refresh_token": testRefreshToken, "refresh_token_expires_in": 31535000, "open_id": testBusinessID, "scope": "user.info.basic,video.list,comment.list"})
		return
	}
	f.mu.Lock()
	exp, ok := f.valid[r.Header.Get("Access-Token")]
	f.mu.Unlock()
	if !ok || !f.now().Before(exp) {
		write(40105, "Access token is incorrect or has been revoked.", map[string]any{})
		return
	}
	switch path {
	case "/business/get/":
		_, _ = w.Write(readTestdata(f.t, "business.json"))
	case "/business/video/list/":
		write(0, "OK", map[string]any{"videos": []any{}, "cursor": 0, "has_more": false})
	default:
		f.t.Errorf("unexpected path %s", r.URL.Path)
	}
}

func newOAuthEnv(t *testing.T, creds map[string]string) (*Connector, *fakeOAuth, connectors.Account, *atomic.Int64) {
	t.Helper()
	var clock atomic.Int64
	clock.Store(testNow.UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()).UTC() }
	f := &fakeOAuth{t: t, now: now, valid: map[string]time.Time{"act.configured": testNow.Add(time.Hour)}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := New(Config{BaseURL: srv.URL + "/open_api", APIVersion: testVersion}, connectors.Deps{
		HTTP: connectors.NewHTTPClient(connectors.HTTPOptions{RetryMax: -1}),
		Now:  now,
	})
	if err != nil {
		t.Fatal(err)
	}
	acct := connectors.Account{ID: "ife-tiktok", Network: Network, ExternalID: testBusinessID, Credentials: map[string]connectors.Secret{}}
	for k, v := range creds {
		acct.Credentials[k] = connectors.NewSecret(v)
	}
	return c, f, acct, &clock
}

func refreshCreds(token string) map[string]string {
	m := map[string]string{CredentialAppID: testAppID, CredentialAppSecret: testAppSecret, CredentialRefreshToken: testRefreshToken}
	if token != "" {
		m[CredentialToken] = token
	}
	return m
}

func TestToken_Renewal(t *testing.T) {
	t.Parallel()
	t.Run("obtained from the refresh token, reused, renewed before expiry", func(t *testing.T) {
		t.Parallel()
		c, f, acct, clock := newOAuthEnv(t, refreshCreds(""))
		b, err := c.Poll(context.Background(), acct, nil)
		if err != nil {
			t.Fatal(err)
		}
		if f.renewals.Load() != 1 || b.Budget.Calls != 3 || int(f.reqs.Load()) != b.Budget.Calls {
			t.Errorf("renewals %d, Budget.Calls %d, server saw %d: want 1 renewal among 3 calls", f.renewals.Load(), b.Budget.Calls, f.reqs.Load())
		}
		clock.Add(int64(23 * time.Hour))
		if _, err := c.Poll(context.Background(), acct, b.Cursor); err != nil {
			t.Fatal(err)
		}
		if f.renewals.Load() != 1 {
			t.Errorf("renewed again while the token was valid")
		}
		clock.Add(int64(50 * time.Minute)) // within renewMargin of the expiry
		if _, err := c.Poll(context.Background(), acct, b.Cursor); err != nil {
			t.Fatal(err)
		}
		if f.renewals.Load() != 2 {
			t.Errorf("renewals = %d, want 2", f.renewals.Load())
		}
	})
	t.Run("a configured token that expired is renewed once", func(t *testing.T) {
		t.Parallel()
		c, f, acct, clock := newOAuthEnv(t, refreshCreds("act.configured"))
		if _, err := c.Poll(context.Background(), acct, nil); err != nil || f.renewals.Load() != 0 {
			t.Fatalf("with a valid token: %v, %d renewals", err, f.renewals.Load())
		}
		clock.Add(int64(2 * time.Hour))
		if _, err := c.Poll(context.Background(), acct, nil); err != nil {
			t.Fatal(err)
		}
		if f.renewals.Load() != 1 {
			t.Errorf("renewals = %d, want 1", f.renewals.Load())
		}
	})
	t.Run("a refused refresh token is an auth error that repeats no credential", func(t *testing.T) {
		t.Parallel()
		c, f, acct, _ := newOAuthEnv(t, refreshCreds(""))
		f.mu.Lock()
		f.refuse = true
		f.mu.Unlock()
		_, err := c.Poll(context.Background(), acct, nil)
		if !errors.Is(err, connectors.ErrAuth) {
			t.Fatalf("error %v does not wrap ErrAuth", err)
		}
		for _, s := range []string{testAppSecret, testRefreshToken} {
			if strings.Contains(err.Error(), s) {
				t.Errorf("the error repeats a credential: %v", err)
			}
		}
	})
	t.Run("without refresh credentials an expired token stops the account", func(t *testing.T) {
		t.Parallel()
		c, f, acct, clock := newOAuthEnv(t, map[string]string{CredentialToken: "act.configured"})
		clock.Add(int64(2 * time.Hour))
		if _, err := c.Poll(context.Background(), acct, nil); !errors.Is(err, connectors.ErrAuth) || f.renewals.Load() != 0 {
			t.Errorf("error %v, %d renewals", err, f.renewals.Load())
		}
	})
}
