package connectors_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a slog handler.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fastOptions are client options with millisecond backoff and a debug logger
// writing to the returned buffer.
func fastOptions() (connectors.HTTPOptions, *syncBuffer) {
	logs := &syncBuffer{}
	return connectors.HTTPOptions{
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
		Logger:       slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}, logs
}

// testNow is the fixed clock of the tests; whole seconds, so HTTP dates round-trip.
var testNow = time.Date(2026, 8, 20, 10, 30, 0, 0, time.UTC)

func TestHTTPClient_Get(t *testing.T) {
	t.Parallel()

	t.Run("retries a 503 then succeeds, counting both calls", func(t *testing.T) {
		t.Parallel()
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			if hits.Add(1) == 1 {
				http.Error(w, "busy", http.StatusServiceUnavailable)
				return
			}
			_, _ = io.WriteString(w, `{"ok":true}`)
		}))
		defer srv.Close()
		opts, _ := fastOptions()
		c := connectors.NewHTTPClient(opts)
		cc := &connectors.CallCounter{}

		resp, err := c.Get(connectors.WithCallCounter(t.Context(), cc), srv.URL+"/x", nil)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if resp.Status != http.StatusOK || string(resp.Body) != `{"ok":true}` {
			t.Errorf("got %d %q, want 200 {\"ok\":true}", resp.Status, resp.Body)
		}
		if got := cc.Load(); got != 2 {
			t.Errorf("counter = %d, want 2", got)
		}
		if got := hits.Load(); got != 2 {
			t.Errorf("server hits = %d, want 2", got)
		}
	})

	t.Run("returns the last 5xx response when retries run out", func(t *testing.T) {
		t.Parallel()
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			hits.Add(1)
			w.WriteHeader(http.StatusBadGateway)
		}))
		defer srv.Close()
		opts, _ := fastOptions()
		opts.RetryMax = 2
		c := connectors.NewHTTPClient(opts)
		cc := &connectors.CallCounter{}

		resp, err := c.Get(connectors.WithCallCounter(t.Context(), cc), srv.URL, nil)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if resp.Status != http.StatusBadGateway {
			t.Errorf("status = %d, want 502", resp.Status)
		}
		if hits.Load() != 3 || cc.Load() != 3 {
			t.Errorf("hits = %d, counter = %d, want 3 and 3", hits.Load(), cc.Load())
		}
		if got := connectors.Reason(connectors.StatusError("x", "list posts", resp, testNow)); got != connectors.ReasonTransient {
			t.Errorf("reason = %q, want transient", got)
		}
	})

	t.Run("does not retry a 4xx", func(t *testing.T) {
		t.Parallel()
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			hits.Add(1)
			w.WriteHeader(http.StatusUnauthorized)
		}))
		defer srv.Close()
		opts, _ := fastOptions()
		resp, err := connectors.NewHTTPClient(opts).Get(t.Context(), srv.URL, nil)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if resp.Status != http.StatusUnauthorized || hits.Load() != 1 {
			t.Errorf("status = %d after %d hits, want 401 after 1", resp.Status, hits.Load())
		}
	})

	t.Run("sends the default user agent and the given headers", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if ua := r.Header.Get("User-Agent"); ua != "vigia" {
				t.Errorf("User-Agent = %q, want vigia", ua)
			}
			if a := r.Header.Get("Accept"); a != "application/json" {
				t.Errorf("Accept = %q, want application/json", a)
			}
		}))
		defer srv.Close()
		opts, _ := fastOptions()
		h := http.Header{"Accept": {"application/json"}}
		if _, err := connectors.NewHTTPClient(opts).Get(t.Context(), srv.URL, h); err != nil {
			t.Fatalf("Get: %v", err)
		}
	})

	t.Run("reads a body at the size limit", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write(bytes.Repeat([]byte("a"), 1024))
		}))
		defer srv.Close()
		opts, _ := fastOptions()
		opts.MaxBody = 1024
		resp, err := connectors.NewHTTPClient(opts).Get(t.Context(), srv.URL, nil)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if len(resp.Body) != 1024 {
			t.Errorf("body has %d bytes, want 1024", len(resp.Body))
		}
	})

	t.Run("rejects an oversized body as malformed", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write(bytes.Repeat([]byte("a"), 4096))
		}))
		defer srv.Close()
		opts, _ := fastOptions()
		opts.MaxBody = 1024
		_, err := connectors.NewHTTPClient(opts).Get(t.Context(), srv.URL, nil)
		if !errors.Is(err, connectors.ErrMalformed) {
			t.Fatalf("err = %v, want ErrMalformed", err)
		}
		if !strings.Contains(err.Error(), "1024") {
			t.Errorf("err = %q, want it to name the limit 1024", err)
		}
	})
}

