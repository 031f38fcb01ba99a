package mastodon

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/ife-mx/vigia/connectors"
)

// session is one poll's (or probe's) view of an instance: base URL, token,
// call counting and the latest rate-limit headers.
type session struct {
	c      *Connector
	ctx    context.Context
	base   string
	token  string
	header http.Header
	calls  *connectors.CallCounter

	items  int // statuses and accounts decoded
	rl     connectors.RateLimit
	haveRL bool
}

// newSession resolves the account's base URL and token.
func (c *Connector) newSession(ctx context.Context, acct connectors.Account) (*session, error) {
	base := c.cfg.BaseURL
	if v := acct.Options[OptionBaseURL]; v != "" {
		if err := connectors.CheckBaseURL(v); err != nil {
			return nil, fmt.Errorf("mastodon: account %s: options.%s: %w", acct.ID, OptionBaseURL, err)
		}
		base = normalizeBaseURL(v)
	}
	tok := acct.Credentials[CredentialToken]
	if tok.IsZero() {
		return nil, fmt.Errorf("mastodon: account %s: no %q credential: %w", acct.ID, CredentialToken, connectors.ErrAuth)
	}
	cc := &connectors.CallCounter{}
	s := &session{
		c:      c,
		ctx:    connectors.WithCallCounter(ctx, cc),
		base:   base,
		token:  tok.Reveal(),
		header: http.Header{"Authorization": {"Bearer " + tok.Reveal()}, "Accept": {"application/json"}},
		calls:  cc,
		rl:     connectors.RateLimit{Limit: -1, Remaining: -1, UsagePercent: -1},
	}
	return s, nil
}

// get performs one GET and maps a non-2xx answer to the contract's errors,
// adding the message of Mastodon's error body.
func (s *session) get(op, path string, q url.Values) (*connectors.Response, error) {
	u := s.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	resp, err := s.c.http.Get(s.ctx, u, s.header)
	if err != nil {
		return nil, fmt.Errorf("mastodon: %s: %w", op, s.scrub(err))
	}
	if rl, ok := connectors.ParseRateLimit(resp.Header, s.c.now()); ok {
		s.rl, s.haveRL = rl, true
	}
	if err := connectors.StatusError(Network, op, resp, s.c.now()); err != nil {
		if msg := decodeError(resp.Body); msg != "" {
			err = fmt.Errorf("%w (%s)", err, strings.ReplaceAll(msg, s.token, "<secret>"))
		}
		return resp, err
	}
	return resp, nil
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

// isNotFound reports whether err is a 404 or 410.
func isNotFound(err error) bool { return errors.Is(err, connectors.ErrNotFound) }

// verifyCredentials reads the token owner's account.
func (s *session) verifyCredentials() (*account, []byte, error) {
	const op = "verify credentials"
	resp, err := s.get(op, "/api/v1/accounts/verify_credentials", nil)
	if err != nil {
		return nil, nil, err
	}
	a, err := decodeAccount(resp.Body)
	if err != nil {
		return nil, nil, connectors.Malformed(Network, "account", err)
	}
	s.items++
	return a, resp.Body, nil
}

// listStatuses reads one page of the account's statuses.
func (s *session) listStatuses(accountID string, q url.Values) ([]*status, *connectors.Response, error) {
	const op = "list statuses"
	resp, err := s.get(op, "/api/v1/accounts/"+url.PathEscape(accountID)+"/statuses", q)
	if err != nil {
		return nil, nil, err
	}
	sts, err := decodeStatuses(resp.Body)
	if err != nil {
		return nil, nil, connectors.Malformed(Network, "statuses", err)
	}
	s.items += len(sts)
	return sts, resp, nil
}

// listMentions reads one page of mention notifications.
func (s *session) listMentions(q url.Values) ([]*notification, *connectors.Response, error) {
	const op = "list notifications"
	resp, err := s.get(op, "/api/v1/notifications", q)
	if err != nil {
		return nil, nil, err
	}
	ns, err := decodeNotifications(resp.Body)
	if err != nil {
		return nil, nil, connectors.Malformed(Network, "notifications", err)
	}
	s.items += len(ns)
	return ns, resp, nil
}

// context reads the thread around a status.
func (s *session) context(id string) (*threadContext, error) {
	const op = "status context"
	resp, err := s.get(op, "/api/v1/statuses/"+url.PathEscape(id)+"/context", nil)
	if err != nil {
		return nil, err
	}
	c, err := decodeContext(resp.Body)
	if err != nil {
		return nil, connectors.Malformed(Network, "context", err)
	}
	s.items += len(c.Ancestors) + len(c.Descendants)
	return c, nil
}

// status reads one status.
func (s *session) status(id string) (*status, error) {
	const op = "get status"
	resp, err := s.get(op, "/api/v1/statuses/"+url.PathEscape(id), nil)
	if err != nil {
		return nil, err
	}
	st, err := decodeStatus(resp.Body)
	if err != nil {
		return nil, connectors.Malformed(Network, "status", err)
	}
	s.items++
	return st, nil
}

// budget reports the session's cost and the allowance left.
func (s *session) budget() connectors.Budget {
	b := connectors.Budget{Calls: s.calls.Load(), Items: s.items, Remaining: -1}
	if s.haveRL {
		b.Remaining = s.rl.Remaining
		b.Reset = s.rl.Reset
	}
	return b
}
