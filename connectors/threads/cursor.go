package threads

import (
	"encoding/json"
	"fmt"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/window"
)

// cursorVersion is the version of the cursor's JSON layout.
const cursorVersion = 1

// cursor is the connector's state between polls, stored by the agent as
// opaque bytes (versioned JSON). It keeps no Meta paging cursor: those are
// invalidated when items are deleted.
type cursor struct {
	V int `json:"v"`
	// User is the Threads user id the cursor belongs to; a cursor of another
	// user is discarded.
	User string `json:"user,omitempty"`
	// Posts is the newest own thread seen.
	Posts window.Mark `json:"posts"`
	// Mentions is the newest mention seen.
	Mentions window.Mark `json:"mentions"`
	// Window holds the own threads whose conversations are re-checked.
	Window window.Posts `json:"window,omitempty"`
}

// decodeCursor reads a cursor; nil is the start.
func decodeCursor(b connectors.Cursor) (*cursor, error) {
	c := &cursor{V: cursorVersion}
	if len(b) == 0 {
		return c, nil
	}
	if err := json.Unmarshal(b, c); err != nil {
		return nil, fmt.Errorf("threads: cursor: %w", err)
	}
	if c.V != cursorVersion {
		return nil, fmt.Errorf("threads: cursor: unknown version %d", c.V)
	}
	if err := c.Window.Check(); err != nil {
		return nil, fmt.Errorf("threads: cursor: %w", err)
	}
	return c, nil
}

// encode renders the cursor.
func (c *cursor) encode() connectors.Cursor {
	c.V = cursorVersion
	c.Window.Sort()
	b, err := json.Marshal(c)
	if err != nil {
		panic(fmt.Sprintf("threads: encode cursor: %v", err)) // plain structs always marshal
	}
	return b
}
