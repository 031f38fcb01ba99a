package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Graph error codes the connectors classify.
const (
	CodeUnknownObject   = 100 // with subcode 33: the object does not exist
	CodeAuth            = 190 // token expired, invalidated or revoked
	CodeNodeNotFound    = 803 // "Some of the aliases you requested do not exist"
	CodeAppLimit        = 4
	CodeUserLimit       = 17
	CodePageLimit       = 32
	CodeCustomLimit     = 613
	CodePagesBUCLimit   = 80001
	CodeInstaBUCLimit   = 80002
	SubcodeNoSuchObject = 33
)

// RateLimited reports whether a Graph error code means throttling.
func RateLimited(code int) bool {
	switch code {
	case CodeAppLimit, CodeUserLimit, CodePageLimit, CodeCustomLimit, CodePagesBUCLimit, CodeInstaBUCLimit:
		return true
	}
	return false
}

// Client is what a Graph connector needs to open sessions.
type Client struct {
	// Network names the connector in errors ("facebook", "instagram").
	Network string
	HTTP    *connectors.HTTPClient
	Now     func() time.Time
	// Settings are the connector's settings, defaults applied.
	Settings Settings
}

// Session is one poll's (or probe's) view of the Graph API: one account's
// base URL and token, the calls made and the usage Meta reported.
type Session struct {
	c      *Client
	ctx    context.Context
	base   string // base URL with the version: https://graph.facebook.com/v21.0
	token  string
	header http.Header
	calls  *connectors.CallCounter

	items int
	// usage is the largest share of the usage budget reported so far (0–100,
	// -1 unknown).
	usage float64
	reset time.Time
}

// Session resolves the account's base URL (options.base_url overrides the
// settings) and its token, the credential named credential. A missing token
// wraps connectors.ErrAuth.
func (c *Client) Session(ctx context.Context, acct connectors.Account, credential string) (*Session, error) {
	base := c.Settings.BaseURL
	if v := acct.Options[OptionBaseURL]; v != "" {
		if err := connectors.CheckBaseURL(v); err != nil {
			return nil, fmt.Errorf("%s: account %s: options.%s: %w", c.Network, acct.ID, OptionBaseURL, err)
		}
		base = strings.TrimRight(v, "/")
	}
	tok := acct.Credentials[credential]
	if tok.IsZero() {
		return nil, fmt.Errorf("%s: account %s: no %q credential: %w", c.Network, acct.ID, credential, connectors.ErrAuth)
	}
	cc := &connectors.CallCounter{}
	return &Session{
		c:      c,
		ctx:    connectors.WithCallCounter(ctx, cc),
		base:   base + "/" + c.Settings.APIVersion,
		token:  tok.Reveal(),
		header: http.Header{"Authorization": {"Bearer " + tok.Reveal()}, "Accept": {"application/json"}},
		calls:  cc,
		usage:  -1,
	}, nil
}

// Get performs one GET of path (below the versioned base) and maps a failure
// to the contract's errors. Before calling it refuses with a
// *connectors.RateLimitError when Meta's usage headers of an earlier answer
// passed the usage back-off share.
func (s *Session) Get(op, path string, q url.Values) (*connectors.Response, error) {
	if s.usage >= 0 && s.usage >= s.c.Settings.UsageBackoff*100 {
		return nil, fmt.Errorf("%s: %s: %w", s.c.Network, op, &connectors.RateLimitError{
			Reset: s.backoffReset(),
			Err:   fmt.Errorf("usage at %.0f%% of the budget (backoff at %.0f%%)", s.usage, s.c.Settings.UsageBackoff*100),
		})
	}
	u := s.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	resp, err := s.c.HTTP.Get(s.ctx, u, s.header)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", s.c.Network, op, s.scrub(err))
	}
	now := s.c.Now()
	if rl, ok := connectors.ParseRateLimit(resp.Header, now); ok && rl.UsagePercent >= 0 {
		s.usage = rl.UsagePercent
	}
	if r, ok := RegainAccess(resp.Header, now); ok {
		s.reset = r
	}
	if resp.Status >= 200 && resp.Status < 300 {
		return resp, nil
	}
	return resp, s.classify(op, resp, now)
}

// AddItems counts resources the platform returned.
func (s *Session) AddItems(n int) { s.items += n }

