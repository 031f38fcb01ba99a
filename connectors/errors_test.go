package connectors_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

func TestReason(t *testing.T) {
	t.Parallel()
	rl := &connectors.RateLimitError{Reset: testNow, Err: errors.New("HTTP status 429")}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil is ok", nil, connectors.ReasonOK},
		{"auth", fmt.Errorf("x: get user: %w", connectors.ErrAuth), connectors.ReasonAuth},
		{"not found", fmt.Errorf("x: get user: %w", connectors.ErrNotFound), connectors.ReasonNotFound},
		{"malformed", connectors.Malformed("x", "timeline", errors.New("unexpected EOF")), connectors.ReasonMalformed},
		{"rate limited", fmt.Errorf("x: list posts: %w", rl), connectors.ReasonRateLimited},
		{"rate limit wins over the auth error it wraps", &connectors.RateLimitError{Err: connectors.ErrAuth}, connectors.ReasonRateLimited},
		{"canceled", fmt.Errorf("x: list posts: %w", context.Canceled), connectors.ReasonCanceled},
		{"deadline is transient", fmt.Errorf("x: list posts: %w", context.DeadlineExceeded), connectors.ReasonTransient},
		{"anything else is transient", errors.New("connection reset"), connectors.ReasonTransient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := connectors.Reason(tt.err); got != tt.want {
				t.Errorf("Reason(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}

	t.Run("every reason is listed once", func(t *testing.T) {
		t.Parallel()
		seen := map[string]bool{}
		for _, tt := range tests {
			seen[tt.want] = true
		}
		listed := map[string]bool{}
		for _, r := range connectors.Reasons {
			if listed[r] {
				t.Errorf("Reasons lists %q twice", r)
			}
			listed[r] = true
		}
		for r := range seen {
			if !listed[r] {
				t.Errorf("Reasons lacks %q", r)
			}
		}
	})
}

func TestRateLimitError(t *testing.T) {
	t.Parallel()
	cause := errors.New("HTTP status 429")
	tests := []struct {
		name string
		err  *connectors.RateLimitError
		want string
	}{
		{"bare", &connectors.RateLimitError{}, "rate limited"},
		{"with reset in UTC", &connectors.RateLimitError{Reset: time.Date(2026, 8, 20, 4, 35, 0, 0, time.FixedZone("CST", -6*3600))}, "rate limited until 2026-08-20T10:35:00Z"},
		{"with cause", &connectors.RateLimitError{Err: cause}, "rate limited: HTTP status 429"},
		{"with both", &connectors.RateLimitError{Reset: testNow, Err: cause}, "rate limited until 2026-08-20T10:30:00Z: HTTP status 429"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}

	t.Run("Unwrap reaches the cause", func(t *testing.T) {
		t.Parallel()
		err := fmt.Errorf("x: list posts: %w", &connectors.RateLimitError{Reset: testNow, Err: cause})
		if !errors.Is(err, cause) {
			t.Error("errors.Is should find the cause through the RateLimitError")
		}
		var rl *connectors.RateLimitError
		if !errors.As(err, &rl) || !rl.Reset.Equal(testNow) {
			t.Errorf("errors.As = %v, want the RateLimitError with its Reset", rl)
		}
		if (&connectors.RateLimitError{}).Unwrap() != nil {
			t.Error("Unwrap of a bare RateLimitError should be nil")
		}
	})
}

func TestMalformed(t *testing.T) {
	t.Parallel()
	err := connectors.Malformed("bluesky", "author feed", errors.New("invalid character '<'"))
	if !errors.Is(err, connectors.ErrMalformed) {
		t.Errorf("Malformed should wrap ErrMalformed, got %v", err)
	}
	if want := "bluesky: decode author feed: malformed response: invalid character '<'"; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err, want)
	}
}

func TestSecret(t *testing.T) {
	t.Parallel()
	const value = "s3cr3t-VALUE"
	s := connectors.NewSecret(value)
	acct := connectors.Account{ID: "ife_x", Credentials: map[string]connectors.Secret{"token": s}}
	type wrapper struct {
		Token connectors.Secret            `json:"token"`
		Map   map[string]connectors.Secret `json:"map"`
	}
	w := wrapper{Token: s, Map: map[string]connectors.Secret{"k": s}}

	if s.Reveal() != value {
		t.Fatalf("Reveal() = %q, want the value", s.Reveal())
	}

	t.Run("fmt", func(t *testing.T) {
		t.Parallel()
		for _, verb := range []string{"%v", "%s", "%q", "%#v", "%+v", "%x", "%X", "%10s", "%-8v"} {
			for _, arg := range []any{s, &s, acct, w} {
				if got := fmt.Sprintf(verb, arg); strings.Contains(got, value) || strings.Contains(got, fmt.Sprintf("%x", value)) {
					t.Errorf("Sprintf(%q, %T) = %q reveals the secret", verb, arg, got)
				}
			}
		}
		if got := fmt.Sprint(s); got != "<secret>" {
			t.Errorf("Sprint = %q, want <secret>", got)
		}
		if got := fmt.Sprintf("%#v", s); got != "<secret>" {
			t.Errorf("%%#v = %q, want <secret>", got)
		}
	})

	t.Run("fmt verbs for other kinds", func(t *testing.T) {
		t.Parallel()
		// fmt prints the raw value of an argument given a verb meant for another
		// kind ("%!d(connectors.Secret=…)") without calling String; Secret's
		// Format method covers every verb, alone or inside a struct or map.
		for _, verb := range []string{"%d", "%t", "%b", "%o", "%e", "%c", "%U", "%p", "%x", "%q"} {
			for _, v := range []any{s, acct, map[string]connectors.Secret{"k": s}} {
				if got := fmt.Sprintf(verb, v); strings.Contains(got, value) {
					t.Errorf("Sprintf(%q, %T) = %q reveals the secret", verb, v, got)
				}
			}
		}
	})

	t.Run("json", func(t *testing.T) {
		t.Parallel()
		for _, v := range []any{s, w, acct} {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("Marshal(%T): %v", v, err)
			}
			if bytes.Contains(b, []byte(value)) {
				t.Errorf("Marshal(%T) = %s reveals the secret", v, b)
			}
		}
		b, _ := json.Marshal(s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil || back != "<secret>" {
			t.Errorf("Marshal = %s, want the JSON string <secret>", b)
		}
	})

	t.Run("slog", func(t *testing.T) {
		t.Parallel()
		handlers := map[string]func(io.Writer) slog.Handler{
			"text": func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) },
			"json": func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) },
		}
		for name, mk := range handlers {
			var buf bytes.Buffer
			l := slog.New(mk(&buf))
			l.Info("poll", "token", s, slog.Any("account", acct), slog.Any("wrapper", w))
			l.With("token", s).Info("again")
			if strings.Contains(buf.String(), value) {
				t.Errorf("%s handler reveals the secret:\n%s", name, buf.String())
			}
			if !strings.Contains(buf.String(), "<secret>") {
				t.Errorf("%s handler should print <secret>:\n%s", name, buf.String())
			}
		}
	})

	t.Run("errors", func(t *testing.T) {
		t.Parallel()
		err := fmt.Errorf("mastodon: verify credentials with %v: %w", s, connectors.ErrAuth)
		if strings.Contains(err.Error(), value) {
			t.Errorf("error %q reveals the secret", err)
		}
	})
}
