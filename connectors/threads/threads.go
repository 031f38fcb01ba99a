// Package threads is Vigía's connector for Threads (Meta) through the
// Threads API (graph.threads.net). It polls one institutional Threads profile
// with the profile's own user access token and returns, incrementally, the
// profile's threads, every reply under its recent threads (its own answers
// among them, by is_reply_owned_by_me), the public posts that mention it,
// edits, deletions and the profile.
//
// # Calls of one poll
//
//  1. GET /me?fields=id,username,name,threads_profile_picture_url,
//     threads_biography,is_verified: the profile and the user id (the
//     Threads API serves profiles of the token's own user only).
//  2. GET /{user-id}/threads: newest first, followed with the after cursor
//     until a thread older than both the window (WindowAge) and the newest
//     thread seen. New threads are those created after the cursor's mark;
//     Meta's paging cursors are never stored. A window thread whose text
//     hash changed is an edit; one missing from the listing is a deletion.
//  3. GET /{user-id}/mentions: public posts of others that mention the
//     profile, as mentions, newer than their own mark.
//  4. GET /{media-id}/conversation?reverse=false for every thread of the
//     window (the newest WindowPosts own threads younger than WindowAge):
//     every reply at every depth, flat, with root_post and replied_to. New
//     ones are returned; a changed text hash is an edit; a known one
//     missing is a deletion.
//
// A poll with nothing new makes 3 + len(window) calls.
//
// # Items
//
// Threads are KindPost; replies answering the thread itself are
// KindComment (parent and root the thread), replies answering a reply are
// KindReply (parent replied_to.id, root the thread). Own is
// is_reply_owned_by_me (or the reply's username being the profile's).
// The Threads API exposes no id and no display name of other people, only
// their username: AuthorID and AuthorHandle are the username, AuthorName is
// empty. The API gives no edit time either: an edit noticed by a changed
// text carries the poll's time as EditedAt, and an item first seen already
// edited carries none. Item.Raw is the media object as received (with
// hide_status).
//
// # Errors
//
// The Threads API answers failures in Graph's error body: code 190 is
// connectors.ErrAuth; 4, 17, 32, 613, 80001 and 80002 are a
// *connectors.RateLimitError whose Reset is the usage headers'
// estimated_time_to_regain_access, else connectors.RateLimitFallback; 100
// with subcode 33 and 803 are connectors.ErrNotFound. Other statuses map
// through connectors.StatusError. When X-App-Usage or
// X-Business-Use-Case-Usage report a usage at or above UsageBackoff, the
// poll stops calling and returns a *connectors.RateLimitError.
package threads

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/internal/graph"
	"github.com/ife-mx/vigia/connectors/window"
)

// Network is the network's name in configurations.
const Network = "threads"

// Connector polls Threads profiles. It is safe for concurrent use: each
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
	b, err := graph.NewBase(Network, cfg.withDefaults().Settings, deps)
	if err != nil {
		return nil, err
	}
	return &Connector{Base: b}, nil
}

// NewFactory returns the factory for `network: threads`: it decodes the
// networks.threads section over DefaultConfig and calls New.
func NewFactory() connectors.Factory {
	return graph.Factory(Network, DefaultConfig, func(cfg Config, deps connectors.Deps) (connectors.Connector, error) {
		return New(cfg, deps)
	})
}

// Network returns Network.
func (c *Connector) Network() string { return Network }

// Probe checks the token by reading the profile.
func (c *Connector) Probe(ctx context.Context, acct connectors.Account) error {
	s, err := c.newSession(ctx, acct)
	if err != nil {
		return err
	}
	u, _, err := s.me()
	if err != nil {
		return err
	}
	return checkOwner(acct, u)
}