func TestHTTPClient_Get_RateLimited(t *testing.T) {
	t.Parallel()

	// server answers with status and headers on the first call and 200 after.
	server := func(t *testing.T, status int, header http.Header) (*httptest.Server, *atomic.Int32) {
		t.Helper()
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			if hits.Add(1) == 1 {
				for k, vs := range header {
					w.Header()[k] = vs
				}
				w.WriteHeader(status)
				_, _ = io.WriteString(w, `{"title":"Too Many Requests","status":429}`)
				return
			}
			_, _ = io.WriteString(w, `{}`)
		}))
		t.Cleanup(srv.Close)
		return srv, &hits
	}

	tests := []struct {
		name      string
		header    http.Header
		wantHits  int32
		wantReset time.Time // for a 429 handed back to the caller
	}{
		{
			name:      "long Retry-After in seconds is handed back without retry",
			header:    http.Header{"Retry-After": {"3600"}},
			wantHits:  1,
			wantReset: testNow.Add(time.Hour),
		},
		{
			name:      "long Retry-After as an HTTP date is handed back without retry",
			header:    http.Header{"Retry-After": {testNow.Add(2 * time.Hour).Format(http.TimeFormat)}},
			wantHits:  1,
			wantReset: testNow.Add(2 * time.Hour),
		},
		{
			name: "429 without Retry-After is handed back, reset from the X headers",
			header: http.Header{
				"X-Rate-Limit-Limit":     {"300"},
				"X-Rate-Limit-Remaining": {"0"},
				"X-Rate-Limit-Reset":     {"1787223600"},
			},
			wantHits:  1,
			wantReset: time.Unix(1787223600, 0),
		},
		{
			name:     "short Retry-After in seconds is retried",
			header:   http.Header{"Retry-After": {"0"}},
			wantHits: 2,
		},
		{
			name:     "Retry-After HTTP date already reached is retried",
			header:   http.Header{"Retry-After": {testNow.Format(http.TimeFormat)}},
			wantHits: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, hits := server(t, http.StatusTooManyRequests, tt.header)
			opts, _ := fastOptions()
			opts.Now = func() time.Time { return testNow }
			cc := &connectors.CallCounter{}

			resp, err := connectors.NewHTTPClient(opts).Get(connectors.WithCallCounter(t.Context(), cc), srv.URL, nil)
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if got := hits.Load(); got != tt.wantHits {
				t.Errorf("server hits = %d, want %d", got, tt.wantHits)
			}
			if got := cc.Load(); got != int(tt.wantHits) {
				t.Errorf("counter = %d, want %d", got, tt.wantHits)
			}
			if tt.wantReset.IsZero() {
				if resp.Status != http.StatusOK {
					t.Errorf("status = %d, want 200 after the retry", resp.Status)
				}
				return
			}
			if resp.Status != http.StatusTooManyRequests {
				t.Fatalf("status = %d, want 429", resp.Status)
			}
			err = connectors.StatusError("x", "list posts", resp, testNow)
			var rl *connectors.RateLimitError
			if !errors.As(err, &rl) {
				t.Fatalf("StatusError = %v, want a *RateLimitError", err)
			}
			if !rl.Reset.Equal(tt.wantReset) {
				t.Errorf("Reset = %v, want %v", rl.Reset, tt.wantReset)
			}
		})
	}
}

func TestHTTPClient_Do_ContextCanceled(t *testing.T) {
	t.Parallel()

	t.Run("cancel during backoff stops the retries", func(t *testing.T) {
		t.Parallel()
		var hits atomic.Int32
		hit := make(chan struct{}, 10)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			hits.Add(1)
			w.WriteHeader(http.StatusServiceUnavailable)
			hit <- struct{}{}
		}))
		defer srv.Close()
		opts, _ := fastOptions()
		opts.RetryWaitMin, opts.RetryWaitMax = time.Hour, time.Hour // only the cancel can end the wait
		c := connectors.NewHTTPClient(opts)
		ctx, cancel := context.WithCancel(t.Context())
		cc := &connectors.CallCounter{}

		done := make(chan error, 1)
		go func() {
			_, err := c.Get(connectors.WithCallCounter(ctx, cc), srv.URL, nil)
			done <- err
		}()
		<-hit
		cancel()
		err := <-done
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if got := connectors.Reason(err); got != connectors.ReasonCanceled {
			t.Errorf("reason = %q, want canceled", got)
		}
		if hits.Load() != 1 || cc.Load() != 1 {
			t.Errorf("hits = %d, counter = %d, want 1 and 1", hits.Load(), cc.Load())
		}
	})

	t.Run("a canceled context makes no call", func(t *testing.T) {
		t.Parallel()
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
		defer srv.Close()
		opts, _ := fastOptions()
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		cc := &connectors.CallCounter{}
		_, err := connectors.NewHTTPClient(opts).Get(connectors.WithCallCounter(ctx, cc), srv.URL, nil)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if hits.Load() != 0 || cc.Load() != 0 {
			t.Errorf("hits = %d, counter = %d, want 0 and 0", hits.Load(), cc.Load())
		}
	})
}

