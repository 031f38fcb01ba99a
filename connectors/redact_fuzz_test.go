package connectors_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/ife-mx/vigia/connectors"
)

// FuzzRedactURL: whatever URL a server or a configuration hands over (a
// redirect's Location, a base_url), redacting never panics, and its redacted
// form does not depend on the password of its user information nor on the
// value of a credential-like query parameter.
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
		if secret == "" || !strings.HasSuffix(strings.ToLower(key), "token") && !strings.HasSuffix(strings.ToLower(key), "secret") {
			return
		}
		// The same URL with the secret or with another value in its place
		// redacts to the same text: nothing of the secret shows.
		with := func(v string) string {
			w := *u
			q := w.Query()
			q.Set(key, v)
			w.RawQuery = q.Encode()
			w.User = url.UserPassword("usuario", v)
			return connectors.RedactURL(&w)
		}
		if a, b := with(secret), with("otro-valor"); a != b {
			t.Fatalf("RedactURL shows the secret %q: %q, and with another value %q", secret, a, b)
		}
	})
}