// checkOwner fails when the token belongs to another profile.
func checkOwner(acct connectors.Account, u *user) error {
	if acct.ExternalID != "" && acct.ExternalID != u.ID {
		return fmt.Errorf("threads: get profile: the token is of user %s, not %s: %w", u.ID, acct.ExternalID, connectors.ErrAuth)
	}
	return nil
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
	me    *user
	now   time.Time
	since time.Time // the window's start

	out window.Collector
}

func (c *Connector) poll(ctx context.Context, acct connectors.Account, cur connectors.Cursor) (connectors.Batch, error) {
	s, err := c.newSession(ctx, acct)
	if err != nil {
		return connectors.Batch{}, err
	}
	cs, err := decodeCursor(cur)
	if err != nil {
		c.Log.LogAttrs(ctx, slog.LevelWarn, "unreadable cursor; starting over",
			slog.String("account", acct.ID), slog.Any("error", err))
		cs = &cursor{V: cursorVersion}
	}
	me, raw, err := s.me()
	if err != nil {
		return connectors.Batch{}, err
	}
	if err := checkOwner(acct, me); err != nil {
		return connectors.Batch{}, err
	}
	if cs.User != "" && cs.User != me.ID {
		c.Log.LogAttrs(ctx, slog.LevelWarn, "cursor of another user; starting over", slog.String("account", acct.ID))
		cs = &cursor{V: cursorVersion}
	}
	cs.User = me.ID
	now := c.Now()
	p := &poller{
		c: c, s: s, cs: cs, me: me,
		now: now, since: now.Add(-c.Settings.WindowAge),
	}
	if err := p.ownThreads(); err != nil {
		return connectors.Batch{}, err
	}
	if err := p.mentions(); err != nil {
		return connectors.Batch{}, err
	}
	cs.Window = cs.Window.Trim(c.Settings.WindowPosts, p.since)
	for _, w := range cs.Window {
		if err := p.recheck(w); err != nil {
			return connectors.Batch{}, err
		}
	}
	return connectors.Batch{
		Items:     p.out.Items,
		Deletions: p.out.Deletions,
		Profile:   me.profile(raw),
		Cursor:    cs.encode(),
		Budget:    s.Budget(),
	}, nil
}

// readMedia reads an edge newest first until an item created before stop;
// complete is false when MaxPages ran out first.
func (p *poller) readMedia(op, path, fields string, stop time.Time) (all []*media, complete bool, err error) {
	after := ""
	for pages := 0; pages < p.c.Settings.MaxPages; pages++ {
		ms, pg, err := p.s.list(op, path, url.Values{"fields": {fields}}, after)
		if err != nil {
			return nil, false, err
		}
		all = append(all, ms...)
		next, more := pg.more(len(ms), p.c.Settings.PageLimit)
		if !more {
			return all, true, nil
		}
		for _, m := range ms {
			if m.created.Before(stop) {
				return all, true, nil
			}
		}
		if next == after {
			break // a cursor that does not move: stop, the list unfinished
		}
		after = next
	}
	return all, false, nil
}

// ownThreads reads the profile's threads: new ones, edits and deletions of
// the window.
func (p *poller) ownThreads() error {
	stop := p.since
	if m := p.cs.Posts.Time; m != 0 && time.Unix(m, 0).Before(stop) {
		stop = time.Unix(m, 0) // after an outage longer than the window
	}
	ms, complete, err := p.readMedia("list threads", "/"+url.PathEscape(p.me.ID)+"/threads", threadFields, stop)
	if err != nil {
		return err
	}
	listed := make([]window.Listed, len(ms))
	for i, m := range ms {
		listed[i] = window.Listed{ID: m.ID, Created: m.created, Text: m.Text}
	}
	window.Sync(&p.cs.Window, &p.cs.Posts, listed, p.since, complete,
		func(i int, edited bool) {
			var at time.Time
			if edited {
				at = p.now
			}
			p.out.Emit(p.item(ms[i], connectors.KindPost, "", "", at))
		},
		func(id string) { p.out.Deleted(id, p.now) })
	return nil
}

