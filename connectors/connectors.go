// Package connectors defines the contract between the agent and the per-network
// connectors: the network-neutral Item, the opaque Cursor, the Batch a poll
// returns, the typed errors the agent branches on, and the Registry that maps a
// network name to the factory that builds its connector.
//
// The package holds domain types only; it imports nothing else of Vigía, so every
// other package may depend on it.
package connectors

import (
	"context"
	"time"
)

// Connector polls one network on behalf of the agent. One instance serves every
// account configured on its network, so an implementation keeps per-account state
// only in the Cursor it returns (or keyed by Account.ID, guarded for concurrent use).
type Connector interface {
	// Network returns the network's name as used in the configuration ("x", "mastodon").
	Network() string
	// Poll fetches what is new for acct since cur. It must not return a Batch whose
	// Cursor covers items that are not in the same Batch.
	Poll(ctx context.Context, acct Account, cur Cursor) (Batch, error)
}

// Prober is implemented by connectors that can check credentials and reachability
// without fetching content; `vigia check --probe` uses it.
type Prober interface {
	Probe(ctx context.Context, acct Account) error
}

// Account is what a connector knows of one configured institutional account.
type Account struct {
	// ID is the account's key in the configuration; unique across networks.
	ID string
	// Network is the network name ("x", "facebook", "simulated", …).
	Network string
	// Handle is the public handle without "@" ("ife_mx", "ine@mastodon.social").
	Handle string
	// ExternalID is the platform's own id for the account, when configured.
	ExternalID string
	// Organ is the órgano responsable's key.
	Organ string
	// Credentials holds the secrets resolved from the environment or credential files,
	// by the name the network's documentation gives them ("token", "app_password").
	Credentials map[string]Secret
	// Options carries network-specific per-account settings from the configuration.
	Options map[string]string
}

// Cursor is opaque bytes owned by the connector: since-ids, page tokens, the window
// of recent posts whose comments are still re-checked. A nil Cursor means "start".
type Cursor []byte

// Kind is what an item is in the conversation of an institutional account.
type Kind string

// The kinds of Item.
const (
	KindPost    Kind = "post"    // a top-level post (own, or a quote/share when reported)
	KindComment Kind = "comment" // a direct reply to a post
	KindReply   Kind = "reply"   // a reply to a comment or to another reply
	KindMention Kind = "mention" // a post by others that mentions the account
)

// Kinds lists every Kind, in a stable order, for metrics initialisation.
var Kinds = []Kind{KindPost, KindComment, KindReply, KindMention}

// Valid reports whether k is one of the defined kinds.
func (k Kind) Valid() bool {
	switch k {
	case KindPost, KindComment, KindReply, KindMention:
		return true
	}
	return false
}

// Item is the network-neutral record of one post, comment, reply or mention.
type Item struct {
	// ExternalID is the platform's id; (network, ExternalID) is unique in the archive.
	ExternalID string
	Kind       Kind
	// ParentID is the external id of the item this one answers; empty for posts.
	ParentID string
	// RootID is the external id of the conversation's root post; empty for posts.
	RootID string

	AuthorID     string
	AuthorHandle string
	AuthorName   string
	// Own is true when the institutional account wrote the item.
	Own bool

	Text string
	Lang string
	// CreatedAt is when the platform says the item was published.
	CreatedAt time.Time
	// EditedAt is the platform's last-edit time; zero when never edited or unknown.
	EditedAt time.Time
	URL      string
	Media    []Media
	// Raw is the payload exactly as received from the platform.
	Raw []byte
}

// Media is metadata of an attachment; Vigía archives metadata, not the bytes.
type Media struct {
	Type    string `json:"type"`
	URL     string `json:"url,omitempty"`
	AltText string `json:"alt_text,omitempty"`
}

// Deletion reports that an item previously returned is gone from the platform,
// detected by absence when re-checking the window of recent posts or by an error
// on lookup.
type Deletion struct {
	ExternalID string
	// ObservedAt is when the connector noticed the absence.
	ObservedAt time.Time
}

// Profile is the account's public profile as fetched in a poll.
type Profile struct {
	ExternalID  string
	Handle      string
	DisplayName string
	Bio         string
	AvatarURL   string
	Link        string
	Verified    bool
	Followers   int64
	// Raw is the payload exactly as received.
	Raw []byte
}

// Budget reports what a poll cost and what is left of the network's allowance.
type Budget struct {
	// Calls is the number of HTTP requests made (retries included).
	Calls int
	// Items is the number of resources the platform returned (billed on some networks).
	Items int
	// Remaining is the allowance left in the current window; -1 when unknown.
	Remaining int
	// Reset is when the allowance window resets; zero when unknown.
	Reset time.Time
}

// Batch is what one Poll returns. The agent stores Items, Deletions, Profile and
// the new Cursor in one transaction.
type Batch struct {
	Items     []Item
	Deletions []Deletion
	Profile   *Profile
	// Cursor is the position after this batch; nil keeps the previous cursor.
	Cursor Cursor
	// More asks the agent to call Poll again right away (a streamed backfill).
	More   bool
	Budget Budget
}