func TestHTTPClient_Do(t *testing.T) {
	t.Parallel()

	t.Run("replays the request body on retry and keeps a custom user agent", func(t *testing.T) {
		t.Parallel()
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			if string(b) != "payload" {
				t.Errorf("attempt %d: body = %q, want payload", hits.Load()+1, b)
			}
			if ua := r.Header.Get("User-Agent"); ua != "custom/1" {
				t.Errorf("User-Agent = %q, want custom/1", ua)
			}
			if hits.Add(1) == 1 {
				w.WriteHeader(http.StatusInternalServerError)
			}
		}))
		defer srv.Close()
		opts, _ := fastOptions()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL, strings.NewReader("payload"))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("User-Agent", "custom/1")
		resp, err := connectors.NewHTTPClient(opts).Do(req)
		if err != nil {
			t.Fatalf("Do: %v", err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK || hits.Load() != 2 {
			t.Errorf("status = %d after %d hits, want 200 after 2", resp.StatusCode, hits.Load())
		}
	})

	t.Run("a request without a counter in its context still works", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		defer srv.Close()
		opts, _ := fastOptions()
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL, nil)
		resp, err := connectors.NewHTTPClient(opts).Do(req)
		if err != nil {
			t.Fatalf("Do: %v", err)
		}
		resp.Body.Close()
	})
}

func TestHTTPClient_NoSecretLeaks(t *testing.T) {
	t.Parallel()
	const (
		queryToken = "QUERYTOKEN123"
		headerTok  = "HEADERTOKEN456"
		userPass   = "USERPASS789"
	)
	secret := connectors.NewSecret(headerTok)

	check := func(t *testing.T, err error, logs *syncBuffer) {
		t.Helper()
		if err == nil {
			t.Fatal("want an error")
		}
		for _, s := range []string{queryToken, headerTok, userPass} {
			if strings.Contains(err.Error(), s) {
				t.Errorf("error reveals %q: %v", s, err)
			}
			if strings.Contains(logs.String(), s) {
				t.Errorf("logs reveal %q:\n%s", s, logs)
			}
		}
		if !strings.Contains(err.Error(), "access_token=REDACTED") || !strings.Contains(err.Error(), "since_id=5") {
			t.Errorf("error %q should name the redacted URL", err)
		}
		var ue *url.Error
		if !errors.As(err, &ue) {
			t.Fatalf("error %v should carry a *url.Error", err)
		}
		if strings.Contains(ue.URL, queryToken) || strings.Contains(ue.URL, userPass) {
			t.Errorf("url.Error.URL = %q reveals a secret", ue.URL)
		}
		if !strings.Contains(logs.String(), "access_token=REDACTED") {
			t.Errorf("logs should name the redacted URL:\n%s", logs)
		}
	}

	t.Run("connection errors after retries", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		u, _ := url.Parse(srv.URL)
		srv.Close() // nothing listens any more
		u.User = url.UserPassword("me", userPass)
		u.Path = "/2/users/1/tweets"
		u.RawQuery = "access_token=" + queryToken + "&since_id=5"

		opts, logs := fastOptions()
		opts.RetryMax = 1
		cc := &connectors.CallCounter{}
		h := http.Header{"Authorization": {"Bearer " + secret.Reveal()}}
		_, err := connectors.NewHTTPClient(opts).Get(connectors.WithCallCounter(t.Context(), cc), u.String(), h)
		check(t, err, logs)
		if cc.Load() != 2 {
			t.Errorf("counter = %d, want 2", cc.Load())
		}
		if got := connectors.Reason(err); got != connectors.ReasonTransient {
			t.Errorf("reason = %q, want transient", got)
		}
	})

	t.Run("per-attempt timeouts after a server error", func(t *testing.T) {
		t.Parallel()
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if got := r.Header.Get("Authorization"); got != "Bearer "+headerTok {
				t.Errorf("Authorization = %q, want the bearer token", got)
			}
			if r.URL.Query().Get("access_token") != queryToken {
				t.Errorf("the server should see the real query, got %q", r.URL.RawQuery)
			}
			if hits.Add(1) == 1 {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			<-r.Context().Done() // hang until the client gives up on the attempt
		}))
		defer srv.Close()
		opts, logs := fastOptions()
		opts.RetryMax = 1
		opts.Timeout = 50 * time.Millisecond
		_, err := connectors.NewHTTPClient(opts).Get(t.Context(), srv.URL+"/p?access_token="+queryToken+"&since_id=5",
			http.Header{"Authorization": {"Bearer " + secret.Reveal()}})
		check(t, err, logs)
		var te interface{ Timeout() bool }
		if !errors.As(err, &te) || !te.Timeout() {
			t.Errorf("err = %v, want a timeout", err)
		}
	})

	t.Run("an unparsable URL", func(t *testing.T) {
		t.Parallel()
		opts, _ := fastOptions()
		_, err := connectors.NewHTTPClient(opts).Get(t.Context(), "http://h/p?access_token="+queryToken+"\x7f%zz", nil)
		if err == nil || strings.Contains(err.Error(), queryToken) {
			t.Errorf("err = %v, want an error without the token", err)
		}
	})
}

func TestRedactURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"no query", "https://api.x.com/2/users/1/tweets", "https://api.x.com/2/users/1/tweets"},
		{"access_token", "https://graph.facebook.com/v25.0/1/posts?access_token=EAAB&limit=2", "https://graph.facebook.com/v25.0/1/posts?access_token=REDACTED&limit=2"},
		{"token, key, api_key", "https://h/p?token=a&key=b&api_key=c&q=d", "https://h/p?token=REDACTED&key=REDACTED&api_key=REDACTED&q=d"},
		{"password and client_secret", "https://h/p?password=a&client_secret=b", "https://h/p?password=REDACTED&client_secret=REDACTED"},
		{"case-insensitive", "https://h/p?Access_Token=a&API_KEY=b", "https://h/p?Access_Token=REDACTED&API_KEY=REDACTED"},
		{"escaped key", "https://h/p?access%5Ftoken=a", "https://h/p?access%5Ftoken=REDACTED"},
		{"repeated key", "https://h/p?token=a&token=b", "https://h/p?token=REDACTED&token=REDACTED"},
		{"key without value", "https://h/p?token&x=1", "https://h/p?token=REDACTED&x=1"},
		{"order and other values kept", "https://h/p?z=1&since_id=9&a=2", "https://h/p?z=1&since_id=9&a=2"},
		{"malformed escape", "https://h/p?q=%zz&token=s", "https://h/p?q=%zz&token=REDACTED"},
		{"user info", "https://user:pass@h/p", "https://REDACTED@h/p"},
		{"fragment dropped", "https://h/p?x=1#access_token=s", "https://h/p?x=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u, err := url.Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := connectors.RedactURL(u); got != tt.want {
				t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	if got := connectors.RedactURL(nil); got != "" {
		t.Errorf("RedactURL(nil) = %q, want empty", got)
	}
}

func TestCallCounter_Load(t *testing.T) {
	t.Parallel()
	var nilCounter *connectors.CallCounter
	if got := nilCounter.Load(); got != 0 {
		t.Errorf("nil counter Load = %d, want 0", got)
	}
	if got := (&connectors.CallCounter{}).Load(); got != 0 {
		t.Errorf("new counter Load = %d, want 0", got)
	}
}

func TestCallCounter_Nested(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("{}")) }))
	defer srv.Close()
	c := connectors.NewHTTPClient(connectors.HTTPOptions{RetryMax: -1})
	var agent, connector connectors.CallCounter
	ctx := connectors.WithCallCounter(context.Background(), &agent)
	inner := connectors.WithCallCounter(ctx, &connector)
	for range 3 {
		if _, err := c.Get(inner, srv.URL, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Get(ctx, srv.URL, nil); err != nil {
		t.Fatal(err)
	}
	if agent.Load() != 4 || connector.Load() != 3 {
		t.Fatalf("agent counted %d, connector %d; want 4 and 3", agent.Load(), connector.Load())
	}
}

func TestHTTPClient_Do_RetryGate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		allowed int // retries the gate allows
		want    int // attempts the server sees
	}{
		{"a closed gate stops every retry", 0, 1},
		{"a gate that closes after one retry", 1, 2},
		{"an open gate leaves the retries to RetryMax", 100, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				hits.Add(1)
				w.WriteHeader(http.StatusServiceUnavailable)
			}))
			defer srv.Close()
			opts, _ := fastOptions()
			cc := &connectors.CallCounter{}
			left := tc.allowed
			ctx := connectors.WithRetryGate(connectors.WithCallCounter(t.Context(), cc), func() bool {
				left--
				return left >= 0
			})
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
			resp, err := connectors.NewHTTPClient(opts).Do(req)
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusServiceUnavailable || int(hits.Load()) != tc.want || cc.Load() != tc.want {
				t.Errorf("status %d after %d hits (%d counted), want 503 after %d", resp.StatusCode, hits.Load(), cc.Load(), tc.want)
			}
		})
	}
}
