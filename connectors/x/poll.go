package x

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

const (
	// searchReach is how far back recent search reaches; searchMargin keeps
	// the connector's requests clear of that edge.
	searchReach  = 7 * 24 * time.Hour
	searchMargin = 5 * time.Minute
	// maxPages ends a paging that goes on past X's own caps (3,200 posts,
	// 800 mentions), against a server whose next_token never ends.
	maxPages = 50
)

// source says which endpoint returned a post.
type source int

const (
	srcPosts source = iota
	srcMentions
	srcSearch
)

// poller is the state of one Poll.
type poller struct {
	c      *Connector
	acct   connectors.Account
	handle string // the configured handle, without "@"
	token  string
	uid    string
	now    time.Time
	st     *state
	b      connectors.Batch
	// index maps an external id to its entry in b.Items and refs.
	index map[string]int
	refs  []threadRefs
	// versions maps every known version id to its original id.
	versions map[string]string
	// calls counts requests.
	calls int
}

// threadRefs is what a post says of its thread, kept until the end of the
// poll, when every version id read in it can be mapped to its item's id.
type threadRefs struct {
	version   string // the version the item was built from
	parent    string // the replied_to reference, a version id
	root      string // conversation_id
	inReplyTo string // in_reply_to_user_id
	search    bool   // read by the conversation search
}

// run performs the steps and assembles the batch. Any failure fails the
// whole poll: nothing read in it is returned, and the cursor stays.
func (p *poller) run(ctx context.Context) (connectors.Batch, error) {
	in := p.st.encode()
	for _, e := range p.st.Edited {
		vs := strings.Split(e, ":")
		for _, v := range vs[1:] {
			p.versions[v] = vs[0]
		}
	}
	for _, w := range p.st.Window {
		p.versions[w.current()] = w.ID
		for _, e := range w.Replies {
			id, cur := reply(e)
			p.versions[cur] = id
		}
	}
	if err := p.profile(ctx); err != nil {
		return connectors.Batch{}, err
	}
	if err := p.ownPosts(ctx); err != nil {
		return connectors.Batch{}, err
	}
	// The own posts come first: while they page, the rest waits, so that the
	// posts and their edit histories are known when the replies are read.
	if p.st.Posts.Next == "" {
		for _, step := range []func(*poller, context.Context) error{(*poller).mentions, (*poller).replies, (*poller).recheck} {
			if err := step(p, ctx); err != nil {
				return connectors.Batch{}, err
			}
		}
	}
	p.thread()
	p.prune()
	slices.SortStableFunc(p.b.Items, func(a, b connectors.Item) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return -cmpDesc(a.ExternalID, b.ExternalID)
	})
	if out := p.st.encode(); !bytes.Equal(out, in) || len(p.b.Items) > 0 || len(p.b.Deletions) > 0 {
		p.b.Cursor = out
	}
	p.b.Budget.Calls = p.calls
	return p.b, nil
}

// profile fetches the profile when due, resolving the user id from the handle
// when it is not known.
func (p *poller) profile(ctx context.Context) error {
	if p.uid != "" && p.st.Profiled != 0 && p.now.Sub(time.Unix(p.st.Profiled, 0)) < p.c.cfg.ProfileInterval {
		return nil
	}
	op, path := "get profile", "/2/users/"+p.uid
	if p.uid == "" {
		op, path = "look up user", "/2/users/by/username/"+p.handle
	}
	resp, err := p.get(ctx, op, path, url.Values{"user.fields": {profileFields}})
	if err != nil {
		return err
	}
	u, raw, errs, err := decodeUser(op, resp.Body)
	if err != nil {
		return err
	}
	if u == nil {
		if err := p.bodyError(op, errs); err != nil {
			return err
		}
		return connectors.Malformed(Network, op, errors.New("neither data nor errors"))
	}
	switch {
	case p.uid == "":
		p.uid = u.ID
		p.st.UID = u.ID
	case u.ID != p.uid:
		return connectors.Malformed(Network, op, fmt.Errorf("asked for user %s, got %s", p.uid, u.ID))
	}
	pr := &connectors.Profile{
		ExternalID:  u.ID,
		Handle:      u.Username,
		DisplayName: u.Name,
		Bio:         u.Description,
		AvatarURL:   u.ProfileImageURL,
		Link:        u.URL,
		Verified:    u.Verified || (u.VerifiedType != "" && u.VerifiedType != "none"),
		Raw:         raw,
	}
	if u.Entities != nil && u.Entities.URL != nil && len(u.Entities.URL.URLs) > 0 && u.Entities.URL.URLs[0].ExpandedURL != "" {
		pr.Link = u.Entities.URL.URLs[0].ExpandedURL // url is a t.co link
	}
	if u.PublicMetrics != nil {
		pr.Followers = u.PublicMetrics.FollowersCount
	}
	p.b.Profile = pr
	p.st.Profiled = p.now.Unix()
	return nil
}

