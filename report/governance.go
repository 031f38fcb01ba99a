package report

import (
	"context"
	"encoding/json"

	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/policy/health"
)

// Governance signals (Criterios 6.xxvi takeover, 6.xx cadence). The archive's
// profile snapshots give the profile changes; the governance work (issue 8)
// records every takeover assessment with evidence and every change of cadence
// state in the chained signals table, and raises takeover and stale_account
// alerts. A figure the archive cannot hold yet (governance never ran on it, no
// alert of the rule ever raised) is null, shown "sin datos", rather than 0.

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
	// UrgentSignals and SubThresholdSignals count the takeover assessments of the
	// period at or above the threshold and below it (with some evidence); null
	// when governance never recorded anything in the archive.
	UrgentSignals       *int64 `json:"urgent_signals"`
	SubThresholdSignals *int64 `json:"sub_threshold_signals"`
	// MaxScore is the highest takeover score of the period (0 with no signal).
	MaxScore float64 `json:"max_score"`
	// Summary and Evidence describe the highest-scoring signal (Spanish).
	Summary  string   `json:"summary,omitempty"`
	Evidence []string `json:"evidence,omitempty"`
}

// CadenceSignals are the account's changes of cadence state in the period (6.xx,
// 7.viii): each time it became stale or abandoned. Null counts: no governance
// record in the archive.
type CadenceSignals struct {
	Stale     *int64 `json:"stale"`
	Abandoned *int64 `json:"abandoned"`
	// Summary describes the period's latest cadence signal (Spanish).
	Summary string `json:"summary,omitempty"`
}

// signalDetail is the JSON of a stored signal's detail (agent/health.go signal).
type signalDetail struct {
	Summary  string            `json:"summary"`
	Evidence []health.Evidence `json:"evidence"`
}

// takeoverSignals fills the takeover and cadence signals and the takeover alerts
// of every account in out. Alerts name their account as the subject.
func takeoverSignals(ctx context.Context, s *archive.Store, p archive.Period, out map[string]*accountFigures) error {
	counts := map[string]int64{}
	ok, err := s.AlertCounts(ctx, p, takeoverRulePattern, func(subject string, n int64) { counts[subject] += n })
	if err != nil {
		return err
	}
	if ok {
		for id, f := range out {
			n := counts[id]
			f.takeover.Alerts = &n
		}
	}
	var rows []archive.SignalRow
	ok, err = s.Signals(ctx, p, func(r archive.SignalRow) {
		if out[r.Account] != nil {
			rows = append(rows, r)
		}
	})
	if err != nil || !ok {
		return err
	}
	for _, f := range out {
		f.takeover.UrgentSignals, f.takeover.SubThresholdSignals = new(int64), new(int64)
		f.cadence.Stale, f.cadence.Abandoned = new(int64), new(int64)
	}
	for _, r := range rows {
		f := out[r.Account]
		var d signalDetail
		_ = json.Unmarshal([]byte(r.Detail), &d) // a detail that is not JSON leaves the summary empty
		switch r.Kind {
		case health.KindTakeover:
			if r.Urgent {
				*f.takeover.UrgentSignals++
			} else {
				*f.takeover.SubThresholdSignals++
			}
			if r.Score >= f.takeover.MaxScore {
				f.takeover.MaxScore, f.takeover.Summary, f.takeover.Evidence = r.Score, d.Summary, nil
				for _, e := range d.Evidence {
					f.takeover.Evidence = append(f.takeover.Evidence, e.Detail)
				}
			}
		case health.KindCadence:
			st := ""
			if len(d.Evidence) > 0 {
				st = d.Evidence[0].Signal
			}
			switch health.CadenceState(st) {
			case health.CadenceStale:
				*f.cadence.Stale++
			case health.CadenceAbandoned:
				*f.cadence.Abandoned++
			}
			f.cadence.Summary = d.Summary
		}
	}
	return nil
}
