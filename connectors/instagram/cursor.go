package instagram

import (
	"encoding/json"
	"fmt"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/internal/graph"
)

// cursorVersion is the version of the cursor's JSON layout.
const cursorVersion = 1

// cursor is the connector's state between polls, stored by the agent as
// opaque bytes (versioned JSON). It keeps no Meta paging cursor: those are
// invalidated when items are deleted.
type cursor struct {
	V int `json:"v"`
	// User is the IG user id the cursor belongs to; a cursor of another
	// account is discarded.
	User string `json:"user,omitempty"`
	// Media is the newest own media seen.
	Media graph.Mark `json:"media"`
	// Window holds the own media whose comments are re-checked, newest
	// first; Parents maps each reply to its top-level comment.
	Window graph.Window `json:"window,omitempty"`
}

// decodeCursor reads a cursor; nil is the start.
func decodeCursor(b connectors.Cursor) (*cursor, error) {
	c := &cursor{V: cursorVersion}
	if len(b) == 0 {
		return c, nil
	}
	if err := json.Unmarshal(b, c); err != nil {
		return nil, fmt.Errorf("instagram: cursor: %w", err)
	}
	if c.V != cursorVersion {
		return nil, fmt.Errorf("instagram: cursor: unknown version %d", c.V)
	}
	if err := c.Window.Check(); err != nil {
		return nil, fmt.Errorf("instagram: cursor: %w", err)
	}
	return c, nil
}

// encode renders the cursor.
func (c *cursor) encode() connectors.Cursor {
	c.V = cursorVersion
	c.Window.Sort()
	b, err := json.Marshal(c)
	if err != nil {
		panic(fmt.Sprintf("instagram: encode cursor: %v", err)) // plain structs always marshal
	}
	return b
}
