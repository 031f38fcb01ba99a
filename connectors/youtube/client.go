package youtube

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
	yt "google.golang.org/api/youtube/v3"

	"github.com/ife-mx/vigia/connectors"
)

// Error reasons of the YouTube Data API the connector classifies.
var (
	// quotaReasons mean the project's daily units are spent: nothing until
	// midnight Pacific time.
	quotaReasons = []string{"quotaExceeded", "dailyLimitExceeded"}
	// throttleReasons mean a short-term rate limit: back off, not all day.
	throttleReasons = []string{"rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED"}
	// authReasons mean the key or the token is rejected.
	authReasons = []string{"authError", "keyInvalid", "keyExpired", "API_KEY_INVALID", "API_KEY_EXPIRED",
		"ACCESS_TOKEN_EXPIRED", "CREDENTIALS_MISSING", "accessNotConfigured", "SERVICE_DISABLED",
		"API_KEY_SERVICE_BLOCKED", "ipRefererBlocked", "forbidden", "insufficientPermissions"}
	// notFoundReasons mean the channel, playlist, video or comment is gone.
	notFoundReasons = []string{"channelNotFound", "playlistNotFound", "videoNotFound", "commentNotFound",
		"commentThreadNotFound", "parentCommentNotFound"}
)

// errNoPlaylist is playlistNotFound: on a channel that exists, its uploads
// playlist is missing when it has never uploaded.
var errNoPlaylist = fmt.Errorf("playlist %w", connectors.ErrNotFound)

// session is one poll's (or probe's) view of the YouTube Data API: the
// official client, pointed at the configured base URL, over the shared HTTP
// client. Every request goes through roundTrip, which checks the quota
// ledger, adds the credential and keeps the body for the decoders.
type session struct {
	c      *Connector
	ctx    context.Context
	svc    *yt.Service
	ledger *ledger
	calls  *connectors.CallCounter
	secret string
	header http.Header

	items int
	// taken counts the units taken from the ledger for the current call.
	taken int
	body  []byte // the last response's body
	// callErr is the last error of the shared client (a transport failure),
	// kept to tell it apart from a decoding failure of the official client.
	callErr error
}

// newSession resolves the account's base URL, credential and ledger.
func (c *Connector) newSession(ctx context.Context, acct connectors.Account) (*session, error) {
	base := c.cfg.BaseURL
	if v := acct.Options[OptionBaseURL]; v != "" {
		if err := connectors.CheckBaseURL(v); err != nil {
			return nil, fmt.Errorf("youtube: account %s: options.%s: %w", acct.ID, OptionBaseURL, err)
		}
		base = normalizeBaseURL(v)
	}
	header := http.Header{"Accept": {"application/json"}}
	var secret string
	switch key, tok := acct.Credentials[CredentialAPIKey], acct.Credentials[CredentialAccessToken]; {
	case !tok.IsZero():
		secret = tok.Reveal()
		header.Set("Authorization", "Bearer "+secret)
	case !key.IsZero():
		// A header, not the key= parameter: URLs end up in logs.
		secret = key.Reveal()
		header.Set("X-Goog-Api-Key", secret)
	default:
		return nil, fmt.Errorf("youtube: account %s: no %q or %q credential: %w", acct.ID, CredentialAPIKey, CredentialAccessToken, connectors.ErrAuth)
	}
	s := &session{
		c:      c,
		ledger: c.ledgerOf(acct),
		calls:  &connectors.CallCounter{},
		secret: secret,
		header: header,
	}
	s.ctx = connectors.WithRetryGate(connectors.WithCallCounter(ctx, s.calls), s.retryAllowed)
	svc, err := yt.NewService(s.ctx,
		option.WithEndpoint(base+"/"),
		option.WithHTTPClient(&http.Client{Transport: s}),
		// The client's own logging (GOOGLE_SDK_GO_LOGGING_LEVEL) would print
		// requests and bodies; the shared client logs redacted URLs instead.
		option.WithLogger(slog.New(slog.DiscardHandler)),
	)
	if err != nil {
		return nil, fmt.Errorf("youtube: client: %w", err)
	}
	s.svc = svc
	return s, nil
}

// retryAllowed is the shared client's retry gate: a retry is another unit,
// taken from the ledger before it is made.
func (s *session) retryAllowed() bool {
	if s.ledger.take(s.c.now(), UnitsPerCall) != nil {
		return false
	}
	s.taken++
	return true
}

