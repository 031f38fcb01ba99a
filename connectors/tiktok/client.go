package tiktok

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Business API return codes the connector classifies. Errors come back as
// code != 0, mostly with HTTP 200.
const (
	codeOK            = 0
	codeNoPermission  = 40001 // the token lacks the scope, or the account revoked it
	codeNotFound      = 40007 // the object (account, video) does not exist
	codeRateLimited   = 40100 // requests made too frequently
	codeTokenExpired  = 40102
	codeTokenMissing  = 40104
	codeTokenInvalid  = 40105 // incorrect or revoked
	maxMessageInError = 200   // bytes of TikTok's message kept in an error
)

// authCode reports whether a return code means the credentials were
// rejected.
func authCode(code int64) bool {
	switch code {
	case codeNoPermission, codeTokenExpired, codeTokenMissing, codeTokenInvalid:
		return true
	}
	return false
}

// session is one poll's (or probe's) view of the Business API.
type session struct {
	c          *Connector
	ctx        context.Context
	base       string // base URL with the version: https://business-api.tiktok.com/open_api/v1.3
	account    string
	businessID string
	token      string
	header     http.Header
	calls      *connectors.CallCounter
	// refresh renews the token, when the account has the credentials;
	// renewed is set once it did in this session.
	refresh *refresher
	renewed bool
	secrets []string // every credential, scrubbed from errors

	items     int
	remaining int
	reset     time.Time
}

// newSession resolves the account's base URL, business id and token.
func (c *Connector) newSession(ctx context.Context, acct connectors.Account) (*session, error) {
	base := c.cfg.BaseURL
	if v := acct.Options[OptionBaseURL]; v != "" {
		if err := connectors.CheckBaseURL(v); err != nil {
			return nil, fmt.Errorf("tiktok: account %s: options.%s: %w", acct.ID, OptionBaseURL, err)
		}
		base = normalizeBaseURL(v)
	}
	if acct.ExternalID == "" {
		// Without it no call can be made: a configuration mistake, reported as
		// rejected credentials so the account is not polled until fixed.
		return nil, fmt.Errorf("tiktok: account %s: external_id (the business_id of the TikTok account) is required: %w", acct.ID, connectors.ErrAuth)
	}
	tok := acct.Credentials[CredentialToken].Reveal()
	ref := newRefresher(acct)
	if tok == "" && ref == nil {
		return nil, fmt.Errorf("tiktok: account %s: no %q credential (nor %q, %q and %q to obtain one): %w",
			acct.ID, CredentialToken, CredentialAppID, CredentialAppSecret, CredentialRefreshToken, connectors.ErrAuth)
	}
	cc := &connectors.CallCounter{}
	s := &session{
		c:          c,
		ctx:        connectors.WithCallCounter(ctx, cc),
		base:       base + "/" + c.cfg.APIVersion,
		account:    acct.ID,
		businessID: acct.ExternalID,
		calls:      cc,
		remaining:  -1,
		refresh:    ref,
	}
	for _, sec := range acct.Credentials {
		if v := sec.Reveal(); v != "" {
			s.secrets = append(s.secrets, v)
		}
	}
	s.use(tok)
	if ref != nil {
		if r, ok := c.tokens.get(acct.ID, ref.fingerprint); ok {
			s.use(r.access)
			if !c.now().Before(r.expires.Add(-renewMargin)) {
				s.use("") // expired: renewed at the first call
			}
		}
	}
	return s, nil
}

// use makes the session send tok.
func (s *session) use(tok string) {
	s.token = tok
	s.header = http.Header{"Access-Token": {tok}, "Accept": {"application/json"}}
	if tok != "" {
		s.secrets = append(s.secrets, tok)
	}
}

// get performs one GET and returns the envelope's data, mapping a failure
// to the contract's errors: the envelope's code first (TikTok answers errors
// with HTTP 200), then the HTTP status.
func (s *session) get(op, path string, q url.Values) (json.RawMessage, error) {
	if s.token == "" {
		if err := s.renew(); err != nil {
			return nil, err
		}
	}
	data, err := s.getOnce(op, path, q)
	if errors.Is(err, connectors.ErrAuth) && s.refresh != nil && !s.renewed {
		// Expired or revoked: renew once and try again.
		if rerr := s.renew(); rerr != nil {
			return nil, rerr
		}
		return s.getOnce(op, path, q)
	}
	return data, err
}

// getOnce performs the GET with the current token.
func (s *session) getOnce(op, path string, q url.Values) (json.RawMessage, error) {
	q.Set("business_id", s.businessID)
	resp, err := s.c.http.Get(s.ctx, s.base+path+"?"+q.Encode(), s.header)
	if err != nil {
		return nil, fmt.Errorf("tiktok: %s: %w", op, s.scrub(err))
	}
	now := s.c.now()
	if rl, ok := connectors.ParseRateLimit(resp.Header, now); ok {
		if rl.Remaining >= 0 {
			s.remaining = rl.Remaining
		}
		if !rl.Reset.IsZero() {
			s.reset = rl.Reset
		}
	}
	env, derr := decodeEnvelope(resp.Body)
	switch {
	case resp.Status < 200 || resp.Status > 299:
		if derr == nil && *env.Code != codeOK {
			return nil, s.classify(op, env, resp, now)
		}
		return nil, connectors.StatusError(Network, op, resp, now)
	case derr != nil:
		return nil, connectors.Malformed(Network, op, derr)
	case *env.Code != codeOK:
		return nil, s.classify(op, env, resp, now)
	}
	return env.Data, nil
}

