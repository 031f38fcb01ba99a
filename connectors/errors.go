package connectors

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Sentinel errors that classify a failed poll. Connectors wrap them with the
// network and operation: fmt.Errorf("mastodon: list statuses: %w", ErrAuth).
var (
	// ErrAuth means the credentials were rejected: the agent stops polling the
	// account and alerts UNICOM and the administrators.
	ErrAuth = errors.New("authentication failed")
	// ErrNotFound means the account is gone or renamed.
	ErrNotFound = errors.New("not found")
	// ErrMalformed means the platform answered with a body the connector could not
	// decode; it is retried like a transient error, and nothing of it is stored.
	ErrMalformed = errors.New("malformed response")
)

// RateLimitError means the network refused the call for exceeding its allowance;
// the agent waits until Reset before polling the account again.
type RateLimitError struct {
	Reset time.Time
	Err   error
}

// Error implements error.
func (e *RateLimitError) Error() string {
	msg := "rate limited"
	if !e.Reset.IsZero() {
		msg += " until " + e.Reset.UTC().Format(time.RFC3339)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying error.
func (e *RateLimitError) Unwrap() error { return e.Err }

// Reason values are the bounded vocabulary of error kinds, used as metric labels.
const (
	ReasonOK          = "ok"
	ReasonAuth        = "auth"
	ReasonRateLimited = "rate_limited"
	ReasonNotFound    = "not_found"
	ReasonMalformed   = "malformed"
	ReasonTransient   = "transient"
	ReasonCanceled    = "canceled"
)

// Reasons lists every reason, in a stable order, for metrics initialisation.
var Reasons = []string{ReasonOK, ReasonAuth, ReasonRateLimited, ReasonNotFound, ReasonMalformed, ReasonTransient, ReasonCanceled}

// Reason classifies err into one of the Reason values; nil is ReasonOK.
func Reason(err error) string {
	var rl *RateLimitError
	switch {
	case err == nil:
		return ReasonOK
	case errors.As(err, &rl):
		return ReasonRateLimited
	case errors.Is(err, ErrAuth):
		return ReasonAuth
	case errors.Is(err, ErrNotFound):
		return ReasonNotFound
	case errors.Is(err, ErrMalformed):
		return ReasonMalformed
	case errors.Is(err, context.Canceled):
		return ReasonCanceled
	default:
		return ReasonTransient
	}
}

// Malformed wraps a decoding failure as ErrMalformed, naming what was decoded.
func Malformed(network, what string, err error) error {
	return fmt.Errorf("%s: decode %s: %w: %v", network, what, ErrMalformed, err)
}
