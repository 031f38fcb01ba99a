package graph

import (
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Collector gathers one poll's items and deletions: an item emitted twice
// keeps its latest state, a deletion is listed once.
type Collector struct {
	// Now is the poll's instant, the ObservedAt of its deletions.
	Now       time.Time
	Items     []connectors.Item
	Deletions []connectors.Deletion
	emitted   map[string]int
}

// Emit adds an item.
func (c *Collector) Emit(it connectors.Item) {
	if c.emitted == nil {
		c.emitted = map[string]int{}
	}
	if i, ok := c.emitted[it.ExternalID]; ok {
		c.Items[i] = it
		return
	}
	c.emitted[it.ExternalID] = len(c.Items)
	c.Items = append(c.Items, it)
}

// Deleted records a deletion.
func (c *Collector) Deleted(id string) {
	for _, d := range c.Deletions {
		if d.ExternalID == id {
			return
		}
	}
	c.Deletions = append(c.Deletions, connectors.Deletion{ExternalID: id, ObservedAt: c.Now})
}