// classify maps an envelope with code != 0.
func (s *session) classify(op string, env *envelope, resp *connectors.Response, now time.Time) error {
	code := *env.Code
	detail := "code " + strconv.FormatInt(code, 10)
	if m := strings.TrimSpace(env.Message); m != "" {
		if len(m) > maxMessageInError {
			m = m[:maxMessageInError] + "…"
		}
		detail += ": " + s.hide(m)
	}
	if env.RequestID != "" {
		detail += " (request_id " + env.RequestID + ")"
	}
	switch {
	case code == codeRateLimited || resp.Status == http.StatusTooManyRequests:
		return fmt.Errorf("tiktok: %s: %w", op, &connectors.RateLimitError{Reset: s.rateLimitReset(resp.Header, now), Err: errors.New(detail)})
	case authCode(code):
		return fmt.Errorf("tiktok: %s: %s: %w", op, detail, connectors.ErrAuth)
	case code == codeNotFound:
		return fmt.Errorf("tiktok: %s: %s: %w", op, detail, connectors.ErrNotFound)
	}
	return fmt.Errorf("tiktok: %s: %s", op, detail)
}

// rateLimitReset is when to try again after throttling: Retry-After, else
// the rate-limit headers' reset, else RateLimitFallback.
func (s *session) rateLimitReset(h http.Header, now time.Time) time.Time {
	if d, ok := connectors.RetryAfter(h, now); ok && d > 0 {
		return now.Add(d)
	}
	if rl, ok := connectors.ParseRateLimit(h, now); ok && rl.Reset.After(now) {
		return rl.Reset
	}
	return now.Add(connectors.RateLimitFallback)
}

// hide replaces every credential in msg.
func (s *session) hide(msg string) string {
	for _, sec := range s.secrets {
		msg = strings.ReplaceAll(msg, sec, "<secret>")
	}
	return msg
}

// scrub hides the credentials should an error ever carry them.
func (s *session) scrub(err error) error {
	if err == nil {
		return nil
	}
	if msg := s.hide(err.Error()); msg != err.Error() {
		return &scrubbedError{msg: msg, err: err}
	}
	return err
}

type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// Fields asked of each call (JSON arrays, as the Business API takes them).
const (
	businessFields = `["username","display_name","profile_image","bio_description","is_verified","followers_count"]`
	videoFields    = `["item_id","create_time","caption","share_url","thumbnail_url"]`
)

// profile reads the account's profile.
func (s *session) profile() (*business, []byte, error) {
	const op = "get business"
	data, err := s.get(op, "/business/get/", url.Values{"fields": {businessFields}})
	if err != nil {
		return nil, nil, err
	}
	b, err := decodeBusiness(data)
	if err != nil {
		return nil, nil, connectors.Malformed(Network, op, err)
	}
	s.items++
	return b, compact(data), nil
}

// videos reads one page of the account's videos.
func (s *session) videos(cursor int64) ([]*video, page, error) {
	const op = "list videos"
	q := url.Values{"fields": {videoFields}, "max_count": {strconv.Itoa(s.c.cfg.PageLimit)}}
	if cursor != 0 {
		q.Set("cursor", strconv.FormatInt(cursor, 10))
	}
	data, err := s.get(op, "/business/video/list/", q)
	if err != nil {
		return nil, page{}, err
	}
	vs, pg, err := decodeVideos(data)
	if err != nil {
		return nil, page{}, connectors.Malformed(Network, op, err)
	}
	s.items += len(vs)
	return vs, pg, nil
}

// comments reads one page of a video's top-level comments, oldest first,
// hidden ones included, each with its first replies; with commentID it reads
// one page of that comment's replies instead.
func (s *session) comments(videoID, commentID string, cursor int64) ([]*comment, page, error) {
	op, path := "list comments", "/business/comment/list/"
	q := url.Values{
		"video_id": {videoID}, "status": {"ALL"}, "sort_field": {"create_time"}, "sort_order": {"asc"},
		"max_count": {strconv.Itoa(s.c.cfg.PageLimit)},
	}
	if commentID != "" {
		op, path = "list replies", "/business/comment/reply/list/"
		q.Set("comment_id", commentID)
	} else {
		q.Set("include_replies", "true")
	}
	if cursor != 0 {
		q.Set("cursor", strconv.FormatInt(cursor, 10))
	}
	data, err := s.get(op, path, q)
	if err != nil {
		return nil, page{}, err
	}
	cs, pg, err := decodeComments(data)
	if err != nil {
		return nil, page{}, connectors.Malformed(Network, op, err)
	}
	for _, c := range cs {
		s.items += 1 + len(c.ReplyList)
	}
	return cs, pg, nil
}

// budget reports the session's cost.
func (s *session) budget() connectors.Budget {
	return connectors.Budget{Calls: s.calls.Load(), Items: s.items, Remaining: s.remaining, Reset: s.reset}
}
