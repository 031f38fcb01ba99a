// Package bluesky is the connector for Bluesky (the AT Protocol): it polls one
// institutional account's author feed, the threads under its recent posts and
// its notifications, and returns them as network-neutral items.
//
// # Endpoints
//
// Public reads go to the AppView (Config.AppView, https://public.api.bsky.app
// by default) without credentials: app.bsky.feed.getAuthorFeed
// (filter=posts_with_replies: the account's posts and replies),
// app.bsky.feed.getPosts (re-checks the window of recent own posts in one call
// per 25), app.bsky.feed.getPostThread (the replies under a window post) and
// app.bsky.actor.getProfile. The account's session is needed only for
// app.bsky.notification.listNotifications (mentions, replies and quotes),
// which goes to the PDS (Config.Service, https://bsky.social by default); when
// AppView is set to the same URL as Service, every read goes there with the
// session.
//
// # Session
//
// The connector logs in with an app password (com.atproto.server.createSession)
// once per account and keeps the session in memory, never in the cursor. An
// access token about to expire, or answered with ExpiredToken, is renewed with
// com.atproto.server.refreshSession; only a rejected refresh logs in again.
// After createSession rejects the credentials, no new login is tried with the
// same credentials for five minutes, since logins are limited to 30 per five
// minutes and 300 per day.
//
// # Incremental reads
//
// Neither the feed nor the notifications take a "since" parameter: the
// connector reads them newest first until it reaches what it has seen, keeping
// in the cursor the newest sort time read and the posts delivered in the
// overlap (15 minutes) below it, so posts indexed late are not skipped. A long
// backfill is read PagesPerPoll pages at a time, with More set.
//
// Notifications (mentions, replies, quotes) carry the record but not the
// post's view, so their posts are read with getPosts before delivery; late
// replies to old posts arrive this way however old the post is.
//
// The window is the recent own posts (Config.WindowPosts, Config.WindowAge)
// and the replies known under them. Every poll reads the window's posts again
// with getPosts, and as many of the replies, in turn, as Config.RecheckCalls
// calls of 25 leave room for: a changed CID is an edit (the post is delivered
// again with its new text), an absent post is a deletion, and a reply count
// other than expected has the thread read with getPostThread, as has a post
// entering the window. Config.ThreadRechecks re-reads that many more threads
// per poll in turn. Bluesky has no edit timestamp: when a record is updated the AppView
// indexes it again, so a post whose indexedAt lies more than ten minutes after
// its createdAt is reported with EditedAt = indexedAt.
//
// Items use AT URIs as external ids. The account's own items are those whose
// author DID is the session's DID.
package bluesky

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Network is the name of the network in configurations.
const Network = "bluesky"

// Connector polls Bluesky accounts. One Connector serves every account of the
// network; it keeps only the accounts' sessions, each guarded by its own lock.
type Connector struct {
	cfg  Config
	http *connectors.HTTPClient
	log  *slog.Logger
	now  func() time.Time

	sessions sessions
}

var (
	_ connectors.Connector = (*Connector)(nil)
	_ connectors.Prober    = (*Connector)(nil)
)

// New returns a connector for cfg, whose zero fields take their defaults.
func New(cfg Config, deps connectors.Deps) (*Connector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if deps.HTTP == nil {
		return nil, fmt.Errorf("%s: new: no HTTP client", Network)
	}
	c := &Connector{cfg: cfg.withDefaults(), http: deps.HTTP, log: deps.Logger, now: deps.Now}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c, nil
}

// NewFactory returns the factory for `network: bluesky`: it decodes Config
// over DefaultConfig and calls New.
func NewFactory() connectors.Factory {
	return func(decode func(v any) error, deps connectors.Deps) (connectors.Connector, error) {
		cfg := DefaultConfig()
		if err := decode(&cfg); err != nil {
			return nil, fmt.Errorf("%s: config: %w", Network, err)
		}
		return New(cfg, deps)
	}
}

// Config returns the connector's configuration with its defaults filled in.
func (c *Connector) Config() Config { return c.cfg }

// Network returns Network.
func (c *Connector) Network() string { return Network }

// Probe logs in (or reuses the session) and reads the account's profile.
func (c *Connector) Probe(ctx context.Context, acct connectors.Account) error {
	p, err := c.start(ctx, acct)
	if err != nil {
		return err
	}
	_, err = p.profile(ctx)
	return err
}

