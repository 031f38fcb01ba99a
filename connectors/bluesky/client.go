package bluesky

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// XRPC methods the connector calls.
const (
	nsidCreateSession     = "com.atproto.server.createSession"
	nsidRefreshSession    = "com.atproto.server.refreshSession"
	nsidGetAuthorFeed     = "app.bsky.feed.getAuthorFeed"
	nsidGetPostThread     = "app.bsky.feed.getPostThread"
	nsidGetPosts          = "app.bsky.feed.getPosts"
	nsidListNotifications = "app.bsky.notification.listNotifications"
	nsidGetProfile        = "app.bsky.actor.getProfile"
)

// maxSessionBody caps the body read from a session call.
const maxSessionBody = 1 << 20

// XRPC error names the connector branches on.
const (
	errNameExpiredToken      = "ExpiredToken"
	errNameInvalidToken      = "InvalidToken"
	errNameNotFound          = "NotFound"
	errNameRateLimitExceeded = "RateLimitExceeded"
	errNameInvalidRequest    = "InvalidRequest"
)

// authErrorNames are XRPC errors that mean the credentials or the session are
// not accepted.
var authErrorNames = map[string]bool{
	errNameExpiredToken:       true,
	errNameInvalidToken:       true,
	"AuthMissing":             true,
	"AuthenticationRequired":  true,
	"AuthFactorTokenRequired": true,
	"AccountTakedown":         true,
	"InvalidPassword":         true,
}

// goneErrorNames are XRPC errors that mean the actor or record does not exist
// (any more).
var goneErrorNames = map[string]bool{
	errNameNotFound:      true,
	"AccountDeactivated": true,
	"RepoNotFound":       true,
	"RepoDeactivated":    true,
	"RepoTakendown":      true,
	"RecordNotFound":     true,
}

// Internal error kinds, wrapped together with the contract's kinds.
var (
	// errExpiredToken marks an ExpiredToken answer: refresh the session and
	// try again.
	errExpiredToken = errors.New("session expired")
	// errInvalidToken marks an answer rejecting the session: log in again.
	errInvalidToken = errors.New("session rejected")
	// errRecordNotFound marks the XRPC error NotFound, which getPostThread
	// gives for a deleted post (other "not found" answers concern actors).
	errRecordNotFound = errors.New("record not found")
)

// xrpcStatusError maps a non-2xx XRPC answer to the contract's error kinds,
// naming the XRPC error but never quoting its message, which may echo the
// request. It returns nil for 2xx.
func xrpcStatusError(op string, resp *connectors.Response, now time.Time) error {
	if resp.Status >= 200 && resp.Status < 300 {
		return nil
	}
	xe := decodeXRPCError(resp.Body)
	name := ""
	if safeName(xe.Name) {
		name = xe.Name + ": "
	}
	code := fmt.Sprintf("HTTP status %d", resp.Status)
	if t := http.StatusText(resp.Status); t != "" {
		code += " " + t
	}
	switch {
	case resp.Status == http.StatusTooManyRequests || xe.Name == errNameRateLimitExceeded:
		reset, ok := epochReset(resp.Header.Get("RateLimit-Reset"), now)
		if !ok {
			rl := connectors.StatusError(Network, op, &connectors.Response{Status: http.StatusTooManyRequests, Header: resp.Header}, now)
			var rle *connectors.RateLimitError
			if !errors.As(rl, &rle) {
				return rl
			}
			reset = rle.Reset
		}
		return fmt.Errorf("%s: %s: %s%w", Network, op, name, &connectors.RateLimitError{Reset: reset, Err: errors.New(code)})
	case xe.Name == errNameExpiredToken:
		return fmt.Errorf("%s: %s: %s%s: %w: %w", Network, op, name, code, errExpiredToken, connectors.ErrAuth)
	case xe.Name == errNameInvalidToken:
		return fmt.Errorf("%s: %s: %s%s: %w: %w", Network, op, name, code, errInvalidToken, connectors.ErrAuth)
	case authErrorNames[xe.Name]:
		return fmt.Errorf("%s: %s: %s%s: %w", Network, op, name, code, connectors.ErrAuth)
	case xe.Name == errNameNotFound:
		return fmt.Errorf("%s: %s: %s%s: %w: %w", Network, op, name, code, errRecordNotFound, connectors.ErrNotFound)
	case goneErrorNames[xe.Name] || (xe.Name == errNameInvalidRequest && notFoundMessage(xe.Message)):
		return fmt.Errorf("%s: %s: %s%s: %w", Network, op, name, code, connectors.ErrNotFound)
	case resp.Status == http.StatusUnauthorized:
		return fmt.Errorf("%s: %s: %s%s: %w: %w", Network, op, name, code, errInvalidToken, connectors.ErrAuth)
	case resp.Status == http.StatusForbidden:
		return fmt.Errorf("%s: %s: %s%s: %w", Network, op, name, code, connectors.ErrAuth)
	case resp.Status == http.StatusNotFound || resp.Status == http.StatusGone:
		return fmt.Errorf("%s: %s: %s%s: %w", Network, op, name, code, connectors.ErrNotFound)
	default:
		return fmt.Errorf("%s: %s: %sunexpected %s", Network, op, name, code)
	}
}

// epochReset reads RateLimit-Reset as xrpc-server sends it, Unix epoch
// seconds, accepting a decimal fraction; ok only for a time after now. It is
// preferred to Retry-After, which is relative to when the answer was sent.
func epochReset(s string, now time.Time) (time.Time, bool) {
	s = strings.TrimSpace(s)
	whole, frac, _ := strings.Cut(s, ".")
	sec, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || sec < 1_000_000_000 || sec > 99_999_999_999 || len(frac) > 9 {
		return time.Time{}, false
	}
	var ns int64
	if frac != "" {
		n, err := strconv.ParseUint(frac, 10, 32)
		if err != nil {
			return time.Time{}, false
		}
		ns = int64(n)
		for range 9 - len(frac) {
			ns *= 10
		}
	}
	t := time.Unix(sec, ns)
	return t, t.After(now)
}

// notFoundMessage recognises the AppView's "Profile not found" and similar
// InvalidRequest messages.
func notFoundMessage(msg string) bool {
	return bytes.Contains(bytes.ToLower([]byte(msg)), []byte("not found"))
}

// safeName reports whether an XRPC error name is a short identifier, safe to
// quote in an error message.
func safeName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// xrpcURL builds base/xrpc/nsid?query.
func xrpcURL(base, nsid string, q url.Values) string {
	u := base + "/xrpc/" + nsid
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// bearer returns an Authorization header carrying token.
func bearer(token string) http.Header {
	h := http.Header{}
	h.Set("Authorization", "Bearer "+token)
	return h
}

// post sends an XRPC procedure call with a JSON body (nil for none) and
// returns the whole answer, whatever its status.
func (c *Connector) post(ctx context.Context, base, nsid string, header http.Header, body []byte) (*connectors.Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, xrpcURL(base, nsid, nil), rd)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: build request: %w", Network, nsid, err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", Network, nsid, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxSessionBody+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %s: read body: %w", Network, nsid, err)
	}
	if len(b) > maxSessionBody {
		return nil, fmt.Errorf("%s: %s: body exceeds %d bytes: %w", Network, nsid, maxSessionBody, connectors.ErrMalformed)
	}
	return &connectors.Response{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}
