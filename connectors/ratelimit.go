package connectors

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RateLimitFallback is how long StatusError makes the agent wait after a 429
// that says nothing usable about when the allowance comes back.
const RateLimitFallback = 60 * time.Second

// RateLimit is what a response's headers say about the network's allowance.
type RateLimit struct {
	// Limit is the number of calls allowed in the window; -1 when unknown.
	Limit int
	// Remaining is the number of calls left in the window; -1 when unknown.
	Remaining int
	// Reset is when the window resets or access is regained; zero when unknown.
	Reset time.Time
	// UsagePercent is the share of the allowance used, from 0 to 100 (Meta may
	// report more); it is computed from Limit and Remaining on header-metered
	// networks, and is -1 when unknown.
	UsagePercent float64
}

// Header families that ParseRateLimit understands, tried in this order.
var rateLimitFamilies = []struct{ limit, remaining, reset string }{
	// X: epoch seconds.
	{"X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset"},
	// Mastodon: ISO 8601 timestamp (GitHub-style epoch seconds also accepted).
	{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"},
	// Bluesky: epoch seconds; IETF draft style: delta seconds.
	{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"},
}

// Meta's percentage headers.
const (
	headerAppUsage  = "X-App-Usage"
	headerPageUsage = "X-Page-Usage"
	headerBUCUsage  = "X-Business-Use-Case-Usage"
)

// ParseRateLimit reads the rate-limit headers of X (x-rate-limit-*), Mastodon
// (X-RateLimit-*), Bluesky (RateLimit-* and RateLimit-Policy) and Meta
// (X-App-Usage, X-Page-Usage and X-Business-Use-Case-Usage, whose
// UsagePercent is the largest of call_count, total_cputime and total_time
// across every object, and whose Reset comes from
// estimated_time_to_regain_access). Relative times are taken from now.
// Malformed values are ignored; ok is false when no value could be read.
func ParseRateLimit(h http.Header, now time.Time) (rl RateLimit, ok bool) {
	rl = RateLimit{Limit: -1, Remaining: -1, UsagePercent: -1}
	for _, f := range rateLimitFamilies {
		limit, okL := parseCount(h.Get(f.limit))
		remaining, okR := parseCount(h.Get(f.remaining))
		reset, okT := parseReset(h.Get(f.reset), now)
		if f.limit == "RateLimit-Limit" && !okL {
			limit, okL = parsePolicyLimit(h.Get("RateLimit-Policy"))
		}
		if !okL && !okR && !okT {
			continue
		}
		ok = true
		if okL {
			rl.Limit = limit
		}
		if okR {
			rl.Remaining = remaining
		}
		if okT {
			rl.Reset = reset
		}
		if okL && okR && limit > 0 && remaining <= limit {
			rl.UsagePercent = 100 * float64(limit-remaining) / float64(limit)
		}
		break
	}
	if pct, reset, found := parseMetaUsage(h, now); found {
		ok = true
		rl.UsagePercent = max(rl.UsagePercent, pct)
		if reset.After(rl.Reset) {
			rl.Reset = reset
		}
	}
	return rl, ok
}

// parseCount reads a non-negative count. It takes the first item of a list
// ("100, 100;w=60" in early RateLimit drafts).
func parseCount(s string) (int, bool) {
	s = firstItem(s)
	if s == "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// firstItem returns the trimmed text before the first ',' or ';'.
func firstItem(s string) string {
	if i := strings.IndexAny(s, ",;"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// Bounds that keep numeric resets meaningful and free of overflow.
const (
	minEpoch     = 1_000_000_000  // 2001-09-09: smaller numbers are delta seconds
	maxEpoch     = 99_999_999_999 // year 5138
	maxDeltaSecs = minEpoch - 1   // about 31 years, far from Duration overflow
)

// parseReset reads a reset time as epoch seconds, delta seconds, an ISO 8601
// timestamp or an HTTP date.
func parseReset(s string, now time.Time) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		switch {
		case n >= minEpoch && n <= maxEpoch:
			return time.Unix(n, 0), true
		case n >= 0 && n <= maxDeltaSecs:
			return now.Add(time.Duration(n) * time.Second), true
		default:
			return time.Time{}, false
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	if t, err := http.ParseTime(s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// parsePolicyLimit reads the quota of a RateLimit-Policy header: "3000;w=300"
// (Bluesky) or `"default";q=100;w=60` (later IETF drafts).
func parsePolicyLimit(s string) (int, bool) {
	item, _, _ := strings.Cut(s, ",")
	params := strings.Split(item, ";")
	if n, ok := parseCount(params[0]); ok {
		return n, true
	}
	for _, p := range params[1:] {
		if k, v, found := strings.Cut(strings.TrimSpace(p), "="); found && k == "q" {
			return parseCount(v)
		}
	}
	return 0, false
}

// parseMetaUsage reads Meta's usage headers: the largest percentage found and
// the latest time at which access is regained.
func parseMetaUsage(h http.Header, now time.Time) (pct float64, reset time.Time, found bool) {
	pct = -1
	note := func(obj map[string]json.RawMessage) {
		for _, k := range []string{"call_count", "total_cputime", "total_time"} {
			if v, ok := metaNumber(obj[k]); ok {
				found = true
				pct = max(pct, v)
			}
		}
		// Minutes; bounded so the Duration cannot overflow.
		if m, ok := metaNumber(obj["estimated_time_to_regain_access"]); ok && m <= 1e7 {
			found = true
			if t := now.Add(time.Duration(m * float64(time.Minute))); m > 0 && t.After(reset) {
				reset = t
			}
		}
	}
	for _, name := range []string{headerAppUsage, headerPageUsage} {
		var obj map[string]json.RawMessage
		if v := h.Get(name); v != "" && json.Unmarshal([]byte(v), &obj) == nil {
			note(obj)
		}
	}
	if v := h.Get(headerBUCUsage); v != "" {
		var byID map[string][]map[string]json.RawMessage
		if json.Unmarshal([]byte(v), &byID) == nil {
			for _, objs := range byID {
				for _, obj := range objs {
					note(obj)
				}
			}
		}
	}
	return pct, reset, found
}

// metaNumber reads a finite non-negative JSON number, or a string holding one.
func metaNumber(raw json.RawMessage) (float64, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, false
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return 0, false
		}
		if f, err = strconv.ParseFloat(strings.TrimSpace(s), 64); err != nil {
			return 0, false
		}
	}
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0, false
	}
	return f, true
}

// maxRetryAfterSecs bounds Retry-After in seconds so the Duration cannot overflow.
const maxRetryAfterSecs = maxDeltaSecs

// RetryAfter reads the Retry-After header, given as delay seconds or as an HTTP
// date, as a wait from now; a date in the past is a zero wait. ok is false when
// the header is absent or malformed.
func RetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	s := strings.TrimSpace(h.Get("Retry-After"))
	if s == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 || n > maxRetryAfterSecs {
			return 0, false
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(s)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// StatusError maps the status of resp to the error kinds the agent branches
// on: 2xx is nil; 401 and 403 wrap ErrAuth; 404 and 410 wrap ErrNotFound; 429
// is a *RateLimitError whose Reset comes from Retry-After, else from the
// rate-limit headers, else now+RateLimitFallback; anything else is a transient
// error. The message names network, op and the status code, and nothing of
// the URL or the body. Networks that signal throttling or revoked tokens in
// the body (Meta's error codes) classify those before calling StatusError.
func StatusError(network, op string, resp *Response, now time.Time) error {
	if resp == nil {
		return fmt.Errorf("%s: %s: no response", network, op)
	}
	code := resp.Status
	switch {
	case code >= 200 && code < 300:
		return nil
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return fmt.Errorf("%s: %s: %s: %w", network, op, statusText(code), ErrAuth)
	case code == http.StatusNotFound || code == http.StatusGone:
		return fmt.Errorf("%s: %s: %s: %w", network, op, statusText(code), ErrNotFound)
	case code == http.StatusTooManyRequests:
		return fmt.Errorf("%s: %s: %w", network, op, &RateLimitError{
			Reset: rateLimitReset(resp.Header, now),
			Err:   errors.New(statusText(code)),
		})
	default:
		return fmt.Errorf("%s: %s: unexpected %s", network, op, statusText(code))
	}
}

// rateLimitReset picks when to try again after a 429.
func rateLimitReset(h http.Header, now time.Time) time.Time {
	if d, ok := RetryAfter(h, now); ok && d > 0 {
		return now.Add(d)
	}
	if rl, ok := ParseRateLimit(h, now); ok && rl.Reset.After(now) {
		return rl.Reset
	}
	return now.Add(RateLimitFallback)
}

// statusText renders a status code as "HTTP status 404 Not Found".
func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return fmt.Sprintf("HTTP status %d %s", code, t)
	}
	return fmt.Sprintf("HTTP status %d", code)
}
