package agent

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/policy/calendar"
	"github.com/ife-mx/vigia/policy/response"
)

// The response clock (Criterios 5.2.e, 6.xvi, 6.xvii): for every account, a
// response.Tracker that knows which comments by others need an answer and the
// account's first answer to each, measured in the account's attention calendar;
// the canned-reply check on own replies; the responses table in the archive; and
// the response metrics. The SLA tick (slaTick) measures open comments on its own
// schedule, so a comment can breach while no poll happens.

// rebuildWindow is how far back the tracker is rebuilt from the archive at start
// (its response rows rewritten): conversations older than that are finished, and
// their figures are in the responses table already. Comments still open from
// before it are held as well.
const rebuildWindow = 45 * 24 * time.Hour

// hotWindow is how long a conversation stays whole in memory after its latest
// item: older ones are let go (response.Tracker.Prune) but for their open
// comments, and loaded back from the archive when something arrives for them.
const hotWindow = 6 * time.Hour

// pruneEvery is how often the trackers let go of quiet conversations.
const pruneEvery = 10 * time.Minute

// rebuildsAtOnce bounds the accounts rebuilt from the archive at the same time:
// each replays up to rebuildWindow of its items, which is memory while it runs.
const rebuildsAtOnce = 2

// slaTickEvery is the SLA tick's period.
const slaTickEvery = 10 * time.Second

// Rules of the flags the response clock reads or writes.
const (
	RuleOffensive   = "offensive"
	RuleSpam        = "spam"
	RuleCannedReply = "canned_reply"
)

// accountClock is one account's response state. mu guards everything but the
// tracker and the canned check, which lock themselves; feeding the tracker (and
// loading conversations into it) happens under mu.
type accountClock struct {
	mu      sync.Mutex
	cfg     AccountConfig
	sla     response.SLA
	tracker *response.Tracker
	canned  *response.Canned
}

// responder holds every account's response clock.
type responder struct {
	a      *Agent
	mu     sync.Mutex
	clocks map[string]*accountClock
	// wg tracks the rebuilds running in the background; rebuilds bounds them.
	wg       sync.WaitGroup
	rebuilds chan struct{}
	// hot and pruneEvery are hotWindow and pruneEvery (tests shorten them).
	hot, pruneEvery time.Duration
}

func newResponder(a *Agent) *responder {
	r := &responder{a: a, clocks: map[string]*accountClock{}, rebuilds: make(chan struct{}, rebuildsAtOnce),
		hot: hotWindow, pruneEvery: pruneEvery}
	if w := a.opts.responseWindows; w != nil {
		r.hot, r.pruneEvery = w[0], w[1]
	}
	return r
}

// configure builds or updates the clocks of cfg's accounts. A new account is
// rebuilt from the archive; an account whose calendar or policy changed gets the
// new SLA, keeping what it tracks.
func (r *responder) configure(ctx context.Context, cfg *Config) error {
	type built struct {
		ac  AccountConfig
		sla response.SLA
	}
	var todo []built
	// Accounts with the same attention hours share one calendar (immutable, and
	// tens of kilobytes of precomputed days each).
	cals := map[string]*calendar.Calendar{}
	for _, ac := range cfg.AccountConfigs() {
		key, err := json.Marshal(ac.Attention)
		if err != nil {
			return fmt.Errorf("agent: attention calendar of %s: %w", ac.ID, err)
		}
		cal := cals[string(key)]
		if cal == nil {
			if cal, err = calendar.New(ac.Attention); err != nil {
				return fmt.Errorf("agent: attention calendar of %s: %w", ac.ID, err)
			}
			cals[string(key)] = cal
		}
		todo = append(todo, built{ac, response.NewSLA(cal, ac.Response)})
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	next := make(map[string]*accountClock, len(todo))
	for _, b := range todo {
		if c, ok := r.clocks[b.ac.ID]; ok && c.cfg.Network == b.ac.Network {
			c.mu.Lock()
			c.cfg = b.ac
			c.sla = b.sla
			c.mu.Unlock()
			c.tracker.SetSLA(b.sla)
			next[b.ac.ID] = c
			continue
		}
		c := &accountClock{cfg: b.ac, sla: b.sla, tracker: response.NewTracker(b.sla, b.ac.Response.Answers),
			canned: response.NewCanned(b.ac.Response.Canned)}
		// The rebuild runs in the background, holding the clock's lock: polls start
		// at once, and this account's review and tracking wait until it is done.
		c.mu.Lock()
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			defer c.mu.Unlock()
			r.rebuilds <- struct{}{}
			defer func() { <-r.rebuilds }()
			if err := r.rebuild(ctx, c); err != nil {
				r.a.log.Error("could not rebuild the response clock from the archive", slog.String("network", c.cfg.Network),
					slog.String("account", c.cfg.ID), slog.Any("error", err))
			}
		}()
		next[b.ac.ID] = c
	}
	r.clocks = next
	return nil
}

