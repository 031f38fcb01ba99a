package tiktok

import (
	"encoding/json"
	"fmt"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/window"
)

// cursorVersion is the version of the cursor's JSON layout.
const cursorVersion = 1

// cursor is the connector's state between polls, stored by the agent as
// opaque bytes (versioned JSON). It keeps no TikTok paging cursor: positions are
// kept as marks of creation time.
type cursor struct {
	V int `json:"v"`
	// Business is the business id the cursor belongs to; a cursor of another
	// account is discarded.
	Business string `json:"business,omitempty"`
	// Posts is the newest own video seen.
	Posts window.Mark `json:"posts"`
	// Window holds the own videos whose comments are re-checked.
	Window window.Posts `json:"window,omitempty"`
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
	if err := c.Window.Check(); err != nil {
		return nil, fmt.Errorf("tiktok: cursor: %w", err)
	}
	return c, nil
}

// encode renders the cursor.
func (c *cursor) encode() connectors.Cursor {
	c.V = cursorVersion
	c.Window.Sort()
	b, err := json.Marshal(c)
	if err != nil {
		panic(fmt.Sprintf("tiktok: encode cursor: %v", err)) // plain structs always marshal
	}
	return b
}
