package x

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// seedBodies adds every recorded response and cursor of testdata to f.
func seedBodies(f *testing.F, pattern string) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "poll", "*", pattern))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{"", "{}", "null", "[]", `{"data":null}`, `{"data":[]}`, `{"data":{}}`, `{"meta":{"result_count":0}}`,
		`{"data":[{"id":"1","edit_history_post_ids":["1"],"referenced_posts":[{"type":"replied_to","id":"0"}]}],"includes":{"posts":[{"id":"0"}]}}`} {
		f.Add([]byte(s))
	}
}

// FuzzDecodePage checks that listing and lookup bodies decode or fail
// cleanly, and that what decodes has well-formed ids.
func FuzzDecodePage(f *testing.F) {
	seedBodies(f, "*.json")
	f.Fuzz(func(t *testing.T, body []byte) {
		pg, err := decodePage("fuzz", body)
		if err != nil {
			if pg != nil {
				t.Fatal("a page and an error")
			}
			return
		}
		for _, tw := range append(pg.Tweets, pg.IncludedTweets...) {
			if !validID(tw.ID) || !validID(tw.original()) {
				t.Fatalf("decoded post with id %q (original %q)", tw.ID, tw.original())
			}
			for _, r := range tw.refs() {
				if !validID(r.ID) {
					t.Fatalf("decoded reference %q", r.ID)
				}
			}
			_ = tw.body()
		}
		if n := pg.newest(); n != "" && !validID(n) {
			t.Fatalf("newest %q", n)
		}
	})
}

// FuzzDecodeUser checks user lookup bodies.
func FuzzDecodeUser(f *testing.F) {
	seedBodies(f, "*.json")
	f.Fuzz(func(t *testing.T, body []byte) {
		u, raw, _, err := decodeUser("fuzz", body)
		if err != nil || u == nil {
			return
		}
		if !validID(u.ID) || !json.Valid(raw) {
			t.Fatalf("decoded user %q with raw %q", u.ID, raw)
		}
	})
}

// FuzzDecodeProblem checks error bodies: any input, no panic, bounded text.
func FuzzDecodeProblem(f *testing.F) {
	seedBodies(f, "*.json")
	f.Fuzz(func(t *testing.T, body []byte) {
		p := decodeProblem(body)
		if s := p.text(); len([]rune(s)) > 201 || strings.ContainsAny(s, "\n\r\x00") {
			t.Fatalf("problem text %q", s)
		}
		_ = p.notFound()
		_ = p.resource()
	})
}

// FuzzDecodeCursor checks that a cursor decodes or fails cleanly, and that
// a decoded one survives a round trip.
func FuzzDecodeCursor(f *testing.F) {
	seedBodies(f, "cursor.in")
	f.Fuzz(func(t *testing.T, cur []byte) {
		st, err := decodeCursor(cur)
		if err != nil {
			return
		}
		out := st.encode()
		st2, err := decodeCursor(out)
		if err != nil {
			t.Fatalf("re-decode %s: %v", out, err)
		}
		if !bytes.Equal(st2.encode(), out) {
			t.Fatalf("round trip changed %s", out)
		}
	})
}

// FuzzPoll serves one fuzzed body (with a fuzzed status) to every request of
// a poll from a fuzzed cursor: Poll must not panic, and a successful batch
// must be one the archive accepts, with a cursor Poll can read back.
func FuzzPoll(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "poll", "*", "*.json"))
	curs, _ := filepath.Glob(filepath.Join("testdata", "poll", "*", "cursor.in"))
	for i, name := range files {
		b, _ := os.ReadFile(name)
		var cur []byte
		if len(curs) > 0 {
			cur, _ = os.ReadFile(curs[i%len(curs)])
		}
		f.Add(b, cur, uint16(200))
	}
	f.Add([]byte(`{"title":"Too Many Requests","type":"about:blank","status":429}`), []byte(nil), uint16(429))
	now := defaultNow
	f.Fuzz(func(t *testing.T, body, cur []byte, status uint16) {
		code := int(status)
		if code < 200 || code > 599 {
			code = 200
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("x-rate-limit-remaining", "5")
			w.Header().Set("x-rate-limit-reset", "1772475300")
			w.WriteHeader(code)
			_, _ = w.Write(body)
		}))
		defer srv.Close()
		client := connectors.NewHTTPClient(connectors.HTTPOptions{RetryMax: -1})
		c, err := New(testConfig(srv.URL), connectors.Deps{HTTP: client, Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		acct := connectors.Account{ID: "a", Network: Network, Handle: "IFEMexico",
			Credentials: map[string]connectors.Secret{CredentialToken: connectors.NewSecret(testToken)}}
		b, err := c.Poll(context.Background(), acct, cur)
		if err != nil {
			if strings.Contains(err.Error(), testToken) {
				t.Fatalf("token in error %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, it := range b.Items {
			if it.ExternalID == "" || !it.Kind.Valid() || seen[it.ExternalID] {
				t.Fatalf("bad item %+v", it)
			}
			seen[it.ExternalID] = true
		}
		if b.Cursor != nil {
			if _, err := decodeCursor(b.Cursor); err != nil {
				t.Fatalf("Poll wrote a cursor it cannot read: %v\n%s", err, b.Cursor)
			}
		}
	})
}
