package agent

import (
	"context"
	"time"

	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
)

// Archive is everything the agent asks of its archive: the one write
// transaction per poll (Commit, or RecordFailure for a failed poll), the
// cursors and poll plans it resumes from, the derived response rows, the
// account list, a health check and the chain's record count. *archive.Store
// (SQLite) implements it; a PostgreSQL archive shared by several agents would
// implement the same methods (see docs/scaling.md). Options.Store is still the
// concrete *archive.Store; this interface names the boundary so it stays this
// narrow.
type Archive interface {
	Commit(ctx context.Context, p archive.Poll) (archive.Result, error)
	RecordFailure(ctx context.Context, f archive.Failure) error
	Cursor(ctx context.Context, account string) (connectors.Cursor, error)
	PollStates(ctx context.Context) (map[string]archive.PollState, error)
	SyncAccounts(ctx context.Context, accts []archive.AccountInfo) error
	ResponseItemsSince(ctx context.Context, account string, since time.Time, fn func(archive.ResponseItem) error) error
	Conversations(ctx context.Context, network, account string, roots []string, fn func(root string, it archive.ResponseItem) error) error
	OpenComments(ctx context.Context, account string, before time.Time, fn func(archive.ResponseItem) error) error
	ItemFacts(ctx context.Context, network string, ids []string) (map[string]archive.ItemFact, error)
	OldestOpen(ctx context.Context, account string) (string, time.Time, error)
	SaveResponses(ctx context.Context, network, account string, rows []archive.ResponseRow) error
	Ping(ctx context.Context) error
	Records() int64
}

var _ Archive = (*archive.Store)(nil)