// RoundTrip implements http.RoundTripper for the official client: one call
// through the shared HTTP client, after the ledger gave its unit.
func (s *session) RoundTrip(req *http.Request) (*http.Response, error) {
	s.body, s.callErr = nil, nil
	now := s.c.now()
	if err := s.ledger.take(now, UnitsPerCall); err != nil {
		s.callErr = err
		return nil, err
	}
	day, _ := quotaDay(now)
	s.taken = 1
	req = req.Clone(s.ctx)
	for k, vs := range s.header {
		req.Header[k] = vs
	}
	attempts := s.calls.Load()
	resp, err := s.c.http.Do(req)
	// Every attempt had its unit taken first; the gate may have taken one
	// for a retry the client then did not make (retries ran out).
	if made := s.calls.Load() - attempts; s.taken > made {
		s.ledger.refund(day, (s.taken-made)*UnitsPerCall)
	}
	if err != nil {
		s.callErr = err
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, connectors.DefaultMaxBody+1))
	if err != nil {
		s.callErr = err
		return nil, err
	}
	if len(body) > connectors.DefaultMaxBody {
		s.callErr = fmt.Errorf("body exceeds %d bytes: %w", connectors.DefaultMaxBody, connectors.ErrMalformed)
		return nil, s.callErr
	}
	s.body = body
	out := *resp
	out.Body = io.NopCloser(bytes.NewReader(body))
	out.ContentLength = int64(len(body))
	return &out, nil
}

// fail maps an error of the official client to the contract's errors.
func (s *session) fail(op string, err error) error {
	now := s.c.now()
	var rl *connectors.RateLimitError
	var ge *googleapi.Error
	switch {
	case errors.As(err, &rl):
		return fmt.Errorf("youtube: %s: %w", op, rl)
	case s.callErr != nil:
		return fmt.Errorf("youtube: %s: %w", op, s.scrub(s.callErr))
	case errors.As(err, &ge):
		return s.classify(op, ge, now)
	case s.ctx.Err() != nil:
		return fmt.Errorf("youtube: %s: %w", op, s.ctx.Err())
	default:
		// The request went through and the body did not decode.
		return connectors.Malformed(Network, op, s.scrub(err))
	}
}

// classify maps an error response: the reasons of the error body first
// (YouTube answers quota, throttling and most auth failures with 403), then
// the HTTP status.
func (s *session) classify(op string, ge *googleapi.Error, now time.Time) error {
	reasons, msg, ok := decodeError([]byte(ge.Body))
	detail := "HTTP status " + strconv.Itoa(ge.Code)
	if ok {
		if len(reasons) > 0 {
			detail += " " + strings.Join(reasons, ",")
		}
		if msg != "" {
			detail += ": " + msg
		}
	}
	detail = strings.ReplaceAll(detail, s.secret, "<secret>")
	has := func(set []string) bool {
		return slices.ContainsFunc(reasons, func(r string) bool { return slices.Contains(set, r) })
	}
	switch {
	case has(quotaReasons):
		reset := s.ledger.exhausted(now)
		return fmt.Errorf("youtube: %s: %w", op, &connectors.RateLimitError{Reset: reset, Err: errors.New(detail)})
	case has(throttleReasons) || ge.Code == http.StatusTooManyRequests:
		reset := now.Add(connectors.RateLimitFallback)
		if r, ok := retryAfter(ge.Header, now); ok {
			reset = r
		}
		return fmt.Errorf("youtube: %s: %w", op, &connectors.RateLimitError{Reset: reset, Err: errors.New(detail)})
	case has(authReasons) || ge.Code == http.StatusUnauthorized:
		return fmt.Errorf("youtube: %s: %s: %w", op, detail, connectors.ErrAuth)
	case has([]string{"playlistNotFound"}):
		return fmt.Errorf("youtube: %s: %s: %w", op, detail, errNoPlaylist)
	case has(notFoundReasons) || ge.Code == http.StatusNotFound:
		return fmt.Errorf("youtube: %s: %s: %w", op, detail, connectors.ErrNotFound)
	case ge.Code == http.StatusForbidden:
		// commentsDisabled and the like: not the credential's fault.
		return fmt.Errorf("youtube: %s: %s", op, detail)
	}
	if err := connectors.StatusError(Network, op, &connectors.Response{Status: ge.Code, Header: ge.Header}, now); err != nil {
		return fmt.Errorf("%w (%s)", err, detail)
	}
	return fmt.Errorf("youtube: %s: %s", op, detail)
}

