package bluesky

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Default values of Config.
const (
	// DefaultService is the entryway that creates sessions for accounts hosted by
	// Bluesky; it forwards authenticated calls to the account's PDS.
	DefaultService = "https://bsky.social"
	// DefaultAppView is the public, unauthenticated and cached AppView.
	DefaultAppView = "https://public.api.bsky.app"
	// DefaultWindowPosts is how many recent own posts have their threads re-checked.
	DefaultWindowPosts = 20
	// DefaultWindowAge is how long an own post stays in the window.
	DefaultWindowAge = 168 * time.Hour
	// DefaultBackfill is how far back the first poll of an account reads.
	DefaultBackfill = 720 * time.Hour
	// DefaultThreadDepth is the depth of the reply tree getPostThread returns.
	DefaultThreadDepth = 100
	// DefaultPagesPerPoll bounds the pages of each listing read by one poll.
	DefaultPagesPerPoll = 5
	// DefaultRecheckCalls is how many getPosts calls (25 posts each) a poll
	// spends re-checking the window.
	DefaultRecheckCalls = 2
)

// Bounds of Config values.
const (
	// MaxWindowPosts bounds WindowPosts.
	MaxWindowPosts = 500
	// MaxThreadDepth is the largest depth getPostThread accepts.
	MaxThreadDepth = 1000
	// MaxPagesPerPoll bounds PagesPerPoll.
	MaxPagesPerPoll = 100
	// MaxRecheckCalls bounds RecheckCalls.
	MaxRecheckCalls = 100
)

// Config is the `networks.bluesky` section of the configuration.
//
// Calls that need the account's session (com.atproto.server.createSession,
// refreshSession and app.bsky.notification.listNotifications) go to Service.
// Public reads (app.bsky.feed.getAuthorFeed, getPostThread, getPosts and
// app.bsky.actor.getProfile) go to AppView without credentials; when AppView
// is the same URL as Service they carry the session instead, which is what a
// self-hosted PDS without a public AppView needs.
type Config struct {
	// Service is the PDS or entryway that holds the account (default
	// https://bsky.social).
	Service string `yaml:"service"`
	// AppView serves the public reads (default https://public.api.bsky.app).
	AppView string `yaml:"appview"`
	// WindowPosts is how many of the most recent own posts have their replies
	// re-checked for new replies, edits and deletions (default 20).
	WindowPosts int `yaml:"window_posts"`
	// WindowAge is how long after publication an own post stays in the window
	// (default 168h).
	WindowAge time.Duration `yaml:"window_age"`
	// Backfill is how far back the first poll of an account reads its posts and
	// notifications (default 720h).
	Backfill time.Duration `yaml:"backfill"`
	// ThreadDepth is the depth of replies read under a window post (default 100).
	ThreadDepth int `yaml:"thread_depth"`
	// ThreadRechecks is how many window threads are re-read in each poll in
	// turn, besides those that a changed reply count points to (default 0:
	// none). Each costs one call per poll; it finds replies that nothing else
	// reveals, such as replies below ThreadDepth.
	ThreadRechecks int `yaml:"thread_rechecks"`
	// PagesPerPoll bounds the pages of the author feed and of the notifications
	// read in one poll; a longer backfill continues in the next poll (default 5).
	PagesPerPoll int `yaml:"pages_per_poll"`
	// RecheckCalls is how many getPosts calls, of 25 posts each, a poll spends
	// re-checking the window for edits and deletions (default 2). The window's
	// own posts are re-checked on every poll; the replies under them take turns
	// in the rest, so a larger window is re-checked over several polls.
	RecheckCalls int `yaml:"recheck_calls"`
}

// DefaultConfig returns the configuration with every default filled in.
func DefaultConfig() Config {
	return Config{
		Service:      DefaultService,
		AppView:      DefaultAppView,
		WindowPosts:  DefaultWindowPosts,
		WindowAge:    DefaultWindowAge,
		Backfill:     DefaultBackfill,
		ThreadDepth:  DefaultThreadDepth,
		PagesPerPoll: DefaultPagesPerPoll,
		RecheckCalls: DefaultRecheckCalls,
	}
}

// withDefaults fills the zero fields that have a default.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Service == "" {
		c.Service = d.Service
	}
	if c.AppView == "" {
		c.AppView = d.AppView
	}
	if c.WindowPosts == 0 {
		c.WindowPosts = d.WindowPosts
	}
	if c.WindowAge == 0 {
		c.WindowAge = d.WindowAge
	}
	if c.Backfill == 0 {
		c.Backfill = d.Backfill
	}
	if c.ThreadDepth == 0 {
		c.ThreadDepth = d.ThreadDepth
	}
	if c.PagesPerPoll == 0 {
		c.PagesPerPoll = d.PagesPerPoll
	}
	if c.RecheckCalls == 0 {
		c.RecheckCalls = d.RecheckCalls
	}
	c.Service = strings.TrimRight(c.Service, "/")
	c.AppView = strings.TrimRight(c.AppView, "/")
	return c
}

// Validate checks the configuration without network calls; zero values stand
// for their defaults. Each message names the key.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("bluesky: %s: "+format, append([]any{key}, args...)...))
	}
	for _, u := range []struct{ key, v string }{{"service", c.Service}, {"appview", c.AppView}} {
		if u.v == "" {
			continue
		}
		if err := connectors.CheckBaseURL(u.v); err != nil {
			bad(u.key, "%v", err)
		}
	}
	if c.WindowPosts < 0 || c.WindowPosts > MaxWindowPosts {
		bad("window_posts", "must be between 1 and %d (0 means %d), got %d", MaxWindowPosts, DefaultWindowPosts, c.WindowPosts)
	}
	if c.WindowAge < 0 {
		bad("window_age", "must not be negative, got %v", c.WindowAge)
	}
	if c.Backfill < 0 {
		bad("backfill", "must not be negative, got %v", c.Backfill)
	}
	if c.ThreadDepth < 0 || c.ThreadDepth > MaxThreadDepth {
		bad("thread_depth", "must be between 1 and %d (0 means %d), got %d", MaxThreadDepth, DefaultThreadDepth, c.ThreadDepth)
	}
	if c.ThreadRechecks < 0 || c.ThreadRechecks > MaxWindowPosts {
		bad("thread_rechecks", "must be between 0 and %d, got %d", MaxWindowPosts, c.ThreadRechecks)
	}
	if c.PagesPerPoll < 0 || c.PagesPerPoll > MaxPagesPerPoll {
		bad("pages_per_poll", "must be between 1 and %d (0 means %d), got %d", MaxPagesPerPoll, DefaultPagesPerPoll, c.PagesPerPoll)
	}
	if c.RecheckCalls < 0 || c.RecheckCalls > MaxRecheckCalls {
		bad("recheck_calls", "must be between 1 and %d (0 means %d), got %d", MaxRecheckCalls, DefaultRecheckCalls, c.RecheckCalls)
	}
	return errors.Join(errs...)
}
