package graphfake

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
)

// busyUsage is the share of Meta's budget (percent) the busy day reports:
// above the default usage_backoff of 0.8.
const busyUsage = 95

// usageWriter overrides X-App-Usage before the answer's header is sent.
type usageWriter struct {
	http.ResponseWriter
	busy  bool
	wrote bool
}

func (w *usageWriter) WriteHeader(code int) {
	if !w.wrote && w.busy {
		w.Header().Set("X-App-Usage", fmt.Sprintf(`{"call_count":%d,"total_cputime":40,"total_time":60}`, busyUsage))
	}
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *usageWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// RunUsageMonth polls h's connector hourly through a scripted month (no
// faults) whose fake server, for one day in the middle, reports in
// X-App-Usage a share of the budget (95%) above the connector's
// usage_backoff (the harness must configure the default, 0.8). It checks
// that the budget is reported and respected:
//
//   - every successful poll reports Budget.Calls equal to the requests the
//     server saw and Budget.Remaining, the share left, between 0 and 100;
//   - during the busy day every poll backs off after the first answer: one
//     request, then a *connectors.RateLimitError whose Reset is after the
//     poll, and an empty Batch;
//   - once usage is back under the share, polls succeed again and return
//     every post created during the busy day that is still visible (nothing
//     is lost by backing off).
func RunUsageMonth(t *testing.T, h connectortest.Harness) {
	t.Helper()
	sc := connectortest.Month(1, connectortest.Epoch)
	sc.Faults = nil
	busyFrom := sc.Start.Add(10 * 24 * time.Hour)
	busyUntil := busyFrom.Add(24 * time.Hour)
	var ns atomic.Int64
	now := func() time.Time { return time.Unix(0, ns.Load()).UTC() }
	ns.Store(sc.Start.UnixNano())
	var served atomic.Int64
	inner := h.Handler(t, sc, now)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		at := now()
		inner.ServeHTTP(&usageWriter{ResponseWriter: w, busy: !at.Before(busyFrom) && at.Before(busyUntil)}, r)
	}))
	t.Cleanup(srv.Close)
	client := connectors.NewHTTPClient(connectors.HTTPOptions{
		Timeout: 20 * time.Second, RetryMax: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond, Now: now,
	})
	deps := connectors.Deps{HTTP: client, Logger: slog.New(slog.DiscardHandler), Now: now}
	conn := h.NewConnector(t, srv.URL, deps)
	acct := h.Account
	if acct.ID == "" {
		acct.ID = "ife"
	}
	if acct.Network == "" {
		acct.Network = h.Network
	}
	if acct.ExternalID == "" {
		acct.ExternalID = sc.Account.ID
	}
	if acct.Handle == "" {
		acct.Handle = sc.Account.Handle
	}

	var cur connectors.Cursor
	seen := map[string]bool{}
	backedOff := 0
	for at := sc.Start; !at.After(sc.End.Add(24 * time.Hour)); at = at.Add(time.Hour) {
		ns.Store(at.UnixNano())
		stamp := at.Format(time.RFC3339)
		busy := !at.Before(busyFrom) && at.Before(busyUntil)
		for i := 0; ; i++ {
			if i == 100 {
				t.Fatalf("%s: More still set after 100 batches", stamp)
			}
			before := served.Load()
			b, err := conn.Poll(context.Background(), acct, cur)
			calls := int(served.Load() - before)
			if busy {
				var rl *connectors.RateLimitError
				switch {
				case !errors.As(err, &rl):
					t.Errorf("%s: usage at %d%%, yet the poll returned %v", stamp, busyUsage, err)
				case !rl.Reset.After(at):
					t.Errorf("%s: backed off until %v, not after the poll", stamp, rl.Reset)
				}
				if calls != 1 {
					t.Errorf("%s: usage at %d%%, yet the poll made %d requests (want 1: back off after the first answer)", stamp, busyUsage, calls)
				}
				if b.Cursor != nil || len(b.Items) > 0 || b.Profile != nil {
					t.Errorf("%s: a poll that backed off returned a batch", stamp)
				}
				backedOff++
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", stamp, err)
			}
			if b.Budget.Calls != calls {
				t.Errorf("%s: Budget.Calls = %d, the server saw %d requests", stamp, b.Budget.Calls, calls)
			}
			if b.Budget.Remaining < 0 || b.Budget.Remaining > 100 {
				t.Errorf("%s: Budget.Remaining = %d, want the share left of Meta's budget (0–100)", stamp, b.Budget.Remaining)
			}
			for _, it := range b.Items {
				seen[it.ExternalID] = true
			}
			if b.Cursor != nil {
				cur = b.Cursor
			}
			if !b.More {
				break
			}
		}
	}
	if backedOff == 0 {
		t.Fatal("no poll fell in the busy day")
	}
	end := sc.End.Add(24 * time.Hour)
	for _, it := range sc.Items {
		if it.Kind == connectors.KindPost && !it.Created().Before(busyFrom) && it.Created().Before(busyUntil) && it.VisibleAt(end) {
			id := it.ID
			if h.ItemID != nil {
				id = h.ItemID(id)
			}
			if !seen[id] {
				t.Errorf("post %s, created during the busy day (%s), never returned after it", it.ID, it.Created().Format(time.RFC3339))
			}
		}
	}
}
