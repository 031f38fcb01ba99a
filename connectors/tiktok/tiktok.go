// Package tiktok is Vigía's connector for TikTok business accounts through
// the TikTok API for Business (business-api.tiktok.com/open_api/v1.3). It
// polls one institutional account with an access token the account
// authorised and returns, incrementally, the account's videos, the comments
// and replies under its recent videos (its own answers among them, by the
// owner flag), edits, deletions and the profile.
//
// # Calls of one poll
//
// Every call carries business_id (the account's ExternalID) and the
// Access-Token header.
//
//  1. GET /business/get/: the profile.
//  2. GET /business/video/list/: newest first, followed with the cursor
//     while has_more, until a video older than both the window (WindowAge)
//     and the newest video seen. New videos are those created after the
//     cursor's mark; TikTok's paging cursors are never stored. A window
//     video whose caption hash changed is an edit; one missing from the
//     listing is a deletion.
//  3. GET /business/comment/list/?include_replies=true&status=ALL&
//     sort_field=create_time&sort_order=asc for every video of the window
//     (the newest WindowPosts own videos younger than WindowAge): the
//     top-level comments, hidden ones included, each with its first
//     replies (reply_list).
//  4. GET /business/comment/reply/list/ only for a comment whose replies
//     count exceeds the replies its reply_list carried.
//
// A poll with nothing new makes 2 + len(window) calls, plus one for each
// comment with more replies than reply_list carries.
//
// # Items
//
// Videos are KindPost (their caption is the text, share_url the URL);
// comments whose parent_comment_id is the video (or empty) are KindComment;
// the others are KindReply whose parent is parent_comment_id. The root is
// the video. Own is the owner flag. AuthorID is unique_identifier (else
// user_id, else username), AuthorHandle the username, AuthorName the
// display_name. TikTok gives no edit time: an edit noticed by a changed text
// carries the poll's time as EditedAt, and an item first seen already edited
// carries none. A reply that vanishes with its top-level comment is not
// reported deleted (TikTok hides a deleted comment's replies with it); the
// comment is. Item.Raw is the object as received (status HIDDEN included).
//
// # Errors
//
// TikTok answers failures as an envelope with code != 0, mostly with HTTP
// 200: 40100 (and HTTP 429) is a *connectors.RateLimitError whose Reset is
// Retry-After, else the rate-limit headers' reset, else
// connectors.RateLimitFallback; 40001, 40102, 40104 and 40105 are
// connectors.ErrAuth; 40007 is connectors.ErrNotFound; other codes are
// transient. A body without a code is connectors.ErrMalformed.
package tiktok

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/window"
)

// Network is the network's name in configurations.
const Network = "tiktok"

// Connector polls TikTok business accounts. It is safe for concurrent use:
// each account's state lives in its cursor, except renewed access tokens,
// kept in memory per account.
type Connector struct {
	cfg    Config
	http   *connectors.HTTPClient
	log    *slog.Logger
	now    func() time.Time
	tokens tokenStore
}

var (
	_ connectors.Connector = (*Connector)(nil)
	_ connectors.Prober    = (*Connector)(nil)
)

// New returns a connector for cfg; zero fields take their defaults.
func New(cfg Config, deps connectors.Deps) (*Connector, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if deps.HTTP == nil {
		return nil, fmt.Errorf("tiktok: no HTTP client")
	}
	c := &Connector{cfg: cfg, http: deps.HTTP, log: deps.Logger, now: deps.Now}
	c.cfg.BaseURL = normalizeBaseURL(cfg.BaseURL)
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c, nil
}

// NewFactory returns the factory for `network: tiktok`: it decodes the
// networks.tiktok section over DefaultConfig and calls New.
func NewFactory() connectors.Factory {
	return func(decode func(v any) error, deps connectors.Deps) (connectors.Connector, error) {
		cfg := DefaultConfig()
		if err := decode(&cfg); err != nil {
			return nil, fmt.Errorf("tiktok: config: %w", err)
		}
		return New(cfg, deps)
	}
}

