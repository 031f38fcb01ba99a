package x

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Fields and expansions requested. Expansions are billed reads too (a user
// is a User read, a media object a Media read, an included post a Post
// read), so only those the archive needs are asked for: the author (handle
// and name), the media metadata, and the edit history, whose first version
// gives an edited post's creation time (posts are rarely edited).
// referenced_tweets.id is not expanded: threading needs only the ids in
// referenced_tweets, conversation_id and in_reply_to_user_id, and expanding
// it would re-read every parent post.
const (
	tweetFields = "attachments,author_id,conversation_id,created_at,edit_history_tweet_ids,entities,in_reply_to_user_id,lang,note_tweet,referenced_tweets"
	expansions  = "attachments.media_keys,author_id,edit_history_tweet_ids"
	userFields  = "name,username,verified"
	mediaFields = "alt_text,media_key,preview_image_url,type,url"
	// profileFields are the user fields a profile snapshot watches (API-FACTS §8).
	profileFields = "affiliation,created_at,description,entities,id,location,name,pinned_tweet_id,profile_banner_url,profile_image_url,protected,public_metrics,url,username,verified,verified_type"
)

// lookupMax is the most ids GET /2/tweets takes.
const lookupMax = 100

// listQuery returns the parameters shared by the timelines and the search.
func (c *Connector) listQuery() url.Values {
	return url.Values{
		"max_results":  {strconv.Itoa(c.cfg.MaxResults)},
		"tweet.fields": {tweetFields},
		"expansions":   {expansions},
		"user.fields":  {userFields},
		"media.fields": {mediaFields},
	}
}

// errBadToken means X refused a pagination token (they are opaque and may
// expire); the paging restarts from the stream's since_id. errBadSince means
// recent search refused a since_id beyond its reach; the group searches the
// whole reach instead.
var (
	errBadToken = errors.New("pagination token refused")
	errBadSince = errors.New("since_id refused")
)

// get performs one GET of the API and maps a failure to the contract's error
// kinds. It notes the rate-limit headers of every response in the budget.
func (p *poller) get(ctx context.Context, op, path string, q url.Values) (*connectors.Response, error) {
	h := http.Header{"Authorization": {"Bearer " + p.token}}
	p.calls++
	resp, err := p.c.http.Get(ctx, p.c.url(path, q), h)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", Network, op, p.redact(err))
	}
	p.noteRateLimit(resp.Header)
	if resp.Status >= 200 && resp.Status < 300 {
		return resp, nil
	}
	return nil, p.statusError(op, resp)
}

// noteRateLimit keeps the lowest allowance seen in this poll: the endpoint
// closest to its limit.
func (p *poller) noteRateLimit(h http.Header) {
	rl, ok := connectors.ParseRateLimit(h, p.now)
	if !ok || rl.Remaining < 0 {
		return
	}
	if t, ok := resetHeader(h); ok {
		rl.Reset = t
	}
	b := &p.b.Budget
	if b.Remaining < 0 || rl.Remaining < b.Remaining {
		b.Remaining = rl.Remaining
		b.Reset = rl.Reset
	}
}

// statusError maps a non-2xx response. 401 and 403 are ErrAuth, 404 and 410
// ErrNotFound, 429 a *RateLimitError (reset from x-rate-limit-reset; a usage
// cap waits for its period), a refused pagination token errBadToken, a
// refused since_id errBadSince, and
// anything else a transient error. The problem's title and detail complete
// the message, with the token scrubbed should a server echo it.
func (p *poller) statusError(op string, resp *connectors.Response) error {
	prob := decodeProblem(resp.Body)
	detail := p.scrub(prob.text())
	base := connectors.StatusError(Network, op, resp, p.now)
	if resp.Status == http.StatusBadRequest && prob.Parameters != nil {
		if _, ok := prob.Parameters["pagination_token"]; ok {
			return fmt.Errorf("%s: %s: %w: %s", Network, op, errBadToken, detail)
		}
		if _, ok := prob.Parameters["next_token"]; ok {
			return fmt.Errorf("%s: %s: %w: %s", Network, op, errBadToken, detail)
		}
		if _, ok := prob.Parameters["since_id"]; ok {
			return fmt.Errorf("%s: %s: %w: %s", Network, op, errBadSince, detail)
		}
	}
	if resp.Status == http.StatusTooManyRequests {
		var rl *connectors.RateLimitError
		if errors.As(base, &rl) {
			reset := rl.Reset
			if _, ra := connectors.RetryAfter(resp.Header, p.now); !ra {
				if t, ok := resetHeader(resp.Header); ok && t.After(p.now) {
					reset = t
				}
			}
			if prob.is(probUsageCapped) {
				// The monthly (or daily) cap of the plan: no use asking again
				// before the period ends; a daily look is cheap, a 429 bills nothing.
				next := p.now.Add(24 * time.Hour)
				if strings.EqualFold(prob.Period, "daily") {
					y, m, d := p.now.UTC().Date()
					next = time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
				}
				reset = maxTime(reset, next)
			}
			msg := "HTTP status 429 Too Many Requests"
			if detail != "" {
				msg += ": " + detail
			}
			return fmt.Errorf("%s: %s: %w", Network, op, &connectors.RateLimitError{Reset: reset, Err: errors.New(msg)})
		}
	}
	if detail == "" {
		return base
	}
	return fmt.Errorf("%w (%s)", base, detail)
}

// bodyError classifies a 200 response that carries errors[] and no data: the
// account's user is missing or may not be read.
func (p *poller) bodyError(op string, errs []problem) error {
	if len(errs) == 0 {
		return nil
	}
	e := errs[0]
	for _, x := range errs {
		if x.notFound() || x.is(probNotAuthorized) {
			e = x
			break
		}
	}
	detail := p.scrub(e.text())
	switch {
	case e.notFound():
		return fmt.Errorf("%s: %s: %s: %w", Network, op, detail, connectors.ErrNotFound)
	case e.is(probNotAuthorized), e.is(probForbidden), e.is(probUnsupported):
		return fmt.Errorf("%s: %s: %s: %w", Network, op, detail, connectors.ErrAuth)
	default:
		return fmt.Errorf("%s: %s: error in body: %s", Network, op, detail)
	}
}

// scrub removes the token from text a server sent back.
func (p *poller) scrub(s string) string {
	if p.token != "" && len(p.token) >= 4 {
		s = strings.ReplaceAll(s, p.token, "<secret>")
	}
	return s
}

// redact is scrub for errors.
func (p *poller) redact(err error) error {
	if err == nil || p.token == "" || len(p.token) < 4 || !strings.Contains(err.Error(), p.token) {
		return err
	}
	return &scrubbedError{msg: p.scrub(err.Error()), err: err}
}

// scrubbedError hides a token in the text of the error it wraps.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// resetHeader reads x-rate-limit-reset: Unix seconds, which X sends whole;
// a decimal fraction is accepted and kept to the nanosecond.
func resetHeader(h http.Header) (time.Time, bool) {
	v := strings.TrimSpace(h.Get("X-Rate-Limit-Reset"))
	secs, frac, _ := strings.Cut(v, ".")
	n, err := strconv.ParseInt(secs, 10, 64)
	if err != nil || n < 1_000_000_000 || n > 99_999_999_999 || len(frac) > 9 {
		return time.Time{}, false
	}
	var ns int64
	if frac != "" {
		f, err := strconv.ParseInt((frac + "000000000")[:9], 10, 64)
		if err != nil || f < 0 {
			return time.Time{}, false
		}
		ns = f
	}
	return time.Unix(n, ns).UTC(), true
}
