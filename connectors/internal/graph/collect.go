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

// ReadNewest reads an edge listed newest first, one page at a time through
// page, until a page ends with an item created before stop or no next page
// exists; complete is false when maxPages ran out first. Only a page's last
// item counts: a pinned old post listed first does not end the reading.
func ReadNewest[T any](maxPages int, stop time.Time, created func(T) time.Time, page func(after string) ([]T, Paging, error)) (all []T, complete bool, err error) {
	after := ""
	for pages := 0; pages < maxPages; pages++ {
		xs, pg, err := page(after)
		if err != nil {
			return nil, false, err
		}
		all = append(all, xs...)
		next, more := pg.More()
		if !more {
			return all, true, nil
		}
		if len(xs) > 0 && created(xs[len(xs)-1]).Before(stop) {
			return all, true, nil
		}
		after = next
	}
	return all, false, nil
}

// ReadAll reads every page of an edge through page, handing each page's
// items to each; complete is false when maxPages ran out first.
func ReadAll[T any](maxPages int, page func(after string) ([]T, Paging, error), each func(T)) (complete bool, err error) {
	after := ""
	for pages := 0; pages < maxPages; pages++ {
		xs, pg, err := page(after)
		if err != nil {
			return false, err
		}
		for _, x := range xs {
			each(x)
		}
		next, more := pg.More()
		if !more {
			return true, nil
		}
		after = next
	}
	return false, nil
}