// ownPosts reads the next page of the account's own timeline.
func (p *poller) ownPosts(ctx context.Context) error {
	return p.stream(ctx, "list posts", "/2/users/"+p.uid+"/tweets", &p.st.Posts, srcPosts)
}

// mentions reads the next page of the account's mentions.
func (p *poller) mentions(ctx context.Context) error {
	return p.stream(ctx, "list mentions", "/2/users/"+p.uid+"/mentions", &p.st.Mentions, srcMentions)
}

// stream reads one page of a timeline: the first page of a new paging from
// since_id (or, on the very first poll, from the backfill's start time), or
// the next page of the paging in progress. Since moves to the first page's
// newest id when the last page is read.
func (p *poller) stream(ctx context.Context, op, path string, s *stream, src source) error {
	next := *s
	if next.Next == "" {
		next.Newest, next.From, next.Pages = "", "", 0
		if next.Since == "" && p.c.cfg.Backfill > 0 {
			next.From = p.now.Add(-p.c.cfg.Backfill).UTC().Format(time.RFC3339)
		}
	}
	q := p.c.listQuery()
	switch {
	case next.Since != "":
		q.Set("since_id", next.Since)
	case next.From != "":
		q.Set("start_time", next.From)
	}
	if next.Next != "" {
		q.Set("pagination_token", next.Next)
	}
	resp, err := p.get(ctx, op, path, q)
	if errors.Is(err, errBadToken) && s.Next != "" {
		// The token expired: page again from since_id.
		p.c.log.LogAttrs(ctx, slog.LevelDebug, "pagination token refused; paging again from since_id",
			slog.String("account", p.acct.ID), slog.String("operation", op))
		s.Next = ""
		return p.stream(ctx, op, path, s, src)
	}
	if err != nil {
		return err
	}
	pg, err := decodePage(op, resp.Body)
	if err != nil {
		return err
	}
	if len(pg.Tweets) == 0 {
		if err := p.bodyError(op, pg.Errors); err != nil {
			return err
		}
	}
	p.addPage(pg, src)
	if next.Pages == 0 {
		next.Newest = pg.newest()
	}
	next.Pages++
	if tok := pg.Meta.NextToken; tok != "" && next.Pages < maxPages {
		next.Next = tok
		p.b.More = true
	} else {
		next.Since = maxID(next.Since, next.Newest)
		next.Next, next.Newest, next.From, next.Pages = "", "", "", 0
	}
	*s = next
	return nil
}

