package report

import (
	"context"

	"github.com/ife-mx/vigia/archive"
)

// Governance signals (Criterio 6.xxvi, takeover). The archive's profile snapshots
// give the profile changes now; the takeover alerts come from the alerts table,
// which the governance work (issue 8) fills: until it holds any alert of a takeover
// rule, the figure does not exist and the report says "sin datos" rather than 0.
// Extend here when new signals land.

// takeoverRulePattern matches the alert rules counted as takeover signals.
const takeoverRulePattern = "%takeover%"

// Takeover are the account's takeover signals in the period.
type Takeover struct {
	// ProfileChanges counts the observed changes of display name, handle, bio,
	// avatar or link.
	ProfileChanges int64 `json:"profile_changes"`
	// Alerts counts the takeover alerts of the period; null when the archive has
	// no takeover alerts at all (no data yet).
	Alerts *int64 `json:"alerts"`
}

// takeoverSignals fills the takeover alerts of every account in out. Alerts name
// their account as the subject.
func takeoverSignals(ctx context.Context, s *archive.Store, p archive.Period, out map[string]*accountFigures) error {
	counts := map[string]int64{}
	ok, err := s.AlertCounts(ctx, p, takeoverRulePattern, func(subject string, n int64) { counts[subject] += n })
	if err != nil || !ok {
		return err
	}
	for id, f := range out {
		n := counts[id]
		f.takeover.Alerts = &n
	}
	return nil
}
