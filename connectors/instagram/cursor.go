package instagram

import (
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
	// Tagged is the newest media tagging the account seen (Config.Tagged).
	Tagged graph.Mark `json:"tagged,omitzero"`
	// Window holds the own media whose comments are re-checked, newest
	// first; Parents maps each reply to its top-level comment.
	Window graph.Window `json:"window,omitempty"`
}

// Layout implements graph.Versioned.
func (c *cursor) Layout() (int, graph.Window) { return c.V, c.Window }

// decodeCursor reads a cursor; nil is the start.
func decodeCursor(b connectors.Cursor) (*cursor, error) {
	c := &cursor{V: cursorVersion}
	if err := graph.DecodeCursor(Network, b, c, cursorVersion); err != nil {
		return nil, err
	}
	return c, nil
}

// encode renders the cursor.
func (c *cursor) encode() connectors.Cursor {
	c.V = cursorVersion
	return graph.EncodeCursor(Network, c)
}
