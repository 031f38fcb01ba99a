package connectors_test

import (
	"strings"
	"testing"

	"github.com/ife-mx/vigia/connectors"
)

func TestCheckBaseURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"https://mastodon.social", ""},
		{"http://127.0.0.1:8080/api", ""},
		{"ftp://mastodon.social", "http or https"},
		{"https://", "has no host"},
		{"https://u:p@x.com", "credentials"},
		{"ftp://u:p@x.com", "credentials"},
		{"https://x.com/?access_token=1", "query or fragment"},
		{"https://x.com/#frag", "query or fragment"},
		{"::", "not a URL"},
	} {
		err := connectors.CheckBaseURL(tc.in)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: %v", tc.in, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%q: err = %v, want it to say %q", tc.in, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "p@") {
			t.Errorf("%q: the error repeats the credentials: %v", tc.in, err)
		}
	}
}