// rebuild replays the account's recent archive into its clock, and rewrites the
// responses table for what it recomputed, so a restart changes no figure. Older
// comments still open are held too; then the clock lets go of the conversations
// quiet for hotWindow, as it does while running. The caller holds c.mu.
func (r *responder) rebuild(ctx context.Context, c *accountClock) error {
	now := r.a.now()
	since := now.Add(-rebuildWindow)
	intents := map[string]string{}
	var rows []archive.ResponseRow
	// The delays stored with answers found again (see below).
	kept := map[string]archive.ResponseRow{}
	err := r.a.store.ResponseItemsSince(ctx, c.cfg.ID, since, func(it archive.ResponseItem) error {
		e, d := c.entry(it, nil)
		c.tracker.Observe(e)
		if !it.Own && it.Kind != connectors.KindPost {
			intents[it.ExternalID] = string(d.Intent.Intent)
			if !d.Needs {
				rows = append(rows, archive.ResponseRow{Comment: it.ExternalID, Intent: string(d.Intent.Intent)})
			}
		}
		if p := it.Prior; p != nil && p.Reply != "" && p.State != "" {
			kept[it.ExternalID] = *p
		}
		return nil
	})
	if err != nil {
		return err
	}
	rows = append(rows, c.rows(c.tracker.Snapshot(), intents)...)
	// A comment answered before this start keeps the delay measured then, with the
	// calendar in force when the answer was found: a calendar changed since does not
	// rewrite the past (the semester report reads these figures).
	for i, row := range rows {
		if old, ok := kept[row.Comment]; ok && row.Reply != "" && old.Reply == row.Reply {
			rows[i].Business, rows[i].Wall, rows[i].State = old.Business, old.Wall, old.State
		}
	}
	if err := r.a.store.SaveResponses(ctx, c.cfg.Network, c.cfg.ID, rows); err != nil {
		return err
	}
	// Comments from before the window still waiting: held (their conversations
	// cold) so the SLA tick counts them and an answer finds them.
	err = r.a.store.OpenComments(ctx, c.cfg.ID, since, func(it archive.ResponseItem) error {
		c.tracker.Restore(response.Entry{ID: it.ExternalID, Kind: it.Kind, RootID: it.RootID, CreatedAt: it.CreatedAt, NeedsAnswer: true})
		return nil
	})
	if err != nil {
		return err
	}
	r.a.alerts.reconcile(ctx, c.cfg, c.tracker.Status)
	c.tracker.Prune(now.Add(-r.hot), now)
	return r.oldestHint(ctx, c)
}

// oldestHint tells the tracker the archive's oldest open comment while some are
// dormant (see response.Tracker.Prune).
func (r *responder) oldestHint(ctx context.Context, c *accountClock) error {
	if c.tracker.Dormant() == 0 {
		return nil
	}
	id, at, err := r.a.store.OldestOpen(ctx, c.cfg.ID)
	if err != nil {
		return err
	}
	c.tracker.SetOldestOpen(id, at)
	return nil
}

