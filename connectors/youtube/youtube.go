// Package youtube is Vigía's connector for YouTube channels through the
// YouTube Data API v3, called with the official client
// (google.golang.org/api/youtube/v3) over the shared retrying HTTP client.
// It polls one institutional channel with an API key or an OAuth access token
// and returns, incrementally, the channel's uploads, the comments on its
// videos and their replies (the channel's own answers among them), edits,
// deletions and the profile, while keeping within the project's daily units.
//
// # Calls of one poll
//
//  1. channels.list?part=snippet,contentDetails,statistics&id=UC… (or
//     forHandle=@handle when the account has no ExternalID): the profile and
//     the uploads playlist (contentDetails.relatedPlaylists.uploads).
//  2. playlistItems.list?part=snippet,contentDetails&playlistId=UU…, newest
//     first, page after page until a page ends with a video older than both
//     the window (WindowAge) and the newest video seen. New videos are those published
//     after the cursor's mark; a window video whose title or description
//     changed is an edit (EditedAt = the poll's time: videos carry no edit
//     time); a window video missing from the listing is a deletion.
//  3. commentThreads.list?part=snippet,replies&allThreadsRelatedToChannelId=
//     UC…&order=time&textFormat=plainText, newest first, until a page ends
//     with a thread older than the window and the newest thread seen. One listing covers every
//     video of the channel, old ones too, so a quiet poll costs one page
//     however many videos the window holds (commentThreads.list?videoId=
//     would cost a call per video). A top-level comment whose text or
//     updatedAt changed is an edit (EditedAt = updatedAt); a window thread
//     missing from the listing, on a video still listed, is a deletion.
//  4. comments.list?parentId=…&textFormat=plainText for a thread that has
//     more replies (totalReplyCount) than it embeds, when the count changed
//     since the last poll or the thread is new, and for the ReplyRechecks
//     such threads checked longest ago: every reply, so edits (updatedAt)
//     and deletions among the replies not embedded are noticed too.
//
// A quiet poll costs 1 + ⌈videos in the window / PageSize⌉ +
// ⌈threads in the window / CommentPageSize⌉ + up to ReplyRechecks units; see
// the README for the arithmetic of the daily allowance.
//
// # Items
//
// Videos are KindPost (Text: the title, then a line break and the
// description when there is one). Top-level comments are KindComment, parent
// and root the video; replies are KindReply, parent the top-level comment
// (YouTube threads two levels deep: a reply to a reply names the top-level
// comment as parent, and usually starts with "@handle"), root the video.
// Comments on the channel itself (no video) are KindMention. Own is
// snippet.authorChannelId.value == the channel id. AuthorName is YouTube's
// authorDisplayName (the "@handle" nowadays), AuthorHandle the handle without
// "@". Item.Raw is the playlist item or the comment as received.
//
// Replies go with their thread: when a top-level comment disappears only it
// is reported deleted, and comments on a deleted video are not reported.
//
// # Quota
//
// Every request costs UnitsPerCall, retries and failures included, against a
// ledger per Google Cloud project (OptionQuotaProject) with DailyUnits a
// Pacific day. A poll starts only when the ledger has the units the
// account's last successful poll spent (kept in the cursor), so polls do not
// die half-way with their units wasted; each request, and each retry, takes
// its unit from the ledger before it is made (atomically: concurrent polls of
// one project cannot both take the last unit). Otherwise the poll stops and returns a
// *connectors.RateLimitError whose Reset is the next midnight
// America/Los_Angeles. The units spent are
// kept in the cursor, so a restart remembers them. Budget.Remaining is the
// project's units left today, Budget.Reset the next Pacific midnight.
//
// # Errors
//
// quotaExceeded and dailyLimitExceeded (403) are a *connectors.RateLimitError
// until the next Pacific midnight, and close the ledger until then;
// rateLimitExceeded and userRateLimitExceeded (403 or 429) a
// *connectors.RateLimitError until Retry-After, else for
// connectors.RateLimitFallback; 401, authError, an invalid or expired key or
// token, and a disabled API are connectors.ErrAuth; 404, channelNotFound,
// videoNotFound and an empty channels.list answer are connectors.ErrNotFound
// (playlistNotFound for the uploads of a channel that exists means no
// uploads); a body that does not decode is
// connectors.ErrMalformed; anything else is transient.
package youtube

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Network is the network's name in configurations.
const Network = "youtube"

// Connector polls YouTube channels. It is safe for concurrent use: each
// account's state lives in its cursor, and the quota ledgers are guarded.
type Connector struct {
	cfg  Config
	http *connectors.HTTPClient
	log  *slog.Logger
	now  func() time.Time

	mu      sync.Mutex
	ledgers map[string]*ledger
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
		return nil, fmt.Errorf("youtube: no HTTP client")
	}
	c := &Connector{cfg: cfg, http: deps.HTTP, log: deps.Logger, now: deps.Now, ledgers: map[string]*ledger{}}
	c.cfg.BaseURL = normalizeBaseURL(cfg.BaseURL)
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c, nil
}

