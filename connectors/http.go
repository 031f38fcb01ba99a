package connectors

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Defaults applied by NewHTTPClient to the zero fields of HTTPOptions.
const (
	DefaultHTTPTimeout  = 30 * time.Second
	DefaultRetryMax     = 3
	DefaultRetryWaitMin = 1 * time.Second
	DefaultRetryWaitMax = 30 * time.Second
	DefaultUserAgent    = "vigia"
	DefaultMaxBody      = 32 << 20
)

// HTTPOptions configure the shared HTTP client. The zero value of each field
// selects its default.
type HTTPOptions struct {
	// Timeout bounds each attempt, including the reading of the body by Get;
	// the default is 30s and a negative value leaves only the context's deadline.
	Timeout time.Duration
	// RetryMax is the number of retries after the first attempt; the default is 3
	// and a negative value disables retries.
	RetryMax int
	// RetryWaitMin and RetryWaitMax bound the exponential backoff between
	// attempts; the defaults are 1s and 30s. A Retry-After longer than
	// RetryWaitMax is not waited for: the response goes back to the caller.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// UserAgent is sent when the request sets none; the default is "vigia".
	UserAgent string
	// MaxBody caps the bytes Get reads from a body; the default is 32 MiB.
	MaxBody int64
	// Logger receives debug lines per attempt, with redacted URLs and no headers;
	// nil discards them.
	Logger *slog.Logger
	// Transport replaces the default transport, for tests.
	Transport http.RoundTripper
	// Now is the clock used to interpret Retry-After dates; nil means time.Now.
	Now func() time.Time
}

// HTTPClient is the shared HTTP client every connector uses. It retries
// connection errors and server errors with capped exponential backoff and
// jitter, honours Retry-After, counts each attempt in the context's
// CallCounter, and keeps credentials out of its logs and errors. It is safe for
// concurrent use.
type HTTPClient struct {
	rc      *retryablehttp.Client
	ua      string
	maxBody int64
	waitMax time.Duration
	log     *slog.Logger
	now     func() time.Time
}

// NewHTTPClient returns a client configured by opts.
func NewHTTPClient(opts HTTPOptions) *HTTPClient {
	if opts.Timeout == 0 {
		opts.Timeout = DefaultHTTPTimeout
	} else if opts.Timeout < 0 {
		opts.Timeout = 0
	}
	if opts.RetryMax == 0 {
		opts.RetryMax = DefaultRetryMax
	} else if opts.RetryMax < 0 {
		opts.RetryMax = 0
	}
	if opts.RetryWaitMin <= 0 {
		opts.RetryWaitMin = DefaultRetryWaitMin
	}
	if opts.RetryWaitMax <= 0 {
		opts.RetryWaitMax = DefaultRetryWaitMax
	}
	if opts.RetryWaitMax < opts.RetryWaitMin {
		opts.RetryWaitMax = opts.RetryWaitMin
	}
	if opts.UserAgent == "" {
		opts.UserAgent = DefaultUserAgent
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if dt, ok := http.DefaultTransport.(*http.Transport); ok && opts.Transport == nil {
		opts.Transport = dt.Clone() // own connection pool; nil would share http.DefaultTransport
	}
	c := &HTTPClient{
		ua:      opts.UserAgent,
		maxBody: opts.MaxBody,
		waitMax: opts.RetryWaitMax,
		log:     opts.Logger,
		now:     opts.Now,
	}
	c.rc = &retryablehttp.Client{
		HTTPClient: &http.Client{Transport: opts.Transport, Timeout: opts.Timeout},
		// retryablehttp's own logger prints URLs with their query strings;
		// it stays nil and the hooks below log redacted URLs instead.
		Logger:         nil,
		RetryWaitMin:   opts.RetryWaitMin,
		RetryWaitMax:   opts.RetryWaitMax,
		RetryMax:       opts.RetryMax,
		RequestLogHook: c.beforeAttempt,
		CheckRetry:     c.checkRetry,
		Backoff:        c.backoff,
		ErrorHandler:   giveUp,
	}
	return c
}

// Do sends req under req.Context(), retrying connection errors, 5xx responses
// (except 501) and 429 responses whose Retry-After is at most RetryWaitMax.
// Any other response, including the last one when retries run out, is returned
// with a nil error and its body open for the caller to close. Every attempt
// increments the CallCounter of the request's context. A canceled context stops
// the retries, also during a wait. Errors carry redacted URLs only.
func (c *HTTPClient) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("connectors: http %s %s: %w", req.Method, RedactURL(req.URL), err)
	}
	req = req.Clone(ctx)
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", c.ua)
	}
	rreq, err := retryablehttp.FromRequest(req)
	if err != nil {
		return nil, fmt.Errorf("connectors: http %s %s: read request body: %w", req.Method, RedactURL(req.URL), err)
	}
	resp, err := c.rc.Do(rreq)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) { // its text already names the method and the redacted URL
			return nil, fmt.Errorf("connectors: http: %w", redactError(err))
		}
		return nil, fmt.Errorf("connectors: http %s %s: %w", req.Method, RedactURL(req.URL), redactError(err))
	}
	return resp, nil
}

