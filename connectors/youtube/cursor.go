package youtube

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// cursorVersion is the version of the cursor's JSON layout.
const cursorVersion = 1

// cursor is the connector's state between polls, stored by the agent as
// opaque bytes (versioned JSON). It keeps no YouTube page token: positions
// are the newest publication seen and the ids published in that second.
type cursor struct {
	V int `json:"v"`
	// Channel is the channel id the cursor belongs to; a cursor of another
	// channel is discarded.
	Channel string `json:"channel,omitempty"`
	// Videos is the newest upload seen; Threads the newest comment thread.
	Videos  mark `json:"videos"`
	Threads mark `json:"threads"`
	// Window holds the uploads younger than the window, re-checked for edits
	// and deletions.
	Window []*video `json:"window,omitempty"`
	// Known holds the comment threads younger than the window, by id.
	Known map[string]*thread `json:"known,omitempty"`
	// QuotaDay and QuotaUsed are the project's units spent on the Pacific
	// day when the cursor was written, so a restart remembers them.
	QuotaDay  string `json:"quota_day,omitempty"`
	QuotaUsed int    `json:"quota_used,omitempty"`
	// Cost is the units the last successful poll spent: a poll starts only
	// when the ledger has that many, rather than fail half-way.
	Cost int `json:"cost,omitempty"`
}

// mark is a position in a time-ordered listing: the newest publication (Unix
// seconds) and the ids published in that second.
type mark struct {
	Time int64    `json:"t,omitempty"`
	IDs  []string `json:"ids,omitempty"`
}

// seen reports whether an item published at t with the given id is at or
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

// stop is where a listing read newest first may stop: the window's start,
// or the mark when it is older (a catch-up after an outage longer than the
// window).
func (m mark) stop(since time.Time) time.Time {
	if m.Time != 0 && time.Unix(m.Time, 0).Before(since) {
		return time.Unix(m.Time, 0)
	}
	return since
}

// video is an upload in the window.
type video struct {
	ID      string `json:"id"`
	Created int64  `json:"created"`
	// Hash is the hash of the text (title and description) last returned.
	Hash string `json:"hash"`
}

// thread is a comment thread in the window.
type thread struct {
	Created int64  `json:"created"`
	Video   string `json:"video,omitempty"`
	// State is the top-level comment's text hash and update time as last
	// returned.
	State string `json:"state"`
	// Count is the totalReplyCount last seen.
	Count int64 `json:"count,omitempty"`
	// Replies are the replies already returned: id → state.
	Replies map[string]string `json:"replies,omitempty"`
	// Checked is when every reply was last read (Unix seconds).
	Checked int64 `json:"checked,omitempty"`
}

// state summarises what makes a new version of a comment: its text and
// YouTube's update time.
func state(text string, updated time.Time) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:8]) + "@" + strconv.FormatInt(updated.Unix(), 10)
}

// hashText returns a short hash of a video's text: videos carry no edit
// time, so an edit is noticed by a changed hash.
func hashText(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

// decodeCursor reads a cursor; nil is the start.
func decodeCursor(b connectors.Cursor) (*cursor, error) {
	c := &cursor{V: cursorVersion, Known: map[string]*thread{}}
	if len(b) == 0 {
		return c, nil
	}
	if err := json.Unmarshal(b, c); err != nil {
		return nil, fmt.Errorf("youtube: cursor: %w", err)
	}
	if c.V != cursorVersion {
		return nil, fmt.Errorf("youtube: cursor: version %d, want %d", c.V, cursorVersion)
	}
	if c.Known == nil {
		c.Known = map[string]*thread{}
	}
	for id, t := range c.Known {
		if t == nil {
			delete(c.Known, id)
		} else if t.Replies == nil {
			t.Replies = map[string]string{}
		}
	}
	c.Window = slices.DeleteFunc(c.Window, func(v *video) bool { return v == nil })
	return c, nil
}

// encode renders the cursor.
func (c *cursor) encode() connectors.Cursor {
	sort.SliceStable(c.Window, func(i, j int) bool { return c.Window[i].Created > c.Window[j].Created })
	b, err := json.Marshal(c)
	if err != nil {
		panic("youtube: encode cursor: " + err.Error()) // plain data: cannot happen
	}
	return b
}

// video returns the window video with the id, or nil.
func (c *cursor) video(id string) *video {
	for _, v := range c.Window {
		if v.ID == id {
			return v
		}
	}
	return nil
}

// removeVideo drops a video from the window.
func (c *cursor) removeVideo(id string) {
	c.Window = slices.DeleteFunc(c.Window, func(v *video) bool { return v.ID == id })
}

// trim drops the videos and threads older than since.
func (c *cursor) trim(since time.Time) {
	s := since.Unix()
	c.Window = slices.DeleteFunc(c.Window, func(v *video) bool { return v.Created < s })
	for id, t := range c.Known {
		if t.Created < s {
			delete(c.Known, id)
		}
	}
}
