package execplugin

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
)

// The conformance run polls examples/foro, a plugin in Go built by the test
// (without the race detector, so thousands of calls stay cheap), that reads a small JSON API (the "foro" network, defined
// here: Vigía supports no such network natively) from the suite's fake server
// over HTTP and speaks vigia-exec/1 to the connector. So the suite checks the
// whole path a real plugin takes: request line, credentials, item, deletion and
// profile lines, the opaque cursor across calls, error lines of every kind with
// their reset, and the budget the plugin reports (Budget.Calls must equal the
// requests the server saw).
//
// The foro API:
//
//	GET /v1/profile                      {"id","handle","display_name","bio"}
//	GET /v1/items?window=72h&threads_since=T&since=T&page_size=N&page=P
//	    {"window_start":T, "recent_start":T, "items":[…], "next_page":"…"}
//
// /v1/items lists, in id order, the visible items whose thread (the own post
// heading it; the item itself for posts and mentions) started at or after
// window_start, and the posts and mentions created at or after since.
// recent_start is now minus window; window_start is the earlier of it and
// threads_since. The plugin passes as threads_since the oldest thread it
// re-checked last time, so a thread leaving the window during an outage gets
// one last re-check. Errors: 401 (bad token), 404, 429 with Retry-At (RFC 3339),
// 5xx; a body that is not the JSON above is malformed.

const (
	confToken  = "foro-t0ken-7f3a9c"
	confWindow = 72 * time.Hour
)

// foroItem is an item of the foro API.
type foroItem struct {
	ID              string     `json:"id"`
	Kind            string     `json:"kind"`
	ParentID        string     `json:"parent_id,omitempty"`
	RootID          string     `json:"root_id,omitempty"`
	ThreadStartedAt string     `json:"thread_started_at"`
	Author          foroAuthor `json:"author"`
	Text            string     `json:"text"`
	CreatedAt       string     `json:"created_at"`
	EditedAt        string     `json:"edited_at,omitempty"`
}

type foroAuthor struct {
	ID     string `json:"id"`
	Handle string `json:"handle"`
	Name   string `json:"name"`
}

type foroPage struct {
	WindowStart string     `json:"window_start"`
	RecentStart string     `json:"recent_start"`
	Items       []foroItem `json:"items"`
	NextPage    string     `json:"next_page"`
}

type foroProfile struct {
	ID          string `json:"id"`
	Handle      string `json:"handle"`
	DisplayName string `json:"display_name"`
	Bio         string `json:"bio"`
}

func foroTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// foroHandler renders sc as the foro API at now().
func foroHandler(t testing.TB, sc *connectortest.Scenario, now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := now()
		if r.Header.Get("Authorization") != "Bearer "+confToken {
			t.Errorf("foro: request without the token")
			http.Error(w, `{"error":"bad token"}`, http.StatusUnauthorized)
			return
		}
		var body any
		switch r.URL.Path {
		case "/v1/profile":
			p := sc.ProfileAt(at)
			body = foroProfile{ID: p.ID, Handle: p.Handle, DisplayName: p.DisplayName, Bio: p.Bio}
		case "/v1/items":
			var err error
			if body, err = foroItems(sc, at, r.URL.Query()); err != nil {
				t.Errorf("foro: %v", err)
				http.Error(w, `{"error":"bad request"}`, http.StatusBadRequest)
				return
			}
		default:
			t.Errorf("foro: unexpected path %s", r.URL.Path)
			http.NotFound(w, r)
			return
		}
		b, err := json.Marshal(body)
		if err != nil {
			t.Errorf("foro: %v", err)
		}
		if f := sc.FaultAt(at); f != nil {
			switch f.Kind {
			case connectortest.FaultAuth:
				http.Error(w, `{"error":"token revoked"}`, http.StatusUnauthorized)
			case connectortest.FaultNotFound:
				http.Error(w, `{"error":"no such account"}`, http.StatusNotFound)
			case connectortest.FaultRateLimited:
				w.Header().Set("Retry-At", foroTime(f.Reset))
				http.Error(w, `{"error":"slow down"}`, http.StatusTooManyRequests)
			case connectortest.FaultServerError:
				http.Error(w, `{"error":"overloaded"}`, http.StatusServiceUnavailable)
			case connectortest.FaultMalformed:
				w.Header().Set("Content-Type", "text/html")
				_, _ = w.Write([]byte("<html>502 Bad Gateway</html>"))
			case connectortest.FaultTruncated:
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(connectortest.Truncate(b))
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	})
}

