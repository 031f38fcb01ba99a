// Package mastodon is Vigía's connector for Mastodon (and servers speaking
// its client API). It polls one institutional account with a user access
// token and returns, incrementally, the account's own statuses (posts, own
// comments and own replies), the replies under its recent posts, the statuses
// that mention it, edits, deletions and the profile.
//
// # Calls of one poll
//
//  1. GET /api/v1/accounts/verify_credentials: the profile (display name,
//     acct, bio, avatar, fields and their verified_at, followers) and the own
//     account id, which must match Account.ExternalID when that is set.
//  2. GET /api/v1/accounts/:id/statuses?limit=…&exclude_reblogs=true: the
//     newest page of own statuses. It yields the new statuses and the edits
//     (edited_at) of the recent ones, and a window post missing from the id
//     range the page covers has been deleted. When more statuses are new than
//     one page holds, the gap is read gap-free with min_id from the cursor,
//     following the Link header's rel="prev" (newer) pages. The first poll
//     reads back over rel="next" (older) pages to WindowAge.
//  3. GET /api/v1/notifications?types[]=mention&min_id=…: statuses by others
//     that mention the account, which include every reply to it (Mastodon
//     mentions the author of the status answered).
//  4. GET /api/v1/statuses/:id/context for RecheckPerPoll posts of the window
//     (the newest WindowPosts own posts younger than WindowAge), least
//     recently checked first: new replies, edited replies (edited_at), and
//     replies gone from the thread, each confirmed with GET
//     /api/v1/statuses/:id (404 or 410: deleted). A 404 on the context means
//     the post itself was deleted. A window post older than the newest page
//     is also re-read with GET /api/v1/statuses/:id for its edits.
//
// A status whose parent the connector does not know (a late reply to a post
// that left the window, a reply in someone else's thread) costs one context
// call to find its conversation's root. In a steady state with nothing new a
// poll makes 3 + RecheckPerPoll calls, plus one per re-checked post older
// than the newest page.
//
// # Items
//
// Own statuses without a parent are posts; replies whose root is an own post
// are comments (parent = root) or replies; statuses by others outside the
// account's conversations are mentions (with parent and root when they
// answer something). Item.Text is the content converted by HTMLToText, after
// the content warning when there is one; Item.Raw is the Status JSON as
// received. AuthorHandle is acct: "user" on the account's instance,
// "user@domain" elsewhere. Boosts are not archived.
//
// # Errors
//
// 401 and 403 are connectors.ErrAuth, 404 and 410 connectors.ErrNotFound
// (except where they mean a deletion, above), 429 a *connectors.RateLimitError
// whose Reset is X-RateLimit-Reset (an ISO 8601 timestamp), bodies that do not
// decode connectors.ErrMalformed, anything else transient; the message of
// Mastodon's {"error": …} body is added.
package mastodon

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Network is the network's name in configurations.
const Network = "mastodon"

// maxConfirmations bounds the GET /statuses/:id calls one poll spends on
// replies missing from a context.
const maxConfirmations = 10

// minRemainingForRecheck is the allowance below which a poll skips its
// re-checks, keeping the rest for the lists.
const minRemainingForRecheck = 10

