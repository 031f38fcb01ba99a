package connectors_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/ife-mx/vigia/connectors"
)

// FuzzRedactURL: whatever URL a server or a configuration hands over (a
// redirect's Location, a base_url), its redacted form never carries the
// password of its user information nor the value of a credential-like query
// parameter, and redacting never panics.
func FuzzRedactURL(f *testing.F) {
	f.Add("https://graph.facebook.com/v21.0/me?access_token=EAAB", "access_token", "s3cr3tTOKENvalue")
	f.Add("https://user:pw@mastodon.social/api/v1/x?a=1&b=2#frag", "client_secret", "0123456789abcdef")
	f.Add("http://[::1]:80/%zz?%ZZ=1", "api_key", "k3y-k3y-k3y-k3y")
	f.Fuzz(func(t *testing.T, raw, key, secret string) {
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		_ = connectors.RedactURL(u)
		if len(secret) < 12 || !strings.HasSuffix(strings.ToLower(key), "token") && !strings.HasSuffix(strings.ToLower(key), "secret") {
			return
		}
		q := u.Query()
		q.Set(key, secret)
		u.RawQuery = q.Encode()
		u.User = url.UserPassword("usuario", secret)
		got := connectors.RedactURL(u)
		for _, form := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret)} {
			if strings.Contains(got, form) {
				t.Fatalf("RedactURL(%q) = %q still holds the secret", u.String(), got)
			}
		}
	})
}
