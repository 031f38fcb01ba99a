package response

import (
	"maps"
	"math"
	"slices"
	"sync"
	"time"
)

// EventKind is what happened to a tracked comment.
type EventKind string

// The kinds of Event.
const (
	// EventOpened: a comment that needs an answer arrived, unanswered.
	EventOpened EventKind = "opened"
	// EventAnswered: a comment has a first answer, or an earlier one than before
	// (Previous names it).
	EventAnswered EventKind = "answered"
	// EventReopened: the comment's answer was deleted (or edited so it no longer
	// addresses the author) and no other answers it.
	EventReopened EventKind = "reopened"
	// EventWithdrawn: the comment no longer needs an answer: it was deleted, or an
	// edit or a later flag (offensive, spam) changed the verdict.
	EventWithdrawn EventKind = "withdrawn"
)

// Event reports a change in the answered state of one comment.
type Event struct {
	Kind EventKind
	// Comment is the comment's id, and Created its publication.
	Comment string
	Created time.Time
	// Answer is the comment's first answer for EventAnswered; zero otherwise.
	Answer Answer
	// Previous is the answer the comment had before, if any.
	Previous Answer
	// Business and Wall are the delay of Answer (EventAnswered only).
	Business time.Duration
	Wall     time.Duration
	// State is answered_in_time or answered_late for EventAnswered, and empty
	// otherwise: Evaluate gives the state of open comments.
	State State
}

// Status is the answered state of one tracked comment.
type Status struct {
	Comment string
	Created time.Time
	Answer  Answer
	// Business and Wall are the answer's delay; zero while unanswered.
	Business time.Duration
	Wall     time.Duration
	// Answered reports whether Answer is set.
	Answered bool
}

// node is one item the Tracker knows. Its Entry keeps no text: own items keep
// their mentions, which is all answered detection reads of a text. (Laid out to
// fit 256 bytes.)
type node struct {
	// Entry; a placeholder (a Delete of an unknown id, !known) keeps the
	// deletion's observation in CreatedAt.
	Entry
	known   bool     // Observe saw it
	tracked bool     // a comment that needs an answer
	slot    int32    // index in Tracker.open, -1 when not open
	ms      []string // mentions, for own items
	conv    *conv

	// For tracked comments.
	answer Answer
	clock  time.Duration // calendar Clock at CreatedAt
}

// conv is one conversation: the items sharing a root.
type conv struct {
	root    string
	members []*node
	tracked []*node
	own     []*node
	latest  time.Time
}

// openSet holds the unanswered comments laid out for the SLA tick: parallel
// slices, so that the tick streams through 9 bytes per comment. A comment is
// held as its node, or, once its conversation went quiet (Prune), cold: by id and
// creation only.
type openSet struct {
	clock []time.Duration // calendar Clock at creation
	state []uint8         // index in OpenStates plus one; 0 before the first Evaluate
	node  []*node         // nil for a cold comment
	cold  []coldComment   // set for a cold comment
}

// coldComment is an open comment whose conversation the tracker let go of.
type coldComment struct {
	id      string
	created time.Time
}

func (o *openSet) len() int { return len(o.clock) }

// id and created return the id and creation of the open comment in slot i.
func (o *openSet) id(i int) string {
	if n := o.node[i]; n != nil {
		return n.ID
	}
	return o.cold[i].id
}

func (o *openSet) created(i int) time.Time {
	if n := o.node[i]; n != nil {
		return n.CreatedAt
	}
	return o.cold[i].created
}

// Tracker keeps the answered state of an account's comments current as items
// arrive, in any order (late items, edits, deletions), and evaluates the open ones
// against the SLA. Its answers always equal Recompute over the same items. It
// need not hold them all: Prune lets go of quiet conversations (keeping their open
// comments, or only counting them once breached), and Load brings one back from
// the caller's archive, with the events since its stored state. A Tracker is safe
// for concurrent use; one serves one account.
type Tracker struct {
	mu    sync.Mutex
	sla   SLA
	scope Scope
	nodes map[string]*node
	convs map[string]*conv
	open  openSet
	// cold maps the cold open comments to their slot in open.
	cold map[string]int32
	// tracked counts the tracked comments held (cold ones included).
	tracked int
	// dormant counts the open comments Prune let go once breached: they can no
	// longer change SLA state, so Evaluate counts them breached without holding
	// them; Load takes one back when its conversation returns. oldestHint is the
	// caller's oldest open comment (SetOldestOpen), measured while any is dormant.
	dormant      int
	oldestHintID string
	oldestHint   time.Time
}

