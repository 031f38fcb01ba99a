package bluesky

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// seed adds every file of testdata/<dir> to the corpus, and a few edge cases.
func seed(f *testing.F, dir string) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds in testdata/%s", dir)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{"", "{}", "null", "[]", `{"feed":[],"posts":[],"notifications":[],"thread":{}}`} {
		f.Add([]byte(s))
	}
}

// checkItem converts a decoded post as a poll would and checks the result.
func checkItem(t *testing.T, ps *post) {
	t.Helper()
	it := samplePoller().item(ps)
	if it.ExternalID == "" || !it.Kind.Valid() {
		t.Fatalf("bad item from a decoded post: %+v", it)
	}
	if _, _, err := parsePostURI(it.ExternalID); err != nil {
		t.Fatalf("decoded post with a bad URI: %v", err)
	}
	for _, m := range it.Media {
		if m.URL == "" || m.Type == "" {
			t.Fatalf("empty media %+v", m)
		}
	}
	_ = ps.SortAt()
	_ = ps.editedAt()
}

func FuzzDecodeFeed(f *testing.F) {
	seed(f, "decode")
	f.Fuzz(func(t *testing.T, body []byte) {
		pg, err := decodeFeed(body)
		if err != nil {
			return
		}
		for i := range pg.Posts {
			checkItem(t, &pg.Posts[i].post)
		}
	})
}

func FuzzDecodeThread(f *testing.F) {
	seed(f, "decode")
	f.Fuzz(func(t *testing.T, body []byte) {
		root, err := decodeThread(body)
		if err != nil {
			return
		}
		var walk func(n *threadNode)
		walk = func(n *threadNode) {
			if n.Kind == nodePost {
				if n.Post == nil {
					t.Fatal("post node without a post")
				}
				checkItem(t, n.Post)
			}
			for _, c := range n.Replies {
				walk(c)
			}
		}
		walk(root)
	})
}

func FuzzDecodePosts(f *testing.F) {
	seed(f, "decode")
	f.Fuzz(func(t *testing.T, body []byte) {
		ps, err := decodePosts(body)
		if err != nil {
			return
		}
		for i := range ps {
			checkItem(t, &ps[i])
		}
	})
}

func FuzzDecodeNotifications(f *testing.F) {
	seed(f, "decode")
	f.Fuzz(func(t *testing.T, body []byte) {
		pg, err := decodeNotifications(body)
		if err != nil {
			return
		}
		for _, n := range pg.Items {
			if n.Post != nil {
				checkItem(t, n.Post)
			}
		}
	})
}

func FuzzDecodeProfile(f *testing.F) {
	seed(f, "decode")
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := decodeProfile(body)
		if err == nil && !isDID(p.ExternalID) {
			t.Fatalf("profile without a DID: %+v", p)
		}
	})
}

func FuzzDecodeSession(f *testing.F) {
	seed(f, "decode")
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := decodeSession(body)
		if err != nil {
			// Errors never quote the body: it holds tokens.
			if len(body) > 8 && strings.Contains(err.Error(), string(body)) {
				t.Fatalf("error quotes the body: %v", err)
			}
			return
		}
		if s.AccessJwt == "" || s.RefreshJwt == "" || !isDID(s.DID) {
			t.Fatalf("incomplete session accepted: %+v", s)
		}
		_ = jwtExpiry(s.AccessJwt)
		_ = jwtExpiry(s.RefreshJwt)
	})
}

func FuzzXRPCError(f *testing.F) {
	seed(f, "errors")
	now := time.Date(2026, 8, 20, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, status := range []int{400, 401, 403, 404, 429, 500, 502} {
			resp := &connectors.Response{Status: status, Header: http.Header{"Retry-After": {"30"}}, Body: body}
			err := xrpcStatusError("op", resp, now)
			if err == nil {
				t.Fatalf("status %d: no error", status)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "bluesky: op: ") || len(msg) > 300 {
				t.Fatalf("status %d: odd message %q", status, msg)
			}
			// The XRPC message never shows: without it the error reads the
			// same (InvalidRequest aside, whose message tells "not found").
			if xe := decodeXRPCError(body); xe.Message != "" && xe.Name != errNameInvalidRequest {
				bare, _ := json.Marshal(map[string]string{"error": xe.Name})
				resp.Body = bare
				if again := xrpcStatusError("op", resp, now).Error(); again != msg {
					t.Fatalf("the message changes the error: %q vs %q", msg, again)
				}
			}
		}
	})
}

func FuzzDecodeCursor(f *testing.F) {
	f.Add([]byte(`{"v":1}`))
	f.Add([]byte(`{"v":1,"did":"did:plc:a","feed":{"floor":"2026-01-01T00:00:00Z","seen":[{"u":"x","t":"2026-01-01T00:00:00Z"}]},"window":[{"uri":"at://did:plc:a/app.bsky.feed.post/3l","cid":"c","at":"2026-01-01T00:00:00Z","n":-1,"r":[{"u":"at://did:plc:b/app.bsky.feed.post/3m","c":"d","n":0}]}]}`))
	f.Add([]byte(`{"v":2}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, cur []byte) {
		st, err := decodeCursor(cur)
		if err != nil {
			return
		}
		again, err := decodeCursor(st.encode())
		if err != nil {
			t.Fatalf("an accepted cursor does not survive encoding: %v", err)
		}
		if !bytes.Equal(again.encode(), st.encode()) {
			t.Fatal("encoding is not stable")
		}
	})
}

func FuzzJWTExpiry(f *testing.F) {
	f.Add("a.eyJleHAiOjE3ODcyMjcyMDB9.c")
	f.Add("..")
	f.Fuzz(func(t *testing.T, tok string) {
		_ = jwtExpiry(tok)
	})
}

func FuzzEpochReset(f *testing.F) {
	for _, s := range []string{"1772608320", "1772608320.345", "60", "", "1e9", "1772608320.9999999999"} {
		f.Add(s)
	}
	now := time.Date(2026, 3, 4, 7, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		if r, ok := epochReset(s, now); ok && !r.After(now) {
			t.Fatalf("epochReset(%q) = %v, not after now", s, r)
		}
	})
}
