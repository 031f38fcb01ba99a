// Package instagram is Vigía's connector for Instagram professional accounts
// (business and creator) through the Instagram Platform of Meta's Graph API.
// It polls one institutional account and returns, incrementally, its media,
// the comments and replies under its recent media (the account's own answers
// among them, and the hidden flag in each payload), caption and comment
// edits, deletions and the profile.
//
// # Calls of one poll
//
//  1. GET /{ig-user-id}?fields=id,username,name,biography,
//     profile_picture_url,website,followers_count,media_count: the profile
//     ("me" when the account has no ExternalID, which works only on
//     graph.instagram.com).
//  2. GET /{ig-user-id}/media?fields=id,caption,media_type,
//     media_product_type,permalink,timestamp,username,media_url,
//     comments_count: newest first, followed with the after cursor until a
//     media older than both the window (WindowAge) and the newest media seen.
//     New media are those created after the cursor's mark (newest creation
//     second and the ids of that second); Meta's paging cursors are never
//     stored. A window media whose caption hash changed is an edit; a window
//     media missing from the listing is a deletion.
//  3. GET /{ig-media-id}/comments?fields=id,text,timestamp,username,from,
//     hidden,like_count,replies.limit(n){…} for every media of the window
//     (the newest WindowPosts media younger than WindowAge): the top-level
//     comments, each with its first replies nested.
//  4. GET /{ig-comment-id}/replies?fields=id,text,timestamp,username,from,
//     hidden,like_count,parent_id for a comment whose nested replies have a
//     next page: all its replies.
//
// New comments and replies are returned; a changed text hash is an edit
// (EditedAt = the poll's time: Graph gives no edit time); a known one
// missing is a deletion, except the replies of a deleted comment, which
// Instagram removes with it (only the comment is reported).
//
// A poll with nothing new makes 2 + (window media) calls, plus
// one per comment with more replies than a page.
//
//  5. With Config.Tagged, GET /{ig-user-id}/tags?fields=id,caption,
//     media_type,permalink,timestamp,username: media of others tagging the
//     account, as KindMention (AuthorID empty: Graph returns the owner's
//     username only), newer than their own mark.
//
// # Items
//
// Media are KindPost; top-level comments KindComment (parent and root the
// media); replies KindReply with the top-level comment as parent: Instagram
// has one reply level, and a reply to a reply is attached to the top-level
// comment. Own is from.id == the IG user id (or, without from, username ==
// the account's username). AuthorHandle is the Instagram username;
// AuthorName is empty for people (Instagram exposes no display name of
// commenters) and the profile's name on own items. Item.Raw is the Graph
// object as received, with "hidden" for comments the account hid.
//
// # Errors
//
// As for every Graph connector (package graph): code 190 is
// connectors.ErrAuth; 4, 17, 32, 613, 80001 and 80002 a
// *connectors.RateLimitError whose Reset is the usage headers'
// estimated_time_to_regain_access, else connectors.RateLimitFallback; 100
// with subcode 33 and 803 connectors.ErrNotFound. When X-App-Usage or
// X-Business-Use-Case-Usage report a usage at or above UsageBackoff, the poll
// stops calling and returns a *connectors.RateLimitError.
package instagram

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/internal/graph"
)

// Network is the network's name in configurations.
const Network = "instagram"

// Connector polls Instagram professional accounts. It is safe for
// concurrent use: each account's state lives in its cursor.
type Connector struct {
	graph.Base
	tagged bool
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
	return &Connector{Base: b, tagged: cfg.Tagged}, nil
}

// NewFactory returns the factory for `network: instagram`: it decodes the
// networks.instagram section over DefaultConfig and calls New.
func NewFactory() connectors.Factory {
	return graph.Factory(Network, DefaultConfig, func(cfg Config, deps connectors.Deps) (connectors.Connector, error) {
		return New(cfg, deps)
	})
}

// Network returns Network.
func (c *Connector) Network() string { return Network }

// session opens a Graph session for acct with its access token.
func (c *Connector) session(ctx context.Context, acct connectors.Account) (*session, error) {
	gs, err := c.Graph.Session(ctx, acct, CredentialToken)
	if err != nil {
		return nil, err
	}
	return &session{Session: gs, c: c}, nil
}

