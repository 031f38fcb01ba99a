package connectors_test

import (
	"errors"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

func TestParseRateLimit(t *testing.T) {
	t.Parallel()
	unknown := connectors.RateLimit{Limit: -1, Remaining: -1, UsagePercent: -1}
	tests := []struct {
		name   string
		header http.Header
		want   connectors.RateLimit
		wantOK bool
	}{
		{
			name:   "no headers",
			header: http.Header{},
			want:   unknown,
		},
		{
			name: "X epoch seconds",
			header: hdr(
				"x-rate-limit-limit", "300",
				"x-rate-limit-remaining", "297",
				"x-rate-limit-reset", "1787216400"),
			want:   connectors.RateLimit{Limit: 300, Remaining: 297, Reset: time.Unix(1787216400, 0), UsagePercent: 1},
			wantOK: true,
		},
		{
			name: "Mastodon ISO 8601 reset",
			header: hdr(
				"X-RateLimit-Limit", "300",
				"X-RateLimit-Remaining", "150",
				"X-RateLimit-Reset", "2026-08-20T10:35:00.000Z"),
			want:   connectors.RateLimit{Limit: 300, Remaining: 150, Reset: time.Date(2026, 8, 20, 10, 35, 0, 0, time.UTC), UsagePercent: 50},
			wantOK: true,
		},
		{
			name: "Bluesky epoch reset and policy",
			header: hdr(
				"RateLimit-Limit", "3000",
				"RateLimit-Remaining", "2999",
				"RateLimit-Reset", "1787216400",
				"RateLimit-Policy", "3000;w=300"),
			want:   connectors.RateLimit{Limit: 3000, Remaining: 2999, Reset: time.Unix(1787216400, 0), UsagePercent: 100.0 / 3000},
			wantOK: true,
		},
		{
			name: "limit taken from RateLimit-Policy when RateLimit-Limit is absent",
			header: hdr(
				"RateLimit-Remaining", "0",
				"RateLimit-Policy", "30;w=300"),
			want:   connectors.RateLimit{Limit: 30, Remaining: 0, UsagePercent: 100},
			wantOK: true,
		},
		{
			name: "IETF draft delta-seconds reset and quoted policy",
			header: hdr(
				"RateLimit-Remaining", "50",
				"RateLimit-Reset", "30",
				"RateLimit-Policy", `"default";q=100;w=60`),
			want:   connectors.RateLimit{Limit: 100, Remaining: 50, Reset: testNow.Add(30 * time.Second), UsagePercent: 50},
			wantOK: true,
		},
		{
			name:   "Meta X-App-Usage takes the largest percentage",
			header: hdr("X-App-Usage", `{"call_count":28,"total_time":25,"total_cputime":31}`),
			want:   connectors.RateLimit{Limit: -1, Remaining: -1, UsagePercent: 31},
			wantOK: true,
		},
		{
			name: "Meta business use case across ids and arrays, with time to regain access",
			header: hdr("X-Business-Use-Case-Usage",
				`{"1122334455":[{"type":"pages","call_count":12,"total_cputime":4,"total_time":6,"estimated_time_to_regain_access":0}],`+
					`"17841405822304914":[{"type":"instagram","call_count":"40","total_cputime":98.5,"total_time":7,"estimated_time_to_regain_access":15},`+
					`{"type":"pages","call_count":3,"estimated_time_to_regain_access":5}]}`),
			want:   connectors.RateLimit{Limit: -1, Remaining: -1, Reset: testNow.Add(15 * time.Minute), UsagePercent: 98.5},
			wantOK: true,
		},
		{
			name: "Meta app and business headers together",
			header: hdr(
				"X-App-Usage", `{"call_count":60}`,
				"X-Business-Use-Case-Usage", `{"1":[{"call_count":20}]}`),
			want:   connectors.RateLimit{Limit: -1, Remaining: -1, UsagePercent: 60},
			wantOK: true,
		},
		{
			name: "malformed X values are ignored",
			header: hdr(
				"x-rate-limit-limit", "lots",
				"x-rate-limit-remaining", "-3",
				"x-rate-limit-reset", "tomorrow"),
			want: unknown,
		},
		{
			name: "malformed fields do not hide the valid ones",
			header: hdr(
				"X-RateLimit-Limit", "300",
				"X-RateLimit-Remaining", "1e3",
				"X-RateLimit-Reset", "99999999999999999999"),
			want:   connectors.RateLimit{Limit: 300, Remaining: -1, UsagePercent: -1},
			wantOK: true,
		},
		{
			name:   "remaining above limit gives no percentage",
			header: hdr("x-rate-limit-limit", "10", "x-rate-limit-remaining", "11"),
			want:   connectors.RateLimit{Limit: 10, Remaining: 11, UsagePercent: -1},
			wantOK: true,
		},
		{
			name: "malformed Meta JSON is ignored",
			header: hdr(
				"X-App-Usage", `{"call_count":`,
				"X-Business-Use-Case-Usage", `{"1":{"call_count":5}}`),
			want: unknown,
		},
		{
			name: "Meta values of the wrong type are ignored",
			header: hdr(
				"X-App-Usage", `{"call_count":null,"total_time":-4,"total_cputime":"x"}`,
				"X-Business-Use-Case-Usage", `{"1":[{"call_count":true,"estimated_time_to_regain_access":1e300}]}`),
			want: unknown,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := connectors.ParseRateLimit(tt.header, testNow)
			if ok != tt.wantOK {
				t.Errorf("ok = %v, want %v", ok, tt.wantOK)
			}
			if got.Limit != tt.want.Limit || got.Remaining != tt.want.Remaining ||
				!got.Reset.Equal(tt.want.Reset) || math.Abs(got.UsagePercent-tt.want.UsagePercent) > 1e-9 {
				t.Errorf("ParseRateLimit = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		value  string
		want   time.Duration
		wantOK bool
	}{
		{"absent", "", 0, false},
		{"seconds", "120", 2 * time.Minute, true},
		{"zero seconds", "0", 0, true},
		{"padded seconds", " 7 ", 7 * time.Second, true},
		{"HTTP date", testNow.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{"RFC 850 date", testNow.Add(time.Hour).Format(time.RFC850), time.Hour, true},
		{"date in the past", testNow.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"negative seconds", "-5", 0, false},
		{"fractional seconds", "1.5", 0, false},
		{"huge seconds", "9223372036854775807", 0, false},
		{"garbage", "soon", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if tt.value != "" {
				h.Set("Retry-After", tt.value)
			}
			got, ok := connectors.RetryAfter(h, testNow)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("RetryAfter(%q) = %v, %v; want %v, %v", tt.value, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestStatusError(t *testing.T) {
	t.Parallel()
	const bodySecret = "BODYSECRET"
	tests := []struct {
		name       string
		status     int
		header     http.Header
		wantReason string
		wantReset  time.Time
		wantText   string
	}{
		{name: "200 is no error", status: 200, wantReason: connectors.ReasonOK},
		{name: "204 is no error", status: 204, wantReason: connectors.ReasonOK},
		{name: "401 is auth", status: 401, wantReason: connectors.ReasonAuth, wantText: "401"},
		{name: "403 is auth", status: 403, wantReason: connectors.ReasonAuth, wantText: "403"},
		{name: "404 is not found", status: 404, wantReason: connectors.ReasonNotFound, wantText: "404"},
		{name: "410 is not found", status: 410, wantReason: connectors.ReasonNotFound, wantText: "410"},
		{
			name: "429 resets after Retry-After", status: 429,
			header:     hdr("Retry-After", "120", "x-rate-limit-reset", "1787216400"),
			wantReason: connectors.ReasonRateLimited, wantReset: testNow.Add(2 * time.Minute), wantText: "429",
		},
		{
			name: "429 resets at the X reset", status: 429,
			header:     hdr("x-rate-limit-remaining", "0", "x-rate-limit-reset", "1787222700"), // 10:45 UTC
			wantReason: connectors.ReasonRateLimited, wantReset: testNow.Add(15 * time.Minute), wantText: "429",
		},
		{
			name: "429 resets at the Mastodon reset", status: 429,
			header:     hdr("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "2026-08-20T10:35:00.000Z"),
			wantReason: connectors.ReasonRateLimited, wantReset: time.Date(2026, 8, 20, 10, 35, 0, 0, time.UTC), wantText: "429",
		},
		{
			name: "429 resets when Meta regains access", status: 429,
			header:     hdr("X-Business-Use-Case-Usage", `{"1":[{"call_count":100,"estimated_time_to_regain_access":10}]}`),
			wantReason: connectors.ReasonRateLimited, wantReset: testNow.Add(10 * time.Minute), wantText: "429",
		},
		{
			name: "429 with a reset in the past falls back to a minute", status: 429,
			header:     hdr("x-rate-limit-reset", "1700000000"),
			wantReason: connectors.ReasonRateLimited, wantReset: testNow.Add(connectors.RateLimitFallback), wantText: "429",
		},
		{
			name: "429 with Retry-After 0 falls back to a minute", status: 429,
			header:     hdr("Retry-After", "0"),
			wantReason: connectors.ReasonRateLimited, wantReset: testNow.Add(connectors.RateLimitFallback), wantText: "429",
		},
		{
			name: "429 with malformed headers falls back to a minute", status: 429,
			header:     hdr("Retry-After", "later", "X-App-Usage", "{"),
			wantReason: connectors.ReasonRateLimited, wantReset: testNow.Add(connectors.RateLimitFallback), wantText: "429",
		},
		{name: "400 is transient", status: 400, wantReason: connectors.ReasonTransient, wantText: "400"},
		{name: "500 is transient", status: 500, wantReason: connectors.ReasonTransient, wantText: "500"},
		{name: "503 is transient", status: 503, wantReason: connectors.ReasonTransient, wantText: "503"},
		{name: "an unknown code is transient", status: 599, wantReason: connectors.ReasonTransient, wantText: "599"},
		{name: "a redirect is transient", status: 304, wantReason: connectors.ReasonTransient, wantText: "304"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			resp := &connectors.Response{Status: tt.status, Header: h, Body: []byte(`{"error":"` + bodySecret + `"}`)}
			err := connectors.StatusError("mastodon", "list statuses", resp, testNow)
			if got := connectors.Reason(err); got != tt.wantReason {
				t.Fatalf("Reason(%v) = %q, want %q", err, got, tt.wantReason)
			}
			if err == nil {
				return
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "mastodon: list statuses: ") || !strings.Contains(msg, tt.wantText) {
				t.Errorf("message %q should name the network, the operation and %s", msg, tt.wantText)
			}
			if strings.Contains(msg, bodySecret) {
				t.Errorf("message %q reveals the body", msg)
			}
			var rl *connectors.RateLimitError
			if errors.As(err, &rl) != !tt.wantReset.IsZero() {
				t.Fatalf("errors.As RateLimitError = %v, want %v", !tt.wantReset.IsZero(), errors.As(err, &rl))
			}
			if rl != nil && !rl.Reset.Equal(tt.wantReset) {
				t.Errorf("Reset = %v, want %v", rl.Reset, tt.wantReset)
			}
		})
	}

	t.Run("a nil response is transient", func(t *testing.T) {
		t.Parallel()
		err := connectors.StatusError("x", "get user", nil, testNow)
		if connectors.Reason(err) != connectors.ReasonTransient {
			t.Errorf("StatusError(nil) = %v, want a transient error", err)
		}
	})
}

// FuzzParseRateLimit feeds arbitrary header values to every family and checks
// that parsing never panics and keeps its invariants.
func FuzzParseRateLimit(f *testing.F) {
	f.Add("300", "297", "1787216400", "", "", "", "")
	f.Add("300", "287", "2026-08-20T10:35:00.000Z", "3000;w=300", "", "", "120")
	f.Add("", "0", "30", `"default";q=100;w=60`, `{"call_count":28,"total_time":25,"total_cputime":25}`, "", "Thu, 20 Aug 2026 10:31:00 GMT")
	f.Add("x", "-1", "99999999999999999999", ";;,", `{"call_count":"1e999"}`,
		`{"1122334455":[{"type":"pages","call_count":12,"total_cputime":4,"total_time":6,"estimated_time_to_regain_access":1e7}]}`, "-1")
	f.Fuzz(func(t *testing.T, limit, remaining, reset, policy, appUsage, bucUsage, retryAfter string) {
		h := http.Header{}
		for _, prefix := range []string{"X-Rate-Limit-", "X-RateLimit-", "RateLimit-"} {
			h.Set(prefix+"Limit", limit)
			h.Set(prefix+"Remaining", remaining)
			h.Set(prefix+"Reset", reset)
		}
		h.Set("RateLimit-Policy", policy)
		h.Set("X-App-Usage", appUsage)
		h.Set("X-Page-Usage", appUsage)
		h.Set("X-Business-Use-Case-Usage", bucUsage)
		h.Set("Retry-After", retryAfter)

		rl, _ := connectors.ParseRateLimit(h, testNow)
		if rl.Limit < -1 || rl.Remaining < -1 || rl.UsagePercent < -1 || math.IsNaN(rl.UsagePercent) || math.IsInf(rl.UsagePercent, 0) {
			t.Errorf("ParseRateLimit = %+v breaks its invariants", rl)
		}
		if d, ok := connectors.RetryAfter(h, testNow); d < 0 || (!ok && d != 0) {
			t.Errorf("RetryAfter = %v, %v", d, ok)
		}
		err := connectors.StatusError("x", "fuzz", &connectors.Response{Status: http.StatusTooManyRequests, Header: h}, testNow)
		var rle *connectors.RateLimitError
		if !errors.As(err, &rle) || !rle.Reset.After(testNow) {
			t.Errorf("StatusError(429) = %v, want a RateLimitError resetting after now", err)
		}
	})
}

// hdr builds a canonicalised header from key/value pairs.
func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}
