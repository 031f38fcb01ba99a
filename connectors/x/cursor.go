package x

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// cursorVersion is the version of the cursor's JSON layout.
const cursorVersion = 1

// state is what the cursor carries between polls, as versioned JSON. A stream
// moves its Since only when its last page has been returned: until then the
// paging in progress (Next, Newest) rides in the cursor of each batch, so a
// cursor never covers posts that are not stored.
type state struct {
	V int `json:"v"`
	// UID is the account's user id when it was resolved from the handle.
	UID string `json:"uid,omitempty"`
	// Posts is the account's own timeline; Mentions its mentions timeline.
	Posts    stream `json:"posts"`
	Mentions stream `json:"mentions"`
	// Replies is the recent search over the window's conversations.
	Replies replies `json:"replies"`
	// Window holds the recent own posts, newest first, with the replies under
	// them that are re-checked for deletions.
	Window []windowPost `json:"window,omitempty"`
	// Edited lists the edit histories of recently edited items, newest
	// first, each "<id>:<version id>:…", so that a reference to a version
	// read in an earlier poll maps to its item.
	Edited []string `json:"edited,omitempty"`
	// Checked and Profiled are the Unix seconds of the last deletion re-check
	// and profile fetch.
	Checked  int64 `json:"checked,omitempty"`
	Profiled int64 `json:"profiled,omitempty"`
}

// stream is the position in a timeline read with since_id and pagination_token.
type stream struct {
	// Since is the newest post id stored.
	Since string `json:"since,omitempty"`
	// Next is the pagination token of the next page of the paging in progress.
	Next string `json:"next,omitempty"`
	// Newest is meta.newest_id of the paging's first page: Since once the last
	// page is stored.
	Newest string `json:"newest,omitempty"`
	// From is the start_time of a first backfill in progress.
	From string `json:"from,omitempty"`
	// Pages counts the pages of the paging in progress.
	Pages int `json:"pages,omitempty"`
}

// replies is the position of the recent search for replies. A round searches
// every conversation of the window once, in groups that share a query.
type replies struct {
	// Since is the newest reply id stored across the searched conversations.
	Since string `json:"since,omitempty"`
	// Round holds the groups of the round in progress not yet finished.
	Round []group `json:"round,omitempty"`
	// Searching holds every conversation of the round in progress.
	Searching []string `json:"searching,omitempty"`
	// Newest is the newest id the round's first pages reported.
	Newest string `json:"newest,omitempty"`
}

// group is one search query of a round.
type group struct {
	Convs []string `json:"convs"`
	Since string   `json:"since,omitempty"`
	Until string   `json:"until,omitempty"`
	Next  string   `json:"next,omitempty"`
	Pages int      `json:"pages,omitempty"`
}

// windowPost is a recent own post.
type windowPost struct {
	// ID is the original id (the item's external id); Cur the current version's.
	ID  string `json:"id"`
	Cur string `json:"cur,omitempty"`
	// At is the creation time, Unix seconds.
	At int64 `json:"at"`
	// Searched is set once a search round has covered the conversation.
	Searched bool `json:"searched,omitempty"`
	// Replies are the replies under the post that are re-checked for
	// deletions, newest first, each "<id>" or "<id>:<current version id>".
	Replies []string `json:"replies,omitempty"`
}

// reply splits an entry of windowPost.Replies into the original and the
// current version's id.
func reply(e string) (id, cur string) {
	id, cur, ok := strings.Cut(e, ":")
	if !ok {
		cur = id
	}
	return id, cur
}

// replyEntry is the inverse of reply.
func replyEntry(id, cur string) string {
	if cur == "" || cur == id {
		return id
	}
	return id + ":" + cur
}

// current returns the id of the newest known version.
func (w *windowPost) current() string {
	if w.Cur != "" {
		return w.Cur
	}
	return w.ID
}

// errCursor marks a cursor this connector did not write.
var errCursor = errors.New("unreadable cursor")

// decodeCursor reads a cursor; nil or empty is the start.
func decodeCursor(cur connectors.Cursor) (*state, error) {
	st := &state{V: cursorVersion}
	if len(bytes.TrimSpace(cur)) == 0 {
		return st, nil
	}
	if err := strictObject(cur, st); err != nil {
		return nil, fmt.Errorf("x: cursor: %w: %w: %v", errCursor, connectors.ErrMalformed, err)
	}
	if st.V != cursorVersion {
		return nil, fmt.Errorf("x: cursor: %w: %w: version %d, want %d", errCursor, connectors.ErrMalformed, st.V, cursorVersion)
	}
	if err := st.check(); err != nil {
		return nil, fmt.Errorf("x: cursor: %w: %w: %v", errCursor, connectors.ErrMalformed, err)
	}
	return st, nil
}

// check verifies that every id the cursor holds is well formed, since they
// go into URLs.
func (st *state) check() error {
	ids := []string{st.UID, st.Posts.Since, st.Posts.Newest, st.Mentions.Since, st.Mentions.Newest, st.Replies.Since, st.Replies.Newest}
	ids = append(ids, st.Replies.Searching...)
	for _, g := range st.Replies.Round {
		if len(g.Convs) == 0 {
			return errors.New("search group without conversations")
		}
		ids = append(ids, g.Since, g.Until)
		ids = append(ids, g.Convs...)
	}
	for _, w := range st.Window {
		if w.ID == "" {
			return errors.New("window post without id")
		}
		ids = append(ids, w.ID, w.Cur)
		for _, e := range w.Replies {
			id, cur := reply(e)
			if id == "" || cur == "" {
				return fmt.Errorf("reply entry %q", clip(e, 60))
			}
			ids = append(ids, id, cur)
		}
	}
	for _, e := range st.Edited {
		vs := strings.Split(e, ":")
		if len(vs) < 2 {
			return fmt.Errorf("edit history %q", clip(e, 60))
		}
		ids = append(ids, vs...)
		for _, v := range vs {
			if v == "" {
				return fmt.Errorf("edit history %q", clip(e, 60))
			}
		}
	}
	for _, id := range ids {
		if id != "" && !validID(id) {
			return fmt.Errorf("%q is not an id", clip(id, 40))
		}
	}
	if st.Posts.From != "" || st.Mentions.From != "" {
		for _, f := range []string{st.Posts.From, st.Mentions.From} {
			if f != "" && !validTime(f) {
				return fmt.Errorf("start time %q", clip(f, 40))
			}
		}
	}
	return nil
}

// encode writes the cursor.
func (st *state) encode() connectors.Cursor {
	st.V = cursorVersion
	b, err := json.Marshal(st)
	if err != nil {
		panic(fmt.Sprintf("x: encode cursor: %v", err)) // strings, ints and bools only
	}
	return b
}

// validTime reports whether s is an RFC 3339 time.
func validTime(s string) bool {
	_, err := time.Parse(time.RFC3339, s)
	return err == nil
}
