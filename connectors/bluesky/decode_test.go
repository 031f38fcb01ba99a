package bluesky

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/decode")

// sampleDID is the account of the recorded samples (API-FACTS §6.4).
const sampleDID = "did:plc:cityexample234"

// samplePoller converts posts as a poll of the sample account would.
func samplePoller() *poller {
	c := &Connector{cfg: DefaultConfig()}
	return &poller{c: c, grant: grant{did: sampleDID}, now: time.Date(2026, 8, 21, 0, 0, 0, 0, time.UTC), st: &state{V: cursorVersion}}
}

// goldenItem is an Item without its Raw bytes, which are checked apart.
type goldenItem struct {
	connectors.Item
	Raw int `json:"RawBytes"`
}

func golden(p *poller, ps *post) goldenItem {
	it := p.item(ps)
	n := len(it.Raw)
	it.Raw = nil
	return goldenItem{Item: it, Raw: n}
}

// decoders maps each sample to the decoder that reads it and to what the
// connector makes of the result.
var decoders = map[string]func(body []byte) (any, error){
	"author_feed": func(b []byte) (any, error) {
		pg, err := decodeFeed(b)
		if err != nil {
			return nil, err
		}
		p := samplePoller()
		type entry struct {
			Repost, Pinned bool
			SortAt         time.Time
			Item           goldenItem
		}
		out := struct {
			Cursor string
			Feed   []entry
		}{Cursor: pg.Cursor}
		for i := range pg.Posts {
			fp := &pg.Posts[i]
			out.Feed = append(out.Feed, entry{fp.Repost, fp.Pinned, fp.SortAt(), golden(p, &fp.post)})
		}
		return out, nil
	},
	"post_thread": func(b []byte) (any, error) {
		root, err := decodeThread(b)
		if err != nil {
			return nil, err
		}
		p := samplePoller()
		type node struct {
			Kind    string
			URI     string
			Replies int64 `json:",omitempty"`
			Item    *goldenItem
			Depth   int
		}
		var out []node
		var walk func(n *threadNode, d int)
		walk = func(n *threadNode, d int) {
			nd := node{Kind: [...]string{"post", "notFound", "blocked", "other"}[n.Kind], URI: n.URI, Depth: d}
			if n.Post != nil {
				g := golden(p, n.Post)
				nd.Item, nd.Replies = &g, n.Post.ReplyCount
			}
			out = append(out, nd)
			for _, c := range n.Replies {
				walk(c, d+1)
			}
		}
		walk(root, 0)
		return out, nil
	},
	"notifications": func(b []byte) (any, error) {
		pg, err := decodeNotifications(b)
		if err != nil {
			return nil, err
		}
		p := samplePoller()
		type entry struct {
			Reason, URI string
			SortAt      time.Time
			Item        *goldenItem
		}
		out := struct {
			Cursor        string
			Notifications []entry
		}{Cursor: pg.Cursor}
		for _, n := range pg.Items {
			e := entry{Reason: n.Reason, URI: n.URI, SortAt: n.SortAt}
			if n.Post != nil {
				g := golden(p, n.Post)
				e.Item = &g
			}
			out.Notifications = append(out.Notifications, e)
		}
		return out, nil
	},
	"posts": func(b []byte) (any, error) {
		ps, err := decodePosts(b)
		if err != nil {
			return nil, err
		}
		p := samplePoller()
		var out []goldenItem
		for i := range ps {
			out = append(out, golden(p, &ps[i]))
		}
		return out, nil
	},
	"profile": func(b []byte) (any, error) {
		pr, err := decodeProfile(b)
		pr.Raw = nil
		return pr, err
	},
	"session": func(b []byte) (any, error) {
		s, err := decodeSession(b)
		if err != nil {
			return nil, err
		}
		return struct {
			DID, Handle string
			Active      *bool
			AccessExp   time.Time
			Tokens      bool
		}{s.DID, s.Handle, s.Active, jwtExpiry(s.AccessJwt), s.AccessJwt != "" && s.RefreshJwt != ""}, nil
	},
}

func TestDecode_Golden(t *testing.T) {
	t.Parallel()
	for name, decode := range decoders {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			body, err := os.ReadFile(filepath.Join("testdata", "decode", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			v, err := decode(body)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			got, err := json.MarshalIndent(v, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "decode", name+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("decoded %s differs from %s (go test -update rewrites it):\n%s", name, path, got)
			}
		})
	}
}

