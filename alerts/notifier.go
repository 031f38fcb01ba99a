package alerts

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
)

// Notifier delivers messages through one channel kind. Notify returns nil when the
// message was accepted; otherwise an error for which Retryable says whether trying
// again later may succeed (a server down or overloaded) or not (a rejected request).
// Errors never contain a secret (a password, a webhook URL, a token).
type Notifier interface {
	Name() string
	Type() string
	Notify(ctx context.Context, m Message) error
}

// Failure reasons, the bounded values of the reason label of vigia_alerts_failed_total.
const (
	ReasonConnect  = "connect"   // the server could not be reached
	ReasonTimeout  = "timeout"   // no answer in time
	ReasonTLS      = "tls"       // the TLS handshake failed
	ReasonAuth     = "auth"      // credentials refused
	ReasonTemp     = "temporary" // the server refused for now (SMTP 4xx, HTTP 429 or 5xx)
	ReasonRejected = "rejected"  // the server refused for good (SMTP 5xx, HTTP 4xx)
	ReasonInvalid  = "invalid"   // the message cannot be sent as it is (no recipient, …)
)

// FailureReasons lists the reasons in a stable order.
var FailureReasons = []string{ReasonConnect, ReasonTimeout, ReasonTLS, ReasonAuth, ReasonTemp, ReasonRejected, ReasonInvalid}

// Error is a failed delivery.
type Error struct {
	Notifier string
	// Reason is one of the Reason constants.
	Reason string
	// Retry says whether trying again later may succeed.
	Retry bool
	// Detail is a description that holds no secret.
	Detail string
}

// Error says which notifier failed, why, and what happened, without secrets.
func (e *Error) Error() string {
	return fmt.Sprintf("alerts: %s: %s: %s", e.Notifier, e.Reason, e.Detail)
}

// Retryable reports whether a delivery that failed with err is worth retrying.
// Errors that are not *Error (a bug, a cancelled context) are retried.
func Retryable(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		return e.Retry
	}
	return true
}

// Reason returns err's failure reason (ReasonConnect for errors that are not *Error).
func Reason(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ReasonConnect
}

// netError classifies an error from dialling or a round trip without quoting it:
// net/http's errors carry the request's URL, which for webhooks is the secret.
func netError(name string, err error) *Error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return &Error{Notifier: name, Reason: ReasonTimeout, Retry: true, Detail: "sin respuesta a tiempo"}
	case errors.Is(err, context.Canceled):
		return &Error{Notifier: name, Reason: ReasonConnect, Retry: true, Detail: "envío cancelado"}
	}
	if isTLSError(err) {
		return &Error{Notifier: name, Reason: ReasonTLS, Retry: true, Detail: "falló la negociación TLS"}
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		what := "no se pudo conectar"
		if opErr.Op == "dial" {
			what = "conexión rechazada o imposible"
		}
		return &Error{Notifier: name, Reason: ReasonConnect, Retry: true, Detail: what}
	}
	return &Error{Notifier: name, Reason: ReasonConnect, Retry: true, Detail: "error de red"}
}

// httpStatusError classifies a non-2xx HTTP answer: 408, 425, 429 and 5xx are
// retried, any other status is a rejection; 401 and 403 are authentication.
func httpStatusError(name string, status int) *Error {
	e := &Error{Notifier: name, Detail: fmt.Sprintf("el servidor respondió %d %s", status, http.StatusText(status))}
	switch {
	case status == http.StatusTooManyRequests || status == http.StatusRequestTimeout || status == http.StatusTooEarly || status >= 500:
		e.Reason, e.Retry = ReasonTemp, true
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		e.Reason = ReasonAuth
	default:
		e.Reason = ReasonRejected
	}
	return e
}

func isTLSError(err error) bool {
	var re *tls.RecordHeaderError
	var ce *tls.CertificateVerificationError
	var ue x509.UnknownAuthorityError
	var he x509.HostnameError
	return errors.As(err, &re) || errors.As(err, &ce) || errors.As(err, &ue) || errors.As(err, &he)
}
