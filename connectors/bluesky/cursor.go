package bluesky

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// cursorVersion is the version of the cursor's JSON; a cursor of another
// version is rejected rather than misread.
const cursorVersion = 1

// overlap is how far below the newest sort time seen a listing is read again,
// so that posts indexed late (their createdAt, which the AppView sorts by,
// lies before the moment they became visible) are not skipped. The posts of
// the overlap already delivered are remembered in scan.Seen.
const overlap = 15 * time.Minute

// state is what the cursor holds, as JSON. It holds no credentials.
type state struct {
	V int `json:"v"`
	// DID is the account the state belongs to; a session for another DID
	// starts afresh.
	DID string `json:"did,omitempty"`
	// Feed is the scan of the author feed (own posts and own replies).
	Feed scan `json:"feed"`
	// Notif is the scan of the notifications (mentions, replies, quotes).
	Notif scan `json:"notif"`
	// Window are the recent own posts whose threads are re-checked, newest
	// first.
	Window []watched `json:"window,omitempty"`
	// Turn is where the next round-robin thread re-check starts.
	Turn int `json:"turn,omitempty"`
	// Next is where the next round of replies to re-check with getPosts
	// starts, in the order of the window and its known replies.
	Next int `json:"next,omitempty"`
}

// scan is the position in a newest-first listing that has no "since"
// parameter. A scan starts at the head of the listing, reads down page by page
// (across polls when the listing is long) until it reaches sort times below
// Floor minus the overlap, then raises Floor to the newest sort time it saw.
type scan struct {
	// Floor is the newest sort time of the last finished scan; zero before the
	// first one, whose lower bound is the backfill horizon instead.
	Floor time.Time `json:"floor,omitzero"`
	// Top is the newest sort time of the scan in progress.
	Top time.Time `json:"top,omitzero"`
	// Page is the listing's cursor for the next page of the scan in progress;
	// empty to start at the head.
	Page string `json:"page,omitempty"`
	// Seen are the posts already delivered whose sort time is within the
	// overlap below Floor (or, for the scan in progress, below Top).
	Seen []seen `json:"seen,omitempty"`
}

// seen is a delivered post near a scan's floor.
type seen struct {
	URI string    `json:"u"`
	At  time.Time `json:"t"`
}

// watched is an own post in the window.
type watched struct {
	URI string `json:"uri"`
	// CID is a digest of the post's CID, to notice a changed record.
	CID string `json:"cid"`
	// At is the post's sort time, which ages it out of the window.
	At time.Time `json:"at"`
	// Replies is the reply count when the thread was last read; -1 before the
	// first read.
	Replies int64 `json:"n"`
	// Known are the replies seen in the thread or delivered otherwise.
	Known []known `json:"r,omitempty"`
}

// known is a reply under a window post.
type known struct {
	URI string `json:"u"`
	CID string `json:"c"`
	// Parent is the URI the reply answers, when it is not the window post.
	Parent string `json:"p,omitempty"`
	// Replies is the reply's own reply count; -1 when unknown.
	Replies int64 `json:"n"`
}

// cidKey digests a CID to 12 characters, enough to notice a change.
func cidKey(cid string) string {
	sum := sha256.Sum256([]byte(cid))
	return base64.RawURLEncoding.EncodeToString(sum[:9])
}

// decodeCursor reads a cursor; nil or empty is the initial state.
func decodeCursor(cur connectors.Cursor) (*state, error) {
	if len(cur) == 0 {
		return &state{V: cursorVersion}, nil
	}
	st := &state{}
	if err := unmarshalObject(cur, st); err != nil {
		return nil, fmt.Errorf("%s: cursor: %w: %v", Network, connectors.ErrMalformed, err)
	}
	if st.V != cursorVersion {
		return nil, fmt.Errorf("%s: cursor: version %d, want %d: %w", Network, st.V, cursorVersion, connectors.ErrMalformed)
	}
	if err := st.check(); err != nil {
		return nil, fmt.Errorf("%s: cursor: %w: %v", Network, connectors.ErrMalformed, err)
	}
	return st, nil
}

// check rejects states no poll could have written.
func (st *state) check() error {
	if st.DID != "" && !isDID(st.DID) {
		return errors.New("bad did")
	}
	if len(st.Window) > MaxWindowPosts {
		return errors.New("window too long")
	}
	for _, w := range st.Window {
		if _, _, err := parsePostURI(w.URI); err != nil {
			return err
		}
	}
	if st.Turn < 0 || st.Next < 0 {
		return errors.New("negative turn")
	}
	return nil
}

// encode writes the state as the cursor.
func (st *state) encode() connectors.Cursor {
	b, err := json.Marshal(st)
	if err != nil {
		panic(fmt.Sprintf("bluesky: encode cursor: %v", err)) // plain data: cannot fail
	}
	return b
}

// seen reports whether uri was delivered near the scan's floor.
func (sc *scan) seen(uri string) bool {
	return slices.ContainsFunc(sc.Seen, func(s seen) bool { return s.URI == uri })
}

// note remembers a delivered post when it lies within the overlap below the
// scan's newest sort time.
func (sc *scan) note(uri string, at time.Time) {
	if !at.Before(sc.Top.Add(-overlap)) && !sc.seen(uri) {
		sc.Seen = append(sc.Seen, seen{URI: uri, At: at})
	}
}

// finish ends the scan in progress: Floor rises to its newest sort time and
// only the posts within the overlap below it stay in Seen.
func (sc *scan) finish() {
	if sc.Top.After(sc.Floor) {
		sc.Floor = sc.Top
	}
	sc.Top, sc.Page = time.Time{}, ""
	low := sc.Floor.Add(-overlap)
	sc.Seen = slices.DeleteFunc(sc.Seen, func(s seen) bool { return s.At.Before(low) })
	if len(sc.Seen) == 0 {
		sc.Seen = nil
	}
}
