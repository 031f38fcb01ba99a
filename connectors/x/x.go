// Package x is the connector for X (formerly Twitter), over the X API v2.
//
// For each institutional account it reads, incrementally and with since_id
// everywhere, since X bills every post a read returns:
//
//   - the account's own posts and replies: GET /2/users/:id/tweets;
//   - its mentions: GET /2/users/:id/mentions (X keeps the newest 800);
//   - the replies under its recent own posts (the window): GET
//     /2/tweets/search/recent with query conversation_id:<id> OR …, several
//     conversations per query within the plan's query length, and only within
//     recent search's reach of seven days;
//   - deletions, by re-checking the window's posts and their newest replies
//     with GET /2/tweets?ids=: a resource-not-found partial error is a
//     Deletion;
//   - the profile: GET /2/users/:id, or /2/users/by/username/:handle when the
//     account's user id is not configured (it is then kept in the cursor).
//
// An edit creates a new post id on X; every version maps to the first id of
// edit_history_tweet_ids, the item's external id, so versions accumulate in
// the archive. Kinds follow the thread: an own post is a post; a reply whose
// parent is its conversation's root is a comment; a reply deeper down is a
// reply; a post by others that mentions the account outside its
// conversations is a mention.
//
// The cursor is versioned JSON holding each stream's since_id, the paging in
// progress, the window and the replies tracked for deletions, and the edit
// histories of recently edited items. Paging streams one page per stream per
// poll with Batch.More set (the own posts first: the other streams wait until
// their paging ends), and a stream's since_id moves to the first page's
// meta.newest_id only with its last page. Any failure fails the whole poll.
package x

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Network is the name of the network in configurations.
const Network = "x"

// CredentialToken is the name of the account's credential: an OAuth 2.0
// app-only Bearer token or an OAuth 2.0 user access token.
const CredentialToken = "bearer_token"

// Connector polls X accounts. It keeps no per-account state outside the
// cursor and is safe for concurrent use.
type Connector struct {
	cfg  Config
	base string
	http *connectors.HTTPClient
	log  *slog.Logger
	now  func() time.Time
}

var (
	_ connectors.Connector = (*Connector)(nil)
	_ connectors.Prober    = (*Connector)(nil)
)

// New returns a connector for cfg; zero fields of cfg take their defaults.
// deps.HTTP is required; a nil deps.Now means time.Now.
func New(cfg Config, deps connectors.Deps) (*Connector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if deps.HTTP == nil {
		return nil, fmt.Errorf("x: new: no HTTP client")
	}
	cfg = cfg.withDefaults()
	c := &Connector{
		cfg:  cfg,
		base: strings.TrimSuffix(cfg.BaseURL, "/"),
		http: deps.HTTP,
		log:  deps.Logger,
		now:  deps.Now,
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c, nil
}

// NewFactory returns the factory for `network: x`: it decodes the
// `networks.x` section over DefaultConfig and calls New.
func NewFactory() connectors.Factory {
	return func(decode func(v any) error, deps connectors.Deps) (connectors.Connector, error) {
		cfg := DefaultConfig()
		if err := decode(&cfg); err != nil {
			return nil, fmt.Errorf("x: config: %w", err)
		}
		return New(cfg, deps)
	}
}

// Network returns "x".
func (c *Connector) Network() string { return Network }

// Config returns the effective configuration, defaults applied.
func (c *Connector) Config() Config { return c.cfg }

// Probe checks the token and the account with one profile lookup.
func (c *Connector) Probe(ctx context.Context, acct connectors.Account) error {
	p, err := c.newPoller(acct, nil)
	if err != nil {
		return err
	}
	return p.profile(ctx) // a fresh cursor: the profile is due

}

// usernameRe is X's username syntax (spec: /2/users/by/username/{username}).
var usernameRe = regexp.MustCompile(`^[A-Za-z0-9_]{1,15}$`)

// newPoller prepares one poll of acct from cur.
func (c *Connector) newPoller(acct connectors.Account, cur connectors.Cursor) (*poller, error) {
	tok := acct.Credentials[CredentialToken]
	if tok.IsZero() {
		return nil, fmt.Errorf("x: account %s: no %s credential: %w", acct.ID, CredentialToken, connectors.ErrAuth)
	}
	if acct.ExternalID != "" && !validID(acct.ExternalID) {
		return nil, fmt.Errorf("x: account %s: external_id %q is not an X user id: %w", acct.ID, clip(acct.ExternalID, 40), connectors.ErrNotFound)
	}
	handle := strings.TrimPrefix(acct.Handle, "@")
	if acct.ExternalID == "" && !usernameRe.MatchString(handle) {
		return nil, fmt.Errorf("x: account %s: handle %q is not an X username and no external_id is set: %w", acct.ID, clip(acct.Handle, 40), connectors.ErrNotFound)
	}
	st, err := decodeCursor(cur)
	if err != nil {
		return nil, err
	}
	uid := acct.ExternalID
	switch {
	case uid != "" && st.UID != "" && st.UID != uid:
		// The configured user id changed: the old positions belong to
		// another account.
		st = &state{V: cursorVersion}
	case uid == "":
		uid = st.UID
	}
	return &poller{
		c: c, acct: acct, handle: handle, token: tok.Reveal(), uid: uid,
		now: c.now(), st: st,
		b:        connectors.Batch{Budget: connectors.Budget{Remaining: -1}},
		index:    map[string]int{},
		versions: map[string]string{},
	}, nil
}

// Poll reads what is new for acct since cur: the profile when due, one page
// of each of the own timeline, the mentions and the replies search, and, when
// due, the deletion re-check of the window. More is set while a paging is in
// progress. When a step fails after others succeeded, what they read is
// returned with More set, and the failing step runs first on the next call.
func (c *Connector) Poll(ctx context.Context, acct connectors.Account, cur connectors.Cursor) (connectors.Batch, error) {
	p, err := c.newPoller(acct, cur)
	if err != nil {
		return connectors.Batch{}, err
	}
	return p.run(ctx)
}

// url returns the URL of an API path with its query.
func (c *Connector) url(path string, q url.Values) string {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}
