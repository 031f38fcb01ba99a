// Package simcheck compares an archive with the simulated network's ground truth.
// The agent's tests, the crash-safety test and the benchmarks use it to prove that
// the archive holds exactly what the simulation published: every item once, every
// version in order, every deletion marked.
package simcheck

import (
	"context"
	"fmt"
	"time"

	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/simulated"
)

// Compare returns every difference between the archive and the truth of each
// account up to the simulated instant upTo; none means the archive is exact. At most
// max differences are listed.
func Compare(ctx context.Context, store *archive.Store, world *simulated.World, accts []connectors.Account, upTo time.Time, max int) ([]string, error) {
	var diffs []string
	add := func(format string, args ...any) {
		if len(diffs) < max {
			diffs = append(diffs, fmt.Sprintf(format, args...))
		}
	}
	for _, acct := range accts {
		truth := world.Truth(acct, upTo).ByID()
		seen := map[string]bool{}
		err := store.Items(ctx, acct.ID, func(it archive.StoredItem) error {
			if seen[it.ExternalID] {
				add("%s: item %s archived twice", acct.ID, it.ExternalID)
			}
			seen[it.ExternalID] = true
			want, ok := truth[it.ExternalID]
			if !ok {
				add("%s: item %s is archived but the simulation never published it", acct.ID, it.ExternalID)
				return nil
			}
			if it.Kind != want.Kind || it.ParentID != want.ParentID || it.RootID != want.RootID || it.Own != want.Own || it.AuthorID != want.AuthorID {
				add("%s: item %s: identity differs: archived %s/%s/%s own=%v author=%s, published %s/%s/%s own=%v author=%s", acct.ID, it.ExternalID,
					it.Kind, it.ParentID, it.RootID, it.Own, it.AuthorID, want.Kind, want.ParentID, want.RootID, want.Own, want.AuthorID)
			}
			if !it.CreatedAt.Equal(want.Versions[0].At) {
				add("%s: item %s: created %s, published %s", acct.ID, it.ExternalID, it.CreatedAt, want.Versions[0].At)
			}
			if it.DeletedAt.IsZero() != want.DeletedAt.IsZero() {
				add("%s: item %s: deleted mark %v, simulation deleted at %v", acct.ID, it.ExternalID, it.DeletedAt, want.DeletedAt)
			}
			if it.Versions != len(want.Versions) || it.Text != want.Final().Text {
				vs, err := store.Versions(ctx, it.Network, it.ExternalID)
				if err != nil {
					return err
				}
				add("%s: item %s: %d versions archived (last %.40q), %d published (last %.40q)", acct.ID, it.ExternalID,
					len(vs), it.Text, len(want.Versions), want.Final().Text)
			}
			return nil
		})
		if err != nil {
			return diffs, err
		}
		for id := range truth {
			if !seen[id] {
				add("%s: item %s was published but is not archived", acct.ID, id)
			}
		}
	}
	return diffs, nil
}

// CompareVersions checks, item by item, that every archived version's text equals
// the published version at the same position; Compare checks counts and the final
// text, this checks every edit.
func CompareVersions(ctx context.Context, store *archive.Store, world *simulated.World, acct connectors.Account, network string, upTo time.Time, max int) ([]string, error) {
	var diffs []string
	for _, want := range world.Truth(acct, upTo).Items {
		vs, err := store.Versions(ctx, network, want.ExternalID)
		if err != nil {
			return diffs, err
		}
		if len(vs) != len(want.Versions) {
			diffs = append(diffs, fmt.Sprintf("%s: %d versions, want %d", want.ExternalID, len(vs), len(want.Versions)))
		} else {
			for i := range vs {
				if vs[i].Text != want.Versions[i].Text {
					diffs = append(diffs, fmt.Sprintf("%s: version %d text differs", want.ExternalID, i+1))
				}
			}
		}
		if len(diffs) >= max {
			break
		}
	}
	return diffs, nil
}
