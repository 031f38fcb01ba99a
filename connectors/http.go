package connectors

// HTTPClient is the shared HTTP client every connector uses (see NewHTTPClient).
type HTTPClient struct{}
