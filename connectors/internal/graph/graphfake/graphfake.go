// Package graphfake is what the fake Graph API servers of the facebook,
// instagram and threads tests share: Graph's JSON and error bodies, the usage headers,
// cursor paging with a next URL only when more remain, the check of each
// request's token and query, and the injection of a connectortest.Scenario's
// faults as Graph answers them (OAuthException codes 190, 80001/80002,
// 100/33, code 1, an HTML 502, an HTML page with status 200, a truncated
// body). Only tests import it.
package graphfake

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors/connectortest"
	"github.com/ife-mx/vigia/connectors/internal/graph"
)

// WriteJSON writes v as Graph does: JSON without HTML escaping.
func WriteJSON(w http.ResponseWriter, code int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// WriteError writes a Graph error body.
func WriteError(w http.ResponseWriter, status, code, subcode int, msg, typ string) {
	e := map[string]any{"message": msg, "type": typ, "code": code, "fbtrace_id": "AbCdEfGhIjK"}
	if subcode != 0 {
		e["error_subcode"] = subcode
	}
	if code == 1 || code == 2 || graph.RateLimited(code) {
		e["is_transient"] = true
	}
	w.Header().Set("WWW-Authenticate", `OAuth "Facebook Platform" "invalid_request" "`+msg+`"`)
	WriteJSON(w, status, map[string]any{"error": e})
}

// WriteNoObject writes Graph's answer to an id that does not exist.
func WriteNoObject(w http.ResponseWriter, id string) {
	WriteError(w, http.StatusBadRequest, 100, 33, "Unsupported get request. Object with ID '"+id+"' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", "GraphMethodException")
}

// Time renders t in Graph's form: "2026-08-20T09:15:02+0000".
func Time(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05+0000") }

// minutes renders d as an exact decimal number of minutes.
func minutes(d time.Duration) string {
	return new(big.Rat).SetFrac64(int64(d), int64(time.Minute)).FloatString(12)
}

// Server is the common part of a fake Graph API.
type Server struct {
	T     testing.TB
	SC    *connectortest.Scenario
	Now   func() time.Time
	Token string
	// BUCType is the type of the X-Business-Use-Case-Usage entry ("pages",
	// "instagram"); ThrottleCode the code of a rate_limited fault (80001,
	// 80002) and ThrottleMessage its message.
	BUCType         string
	ThrottleCode    int
	ThrottleMessage string
	// AppUsageOnly says the API reports only X-App-Usage (Threads): the
	// share used is its call_count, and a throttle's
	// estimated_time_to_regain_access goes in it.
	AppUsageOnly bool

	mu    sync.Mutex
	calls int // calls in the current hour, for the usage headers
	hour  time.Time
	n     int
}

// usage sets X-App-Usage and X-Business-Use-Case-Usage (only X-App-Usage
// with AppUsageOnly).
func (f *Server) usage(h http.Header, pct int, regain time.Duration) {
	if f.AppUsageOnly {
		regainField := ""
		if regain > 0 {
			regainField = `,"estimated_time_to_regain_access":` + minutes(regain)
		}
		h.Set("X-App-Usage", fmt.Sprintf(`{"call_count":%d,"total_cputime":%d,"total_time":%d%s}`, pct, pct/3, pct/2, regainField))
		return
	}
	h.Set("X-App-Usage", fmt.Sprintf(`{"call_count":%d,"total_cputime":%d,"total_time":%d}`, pct/2, pct/3, pct/2))
	h.Set("X-Business-Use-Case-Usage", fmt.Sprintf(`{"%s":[{"type":"%s","call_count":%d,"total_cputime":%d,"total_time":%d,"estimated_time_to_regain_access":%s}]}`,
		f.SC.Account.ID, f.BUCType, pct, pct/2, pct/2, minutes(regain)))
}

// Wrap asserts the request's token, sets the usage headers (a share that
// grows with the calls of the hour, at most 60%) and injects the scenario's
// faults.
func (f *Server) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := f.Now()
		if strings.Contains(r.URL.RawQuery, f.Token) {
			f.T.Errorf("fake graph: the token is in the URL")
		}
		if got := r.Header.Get("Authorization"); got != "Bearer "+f.Token {
			f.T.Errorf("fake graph: %s: Authorization header is not the token", r.URL.Path)
			WriteError(w, http.StatusBadRequest, 190, 0, "Invalid OAuth access token - Cannot parse access token", "OAuthException")
			return
		}
		f.mu.Lock()
		if h := now.Truncate(time.Hour); !h.Equal(f.hour) {
			f.hour, f.calls = h, 0
		}
		f.calls++
		f.n++
		pct, n := min(f.calls, 60), f.n
		f.mu.Unlock()
		h := w.Header()
		f.usage(h, pct, 0)
		fault := f.SC.FaultAt(now)
		if fault == nil {
			next.ServeHTTP(w, r)
			return
		}
		switch fault.Kind {
		case connectortest.FaultAuth:
			WriteError(w, http.StatusBadRequest, 190, 460, "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.", "OAuthException")
		case connectortest.FaultNotFound:
			WriteNoObject(w, f.SC.Account.ID)
		case connectortest.FaultRateLimited:
			f.usage(h, 100, fault.Reset.Sub(now))
			WriteError(w, http.StatusBadRequest, f.ThrottleCode, 0, f.ThrottleMessage, "OAuthException")
		case connectortest.FaultServerError:
			if n%2 == 0 {
				WriteError(w, http.StatusInternalServerError, 1, 99, "An unknown error occurred", "OAuthException")
			} else {
				h.Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusBadGateway)
				_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
			}
		case connectortest.FaultMalformed:
			h.Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte("<!DOCTYPE html><html><head><title>Facebook</title></head><body>Sorry, something went wrong.</body></html>"))
		case connectortest.FaultTruncated:
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			for k, vs := range rec.Header() {
				h[k] = vs
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(connectortest.Truncate(rec.Body.Bytes()))
		default:
			f.T.Errorf("fake graph: unknown fault %q", fault.Kind)
		}
	})
}