// replies runs, or goes on with, a search round over the window's
// conversations: one page of every unfinished group.
func (p *poller) replies(ctx context.Context) error {
	r := &p.st.Replies
	if len(r.Round) == 0 {
		p.prune()
		p.startRound()
	}
	for i := 0; i < len(r.Round); {
		g := r.Round[i]
		q := p.c.listQuery()
		q.Set("query", searchQuery(g.Convs))
		if g.Since != "" {
			q.Set("since_id", g.Since)
		}
		if g.Until != "" {
			q.Set("until_id", g.Until)
		}
		if g.Next != "" {
			q.Set("next_token", g.Next)
		}
		resp, err := p.get(ctx, "search replies", "/2/tweets/search/recent", q)
		if errors.Is(err, errBadToken) && g.Next != "" || errors.Is(err, errBadSince) && g.Since != "" && g.Next == "" {
			// An expired token: the group starts over. A since_id beyond
			// the reach (a clock apart from X's): the group reads the
			// whole reach, at the price of reading some replies again.
			p.c.log.LogAttrs(ctx, slog.LevelDebug, "search parameter refused; the group starts over",
				slog.String("account", p.acct.ID), slog.Any("error", err))
			if errors.Is(err, errBadSince) {
				r.Round[i].Since = ""
			}
			r.Round[i].Next, r.Round[i].Pages = "", 0
			continue
		}
		if err != nil {
			return err
		}
		pg, err := decodePage("search replies", resp.Body)
		if err != nil {
			return err
		}
		if len(pg.Tweets) == 0 {
			if err := p.bodyError("search replies", pg.Errors); err != nil {
				return err
			}
		}
		p.addPage(pg, srcSearch)
		if g.Pages == 0 {
			r.Newest = maxID(r.Newest, pg.newest())
		}
		g.Pages++
		g.Next = pg.Meta.NextToken
		if g.Next == "" || g.Pages >= maxPages {
			r.Round = slices.Delete(r.Round, i, i+1)
			continue
		}
		r.Round[i] = g
		i++
	}
	if len(r.Round) > 0 {
		p.b.More = true
		return nil
	}
	r.Since = maxID(r.Since, r.Newest)
	r.Newest = ""
	for i := range p.st.Window {
		if slices.Contains(r.Searching, p.st.Window[i].ID) {
			p.st.Window[i].Searched = true
		}
	}
	r.Searching = nil
	r.Round = nil
	return nil
}

// startRound plans a search round over the window's conversations still in
// recent search's reach. Conversations searched before, and new ones whose
// root is newer than the newest reply stored, share since_id: the larger of
// that reply and the group's oldest root (no reply is older than its root).
// A new conversation whose root is older than the newest reply stored is
// caught up separately, between its root and that reply, so that nothing
// already stored is read again.
func (p *poller) startRound() {
	r := &p.st.Replies
	cutoff := p.now.Add(-searchReach + searchMargin).Unix()
	var main, catchUp []string
	for _, w := range p.st.Window {
		switch {
		case w.At <= cutoff:
		case !w.Searched && r.Since != "" && idLess(w.ID, r.Since):
			catchUp = append(catchUp, w.ID)
		default:
			main = append(main, w.ID)
		}
	}
	r.Round, r.Searching, r.Newest = nil, nil, ""
	for _, convs := range p.pack(main) {
		r.Round = append(r.Round, group{Convs: convs, Since: maxID(r.Since, minID(convs))})
	}
	for _, convs := range p.pack(catchUp) {
		r.Round = append(r.Round, group{Convs: convs, Since: minID(convs), Until: r.Since})
	}
	r.Searching = append(main, catchUp...)
}