// Probe checks the token by reading the profile.
func (c *Connector) Probe(ctx context.Context, acct connectors.Account) error {
	s, err := c.session(ctx, acct)
	if err != nil {
		return err
	}
	a, _, err := s.account(graph.NodeRef(acct))
	if err != nil {
		return err
	}
	return graph.CheckOwner(Network, "get user", acct, a.ID)
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
	c     *Connector
	s     *session
	cs    *cursor
	acct  *account
	now   time.Time
	since time.Time // the window's start
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
	a, raw, err := s.account(graph.NodeRef(acct))
	if err != nil {
		return connectors.Batch{}, err
	}
	if err := graph.CheckOwner(Network, "get user", acct, a.ID); err != nil {
		return connectors.Batch{}, err
	}
	if cs.User != "" && cs.User != a.ID {
		c.Log.LogAttrs(ctx, slog.LevelWarn, "cursor of another account; starting over", slog.String("account", acct.ID))
		cs = &cursor{V: cursorVersion}
	}
	cs.User = a.ID
	now := c.Now()
	p := &poller{c: c, s: s, cs: cs, acct: a, now: now, since: now.Add(-c.Settings.WindowAge)}
	p.Collector.Now = now
	if err := p.ownMedia(); err != nil {
		return connectors.Batch{}, err
	}
	if c.tagged {
		if err := p.tagged(); err != nil {
			return connectors.Batch{}, err
		}
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
		Profile:   a.profile(raw),
		Cursor:    cs.encode(),
		Budget:    s.Budget(),
	}, nil
}

// ownMedia reads the account's media: new ones, caption edits and deletions
// of the window.
func (p *poller) ownMedia() error {
	stop := p.since
	if m := p.cs.Media.Time; m != 0 && time.Unix(m, 0).Before(stop) {
		stop = time.Unix(m, 0) // after an outage longer than the window
	}
	ms, complete, err := graph.ReadNewest(p.c.Settings.MaxPages, stop, func(m *media) time.Time { return m.created },
		func(after string) ([]*media, graph.Paging, error) { return p.s.media(p.acct.ID, "media", after) })
	if err != nil {
		return err
	}
	graph.SyncOwn(&p.Collector, &p.cs.Media, &p.cs.Window, p.since, ms, complete,
		func(m *media) (string, time.Time, string) { return m.ID, m.created, m.Caption },
		func(m *media, edit bool) connectors.Item {
			if edit {
				return p.mediaItem(m, p.now) // Graph gives captions no edit time
			}
			return p.mediaItem(m, time.Time{})
		})
	return nil
}

// tagged reads the media of others that tag the account, as mentions newer
// than their mark (on the first poll, the window's). Their edits and
// deletions are not followed.
func (p *poller) tagged() error {
	stop := p.since
	if m := p.cs.Tagged.Time; m != 0 {
		stop = time.Unix(m, 0)
	}
	ms, complete, err := graph.ReadNewest(p.c.Settings.MaxPages, stop, func(m *media) time.Time { return m.created },
		func(after string) ([]*media, graph.Paging, error) { return p.s.media(p.acct.ID, "tags", after) })
	if err != nil {
		return err
	}
	newMark := p.cs.Tagged
	for _, m := range ms {
		if p.cs.Tagged.Seen(m.created, m.ID) || m.created.Before(p.since) && p.cs.Tagged.Time == 0 {
			continue
		}
		newMark.Advance(m.created, m.ID)
		if m.Username == p.acct.Username {
			continue // the account tagging itself
		}
		it := p.mediaItem(m, time.Time{})
		it.Kind, it.Own, it.AuthorID, it.AuthorHandle, it.AuthorName = connectors.KindMention, false, "", m.Username, ""
		p.Emit(it)
	}
	if complete {
		p.cs.Tagged = newMark
	}
	return nil
}

