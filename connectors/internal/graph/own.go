package graph

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Base is what every Graph connector holds: its settings (defaults
// applied), the client its sessions come from, its logger and clock.
type Base struct {
	Settings Settings
	Graph    *Client
	Log      *slog.Logger
	Now      func() time.Time
}

// NewBase applies the defaults to s, validates it and builds the client.
func NewBase(network string, s Settings, deps connectors.Deps) (Base, error) {
	s = s.WithDefaults()
	if err := s.Validate(network); err != nil {
		return Base{}, err
	}
	if deps.HTTP == nil {
		return Base{}, fmt.Errorf("%s: no HTTP client", network)
	}
	b := Base{Settings: s, Log: deps.Logger, Now: deps.Now}
	if b.Log == nil {
		b.Log = slog.New(slog.DiscardHandler)
	}
	if b.Now == nil {
		b.Now = time.Now
	}
	b.Graph = &Client{Network: network, HTTP: deps.HTTP, Now: b.Now, Settings: s}
	return b, nil
}

// Factory returns the factory of a Graph connector: it decodes the
// networks.<name> section over def() and calls build.
func Factory[C any](network string, def func() C, build func(C, connectors.Deps) (connectors.Connector, error)) connectors.Factory {
	return func(decode func(v any) error, deps connectors.Deps) (connectors.Connector, error) {
		cfg := def()
		if err := decode(&cfg); err != nil {
			return nil, fmt.Errorf("%s: config: %w", network, err)
		}
		return build(cfg, deps)
	}
}

// NodeRef is the node an account is read from: its ExternalID, else "me".
func NodeRef(acct connectors.Account) string {
	if acct.ExternalID != "" {
		return acct.ExternalID
	}
	return "me"
}

// CheckOwner fails with connectors.ErrAuth when Graph answered op for
// another node than the account's ExternalID.
func CheckOwner(network, op string, acct connectors.Account, id string) error {
	if acct.ExternalID != "" && acct.ExternalID != id {
		return fmt.Errorf("%s: %s: answered for %s, not %s: %w", network, op, id, acct.ExternalID, connectors.ErrAuth)
	}
	return nil
}

// SyncOwn reconciles the account's own posts as a listing returned them
// (newest first, read down to the window's start or the mark) with the
// cursor's mark and window: a post created after the mark is new (emitted,
// added to the window when created at or after since, and the mark moves
// past it); a window post whose text hash changed is emitted again (item's
// edit argument true); when the listing is complete, a window post it
// should have held but did not is a deletion. key returns a post's id,
// creation and text.
func SyncOwn[T any](c *Collector, mark *Mark, window *Window, since time.Time, xs []T, complete bool,
	key func(T) (string, time.Time, string), item func(x T, edit bool) connectors.Item) {
	type keyed struct {
		x       T
		id      string
		created time.Time
		text    string
	}
	ks := make([]keyed, len(xs))
	for i, x := range xs {
		id, created, text := key(x)
		ks[i] = keyed{x, id, created, text}
	}
	sort.SliceStable(ks, func(i, j int) bool { return ks[i].created.Before(ks[j].created) })
	listed := make(map[string]bool, len(ks))
	newMark := *mark
	for _, k := range ks {
		listed[k.id] = true
		h := HashText(k.text)
		if w := window.Post(k.id); w != nil {
			if w.Hash != h {
				w.Hash = h
				c.Emit(item(k.x, true))
			}
			continue
		}
		if mark.Seen(k.created, k.id) {
			continue
		}
		c.Emit(item(k.x, false))
		if !k.created.Before(since) {
			*window = append(*window, &WindowPost{ID: k.id, Created: k.created.Unix(), Hash: h, Known: map[string]string{}})
		}
		newMark.Advance(k.created, k.id)
	}
	if !complete {
		return // keep the mark: the gap below what was read is still open
	}
	*mark = newMark
	for _, w := range append(Window(nil), *window...) {
		if !listed[w.ID] && (len(ks) == 0 || w.Created >= ks[0].created.Unix()) {
			c.Deleted(w.ID)
			window.Remove(w.ID)
		}
	}
}

// Note emits a comment under a window post when it is new or its text
// changed; item renders it with its edit time (zero when new: Graph gives
// comments no edit time, so an edit is dated when noticed, c.Now). parent
// is the top-level comment a reply was listed under ("" for others).
func (c *Collector) Note(w *WindowPost, id, text, parent string, item func(edited time.Time) connectors.Item) {
	if parent != "" {
		if w.Parents == nil {
			w.Parents = map[string]string{}
		}
		w.Parents[id] = parent
	}
	h := HashText(text)
	old, known := w.Known[id]
	if known && old == h {
		return
	}
	var edited time.Time
	if known {
		edited = c.Now
	}
	w.Known[id] = h
	c.Emit(item(edited))
}

// Gone reports the known comments of a window post that a complete re-read
// did not see as deleted, and forgets them; a reply whose top-level comment
// is gone too went with it and is not reported.
func (c *Collector) Gone(w *WindowPost, seen map[string]bool) {
	gone := make([]string, 0)
	for id := range w.Known {
		if !seen[id] {
			gone = append(gone, id)
		}
	}
	sort.Strings(gone)
	for _, id := range gone {
		parent := w.Parents[id]
		delete(w.Known, id)
		delete(w.Parents, id)
		if parent != "" && !seen[parent] {
			continue
		}
		c.Deleted(id)
	}
}

// Versioned is a connector's cursor layout.
type Versioned interface {
	// Layout returns the layout's version and its window.
	Layout() (int, Window)
}

// DecodeCursor reads b into c (nil b leaves c as is); it fails on bad JSON,
// a version other than version, or a bad window.
func DecodeCursor(network string, b connectors.Cursor, c Versioned, version int) error {
	if len(b) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, c); err != nil {
		return fmt.Errorf("%s: cursor: %w", network, err)
	}
	v, w := c.Layout()
	if v != version {
		return fmt.Errorf("%s: cursor: unknown version %d", network, v)
	}
	if err := w.Check(); err != nil {
		return fmt.Errorf("%s: cursor: %w", network, err)
	}
	return nil
}

// EncodeCursor renders c with its window sorted.
func EncodeCursor(network string, c Versioned) connectors.Cursor {
	_, w := c.Layout()
	w.Sort()
	b, err := json.Marshal(c)
	if err != nil {
		panic(fmt.Sprintf("%s: encode cursor: %v", network, err)) // plain structs always marshal
	}
	return b
}
