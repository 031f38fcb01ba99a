package graphfake

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
)

// ReadTestdata reads testdata/name of the calling package's test.
func ReadTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Seed adds the named testdata files to a fuzz corpus, and the edge cases
// every Graph list decoder meets.
func Seed(f *testing.F, names ...string) {
	for _, n := range names {
		f.Add(ReadTestdata(f, n))
	}
	f.Add([]byte(`{"data":[]}`))
	f.Add([]byte(`{"data":null}`))
	f.Add([]byte(``))
}

// NewServer serves h, failing the test when a request lacks the Bearer
// token or carries it in the URL; calls counts the requests.
func NewServer(t *testing.T, token string, h http.HandlerFunc) (baseURL string, calls *atomic.Int32) {
	t.Helper()
	calls = new(atomic.Int32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if got := r.Header.Get("Authorization"); got != "Bearer "+token {
			t.Errorf("Authorization header is not the token")
		}
		if strings.Contains(r.URL.RawQuery, token) {
			t.Errorf("the token is in the URL")
		}
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, calls
}

// RunErrorCases polls, for each case, a connector built by newConn against
// a server answering every request with the case's status, headers and
// body, and checks the error, that the token is not in it and that the
// failed poll returned an empty batch.
func RunErrorCases(t *testing.T, token string, cases []ErrorCase, newConn func(t *testing.T, h http.HandlerFunc) connectors.Connector, acct connectors.Account) {
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			c := newConn(t, func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.Header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tc.Status)
				_, _ = w.Write([]byte(tc.Body))
			})
			b, err := c.Poll(context.Background(), acct, nil)
			if err := tc.Check(err); err != nil {
				t.Error(err)
			}
			if err != nil && strings.Contains(err.Error(), token) {
				t.Error("the token is in the error")
			}
			if b.Cursor != nil || len(b.Items) > 0 {
				t.Error("a failed poll returned a batch")
			}
		})
	}
}

// Env polls a hand-written scenario through a fake server under a clock the
// test sets, keeping the cursor between polls.
type Env struct {
	T *testing.T
	// URL is the fake server's.
	URL  string
	ns   atomic.Int64
	Cur  connectors.Cursor
	Conn connectors.Connector
	Acct connectors.Account
	// Token must never appear in a cursor.
	Token string
}

// NewEnv serves handler's rendering of sc; the test then sets Conn (built
// against URL with Now) and Acct.
func NewEnv(t *testing.T, sc *connectortest.Scenario, handler func(t testing.TB, sc *connectortest.Scenario, now func() time.Time) http.Handler) *Env {
	t.Helper()
	e := &Env{T: t}
	e.Set(sc.Start)
	srv := httptest.NewServer(handler(t, sc, e.Now))
	t.Cleanup(srv.Close)
	e.URL = srv.URL
	return e
}

// Now is the environment's clock.
func (e *Env) Now() time.Time { return time.Unix(0, e.ns.Load()).UTC() }

// Set sets the clock.
func (e *Env) Set(t time.Time) { e.ns.Store(t.UnixNano()) }

// Poll polls at the instant at with the cursor of the previous poll.
func (e *Env) Poll(at time.Time) connectors.Batch {
	e.T.Helper()
	e.Set(at)
	b, err := e.Conn.Poll(context.Background(), e.Acct, e.Cur)
	if err != nil {
		e.T.Fatalf("poll at %s: %v", at.Format(time.RFC3339), err)
	}
	if e.Token != "" && strings.Contains(string(b.Cursor), e.Token) {
		e.T.Fatal("the token is in the cursor")
	}
	e.Cur = b.Cursor
	return b
}

// ByID indexes items by external id.
func ByID(items []connectors.Item) map[string]connectors.Item {
	m := map[string]connectors.Item{}
	for _, it := range items {
		m[it.ExternalID] = it
	}
	return m
}
