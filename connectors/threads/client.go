package threads

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Meta error codes the connector classifies (the Threads API answers in
// Graph's error shape). The throttling and usage-header handling is a
// private copy of connectors/facebook's, kept apart while that package is
// being refactored.
const (
	codeUnknownObject   = 100 // with subcode 33: the object does not exist
	codeAuth            = 190 // token expired, invalidated or revoked
	codeNodeNotFound    = 803 // "Some of the aliases you requested do not exist"
	codeAppLimit        = 4
	codeUserLimit       = 17
	codePageLimit       = 32
	codeCustomLimit     = 613
	codePagesBUCLimit   = 80001
	codeInstaBUCLimit   = 80002
	subcodeNoSuchObject = 33
)

// rateLimited reports whether an error code means throttling.
func rateLimited(code int) bool {
	switch code {
	case codeAppLimit, codeUserLimit, codePageLimit, codeCustomLimit, codePagesBUCLimit, codeInstaBUCLimit:
		return true
	}
	return false
}

// session is one poll's (or probe's) view of the Threads API.
type session struct {
	c      *Connector
	ctx    context.Context
	base   string // base URL with the version: https://graph.threads.net/v1.0
	token  string
	header http.Header
	calls  *connectors.CallCounter

	items int
	// usage is the largest share of the usage budget reported so far (0–100,
	// -1 unknown).
	usage float64
	reset time.Time
}

// newSession resolves the account's base URL and token.
func (c *Connector) newSession(ctx context.Context, acct connectors.Account) (*session, error) {
	base := c.cfg.BaseURL
	if v := acct.Options[OptionBaseURL]; v != "" {
		if err := connectors.CheckBaseURL(v); err != nil {
			return nil, fmt.Errorf("threads: account %s: options.%s: %w", acct.ID, OptionBaseURL, err)
		}
		base = normalizeBaseURL(v)
	}
	tok := acct.Credentials[CredentialToken]
	if tok.IsZero() {
		return nil, fmt.Errorf("threads: account %s: no %q credential: %w", acct.ID, CredentialToken, connectors.ErrAuth)
	}
	cc := &connectors.CallCounter{}
	return &session{
		c:      c,
		ctx:    connectors.WithCallCounter(ctx, cc),
		base:   base + "/" + c.cfg.APIVersion,
		token:  tok.Reveal(),
		header: http.Header{"Authorization": {"Bearer " + tok.Reveal()}, "Accept": {"application/json"}},
		calls:  cc,
		usage:  -1,
	}, nil
}

// get performs one GET and maps a failure to the contract's errors. Before
// calling it refuses with a *RateLimitError when Meta's usage headers of an
// earlier answer passed UsageBackoff.
func (s *session) get(op, path string, q url.Values) (*connectors.Response, error) {
	if s.usage >= 0 && s.usage >= s.c.cfg.UsageBackoff*100 {
		return nil, fmt.Errorf("threads: %s: %w", op, &connectors.RateLimitError{
			Reset: s.backoffReset(),
			Err:   fmt.Errorf("usage at %.0f%% of the budget (backoff at %.0f%%)", s.usage, s.c.cfg.UsageBackoff*100),
		})
	}
	u := s.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	resp, err := s.c.http.Get(s.ctx, u, s.header)
	if err != nil {
		return nil, fmt.Errorf("threads: %s: %w", op, s.scrub(err))
	}
	now := s.c.now()
	if rl, ok := connectors.ParseRateLimit(resp.Header, now); ok && rl.UsagePercent >= 0 {
		s.usage = rl.UsagePercent
	}
	if r, ok := regainAccess(resp.Header, now); ok {
		s.reset = r
	}
	if resp.Status >= 200 && resp.Status < 300 {
		return resp, nil
	}
	return resp, s.classify(op, resp, now)
}

// backoffReset is when to try again after backing off on usage.
func (s *session) backoffReset() time.Time {
	if now := s.c.now(); s.reset.After(now) {
		return s.reset
	}
	return s.c.now().Add(connectors.RateLimitFallback)
}

// classify maps a failed answer: the error body's code first (Meta throttles
// and revokes with 400 and 403), then the HTTP status.
func (s *session) classify(op string, resp *connectors.Response, now time.Time) error {
	ge, ok := decodeGraphError(resp.Body)
	if !ok {
		return connectors.StatusError(Network, op, resp, now)
	}
	detail := fmt.Sprintf("code %d", ge.Code)
	if ge.Subcode != 0 {
		detail += fmt.Sprintf(" subcode %d", ge.Subcode)
	}
	if ge.Message != "" {
		detail += ": " + strings.ReplaceAll(ge.Message, s.token, "<secret>")
	}
	switch {
	case rateLimited(ge.Code):
		reset := now.Add(connectors.RateLimitFallback)
		if r, ok := regainAccess(resp.Header, now); ok && r.After(now) {
			reset = r
		} else if d, ok := connectors.RetryAfter(resp.Header, now); ok && d > 0 {
			reset = now.Add(d)
		}
		return fmt.Errorf("threads: %s: %w", op, &connectors.RateLimitError{Reset: reset, Err: errors.New(detail)})
	case ge.Code == codeAuth:
		return fmt.Errorf("threads: %s: %s: %w", op, detail, connectors.ErrAuth)
	case ge.Code == codeNodeNotFound, ge.Code == codeUnknownObject && ge.Subcode == subcodeNoSuchObject:
		return fmt.Errorf("threads: %s: %s: %w", op, detail, connectors.ErrNotFound)
	}
	if err := connectors.StatusError(Network, op, resp, now); err != nil {
		return fmt.Errorf("%w (%s)", err, detail)
	}
	return fmt.Errorf("threads: %s: %s", op, detail)
}

// regainAccess reads the latest estimated_time_to_regain_access (minutes)
// of X-App-Usage, X-Page-Usage and X-Business-Use-Case-Usage as an instant;
// the minutes are read as an exact decimal, so fractional minutes keep their
// precision to the nanosecond. ok is false when none is positive.
func regainAccess(h http.Header, now time.Time) (time.Time, bool) {
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
func (s *session) scrub(err error) error {
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

// Fields asked of each call.
const (
	userFields         = "id,username,name,threads_profile_picture_url,threads_biography,is_verified"
	threadFields       = "id,text,username,permalink,timestamp,media_type,media_url,owner"
	mentionFields      = "id,text,username,permalink,timestamp,media_type,media_url"
	conversationFields = "id,text,username,permalink,timestamp,media_type,media_url,root_post,replied_to,is_reply,is_reply_owned_by_me,hide_status"
)

// me reads the token owner's profile.
func (s *session) me() (*user, []byte, error) {
	const op = "get profile"
	resp, err := s.get(op, "/me", url.Values{"fields": {userFields}})
	if err != nil {
		return nil, nil, err
	}
	u, err := decodeUser(resp.Body)
	if err != nil {
		return nil, nil, connectors.Malformed(Network, "profile", err)
	}
	s.items++
	return u, resp.Body, nil
}

// list reads one page of an edge of media objects.
func (s *session) list(op, path string, q url.Values, after string) ([]*media, paging, error) {
	q.Set("limit", strconv.Itoa(s.c.cfg.PageLimit))
	if after != "" {
		q.Set("after", after)
	}
	resp, err := s.get(op, path, q)
	if err != nil {
		return nil, paging{}, err
	}
	ms, pg, err := decodeMedia(resp.Body)
	if err != nil {
		return nil, paging{}, connectors.Malformed(Network, op, err)
	}
	s.items += len(ms)
	return ms, pg, nil
}

// budget reports the session's cost; Remaining is the share of Meta's usage
// budget left, in percent, when known.
func (s *session) budget() connectors.Budget {
	b := connectors.Budget{Calls: s.calls.Load(), Items: s.items, Remaining: -1, Reset: s.reset}
	if s.usage >= 0 {
		b.Remaining = max(0, 100-int(s.usage+0.5))
	}
	return b
}
