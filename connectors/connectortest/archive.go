package connectortest

import (
	"fmt"
	"sort"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// memArchive mimics the semantics of the real archive for one account: items
// upsert on the external id (kind, parent, root, author and Own are fixed at
// the first sight), a new version is stored when the text or EditedAt
// changes, deletions mark known items (unknown ones are ignored), an item seen
// again after a deletion is restored, and the cursor is replaced only by a
// successful poll's non-nil cursor.
type memArchive struct {
	items  map[string]*memItem
	cursor connectors.Cursor
}

type memItem struct {
	first     connectors.Item
	versions  []connectors.Item // Raw dropped
	deleted   bool
	deletedAt time.Time // when the deletion was observed
}

func newMemArchive() *memArchive { return &memArchive{items: map[string]*memItem{}} }

// commit stores a successful poll's batch; it returns the problems that the
// real archive would reject or that break the contract.
func (a *memArchive) commit(b connectors.Batch, observed time.Time) []string {
	var problems []string
	seen := map[string]bool{}
	for i := range b.Items {
		it := b.Items[i]
		switch {
		case it.ExternalID == "":
			problems = append(problems, fmt.Sprintf("item %d: empty external id", i))
			continue
		case !it.Kind.Valid():
			problems = append(problems, fmt.Sprintf("item %s: invalid kind %q", it.ExternalID, it.Kind))
			continue
		case seen[it.ExternalID]:
			problems = append(problems, fmt.Sprintf("item %s: returned twice in one batch", it.ExternalID))
		}
		seen[it.ExternalID] = true
		it.Raw = nil
		m, ok := a.items[it.ExternalID]
		if !ok {
			a.items[it.ExternalID] = &memItem{first: it, versions: []connectors.Item{it}}
			continue
		}
		last := m.versions[len(m.versions)-1]
		if last.Text != it.Text || !last.EditedAt.Equal(it.EditedAt) || !sameMedia(last.Media, it.Media) {
			m.versions = append(m.versions, it)
		}
		m.deleted, m.deletedAt = false, time.Time{}
	}
	for _, d := range b.Deletions {
		if d.ExternalID == "" {
			problems = append(problems, "deletion with an empty external id")
			continue
		}
		if m, ok := a.items[d.ExternalID]; ok && !m.deleted {
			m.deleted = true
			m.deletedAt = observed
		}
	}
	if b.Cursor != nil {
		a.cursor = append(connectors.Cursor(nil), b.Cursor...)
	}
	return problems
}

func sameMedia(a, b []connectors.Media) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// clone returns a deep copy, for crash simulations.
func (a *memArchive) clone() *memArchive {
	c := &memArchive{items: make(map[string]*memItem, len(a.items)), cursor: append(connectors.Cursor(nil), a.cursor...)}
	if a.cursor == nil {
		c.cursor = nil
	}
	for k, m := range a.items {
		mm := *m
		mm.versions = append([]connectors.Item(nil), m.versions...)
		c.items[k] = &mm
	}
	return c
}

// ids returns the stored external ids, sorted.
func (a *memArchive) ids() []string {
	out := make([]string, 0, len(a.items))
	for k := range a.items {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
