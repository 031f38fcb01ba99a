package tiktok

import (
	"strings"
	"testing"
)

func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	c := Config{}.withDefaults()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c != DefaultConfig() {
		t.Errorf("withDefaults = %+v, want %+v", c, DefaultConfig())
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		mod  func(*Config)
		key  string
	}{
		{"base_url scheme", func(c *Config) { c.BaseURL = "ftp://business-api.tiktok.com" }, "base_url"},
		{"base_url query", func(c *Config) { c.BaseURL = "https://business-api.tiktok.com/open_api?x=1" }, "base_url"},
		{"api_version", func(c *Config) { c.APIVersion = "1" }, "api_version"},
		{"window_posts", func(c *Config) { c.WindowPosts = -1 }, "window_posts"},
		{"window_age", func(c *Config) { c.WindowAge = -1 }, "window_age"},
		{"page_limit", func(c *Config) { c.PageLimit = 30 }, "page_limit"},
		{"max_pages", func(c *Config) { c.MaxPages = -3 }, "max_pages"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := DefaultConfig()
			tc.mod(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.key) {
				t.Errorf("Validate = %v, want an error naming %s", err, tc.key)
			}
		})
	}
}
