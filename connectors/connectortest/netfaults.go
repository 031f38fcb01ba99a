package connectortest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Network faults the suite injects itself, in front of any network's fake
// server (Harness.Handler), on every request while the fault lasts: what a
// flaky network, a proxy or an overloaded API does whatever the API's shapes.
const (
	// NetReset closes the connection (TCP RST) before any response.
	NetReset = "reset"
	// NetResetMidBody sends the status, headers and half of the body the fake
	// server rendered, then resets the connection.
	NetResetMidBody = "reset_mid_body"
	// NetStallHeaders answers nothing until the client gives up: a timeout.
	NetStallHeaders = "stall_headers"
	// NetStallBody sends the status, headers and half of the body, then nothing
	// until the client gives up: a slow body.
	NetStallBody = "stall_body"
	// NetTooMany answers 429 with Retry-After: 60 and no network-specific
	// rate-limit headers: a 429 storm.
	NetTooMany = "storm_429"
	// NetServerError answers 500 without Retry-After: a 5xx storm.
	NetServerError = "storm_5xx"
	// NetTruncatedJSON sends the status and headers the fake server rendered
	// and the first half of its body, with a Content-Length that matches the
	// cut: truncated JSON that the HTTP layer cannot notice.
	NetTruncatedJSON = "truncated_json"
	// NetHTMLPage answers 200 with an HTML error page, as a captive portal or a
	// misconfigured proxy does.
	NetHTMLPage = "html_200"
)

// NetFaultKinds lists every network fault, in the order the suite injects them.
var NetFaultKinds = []string{NetReset, NetResetMidBody, NetStallHeaders, NetStallBody,
	NetTooMany, NetServerError, NetTruncatedJSON, NetHTMLPage}

// netStallPoll bounds a poll while a stall fault lasts, as the agent's
// poll_timeout does; the stalled request ends with it (not an assertion).
const netStallPoll = 1500 * time.Millisecond

// netFaultPolls is how many hourly polls each network fault lasts.
const netFaultPolls = 3

// injectNetFault serves req with the fault kind, rendering inner's response
// first for the faults that cut it.
func injectNetFault(t testing.TB, kind string, inner http.Handler, w http.ResponseWriter, req *http.Request) {
	rendered := func() *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		inner.ServeHTTP(rec, req)
		return rec
	}
	// writeHead copies a rendered response's status and headers, with the
	// given Content-Length.
	writeHead := func(rec *httptest.ResponseRecorder, length int) {
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Length", strconv.Itoa(length))
		w.WriteHeader(rec.Code)
	}
	switch kind {
	case NetReset:
		reset(t, w)
	case NetResetMidBody:
		rec := rendered()
		body := rec.Body.Bytes()
		writeHead(rec, len(body))
		_, _ = w.Write(Truncate(body))
		reset(t, w)
	case NetStallHeaders:
		<-req.Context().Done()
	case NetStallBody:
		rec := rendered()
		body := rec.Body.Bytes()
		writeHead(rec, len(body))
		_, _ = w.Write(Truncate(body))
		http.NewResponseController(w).Flush()
		<-req.Context().Done()
	case NetTooMany:
		w.Header().Set("Retry-After", "60")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"error":"Too Many Requests"}`))
	case NetServerError:
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("internal server error"))
	case NetTruncatedJSON:
		rec := rendered()
		body := Truncate(rec.Body.Bytes())
		writeHead(rec, len(body))
		_, _ = w.Write(body)
	case NetHTMLPage:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"))
	default:
		t.Errorf("connectortest: unknown network fault %q", kind)
		w.WriteHeader(http.StatusInternalServerError)
	}
}

// reset closes the request's connection with a TCP RST.
func reset(t testing.TB, w http.ResponseWriter) {
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("connectortest: hijack: %v", err)
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // close sends RST, not FIN
	}
	_ = conn.Close()
}

// checkNetFault reports whether a poll that met the network fault kind failed
// the right way: with an error of the expected kind, in at most maxCalls
// requests. later says an earlier poll already met the fault: its kind may then
// also be transient (a truncated token refresh leaves a session to rebuild).
func checkNetFault(kind string, res tickResult, maxCalls int, later bool) error {
	if res.err == nil {
		return fmt.Errorf("%s: the poll succeeded", kind)
	}
	reason := connectors.Reason(res.err)
	var want []string
	switch kind {
	case NetTooMany:
		want = []string{connectors.ReasonRateLimited}
		maxCalls = 1 // no retry storm on 429: the agent waits out Retry-After
	case NetTruncatedJSON, NetHTMLPage:
		want = []string{connectors.ReasonMalformed}
		if later {
			want = append(want, connectors.ReasonTransient)
		}
	case NetResetMidBody:
		want = []string{connectors.ReasonTransient, connectors.ReasonMalformed}
	default:
		want = []string{connectors.ReasonTransient}
	}
	ok := false
	for _, w := range want {
		ok = ok || reason == w
	}
	var errs []error
	if !ok {
		errs = append(errs, fmt.Errorf("%s: error %q is %s, want %v", kind, res.err, reason, want))
	}
	if res.calls > maxCalls {
		errs = append(errs, fmt.Errorf("%s: the failed poll made %d requests, want at most %d", kind, res.calls, maxCalls))
	}
	if kind == NetTooMany {
		var rl *connectors.RateLimitError
		if errors.As(res.err, &rl) && rl.Reset.IsZero() {
			errs = append(errs, fmt.Errorf("%s: RateLimitError without a reset time (Retry-After: 60 was sent)", kind))
		}
	}
	return errors.Join(errs...)
}

// testNetFaults injects each network fault for a few hourly polls in the
// middle of a month: each poll fails with the right kind of error, in a
// bounded number of requests, without moving the cursor; later polls recover
// everything.
func testNetFaults(t *testing.T, h *Harness) {
	for _, kind := range NetFaultKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			sc := Month(h.seed()+6, Epoch)
			sc.Faults = nil
			start := sc.Start.Add(3 * 24 * time.Hour)
			r := newRunner(t, h, sc, start)
			if res := r.tick(); res.err != nil {
				t.Fatalf("first poll: %v", res.err)
			}
			r.clk.Add(time.Hour)
			before := bytes.Clone(r.arc.cursor)
			r.netFault.Store(&kind)
			if kind == NetStallHeaders || kind == NetStallBody {
				r.pollTimeout = netStallPoll
			}
			for i := range netFaultPolls {
				res := r.tick()
				if err := checkNetFault(kind, res, r.retryMax+1, i > 0); err != nil {
					t.Errorf("%s: %v", res.at.Format(time.RFC3339), err)
				}
				if !bytes.Equal(before, r.arc.cursor) {
					t.Errorf("%s: the cursor moved on a failed poll", res.at.Format(time.RFC3339))
				}
				r.clk.Add(time.Hour)
			}
			r.netFault.Store(nil)
			r.pollTimeout = 0
			r.hourly(r.clk.Now().Add(24*time.Hour), func(res tickResult) {
				if res.err != nil {
					t.Errorf("%s: after the %s fault: %v", res.at.Format(time.RFC3339), kind, res.err)
				}
			})
			r.verify()
		})
	}
}