// recheck reads every comment and reply under a window media. It does not
// trust comments_count to skip a media: whether that count includes the
// comments the account hid is not documented.
func (p *poller) recheck(w *graph.WindowPost) error {
	seen := map[string]bool{}
	var more []string // comments whose replies are read from their edge
	complete, err := graph.ReadAll(p.c.Settings.MaxPages, func(after string) ([]*comment, graph.Paging, error) {
		return p.s.comments(w.ID, after)
	}, func(cm *comment) {
		seen[cm.ID] = true
		p.note(w, cm, "")
		if cm.moreReplies {
			more = append(more, cm.ID)
			return
		}
		for _, r := range cm.replies {
			seen[r.ID] = true
			p.note(w, r, cm.ID)
		}
	})
	if err != nil {
		return err
	}
	for _, id := range more {
		ok, err := graph.ReadAll(p.c.Settings.MaxPages, func(after string) ([]*comment, graph.Paging, error) {
			return p.s.replies(id, after)
		}, func(r *comment) {
			seen[r.ID] = true
			p.note(w, r, id)
		})
		if err != nil {
			return err
		}
		complete = complete && ok
	}
	if complete {
		p.Gone(w, seen)
	}
	return nil
}

// note returns a comment (parent empty) or a reply to the top-level comment
// parent when it is new or its text changed.
func (p *poller) note(w *graph.WindowPost, cm *comment, parent string) {
	p.Note(w, cm.ID, cm.Text, parent, func(edited time.Time) connectors.Item {
		return p.commentItem(cm, w.ID, parent, edited)
	})
}

// mediaItem renders an own media.
func (p *poller) mediaItem(m *media, edited time.Time) connectors.Item {
	it := connectors.Item{
		ExternalID:   m.ID,
		Kind:         connectors.KindPost,
		AuthorID:     p.acct.ID,
		AuthorHandle: p.acct.Username,
		AuthorName:   p.acct.Name,
		Own:          true,
		Text:         graph.Text(m.Caption),
		CreatedAt:    m.created,
		EditedAt:     edited,
		URL:          m.Permalink,
		Raw:          m.raw,
	}
	if m.MediaType != "" {
		it.Media = []connectors.Media{{Type: strings.ToLower(m.MediaType), URL: m.MediaURL}}
	}
	return it
}

// commentItem renders a comment under the media root, or a reply to the
// top-level comment parent.
func (p *poller) commentItem(cm *comment, root, parent string, edited time.Time) connectors.Item {
	it := connectors.Item{
		ExternalID: cm.ID,
		Kind:       connectors.KindComment,
		ParentID:   root,
		RootID:     root,
		Text:       graph.Text(cm.Text),
		CreatedAt:  cm.created,
		EditedAt:   edited,
		Raw:        cm.raw,
	}
	if parent != "" {
		it.Kind = connectors.KindReply
		it.ParentID = parent
	}
	handle := cm.Username
	if cm.From != nil && cm.From.Username != "" {
		handle = cm.From.Username
	}
	switch {
	case cm.From != nil && cm.From.ID == p.acct.ID, cm.From == nil && handle != "" && handle == p.acct.Username:
		it.Own = true
		it.AuthorID = p.acct.ID
		it.AuthorHandle = p.acct.Username
		it.AuthorName = p.acct.Name
	case cm.From != nil:
		it.AuthorID = cm.From.ID
		it.AuthorHandle = handle
	default:
		it.AuthorHandle = handle
	}
	return it
}

// profile renders the account's profile. The Graph API exposes no verified
// badge of Instagram accounts: Verified is always false. AvatarURL is
// profile_picture_url without its query: the CDN signs the URL with
// parameters that change while the picture stays the same, and a changed
// avatar must mean a changed picture (the signed URL stays in Raw).
func (a *account) profile(raw []byte) *connectors.Profile {
	return &connectors.Profile{
		ExternalID:  a.ID,
		Handle:      a.Username,
		DisplayName: a.Name,
		Bio:         a.Biography,
		AvatarURL:   unsigned(a.ProfilePictureURL),
		Link:        a.Website,
		Followers:   a.FollowersCount,
		Raw:         raw,
	}
}

// unsigned drops the query and fragment of a CDN URL.
func unsigned(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return raw
	}
	u.RawQuery, u.Fragment, u.RawFragment = "", "", ""
	return u.String()
}