// NewTracker returns an empty Tracker measuring with sla; scope is Config.Answers.
func NewTracker(sla SLA, scope Scope) *Tracker {
	if scope == "" {
		scope = ScopeConversation
	}
	return &Tracker{sla: sla, scope: scope, nodes: map[string]*node{}, convs: map[string]*conv{}, cold: map[string]int32{}}
}

// SetSLA replaces the SLA (after a configuration reload) and re-measures every
// open comment.
func (t *Tracker) SetSLA(sla SLA) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sla = sla
	for _, n := range t.nodes {
		if n.tracked {
			n.clock = sla.Calendar.Clock(n.CreatedAt)
		}
	}
	for i, n := range t.open.node {
		if n != nil {
			t.open.clock[i] = n.clock
		} else {
			t.open.clock[i] = sla.Calendar.Clock(t.open.cold[i].created)
		}
		t.open.state[i] = 0
	}
}

// Len returns the number of tracked comments and how many of them are unanswered.
func (t *Tracker) Len() (tracked, open int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.tracked, t.open.len()
}

// Observe records an item, new or edited, and returns what changed. e.NeedsAnswer
// is NeedsAnswer's verdict on the item's current version. A deleted item stays
// deleted whatever arrives later.
func (t *Tracker) Observe(e Entry) []Event {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.observe(e, nil)
}

func (t *Tracker) observe(e Entry, evs []Event) []Event {
	if t.removeCold(e.ID) {
		// Fed without its conversation Loaded (the caller could not read it): it
		// is tracked afresh from this entry.
		evs = append(evs, Event{Kind: EventWithdrawn, Comment: e.ID, Created: e.CreatedAt})
	}
	n := t.nodes[e.ID]
	if n == nil {
		n = &node{slot: -1}
		t.nodes[e.ID] = n
	}
	deleted := n.Deleted || e.Deleted
	oldRoot := ""
	if n.conv != nil {
		oldRoot = n.conv.root
	}
	if n.conv != nil && (e.Root() != oldRoot || e.Own != n.Own) {
		// An item moved conversation or changed sides: take it out and put it back.
		evs = t.detach(n, evs)
	}
	n.Entry = e
	n.Deleted = deleted
	n.known = true
	n.ms = nil
	if n.Own {
		n.ms = mentions(n.Text)
	}
	n.Text = "" // answered detection reads only the mentions

	if n.conv == nil {
		t.attach(n)
	}
	if e.CreatedAt.After(n.conv.latest) {
		n.conv.latest = e.CreatedAt
	}
	return t.settle(n, evs)
}

// Delete records that the item id is gone from the platform, observed at at.
func (t *Tracker) Delete(id string, at time.Time) []Event {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := t.nodes[id]
	if n == nil && t.removeCold(id) {
		t.nodes[id] = &node{Entry: Entry{ID: id, Deleted: true, CreatedAt: at}, slot: -1}
		return []Event{{Kind: EventWithdrawn, Comment: id}}
	}
	if n == nil {
		// Unknown yet: remember, so that the item arriving late stays deleted.
		t.nodes[id] = &node{Entry: Entry{ID: id, Deleted: true, CreatedAt: at}, slot: -1}
		return nil
	}
	if n.Deleted {
		return nil
	}
	n.Deleted = true
	if !n.known {
		return nil
	}
	return t.settle(n, nil)
}

func (t *Tracker) attach(n *node) {
	root := n.Root()
	c := t.convs[root]
	if c == nil {
		c = &conv{root: root}
		t.convs[root] = c
	}
	n.conv = c
	c.members = append(c.members, n)
	if n.Own {
		c.own = append(c.own, n)
	}
}

// detach takes n out of its conversation, withdrawing it if tracked and
// re-answering the comments it answered.
func (t *Tracker) detach(n *node, evs []Event) []Event {
	c := n.conv
	if n.tracked {
		evs = t.untrack(n, evs)
	}
	c.members = slices.DeleteFunc(c.members, func(m *node) bool { return m == n })
	c.own = slices.DeleteFunc(c.own, func(m *node) bool { return m == n })
	n.conv = nil
	parent := !n.Own && slices.ContainsFunc(c.own, func(o *node) bool { return o.ParentID == n.ID })
	for _, k := range c.tracked {
		if parent || k.answer.ID == n.ID {
			evs = t.reanswer(k, evs)
		}
	}
	return evs
}

// settle brings the conversation of n up to date after n changed.
func (t *Tracker) settle(n *node, evs []Event) []Event {
	c := n.conv
	if n.Own {
		for _, k := range c.tracked {
			how, ok := t.answers(k, n)
			switch {
			case ok && (k.answer.ID == "" || earlier(n.CreatedAt, n.ID, k.answer.At, k.answer.ID)):
				evs = t.setAnswer(k, Answer{ID: n.ID, At: n.CreatedAt, How: how}, evs)
			case k.answer.ID == n.ID && (!ok || !n.CreatedAt.Equal(k.answer.At) || how != k.answer.How):
				evs = t.reanswer(k, evs) // it no longer answers, or it moved in time
			}
		}
		return evs
	}
	want := n.NeedsAnswer && !n.Deleted
	switch {
	case want && !n.tracked:
		evs = t.track(n, evs)
	case !want && n.tracked:
		evs = t.untrack(n, evs)
	case n.tracked:
		n.clock = t.sla.Calendar.Clock(n.CreatedAt)
		if n.slot >= 0 {
			t.open.clock[n.slot] = n.clock
		}
		evs = t.reanswer(n, evs)
	}
	// n may be the parent through which own replies answer its author's comments.
	for _, o := range c.own {
		if o.ParentID == n.ID {
			for _, k := range c.tracked {
				if k != n {
					evs = t.reanswer(k, evs)
				}
			}
			break
		}
	}
	return evs
}

func (t *Tracker) answers(k, o *node) (How, bool) {
	return answers(&k.Entry, &o.Entry, o.ms, t.scope, func(id string) *Entry {
		if p := t.nodes[id]; p != nil && p.known && p.conv == k.conv {
			return &p.Entry
		}
		return nil
	})
}

// firstAnswer scans k's conversation for its first answer.
func (t *Tracker) firstAnswer(k *node) Answer {
	var best Answer
	for _, o := range k.conv.own {
		if how, ok := t.answers(k, o); ok && (best.ID == "" || earlier(o.CreatedAt, o.ID, best.At, best.ID)) {
			best = Answer{ID: o.ID, At: o.CreatedAt, How: how}
		}
	}
	return best
}

func (t *Tracker) track(n *node, evs []Event) []Event {
	n.tracked = true
	t.tracked++
	n.clock = t.sla.Calendar.Clock(n.CreatedAt)
	n.conv.tracked = append(n.conv.tracked, n)
	if a := t.firstAnswer(n); a.ID != "" {
		n.answer = a
		return append(evs, t.answeredEvent(n, Answer{}))
	}
	n.answer = Answer{}
	t.addOpen(n)
	return append(evs, Event{Kind: EventOpened, Comment: n.ID, Created: n.CreatedAt})
}

func (t *Tracker) untrack(n *node, evs []Event) []Event {
	n.tracked = false
	t.tracked--
	n.conv.tracked = slices.DeleteFunc(n.conv.tracked, func(m *node) bool { return m == n })
	t.removeOpen(n)
	n.answer = Answer{}
	return append(evs, Event{Kind: EventWithdrawn, Comment: n.ID, Created: n.CreatedAt})
}

// reanswer recomputes k's first answer and reports the change, if any.
func (t *Tracker) reanswer(k *node, evs []Event) []Event {
	a := t.firstAnswer(k)
	if a.ID == k.answer.ID && a.At.Equal(k.answer.At) && a.How == k.answer.How {
		return evs
	}
	return t.setAnswer(k, a, evs)
}

func (t *Tracker) setAnswer(k *node, a Answer, evs []Event) []Event {
	prev := k.answer
	k.answer = a
	if a.ID == "" {
		t.addOpen(k)
		return append(evs, Event{Kind: EventReopened, Comment: k.ID, Created: k.CreatedAt, Previous: prev})
	}
	t.removeOpen(k)
	return append(evs, t.answeredEvent(k, prev))
}

func (t *Tracker) answeredEvent(k *node, prev Answer) Event {
	b := t.sla.Calendar.BusinessDuration(k.CreatedAt, k.answer.At)
	return Event{
		Kind: EventAnswered, Comment: k.ID, Created: k.CreatedAt, Answer: k.answer, Previous: prev,
		Business: b, Wall: max(0, k.answer.At.Sub(k.CreatedAt)), State: t.sla.Answered(b),
	}
}

func (t *Tracker) addOpen(n *node) {
	if n.slot >= 0 {
		return
	}
	n.slot = int32(t.open.len())
	t.open.clock = append(t.open.clock, n.clock)
	t.open.state = append(t.open.state, 0)
	t.open.node = append(t.open.node, n)
	t.open.cold = append(t.open.cold, coldComment{})
}

func (t *Tracker) removeOpen(n *node) {
	if n.slot < 0 {
		return
	}
	t.removeSlot(int(n.slot))
	n.slot = -1
}

// removeSlot takes slot i out of the open set, moving the last one into it.
func (t *Tracker) removeSlot(i int) {
	o := &t.open
	last := o.len() - 1
	if i != last {
		o.clock[i], o.state[i], o.node[i], o.cold[i] = o.clock[last], o.state[last], o.node[last], o.cold[last]
		if n := o.node[i]; n != nil {
			n.slot = int32(i)
		} else {
			t.cold[o.cold[i].id] = int32(i)
		}
	}
	o.node[last], o.cold[last] = nil, coldComment{}
	o.clock, o.state, o.node, o.cold = o.clock[:last], o.state[:last], o.node[:last], o.cold[:last]
}

// makeCold turns the open comment n into a cold one: its node is forgotten, its
// slot stays.
func (t *Tracker) makeCold(n *node) {
	i := n.slot
	t.open.node[i], t.open.cold[i] = nil, coldComment{id: n.ID, created: n.CreatedAt}
	t.cold[n.ID] = i
	delete(t.nodes, n.ID)
}

// addCold holds an open comment cold.
func (t *Tracker) addCold(id string, created time.Time) {
	t.cold[id] = int32(t.open.len())
	t.open.clock = append(t.open.clock, t.sla.Calendar.Clock(created))
	t.open.state = append(t.open.state, 0)
	t.open.node = append(t.open.node, nil)
	t.open.cold = append(t.open.cold, coldComment{id: id, created: created})
	t.tracked++
}

// removeCold forgets the cold comment id; false when there is none.
func (t *Tracker) removeCold(id string) bool {
	i, ok := t.cold[id]
	if !ok {
		return false
	}
	t.removeSlot(int(i))
	delete(t.cold, id)
	t.tracked--
	return true
}

// Status returns the answered state of a tracked comment.
func (t *Tracker) Status(id string) (Status, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := t.nodes[id]
	if n == nil || !n.tracked {
		if i, ok := t.cold[id]; ok {
			return Status{Comment: id, Created: t.open.cold[i].created}, true
		}
		return Status{}, false
	}
	return t.status(n), true
}

func (t *Tracker) status(n *node) Status {
	s := Status{Comment: n.ID, Created: n.CreatedAt, Answer: n.answer, Answered: n.answer.ID != ""}
	if s.Answered {
		s.Business = t.sla.Calendar.BusinessDuration(n.CreatedAt, n.answer.At)
		s.Wall = max(0, n.answer.At.Sub(n.CreatedAt))
	}
	return s
}

// Answers returns every tracked comment's first answer (zero while unanswered),
// in the shape Recompute returns.
func (t *Tracker) Answers() map[string]Answer {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[string]Answer{}
	for _, n := range t.nodes {
		if n.tracked {
			out[n.ID] = n.answer
		}
	}
	for id := range t.cold {
		out[id] = Answer{}
	}
	return out
}

// Change is an unanswered comment that entered a worse SLA state.
type Change struct {
	Comment string
	Created time.Time
	State   State
	// Age is the business time the comment has waited.
	Age time.Duration
}

// Tick is one evaluation of the open comments.
type Tick struct {
	Now time.Time
	// Counts holds the number of open comments in each of OpenStates.
	Counts map[State]int
	// Oldest is the business age of the oldest open comment, OldestID its id.
	Oldest   time.Duration
	OldestID string
	// Changes lists the comments that became at_risk or breached since the
	// previous Evaluate (or arrived in that state).
	Changes []Change
}

// Evaluate measures every open comment at now against the SLA. It reads the
// calendar once: each comment's business age is a subtraction.
func (t *Tracker) Evaluate(now time.Time) Tick {
	t.mu.Lock()
	defer t.mu.Unlock()
	nowClock := t.sla.Calendar.Clock(now)
	atRisk, breached := t.sla.AtRisk, t.sla.Breached
	tick := Tick{Now: now}
	var counts [4]int
	oldest := time.Duration(math.MaxInt64)
	clocks := t.open.clock
	states := t.open.state[:len(clocks)]
	for i, c := range clocks {
		age := nowClock - c
		st := 1 + b2u(age > atRisk) + b2u(age > breached)
		counts[st]++
		oldest = min(oldest, c)
		if prev := states[i]; st != prev {
			states[i] = st
			if st > prev && st > 1 {
				tick.Changes = append(tick.Changes, Change{Comment: t.open.id(i), Created: t.open.created(i), State: OpenStates[st-1], Age: age})
			}
		}
	}
	tick.Counts = map[State]int{StateWithin: counts[1], StateAtRisk: counts[2], StateBreached: counts[3] + t.dormant}
	if len(clocks) > 0 {
		tick.Oldest = max(0, nowClock-oldest)
		for i, c := range clocks {
			if c == oldest {
				tick.OldestID = t.open.id(i)
				break
			}
		}
	}
	if t.dormant > 0 && !t.oldestHint.IsZero() {
		if c := t.sla.Calendar.Clock(t.oldestHint); len(clocks) == 0 || c < oldest {
			tick.Oldest, tick.OldestID = max(0, nowClock-c), t.oldestHintID
		}
	}
	return tick
}

