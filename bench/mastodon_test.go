package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/mastodon"
)

// newTestConnector returns the real Mastodon connector pointed at srv.
func newTestConnector(t *testing.T, srv *httptest.Server) *mastodon.Connector {
	t.Helper()
	cfg := mastodon.DefaultConfig()
	cfg.BaseURL = srv.URL
	c, err := mastodon.New(cfg, connectors.Deps{HTTP: connectors.NewHTTPClient(connectors.HTTPOptions{}),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func testAccount(mn *mastodonNet, i int) connectors.Account {
	a := mn.accounts[i]
	return connectors.Account{ID: "cuenta", Network: mastodon.Network, Handle: a.handle, ExternalID: a.id,
		Credentials: map[string]connectors.Secret{mastodon.CredentialToken: connectors.NewSecret(a.token)}}
}

// The load generator serves what the real connector reads: the window's posts
// and comments on the first poll, a live comment on the next, and a poll with
// nothing new costs Mastodon's minimum plus the one thread re-check.
func TestMastodonNet_RealConnector(t *testing.T) {
	mn := newMastodonNet(2, 3, 2, time.Now())
	srv := httptest.NewServer(mn.handler())
	defer srv.Close()
	c := newTestConnector(t, srv)
	ctx := context.Background()
	acct := testAccount(mn, 0)

	b, err := c.Poll(ctx, acct, nil)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[connectors.Kind]int{}
	for _, it := range b.Items {
		kinds[it.Kind]++
	}
	if kinds[connectors.KindPost] != 3 || kinds[connectors.KindComment] != 6 {
		t.Fatalf("first poll: %v, want 3 posts and 6 comments", kinds)
	}
	if b.Budget.Remaining != mastodonLimit-int(b.Budget.Calls) {
		t.Errorf("remaining %d after %d calls: the rate-limit headers do not count the calls", b.Budget.Remaining, b.Budget.Calls)
	}

	// mn.comment picks among the first half of the accounts: with two, account 0.
	id := mn.comment(time.Now())
	b2, err := c.Poll(ctx, acct, b.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	if len(b2.Items) != 1 || b2.Items[0].ExternalID != id || b2.Items[0].Kind != connectors.KindComment {
		t.Fatalf("second poll: %+v, want the live comment %s", b2.Items, id)
	}
	b3, err := c.Poll(ctx, acct, b2.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	// verify_credentials, statuses and notifications, plus at most one thread
	// re-check (none when every window post was checked this very second).
	if len(b3.Items) != 0 || b3.Budget.Calls < 3 || b3.Budget.Calls > 4 {
		t.Errorf("quiet poll: %d items, %d calls; want 0 items and 3 or 4 calls", len(b3.Items), b3.Budget.Calls)
	}
}

// The instance enforces Mastodon's 300 calls per 5 minutes per token and counts
// every request beyond it.
func TestMastodonNet_RateLimit(t *testing.T) {
	mn := newMastodonNet(2, 1, 0, time.Now())
	srv := httptest.NewServer(mn.handler())
	defer srv.Close()
	get := func(tok string) *http.Response {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/accounts/verify_credentials", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	tok := mn.accounts[0].token
	// The window may turn over during the loop: count 429s, and check the
	// headers of the last allowed call.
	for i := 0; i < mastodonLimit; i++ {
		if resp := get(tok); resp.StatusCode != http.StatusOK {
			t.Fatalf("call %d: status %d within the allowance", i+1, resp.StatusCode)
		}
	}
	resp := get(tok)
	if mn.accounts[0].window.Equal(time.Now().Truncate(mastodonWindow)) && resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("call 301 in one window: status %d, want 429", resp.StatusCode)
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		if mn.rejected.Load() != 1 || resp.Header.Get("X-RateLimit-Remaining") != "0" || resp.Header.Get("X-RateLimit-Reset") == "" {
			t.Errorf("429: rejected %d, remaining %q, reset %q", mn.rejected.Load(), resp.Header.Get("X-RateLimit-Remaining"), resp.Header.Get("X-RateLimit-Reset"))
		}
	}
	if r := get(mn.accounts[1].token); r.StatusCode != http.StatusOK {
		t.Errorf("another account's token: status %d; the limit is per token", r.StatusCode)
	}
	if r := get("not-a-token"); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("unknown token: status %d, want 401", r.StatusCode)
	}
}

// The generated configuration is one the agent accepts, with every account.
func TestConfigYAML_Valid(t *testing.T) {
	env := map[string]string{}
	for i := range 25 {
		env["VIGIA_BENCH_TOKEN_"+threeDigits(i)] = "t"
	}
	text := configYAML(t.TempDir()+"/a.db", "mastodon", 25, time.Minute, `  mastodon: {base_url: "http://127.0.0.1:1"}`,
		", credentials: {token: {env: VIGIA_BENCH_TOKEN_%N}}")
	cfg, err := agent.ParseConfig([]byte(text), "bench.yaml", func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	if n := len(cfg.AccountConfigs()); n != 25 {
		t.Errorf("%d accounts, want 25", n)
	}
}

func threeDigits(i int) string {
	return string([]byte{byte('0' + i/100), byte('0' + i/10%10), byte('0' + i%10)})
}
