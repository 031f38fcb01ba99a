package bluesky

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Page sizes.
const (
	listLimit = 100 // getAuthorFeed and listNotifications accept 1–100
	// headLimit is the first page of an incremental scan: usually all that is
	// new, so a quiet poll reads 25 entries rather than 100.
	headLimit     = 25
	getPostsLimit = 25 // getPosts takes up to 25 URIs
)

// poller is one poll of one account.
type poller struct {
	c     *Connector
	acct  connectors.Account
	cr    creds
	sess  *session
	grant grant
	meter *meter
	now   time.Time

	st        *state
	items     []connectors.Item
	deletions []connectors.Deletion
	delivered map[string]int // URI -> index in items
	deleted   map[string]bool
	// notified are the posts of new notifications, to read with getPosts.
	notified    []string
	notifiedSet map[string]bool
	more        bool

	// observed are the reply counts read in this poll; kids the children
	// added (+) and removed (-) under each post in this poll; fresh the
	// replies first tracked in this poll.
	observed map[string]int64
	kids     map[string]int64
	fresh    map[string]bool
}

// notify queues a notified post for checkWindow.
func (p *poller) notify(uri string) {
	if !p.notifiedSet[uri] {
		p.notifiedSet[uri] = true
		p.notified = append(p.notified, uri)
	}
}