// NewFactory returns the factory for `network: youtube`: it decodes the
// networks.youtube section over DefaultConfig and calls New.
func NewFactory() connectors.Factory {
	return func(decode func(v any) error, deps connectors.Deps) (connectors.Connector, error) {
		cfg := DefaultConfig()
		if err := decode(&cfg); err != nil {
			return nil, fmt.Errorf("youtube: config: %w", err)
		}
		return New(cfg, deps)
	}
}

// Network returns Network.
func (c *Connector) Network() string { return Network }

// ledgerOf returns the quota ledger of the account's project.
func (c *Connector) ledgerOf(acct connectors.Account) *ledger {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := acct.Options[OptionQuotaProject]
	l, ok := c.ledgers[key]
	if !ok {
		l = &ledger{allowance: c.cfg.DailyUnits}
		c.ledgers[key] = l
	}
	return l
}

// Probe checks the credential by reading the channel (1 unit).
func (c *Connector) Probe(ctx context.Context, acct connectors.Account) error {
	s, err := c.newSession(ctx, acct)
	if err != nil {
		return err
	}
	_, err = s.channel(acct)
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
	c       *Connector
	s       *session
	cs      *cursor
	channel string
	handle  string
	now     time.Time
	since   time.Time // the window's start

	listed    map[string]bool // videos listed in this poll
	gone      map[string]bool // videos found deleted in this poll
	items     []connectors.Item
	emitted   map[string]int
	deletions []connectors.Deletion
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
		cs, _ = decodeCursor(nil)
	}
	now := c.now()
	s.ledger.restore(now, cs.QuotaDay, cs.QuotaUsed)
	// At most the whole allowance: a backfill that cost more must not lock
	// the account out for good.
	if err := s.ledger.reserve(now, min(max(UnitsPerCall, cs.Cost), s.ledger.allowance)); err != nil {
		return connectors.Batch{}, fmt.Errorf("youtube: poll needs about %d units: %w", cs.Cost, err)
	}
	ch, err := s.channel(acct)
	if err != nil {
		return connectors.Batch{}, err
	}
	if cs.Channel != "" && cs.Channel != ch.ID {
		c.log.LogAttrs(ctx, slog.LevelWarn, "cursor of another channel; starting over", slog.String("account", acct.ID))
		cs, _ = decodeCursor(nil)
	}
	cs.Channel = ch.ID
	p := &poller{
		c: c, s: s, cs: cs, channel: ch.ID, handle: ch.Handle,
		now: now, since: now.Add(-c.cfg.WindowAge),
		listed: map[string]bool{}, gone: map[string]bool{}, emitted: map[string]int{},
	}
	if err := p.videos(ch.Uploads); err != nil {
		return connectors.Batch{}, err
	}
	if err := p.threads(); err != nil {
		return connectors.Batch{}, err
	}
	cs.trim(p.since)
	b := connectors.Batch{
		Items:     p.items,
		Deletions: p.deletions,
		Profile:   ch.profile(),
		Budget:    s.budget(),
	}
	cs.QuotaDay, cs.QuotaUsed, _, _ = s.ledger.state(c.now())
	cs.Cost = b.Budget.Calls * UnitsPerCall
	b.Cursor = cs.encode()
	return b, nil
}

// videos reads the uploads playlist: new videos, edits and deletions of the
// window.
func (p *poller) videos(playlist string) error {
	vs, complete, err := readNewest(p.c.cfg.MaxPages, p.cs.Videos.stop(p.since),
		func(page string) ([]*videoEntry, string, error) {
			vs, next, err := p.s.uploads(playlist, page)
			if errors.Is(err, errNoPlaylist) && page == "" {
				// The channel exists (channels.list found it) and has no
				// uploads playlist: it has no public video.
				return nil, "", nil
			}
			return vs, next, err
		},
		func(v *videoEntry) time.Time { return v.Published })
	if err != nil {
		return err
	}
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].Published.Before(vs[j].Published) })
	newMark := p.cs.Videos
	for _, v := range vs {
		p.listed[v.ID] = true
		h := hashText(v.text())
		if w := p.cs.video(v.ID); w != nil {
			if w.Hash != h {
				w.Hash = h
				p.emit(p.videoItem(v, p.now))
			}
			continue
		}
		if p.cs.Videos.seen(v.Published, v.ID) {
			continue
		}
		p.emit(p.videoItem(v, time.Time{}))
		if !v.Published.Before(p.since) {
			p.cs.Window = append(p.cs.Window, &video{ID: v.ID, Created: v.Published.Unix(), Hash: h})
		}
		newMark.advance(v.Published, v.ID)
	}
	if !complete {
		return nil // keep the mark: the gap below what was read is still open
	}
	p.cs.Videos = newMark
	var oldest int64
	if len(vs) > 0 {
		oldest = vs[0].Published.Unix()
	}
	for _, w := range append([]*video(nil), p.cs.Window...) {
		if !p.listed[w.ID] && (len(vs) == 0 || w.Created >= oldest) {
			p.deleted(w.ID)
			p.gone[w.ID] = true
			p.cs.removeVideo(w.ID)
		}
	}
	return nil
}

