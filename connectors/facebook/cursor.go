package facebook

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
// invalidated when items are deleted. Positions are the newest creation time
// seen and the ids created at that second.
type cursor struct {
	V int `json:"v"`
	// Page is the Page id the cursor belongs to; a cursor of another Page is
	// discarded.
	Page string `json:"page,omitempty"`
	// Posts is the newest own post seen.
	Posts graph.Mark `json:"posts"`
	// Tagged is the newest post tagging the Page seen.
	Tagged graph.Mark `json:"tagged"`
	// Window holds the own posts whose comments are re-checked, newest first.
	Window graph.Window `json:"window,omitempty"`
}

// decodeCursor reads a cursor; nil is the start.
func decodeCursor(b connectors.Cursor) (*cursor, error) {
	c := &cursor{V: cursorVersion}
	if len(b) == 0 {
		return c, nil
	}
	if err := json.Unmarshal(b, c); err != nil {
		return nil, fmt.Errorf("facebook: cursor: %w", err)
	}
	if c.V != cursorVersion {
		return nil, fmt.Errorf("facebook: cursor: unknown version %d", c.V)
	}
	if err := c.Window.Check(); err != nil {
		return nil, fmt.Errorf("facebook: cursor: %w", err)
	}
	return c, nil
}

// encode renders the cursor.
func (c *cursor) encode() connectors.Cursor {
	c.V = cursorVersion
	c.Window.Sort()
	b, err := json.Marshal(c)
	if err != nil {
		panic(fmt.Sprintf("facebook: encode cursor: %v", err)) // plain structs always marshal
	}
	return b
}
