package simulated

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Config configures a simulated world. The zero value is usable: zero Speed,
// Backfill and PageSize take their defaults, a zero Anchor is the instant the
// World is created and a zero Epoch is the Anchor.
type Config struct {
	// Seed selects the world; the same seed gives the same content.
	Seed int64 `yaml:"seed"`
	// Epoch is the simulated instant that corresponds to the wall-clock Anchor.
	Epoch time.Time `yaml:"epoch"`
	// Anchor is the wall-clock instant at which simulated time equals Epoch.
	Anchor time.Time `yaml:"anchor"`
	// Speed is how many simulated seconds pass per wall-clock second (default 1).
	Speed float64 `yaml:"speed"`
	// Backfill is how far before Epoch a nil cursor starts (default 720h).
	Backfill time.Duration `yaml:"backfill"`
	// PageSize caps the items plus deletions of one Batch (default 100).
	PageSize int `yaml:"page_size"`
	// Faults injects failures into Poll.
	Faults Faults `yaml:"faults"`
	// Hostile is the share of user texts made hostile (markup, invalid UTF-8,
	// NUL, bidi overrides, very long bodies); 0..1.
	Hostile float64 `yaml:"hostile"`
}

// Faults are the probabilities, per Poll, of each injected failure. They never
// change the world and never advance a cursor.
type Faults struct {
	// Seed seeds the sequence of fault decisions.
	Seed int64 `yaml:"seed"`
	// RateLimited is the chance of a *connectors.RateLimitError.
	RateLimited float64 `yaml:"rate_limited"`
	// ServerError is the chance of a transient "server error 503".
	ServerError float64 `yaml:"server_error"`
	// Timeout is the chance that the call hangs and then times out.
	Timeout float64 `yaml:"timeout"`
	// Malformed is the chance of an error wrapping connectors.ErrMalformed.
	Malformed float64 `yaml:"malformed"`
	// TimeoutAfter is how long a timeout fault blocks (or until ctx is done);
	// zero returns the timeout error at once.
	TimeoutAfter time.Duration `yaml:"timeout_after"`
	// RetryAfter is how far after the call a rate-limit fault's Reset lies.
	RetryAfter time.Duration `yaml:"retry_after"`
}

// Default values.
const (
	DefaultSpeed    = 1.0
	DefaultBackfill = 720 * time.Hour
	DefaultPageSize = 100
	// MaxPageSize bounds PageSize.
	MaxPageSize = 10000
)

// DefaultConfig is the configuration NewFactory decodes over: defaults for
// every field, a small hostile share, and faults off but with realistic delays
// ready for when they are switched on.
func DefaultConfig() Config {
	return Config{
		Speed:    DefaultSpeed,
		Backfill: DefaultBackfill,
		PageSize: DefaultPageSize,
		Hostile:  0.005,
		Faults:   Faults{TimeoutAfter: 2 * time.Second, RetryAfter: 15 * time.Second},
	}
}

// withDefaults fills the zero fields that have a default.
func (c Config) withDefaults(now time.Time) Config {
	if c.Speed == 0 {
		c.Speed = DefaultSpeed
	}
	if c.Backfill == 0 {
		c.Backfill = DefaultBackfill
	}
	if c.PageSize == 0 {
		c.PageSize = DefaultPageSize
	}
	if c.Anchor.IsZero() {
		c.Anchor = now
	}
	if c.Epoch.IsZero() {
		c.Epoch = c.Anchor
	}
	return c
}

// Validate checks the configuration without side effects; it names the key of
// each bad value.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("simulated: %s: "+format, append([]any{key}, args...)...))
	}
	if math.IsNaN(c.Speed) || math.IsInf(c.Speed, 0) || c.Speed < 0 {
		bad("speed", "must be a positive number (0 means %v), got %v", DefaultSpeed, c.Speed)
	}
	if c.Backfill < 0 {
		bad("backfill", "must not be negative, got %v", c.Backfill)
	}
	if c.PageSize < 0 || c.PageSize > MaxPageSize {
		bad("page_size", "must be between 1 and %d (0 means %d), got %d", MaxPageSize, DefaultPageSize, c.PageSize)
	}
	if !isProb(c.Hostile) {
		bad("hostile", "must be between 0 and 1, got %v", c.Hostile)
	}
	if err := c.Faults.Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Validate checks that the probabilities are in 0..1 and sum to at most 1.
func (f *Faults) Validate() error {
	var errs []error
	sum := 0.0
	for _, p := range []struct {
		key string
		v   float64
	}{{"rate_limited", f.RateLimited}, {"server_error", f.ServerError}, {"timeout", f.Timeout}, {"malformed", f.Malformed}} {
		if !isProb(p.v) {
			errs = append(errs, fmt.Errorf("simulated: faults.%s: must be between 0 and 1, got %v", p.key, p.v))
		}
		sum += p.v
	}
	if len(errs) == 0 && sum > 1 {
		errs = append(errs, fmt.Errorf("simulated: faults: probabilities sum to %v, more than 1", sum))
	}
	if f.TimeoutAfter < 0 {
		errs = append(errs, fmt.Errorf("simulated: faults.timeout_after: must not be negative, got %v", f.TimeoutAfter))
	}
	if f.RetryAfter < 0 {
		errs = append(errs, fmt.Errorf("simulated: faults.retry_after: must not be negative, got %v", f.RetryAfter))
	}
	return errors.Join(errs...)
}

func isProb(p float64) bool { return p >= 0 && p <= 1 }