// threads reads the comment threads on the channel's videos: new comments
// and replies, edits and deletions of the window.
func (p *poller) threads() error {
	ts, complete, err := readNewest(p.c.cfg.MaxPages, p.cs.Threads.stop(p.since),
		func(page string) ([]*threadEntry, string, error) { return p.s.threads(p.channel, page) },
		func(t *threadEntry) time.Time { return t.Top.Published })
	if err != nil {
		return err
	}
	sort.SliceStable(ts, func(i, j int) bool { return ts[i].Top.Published.Before(ts[j].Top.Published) })
	newMark := p.cs.Threads
	listed := map[string]bool{}
	var partial []*threadEntry // known threads whose hidden replies were not read
	for _, t := range ts {
		listed[t.ID] = true
		k := p.cs.Known[t.ID]
		if k == nil {
			if p.cs.Threads.seen(t.Top.Published, t.ID) {
				continue // older than the window, already returned
			}
			newMark.advance(t.Top.Published, t.ID)
			p.emit(p.commentItem(t.Top, t.VideoID, false))
			k = &thread{Created: t.Top.Published.Unix(), Video: t.VideoID, State: state(t.Top.Text, t.Top.Updated), Replies: map[string]string{}}
			if err := p.replies(t, k, true); err != nil {
				return err
			}
			if !t.Top.Published.Before(p.since) {
				p.cs.Known[t.ID] = k
			}
			continue
		}
		if st := state(t.Top.Text, t.Top.Updated); st != k.State {
			k.State = st
			p.emit(p.commentItem(t.Top, t.VideoID, true))
		}
		full := t.Total == int64(len(t.Replies))
		if !full && t.Total == k.Count {
			p.embedded(t, k)
			partial = append(partial, t)
			continue
		}
		if err := p.replies(t, k, !full); err != nil {
			return err
		}
	}
	// Re-read the hidden replies of the threads checked longest ago.
	sort.SliceStable(partial, func(i, j int) bool { return p.cs.Known[partial[i].ID].Checked < p.cs.Known[partial[j].ID].Checked })
	for i, t := range partial {
		if i == p.c.cfg.ReplyRechecks {
			break
		}
		if err := p.replies(t, p.cs.Known[t.ID], true); err != nil {
			return err
		}
	}
	if !complete {
		return nil
	}
	p.cs.Threads = newMark
	var oldest int64
	if len(ts) > 0 {
		oldest = ts[0].Top.Published.Unix()
	}
	ids := make([]string, 0, len(p.cs.Known))
	for id := range p.cs.Known {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		k := p.cs.Known[id]
		if listed[id] || len(ts) > 0 && k.Created < oldest {
			continue
		}
		// Gone. Its replies went with it; a thread on a deleted video, or on
		// one not listed in this poll, went with its video or cannot be told
		// apart from it.
		if p.listed[k.Video] && !p.gone[k.Video] {
			p.deleted(id)
		}
		delete(p.cs.Known, id)
	}
	return nil
}

// readNewest reads a listing served newest first, page after page, until a
// page ends with an item published before stop or the listing ends;
// complete is false when maxPages ran out first. The page's last item, not
// any item, decides: an older item out of order (a thread YouTube lists by
// recent activity, a video whose publication was rescheduled) does not cut
// the reading short.
func readNewest[T any](maxPages int, stop time.Time, fetch func(page string) ([]T, string, error), published func(T) time.Time) (all []T, complete bool, err error) {
	page := ""
	for pages := 0; pages < maxPages; pages++ {
		got, next, err := fetch(page)
		if err != nil {
			return nil, false, err
		}
		all = append(all, got...)
		if next == "" || len(got) > 0 && published(got[len(got)-1]).Before(stop) {
			return all, true, nil
		}
		page = next
	}
	return all, false, nil
}

