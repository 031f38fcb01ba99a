package x

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

var update = flag.Bool("update", false, "rewrite the expected.* files of testdata/poll")

// testToken is the bearer token of every test; it must never show in an error.
const testToken = "AAAAAAAAAAAAAAAAAAAAAvigia-test-token-0123456789"

// defaultNow is the clock of a golden case without now.txt.
var defaultNow = time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC)

// testHTTP returns a shared client with fast retries.
func testHTTP() *connectors.HTTPClient {
	return connectors.NewHTTPClient(connectors.HTTPOptions{RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
}

// route names the endpoint a request is for, as testdata names its files.
func route(path string) string {
	switch {
	case strings.HasPrefix(path, "/2/users/by/username/"):
		return "by_username"
	case strings.HasSuffix(path, "/tweets") && strings.HasPrefix(path, "/2/users/"):
		return "tweets"
	case strings.HasSuffix(path, "/mentions"):
		return "mentions"
	case path == "/2/users/me":
		return "me"
	case strings.HasPrefix(path, "/2/users/"):
		return "user"
	case path == "/2/tweets/search/recent":
		return "search"
	case path == "/2/tweets":
		return "lookup"
	}
	return "unknown"
}

// replay is an httptest server that answers from a golden case's directory:
// the n-th request to a route gets <route>.<n>.json, or <route>.json, with
// the status and headers of the matching .headers file. It records every
// request and checks its Authorization header.
type replay struct {
	t    testing.TB
	dir  string
	now  time.Time
	mu   sync.Mutex
	n    map[string]int
	reqs []string
}

func (rp *replay) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rp.mu.Lock()
	rt := route(r.URL.Path)
	rp.n[rt]++
	n := rp.n[rt]
	q, _ := url.QueryUnescape(r.URL.Query().Encode())
	rp.reqs = append(rp.reqs, r.Method+" "+r.URL.Path+"?"+q)
	rp.mu.Unlock()
	if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
		rp.t.Errorf("%s: Authorization header %q", r.URL.Path, got)
	}
	name := filepath.Join(rp.dir, fmt.Sprintf("%s.%d", rt, n))
	if _, err := os.Stat(name + ".json"); err != nil {
		name = filepath.Join(rp.dir, rt)
	}
	body, err := os.ReadFile(name + ".json")
	if err != nil {
		rp.t.Errorf("unexpected request %s %s (no %s.json)", r.Method, r.URL, rt)
		w.WriteHeader(http.StatusTeapot)
		return
	}
	status := http.StatusOK
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Rate-Limit-Limit", "900")
	w.Header().Set("X-Rate-Limit-Remaining", "897")
	w.Header().Set("X-Rate-Limit-Reset", strconv.FormatInt(rp.now.Add(15*time.Minute).Unix(), 10))
	if hb, err := os.ReadFile(name + ".headers"); err == nil {
		for i, line := range strings.Split(strings.TrimSpace(string(hb)), "\n") {
			if i == 0 {
				if s, ok := strings.CutPrefix(line, "HTTP "); ok {
					status, _ = strconv.Atoi(strings.TrimSpace(s))
					continue
				}
			}
			k, v, _ := strings.Cut(line, ":")
			w.Header().Set(strings.TrimSpace(k), strings.TrimSpace(v))
		}
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// goldenCase is the optional account.json of a case.
type goldenAccount struct {
	ID         string `json:"id"`
	Handle     string `json:"handle"`
	ExternalID string `json:"external_id"`
}

// goldenItem is an Item as expected.json shows it.
type goldenItem struct {
	ExternalID   string             `json:"external_id"`
	Kind         connectors.Kind    `json:"kind"`
	ParentID     string             `json:"parent_id,omitempty"`
	RootID       string             `json:"root_id,omitempty"`
	AuthorID     string             `json:"author_id"`
	AuthorHandle string             `json:"author_handle,omitempty"`
	AuthorName   string             `json:"author_name,omitempty"`
	Own          bool               `json:"own"`
	Text         string             `json:"text"`
	Lang         string             `json:"lang,omitempty"`
	CreatedAt    string             `json:"created_at"`
	EditedAt     string             `json:"edited_at,omitempty"`
	URL          string             `json:"url"`
	Media        []connectors.Media `json:"media,omitempty"`
	Raw          json.RawMessage    `json:"raw"`
}

// goldenProfile is a Profile as expected.json shows it.
type goldenProfile struct {
	ExternalID  string          `json:"external_id"`
	Handle      string          `json:"handle"`
	DisplayName string          `json:"display_name"`
	Bio         string          `json:"bio"`
	AvatarURL   string          `json:"avatar_url"`
	Link        string          `json:"link"`
	Verified    bool            `json:"verified"`
	Followers   int64           `json:"followers"`
	Raw         json.RawMessage `json:"raw"`
}

type goldenBatch struct {
	Requests  []string              `json:"requests"`
	Items     []goldenItem          `json:"items"`
	Deletions []connectors.Deletion `json:"deletions,omitempty"`
	Profile   *goldenProfile        `json:"profile,omitempty"`
	More      bool                  `json:"more"`
	Budget    connectors.Budget     `json:"budget"`
	Cursor    json.RawMessage       `json:"cursor"`
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func render(b connectors.Batch, reqs []string) goldenBatch {
	g := goldenBatch{Requests: reqs, Items: []goldenItem{}, Deletions: b.Deletions, More: b.More, Budget: b.Budget, Cursor: json.RawMessage(b.Cursor)}
	if p := b.Profile; p != nil {
		g.Profile = &goldenProfile{p.ExternalID, p.Handle, p.DisplayName, p.Bio, p.AvatarURL, p.Link, p.Verified, p.Followers, json.RawMessage(p.Raw)}
	}
	for _, it := range b.Items {
		raw := it.Raw
		if !json.Valid(raw) {
			raw, _ = json.Marshal(string(raw))
		}
		g.Items = append(g.Items, goldenItem{
			ExternalID: it.ExternalID, Kind: it.Kind, ParentID: it.ParentID, RootID: it.RootID,
			AuthorID: it.AuthorID, AuthorHandle: it.AuthorHandle, AuthorName: it.AuthorName, Own: it.Own,
			Text: it.Text, Lang: it.Lang, CreatedAt: fmtTime(it.CreatedAt), EditedAt: fmtTime(it.EditedAt),
			URL: it.URL, Media: it.Media, Raw: raw,
		})
	}
	return g
}

// testConfig is the configuration of the golden cases: defaults.
func testConfig(base string) Config {
	cfg := DefaultConfig()
	cfg.BaseURL = base
	return cfg
}

// TestPoll_Golden runs every case of testdata/poll: a Poll against the
// recorded responses, compared with expected.json (the batch and the
// requests made) or expected.err (the error's reason and text).
func TestPoll_Golden(t *testing.T) {
	t.Parallel()
	dirs, err := filepath.Glob(filepath.Join("testdata", "poll", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			runGolden(t, dir)
		})
	}
}

func runGolden(t *testing.T, dir string) {
	now := defaultNow
	if b, err := os.ReadFile(filepath.Join(dir, "now.txt")); err == nil {
		if now, err = time.Parse(time.RFC3339, strings.TrimSpace(string(b))); err != nil {
			t.Fatalf("now.txt: %v", err)
		}
	}
	acct := goldenAccount{ID: "cncs-x", Handle: "IFEMexico"}
	if b, err := os.ReadFile(filepath.Join(dir, "account.json")); err == nil {
		if err := json.Unmarshal(b, &acct); err != nil {
			t.Fatalf("account.json: %v", err)
		}
	}
	cur, _ := os.ReadFile(filepath.Join(dir, "cursor.in"))
	cur = bytes.TrimSpace(cur)

	rp := &replay{t: t, dir: dir, now: now, n: map[string]int{}}
	srv := httptest.NewServer(rp)
	defer srv.Close()
	var logs bytes.Buffer
	c, err := New(testConfig(srv.URL), connectors.Deps{
		HTTP:   testHTTP(),
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:    func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	a := connectors.Account{
		ID: acct.ID, Network: Network, Handle: acct.Handle, ExternalID: acct.ExternalID,
		Credentials: map[string]connectors.Secret{CredentialToken: connectors.NewSecret(testToken)},
	}
	b, perr := c.Poll(context.Background(), a, cur)
	if strings.Contains(logs.String(), testToken) {
		t.Errorf("the token is in the logs:\n%s", logs.String())
	}
	errFile := filepath.Join(dir, "expected.err")
	okFile := filepath.Join(dir, "expected.json")
	if perr != nil {
		if strings.Contains(perr.Error(), testToken) {
			t.Errorf("the token is in the error: %v", perr)
		}
		got := connectors.Reason(perr) + ": " + strings.ReplaceAll(perr.Error(), srv.URL, "BASE") + "\n"
		if *update {
			_ = os.Remove(okFile)
			writeFile(t, errFile, []byte(got))
			return
		}
		want, err := os.ReadFile(errFile)
		if err != nil {
			t.Fatalf("Poll: %v (and no expected.err: %v)", perr, err)
		}
		if got != string(want) {
			t.Errorf("error:\n got %s\nwant %s", got, want)
		}
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(render(b, rp.reqs)); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	if *update {
		_ = os.Remove(errFile)
		writeFile(t, okFile, got)
		return
	}
	want, err := os.ReadFile(okFile)
	if err != nil {
		t.Fatalf("Poll succeeded, but: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("batch differs from %s (run with -update and review the diff):\n%s", okFile, lineDiff(string(want), string(got)))
	}
}

func writeFile(t testing.TB, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// lineDiff shows the first differing lines.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n want %s\n  got %s", i+1, w, g)
		}
	}
	return "(equal)"
}