func foroItems(sc *connectortest.Scenario, at time.Time, q url.Values) (foroPage, error) {
	window, err := time.ParseDuration(q.Get("window"))
	if err != nil || window <= 0 {
		return foroPage{}, fmt.Errorf("bad window %q", q.Get("window"))
	}
	recent := at.Add(-window)
	start := recent
	if s := q.Get("threads_since"); s != "" {
		ts, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return foroPage{}, fmt.Errorf("bad threads_since %q", s)
		}
		if ts.Before(start) {
			start = ts
		}
	}
	var since time.Time
	if s := q.Get("since"); s != "" {
		if since, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return foroPage{}, fmt.Errorf("bad since %q", s)
		}
	}
	size, err := strconv.Atoi(q.Get("page_size"))
	if err != nil || size <= 0 {
		return foroPage{}, fmt.Errorf("bad page_size %q", q.Get("page_size"))
	}
	page := 0
	if p := q.Get("page"); p != "" {
		if page, err = strconv.Atoi(p); err != nil || page < 0 {
			return foroPage{}, fmt.Errorf("bad page %q", p)
		}
	}
	var all []foroItem
	for _, it := range sc.At(at) {
		thread := it.Created()
		if it.RootID != "" {
			root, ok := sc.Item(it.RootID)
			if !ok {
				return foroPage{}, fmt.Errorf("item %s: no root %s", it.ID, it.RootID)
			}
			thread = root.Created()
		}
		topLevel := it.RootID == ""
		if thread.Before(start) && !(topLevel && !since.IsZero() && !it.Created().Before(since)) {
			continue
		}
		u, _ := sc.User(it.AuthorID, at)
		fi := foroItem{ID: it.ID, Kind: string(it.Kind), ParentID: it.ParentID, RootID: it.RootID,
			ThreadStartedAt: foroTime(thread), Author: foroAuthor{ID: u.ID, Handle: u.Handle, Name: u.Name},
			Text: it.Versions[len(it.Versions)-1].Text, CreatedAt: foroTime(it.Created())}
		if len(it.Versions) > 1 {
			fi.EditedAt = foroTime(it.Versions[len(it.Versions)-1].At)
		}
		all = append(all, fi)
	}
	out := foroPage{WindowStart: foroTime(start), RecentStart: foroTime(recent), Items: []foroItem{}}
	lo, hi := min(page*size, len(all)), min((page+1)*size, len(all))
	out.Items = append(out.Items, all[lo:hi]...)
	if hi < len(all) {
		out.NextPage = strconv.Itoa(page + 1)
	}
	return out, nil
}

var foro struct {
	once sync.Once
	dir  string // removed by TestMain
	path string
	err  error
}

// buildForo builds examples/foro once per test binary and returns its path.
func buildForo(t testing.TB) string {
	t.Helper()
	foro.once.Do(func() {
		goTool, err := osexec.LookPath("go")
		if err != nil {
			foro.err = err
			return
		}
		dir, err := os.MkdirTemp("", "vigia-foro-")
		if err != nil {
			foro.err = err
			return
		}
		foro.dir, foro.path = dir, filepath.Join(dir, "foro")
		out, err := osexec.Command(goTool, "build", "-o", foro.path, "./examples/foro").CombinedOutput()
		if err != nil {
			foro.err = fmt.Errorf("go build ./examples/foro: %v\n%s", err, out)
		}
	})
	if foro.err != nil {
		t.Fatal(foro.err)
	}
	return foro.path
}

func conformanceHarness() connectortest.Harness {
	return connectortest.Harness{
		Network: Network,
		Token:   confToken,
		Account: connectors.Account{
			Credentials: map[string]connectors.Secret{"token": connectors.NewSecret(confToken)},
			Options:     map[string]string{"window": confWindow.String(), "page_size": "10"},
		},
		NewConnector: func(t testing.TB, baseURL string, deps connectors.Deps) connectors.Connector {
			c, err := New(Config{Command: buildForo(t), Args: []string{baseURL}, Timeout: 30 * time.Second}, deps)
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		Handler:  foroHandler,
		Reach:    confWindow,
		Recheck:  confWindow,
		Backfill: confWindow,
		// The profile and the pages (10 items each) of the window's items:
		// the scenario keeps at most 50 in a 72h window.
		SteadyCalls: 6,
	}
}

// TestConformance runs connectortest.Run on the exec connector driving a
// plugin process per poll.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("starts thousands of plugin processes")
	}
	t.Parallel()
	connectortest.Run(t, conformanceHarness())
}
