package connectors

import (
	"fmt"
	"log/slog"
)

// Secret is a credential. Printing, logging or serialising it never reveals the
// value: String, GoString, Format (every fmt verb), MarshalText and LogValue all
// give "<secret>", and since the value sits behind a pointer even fmt's %p error
// path shows an address, not the text. Reveal is the one way to read it.
type Secret struct {
	v *string
}

// NewSecret wraps a credential's value.
func NewSecret(value string) Secret { return Secret{v: &value} }

const redacted = "<secret>"

// Reveal returns the secret's value, for use in an Authorization header.
func (s Secret) Reveal() string {
	if s.v == nil {
		return ""
	}
	return *s.v
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.Reveal() == "" }

// String implements fmt.Stringer without revealing the value.
func (s Secret) String() string { return redacted }

// GoString implements fmt.GoStringer without revealing the value.
func (s Secret) GoString() string { return redacted }

// Format implements fmt.Formatter, so no verb prints the value.
func (s Secret) Format(f fmt.State, _ rune) { f.Write([]byte(redacted)) }

// MarshalText implements encoding.TextMarshaler without revealing the value.
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// LogValue implements slog.LogValuer without revealing the value.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }
