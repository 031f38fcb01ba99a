package response

import (
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Entry is one item of a conversation as answered detection sees it.
type Entry struct {
	ID       string
	Kind     connectors.Kind
	ParentID string
	// RootID is the conversation's root; empty for a root (a post, a mention).
	RootID       string
	AuthorID     string
	AuthorHandle string
	Own          bool
	CreatedAt    time.Time
	// Text is the item's current text (own replies are searched for @handles).
	Text string
	// Deleted marks an item gone from the platform; a deleted answer does not count.
	Deleted bool
	// NeedsAnswer marks a user's item that awaits an answer (see NeedsAnswer).
	NeedsAnswer bool
}

// EntryOf returns the Entry of an archived item; needs is NeedsAnswer's verdict.
func EntryOf(it connectors.Item, needs bool) Entry {
	return Entry{
		ID: it.ExternalID, Kind: it.Kind, ParentID: it.ParentID, RootID: it.RootID,
		AuthorID: it.AuthorID, AuthorHandle: it.AuthorHandle, Own: it.Own,
		CreatedAt: it.CreatedAt, Text: it.Text, NeedsAnswer: needs && !it.Own,
	}
}

// Root returns the id of the entry's conversation: RootID, or ID for a root.
func (e Entry) Root() string {
	if e.RootID != "" {
		return e.RootID
	}
	return e.ID
}

// How is how an own reply answers a comment.
type How string

// The ways an own reply answers a comment.
const (
	HowDirect  How = "direct"  // it replies to the comment
	HowMention How = "mention" // it mentions the comment's author, later in the conversation
	HowThread  How = "thread"  // it replies to a later item of the comment's author in the conversation
)

// Answer is the account's first answer to a comment.
type Answer struct {
	// ID is the answer's id; empty while the comment is unanswered.
	ID string
	// At is when the answer was published.
	At  time.Time
	How How
}

// sameAuthor reports whether two entries have the same author, by id when both
// have one and otherwise by handle.
func sameAuthor(a, b *Entry) bool {
	if a.AuthorID != "" && b.AuthorID != "" {
		return a.AuthorID == b.AuthorID
	}
	ha, hb := handleKey(a.AuthorHandle), handleKey(b.AuthorHandle)
	return ha != "" && ha == hb
}

// answers reports whether own entry o answers comment c, and how. parent looks up
// an entry of c's conversation by id; ms are o's mentions.
func answers(c, o *Entry, ms []string, scope Scope, parent func(id string) *Entry) (How, bool) {
	if !o.Own || o.Deleted || o.ID == c.ID {
		return "", false
	}
	if o.ParentID == c.ID {
		return HowDirect, true
	}
	if scope != ScopeConversation || o.Root() != c.Root() || !o.CreatedAt.After(c.CreatedAt) {
		return "", false
	}
	if mentionsHandle(ms, c.AuthorHandle) {
		return HowMention, true
	}
	if p := parent(o.ParentID); p != nil && !p.Own && p.ID != c.ID && p.Root() == c.Root() &&
		!p.CreatedAt.Before(c.CreatedAt) && sameAuthor(p, c) {
		return HowThread, true
	}
	return "", false
}

// earlier orders answers: by publication, then by id.
func earlier(aAt time.Time, aID string, bAt time.Time, bID string) bool {
	if !aAt.Equal(bAt) {
		return aAt.Before(bAt)
	}
	return aID < bID
}

// FirstAnswer returns the account's first answer to comment c among the entries of
// its conversation: the earliest own entry, not deleted, that replies to c or (with
// ScopeConversation) is addressed to c's author later in the same conversation.
func FirstAnswer(c Entry, conversation []Entry, scope Scope) (Answer, bool) {
	byID := make(map[string]*Entry, len(conversation))
	for i := range conversation {
		byID[conversation[i].ID] = &conversation[i]
	}
	parent := func(id string) *Entry { return byID[id] }
	var best Answer
	for i := range conversation {
		o := &conversation[i]
		if !o.Own {
			continue
		}
		how, ok := answers(&c, o, mentions(o.Text), scope, parent)
		if ok && (best.ID == "" || earlier(o.CreatedAt, o.ID, best.At, best.ID)) {
			best = Answer{ID: o.ID, At: o.CreatedAt, How: how}
		}
	}
	return best, best.ID != ""
}

// Recompute finds, from scratch, the first answer of every entry that needs one:
// entries by users with NeedsAnswer set, not deleted. The map holds every such
// entry, with a zero Answer for those still unanswered. When an id appears more
// than once the last entry wins, except that a deletion sticks.
func Recompute(entries []Entry, scope Scope) map[string]Answer {
	latest := map[string]Entry{}
	deleted := map[string]bool{}
	var order []string
	for _, e := range entries {
		if _, ok := latest[e.ID]; !ok {
			order = append(order, e.ID)
		}
		latest[e.ID] = e
		if e.Deleted {
			deleted[e.ID] = true
		}
	}
	convs := map[string][]Entry{}
	for _, id := range order {
		e := latest[id]
		e.Deleted = deleted[id]
		convs[e.Root()] = append(convs[e.Root()], e)
	}
	out := map[string]Answer{}
	for _, conv := range convs {
		for _, c := range conv {
			if c.Own || !c.NeedsAnswer || c.Deleted {
				continue
			}
			a, _ := FirstAnswer(c, conv, scope)
			out[c.ID] = a
		}
	}
	return out
}