// Network returns Network.
func (c *Connector) Network() string { return Network }

// Probe checks the token by reading the profile.
func (c *Connector) Probe(ctx context.Context, acct connectors.Account) error {
	s, err := c.newSession(ctx, acct)
	if err != nil {
		return err
	}
	_, _, err = s.profile()
	return err
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
	me    *business
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
		c.log.LogAttrs(ctx, slog.LevelWarn, "unreadable cursor; starting over",
			slog.String("account", acct.ID), slog.Any("error", err))
		cs = &cursor{V: cursorVersion}
	}
	me, raw, err := s.profile()
	if err != nil {
		return connectors.Batch{}, err
	}
	if cs.Business != "" && cs.Business != s.businessID {
		c.log.LogAttrs(ctx, slog.LevelWarn, "cursor of another account; starting over", slog.String("account", acct.ID))
		cs = &cursor{V: cursorVersion}
	}
	cs.Business = s.businessID
	now := c.now()
	p := &poller{
		c: c, s: s, cs: cs, me: me,
		now: now, since: now.Add(-c.cfg.WindowAge),
	}
	if err := p.ownVideos(); err != nil {
		return connectors.Batch{}, err
	}
	cs.Window = cs.Window.Trim(c.cfg.WindowPosts, p.since)
	for _, w := range cs.Window {
		if err := p.recheck(w); err != nil {
			return connectors.Batch{}, err
		}
	}
	return connectors.Batch{
		Items:     p.out.Items,
		Deletions: p.out.Deletions,
		Profile:   me.profile(s.businessID, raw),
		Cursor:    cs.encode(),
		Budget:    s.budget(),
	}, nil
}

// ownVideos reads the account's videos: new ones, edits and deletions of
// the window.
func (p *poller) ownVideos() error {
	stop := p.since
	if m := p.cs.Posts.Time; m != 0 && time.Unix(m, 0).Before(stop) {
		stop = time.Unix(m, 0) // after an outage longer than the window
	}
	var vs []*video
	complete := false
	var next int64
	for pages := 0; pages < p.c.cfg.MaxPages && !complete; pages++ {
		got, pg, err := p.s.videos(next)
		if err != nil {
			return err
		}
		vs = append(vs, got...)
		complete = !pg.HasMore
		for _, v := range got {
			if v.created.Before(stop) {
				complete = true
			}
		}
		if !complete && (len(got) == 0 || int64(pg.Cursor) <= next) {
			break // more announced but none given, or a cursor that does not move: the list unfinished
		}
		next = int64(pg.Cursor)
	}
	listed := make([]window.Listed, len(vs))
	for i, v := range vs {
		listed[i] = window.Listed{ID: v.ItemID, Created: v.created, Text: v.Caption}
	}
	window.Sync(&p.cs.Window, &p.cs.Posts, listed, p.since, complete,
		func(i int, edited bool) {
			var at time.Time
			if edited {
				at = p.now
			}
			p.out.Emit(p.videoItem(vs[i], at))
		},
		func(id string) { p.out.Deleted(id, p.now) })
	return nil
}

// recheck reads every comment and reply under a window video.
func (p *poller) recheck(w *window.Post) error {
	seen := map[string]bool{}
	var cursor int64
	complete, partial := false, false
	for pages := 0; pages < p.c.cfg.MaxPages; pages++ {
		cs, pg, err := p.s.comments(w.ID, "", cursor)
		if err != nil {
			return err
		}
		for _, c := range cs {
			seen[c.CommentID] = true
			p.note(w, c, "")
			replies := c.ReplyList
			if int(c.Replies) > len(replies) {
				all, ok, err := p.allReplies(w.ID, c.CommentID)
				if err != nil {
					return err
				}
				replies, partial = all, partial || !ok
			}
			for _, r := range replies {
				seen[r.CommentID] = true
				p.note(w, r, c.CommentID)
			}
		}
		if !pg.HasMore {
			complete = true
			break
		}
		if len(cs) == 0 || int64(pg.Cursor) <= cursor {
			break // more announced but none given, or a cursor that does not move: the list unfinished
		}
		cursor = int64(pg.Cursor)
	}
	if !complete || partial {
		return nil // deletions are noticed on a complete listing only
	}
	under := maps.Clone(w.Under)
	for _, id := range w.Sweep(seen) {
		if top := under[id]; top != "" && !seen[top] {
			continue // vanished with its top-level comment
		}
		p.out.Deleted(id, p.now)
	}
	return nil
}