// CheckQuery fails the test on a parameter the call should not carry, or a
// fields list other than fields.
func (f *Server) CheckQuery(r *http.Request, fields string, fixed map[string]string, allowed ...string) {
	q := r.URL.Query()
	if got := q.Get("fields"); got != fields {
		f.T.Errorf("fake graph: %s: fields = %q, want %q", r.URL.Path, got, fields)
	}
	for k, v := range fixed {
		if got := q.Get(k); got != v {
			f.T.Errorf("fake graph: %s: %s = %q, want %q", r.URL.Path, k, got, v)
		}
	}
	for k := range q {
		ok := k == "fields"
		if _, fx := fixed[k]; fx {
			ok = true
		}
		for _, a := range allowed {
			ok = ok || k == a
		}
		if !ok {
			f.T.Errorf("fake graph: %s: unknown query parameter %q", r.URL.Path, k)
		}
	}
}

// Limit reads the limit parameter of r, def when absent, at most 100.
func Limit(r *http.Request, def int) int {
	if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n > 0 {
		return min(n, 100)
	}
	return def
}

// PageOf cuts a page of limit ids out of ids after the after cursor,
// rendering Graph's paging block (next only when more remain); the next URL
// is built from path and q.
func PageOf(path string, q url.Values, after string, ids []string, limit int) ([]string, map[string]any) {
	start := 0
	if after != "" {
		b, err := base64.RawURLEncoding.DecodeString(after)
		if err == nil {
			for i, id := range ids {
				if id == string(b) {
					start = i + 1
				}
			}
		}
	}
	end := min(start+limit, len(ids))
	sel := ids[start:end]
	pg := map[string]any{}
	if len(sel) > 0 {
		cur := func(id string) string { return base64.RawURLEncoding.EncodeToString([]byte(id)) }
		pg["cursors"] = map[string]string{"before": cur(sel[0]), "after": cur(sel[len(sel)-1])}
		if end < len(ids) {
			nq := url.Values{}
			for k, vs := range q {
				nq[k] = vs
			}
			nq.Set("after", cur(sel[len(sel)-1]))
			nq.Set("access_token", "EAAG...")
			pg["next"] = "https://graph.facebook.com" + path + "?" + nq.Encode()
		}
	}
	return sel, pg
}

// Page is PageOf for the request r with its own limit (def when absent).
func Page(r *http.Request, ids []string, def int) ([]string, map[string]any) {
	q := r.URL.Query()
	return PageOf(r.URL.Path, q, q.Get("after"), ids, Limit(r, def))
}