// retryAfter reads Retry-After as seconds, with a decimal fraction when
// given, or as an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Time, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if f, err := strconv.ParseFloat(v, 64); err == nil && !strings.ContainsAny(v, "eExXpP_") {
		if math.IsNaN(f) || f <= 0 || f > 1e8 {
			return time.Time{}, false
		}
		return now.Add(time.Duration(f * float64(time.Second)).Round(time.Millisecond)), true
	}
	if d, ok := connectors.RetryAfter(h, now); ok && d > 0 {
		return now.Add(d), true
	}
	return time.Time{}, false
}

// scrub hides the credential should an error ever carry it.
func (s *session) scrub(err error) error {
	if err == nil || s.secret == "" || !strings.Contains(err.Error(), s.secret) {
		return err
	}
	return &scrubbedError{msg: strings.ReplaceAll(err.Error(), s.secret, "<secret>"), err: err}
}

type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// channel reads the account's channel: by id, else by handle.
func (s *session) channel(acct connectors.Account) (*channelEntry, error) {
	const op = "list channels"
	call := s.svc.Channels.List([]string{"snippet", "contentDetails", "statistics"}).Context(s.ctx)
	switch {
	case acct.ExternalID != "":
		call = call.Id(acct.ExternalID)
	case acct.Handle != "":
		call = call.ForHandle("@" + strings.TrimPrefix(acct.Handle, "@"))
	default:
		return nil, fmt.Errorf("youtube: account %s: needs external_id (the UC… channel id) or handle", acct.ID)
	}
	if _, err := call.Do(); err != nil {
		return nil, s.fail(op, err)
	}
	cs, err := decodeChannels(s.body)
	if err != nil {
		return nil, connectors.Malformed(Network, "channels", err)
	}
	if len(cs) == 0 {
		return nil, fmt.Errorf("youtube: %s: no channel %q: %w", op, acct.ExternalID+acct.Handle, connectors.ErrNotFound)
	}
	ch := cs[0]
	if acct.ExternalID != "" && ch.ID != acct.ExternalID {
		return nil, fmt.Errorf("youtube: %s: answered for channel %s, not %s: %w", op, ch.ID, acct.ExternalID, connectors.ErrNotFound)
	}
	s.items++
	return ch, nil
}

// uploads reads one page of the uploads playlist, newest first.
func (s *session) uploads(playlist, page string) ([]*videoEntry, string, error) {
	const op = "list playlist items"
	call := s.svc.PlaylistItems.List([]string{"snippet", "contentDetails"}).Context(s.ctx).
		PlaylistId(playlist).MaxResults(int64(s.c.cfg.PageSize))
	if page != "" {
		call = call.PageToken(page)
	}
	if _, err := call.Do(); err != nil {
		return nil, "", s.fail(op, err)
	}
	vs, next, err := decodePlaylistItems(s.body)
	if err != nil {
		return nil, "", connectors.Malformed(Network, "playlist items", err)
	}
	s.items += len(vs)
	return vs, next, nil
}

// threads reads one page of the comment threads on the channel's videos,
// newest first.
func (s *session) threads(channel, page string) ([]*threadEntry, string, error) {
	const op = "list comment threads"
	call := s.svc.CommentThreads.List([]string{"snippet", "replies"}).Context(s.ctx).
		AllThreadsRelatedToChannelId(channel).Order("time").TextFormat("plainText").
		MaxResults(int64(s.c.cfg.CommentPageSize))
	if page != "" {
		call = call.PageToken(page)
	}
	if _, err := call.Do(); err != nil {
		return nil, "", s.fail(op, err)
	}
	ts, next, err := decodeThreads(s.body)
	if err != nil {
		return nil, "", connectors.Malformed(Network, "comment threads", err)
	}
	for _, t := range ts {
		s.items += 1 + len(t.Replies)
	}
	return ts, next, nil
}

// replies reads one page of the replies to a top-level comment.
func (s *session) replies(parent, page string) ([]*commentEntry, string, error) {
	const op = "list comments"
	call := s.svc.Comments.List([]string{"snippet"}).Context(s.ctx).
		ParentId(parent).TextFormat("plainText").MaxResults(int64(s.c.cfg.CommentPageSize))
	if page != "" {
		call = call.PageToken(page)
	}
	if _, err := call.Do(); err != nil {
		return nil, "", s.fail(op, err)
	}
	cs, next, err := decodeComments(s.body)
	if err != nil {
		return nil, "", connectors.Malformed(Network, "comments", err)
	}
	s.items += len(cs)
	return cs, next, nil
}

// budget reports the session's cost and the project's units left today.
func (s *session) budget() connectors.Budget {
	_, _, left, reset := s.ledger.state(s.c.now())
	return connectors.Budget{Calls: s.calls.Load(), Items: s.items, Remaining: left, Reset: reset}
}