// pack splits conversation ids, newest first, into groups whose query fits
// the configured query length.
func (p *poller) pack(ids []string) [][]string {
	ids = slices.Clone(ids)
	slices.SortFunc(ids, func(a, b string) int {
		switch {
		case idLess(b, a):
			return -1
		case idLess(a, b):
			return 1
		}
		return 0
	})
	var out [][]string
	var cur []string
	n := 0
	for _, id := range ids {
		term := len(convPrefix) + len(id)
		if len(cur) > 0 && n+len(orSep)+term > p.c.cfg.QueryLength {
			out = append(out, cur)
			cur, n = nil, 0
		}
		if len(cur) > 0 {
			n += len(orSep)
		}
		cur = append(cur, id)
		n += term
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

const (
	convPrefix = "conversation_id:"
	orSep      = " OR "
)

// searchQuery is the recent-search query for the replies in conversations.
func searchQuery(convs []string) string {
	var b strings.Builder
	for i, id := range convs {
		if i > 0 {
			b.WriteString(orSep)
		}
		b.WriteString(convPrefix)
		b.WriteString(id)
	}
	return b.String()
}

// minID returns the smallest of ids.
func minID(ids []string) string {
	m := ""
	for _, id := range ids {
		if m == "" || idLess(id, m) {
			m = id
		}
	}
	return m
}

// recheck looks the window's posts and tracked replies up again when due: a
// resource-not-found partial error for one of them is a Deletion.
func (p *poller) recheck(ctx context.Context) error {
	if iv := p.c.cfg.RecheckInterval; p.st.Checked != 0 && iv > 0 && p.now.Sub(time.Unix(p.st.Checked, 0)) < iv {
		return nil
	}
	p.prune()
	type target struct{ id, cur string }
	var ts []target
	for _, w := range p.st.Window {
		ts = append(ts, target{w.ID, w.current()})
		for _, e := range w.Replies {
			id, cur := reply(e)
			ts = append(ts, target{id, cur})
		}
	}
	for len(ts) > 0 {
		chunk := ts[:min(lookupMax, len(ts))]
		ts = ts[len(chunk):]
		ids := make([]string, len(chunk))
		for i, t := range chunk {
			ids[i] = t.cur
		}
		resp, err := p.get(ctx, "look up posts", "/2/tweets", url.Values{"ids": {strings.Join(ids, ",")}})
		if err != nil {
			return err
		}
		pg, err := decodePage("look up posts", resp.Body)
		if err != nil {
			return err
		}
		p.b.Budget.Items += len(pg.Tweets) + pg.Included
		gone := map[string]bool{}
		for i := range pg.Errors {
			if e := &pg.Errors[i]; e.notFound() {
				gone[e.resource()] = true
			}
		}
		for _, t := range chunk {
			if gone[t.cur] {
				p.deleted(t.id)
			}
		}
	}
	p.st.Checked = p.now.Unix()
	return nil
}

// deleted records the deletion of an item and forgets it.
func (p *poller) deleted(id string) {
	p.b.Deletions = append(p.b.Deletions, connectors.Deletion{ExternalID: id, ObservedAt: p.now})
	p.st.Window = slices.DeleteFunc(p.st.Window, func(w windowPost) bool { return w.ID == id })
	for i := range p.st.Window {
		w := &p.st.Window[i]
		w.Replies = slices.DeleteFunc(w.Replies, func(e string) bool { r, _ := reply(e); return r == id })
	}
}

// maxEdited bounds the edit histories the cursor keeps.
const maxEdited = 200

// prune keeps the window to its configured size and age, newest first, its
// replies to the newest RecheckReplies, and the newest maxEdited edit
// histories.
func (p *poller) prune() {
	slices.SortFunc(p.st.Edited, func(a, b string) int {
		return cmpDesc(a[strings.LastIndexByte(a, ':')+1:], b[strings.LastIndexByte(b, ':')+1:])
	})
	if len(p.st.Edited) > maxEdited {
		p.st.Edited = p.st.Edited[:maxEdited]
	}
	cut := p.now.Add(-p.c.cfg.WindowAge).Unix()
	w := slices.DeleteFunc(p.st.Window, func(w windowPost) bool { return w.At < cut })
	slices.SortFunc(w, func(a, b windowPost) int { return cmpDesc(a.ID, b.ID) })
	if len(w) > p.c.cfg.WindowPosts {
		w = w[:p.c.cfg.WindowPosts]
	}
	type entry struct {
		post int
		id   string
		e    string
	}
	var all []entry
	for i := range w {
		for _, e := range w[i].Replies {
			id, _ := reply(e)
			all = append(all, entry{i, id, e})
		}
		w[i].Replies = nil
	}
	slices.SortFunc(all, func(a, b entry) int { return cmpDesc(a.id, b.id) })
	if len(all) > p.c.cfg.RecheckReplies {
		all = all[:p.c.cfg.RecheckReplies]
	}
	for _, a := range all {
		w[a.post].Replies = append(w[a.post].Replies, a.e)
	}
	p.st.Window = w
}

// cmpDesc orders ids newest first.
func cmpDesc(a, b string) int {
	switch {
	case idLess(b, a):
		return -1
	case idLess(a, b):
		return 1
	}
	return 0
}

// inWindow reports whether id is a post of the window.
func (p *poller) inWindow(id string) bool {
	return slices.ContainsFunc(p.st.Window, func(w windowPost) bool { return w.ID == id })
}
