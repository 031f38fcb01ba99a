// Package facebook is Vigía's connector for Facebook Pages through the Graph
// API. It polls one institutional Page with a Page access token and returns,
// incrementally, the Page's published posts, the comments and replies under
// its recent posts (the Page's own answers among them), the posts that tag
// the Page, edits, deletions and the profile.
//
// # Calls of one poll
//
//  1. GET /{page-id}?fields=id,name,username,about,link,picture,
//     verification_status,followers_count: the profile, and the Page id
//     ("me" when the account has no ExternalID).
//  2. GET /{page-id}/published_posts?fields=id,message,created_time,
//     updated_time,permalink_url,from: newest first, followed with the
//     after cursor until a post older than both the window (WindowAge) and
//     the newest post seen. New posts are those created after the cursor's
//     mark (newest creation second and the ids of that second); Meta's paging
//     cursors are never stored. A window post whose message hash changed is
//     an edit (EditedAt = updated_time); a window post missing from the
//     listing is a deletion.
//  3. GET /{page-id}/tagged: posts by others tagging the Page, as mentions,
//     newer than their own mark.
//  4. GET /{post-id}/comments?filter=stream&order=chronological for every
//     post of the window (the newest WindowPosts own posts younger than
//     WindowAge): every comment and reply, flat, with parent. New ones are
//     returned; a changed message hash is an edit (EditedAt = the poll's
//     time: Graph gives comments no edit time); a known one missing is a
//     deletion.
//
// A poll with nothing new makes 3 + len(window) calls.
//
// # Items
//
// Posts are KindPost; comments without parent are KindComment (parent and
// root the post), comments with parent KindReply (parent the comment
// answered, root the post). Own is from.id == the Page id. AuthorHandle is
// the Page's username on own items and empty on others' (Graph does not
// expose people's usernames). Item.Raw is the Graph object as received.
//
// # Errors
//
// Graph reports failures in an error body, usually with HTTP 400 or 403: code
// 190 is connectors.ErrAuth; 4, 17, 32, 613, 80001 and 80002 are a
// *connectors.RateLimitError whose Reset is the usage headers'
// estimated_time_to_regain_access, else connectors.RateLimitFallback; 100
// with subcode 33 and 803 are connectors.ErrNotFound. Other statuses map
// through connectors.StatusError. When X-App-Usage or
// X-Business-Use-Case-Usage report a usage at or above UsageBackoff, the
// poll stops calling and returns a *connectors.RateLimitError.
package facebook

import (
	"context"
	"log/slog"
	"net/url"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/internal/graph"
)

// Network is the network's name in configurations.
const Network = "facebook"

// Connector polls Facebook Pages. It is safe for concurrent use: each
// account's state lives in its cursor.
type Connector struct {
	graph.Base
}

var (
	_ connectors.Connector = (*Connector)(nil)
	_ connectors.Prober    = (*Connector)(nil)
)

// New returns a connector for cfg; zero fields take their defaults.
func New(cfg Config, deps connectors.Deps) (*Connector, error) {
	b, err := graph.NewBase(Network, cfg.Settings, deps)
	if err != nil {
		return nil, err
	}
	return &Connector{Base: b}, nil
}

// NewFactory returns the factory for `network: facebook`: it decodes the
// networks.facebook section over DefaultConfig and calls New.
func NewFactory() connectors.Factory {
	return graph.Factory(Network, DefaultConfig, func(cfg Config, deps connectors.Deps) (connectors.Connector, error) {
		return New(cfg, deps)
	})
}

// Network returns Network.
func (c *Connector) Network() string { return Network }

// Probe checks the token by reading the Page.
func (c *Connector) Probe(ctx context.Context, acct connectors.Account) error {
	s, err := c.session(ctx, acct)
	if err != nil {
		return err
	}
	p, _, err := s.page(graph.NodeRef(acct))
	if err != nil {
		return err
	}
	return graph.CheckOwner(Network, "get page", acct, p.ID)
}

