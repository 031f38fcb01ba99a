package tiktok

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// cursorVersion is the version of the cursor's JSON layout.
const cursorVersion = 1

// cursor is the connector's state between polls, stored by the agent as
// opaque bytes (versioned JSON). It keeps no Meta paging cursor: those are
// invalidated when items are deleted. Positions are the newest creation time
// seen and the ids created at that second.
type cursor struct {
	V int `json:"v"`
	// Business is the business id the cursor belongs to; a cursor of another
	// account is discarded.
	Business string `json:"business,omitempty"`
	// Posts is the newest own video seen.
	Posts mark `json:"posts"`
	// Window holds the own videos whose comments are re-checked, newest
	// first.
	Window []*windowPost `json:"window,omitempty"`
}

// mark is a position in a time-ordered edge: the newest creation (Unix
// seconds) and the ids created in that second.
type mark struct {
	Time int64    `json:"t,omitempty"`
	IDs  []string `json:"ids,omitempty"`
}

// seen reports whether an item created at t with the given id is at or
// before the mark.
func (m mark) seen(t time.Time, id string) bool {
	u := t.Unix()
	return m.Time != 0 && (u < m.Time || u == m.Time && slices.Contains(m.IDs, id))
}

// advance moves the mark to include an item.
func (m *mark) advance(t time.Time, id string) {
	switch u := t.Unix(); {
	case u > m.Time:
		m.Time, m.IDs = u, []string{id}
	case u == m.Time && !slices.Contains(m.IDs, id):
		m.IDs = append(m.IDs, id)
	}
}

// windowPost is an own video in the window.
type windowPost struct {
	ID string `json:"id"`
	// Created is the post's creation (Unix seconds).
	Created int64 `json:"created"`
	// Hash is the hash of the video's caption as last returned.
	Hash string `json:"hash"`
	// Known are the comments and replies under it already returned: id →
	// hash of the text as last returned.
	Known map[string]string `json:"known,omitempty"`
	// Under maps each known reply to the top-level comment it is listed
	// under: a reply vanishes with its top-level comment.
	Under map[string]string `json:"under,omitempty"`
}

// hashText returns a short hash of a text: TikTok gives no edit time, so
// edits are noticed by a changed hash.
func hashText(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

// decodeCursor reads a cursor; nil is the start.
func decodeCursor(b connectors.Cursor) (*cursor, error) {
	c := &cursor{V: cursorVersion}
	if len(b) == 0 {
		return c, nil
	}
	if err := json.Unmarshal(b, c); err != nil {
		return nil, fmt.Errorf("tiktok: cursor: %w", err)
	}
	if c.V != cursorVersion {
		return nil, fmt.Errorf("tiktok: cursor: unknown version %d", c.V)
	}
	for _, w := range c.Window {
		if w == nil || w.ID == "" {
			return nil, fmt.Errorf("tiktok: cursor: window entry without id")
		}
		if w.Known == nil {
			w.Known = map[string]string{}
		}
		if w.Under == nil {
			w.Under = map[string]string{}
		}
	}
	return c, nil
}

// encode renders the cursor.
func (c *cursor) encode() connectors.Cursor {
	c.V = cursorVersion
	c.sortWindow()
	b, err := json.Marshal(c)
	if err != nil {
		panic(fmt.Sprintf("tiktok: encode cursor: %v", err)) // plain structs always marshal
	}
	return b
}

func (c *cursor) sortWindow() {
	sort.SliceStable(c.Window, func(i, j int) bool {
		if c.Window[i].Created != c.Window[j].Created {
			return c.Window[i].Created > c.Window[j].Created
		}
		return c.Window[i].ID > c.Window[j].ID
	})
}

// post returns the window entry with the given id.
func (c *cursor) post(id string) *windowPost {
	for _, w := range c.Window {
		if w.ID == id {
			return w
		}
	}
	return nil
}

// remove drops a post from the window.
func (c *cursor) remove(id string) {
	c.Window = slices.DeleteFunc(c.Window, func(w *windowPost) bool { return w.ID == id })
}

// trim keeps the newest n posts created at or after since.
func (c *cursor) trim(n int, since time.Time) {
	c.sortWindow()
	out := c.Window[:0]
	for _, w := range c.Window {
		if len(out) < n && w.Created >= since.Unix() {
			out = append(out, w)
		}
	}
	c.Window = out
}
