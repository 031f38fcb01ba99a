// Package window holds the bookkeeping shared by connectors that poll
// networks without since-ids or edit times (Threads, TikTok): a Mark, the
// position reached in a newest-first listing; the Posts window of the
// account's recent posts whose comments are re-read every poll, with a hash
// of each text to notice edits and the set of known children to notice
// deletions by absence; and a Collector of a poll's items and deletions.
//
// Everything here is plain data serialised inside a connector's cursor.
package window

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"sort"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Mark is a position in a time-ordered listing: the newest creation (Unix
// seconds) and the ids created in that second.
type Mark struct {
	Time int64    `json:"t,omitempty"`
	IDs  []string `json:"ids,omitempty"`
}

// Seen reports whether an item created at t with the given id is at or
// before the mark.
func (m Mark) Seen(t time.Time, id string) bool {
	u := t.Unix()
	return m.Time != 0 && (u < m.Time || u == m.Time && slices.Contains(m.IDs, id))
}

// Advance moves the mark to include an item.
func (m *Mark) Advance(t time.Time, id string) {
	switch u := t.Unix(); {
	case u > m.Time:
		m.Time, m.IDs = u, []string{id}
	case u == m.Time && !slices.Contains(m.IDs, id):
		m.IDs = append(m.IDs, id)
	}
}

// Post is an own post in the window.
type Post struct {
	ID string `json:"id"`
	// Created is the post's creation (Unix seconds).
	Created int64 `json:"created"`
	// Hash is the hash of the post's text as last returned.
	Hash string `json:"hash"`
	// Known are the comments and replies under it already returned: id →
	// hash of the text as last returned.
	Known map[string]string `json:"known,omitempty"`
	// Under maps a known reply to the comment it is listed under, on
	// networks where a reply vanishes with that comment.
	Under map[string]string `json:"under,omitempty"`
}

// NewPost returns a window entry for a post first seen now.
func NewPost(id string, created time.Time, text string) *Post {
	return &Post{ID: id, Created: created.Unix(), Hash: Hash(text), Known: map[string]string{}, Under: map[string]string{}}
}

// Hash returns a short hash of a text: the networks give no edit time, so
// edits are noticed by a changed hash.
func Hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

// Posts is the window, newest first once sorted.
type Posts []*Post

// Check validates a window read from a cursor and fills its nil maps.
func (ps Posts) Check() error {
	for _, p := range ps {
		if p == nil || p.ID == "" {
			return errors.New("window entry without id")
		}
		if p.Known == nil {
			p.Known = map[string]string{}
		}
		if p.Under == nil {
			p.Under = map[string]string{}
		}
	}
	return nil
}

// Sort orders the window newest first (ties by id, descending).
func (ps Posts) Sort() {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Created != ps[j].Created {
			return ps[i].Created > ps[j].Created
		}
		return ps[i].ID > ps[j].ID
	})
}

// Find returns the entry with the given id, or nil.
func (ps Posts) Find(id string) *Post {
	for _, p := range ps {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// Remove drops the entry with the given id.
func (ps Posts) Remove(id string) Posts {
	return slices.DeleteFunc(ps, func(p *Post) bool { return p.ID == id })
}

// Trim keeps the newest n entries created at or after since.
func (ps Posts) Trim(n int, since time.Time) Posts {
	ps.Sort()
	out := ps[:0]
	for _, p := range ps {
		if len(out) < n && p.Created >= since.Unix() {
			out = append(out, p)
		}
	}
	return out
}

// Collector gathers one poll's items and deletions.
type Collector struct {
	Items     []connectors.Item
	Deletions []connectors.Deletion
	index     map[string]int
}

// Emit adds an item; an item emitted twice keeps its latest state, in the
// place of the first.
func (c *Collector) Emit(it connectors.Item) {
	if i, ok := c.index[it.ExternalID]; ok {
		c.Items[i] = it
		return
	}
	if c.index == nil {
		c.index = map[string]int{}
	}
	c.index[it.ExternalID] = len(c.Items)
	c.Items = append(c.Items, it)
}

// Deleted records, once, that the item id was found gone at the instant at.
func (c *Collector) Deleted(id string, at time.Time) {
	for _, d := range c.Deletions {
		if d.ExternalID == id {
			return
		}
	}
	c.Deletions = append(c.Deletions, connectors.Deletion{ExternalID: id, ObservedAt: at})
}

// Listed is an own post as a listing returns it.
type Listed struct {
	ID      string
	Created time.Time
	Text    string
}

// Sync applies a listing of the account's own posts, read newest first down
// to a post older than both since and the mark (complete) or cut short by a
// page limit (not complete), to the window w and the mark m. For each post
// new to the mark it calls emit(i, false) and, when it was created at or
// after since, enters it in the window; for a window post whose text hash
// changed it calls emit(i, true) (an edit). When the listing is complete the
// mark advances and every window post missing from it (and not older than
// the oldest listed) is removed from the window and reported to gone; when
// it is not, the mark stays, so the gap below is read again next time.
func Sync(w *Posts, m *Mark, listed []Listed, since time.Time, complete bool, emit func(i int, edited bool), gone func(id string)) {
	order := make([]int, len(listed))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return listed[order[a]].Created.Before(listed[order[b]].Created) })
	present := make(map[string]bool, len(listed))
	newMark := *m
	for _, i := range order {
		l := listed[i]
		present[l.ID] = true
		if p := w.Find(l.ID); p != nil {
			if h := Hash(l.Text); p.Hash != h {
				p.Hash = h
				emit(i, true)
			}
			continue
		}
		if m.Seen(l.Created, l.ID) {
			continue
		}
		emit(i, false)
		if !l.Created.Before(since) {
			*w = append(*w, NewPost(l.ID, l.Created, l.Text))
		}
		newMark.Advance(l.Created, l.ID)
	}
	if !complete {
		return
	}
	*m = newMark
	var oldest int64
	if len(order) > 0 {
		oldest = listed[order[0]].Created.Unix()
	}
	for _, p := range append(Posts(nil), *w...) {
		if !present[p.ID] && (len(listed) == 0 || p.Created >= oldest) {
			*w = w.Remove(p.ID)
			gone(p.ID)
		}
	}
}

// Note records a child of the post listed now with its text: emit is true
// when the child is new or its text changed, and edited when it was known
// with another text.
func (p *Post) Note(id, text string) (emit, edited bool) {
	h := Hash(text)
	old, known := p.Known[id]
	if known && old == h {
		return false, false
	}
	p.Known[id] = h
	return true, known
}

// Sweep forgets the known children missing from seen (a complete listing)
// and returns their ids, sorted.
func (p *Post) Sweep(seen map[string]bool) []string {
	var gone []string
	for id := range p.Known {
		if !seen[id] {
			gone = append(gone, id)
		}
	}
	sort.Strings(gone)
	for _, id := range gone {
		delete(p.Known, id)
		delete(p.Under, id)
	}
	return gone
}
