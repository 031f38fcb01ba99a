package alerts

import "context"

// DigestSource provides the figures of the digests (the agent: its response clocks
// and the archive).
type DigestSource interface {
	AccountDigest(ctx context.Context, account string) (AccountDigest, error)
}

// AccountDigest is one account's figures for a digest.
type AccountDigest struct{}

func (d *Dispatcher) queueDigests(ctx context.Context) error { return nil }