// entry turns an archived item into the tracker's Entry with its NeedsAnswer
// decision. With decided nil (a rebuild) NeedsAnswer decides afresh; otherwise
// (a conversation loaded while running) an item of decided takes that decision,
// and any other its stored row's verdict, or NeedsAnswer's when it has no row.
func (c *accountClock) entry(it archive.ResponseItem, decided map[string]response.Decision) (response.Entry, response.Decision) {
	item := connectors.Item{ExternalID: it.ExternalID, Kind: it.Kind, ParentID: it.ParentID, RootID: it.RootID,
		AuthorID: it.AuthorID, AuthorHandle: it.AuthorHandle, Own: it.Own, CreatedAt: it.CreatedAt, Text: it.Text}
	var d response.Decision
	switch dd, ok := decided[it.ExternalID]; {
	case it.Own:
	case ok:
		d = dd
	case decided != nil && it.Prior != nil:
		d.Needs = it.Prior.NeedsAnswer
		d.Intent.Intent = response.Intent(it.Prior.Intent)
	default:
		// A comment the administrators marked as a false positive is not offensive:
		// it awaits an answer again (from the next start on).
		offensive := slices.Contains(it.Flags, RuleOffensive) && it.Decision != "false_positive"
		d = c.decide(item, it.ParentOwn, offensive, slices.Contains(it.Flags, RuleSpam), false)
	}
	e := response.EntryOf(item, d.Needs)
	e.Deleted = !it.DeletedAt.IsZero()
	return e, d
}

// decide is NeedsAnswer with the account's policy. spamChecked says spam already
// holds the built-in spam heuristic's verdict (the review ran it before the
// commit), so NeedsAnswer does not run it again.
func (c *accountClock) decide(it connectors.Item, parentOwn, offensive, spam, spamChecked bool) response.Decision {
	return response.NeedsAnswer(it, response.Options{
		Intents: c.cfg.Response.Intents, AccountHandle: c.cfg.Handle,
		ParentOwn: parentOwn, Offensive: offensive, Spam: spam, SpamChecked: spamChecked,
	})
}

// rows turns tracker statuses into archive rows; intents gives each comment's intent
// (looked up from the tracker's entries when absent).
func (c *accountClock) rows(sts []response.Status, intents map[string]string) []archive.ResponseRow {
	out := make([]archive.ResponseRow, 0, len(sts))
	for _, st := range sts {
		row := archive.ResponseRow{Comment: st.Comment, NeedsAnswer: true, Intent: intents[st.Comment]}
		if st.Answered {
			row.Reply, row.How, row.Business, row.Wall = st.Answer.ID, string(st.Answer.How), st.Business, st.Wall
			row.State = string(c.sla.Answered(st.Business))
		}
		out = append(out, row)
	}
	return out
}

// review runs before a batch is committed: it flags own replies pasted to many
// users (6.xvi) and spam comments, so the flags land with the items.
func (r *responder) review(acct connectors.Account, items []connectors.Item) []archive.Flag {
	r.mu.Lock()
	c := r.clocks[acct.ID]
	r.mu.Unlock()
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var flags []archive.Flag
	recipients := r.recipients(c, items)
	for _, it := range items {
		switch {
		case it.Own && it.Kind != connectors.KindPost:
			v := c.canned.Add(response.Reply{ID: it.ExternalID, Recipient: recipients[it.ParentID], At: it.CreatedAt, Text: it.Text})
			if v.Canned {
				flags = append(flags, archive.Flag{ExternalID: it.ExternalID, Rule: RuleCannedReply, Category: "not_personalised",
					Severity: "warning", Score: 1, Evidence: fmt.Sprintf(`{"users":%d,"copies":%d}`, v.Users, len(v.Copies))})
			}
		case !it.Own:
			if v := response.Spam(it.Text); v.Spam {
				flags = append(flags, archive.Flag{ExternalID: it.ExternalID, Rule: RuleSpam, Category: v.Rule,
					Severity: "info", Score: 1, Evidence: jsonString(v.Match)})
			}
		}
	}
	return flags
}

// recipients returns, by id, the author of each parent of the own replies among
// items (empty for an own parent): from the batch, the tracker, or the archive.
// The caller holds c.mu.
func (r *responder) recipients(c *accountClock, items []connectors.Item) map[string]string {
	out := map[string]string{}
	batch := make(map[string]*connectors.Item, len(items))
	for i := range items {
		batch[items[i].ExternalID] = &items[i]
	}
	var ask []string
	for _, it := range items {
		if !it.Own || it.Kind == connectors.KindPost || it.ParentID == "" {
			continue
		}
		if _, done := out[it.ParentID]; done {
			continue
		}
		if p := batch[it.ParentID]; p != nil {
			out[it.ParentID] = recipient(p.Own, p.AuthorID)
		} else if f, ok := c.tracker.Fact(it.ParentID); ok {
			out[it.ParentID] = recipient(f.Own, f.AuthorID)
		} else {
			out[it.ParentID] = ""
			ask = append(ask, it.ParentID)
		}
	}
	if len(ask) > 0 {
		facts, err := r.a.store.ItemFacts(context.Background(), c.cfg.Network, ask)
		if err != nil {
			r.a.log.Error("could not read the parents of own replies", slog.String("network", c.cfg.Network),
				slog.String("account", c.cfg.ID), slog.Any("error", err))
		}
		for id, f := range facts {
			out[id] = recipient(f.Own, f.AuthorID)
		}
	}
	return out
}

func recipient(own bool, author string) string {
	if own {
		return ""
	}
	return author
}

// committed runs after a batch is committed: it feeds the new and edited items
// and the deletions to the account's tracker, stores what changed in the
// responses table and updates the response metrics. A conversation the tracker
// let go of (or never held) is loaded from the archive first, the batch already
// in it, and its comments' stored rows give the events.
func (r *responder) committed(ctx context.Context, cfg AccountConfig, b connectors.Batch, flags []archive.Flag, stored map[string]bool) {
	r.mu.Lock()
	c := r.clocks[cfg.ID]
	r.mu.Unlock()
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	ctx = context.WithoutCancel(ctx)
	m := r.a.metrics
	flagged := map[string]map[string]bool{}
	for _, f := range flags {
		if flagged[f.ExternalID] == nil {
			flagged[f.ExternalID] = map[string]bool{}
		}
		flagged[f.ExternalID][f.Rule] = true
	}
	// Items re-delivered unchanged are nothing new (and an administrator's verdict
	// stands): the archive and the responses table have them already.
	var work []connectors.Item
	for _, it := range b.Items {
		if stored[it.ExternalID] {
			work = append(work, it)
		}
	}
	if len(work) == 0 && len(b.Deletions) == 0 {
		return
	}
	facts := r.facts(ctx, c, b, work)
	batchOwn := map[string]bool{}
	for _, it := range b.Items {
		if it.Own {
			batchOwn[it.ExternalID] = true
		}
	}
	decided := map[string]response.Decision{}
	for _, it := range work {
		if !it.Own {
			decided[it.ExternalID] = c.decide(it, batchOwn[it.ParentID] || facts[it.ParentID].Own,
				flagged[it.ExternalID][RuleOffensive], flagged[it.ExternalID][RuleSpam], true)
		}
	}
	changed := map[string]bool{}
	loaded := map[string]bool{}
	hadRow := map[string]bool{}
	dormant := c.tracker.Dormant()
	// The conversations the tracker does not hold whole are loaded first.
	var roots []string
	want := map[string]bool{}
	for _, it := range work {
		want[response.EntryOf(it, false).Root()] = true
	}
	for _, d := range b.Deletions {
		want[facts[d.ExternalID].Root] = true
	}
	for root := range want {
		if root != "" && !c.tracker.Resident(root) {
			roots = append(roots, root)
		}
	}
	slices.Sort(roots)
	r.load(ctx, c, roots, decided, loaded, hadRow, changed)
	intents := map[string]string{}
	var rows []archive.ResponseRow
	for _, it := range work {
		d := decided[it.ExternalID]
		seen := hadRow[it.ExternalID]
		if !loaded[response.EntryOf(it, false).Root()] {
			_, seen = c.tracker.Fact(it.ExternalID)
			r.account(cfg, c.tracker.Observe(response.EntryOf(it, d.Needs)), changed)
		}
		if !it.Own && it.Kind != connectors.KindPost {
			intents[it.ExternalID] = string(d.Intent.Intent)
			if seen && d.Needs {
				changed[it.ExternalID] = true // edited: its row takes the new text's intent
			}
			if !seen {
				m.CommentsReceived.WithLabelValues(cfg.Network, cfg.ID, string(d.Intent.Intent)).Inc()
			}
			if !d.Needs {
				rows = append(rows, archive.ResponseRow{Comment: it.ExternalID, Intent: string(d.Intent.Intent)})
			}
		}
		if flagged[it.ExternalID][RuleCannedReply] {
			m.CannedReplies.WithLabelValues(cfg.Network, cfg.ID).Inc()
		}
	}
	for _, d := range b.Deletions {
		r.account(cfg, c.tracker.Delete(d.ExternalID, d.ObservedAt), changed)
	}
	for id := range changed {
		if st, ok := c.tracker.Status(id); ok {
			rows = append(rows, c.rows([]response.Status{st}, intents)...)
		} else {
			// withdrawn (deleted, or no longer needing an answer)
			rows = append(rows, archive.ResponseRow{Comment: id, Intent: intents[id]})
		}
	}
	if err := r.a.store.SaveResponses(ctx, cfg.Network, cfg.ID, rows); err != nil {
		r.a.log.Error("could not store response states", slog.String("network", cfg.Network), slog.String("account", cfg.ID), slog.Any("error", err))
	}
	if c.tracker.Dormant() < dormant {
		// A dormant comment came back: the oldest open one may have changed.
		if err := r.oldestHint(ctx, c); err != nil {
			r.a.log.Error("could not read the oldest open comment", slog.String("network", cfg.Network), slog.String("account", cfg.ID), slog.Any("error", err))
		}
	}
}

// facts returns what committed needs to know of items outside the batch: whether
// the parents of users' items are own (NeedsAnswer's ParentOwn), and the
// conversations of deleted items. The tracker answers for what it holds, the
// archive for the rest; an item neither holds has a zero Fact. The caller holds
// c.mu.
func (r *responder) facts(ctx context.Context, c *accountClock, b connectors.Batch, work []connectors.Item) map[string]response.Fact {
	facts := map[string]response.Fact{}
	var ask []string
	want := func(id string) {
		if _, ok := facts[id]; ok || id == "" {
			return
		}
		if f, ok := c.tracker.Fact(id); ok {
			facts[id] = f
			return
		}
		facts[id] = response.Fact{}
		ask = append(ask, id)
	}
	for _, it := range work {
		if !it.Own {
			want(it.ParentID)
		}
	}
	for _, d := range b.Deletions {
		want(d.ExternalID)
	}
	if len(ask) == 0 {
		return facts
	}
	got, err := r.a.store.ItemFacts(ctx, c.cfg.Network, ask)
	if err != nil {
		r.a.log.Error("could not read items for the response clock", slog.String("network", c.cfg.Network),
			slog.String("account", c.cfg.ID), slog.Any("error", err))
	}
	for id, f := range got {
		facts[id] = response.Fact{Root: cmp.Or(f.RootID, id), Own: f.Own, AuthorID: f.AuthorID, Handle: f.AuthorHandle}
	}
	return facts
}

// load brings the conversations roots into the tracker from the archive (in one
// query) and accounts for the events: the batch's items take their decisions
// from decided, the others their stored rows' verdicts. The comments that had a
// row are added to hadRow, the roots loaded to loaded. The caller holds c.mu.
func (r *responder) load(ctx context.Context, c *accountClock, roots []string, decided map[string]response.Decision, loaded, hadRow, changed map[string]bool) {
	if len(roots) == 0 {
		return
	}
	entries := map[string][]response.Entry{}
	prior := map[string]map[string]response.Prior{}
	err := r.a.store.Conversations(ctx, c.cfg.Network, c.cfg.ID, roots, func(root string, it archive.ResponseItem) error {
		e, _ := c.entry(it, decided)
		if e.Root() != root {
			return nil // under the root, but filed in another conversation
		}
		entries[root] = append(entries[root], e)
		if p := it.Prior; p != nil {
			hadRow[it.ExternalID] = true
			if p.NeedsAnswer {
				if prior[root] == nil {
					prior[root] = map[string]response.Prior{}
				}
				prior[root][it.ExternalID] = response.Prior{Needs: true, Answer: response.Answer{ID: p.Reply, How: response.How(p.How)}}
			}
		}
		return nil
	})
	if err != nil {
		// The items are fed one by one instead, as to conversations held whole.
		r.a.log.Error("could not load conversations for the response clock", slog.String("network", c.cfg.Network),
			slog.String("account", c.cfg.ID), slog.Int("conversations", len(roots)), slog.Any("error", err))
		return
	}
	for _, root := range roots {
		loaded[root] = true
		r.account(c.cfg, c.tracker.Load(root, entries[root], prior[root]), changed)
	}
}

// account updates the metrics for tracker events and collects the comments whose
// row changed.
func (r *responder) account(cfg AccountConfig, evs []response.Event, changed map[string]bool) {
	m := r.a.metrics
	for _, ev := range evs {
		changed[ev.Comment] = true
		switch ev.Kind {
		case response.EventOpened:
			m.CommentsNeedingAnswer.WithLabelValues(cfg.Network, cfg.ID).Inc()
		case response.EventAnswered:
			if ev.Previous.ID != "" {
				continue // an earlier answer found: the comment was counted already
			}
			outcome := "in_time"
			if ev.State == response.StateAnsweredLate {
				outcome = "late"
			}
			m.Responses.WithLabelValues(cfg.Network, cfg.ID, outcome).Inc()
			m.FirstResponseBusiness.WithLabelValues(cfg.Network, cfg.ID).Observe(ev.Business.Seconds())
			m.FirstResponseWall.WithLabelValues(cfg.Network, cfg.ID).Observe(ev.Wall.Seconds())
		}
	}
	r.a.alerts.responses(cfg, evs)
}

// tick measures every account's open comments now and exports the backlog by SLA
// state and the oldest waiting comment.
func (r *responder) tick(now time.Time) {
	start := time.Now()
	r.mu.Lock()
	clocks := make([]*accountClock, 0, len(r.clocks))
	for _, c := range r.clocks {
		clocks = append(clocks, c)
	}
	r.mu.Unlock()
	m := r.a.metrics
	for _, c := range clocks {
		if !c.mu.TryLock() {
			continue // rebuilding or tracking a batch: measured at the next tick
		}
		network, id, acfg := c.cfg.Network, c.cfg.ID, c.cfg
		c.mu.Unlock()
		t := c.tracker.Evaluate(now)
		for _, st := range response.OpenStates {
			m.CommentsUnanswered.WithLabelValues(network, id, string(st)).Set(float64(t.Counts[st]))
		}
		m.OldestUnanswered.WithLabelValues(network, id).Set(t.Oldest.Seconds())
		breached := 0
		for _, ch := range t.Changes {
			if ch.State == response.StateBreached {
				breached++
			}
		}
		r.a.alerts.sla(acfg, t.Changes)
		if breached > 0 {
			r.a.log.Info("comments breached the response SLA", slog.String("network", network),
				slog.String("account", id), slog.Int("comments", breached))
		}
	}
	m.SLARefreshSeconds.Observe(time.Since(start).Seconds())
}

// run ticks until ctx is done; every pruneEvery it also lets go of the
// conversations quiet for hotWindow.
func (r *responder) run(ctx context.Context) {
	t := time.NewTicker(slaTickEvery)
	defer t.Stop()
	p := time.NewTicker(r.pruneEvery)
	defer p.Stop()
	r.tick(r.a.now())
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.tick(r.a.now())
		case <-p.C:
			r.prune(ctx, r.a.now())
		}
	}
}

// prune lets go of the conversations quiet for hotWindow (keeping their open
// comments, or counting them once breached).
func (r *responder) prune(ctx context.Context, now time.Time) {
	r.mu.Lock()
	clocks := make([]*accountClock, 0, len(r.clocks))
	for _, c := range r.clocks {
		clocks = append(clocks, c)
	}
	r.mu.Unlock()
	for _, c := range clocks {
		c.mu.Lock()
		c.tracker.Prune(now.Add(-r.hot), now)
		if err := r.oldestHint(ctx, c); err != nil {
			r.a.log.Error("could not read the oldest open comment", slog.String("network", c.cfg.Network), slog.String("account", c.cfg.ID), slog.Any("error", err))
		}
		c.mu.Unlock()
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(map[string]string{"match": s})
	return string(b)
}
