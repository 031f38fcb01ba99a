package execplugin

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"time"
)

// Config configures the exec connector: which program to run and the limits it
// runs under. It is the `exec` section of the configuration file.
type Config struct {
	// Command is the plugin's path; an absolute path, or a name looked up in PATH.
	Command string `yaml:"command"`
	// Args are passed to the plugin after its name. They are visible in the process
	// list: never put credentials here (they travel in the request instead).
	Args []string `yaml:"args"`
	// Timeout bounds one Poll: the plugin's process group is killed after it
	// (default 60s).
	Timeout time.Duration `yaml:"timeout"`
	// MaxOutput bounds the bytes the plugin may write to stdout in one Poll
	// (default 64 MiB).
	MaxOutput int64 `yaml:"max_output"`
	// Env names further environment variables passed through to the plugin; it
	// otherwise gets only PATH, HOME and LANG.
	Env []string `yaml:"env"`
}

// Default values and limits.
const (
	DefaultTimeout   = 60 * time.Second
	DefaultMaxOutput = 64 << 20
	// MaxLine is the longest line, newline excluded, the plugin may write.
	MaxLine = 16 << 20
	// StderrTail is how much of the end of the plugin's stderr is kept and logged.
	StderrTail = 64 << 10
)

// DefaultConfig is the configuration NewFactory decodes over.
func DefaultConfig() Config {
	return Config{Timeout: DefaultTimeout, MaxOutput: DefaultMaxOutput}
}

func (c Config) withDefaults() Config {
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxOutput == 0 {
		c.MaxOutput = DefaultMaxOutput
	}
	return c
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Validate checks the configuration without running anything; it names the key
// of each bad value.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("exec: %s: "+format, append([]any{key}, args...)...))
	}
	if c.Command == "" {
		bad("command", "is required")
	} else if filepath.Base(c.Command) != c.Command && !filepath.IsAbs(c.Command) {
		bad("command", "must be absolute or a bare name looked up in PATH, got %q", c.Command)
	}
	if c.Timeout < 0 {
		bad("timeout", "must not be negative, got %v", c.Timeout)
	}
	if c.MaxOutput < 0 {
		bad("max_output", "must not be negative, got %d", c.MaxOutput)
	}
	for i, n := range c.Env {
		if !envName.MatchString(n) {
			bad(fmt.Sprintf("env[%d]", i), "not a variable name: %q", n)
		}
	}
	return errors.Join(errs...)
}
