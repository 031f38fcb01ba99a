package simulated

import (
	"cmp"
	"slices"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Truth is the ground truth of one account: everything it and its users
// published in (From, UpTo] of simulated time, as a perfect archive that polled
// from a nil cursor up to UpTo would hold it.
type Truth struct {
	// Account is the account's ID.
	Account string
	// From is World.Start: items created at or before it are not included.
	From time.Time
	// UpTo is the simulated instant the truth was taken at.
	UpTo time.Time
	// Items are ordered as their creation events are delivered.
	Items []TruthItem
	// Profiles holds the profile in force at From, then each visible change of
	// display name or bio up to UpTo.
	Profiles []ProfileChange
}

// TruthItem is one item with its whole history up to Truth.UpTo.
type TruthItem struct {
	ExternalID   string
	Kind         connectors.Kind
	ParentID     string
	RootID       string
	AuthorID     string
	AuthorHandle string
	AuthorName   string
	Own          bool
	// Label classifies users' items; it is empty for the account's own items.
	Label Label
	// Versions are the texts in order; Versions[0].At is the creation time and
	// each later At is an edit time (Item.EditedAt).
	Versions []Version
	// DeletedAt is when the item was deleted; zero if it was not.
	DeletedAt time.Time
	// AnsweredBy is the external id of the account's first reply to this item,
	// and AnsweredAt its creation time; empty when unanswered.
	AnsweredBy string
	AnsweredAt time.Time
	Media      []connectors.Media
}

// Version is one text of an item and the instant it took effect.
type Version struct {
	Text string
	At   time.Time
}

// Final returns the item's last version.
func (t TruthItem) Final() Version { return t.Versions[len(t.Versions)-1] }

// ByID indexes the items by external id.
func (t Truth) ByID() map[string]TruthItem {
	m := make(map[string]TruthItem, len(t.Items))
	for _, it := range t.Items {
		m[it.ExternalID] = it
	}
	return m
}

// Truth returns the ground truth of acct up to the simulated instant upTo.
func (w *World) Truth(acct connectors.Account, upTo time.Time) Truth {
	u := upTo.Unix()
	t := Truth{Account: acct.ID, From: w.Start(), UpTo: upTo}
	type keyed struct {
		day int64
		it  *item
	}
	var items []keyed
	for d := dayOf(w.start) - maxSpill; d <= dayOf(u); d++ {
		for _, it := range w.day(acct, d).items {
			if c := it.created(); c > w.start && c <= u {
				items = append(items, keyed{d, it})
			}
		}
	}
	slices.SortFunc(items, func(a, b keyed) int {
		return cmp.Or(cmp.Compare(a.it.created(), b.it.created()), cmp.Compare(a.day, b.day), cmp.Compare(a.it.seq, b.it.seq))
	})
	for _, k := range items {
		it := k.it
		id, handle, name := w.authorOf(acct, it)
		ti := TruthItem{
			ExternalID: it.id, Kind: it.kind, AuthorID: id, AuthorHandle: handle, AuthorName: name,
			Own: it.own, Label: it.label, Media: slices.Clone(it.media),
		}
		if it.parent != nil {
			ti.ParentID, ti.RootID = it.parent.id, it.root.id
		}
		for _, v := range it.versions {
			if v.at <= u {
				ti.Versions = append(ti.Versions, Version{Text: v.text, At: time.Unix(v.at, 0).UTC()})
			}
		}
		if it.isDeleted && it.deleted <= u {
			ti.DeletedAt = time.Unix(it.deleted, 0).UTC()
		}
		if a := it.answer; a != nil && a.created() <= u {
			ti.AnsweredBy, ti.AnsweredAt = a.id, time.Unix(a.created(), 0).UTC()
		}
		t.Items = append(t.Items, ti)
	}
	t.Profiles = w.profileChanges(acct, w.start, u)
	return t
}
