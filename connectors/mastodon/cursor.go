package mastodon

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// cursorVersion is the version of the cursor's JSON layout.
const cursorVersion = 1

// cursor is the connector's state between polls, stored by the agent as
// opaque bytes (versioned JSON).
type cursor struct {
	V int `json:"v"`
	// Account is the own account id the cursor belongs to; a cursor of another
	// account is discarded.
	Account string `json:"account,omitempty"`
	// Statuses is the newest own status id read gap-free (the next min_id);
	// empty before the first poll.
	Statuses string `json:"statuses,omitempty"`
	// Notifications is the newest mention notification id read gap-free.
	Notifications string `json:"notifications,omitempty"`
	// Window holds the own posts whose conversations are re-checked, newest
	// first.
	Window []*windowPost `json:"window,omitempty"`
}

// windowPost is an own post in the window.
type windowPost struct {
	ID string `json:"id"`
	// Created is the post's creation (Unix seconds).
	Created int64 `json:"created"`
	// Edited is the post's edited_at (Unix milliseconds); 0 if never.
	Edited int64 `json:"edited,omitempty"`
	// Checked is when its context was last read (Unix seconds).
	Checked int64 `json:"checked,omitempty"`
	// Known are the replies under it already returned: id → what was seen.
	Known map[string]*knownReply `json:"known,omitempty"`
}

// knownReply is what the cursor remembers of a reply under a window post;
// kept small, since a busy post may have thousands.
type knownReply struct {
	// Edited is its edited_at (Unix milliseconds); 0 if never.
	Edited int64 `json:"e,omitempty"`
	// Detached is set when the reply exists but no longer shows in the post's
	// context (an ancestor was deleted): its absence is no longer a deletion.
	Detached bool `json:"d,omitempty"`
}

// decodeCursor reads a cursor; nil is the start.
func decodeCursor(b connectors.Cursor) (*cursor, error) {
	c := &cursor{V: cursorVersion}
	if len(b) == 0 {
		return c, nil
	}
	if err := json.Unmarshal(b, c); err != nil {
		return nil, fmt.Errorf("mastodon: cursor: %w", err)
	}
	if c.V != cursorVersion {
		return nil, fmt.Errorf("mastodon: cursor: unknown version %d", c.V)
	}
	for _, w := range c.Window {
		if w == nil || w.ID == "" {
			return nil, fmt.Errorf("mastodon: cursor: window entry without id")
		}
		for id, k := range w.Known {
			if k == nil {
				w.Known[id] = &knownReply{}
			}
		}
	}
	return c, nil
}

// encode renders the cursor; the window stays sorted newest first.
func (c *cursor) encode() connectors.Cursor {
	c.V = cursorVersion
	sort.SliceStable(c.Window, func(i, j int) bool { return compareIDs(c.Window[i].ID, c.Window[j].ID) > 0 })
	b, err := json.Marshal(c)
	if err != nil {
		panic(fmt.Sprintf("mastodon: encode cursor: %v", err)) // plain structs always marshal
	}
	return b
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
	out := c.Window[:0]
	for _, w := range c.Window {
		if w.ID != id {
			out = append(out, w)
		}
	}
	c.Window = out
}

// trim keeps the newest n posts no older than age at now.
func (c *cursor) trim(n int, age time.Duration, now time.Time) {
	sort.SliceStable(c.Window, func(i, j int) bool { return compareIDs(c.Window[i].ID, c.Window[j].ID) > 0 })
	limit := now.Add(-age).Unix()
	out := c.Window[:0]
	for _, w := range c.Window {
		if len(out) < n && w.Created >= limit {
			out = append(out, w)
		}
	}
	c.Window = out
}

// compareIDs orders Mastodon ids, which are strings that must be compared as
// big integers (by length first, then lexically); Pleroma-style flake ids of
// one length compare lexically too.
func compareIDs(a, b string) int {
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// maxID returns the greater id.
func maxID(a, b string) string {
	if compareIDs(a, b) >= 0 {
		return a
	}
	return b
}

func unixMilli(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}
