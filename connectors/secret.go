package connectors

import "log/slog"

// Secret is a credential. Its String, GoString, MarshalText and LogValue return
// "<secret>", so printing, logging or serialising it never reveals the value;
// Reveal is the one way to read it.
type Secret string

const redacted = "<secret>"

// Reveal returns the secret's value, for use in an Authorization header.
func (s Secret) Reveal() string { return string(s) }

// String implements fmt.Stringer without revealing the value.
func (s Secret) String() string { return redacted }

// GoString implements fmt.GoStringer without revealing the value.
func (s Secret) GoString() string { return redacted }

// MarshalText implements encoding.TextMarshaler without revealing the value.
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// LogValue implements slog.LogValuer without revealing the value.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }
