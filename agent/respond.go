package agent

import (
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

// rebuildWindow is how far back the tracker is rebuilt from the archive at start:
// conversations older than that are finished, and their figures are in the
// responses table already. Comments still open from before it are loaded as well.
const rebuildWindow = 45 * 24 * time.Hour

// parentLookback is how far before the rebuild window own items are remembered
// (not replayed): replies in the window to them need an answer.
const parentLookback = 7 * 24 * time.Hour

// slaTickEvery is the SLA tick's period.
const slaTickEvery = 10 * time.Second

// Rules of the flags the response clock reads or writes.
const (
	RuleOffensive   = "offensive"
	RuleSpam        = "spam"
	RuleCannedReply = "canned_reply"
)

// accountClock is one account's response state. mu guards everything but the
// tracker and the canned check, which lock themselves.
type accountClock struct {
	mu      sync.Mutex
	cfg     AccountConfig
	sla     response.SLA
	tracker *response.Tracker
	canned  *response.Canned
	// own and authors remember the own items and the authors of others' items the
	// tracker holds (with their creation, for pruning), for NeedsAnswer's ParentOwn
	// and canned replies' recipients.
	own     map[string]time.Time
	authors map[string]author
}

type author struct {
	id string
	at time.Time
}

// responder holds every account's response clock.
type responder struct {
	a      *Agent
	mu     sync.Mutex
	clocks map[string]*accountClock
	// wg tracks the rebuilds running in the background.
	wg sync.WaitGroup
}

func newResponder(a *Agent) *responder {
	return &responder{a: a, clocks: map[string]*accountClock{}}
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
	for _, ac := range cfg.AccountConfigs() {
		cal, err := calendar.New(ac.Attention)
		if err != nil {
			return fmt.Errorf("agent: attention calendar of %s: %w", ac.ID, err)
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
			canned: response.NewCanned(b.ac.Response.Canned), own: map[string]time.Time{}, authors: map[string]author{}}
		// The rebuild runs in the background, holding the clock's lock: polls start
		// at once, and this account's review and tracking wait until it is done.
		c.mu.Lock()
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			defer c.mu.Unlock()
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
// responses table for what it recomputed, so a restart changes no figure. The
// caller holds c.mu.
func (r *responder) rebuild(ctx context.Context, c *accountClock) error {
	since := r.a.now().Add(-rebuildWindow)
	if oldest, err := r.a.store.OldestOpenComment(ctx, c.cfg.ID); err != nil {
		return err
	} else if !oldest.IsZero() && oldest.Before(since) {
		since = oldest // a comment still waits from before the window: keep measuring it
	}
	var deleted []archive.StoredItem
	intents := map[string]string{}
	var rows []archive.ResponseRow
	err := r.a.store.ItemsSince(ctx, c.cfg.ID, since.Add(-parentLookback), func(it archive.StoredItem) error {
		if it.CreatedAt.Before(since) {
			// Before the window: only remember own items, so a reply in the window
			// to an own item just before it is known to be addressed to the account.
			if it.Own {
				c.own[it.ExternalID] = it.CreatedAt
			}
			return nil
		}
		item := connectors.Item{ExternalID: it.ExternalID, Kind: it.Kind, ParentID: it.ParentID, RootID: it.RootID,
			AuthorID: it.AuthorID, AuthorHandle: it.AuthorHandle, Own: it.Own, CreatedAt: it.CreatedAt, Text: it.Text}
		// A comment the administrators marked as a false positive is not offensive:
		// it awaits an answer again (from the next start on).
		offensive := slices.Contains(it.Flags, RuleOffensive) && it.Decision != "false_positive"
		_, d := c.observe(item, offensive, slices.Contains(it.Flags, RuleSpam), false)
		if !it.Own && it.Kind != connectors.KindPost {
			intents[it.ExternalID] = string(d.Intent.Intent)
			if !d.Needs {
				rows = append(rows, archive.ResponseRow{Comment: it.ExternalID, Intent: string(d.Intent.Intent)})
			}
		}
		if !it.DeletedAt.IsZero() {
			deleted = append(deleted, it)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, it := range deleted {
		c.tracker.Delete(it.ExternalID, it.DeletedAt)
	}
	rows = append(rows, c.rows(c.tracker.Snapshot(), intents)...)
	// A comment answered before this start keeps the delay measured then, with the
	// calendar in force when the answer was found: a calendar changed since does not
	// rewrite the past (the semester report reads these figures).
	stored, err := r.a.store.Responses(ctx, c.cfg.ID)
	if err != nil {
		return err
	}
	for i, row := range rows {
		if old, ok := stored[row.Comment]; ok && row.Reply != "" && old.Reply == row.Reply && old.State != "" {
			rows[i].Business, rows[i].Wall, rows[i].State = old.Business, old.Wall, old.State
		}
	}
	r.a.alerts.reconcile(ctx, c.cfg, c.tracker.Status)
	return r.a.store.SaveResponses(ctx, c.cfg.Network, c.cfg.ID, rows)
}

// observe feeds one item to the clock and returns the tracker's events and the
// NeedsAnswer decision (zero for own items). spamChecked says spam already holds
// the built-in spam heuristic's verdict (review ran it before the commit).
// The caller holds c.mu.
func (c *accountClock) observe(it connectors.Item, offensive, spam, spamChecked bool) ([]response.Event, response.Decision) {
	if it.Own {
		c.own[it.ExternalID] = it.CreatedAt
		return c.tracker.Observe(response.EntryOf(it, false)), response.Decision{}
	}
	c.authors[it.ExternalID] = author{it.AuthorID, it.CreatedAt}
	_, parentOwn := c.own[it.ParentID]
	d := response.NeedsAnswer(it, response.Options{
		Intents: c.cfg.Response.Intents, AccountHandle: c.cfg.Handle,
		ParentOwn: parentOwn, Offensive: offensive, Spam: spam, SpamChecked: spamChecked,
	})
	return c.tracker.Observe(response.EntryOf(it, d.Needs)), d
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
	for _, it := range items {
		switch {
		case it.Own && it.Kind != connectors.KindPost:
			v := c.canned.Add(response.Reply{ID: it.ExternalID, Recipient: c.authors[it.ParentID].id, At: it.CreatedAt, Text: it.Text})
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

// committed runs after a batch is committed: it feeds the items and deletions to
// the account's tracker, stores what changed in the responses table and updates
// the response metrics.
func (r *responder) committed(ctx context.Context, cfg AccountConfig, b connectors.Batch, flags []archive.Flag, stored map[string]bool) {
	r.mu.Lock()
	c := r.clocks[cfg.ID]
	r.mu.Unlock()
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	m := r.a.metrics
	flagged := map[string]map[string]bool{}
	for _, f := range flags {
		if flagged[f.ExternalID] == nil {
			flagged[f.ExternalID] = map[string]bool{}
		}
		flagged[f.ExternalID][f.Rule] = true
	}
	changed := map[string]bool{}
	intents := map[string]string{}
	var rows []archive.ResponseRow
	for _, it := range b.Items {
		_, known := c.tracker.Status(it.ExternalID)
		_, ownSeen := c.own[it.ExternalID]
		_, otherSeen := c.authors[it.ExternalID]
		seen := known || ownSeen || otherSeen
		if seen && !stored[it.ExternalID] {
			continue // re-delivered unchanged: nothing new (and an administrator's verdict stands)
		}
		// review flagged every spam comment of the batch: no second run of the heuristic
		evs, d := c.observe(it, flagged[it.ExternalID][RuleOffensive], flagged[it.ExternalID][RuleSpam], true)
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
		if flagged[it.ExternalID][RuleCannedReply] && stored[it.ExternalID] {
			m.CannedReplies.WithLabelValues(cfg.Network, cfg.ID).Inc()
		}
		r.account(cfg, evs, changed)
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
	if err := r.a.store.SaveResponses(context.WithoutCancel(ctx), cfg.Network, cfg.ID, rows); err != nil {
		r.a.log.Error("could not store response states", slog.String("network", cfg.Network), slog.String("account", cfg.ID), slog.Any("error", err))
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

// run ticks until ctx is done; every hour it also prunes conversations older than
// the rebuild window.
func (r *responder) run(ctx context.Context) {
	t := time.NewTicker(slaTickEvery)
	defer t.Stop()
	r.tick(r.a.now())
	lastPrune := r.a.now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			now := r.a.now()
			r.tick(now)
			if now.Sub(lastPrune) > time.Hour {
				lastPrune = now
				r.prune(now.Add(-rebuildWindow))
			}
		}
	}
}

// prune forgets finished conversations older than before.
func (r *responder) prune(before time.Time) {
	r.mu.Lock()
	clocks := make([]*accountClock, 0, len(r.clocks))
	for _, c := range r.clocks {
		clocks = append(clocks, c)
	}
	r.mu.Unlock()
	for _, c := range clocks {
		c.tracker.Prune(before)
		c.mu.Lock()
		for id, at := range c.own {
			if at.Before(before) {
				delete(c.own, id)
			}
		}
		for id, a := range c.authors {
			if a.at.Before(before) {
				delete(c.authors, id)
			}
		}
		c.mu.Unlock()
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(map[string]string{"match": s})
	return string(b)
}