// session opens a Graph session for acct with its Page token.
func (c *Connector) session(ctx context.Context, acct connectors.Account) (*session, error) {
	gs, err := c.Graph.Session(ctx, acct, CredentialToken)
	if err != nil {
		return nil, err
	}
	return &session{Session: gs, c: c}, nil
}

// Poll fetches what is new for acct since cur; see the package documentation.
// A failed poll returns an empty Batch.
func (c *Connector) Poll(ctx context.Context, acct connectors.Account, cur connectors.Cursor) (connectors.Batch, error) {
	b, err := c.poll(ctx, acct, cur)
	if err != nil {
		return connectors.Batch{}, err
	}
	return b, nil
}

// poller is the state of one poll.
type poller struct {
	c      *Connector
	s      *session
	cs     *cursor
	pageID string
	handle string
	now    time.Time
	since  time.Time // the window's start

	graph.Collector
}

func (c *Connector) poll(ctx context.Context, acct connectors.Account, cur connectors.Cursor) (connectors.Batch, error) {
	s, err := c.session(ctx, acct)
	if err != nil {
		return connectors.Batch{}, err
	}
	cs, err := decodeCursor(cur)
	if err != nil {
		c.Log.LogAttrs(ctx, slog.LevelWarn, "unreadable cursor; starting over",
			slog.String("account", acct.ID), slog.Any("error", err))
		cs = &cursor{V: cursorVersion}
	}
	pg, raw, err := s.page(graph.NodeRef(acct))
	if err != nil {
		return connectors.Batch{}, err
	}
	if err := graph.CheckOwner(Network, "get page", acct, pg.ID); err != nil {
		return connectors.Batch{}, err
	}
	if cs.Page != "" && cs.Page != pg.ID {
		c.Log.LogAttrs(ctx, slog.LevelWarn, "cursor of another Page; starting over", slog.String("account", acct.ID))
		cs = &cursor{V: cursorVersion}
	}
	cs.Page = pg.ID
	now := c.Now()
	p := &poller{
		c: c, s: s, cs: cs, pageID: pg.ID, handle: pg.Username,
		now: now, since: now.Add(-c.Settings.WindowAge),
	}
	p.Collector.Now = now
	if err := p.ownPosts(); err != nil {
		return connectors.Batch{}, err
	}
	if err := p.tagged(); err != nil {
		return connectors.Batch{}, err
	}
	cs.Window.Trim(c.Settings.WindowPosts, p.since)
	for _, w := range cs.Window {
		if err := p.recheck(w); err != nil {
			return connectors.Batch{}, err
		}
	}
	return connectors.Batch{
		Items:     p.Items,
		Deletions: p.Deletions,
		Profile:   pg.profile(raw),
		Cursor:    cs.encode(),
		Budget:    s.Budget(),
	}, nil
}

// readPosts reads an edge of posts newest first until a post created before
// stop; complete is false when MaxPages ran out first.
func (p *poller) readPosts(op, path string, stop time.Time) (all []*post, complete bool, err error) {
	return graph.ReadNewest(p.c.Settings.MaxPages, stop, func(x *post) time.Time { return x.created },
		func(after string) ([]*post, graph.Paging, error) { return p.s.posts(op, path, after) })
}

// ownPosts reads the Page's published posts: new ones, edits and deletions
// of the window.
func (p *poller) ownPosts() error {
	stop := p.since
	if m := p.cs.Posts.Time; m != 0 && time.Unix(m, 0).Before(stop) {
		stop = time.Unix(m, 0) // after an outage longer than the window
	}
	ps, complete, err := p.readPosts("list published posts", "/"+url.PathEscape(p.pageID)+"/published_posts", stop)
	if err != nil {
		return err
	}
	graph.SyncOwn(&p.Collector, &p.cs.Posts, &p.cs.Window, p.since, ps, complete,
		func(x *post) (string, time.Time, string) { return x.ID, x.created, x.Message },
		func(x *post, edit bool) connectors.Item {
			var edited time.Time
			switch {
			case x.updated.After(x.created):
				edited = x.updated
			case edit:
				edited = p.now
			}
			return p.postItem(x, connectors.KindPost, edited)
		})
	return nil
}