func b2u(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

// Prune lets go of the conversations whose latest item was published before
// before: their items are forgotten, except the open comments, which stay cold
// (by id and creation) for the SLA tick until Load brings their conversation
// back. An open comment of such a conversation already breached at now cannot
// change SLA state any more: it is forgotten too and counted as dormant (Evaluate
// counts it breached; Load takes it back), and so is a cold one once it breaches.
// Deletions of unknown items observed before before are forgotten as well. The
// agent calls Prune with the edge of the window in which conversations are still
// busy, and Loads a conversation that is not Resident from its archive before it
// feeds it anything new.
func (t *Tracker) Prune(before, now time.Time) (forgotten int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	nowClock := t.sla.Calendar.Clock(now)
	breached := func(clock time.Duration) bool { return nowClock-clock > t.sla.Breached }
	for root, c := range t.convs {
		if !c.latest.Before(before) {
			continue
		}
		for _, n := range c.members {
			switch {
			case n.tracked && n.answer.ID == "" && !breached(n.clock):
				t.makeCold(n)
				continue
			case n.tracked && n.answer.ID == "":
				t.removeOpen(n)
				t.dormant++
				t.tracked--
			case n.tracked:
				t.tracked--
			}
			delete(t.nodes, n.ID)
			forgotten++
		}
		delete(t.convs, root)
	}
	for id, i := range t.cold {
		if breached(t.open.clock[i]) {
			t.removeCold(id)
			t.dormant++
			forgotten++
		}
	}
	for id, n := range t.nodes {
		if !n.known && n.CreatedAt.Before(before) {
			delete(t.nodes, id)
			forgotten++
		}
	}
	if forgotten > len(t.nodes)+len(t.cold) {
		// A map keeps the room of its largest size: after letting go of most of
		// what it held (the replay at start), copy it into one its size.
		t.nodes, t.convs, t.cold = resized(t.nodes), resized(t.convs), resized(t.cold)
		o := &t.open
		o.clock, o.state, o.node, o.cold = slices.Clone(o.clock), slices.Clone(o.state), slices.Clone(o.node), slices.Clone(o.cold)
	}
	return forgotten
}

// resized returns a copy of m in a map of its size.
func resized[V any](m map[string]V) map[string]V {
	out := make(map[string]V, len(m))
	maps.Copy(out, m)
	return out
}

// Resident reports whether the tracker holds the conversation root whole (it is
// neither forgotten nor unknown). Before feeding an item of a conversation that
// is not resident, the caller Loads it from its archive.
func (t *Tracker) Resident(root string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.convs[root] != nil
}

// Fact is what the tracker knows of one item: enough to tell a reply's parent
// (whether it is the account's own, its author) without the archive.
type Fact struct {
	Root     string
	Own      bool
	AuthorID string
	Handle   string
}

// Fact returns what the tracker holds of item id; false when it holds nothing
// (never seen, pruned, or only a deletion).
func (t *Tracker) Fact(id string) (Fact, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := t.nodes[id]
	if n == nil || !n.known {
		return Fact{}, false
	}
	return Fact{Root: n.Root(), Own: n.Own, AuthorID: n.AuthorID, Handle: n.AuthorHandle}, true
}

// Prior is the stored state of one comment (the archive's responses row) that
// Load compares the reloaded conversation with.
type Prior struct {
	// Needs is whether the comment needed an answer; Answer its first answer then
	// (At may be zero: only ID and How are compared).
	Needs  bool
	Answer Answer
}

// Load brings back the conversation root from the caller's archive: entries are
// every item of it as archived now (deletions marked, NeedsAnswer decided), prior
// the stored state of its comments (by id; a comment absent had none). Load
// returns the events that take each comment from its prior state to the one the
// entries give: a comment with no prior state is opened (or answered), one whose
// answer differs is answered or reopened, and one that needed an answer and no
// longer does is withdrawn. An open comment with prior state that the tracker did
// not hold (cold or as a node) was dormant: it is held again.
func (t *Tracker) Load(root string, entries []Entry, prior map[string]Prior) []Event {
	t.mu.Lock()
	defer t.mu.Unlock()
	held := map[string]bool{}
	for _, e := range entries {
		if t.removeCold(e.ID) {
			held[e.ID] = true
		} else if n := t.nodes[e.ID]; n != nil && n.known {
			held[e.ID] = true
		}
		t.observe(e, nil)
	}
	var evs []Event
	for id, p := range prior {
		if p.Needs && p.Answer.ID == "" && !held[id] && t.dormant > 0 {
			t.dormant--
		}
		n := t.nodes[id]
		if p.Needs && (n == nil || !n.tracked) {
			var created time.Time
			if n != nil {
				created = n.CreatedAt
			}
			evs = append(evs, Event{Kind: EventWithdrawn, Comment: id, Created: created})
		}
	}
	for _, e := range entries {
		n := t.nodes[e.ID]
		if n == nil || !n.tracked || n.conv == nil || n.conv.root != root {
			continue
		}
		p, ok := prior[e.ID]
		switch {
		case !ok || !p.Needs:
			if n.answer.ID != "" {
				evs = append(evs, t.answeredEvent(n, Answer{}))
			} else {
				evs = append(evs, Event{Kind: EventOpened, Comment: n.ID, Created: n.CreatedAt})
			}
		case p.Answer.ID == n.answer.ID && p.Answer.How == n.answer.How:
		case n.answer.ID == "":
			evs = append(evs, Event{Kind: EventReopened, Comment: n.ID, Created: n.CreatedAt, Previous: p.Answer})
		default:
			evs = append(evs, t.answeredEvent(n, p.Answer))
		}
	}
	return evs
}

// Restore holds e, an open comment whose conversation is not resident (an older
// comment the archive says still waits), cold and without events.
func (t *Tracker) Restore(e Entry) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.cold[e.ID]; ok || t.nodes[e.ID] != nil {
		return
	}
	t.addCold(e.ID, e.CreatedAt)
}

// Dormant returns the number of open comments counted without being held (see
// Prune).
func (t *Tracker) Dormant() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.dormant
}

// SetOldestOpen tells the tracker the caller's oldest open comment (the archive's,
// dormant ones included): while comments are dormant, Evaluate's Oldest is the
// older of it and the held ones'.
func (t *Tracker) SetOldestOpen(id string, created time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.oldestHintID, t.oldestHint = id, created
}

// Snapshot returns the status of every tracked comment, ordered by id.
func (t *Tracker) Snapshot() []Status {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []Status
	for _, n := range t.nodes {
		if n.tracked {
			out = append(out, t.status(n))
		}
	}
	for id, i := range t.cold {
		out = append(out, Status{Comment: id, Created: t.open.cold[i].created})
	}
	slices.SortFunc(out, func(a, b Status) int {
		switch {
		case a.Comment < b.Comment:
			return -1
		case a.Comment > b.Comment:
			return 1
		}
		return 0
	})
	return out
}
