package mastodon

import (
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ife-mx/vigia/connectors"
)

// seedFuzz adds the decode fixtures whose names start with prefix.
func seedFuzz(f *testing.F, prefix string) {
	files, _ := filepath.Glob(filepath.Join("testdata", "decode", prefix+"*.json"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`[]`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{}`))
}

// checkItem converts a decoded status as Poll would and checks the result.
func checkItem(t *testing.T, s *status) {
	t.Helper()
	for _, kind := range connectors.Kinds {
		it := s.item(ownTestID, kind, s.parent(), "1")
		if it.ExternalID == "" || it.AuthorID == "" || it.CreatedAt.IsZero() {
			t.Fatalf("decoded status without id, author or time: %+v", it)
		}
	}
}

func FuzzDecodeStatuses(f *testing.F) {
	seedFuzz(f, "statuses_")
	f.Fuzz(func(t *testing.T, body []byte) {
		sts, err := decodeStatuses(body)
		if err != nil {
			return
		}
		for _, s := range sts {
			checkItem(t, s)
		}
		_ = minIDOf(sts) + maxIDOf(sts)
		_ = oldestCreated(sts)
	})
}

func FuzzDecodeContext(f *testing.F) {
	seedFuzz(f, "context_")
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := decodeContext(body)
		if err != nil {
			return
		}
		for _, s := range append(c.Ancestors, c.Descendants...) {
			checkItem(t, s)
		}
	})
}

func FuzzDecodeNotifications(f *testing.F) {
	seedFuzz(f, "notifications_")
	f.Fuzz(func(t *testing.T, body []byte) {
		ns, err := decodeNotifications(body)
		if err != nil {
			return
		}
		for _, n := range ns {
			if n.Type == "mention" && n.status == nil {
				t.Fatal("mention without status")
			}
			if n.status != nil {
				checkItem(t, n.status)
			}
		}
		_ = minIDOf(ns) + maxIDOf(ns)
		_ = oldestNotification(ns)
	})
}

func FuzzDecodeAccount(f *testing.F) {
	seedFuzz(f, "account_")
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := decodeAccount(body)
		if err != nil {
			return
		}
		p := a.profile(body)
		if p.ExternalID == "" {
			t.Fatal("profile without id")
		}
	})
}

func FuzzDecodeError(f *testing.F) {
	seedFuzz(f, "error_")
	f.Fuzz(func(t *testing.T, body []byte) {
		msg := decodeError(body)
		if utf8.RuneCountInString(msg) > 201 {
			t.Fatalf("message of %d runes", utf8.RuneCountInString(msg))
		}
		for _, r := range msg {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("control character in %q", msg)
			}
		}
	})
}

func FuzzParseLink(f *testing.F) {
	for _, s := range []string{
		`<https://mastodon.example/api/v1/accounts/1/statuses?max_id=7163058>; rel="next", <https://mastodon.example/api/v1/accounts/1/statuses?min_id=7275607>; rel="prev"`,
		`<https://a/1>; title="a, b"; rel="next prev"`,
		`<x>;rel=prev,<y>;rel=next`,
		`<`, `;`, `,`, `<>; rel=""`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		for rel, target := range parseLink(h) {
			if rel == "" || strings.ContainsAny(target, ">") {
				t.Fatalf("parseLink(%q): rel %q target %q", h, rel, target)
			}
		}
		_ = linkParam(h, "prev", "min_id")
	})
}

func FuzzHTMLToText(f *testing.F) {
	seedFuzz(f, "statuses_")
	for _, s := range []string{"<p>a</p><p>b</p>", "<br>", "<!--", "<a href='x>", "&amp;", "<pre>\n</pre>", "<", "</", "<!", "<p"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s := string(b)
		out := HTMLToText(s)
		if strings.HasPrefix(out, "\n") || strings.HasSuffix(out, "\n") {
			t.Fatalf("HTMLToText(%q) = %q: untrimmed line breaks", s, out)
		}
		// Plain text escaped as Mastodon does comes back unchanged.
		if utf8.ValidString(s) && !strings.ContainsAny(s, "\r\n\t") {
			if got := HTMLToText("<p>" + html.EscapeString(s) + "</p>"); got != s {
				t.Fatalf("round trip of %q gave %q", s, got)
			}
		}
	})
}

func FuzzDecodeCursor(f *testing.F) {
	f.Add([]byte(`{"v":1,"account":"1","statuses":"5","notifications":"7","window":[{"id":"5","created":100,"known":{"6":{"e":1},"7":null}}]}`))
	f.Add([]byte(`{"v":1}`))
	f.Add([]byte(`{"v":1,"window":[{"id":"2","known":{"3":{"d":true}}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := decodeCursor(connectors.Cursor(b))
		if err != nil {
			return
		}
		for _, w := range c.Window {
			for _, k := range w.Known {
				if k == nil {
					t.Fatal("nil known reply after decode")
				}
			}
		}
		c.trim(DefaultWindowPosts, DefaultWindowAge, time.Unix(1_800_000_000, 0))
		if _, err := decodeCursor(c.encode()); err != nil {
			t.Fatalf("re-encoded cursor does not decode: %v", err)
		}
	})
}