// tagged reads the posts of others that tag the Page.
func (p *poller) tagged() error {
	stop := p.since
	if m := p.cs.Tagged.Time; m != 0 {
		stop = time.Unix(m, 0)
	}
	ps, complete, err := p.readPosts("list tagged posts", "/"+url.PathEscape(p.pageID)+"/tagged", stop)
	if err != nil {
		return err
	}
	newMark := p.cs.Tagged
	for _, x := range ps {
		if p.cs.Tagged.Seen(x.created, x.ID) || x.created.Before(p.since) && p.cs.Tagged.Time == 0 {
			continue
		}
		newMark.Advance(x.created, x.ID)
		if x.From != nil && x.From.ID == p.pageID {
			continue
		}
		var edited time.Time
		if x.updated.After(x.created) {
			edited = x.updated
		}
		p.Emit(p.postItem(x, connectors.KindMention, edited))
	}
	if complete {
		p.cs.Tagged = newMark
	}
	return nil
}

// recheck reads every comment and reply under a window post.
func (p *poller) recheck(w *graph.WindowPost) error {
	seen := map[string]bool{}
	complete, err := graph.ReadAll(p.c.Settings.MaxPages, func(after string) ([]*comment, graph.Paging, error) {
		return p.s.comments(w.ID, after)
	}, func(cm *comment) {
		seen[cm.ID] = true
		p.Note(w, cm.ID, cm.Message, "", func(edited time.Time) connectors.Item { return p.commentItem(cm, w.ID, edited) })
	})
	if err != nil {
		return err
	}
	if complete {
		p.Gone(w, seen)
	}
	return nil
}

// postItem renders a post.
func (p *poller) postItem(x *post, kind connectors.Kind, edited time.Time) connectors.Item {
	it := connectors.Item{
		ExternalID: x.ID,
		Kind:       kind,
		Text:       graph.Text(x.Message),
		CreatedAt:  x.created,
		EditedAt:   edited,
		URL:        x.PermalinkURL,
		Raw:        x.raw,
	}
	p.author(&it, x.From, kind == connectors.KindPost)
	return it
}

// commentItem renders a comment or reply under the window post root.
func (p *poller) commentItem(cm *comment, root string, edited time.Time) connectors.Item {
	it := connectors.Item{
		ExternalID: cm.ID,
		Kind:       connectors.KindComment,
		ParentID:   root,
		RootID:     root,
		Text:       graph.Text(cm.Message),
		CreatedAt:  cm.created,
		EditedAt:   edited,
		URL:        cm.PermalinkURL,
		Raw:        cm.raw,
	}
	if cm.Parent != nil && cm.Parent.ID != root {
		it.Kind = connectors.KindReply
		it.ParentID = cm.Parent.ID
	}
	p.author(&it, cm.From, false)
	return it
}

// author fills the author fields; own is assumed when from is missing on an
// edge that lists only the Page's posts.
func (p *poller) author(it *connectors.Item, from *object, ownEdge bool) {
	switch {
	case from != nil && from.ID == p.pageID, from == nil && ownEdge:
		it.Own = true
		it.AuthorID = p.pageID
		it.AuthorHandle = p.handle
		if from != nil {
			it.AuthorName = from.Name
		}
	case from != nil:
		it.AuthorID = from.ID
		it.AuthorName = from.Name
	}
}

// profile renders the Page's profile.
func (pg *page) profile(raw []byte) *connectors.Profile {
	pr := &connectors.Profile{
		ExternalID:  pg.ID,
		Handle:      pg.Username,
		DisplayName: pg.Name,
		Bio:         pg.About,
		Link:        pg.Link,
		Verified:    pg.VerificationStatus == "blue_verified" || pg.VerificationStatus == "gray_verified" || pg.VerificationStatus == "verified",
		Followers:   pg.FollowersCount,
		Raw:         raw,
	}
	if pg.Picture != nil {
		pr.AvatarURL = pg.Picture.Data.URL
	}
	return pr
}