// replies brings a thread's replies up to date: every reply when fetch (a
// comments.list listing), else the embedded ones; with every reply in hand,
// known replies missing are deleted.
func (p *poller) replies(t *threadEntry, k *thread, fetch bool) error {
	all := t.Replies
	if fetch && t.Total > int64(len(t.Replies)) {
		all = nil
		page := ""
		for pages := 0; ; pages++ {
			if pages == p.c.cfg.MaxPages {
				p.embedded(t, k) // too many to read now: keep the count, so the next poll tries again
				return nil
			}
			got, next, err := p.s.replies(t.ID, page)
			if err != nil {
				return err
			}
			all = append(all, got...)
			if next == "" {
				break
			}
			page = next
		}
	} else if !fetch && t.Total > int64(len(t.Replies)) {
		p.embedded(t, k)
		return nil
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Published.Before(all[j].Published) })
	seen := map[string]bool{}
	for _, r := range all {
		seen[r.ID] = true
		p.reply(t, k, r)
	}
	gone := make([]string, 0)
	for id := range k.Replies {
		if !seen[id] {
			gone = append(gone, id)
		}
	}
	sort.Strings(gone)
	for _, id := range gone {
		delete(k.Replies, id)
		p.deleted(id)
	}
	k.Count = t.Total
	k.Checked = p.now.Unix()
	return nil
}

// embedded brings the embedded replies up to date, without deletions.
func (p *poller) embedded(t *threadEntry, k *thread) {
	for _, r := range t.Replies {
		p.reply(t, k, r)
	}
}

// reply returns a reply when new or changed.
func (p *poller) reply(t *threadEntry, k *thread, r *commentEntry) {
	st := state(r.Text, r.Updated)
	old, known := k.Replies[r.ID]
	if known && old == st {
		return
	}
	k.Replies[r.ID] = st
	it := p.commentItem(r, t.VideoID, known)
	it.Kind = connectors.KindReply
	it.ParentID = t.ID
	p.emit(it)
}

// videoItem renders an upload; edited is zero unless an edit was noticed.
func (p *poller) videoItem(v *videoEntry, edited time.Time) connectors.Item {
	u := "https://www.youtube.com/watch?v=" + v.ID
	return connectors.Item{
		ExternalID:   v.ID,
		Kind:         connectors.KindPost,
		AuthorID:     p.channel,
		AuthorHandle: p.handle,
		Own:          true,
		Text:         v.text(),
		CreatedAt:    v.Published,
		EditedAt:     edited,
		URL:          u,
		Media:        []connectors.Media{{Type: "video", URL: u}},
		Raw:          v.raw,
	}
}

// commentItem renders a top-level comment; a reply's caller sets its kind
// and parent. EditedAt is updatedAt when it is later than publishedAt, or
// the poll's time for an edit noticed without one.
func (p *poller) commentItem(c *commentEntry, videoID string, changed bool) connectors.Item {
	it := connectors.Item{
		ExternalID:   c.ID,
		Kind:         connectors.KindComment,
		ParentID:     videoID,
		RootID:       videoID,
		AuthorID:     c.AuthorID,
		AuthorHandle: c.AuthorHandle,
		AuthorName:   c.AuthorName,
		Own:          c.AuthorID != "" && c.AuthorID == p.channel,
		Text:         c.Text,
		CreatedAt:    c.Published,
		Raw:          c.raw,
	}
	switch {
	case c.Updated.After(c.Published):
		it.EditedAt = c.Updated
	case changed:
		it.EditedAt = p.now
	}
	if videoID == "" {
		it.Kind = connectors.KindMention
	} else {
		it.URL = "https://www.youtube.com/watch?v=" + videoID + "&lc=" + c.ID
	}
	if it.Own && p.handle != "" {
		it.AuthorHandle = p.handle
	}
	return it
}

// emit adds an item to the batch; an item emitted twice keeps its latest
// state.
func (p *poller) emit(it connectors.Item) {
	if i, ok := p.emitted[it.ExternalID]; ok {
		p.items[i] = it
		return
	}
	p.emitted[it.ExternalID] = len(p.items)
	p.items = append(p.items, it)
}

// deleted records a deletion.
func (p *poller) deleted(id string) {
	for _, d := range p.deletions {
		if d.ExternalID == id {
			return
		}
	}
	p.deletions = append(p.deletions, connectors.Deletion{ExternalID: id, ObservedAt: p.now})
}

// profile renders the channel's profile.
func (ch *channelEntry) profile() *connectors.Profile {
	pr := &connectors.Profile{
		ExternalID:  ch.ID,
		Handle:      ch.Handle,
		DisplayName: ch.Title,
		Bio:         ch.Description,
		AvatarURL:   ch.Thumbnail,
		Followers:   ch.Subscribers,
		Raw:         ch.raw,
	}
	if ch.Handle != "" {
		pr.Link = "https://www.youtube.com/@" + ch.Handle
	} else {
		pr.Link = "https://www.youtube.com/channel/" + ch.ID
	}
	return pr
}
