package tiktok

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
)

func TestPoll_CursorRestart(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)
	sc := &connectortest.Scenario{
		Start:   t0,
		End:     t0.Add(time.Hour),
		Account: connectortest.ScenarioAccount{ID: "100", Handle: "ife_mx", DisplayName: "IFE"},
		Users:   []connectortest.ScenarioUser{{ID: "900", Handle: "ana", Name: "Ana Ruiz"}},
		Items: []connectortest.ScenarioItem{
			{ID: "7400000000000000001", Kind: connectors.KindPost, AuthorID: "100", Own: true, Versions: []connectortest.Version{{Text: "Aviso", At: t0}}},
			{ID: "7400000000000000002", Kind: connectors.KindComment, ParentID: "7400000000000000001", RootID: "7400000000000000001", AuthorID: "900",
				Versions: []connectortest.Version{{Text: "¿Dónde?", At: t0.Add(time.Minute)}}},
		},
	}
	for name, cur := range map[string]connectors.Cursor{
		"unreadable":       connectors.Cursor("{not json"),
		"version":          connectors.Cursor(`{"v":99}`),
		"another business": connectors.Cursor(`{"v":1,"business":"555","posts":{"t":9999999999,"ids":["x"]}}`),
		"bad window":       connectors.Cursor(`{"v":1,"business":"100","window":[{"created":1}]}`),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			now := func() time.Time { return t0.Add(time.Hour) }
			srv := httptest.NewServer(newFakeHandler(testToken)(t, sc, now))
			t.Cleanup(srv.Close)
			c, err := New(testConfig(srv.URL), connectors.Deps{HTTP: connectors.NewHTTPClient(connectors.HTTPOptions{RetryMax: -1}), Now: now})
			if err != nil {
				t.Fatal(err)
			}
			acct := testAccount()
			acct.ExternalID = "100"
			b, err := c.Poll(context.Background(), acct, cur)
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Items) != 2 {
				t.Errorf("got %d items, want the video and its comment again", len(b.Items))
			}
		})
	}
}

// TestPoll_StalledCursor: a list that says has_more without moving its
// cursor is read once, and nothing is reported deleted from it.
func TestPoll_StalledCursor(t *testing.T) {
	t.Parallel()
	var stalled atomic.Bool
	c, calls := newTestConnector(t, func(w http.ResponseWriter, r *http.Request) {
		switch strings.TrimPrefix(r.URL.Path, "/open_api/"+testVersion) {
		case "/business/get/":
			_, _ = w.Write(readTestdata(t, "business.json"))
		case "/business/video/list/":
			_, _ = w.Write(readTestdata(t, "video_list.json"))
		case "/business/comment/list/":
			if stalled.Load() { // the first comment missing, more announced, cursor stuck
				_, _ = w.Write([]byte(`{"code":0,"message":"OK","request_id":"1","data":{"comments":[],"cursor":0,"has_more":true}}`))
				return
			}
			_, _ = w.Write(readTestdata(t, "comment_list.json"))
		default:
			t.Errorf("unexpected path %s", r.URL.Path)
		}
	})
	b, err := c.Poll(context.Background(), account(), nil)
	if err != nil || len(b.Items) != 4 {
		t.Fatalf("first poll: %v, %d items", err, len(b.Items))
	}
	stalled.Store(true)
	before := calls.Load()
	b, err = c.Poll(context.Background(), account(), b.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	if n := calls.Load() - before; n != 3 || len(b.Deletions) != 0 {
		t.Errorf("stalled list: %d calls (want 3), deletions %+v (want none)", n, b.Deletions)
	}
}