func TestDecode_RawIsThePostObject(t *testing.T) {
	t.Parallel()
	body, err := os.ReadFile(filepath.Join("testdata", "decode", "author_feed.json"))
	if err != nil {
		t.Fatal(err)
	}
	pg, err := decodeFeed(body)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		URI string `json:"uri"`
	}
	for _, fp := range pg.Posts {
		if err := json.Unmarshal(fp.Raw, &v); err != nil || v.URI != fp.URI {
			t.Errorf("Raw of %s is not its post view: %s", fp.URI, fp.Raw)
		}
	}
}

func TestDecode_Errors(t *testing.T) {
	t.Parallel()
	post := func(mut string) string {
		return `{"feed":[{"post":` + mut + `}]}`
	}
	good := `{"uri":"at://did:plc:a/app.bsky.feed.post/3l","cid":"bafy","author":{"did":"did:plc:a","handle":"a.test"},"record":{"$type":"app.bsky.feed.post","text":"x","createdAt":"2026-01-01T00:00:00Z"},"indexedAt":"2026-01-01T00:00:01Z"}`
	if _, err := decodeFeed([]byte(post(good))); err != nil {
		t.Fatalf("the good post fails: %v", err)
	}
	cases := map[string]string{
		"empty":           ``,
		"array":           `[]`,
		"null":            `null`,
		"no_feed":         `{"cursor":"x"}`,
		"trailing":        post(good) + `{}`,
		"truncated":       post(good)[:60],
		"bad_uri":         post(strings.Replace(good, "at://did:plc:a/app.bsky.feed.post/3l", "https://bsky.app/x", 1)),
		"like_uri":        post(strings.Replace(good, "app.bsky.feed.post/3l", "app.bsky.feed.like/3l", 1)),
		"no_cid":          post(strings.Replace(good, `"cid":"bafy",`, ``, 1)),
		"no_author":       post(strings.Replace(good, `"author":{"did":"did:plc:a","handle":"a.test"},`, ``, 1)),
		"author_mismatch": post(strings.Replace(good, `"did":"did:plc:a","handle"`, `"did":"did:plc:b","handle"`, 1)),
		"no_indexed_at":   post(strings.Replace(good, `,"indexedAt":"2026-01-01T00:00:01Z"`, ``, 1)),
		"record_string":   post(strings.Replace(good, `"record":{"$type":"app.bsky.feed.post","text":"x","createdAt":"2026-01-01T00:00:00Z"}`, `"record":"x"`, 1)),
		"record_type":     post(strings.Replace(good, `"$type":"app.bsky.feed.post"`, `"$type":"app.bsky.feed.like"`, 1)),
		"text_number":     post(strings.Replace(good, `"text":"x"`, `"text":5`, 1)),
	}
	for name, body := range cases {
		if _, err := decodeFeed([]byte(body)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// A client-declared createdAt that is unusable falls back to indexedAt.
	pg, err := decodeFeed([]byte(post(strings.Replace(good, "2026-01-01T00:00:00Z", "yesterday", 1))))
	if err != nil || !pg.Posts[0].CreatedAt.Equal(pg.Posts[0].IndexedAt) {
		t.Errorf("bad createdAt: %v, %+v", err, pg)
	}
}

func TestDecode_SessionErrorsHideTheBody(t *testing.T) {
	t.Parallel()
	secret := "eyJSECRETTOKEN"
	for _, body := range []string{
		`{"accessJwt":"` + secret + `","refreshJwt":5}`,
		`{"accessJwt":"` + secret + `"`,
		`{"accessJwt":"` + secret + `","refreshJwt":"x","did":"nope"}`,
	} {
		_, err := decodeSession([]byte(body))
		if err == nil {
			t.Errorf("%s: no error", body)
		} else if strings.Contains(err.Error(), secret) {
			t.Errorf("the error quotes the token: %v", err)
		}
	}
}

func TestXRPCStatusError(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 8, 20, 12, 0, 0, 0, time.UTC)
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", "errors", name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := []struct {
		file   string
		status int
		reason string
		is     error
	}{
		{"expired_token", 400, connectors.ReasonAuth, errExpiredToken},
		{"invalid_token", 400, connectors.ReasonAuth, errInvalidToken},
		{"authentication_required", 401, connectors.ReasonAuth, nil},
		{"account_takedown", 401, connectors.ReasonAuth, nil},
		{"rate_limit_exceeded", 429, connectors.ReasonRateLimited, nil},
		{"not_found", 400, connectors.ReasonNotFound, nil},
		{"profile_not_found", 400, connectors.ReasonNotFound, nil},
		{"internal", 500, connectors.ReasonTransient, nil},
	}
	for _, tc := range cases {
		err := xrpcStatusError("op", &connectors.Response{Status: tc.status, Body: read(tc.file)}, now)
		if got := connectors.Reason(err); got != tc.reason {
			t.Errorf("%s: reason %s, want %s (%v)", tc.file, got, tc.reason, err)
		}
		if tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("%s: %v is not %v", tc.file, err, tc.is)
		}
		if strings.Contains(err.Error(), "message") || strings.Contains(err.Error(), "Token has expired") {
			t.Errorf("%s: the error quotes the message: %v", tc.file, err)
		}
	}
	if err := xrpcStatusError("op", &connectors.Response{Status: 200}, now); err != nil {
		t.Errorf("200: %v", err)
	}
	var rl *connectors.RateLimitError
	reset := now.Unix() + 300
	err := xrpcStatusError("op", &connectors.Response{Status: 429, Header: map[string][]string{"Ratelimit-Reset": {fmt.Sprint(reset)}}}, now)
	if !errors.As(err, &rl) || rl.Reset.Unix() != reset {
		t.Errorf("429 with RateLimit-Reset: %v", err)
	}
	err = xrpcStatusError("op", &connectors.Response{Status: 401, Body: []byte(`{"error":"<script>x</script>"}`)}, now)
	if strings.Contains(err.Error(), "script") || !errors.Is(err, connectors.ErrAuth) {
		t.Errorf("odd error name: %v", err)
	}
}

