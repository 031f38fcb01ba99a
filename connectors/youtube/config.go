package youtube

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Config configures the YouTube connector: the networks.youtube section of the
// configuration file.
type Config struct {
	// BaseURL is the API's root (default https://youtube.googleapis.com); the
	// calls go to BaseURL/youtube/v3/….
	BaseURL string `yaml:"base_url"`
	// DailyUnits is the daily allowance of quota units of the Google Cloud
	// project whose key or token the accounts use (default 10000, YouTube's
	// default). It resets at midnight America/Los_Angeles.
	DailyUnits int `yaml:"daily_units"`
	// WindowAge is how long after its creation a video and a comment thread
	// are re-read for edits, deletions and new replies (default 168h); it is
	// also how far back the first poll reads.
	WindowAge time.Duration `yaml:"window_age"`
	// PageSize is the maxResults of playlistItems.list (default 50, at most 50).
	PageSize int `yaml:"page_size"`
	// CommentPageSize is the maxResults of commentThreads.list and
	// comments.list (default 100, at most 100).
	CommentPageSize int `yaml:"comment_page_size"`
	// MaxPages bounds the pages one listing may read in one poll (default 20).
	MaxPages int `yaml:"max_pages"`
	// ReplyRechecks is how many window threads with replies beyond those a
	// thread embeds get their replies re-read per poll, oldest check first,
	// to notice edits and deletions among them (default 2). Threads whose
	// reply count changed are always re-read.
	ReplyRechecks int `yaml:"reply_rechecks"`
}

// Defaults and bounds.
const (
	DefaultBaseURL         = "https://youtube.googleapis.com"
	DefaultDailyUnits      = 10000
	DefaultWindowAge       = 168 * time.Hour
	DefaultPageSize        = 50
	DefaultCommentPageSize = 100
	DefaultMaxPages        = 20
	DefaultReplyRechecks   = 2

	// MaxPageSize is the most playlistItems.list returns per page.
	MaxPageSize = 50
	// MaxCommentPageSize is the most commentThreads.list and comments.list
	// return per page.
	MaxCommentPageSize = 100
)

// Credential names: an account gives one of them.
const (
	// CredentialAPIKey is an API key of a Google Cloud project with the
	// YouTube Data API enabled; enough for public data.
	CredentialAPIKey = "api_key"
	// CredentialAccessToken is an OAuth 2.0 access token with the
	// youtube.readonly or youtube.force-ssl scope.
	CredentialAccessToken = "access_token"
)

// Per-account options.
const (
	// OptionBaseURL overrides Config.BaseURL.
	OptionBaseURL = "base_url"
	// OptionQuotaProject names the Google Cloud project whose daily units the
	// account spends; accounts naming the same project share one allowance
	// (default: every account shares one).
	OptionQuotaProject = "quota_project"
)

// DefaultConfig returns the configuration NewFactory decodes over.
func DefaultConfig() Config {
	return Config{
		BaseURL:         DefaultBaseURL,
		DailyUnits:      DefaultDailyUnits,
		WindowAge:       DefaultWindowAge,
		PageSize:        DefaultPageSize,
		CommentPageSize: DefaultCommentPageSize,
		MaxPages:        DefaultMaxPages,
		ReplyRechecks:   DefaultReplyRechecks,
	}
}

// withDefaults fills the zero fields that have a default.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.BaseURL == "" {
		c.BaseURL = d.BaseURL
	}
	if c.DailyUnits == 0 {
		c.DailyUnits = d.DailyUnits
	}
	if c.WindowAge == 0 {
		c.WindowAge = d.WindowAge
	}
	if c.PageSize == 0 {
		c.PageSize = d.PageSize
	}
	if c.CommentPageSize == 0 {
		c.CommentPageSize = d.CommentPageSize
	}
	if c.MaxPages == 0 {
		c.MaxPages = d.MaxPages
	}
	if c.ReplyRechecks == 0 {
		c.ReplyRechecks = d.ReplyRechecks
	}
	return c
}

// Validate checks the configuration without network calls; each error names
// its key.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("youtube: %s: "+format, append([]any{key}, args...)...))
	}
	if c.BaseURL == "" {
		bad("base_url", "required, such as %s", DefaultBaseURL)
	} else if err := connectors.CheckBaseURL(c.BaseURL); err != nil {
		bad("base_url", "%v", err)
	}
	if c.DailyUnits < 0 || c.DailyUnits > 100_000_000 {
		bad("daily_units", "must be between 1 and 100000000 (0 means %d), got %d", DefaultDailyUnits, c.DailyUnits)
	}
	if c.WindowAge < 0 {
		bad("window_age", "must not be negative, got %v", c.WindowAge)
	}
	if c.PageSize < 0 || c.PageSize > MaxPageSize {
		bad("page_size", "must be between 1 and %d (0 means %d), got %d", MaxPageSize, DefaultPageSize, c.PageSize)
	}
	if c.CommentPageSize < 0 || c.CommentPageSize > MaxCommentPageSize {
		bad("comment_page_size", "must be between 1 and %d (0 means %d), got %d", MaxCommentPageSize, DefaultCommentPageSize, c.CommentPageSize)
	}
	if c.MaxPages < 0 || c.MaxPages > 1000 {
		bad("max_pages", "must be between 1 and 1000 (0 means %d), got %d", DefaultMaxPages, c.MaxPages)
	}
	if c.ReplyRechecks < 0 || c.ReplyRechecks > 1000 {
		bad("reply_rechecks", "must be between 1 and 1000 (0 means %d), got %d", DefaultReplyRechecks, c.ReplyRechecks)
	}
	return errors.Join(errs...)
}

// normalizeBaseURL strips trailing slashes.
func normalizeBaseURL(raw string) string { return strings.TrimRight(raw, "/") }
