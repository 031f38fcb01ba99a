package graphfake

import (
	"errors"
	"fmt"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// WantIs checks that an error wraps target.
func WantIs(target error) func(error) error {
	return func(err error) error {
		if !errors.Is(err, target) {
			return fmt.Errorf("error %v does not wrap %v", err, target)
		}
		return nil
	}
}

// WantReason checks an error's connectors.Reason.
func WantReason(r string) func(error) error {
	return func(err error) error {
		if got := connectors.Reason(err); got != r {
			return fmt.Errorf("error %v is %s, want %s", err, got, r)
		}
		return nil
	}
}

// WantReset checks that an error is a *connectors.RateLimitError with the
// given Reset.
func WantReset(reset time.Time) func(error) error {
	return func(err error) error {
		var rl *connectors.RateLimitError
		if !errors.As(err, &rl) {
			return fmt.Errorf("error %v is not a *RateLimitError", err)
		}
		if !rl.Reset.Equal(reset) {
			return fmt.Errorf("reset %v, want %v", rl.Reset, reset)
		}
		return nil
	}
}

// ErrorBody is a Graph error body with the given code and subcode.
func ErrorBody(code, subcode int) string {
	return fmt.Sprintf(`{"error":{"message":"(#%d) boom","type":"OAuthException","code":%d,"error_subcode":%d,"fbtrace_id":"Ab"}}`, code, code, subcode)
}

// ErrorCase is a failed answer and the error a poll must return for it.
type ErrorCase struct {
	Name   string
	Status int
	Body   string
	Header map[string]string
	Check  func(error) error
}

// ErrorCases are the answers every Graph connector classifies alike: now is
// the connector's clock, bucID the id in X-Business-Use-Case-Usage.
func ErrorCases(now time.Time, bucID string) []ErrorCase {
	regain := `{"` + bucID + `":[{"type":"pages","call_count":100,"total_cputime":40,"total_time":40,"estimated_time_to_regain_access":17.5}]}`
	fallback := now.Add(connectors.RateLimitFallback)
	return []ErrorCase{
		{"190 auth", 400, ErrorBody(190, 463), nil, WantIs(connectors.ErrAuth)},
		{"190 with 401", 401, ErrorBody(190, 0), nil, WantIs(connectors.ErrAuth)},
		{"100/33 not found", 400, ErrorBody(100, 33), nil, WantIs(connectors.ErrNotFound)},
		{"803 not found", 404, ErrorBody(803, 0), nil, WantIs(connectors.ErrNotFound)},
		{"4 app limit, fallback reset", 403, ErrorBody(4, 0), nil, WantReset(fallback)},
		{"17 user limit", 403, ErrorBody(17, 0), map[string]string{"X-App-Usage": `{"call_count":100,"total_time":3,"total_cputime":4,"estimated_time_to_regain_access":5}`}, WantReset(now.Add(5 * time.Minute))},
		{"32 page limit", 400, ErrorBody(32, 0), map[string]string{"X-Business-Use-Case-Usage": regain}, WantReset(now.Add(17*time.Minute + 30*time.Second))},
		{"613 custom limit", 400, ErrorBody(613, 0), nil, WantReset(fallback)},
		{"80001 pages BUC", 400, ErrorBody(80001, 0), map[string]string{"X-Business-Use-Case-Usage": regain}, WantReset(now.Add(17*time.Minute + 30*time.Second))},
		{"80002 instagram BUC", 400, ErrorBody(80002, 0), nil, WantReset(fallback)},
		{"plain 429", 429, `{}`, map[string]string{"Retry-After": "30"}, WantReset(now.Add(30 * time.Second))},
		{"other code is transient", 400, ErrorBody(368, 0), nil, WantReason(connectors.ReasonTransient)},
		{"html 502 is transient", 502, `<html>bad gateway</html>`, nil, WantReason(connectors.ReasonTransient)},
		{"malformed 200", 200, `<html>`, nil, WantIs(connectors.ErrMalformed)},
	}
}