// run performs the poll from st.
func (p *poller) run(ctx context.Context, st *state) (connectors.Batch, error) {
	did := p.grant.did
	if st.DID != did {
		st = &state{V: cursorVersion, DID: did} // another account: start afresh
	}
	p.st = st
	p.delivered = map[string]int{}
	p.deleted = map[string]bool{}
	p.notifiedSet = map[string]bool{}
	p.observed, p.kids, p.fresh = map[string]int64{}, map[string]int64{}, map[string]bool{}

	if err := p.scanFeed(ctx); err != nil {
		return connectors.Batch{}, err
	}
	p.pruneWindow()
	if err := p.scanNotifications(ctx); err != nil {
		return connectors.Batch{}, err
	}
	if err := p.checkWindow(ctx); err != nil {
		return connectors.Batch{}, err
	}
	p.settleCounts()
	prof, err := p.profile(ctx)
	if err != nil {
		return connectors.Batch{}, err
	}
	slices.SortStableFunc(p.items, func(a, b connectors.Item) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return connectors.Batch{
		Items:     p.items,
		Deletions: p.deletions,
		Profile:   &prof,
		Cursor:    p.st.encode(),
		More:      p.more,
		Budget:    p.meter.budget(),
	}, nil
}

// profile reads the account's profile.
func (p *poller) profile(ctx context.Context) (connectors.Profile, error) {
	body, err := p.read(ctx, "get profile", nsidGetProfile, url.Values{"actor": {p.grant.did}})
	if err != nil {
		return connectors.Profile{}, err
	}
	prof, err := decodeProfile(body)
	if err != nil {
		return connectors.Profile{}, connectors.Malformed(Network, "profile", err)
	}
	if prof.ExternalID != p.grant.did {
		return connectors.Profile{}, connectors.Malformed(Network, "profile", fmt.Errorf("profile of %s, asked for %s", prof.ExternalID, p.grant.did))
	}
	return prof, nil
}

// entry is one element of a newest-first listing.
type entry struct {
	sortAt time.Time
	// post is delivered unless nil: reposts, pinned posts, likes, follows are
	// skipped and do not end the scan.
	post *post
	// hydrate asks for the post to be read with getPosts before delivery.
	hydrate bool
}

// scanListing reads a listing newest first from where sc stands, delivering
// its posts, until it reaches sort times below the scan's floor minus the
// overlap (before the first finished scan: the backfill horizon) or its end;
// it reads at most PagesPerPoll pages and leaves the rest for the next poll.
func (p *poller) scanListing(ctx context.Context, sc *scan, fetch func(ctx context.Context, page string, limit int) ([]entry, string, error)) error {
	stop := p.now.Add(-p.c.cfg.Backfill)
	if !sc.Floor.IsZero() {
		stop = sc.Floor.Add(-overlap)
	}
	for range p.c.cfg.PagesPerPoll {
		limit := listLimit
		if !sc.Floor.IsZero() && sc.Page == "" {
			limit = headLimit
		}
		entries, next, err := fetch(ctx, sc.Page, limit)
		if err != nil {
			return err
		}
		done := next == "" || len(entries) == 0
		for _, e := range entries {
			if e.post == nil {
				continue
			}
			at := e.sortAt
			if at.Before(stop) {
				done = true
				break
			}
			if at.After(sc.Top) {
				sc.Top = at
			}
			if sc.seen(e.post.URI) {
				continue
			}
			if e.hydrate {
				p.notify(e.post.URI)
			} else {
				p.deliver(e.post)
			}
			sc.note(e.post.URI, at)
		}
		if done {
			sc.finish()
			return nil
		}
		if next == sc.Page {
			return connectors.Malformed(Network, "listing", errors.New("the next page's cursor repeats the current one"))
		}
		sc.Page = next
	}
	p.more = true
	return nil
}

// scanFeed reads the author feed: the account's own posts and replies.
func (p *poller) scanFeed(ctx context.Context) error {
	did := p.grant.did
	return p.scanListing(ctx, &p.st.Feed, func(ctx context.Context, page string, limit int) ([]entry, string, error) {
		q := url.Values{"actor": {did}, "filter": {"posts_with_replies"}, "limit": {strconv.Itoa(limit)}}
		if page != "" {
			q.Set("cursor", page)
		}
		body, err := p.read(ctx, "get author feed", nsidGetAuthorFeed, q)
		if err != nil {
			return nil, "", err
		}
		pg, err := decodeFeed(body)
		if err != nil {
			return nil, "", connectors.Malformed(Network, "author feed", err)
		}
		p.meter.items += len(pg.Posts)
		out := make([]entry, 0, len(pg.Posts))
		for i := range pg.Posts {
			fp := &pg.Posts[i]
			// Reposts sort by the time of the repost, not of the post, and a
			// pinned post sits on top: neither tells where the scan is.
			if fp.Repost || fp.Pinned || fp.Author.DID != did {
				out = append(out, entry{})
				continue
			}
			out = append(out, entry{sortAt: fp.SortAt(), post: &fp.post})
		}
		return out, pg.Cursor, nil
	})
}

// scanNotifications reads the mentions, replies and quotes of the account.
// Their posts are read again with getPosts in checkWindow (a notification
// carries the current record but not the post's view), so they are only noted
// here.
func (p *poller) scanNotifications(ctx context.Context) error {
	did := p.grant.did
	return p.scanListing(ctx, &p.st.Notif, func(ctx context.Context, page string, limit int) ([]entry, string, error) {
		q := url.Values{"reasons": {"mention", "reply", "quote"}, "limit": {strconv.Itoa(limit)}}
		if page != "" {
			q.Set("cursor", page)
		}
		body, err := p.get(ctx, "list notifications", p.c.cfg.Service, nsidListNotifications, q, true)
		if err != nil {
			return nil, "", err
		}
		pg, err := decodeNotifications(body)
		if err != nil {
			return nil, "", connectors.Malformed(Network, "notifications", err)
		}
		p.meter.items += len(pg.Items)
		out := make([]entry, 0, len(pg.Items))
		for _, n := range pg.Items {
			e := entry{sortAt: n.SortAt}
			if n.Post != nil && n.Post.Author.DID != did {
				e.post, e.hydrate = n.Post, true
			}
			out = append(out, e)
		}
		return out, pg.Cursor, nil
	})
}

// deliver adds a post to the batch once, and remembers it under its window
// post when it is a reply in a window thread.
func (p *poller) deliver(ps *post) {
	p.track(ps)
	if i, ok := p.delivered[ps.URI]; ok {
		p.items[i] = p.item(ps) // a later read of the same post within the poll
		return
	}
	p.delivered[ps.URI] = len(p.items)
	p.items = append(p.items, p.item(ps))
	if ps.Author.DID == p.grant.did && ps.Record.Reply == nil {
		p.watch(ps)
	}
}

// editGap is how long after its createdAt a post must have been indexed for
// the connector to take it as edited. Bluesky has no edit timestamp; when a
// record is updated the AppView indexes it again, so an indexedAt well after
// createdAt marks the time of the last update. Being a function of the post
// alone, it is the same every time the post is read, so re-reading a post
// never adds a spurious version.
const editGap = 10 * time.Minute

// editedAt is the post's presumed last-edit time; zero when it seems unedited.
func (ps *post) editedAt() time.Time {
	if ps.IndexedAt.Sub(ps.CreatedAt) > editGap {
		return ps.IndexedAt
	}
	return time.Time{}
}

// item converts a post to the contract's Item.
func (p *poller) item(ps *post) connectors.Item {
	it := connectors.Item{
		ExternalID:   ps.URI,
		Kind:         p.kind(ps),
		AuthorID:     ps.Author.DID,
		AuthorHandle: ps.Author.Handle,
		AuthorName:   ps.Author.DisplayName,
		Own:          ps.Author.DID == p.grant.did,
		Text:         ps.Record.Text,
		CreatedAt:    ps.CreatedAt,
		EditedAt:     ps.editedAt(),
		URL:          fmt.Sprintf(webURLFormat, ps.DID, ps.RKey),
		Media:        ps.media(),
		Raw:          ps.Raw,
	}
	if r := ps.Record.Reply; r != nil {
		it.ParentID, it.RootID = r.Parent.URI, r.Root.URI
	}
	if len(ps.Record.Langs) > 0 {
		it.Lang = ps.Record.Langs[0]
	}
	return it
}

// kind classifies a post from the account's point of view: the account's
// top-level posts are posts; a reply in a thread the account started, or to
// one of the account's posts, is a comment when it answers the thread's root
// and a reply otherwise, and so are the account's own replies anywhere; every
// other post (a mention, a quote, a reply elsewhere that names the account) is
// a mention.
func (p *poller) kind(ps *post) connectors.Kind {
	did := p.grant.did
	r := ps.Record.Reply
	own := ps.Author.DID == did
	switch {
	case r == nil && own:
		return connectors.KindPost
	case r == nil:
		return connectors.KindMention
	case own || didOf(r.Root.URI) == did || didOf(r.Parent.URI) == did:
		if r.Parent.URI == r.Root.URI {
			return connectors.KindComment
		}
		return connectors.KindReply
	default:
		return connectors.KindMention
	}
}

// watch adds an own top-level post to the window when it is recent enough.
func (p *poller) watch(ps *post) {
	at := ps.SortAt()
	if at.Before(p.now.Add(-p.c.cfg.WindowAge)) || p.windowIndex(ps.URI) >= 0 {
		return
	}
	p.st.Window = append(p.st.Window, watched{URI: ps.URI, CID: cidKey(ps.CID), At: at, Replies: -1})
}

// pruneWindow keeps the WindowPosts newest posts younger than WindowAge.
func (p *poller) pruneWindow() {
	w := p.st.Window
	slices.SortStableFunc(w, func(a, b watched) int { return b.At.Compare(a.At) })
	low := p.now.Add(-p.c.cfg.WindowAge)
	w = slices.DeleteFunc(w, func(x watched) bool { return x.At.Before(low) })
	if len(w) > p.c.cfg.WindowPosts {
		w = w[:p.c.cfg.WindowPosts]
	}
	if len(w) == 0 {
		w = nil
	}
	p.st.Window = w
}

func (p *poller) windowIndex(uri string) int {
	return slices.IndexFunc(p.st.Window, func(w watched) bool { return w.URI == uri })
}

// maxKnownPerPost bounds the replies tracked under one window post, which
// bounds the cursor and the getPosts calls of a poll. Replies beyond it are
// still delivered when a thread read finds them, but their edits and
// deletions are not followed.
const maxKnownPerPost = 250

// track remembers a reply under the window post that is its thread's root.
// A reply new to the window counts as a new child of its parent, so the
// parent's reply count, when next read, is expected to have grown by one.
func (p *poller) track(ps *post) {
	r := ps.Record.Reply
	if r == nil {
		return
	}
	i := p.windowIndex(r.Root.URI)
	if i < 0 {
		return
	}
	p.observe(ps)
	w := &p.st.Window[i]
	if j := w.knownIndex(ps.URI); j >= 0 {
		w.Known[j].CID = cidKey(ps.CID)
		return
	}
	if len(w.Known) >= maxKnownPerPost {
		return
	}
	k := known{URI: ps.URI, CID: cidKey(ps.CID), Replies: ps.ReplyCount}
	if r.Parent.URI != r.Root.URI {
		k.Parent = r.Parent.URI
	}
	w.Known = append(w.Known, k)
	p.fresh[ps.URI] = true
	p.kids[r.Parent.URI]++
}

// observe notes the reply count a view of the post shows.
func (p *poller) observe(ps *post) {
	if ps.ReplyCount >= 0 {
		p.observed[ps.URI] = ps.ReplyCount
	}
}

func (w *watched) knownIndex(uri string) int {
	return slices.IndexFunc(w.Known, func(k known) bool { return k.URI == uri })
}

// drop reports a deletion once.
func (p *poller) drop(uri string) {
	if p.deleted[uri] {
		return
	}
	p.deleted[uri] = true
	p.deletions = append(p.deletions, connectors.Deletion{ExternalID: uri, ObservedAt: p.now})
}

// checkWindow reads with getPosts, 25 at a time, the posts of the
// notifications just listed, the window's own posts and, in turn, as many of
// the replies known under them as RecheckCalls leaves room for. A new post is
// delivered; a tracked one is delivered again when its CID changed (an edit)
// and reported deleted when absent; a changed reply count anywhere in a window
// thread has the thread read again, as have posts new to the window and
// ThreadRechecks more in turn.
func (p *poller) checkWindow(ctx context.Context) error {
	var uris []string
	want := map[string]bool{}
	ask := func(uri string) {
		if _, done := p.delivered[uri]; !done && !want[uri] {
			want[uri] = true
			uris = append(uris, uri)
		}
	}
	for _, n := range p.notified {
		ask(n)
	}
	reread := map[string]bool{}
	var replies []string
	for _, w := range p.st.Window {
		if w.Replies < 0 {
			reread[w.URI] = true
		} else {
			ask(w.URI)
		}
		for _, k := range w.Known {
			if _, done := p.delivered[k.URI]; !done {
				replies = append(replies, k.URI)
			}
		}
	}
	room := p.c.cfg.RecheckCalls*getPostsLimit - len(uris)
	if n := len(replies); n > 0 && room > 0 {
		start := p.st.Next % n
		take := min(room, n)
		for i := range take {
			ask(replies[(start+i)%n])
		}
		p.st.Next = (start + take) % n
	}
	got := make(map[string]*post, len(uris))
	for chunk := range slices.Chunk(uris, getPostsLimit) {
		body, err := p.read(ctx, "get posts", nsidGetPosts, url.Values{"uris": chunk})
		if err != nil {
			return err
		}
		posts, err := decodePosts(body)
		if err != nil {
			return connectors.Malformed(Network, "posts", err)
		}
		p.meter.items += len(posts)
		for i := range posts {
			got[posts[i].URI] = &posts[i]
			p.observe(&posts[i])
		}
	}
	for _, uri := range uris {
		p.recheck(uri, got[uri])
	}
	// A reply count other than expected means replies came or went that
	// nothing else showed: read the thread.
	for _, w := range p.st.Window {
		if p.countMoved(w.URI, w.Replies) {
			reread[w.URI] = true
		}
		for _, k := range w.Known {
			if !p.fresh[k.URI] && p.countMoved(k.URI, k.Replies) {
				reread[w.URI] = true
			}
		}
	}
	// Round-robin re-reads, for replies that no count reveals.
	if n := len(p.st.Window); n > 0 && p.c.cfg.ThreadRechecks > 0 {
		extra := 0
		for k := 0; k < n && extra < p.c.cfg.ThreadRechecks; k++ {
			uri := p.st.Window[(p.st.Turn+k)%n].URI
			if !reread[uri] {
				reread[uri] = true
				extra++
			}
		}
		p.st.Turn = (p.st.Turn + extra) % n
	}
	for _, w := range slices.Clone(p.st.Window) {
		if reread[w.URI] {
			if err := p.readThread(ctx, w.URI); err != nil {
				return err
			}
		}
	}
	return nil
}

// recheck handles one post asked of getPosts; ps is nil when it was absent.
func (p *poller) recheck(uri string, ps *post) {
	if i := p.windowIndex(uri); i >= 0 { // a window post
		switch {
		case ps == nil:
			p.dropWindowPost(uri)
		case p.st.Window[i].CID != cidKey(ps.CID):
			p.st.Window[i].CID = cidKey(ps.CID)
			p.deliver(ps)
		}
		return
	}
	for i := range p.st.Window { // a tracked reply
		w := &p.st.Window[i]
		j := w.knownIndex(uri)
		if j < 0 {
			continue
		}
		k := w.Known[j]
		switch {
		case ps == nil:
			p.drop(uri)
			w.Known = slices.Delete(w.Known, j, j+1)
			parent := k.Parent
			if parent == "" {
				parent = w.URI
			}
			p.kids[parent]--
		case k.CID != cidKey(ps.CID):
			p.deliver(ps)
		}
		return
	}
	if ps != nil && p.notifiedSet[uri] { // a notified post
		p.deliver(ps)
	}
}

// countMoved reports whether the reply count read of uri in this poll differs
// from the stored one plus the children added and removed in this poll.
func (p *poller) countMoved(uri string, stored int64) bool {
	obs, ok := p.observed[uri]
	return ok && stored >= 0 && obs != stored+p.kids[uri]
}

// settleCounts stores the reply counts for the next poll: the count read in
// this poll, or the stored one moved by the children added and removed.
func (p *poller) settleCounts() {
	settle := func(uri string, n *int64) {
		if obs, ok := p.observed[uri]; ok {
			*n = obs
		} else if *n >= 0 && !p.fresh[uri] {
			*n += p.kids[uri]
		}
	}
	for i := range p.st.Window {
		w := &p.st.Window[i]
		settle(w.URI, &w.Replies)
		for j := range w.Known {
			settle(w.Known[j].URI, &w.Known[j].Replies)
		}
	}
}

// readThread reads the thread under a window post: replies not seen yet and
// replies whose CID changed are delivered, and the reply counts recorded.
// Deletions come from getPosts, and from the thread only when the window post
// itself is gone or a known reply shows as notFoundPost.
func (p *poller) readThread(ctx context.Context, uri string) error {
	depth := p.c.cfg.ThreadDepth
	q := url.Values{"uri": {uri}, "depth": {strconv.Itoa(depth)}, "parentHeight": {"0"}}
	body, err := p.read(ctx, "get post thread", nsidGetPostThread, q)
	if errors.Is(err, errRecordNotFound) {
		p.dropWindowPost(uri)
		return nil
	}
	if err != nil {
		return err
	}
	root, err := decodeThread(body)
	if err != nil {
		return connectors.Malformed(Network, "thread", err)
	}
	if root.Kind == nodeNotFound {
		p.dropWindowPost(uri)
		return nil
	}
	if root.Kind != nodePost || root.URI != uri {
		return nil // blocked or unknown: nothing can be judged
	}
	p.meter.items++
	if i := p.windowIndex(uri); i < 0 {
		return nil
	} else if p.st.Window[i].CID != cidKey(root.Post.CID) {
		p.st.Window[i].CID = cidKey(root.Post.CID)
		p.deliver(root.Post)
	}
	p.observe(root.Post)
	var walk func(n *threadNode)
	walk = func(n *threadNode) {
		for _, c := range n.Replies {
			w := &p.st.Window[p.windowIndex(uri)]
			switch c.Kind {
			case nodeNotFound:
				if j := w.knownIndex(c.URI); j >= 0 {
					p.drop(c.URI)
					w.Known = slices.Delete(w.Known, j, j+1)
				}
			case nodePost:
				p.meter.items++
				p.observe(c.Post)
				if r := c.Post.Record.Reply; r != nil && r.Root.URI == uri {
					j := w.knownIndex(c.URI)
					if j < 0 || w.Known[j].CID != cidKey(c.Post.CID) {
						p.deliver(c.Post)
					} else {
						p.track(c.Post)
					}
				}
				walk(c)
			}
		}
	}
	walk(root)
	if i := p.windowIndex(uri); root.Post.ReplyCount < 0 {
		p.st.Window[i].Replies = int64(len(root.Replies))
		p.observed[uri] = p.st.Window[i].Replies
	}
	return nil
}

// dropWindowPost reports a window post deleted and stops watching it.
func (p *poller) dropWindowPost(uri string) {
	p.drop(uri)
	if i := p.windowIndex(uri); i >= 0 {
		p.st.Window = slices.Delete(p.st.Window, i, i+1)
	}
}