// Response is a fully read HTTP response: the body is in memory and the
// connection is already released, so a connector cannot leak it.
type Response struct {
	// Status is the HTTP status code.
	Status int
	// Header holds the response headers.
	Header http.Header
	// Body holds the response body, at most HTTPOptions.MaxBody bytes.
	Body []byte
}

// Get performs a GET of rawURL with the given extra headers through Do and reads
// the whole body. A response of any status is returned without error; the caller
// maps a non-2xx status with StatusError. A body larger than MaxBody is an error
// wrapping ErrMalformed.
func (c *HTTPClient) Get(ctx context.Context, rawURL string, header http.Header) (*Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("connectors: http GET: %w", redactError(err))
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("connectors: http GET %s: read body: %w", RedactURL(req.URL), redactError(err))
	}
	if int64(len(body)) > c.maxBody {
		return nil, fmt.Errorf("connectors: http GET %s: body exceeds the limit of %d bytes: %w", RedactURL(req.URL), c.maxBody, ErrMalformed)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// beforeAttempt runs before every attempt: it counts the call and logs it.
func (c *HTTPClient) beforeAttempt(_ retryablehttp.Logger, req *http.Request, attempt int) {
	if cc, ok := req.Context().Value(callCounterKey{}).(*CallCounter); ok && cc != nil {
		cc.add(1)
	}
	c.log.LogAttrs(req.Context(), slog.LevelDebug, "http request",
		slog.String("method", req.Method),
		slog.String("url", RedactURL(req.URL)),
		slog.Int("attempt", attempt+1))
}

// checkRetry decides whether to try again after an attempt.
func (c *HTTPClient) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	if err != nil {
		retry, _ := retryablehttp.DefaultRetryPolicy(ctx, resp, err)
		retry = retry && retryAllowed(ctx)
		if retry {
			c.log.LogAttrs(ctx, slog.LevelDebug, "http attempt failed", slog.Any("error", redactError(err)))
		}
		return retry, nil
	}
	retryable := resp.StatusCode == http.StatusTooManyRequests ||
		resp.StatusCode == 0 ||
		(resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented)
	if !retryable {
		return false, nil
	}
	wait, hasWait := RetryAfter(resp.Header, c.now())
	if hasWait && wait > c.waitMax {
		// Waiting that long inside a poll would hold a worker; the caller turns
		// the response into a RateLimitError or a transient error instead.
		return false, nil
	}
	if resp.StatusCode == http.StatusTooManyRequests && !hasWait {
		return false, nil
	}
	if !retryAllowed(ctx) {
		return false, nil
	}
	attrs := []slog.Attr{slog.Int("status", resp.StatusCode)}
	if resp.Request != nil {
		attrs = append(attrs, slog.String("method", resp.Request.Method), slog.String("url", RedactURL(resp.Request.URL)))
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "http attempt failed", attrs...)
	return true, nil
}

