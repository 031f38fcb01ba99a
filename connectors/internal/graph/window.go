package graph

import (
	"fmt"
	"slices"
	"sort"
	"time"
)

// WindowPost is an own post whose comments are re-checked every poll.
type WindowPost struct {
	ID string `json:"id"`
	// Created is the post's creation (Unix seconds).
	Created int64 `json:"created"`
	// Hash is the HashText of the post's text as last returned.
	Hash string `json:"hash"`
	// Known are the comments and replies under it already returned: id →
	// HashText of the text as last returned.
	Known map[string]string `json:"known,omitempty"`
	// Parents maps a reply to the top-level comment it was listed under, on
	// networks that list replies per comment (Instagram).
	Parents map[string]string `json:"parents,omitempty"`
}

// Window holds the own posts whose comments are re-checked, newest first.
type Window []*WindowPost

// Check fails on an entry without id and fills nil maps; a cursor calls it
// after decoding.
func (w Window) Check() error {
	for _, p := range w {
		if p == nil || p.ID == "" {
			return fmt.Errorf("window entry without id")
		}
		if p.Known == nil {
			p.Known = map[string]string{}
		}
	}
	return nil
}

// Sort orders the window newest first.
func (w Window) Sort() {
	sort.SliceStable(w, func(i, j int) bool {
		if w[i].Created != w[j].Created {
			return w[i].Created > w[j].Created
		}
		return w[i].ID > w[j].ID
	})
}

// Post returns the entry with the given id, or nil.
func (w Window) Post(id string) *WindowPost {
	for _, p := range w {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// Remove drops a post.
func (w *Window) Remove(id string) {
	*w = slices.DeleteFunc(*w, func(p *WindowPost) bool { return p.ID == id })
}

// Trim keeps the newest n posts created at or after since.
func (w *Window) Trim(n int, since time.Time) {
	w.Sort()
	out := (*w)[:0]
	for _, p := range *w {
		if len(out) < n && p.Created >= since.Unix() {
			out = append(out, p)
		}
	}
	*w = out
}