// Connector polls Mastodon accounts. It is safe for concurrent use: each
// account's state lives in its cursor.
type Connector struct {
	cfg  Config
	http *connectors.HTTPClient
	log  *slog.Logger
	now  func() time.Time
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
		return nil, fmt.Errorf("mastodon: no HTTP client")
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

// NewFactory returns the factory for `network: mastodon`: it decodes the
// networks.mastodon section over DefaultConfig and calls New.
func NewFactory() connectors.Factory {
	return func(decode func(v any) error, deps connectors.Deps) (connectors.Connector, error) {
		cfg := DefaultConfig()
		if err := decode(&cfg); err != nil {
			return nil, fmt.Errorf("mastodon: config: %w", err)
		}
		return New(cfg, deps)
	}
}

// Network returns Network.
func (c *Connector) Network() string { return Network }

// Probe checks the token with verify_credentials.
func (c *Connector) Probe(ctx context.Context, acct connectors.Account) error {
	s, err := c.newSession(ctx, acct)
	if err != nil {
		return err
	}
	a, _, err := s.verifyCredentials()
	if err != nil {
		return err
	}
	return checkOwner(acct, a)
}

// checkOwner fails when the token belongs to another account than the one
// configured.
func checkOwner(acct connectors.Account, a *account) error {
	if acct.ExternalID != "" && acct.ExternalID != a.ID {
		return fmt.Errorf("mastodon: verify credentials: the token belongs to account %s, not %s: %w", a.ID, acct.ExternalID, connectors.ErrAuth)
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
	acct  connectors.Account
	cs    *cursor
	ownID string
	now   time.Time

	// statusesFrom is the cursor's own-status mark when the poll began.
	statusesFrom string
	// covered is the id range the newest own page vouches for: every own
	// status in [coveredLo, ∞) is in it (coveredLo "" covers everything).
	covered, coveredAll bool
	coveredLo           string

	fetched []fetched
	// rootOf maps a status id to its conversation's root id, for every
	// status known: window posts, their known replies, and what this poll
	// learnt; ownRoot tells whether a root is an own post.
	rootOf  map[string]string
	ownRoot map[string]bool

	items     []connectors.Item
	emitted   map[string]int
	deletions []connectors.Deletion
	confirms  int
}

// fetched is a status read from a list, with where it came from.
type fetched struct {
	st *status
	// old is set for own statuses at or below the cursor's mark: re-read only
	// to see edits.
	old bool
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
	me, raw, err := s.verifyCredentials()
	if err != nil {
		return connectors.Batch{}, err
	}
	if err := checkOwner(acct, me); err != nil {
		return connectors.Batch{}, err
	}
	if cs.Account != "" && cs.Account != me.ID {
		c.log.LogAttrs(ctx, slog.LevelWarn, "cursor of another account; starting over", slog.String("account", acct.ID))
		cs = &cursor{V: cursorVersion}
	}
	cs.Account = me.ID
	p := &poller{
		c: c, s: s, acct: acct, cs: cs, ownID: me.ID, now: c.now(),
		statusesFrom: cs.Statuses,
		rootOf:       map[string]string{},
		ownRoot:      map[string]bool{},
		emitted:      map[string]int{},
	}
	for _, w := range cs.Window {
		p.rootOf[w.ID] = w.ID
		p.ownRoot[w.ID] = true
		for id := range w.Known {
			p.rootOf[id] = w.ID
		}
	}
	moreStatuses, err := p.ownStatuses()
	if err != nil {
		return connectors.Batch{}, err
	}
	moreMentions, err := p.mentions()
	if err != nil {
		return connectors.Batch{}, err
	}
	if err := p.classifyFetched(); err != nil {
		return connectors.Batch{}, err
	}
	more := moreStatuses || moreMentions
	if !more {
		if err := p.recheck(); err != nil {
			return connectors.Batch{}, err
		}
	}
	cs.trim(c.cfg.WindowPosts, c.cfg.WindowAge, p.now)
	return connectors.Batch{
		Items:     p.items,
		Deletions: p.deletions,
		Profile:   me.profile(raw),
		Cursor:    cs.encode(),
		More:      more,
		Budget:    s.budget(),
	}, nil
}

// pageQuery is the query of a list call.
func (p *poller) pageQuery(limit int, kv ...string) url.Values {
	q := url.Values{"limit": {strconv.Itoa(limit)}}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return q
}

// ownStatuses reads the account's statuses; it reports whether the gap to
// the cursor is still open (More).
func (p *poller) ownStatuses() (bool, error) {
	cfg := p.c.cfg
	limit := cfg.PageLimit
	page, resp, err := p.s.listStatuses(p.ownID, p.pageQuery(limit, "exclude_reblogs", "true"))
	if err != nil {
		return false, err
	}
	p.addStatuses(page)
	if p.cs.Statuses == "" { // first poll: read back to the window's age
		newest := maxIDOf(page)
		horizon := p.now.Add(-cfg.WindowAge)
		for pages := 1; pages < cfg.MaxPages && len(page) == limit && !oldestCreated(page).Before(horizon); pages++ {
			older := minIDOf(page)
			if l := linkParam(resp.Header.Get("Link"), "next", "max_id"); l != "" && compareIDs(l, older) < 0 {
				older = l // never skip past what the page showed
			}
			page, resp, err = p.s.listStatuses(p.ownID, p.pageQuery(limit, "exclude_reblogs", "true", "max_id", older))
			if err != nil {
				return false, err
			}
			p.addStatuses(page)
		}
		p.cs.Statuses = newest
		return false, nil
	}
	// The newest page vouches for every own status in its id range, and for
	// all older ones when it is not full.
	if len(page) > 0 {
		p.covered = true
		p.coveredLo = minIDOf(page)
		p.coveredAll = len(page) < limit
		p.notePageDeletions(page)
	}
	if len(page) < limit || compareIDs(minIDOf(page), p.cs.Statuses) <= 0 {
		if len(page) > 0 {
			p.cs.Statuses = maxID(p.cs.Statuses, maxIDOf(page))
		}
		return false, nil
	}
	// A gap: read it gap-free, oldest first, with min_id.
	joinAt := minIDOf(page)
	mark := p.cs.Statuses
	for pages := 1; pages < cfg.MaxPages; pages++ {
		chunk, resp, err := p.s.listStatuses(p.ownID, p.pageQuery(limit, "exclude_reblogs", "true", "min_id", mark))
		if err != nil {
			return false, err
		}
		p.addStatuses(chunk)
		if len(chunk) == 0 {
			p.cs.Statuses = maxID(mark, maxIDOf(page))
			return false, nil
		}
		next := maxIDOf(chunk)
		if l := linkParam(resp.Header.Get("Link"), "prev", "min_id"); l != "" && compareIDs(l, mark) > 0 && compareIDs(l, next) < 0 {
			next = l // never skip past what the page showed
		}
		mark = next
		if compareIDs(mark, joinAt) >= 0 {
			p.cs.Statuses = maxID(mark, maxIDOf(page))
			return false, nil
		}
	}
	p.cs.Statuses = mark
	return true, nil
}

// addStatuses queues own statuses for classification.
func (p *poller) addStatuses(sts []*status) {
	for _, st := range sts {
		if !isNull(st.Reblog) {
			continue
		}
		p.fetched = append(p.fetched, fetched{st: st, old: p.statusesFrom != "" && compareIDs(st.ID, p.statusesFrom) <= 0})
	}
}

// notePageDeletions marks window posts missing from the newest page's range
// as deleted.
func (p *poller) notePageDeletions(page []*status) {
	in := make(map[string]bool, len(page))
	for _, st := range page {
		in[st.ID] = true
	}
	for _, w := range append([]*windowPost(nil), p.cs.Window...) {
		if in[w.ID] || compareIDs(w.ID, p.statusesFrom) > 0 {
			continue
		}
		if p.coveredAll || compareIDs(w.ID, p.coveredLo) >= 0 {
			p.deleted(w.ID)
			p.cs.remove(w.ID)
		}
	}
}

// mentions reads the mention notifications; it reports whether more remain
// (More).
func (p *poller) mentions() (bool, error) {
	cfg := p.c.cfg
	limit := min(cfg.PageLimit, 80)
	q := func(kv ...string) url.Values {
		v := p.pageQuery(limit, kv...)
		v["types[]"] = []string{"mention"}
		return v
	}
	if p.cs.Notifications == "" { // first poll: read back to the window's age
		page, resp, err := p.s.listMentions(q())
		if err != nil {
			return false, err
		}
		newest := p.addMentions(page)
		horizon := p.now.Add(-cfg.WindowAge)
		for pages := 1; pages < cfg.MaxPages && len(page) == limit && !oldestNotification(page).Before(horizon); pages++ {
			older := minIDOf(page)
			if l := linkParam(resp.Header.Get("Link"), "next", "max_id"); l != "" && compareIDs(l, older) < 0 {
				older = l
			}
			page, resp, err = p.s.listMentions(q("max_id", older))
			if err != nil {
				return false, err
			}
			p.addMentions(page)
		}
		p.cs.Notifications = newest
		return false, nil
	}
	mark := p.cs.Notifications
	for pages := 0; pages < cfg.MaxPages; pages++ {
		page, resp, err := p.s.listMentions(q("min_id", mark))
		if err != nil {
			return false, err
		}
		p.addMentions(page)
		if len(page) == 0 {
			p.cs.Notifications = mark
			return false, nil
		}
		next := maxIDOf(page)
		if l := linkParam(resp.Header.Get("Link"), "prev", "min_id"); l != "" && compareIDs(l, mark) > 0 && compareIDs(l, next) < 0 {
			next = l
		}
		mark = next
		if len(page) < limit {
			p.cs.Notifications = mark
			return false, nil
		}
	}
	p.cs.Notifications = mark
	return true, nil
}

// addMentions queues the statuses of mention notifications by others and
// returns the newest notification id.
func (p *poller) addMentions(ns []*notification) string {
	newest := ""
	for _, n := range ns {
		newest = maxID(newest, n.ID)
		if n.Type != "mention" || n.status == nil || n.status.Account.ID == p.ownID || !isNull(n.status.Reblog) {
			continue
		}
		p.fetched = append(p.fetched, fetched{st: n.status})
	}
	return newest
}

// classifyFetched classifies the statuses read from the lists, oldest first
// so parents come before their replies, and emits the new and the edited.
func (p *poller) classifyFetched() error {
	sort.SliceStable(p.fetched, func(i, j int) bool { return compareIDs(p.fetched[i].st.ID, p.fetched[j].st.ID) < 0 })
	for i, f := range p.fetched {
		if i > 0 && p.fetched[i-1].st.ID == f.st.ID && !p.fetched[i-1].old {
			continue // the same status from two lists
		}
		if err := p.take(f.st, "", f.old); err != nil {
			return err
		}
	}
	return nil
}

// take classifies one status (under root when the caller knows it), updates
// the window, and emits it when it is new or changed. Own statuses already
// seen (old) that the window does not track are skipped.
func (p *poller) take(st *status, root string, old bool) error {
	edited := unixMilli(st.edited)
	if w := p.cs.post(st.ID); w != nil {
		if w.Edited != edited {
			w.Edited = edited
			p.emit(st.item(p.ownID, connectors.KindPost, "", ""))
		}
		return nil
	}
	if r, ok := p.rootOf[st.ID]; ok {
		if w := p.cs.post(r); w != nil {
			if k := w.Known[st.ID]; k != nil {
				if k.Edited != edited {
					k.Edited = edited
					kind := connectors.KindReply
					if st.parent() == r {
						kind = connectors.KindComment
					}
					p.emit(st.item(p.ownID, kind, st.parent(), r))
				}
				return nil
			}
		}
	}
	if old {
		return nil
	}
	parent := st.parent()
	own := st.Account.ID == p.ownID
	if parent == "" {
		if own {
			p.rootOf[st.ID] = st.ID
			p.ownRoot[st.ID] = true
			if !st.created.Before(p.now.Add(-p.c.cfg.WindowAge)) {
				p.cs.Window = append(p.cs.Window, &windowPost{ID: st.ID, Created: st.created.Unix(), Edited: edited, Checked: p.now.Unix()})
			}
			p.emit(st.item(p.ownID, connectors.KindPost, "", ""))
		} else {
			p.emit(st.item(p.ownID, connectors.KindMention, "", ""))
		}
		return nil
	}
	if root == "" {
		var err error
		if root, err = p.findRoot(st); err != nil {
			return err
		}
	}
	p.rootOf[st.ID] = root
	var kind connectors.Kind
	switch {
	case root != "" && p.ownRoot[root] && parent == root:
		kind = connectors.KindComment
	case root != "" && p.ownRoot[root]:
		kind = connectors.KindReply
	case own:
		kind = connectors.KindReply
	default:
		kind = connectors.KindMention
	}
	if w := p.cs.post(root); w != nil {
		if w.Known == nil {
			w.Known = map[string]*knownReply{}
		}
		w.Known[st.ID] = &knownReply{Edited: edited}
	}
	p.emit(st.item(p.ownID, kind, parent, root))
	return nil
}

// findRoot finds the conversation root of a status whose parent is unknown,
// with one context call; "" when the thread above it is gone.
func (p *poller) findRoot(st *status) (string, error) {
	if r, ok := p.rootOf[st.parent()]; ok {
		return r, nil
	}
	c, err := p.s.context(st.ID)
	switch {
	case isNotFound(err):
		return "", nil // deleted since it was listed
	case err != nil:
		return "", err
	}
	if len(c.Ancestors) == 0 {
		return "", nil
	}
	top := c.Ancestors[0]
	root := top.ID
	if top.parent() != "" { // the thread goes higher than we can see
		root = ""
	}
	if root != "" {
		p.ownRoot[root] = top.Account.ID == p.ownID
		for _, a := range c.Ancestors {
			if _, ok := p.rootOf[a.ID]; !ok {
				p.rootOf[a.ID] = root
			}
		}
	}
	return root, nil
}

// emit adds an item to the batch; a status emitted twice keeps its latest
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

// recheck re-reads the conversations of the least recently checked window
// posts.
func (p *poller) recheck() error {
	if p.s.haveRL && p.s.rl.Remaining >= 0 && p.s.rl.Remaining < minRemainingForRecheck {
		return nil
	}
	var due []*windowPost
	for _, w := range p.cs.Window {
		if w.Checked < p.now.Unix() { // not a post this poll just added
			due = append(due, w)
		}
	}
	sort.SliceStable(due, func(i, j int) bool {
		if due[i].Checked != due[j].Checked {
			return due[i].Checked < due[j].Checked
		}
		return compareIDs(due[i].ID, due[j].ID) > 0
	})
	for _, w := range due[:min(len(due), p.c.cfg.RecheckPerPoll)] {
		if err := p.recheckPost(w); err != nil {
			return err
		}
	}
	return nil
}

// recheckPost re-reads one window post's conversation.
func (p *poller) recheckPost(w *windowPost) error {
	c, err := p.s.context(w.ID)
	switch {
	case isNotFound(err):
		p.deleted(w.ID)
		p.cs.remove(w.ID)
		return nil
	case err != nil:
		return err
	}
	w.Checked = p.now.Unix()
	if !p.coveredAll && (!p.covered || compareIDs(w.ID, p.coveredLo) < 0) && p.statusesFrom != "" {
		st, err := p.s.status(w.ID)
		switch {
		case isNotFound(err):
			p.deleted(w.ID)
			p.cs.remove(w.ID)
			return nil
		case err != nil:
			return err
		}
		if err := p.take(st, "", true); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	desc := append([]*status(nil), c.Descendants...)
	sort.SliceStable(desc, func(i, j int) bool { return compareIDs(desc[i].ID, desc[j].ID) < 0 })
	for _, d := range desc {
		if !isNull(d.Reblog) {
			continue
		}
		seen[d.ID] = true
		if k := w.Known[d.ID]; k != nil {
			k.Detached = false
		}
		p.rootOf[d.ID] = w.ID
		if err := p.take(d, w.ID, false); err != nil {
			return err
		}
	}
	missing := make([]string, 0)
	for id, k := range w.Known {
		if !seen[id] && !k.Detached {
			missing = append(missing, id)
		}
	}
	sort.Slice(missing, func(i, j int) bool { return compareIDs(missing[i], missing[j]) < 0 })
	for _, id := range missing {
		if p.confirms >= maxConfirmations {
			break
		}
		p.confirms++
		st, err := p.s.status(id)
		switch {
		case isNotFound(err):
			p.deleted(id)
			delete(w.Known, id)
			continue
		case err != nil:
			return err
		}
		w.Known[id].Detached = true
		if err := p.take(st, w.ID, false); err != nil {
			return err
		}
	}
	return nil
}

// identified is a decoded status or notification: both are paged by id.
type identified interface{ id() string }

func (s *status) id() string       { return s.ID }
func (n *notification) id() string { return n.ID }

// minIDOf and maxIDOf return the lowest and highest id of a page ("" when empty),
// comparing ids as Mastodon's numbers.
func minIDOf[T identified](xs []T) string {
	m := ""
	for _, x := range xs {
		if m == "" || compareIDs(x.id(), m) < 0 {
			m = x.id()
		}
	}
	return m
}

func maxIDOf[T identified](xs []T) string {
	m := ""
	for _, x := range xs {
		m = maxID(m, x.id())
	}
	return m
}

func oldestCreated(sts []*status) time.Time {
	var t time.Time
	for _, s := range sts {
		if t.IsZero() || s.created.Before(t) {
			t = s.created
		}
	}
	return t
}

// oldestNotification is the creation of the oldest notification of a page
// (unparsable times count as old).
func oldestNotification(ns []*notification) time.Time {
	var t time.Time
	for _, n := range ns {
		c, err := parseTime(n.CreatedAt)
		if err != nil {
			return time.Time{}
		}
		if t.IsZero() || c.Before(t) {
			t = c
		}
	}
	return t
}