// allReplies reads every reply of a top-level comment; complete is false
// when the list was cut short (page limit, or a cursor that does not move).
func (p *poller) allReplies(videoID, commentID string) (all []*comment, complete bool, err error) {
	var cursor int64
	for pages := 0; pages < p.c.cfg.MaxPages; pages++ {
		rs, pg, err := p.s.comments(videoID, commentID, cursor)
		if err != nil {
			return nil, false, err
		}
		all = append(all, rs...)
		if !pg.HasMore {
			return all, true, nil
		}
		if len(rs) == 0 || int64(pg.Cursor) <= cursor {
			break
		}
		cursor = int64(pg.Cursor)
	}
	return all, false, nil
}

// note emits a comment or reply that is new or whose text changed.
func (p *poller) note(w *window.Post, c *comment, top string) {
	emit, changed := w.Note(c.CommentID, c.Text)
	if top != "" {
		w.Under[c.CommentID] = top
	}
	if !emit {
		return
	}
	var edited time.Time
	if changed {
		edited = p.now
	}
	p.out.Emit(p.commentItem(c, w.ID, edited))
}

// videoItem renders an own video.
func (p *poller) videoItem(v *video, edited time.Time) connectors.Item {
	it := connectors.Item{
		ExternalID:   v.ItemID,
		Kind:         connectors.KindPost,
		Own:          true,
		AuthorID:     p.s.businessID,
		AuthorHandle: p.me.Username,
		AuthorName:   p.me.DisplayName,
		Text:         text(v.Caption),
		CreatedAt:    v.created,
		EditedAt:     edited,
		URL:          v.ShareURL,
		Raw:          v.raw,
	}
	it.Media = []connectors.Media{{Type: "video", URL: v.ShareURL}}
	if v.ThumbnailURL != "" {
		it.Media = append(it.Media, connectors.Media{Type: "thumbnail", URL: v.ThumbnailURL})
	}
	return it
}

// commentItem renders a comment or reply under the window video root.
func (p *poller) commentItem(c *comment, root string, edited time.Time) connectors.Item {
	it := connectors.Item{
		ExternalID: c.CommentID,
		Kind:       connectors.KindComment,
		ParentID:   root,
		RootID:     root,
		Text:       text(c.Text),
		CreatedAt:  c.created,
		EditedAt:   edited,
		Raw:        c.raw,
	}
	if c.ParentCommentID != "" && c.ParentCommentID != root {
		it.Kind = connectors.KindReply
		it.ParentID = c.ParentCommentID
	}
	if c.Owner {
		it.Own = true
		it.AuthorID = p.s.businessID
		it.AuthorHandle = p.me.Username
		it.AuthorName = p.me.DisplayName
		return it
	}
	switch {
	case c.UniqueIdentifier != "":
		it.AuthorID = c.UniqueIdentifier
	case c.UserID != "":
		it.AuthorID = c.UserID
	default:
		it.AuthorID = c.Username
	}
	it.AuthorHandle = c.Username
	it.AuthorName = c.DisplayName
	return it
}

// profile renders the profile of the account businessID.
func (b *business) profile(businessID string, raw []byte) *connectors.Profile {
	return &connectors.Profile{
		ExternalID:  businessID,
		Handle:      b.Username,
		DisplayName: b.DisplayName,
		Bio:         b.BioDescription,
		AvatarURL:   b.ProfileImage,
		Verified:    b.IsVerified,
		Followers:   b.FollowersCount,
		Raw:         raw,
	}
}