// Poll reads what is new for acct since cur: the account's posts and replies,
// the replies under its recent posts, its mentions and quotes, edits and
// deletions in the window, and its profile. Any failed call fails the whole
// poll, so the cursor never moves past something unread.
func (c *Connector) Poll(ctx context.Context, acct connectors.Account, cur connectors.Cursor) (connectors.Batch, error) {
	st, err := decodeCursor(cur)
	if err != nil {
		return connectors.Batch{}, err
	}
	// The poll counts its own requests (retries included) for Budget.Calls.
	var calls connectors.CallCounter
	ctx = connectors.WithCallCounter(ctx, &calls)
	p, err := c.start(ctx, acct)
	if err != nil {
		return connectors.Batch{}, err
	}
	b, err := p.run(ctx, st)
	if err != nil {
		return connectors.Batch{}, err
	}
	b.Budget.Calls = calls.Load()
	return b, nil
}

// start opens a poll: it checks the credentials and gets the session.
func (c *Connector) start(ctx context.Context, acct connectors.Account) (*poller, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s: poll: %w", Network, err)
	}
	cr, err := c.credsFor(acct)
	if err != nil {
		return nil, err
	}
	p := &poller{
		c: c, acct: acct, cr: cr, sess: c.sessions.get(acct.ID), now: c.now(),
		meter: &meter{remaining: -1, now: c.now},
	}
	g, err := p.sess.use(ctx, c, p.meter, cr)
	if err != nil {
		return nil, err
	}
	if err := p.adopt(g); err != nil {
		return nil, err
	}
	return p, nil
}

// meter keeps what one poll learns of the rate limits.
type meter struct {
	now       func() time.Time
	remaining int
	reset     time.Time
	items     int
}

// observe reads a response's RateLimit-* headers, keeping the scarcest.
func (m *meter) observe(resp *connectors.Response) {
	if m == nil || resp == nil {
		return
	}
	rl, ok := connectors.ParseRateLimit(resp.Header, m.now())
	if !ok || rl.Remaining < 0 {
		return
	}
	if m.remaining < 0 || rl.Remaining < m.remaining {
		m.remaining, m.reset = rl.Remaining, rl.Reset
	}
}

// budget reports the meter in the contract's terms; Poll fills in the number
// of calls.
func (m *meter) budget() connectors.Budget {
	return connectors.Budget{Items: m.items, Remaining: m.remaining, Reset: m.reset}
}

// get calls an XRPC query and returns the body of a 2xx answer. With auth the
// call carries the session, and an expired or rejected session is renewed and
// the call made once more.
func (p *poller) get(ctx context.Context, op, base, nsid string, q url.Values, auth bool) ([]byte, error) {
	u := xrpcURL(base, nsid, q)
	var h http.Header
	if auth {
		h = bearer(p.grant.token)
	}
	resp, err := p.c.http.Get(ctx, u, h)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", Network, op, err)
	}
	p.meter.observe(resp)
	err = xrpcStatusError(op, resp, p.c.now())
	if auth && err != nil && (errors.Is(err, errExpiredToken) || errors.Is(err, errInvalidToken)) {
		g, rerr := p.sess.renewAfter(ctx, p.c, p.meter, p.cr, p.grant, err)
		if rerr != nil {
			return nil, rerr
		}
		if err := p.adopt(g); err != nil {
			return nil, err
		}
		resp, err = p.c.http.Get(ctx, u, bearer(g.token))
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", Network, op, err)
		}
		p.meter.observe(resp)
		err = xrpcStatusError(op, resp, p.c.now())
	}
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// read calls a public query on the AppView, with the session when the AppView
// is the PDS.
func (p *poller) read(ctx context.Context, op, nsid string, q url.Values) ([]byte, error) {
	cfg := p.c.cfg
	return p.get(ctx, op, cfg.AppView, nsid, q, cfg.AppView == cfg.Service)
}

// adopt takes a session grant, checking that it is the configured account.
func (p *poller) adopt(g grant) error {
	if id := p.acct.ExternalID; isDID(id) && g.did != id {
		return fmt.Errorf("%s: login: the session is for %s, the account is configured as %s: %w", Network, g.did, id, connectors.ErrAuth)
	}
	p.grant = g
	return nil
}