// mentions reads the public posts of others that mention the profile.
func (p *poller) mentions() error {
	stop := p.since
	if m := p.cs.Mentions.Time; m != 0 {
		stop = time.Unix(m, 0)
	}
	ms, complete, err := p.readMedia("list mentions", "/"+url.PathEscape(p.me.ID)+"/mentions", mentionFields, stop)
	if err != nil {
		return err
	}
	newMark := p.cs.Mentions
	for _, m := range ms {
		if p.cs.Mentions.Seen(m.created, m.ID) || m.created.Before(p.since) && p.cs.Mentions.Time == 0 {
			continue
		}
		newMark.Advance(m.created, m.ID)
		if p.own(m) {
			continue
		}
		p.out.Emit(p.item(m, connectors.KindMention, "", "", time.Time{}))
	}
	if complete {
		p.cs.Mentions = newMark
	}
	return nil
}

// recheck reads every reply under a window thread.
func (p *poller) recheck(w *window.Post) error {
	seen := map[string]bool{}
	after := ""
	complete := false
	for pages := 0; pages < p.c.Settings.MaxPages; pages++ {
		q := url.Values{"fields": {conversationFields}, "reverse": {"false"}}
		ms, pg, err := p.s.list("list conversation", "/"+url.PathEscape(w.ID)+"/conversation", q, after)
		if err != nil {
			return err
		}
		for _, m := range ms {
			seen[m.ID] = true
			emit, changed := w.Note(m.ID, m.Text)
			if !emit {
				continue
			}
			var edited time.Time
			if changed {
				edited = p.now
			}
			kind, parent := connectors.KindComment, w.ID
			if m.RepliedTo != nil && m.RepliedTo.ID != w.ID {
				kind, parent = connectors.KindReply, m.RepliedTo.ID
			}
			p.out.Emit(p.item(m, kind, parent, w.ID, edited))
		}
		next, more := pg.more(len(ms), p.c.Settings.PageLimit)
		if !more {
			complete = true
			break
		}
		if next == after {
			break // a cursor that does not move: stop, the list unfinished
		}
		after = next
	}
	if !complete {
		return nil
	}
	for _, id := range w.Sweep(seen) {
		p.out.Deleted(id, p.now)
	}
	return nil
}

// own reports whether the profile wrote m.
func (p *poller) own(m *media) bool {
	return m.IsReplyOwnedByMe || m.Owner != nil && m.Owner.ID == p.me.ID ||
		m.Username != "" && strings.EqualFold(m.Username, p.me.Username)
}

// item renders a media object.
func (p *poller) item(m *media, kind connectors.Kind, parent, root string, edited time.Time) connectors.Item {
	it := connectors.Item{
		ExternalID: m.ID,
		Kind:       kind,
		ParentID:   parent,
		RootID:     root,
		Text:       graph.Text(m.Text),
		CreatedAt:  m.created,
		EditedAt:   edited,
		URL:        m.Permalink,
		Raw:        m.raw,
	}
	if m.MediaURL != "" {
		it.Media = []connectors.Media{{Type: strings.ToLower(m.MediaType), URL: m.MediaURL}}
	}
	if kind == connectors.KindPost || p.own(m) {
		it.Own = true
		it.AuthorID = p.me.ID
		it.AuthorHandle = p.me.Username
		it.AuthorName = p.me.Name
		return it
	}
	// Others are known by their username only.
	it.AuthorID = m.Username
	it.AuthorHandle = m.Username
	return it
}

// profile renders the profile.
func (u *user) profile(raw []byte) *connectors.Profile {
	return &connectors.Profile{
		ExternalID:  u.ID,
		Handle:      u.Username,
		DisplayName: u.Name,
		Bio:         u.ThreadsBiography,
		AvatarURL:   u.ThreadsProfilePictureURL,
		Verified:    u.IsVerified,
		Raw:         raw,
	}
}