func TestEpochReset(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 4, 7, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"1772608320", time.Unix(1772608320, 0), true},
		{" 1772608320.345 ", time.Unix(1772608320, 345_000_000), true},
		{"1772608320.000000001", time.Unix(1772608320, 1), true},
		{"1772604000", time.Unix(1772604000, 0), false}, // not after now
		{"60", time.Time{}, false},                      // delta seconds: not this header's form
		{"1772608320.", time.Unix(1772608320, 0), true},
		{"1772608320.1234567891", time.Time{}, false},
		{"1772608320.-1", time.Time{}, false},
		{"", time.Time{}, false},
		{"soon", time.Time{}, false},
		{"999999999999", time.Time{}, false},
	}
	for _, tc := range cases {
		got, ok := epochReset(tc.in, now)
		if ok != tc.ok || (ok && !got.Equal(tc.want)) {
			t.Errorf("epochReset(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestMedia(t *testing.T) {
	t.Parallel()
	body, _ := os.ReadFile(filepath.Join("testdata", "decode", "notifications.json"))
	pg, err := decodeNotifications(body)
	if err != nil {
		t.Fatal(err)
	}
	quote := pg.Items[3].Post
	got := quote.media()
	want := []connectors.Media{
		{Type: "record", URL: "at://did:plc:cityexample234/app.bsky.feed.post/3lwxomq7a2c2s"},
		{Type: "video", URL: "https://video.bsky.app/watch/did:plc:press7777/bafkreivideo001/playlist.m3u8", AltText: "Queue outside the office"},
	}
	if len(got) != len(want) {
		t.Fatalf("media = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("media[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestParsePostURI(t *testing.T) {
	t.Parallel()
	good := []string{
		"at://did:plc:cityexample234/app.bsky.feed.post/3lwxq2mbb6k2s",
		"at://did:web:ife.org.mx/app.bsky.feed.post/self",
	}
	bad := []string{
		"", "at://", "at://city.example.gov/app.bsky.feed.post/3l", "at://did:plc:x/app.bsky.feed.like/3l",
		"at://did:plc:x/app.bsky.feed.post/", "at://did:plc:x/app.bsky.feed.post/3l/extra", "at://did:plc:x/app.bsky.feed.post/..",
		"https://bsky.app/profile/x/post/3l", "at://did:PLC:x/app.bsky.feed.post/3l", "at://did:plc:x y/app.bsky.feed.post/3l",
	}
	for _, u := range good {
		if _, _, err := parsePostURI(u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	for _, u := range bad {
		if _, _, err := parsePostURI(u); err == nil {
			t.Errorf("%q accepted", u)
		}
	}
}