// backoff returns the wait before retry number attempt+1: Retry-After when the
// response has one, otherwise exponential from lo to hi with equal jitter.
func (c *HTTPClient) backoff(lo, hi time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := RetryAfter(resp.Header, c.now()); ok {
			return min(d, hi)
		}
	}
	d := hi
	if attempt < 62 {
		if exp := lo << attempt; exp > 0 && exp>>attempt == lo && exp < hi {
			d = exp
		}
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// giveUp is retryablehttp's ErrorHandler: when retries run out on a response,
// the response itself goes back to the caller; otherwise the last error does.
func giveUp(resp *http.Response, err error, attempts int) (*http.Response, error) {
	if err == nil && resp != nil {
		return resp, nil
	}
	if resp != nil {
		_ = resp.Body.Close()
	}
	if err == nil {
		err = errors.New("no response")
	}
	return nil, fmt.Errorf("giving up after %d attempt(s): %w", attempts, redactError(err))
}

// CallCounter counts the HTTP attempts made under a context, retries included.
// The agent creates one per poll and reports it as Budget.Calls. It is safe for
// concurrent use, and a nil *CallCounter reads as zero.
type CallCounter struct {
	n atomic.Int64
	// parent is the counter that was in the context when this one was added: the
	// agent's per-poll counter, when a connector counts its own calls too.
	parent *CallCounter
}

func (c *CallCounter) add(n int64) {
	for ; c != nil; c = c.parent {
		c.n.Add(n)
	}
}

// Load returns the number of attempts counted so far.
func (c *CallCounter) Load() int {
	if c == nil {
		return 0
	}
	return int(c.n.Load())
}

type callCounterKey struct{}

// WithCallCounter returns a copy of ctx in which every attempt HTTPClient makes
// increments c, and every counter already in ctx: a connector may count its own
// calls without hiding them from the agent's counter. c must be new (not yet in
// another context).
func WithCallCounter(ctx context.Context, c *CallCounter) context.Context {
	if c != nil {
		if outer, ok := ctx.Value(callCounterKey{}).(*CallCounter); ok && outer != c {
			c.parent = outer
		}
	}
	return context.WithValue(ctx, callCounterKey{}, c)
}

type retryGateKey struct{}

// WithRetryGate returns a copy of ctx under which HTTPClient makes a retry
// only when allow returns true; allow is called before each retry, after the
// failed attempt was counted. A connector whose network bills every request
// against a budget (YouTube's daily units) uses it so retries never spend
// what the budget no longer has: the last response or error then goes back
// to the caller as when retries run out.
func WithRetryGate(ctx context.Context, allow func() bool) context.Context {
	return context.WithValue(ctx, retryGateKey{}, allow)
}

// retryAllowed consults the context's retry gate, if any.
func retryAllowed(ctx context.Context) bool {
	allow, ok := ctx.Value(retryGateKey{}).(func() bool)
	return !ok || allow == nil || allow()
}

// redactedValue replaces credentials in redacted URLs.
const redactedValue = "REDACTED"

// RedactURL returns u as a string with credentials replaced by "REDACTED": the
// user information, and the values of query parameters whose names look like
// credentials (access_token, token, key, api_key, password, client_secret and
// similar, compared case-insensitively). The fragment is dropped; the order of
// the query parameters is kept. A nil u yields "".
func RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	ru := *u
	if ru.User != nil {
		ru.User = url.User(redactedValue)
	}
	ru.Fragment, ru.RawFragment = "", ""
	ru.ForceQuery = false
	if ru.RawQuery != "" {
		parts := strings.Split(ru.RawQuery, "&")
		for i, p := range parts {
			rawKey, _, _ := strings.Cut(p, "=")
			key, err := url.QueryUnescape(rawKey)
			if err != nil {
				key = rawKey
			}
			if sensitiveKey(key) {
				parts[i] = rawKey + "=" + redactedValue
			}
		}
		ru.RawQuery = strings.Join(parts, "&")
	}
	return ru.String()
}

// sensitiveKey reports whether a query parameter name looks like a credential.
func sensitiveKey(k string) bool {
	k = strings.ToLower(strings.TrimSpace(k))
	switch k {
	case "token", "key", "apikey", "password", "passwd", "pass", "pwd", "secret",
		"signature", "sig", "auth", "authorization", "code", "session", "sessionid":
		return true
	}
	for _, suffix := range []string{"token", "_key", "-key", "secret", "password", "credential", "credentials"} {
		if strings.HasSuffix(k, suffix) {
			return true
		}
	}
	return false
}

// redactError rewrites the URL in any *url.Error found in err. A *url.Error at
// the top is copied with a redacted URL; one deeper in the chain, under
// messages that may repeat its URL, is replaced by an error whose text has the
// URL redacted and which unwraps to the url.Error's cause.
func redactError(err error) error {
	var ue *url.Error
	if err == nil || !errors.As(err, &ue) {
		return err
	}
	safe := redactRawURL(ue.URL)
	if top, ok := err.(*url.Error); ok { //nolint:errorlint // only an outermost *url.Error is copied in place
		return &url.Error{Op: top.Op, URL: safe, Err: redactError(top.Err)}
	}
	msg := err.Error()
	if ue.URL != "" {
		msg = strings.ReplaceAll(msg, ue.URL, safe)
	}
	return &redactedError{msg: msg, err: &url.Error{Op: ue.Op, URL: safe, Err: redactError(ue.Err)}}
}

// redactRawURL redacts a URL held as a string.
func redactRawURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparsable url>"
	}
	return RedactURL(u)
}

// redactedError is an error whose text was rewritten to hide credentials.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