// Budget reports the session's cost; Remaining is the share of Meta's usage
// budget left, in percent, when known.
func (s *Session) Budget() connectors.Budget {
	b := connectors.Budget{Calls: s.calls.Load(), Items: s.items, Remaining: -1, Reset: s.reset}
	if s.usage >= 0 {
		b.Remaining = max(0, 100-int(s.usage+0.5))
	}
	return b
}

// backoffReset is when to try again after backing off on usage.
func (s *Session) backoffReset() time.Time {
	if now := s.c.Now(); s.reset.After(now) {
		return s.reset
	}
	return s.c.Now().Add(connectors.RateLimitFallback)
}

// classify maps a failed answer: the Graph error body's code first (Meta
// throttles and revokes with 400 and 403), then the HTTP status.
func (s *Session) classify(op string, resp *connectors.Response, now time.Time) error {
	network := s.c.Network
	ge, ok := DecodeError(resp.Body)
	if !ok {
		return connectors.StatusError(network, op, resp, now)
	}
	detail := fmt.Sprintf("code %d", ge.Code)
	if ge.Subcode != 0 {
		detail += fmt.Sprintf(" subcode %d", ge.Subcode)
	}
	if ge.Message != "" {
		detail += ": " + strings.ReplaceAll(ge.Message, s.token, "<secret>")
	}
	switch {
	case RateLimited(ge.Code):
		reset := now.Add(connectors.RateLimitFallback)
		if r, ok := RegainAccess(resp.Header, now); ok && r.After(now) {
			reset = r
		} else if d, ok := connectors.RetryAfter(resp.Header, now); ok && d > 0 {
			reset = now.Add(d)
		}
		return fmt.Errorf("%s: %s: %w", network, op, &connectors.RateLimitError{Reset: reset, Err: errors.New(detail)})
	case ge.Code == CodeAuth:
		return fmt.Errorf("%s: %s: %s: %w", network, op, detail, connectors.ErrAuth)
	case ge.Code == CodeNodeNotFound, ge.Code == CodeUnknownObject && ge.Subcode == SubcodeNoSuchObject:
		return fmt.Errorf("%s: %s: %s: %w", network, op, detail, connectors.ErrNotFound)
	}
	if err := connectors.StatusError(network, op, resp, now); err != nil {
		return fmt.Errorf("%w (%s)", err, detail)
	}
	return fmt.Errorf("%s: %s: %s", network, op, detail)
}

// RegainAccess reads the latest estimated_time_to_regain_access (minutes)
// of X-App-Usage, X-Page-Usage and X-Business-Use-Case-Usage as an instant;
// the minutes are read as an exact decimal, so fractional minutes keep their
// precision to the nanosecond. ok is false when none is positive.
func RegainAccess(h http.Header, now time.Time) (time.Time, bool) {
	var best time.Time
	note := func(obj map[string]json.RawMessage) {
		raw, has := obj["estimated_time_to_regain_access"]
		if !has {
			return
		}
		s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
		r, ok := new(big.Rat).SetString(s)
		if !ok || r.Sign() <= 0 || r.Cmp(big.NewRat(1e7, 1)) > 0 { // bounded: ~19 years
			return
		}
		ns := new(big.Rat).Mul(r, big.NewRat(int64(time.Minute), 1))
		// Round to the nearest nanosecond.
		n := new(big.Int).Quo(new(big.Int).Add(new(big.Int).Mul(ns.Num(), big.NewInt(2)), ns.Denom()), new(big.Int).Mul(ns.Denom(), big.NewInt(2)))
		if t := now.Add(time.Duration(n.Int64())); t.After(best) {
			best = t
		}
	}
	for _, name := range []string{"X-App-Usage", "X-Page-Usage"} {
		var obj map[string]json.RawMessage
		if v := h.Get(name); v != "" && json.Unmarshal([]byte(v), &obj) == nil {
			note(obj)
		}
	}
	if v := h.Get("X-Business-Use-Case-Usage"); v != "" {
		var byID map[string][]map[string]json.RawMessage
		if json.Unmarshal([]byte(v), &byID) == nil {
			for _, objs := range byID {
				for _, obj := range objs {
					note(obj)
				}
			}
		}
	}
	return best, !best.IsZero()
}

// scrub hides the token should an error ever carry it.
func (s *Session) scrub(err error) error {
	if err == nil || s.token == "" || !strings.Contains(err.Error(), s.token) {
		return err
	}
	return &scrubbedError{msg: strings.ReplaceAll(err.Error(), s.token, "<secret>"), err: err}
}

type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }
