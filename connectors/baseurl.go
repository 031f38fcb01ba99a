package connectors

import (
	"errors"
	"fmt"
	"net/url"
)

// CheckBaseURL accepts a connector's base URL: an absolute http or https URL with a
// host and no credentials, query or fragment. Connectors validate their base_url
// settings (and per-account overrides) with it. The error never repeats
// credentials written in the URL.
func CheckBaseURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return errors.New("not a URL") // url.Parse's error repeats the input, credentials and all
	case u.User != nil:
		return errors.New("must not carry credentials")
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("must be an http or https URL, got %q", raw)
	case u.Host == "":
		return fmt.Errorf("has no host: %q", raw)
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("must not have a query or fragment: %q", raw)
	}
	return nil
}
