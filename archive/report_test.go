package archive

import (
	"context"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// TestStore_ReportCoverageAndProfiles checks the polling coverage (stretches
// between successful polls at most the gap apart), the poll counts, the verified
// mark of the latest profile and the count of profile changes in a period.
func TestStore_ReportCoverageAndProfiles(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	n := 0
	commit := func(finished time.Time, pr *connectors.Profile) {
		t.Helper()
		n++
		p := poll(nil, string(rune('a'+n)))
		p.Started, p.Finished, p.Batch.Profile = finished.Add(-time.Second), finished, pr
		if _, err := s.Commit(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	profile := func(name string, verified bool) *connectors.Profile {
		return &connectors.Profile{ExternalID: "1", Handle: "ife_mx", DisplayName: name, Verified: verified, Raw: []byte("{}")}
	}
	commit(t0.AddDate(0, -1, 0), profile("IFE", false)) // February: before the period
	commit(at(0), profile("IFE", false))
	for m := 10; m <= 60; m += 10 {
		commit(at(m), nil)
	}
	commit(at(65), profile("IFE México", false)) // a change of display name
	commit(at(185), nil)                         // two hours later: a gap, not watched
	commit(at(195), profile("IFE México", true)) // verified: not a change of identity
	if err := s.RecordFailure(ctx, Failure{Account: "acct", Started: at(200), Finished: at(201), Reason: "transient", Error: "503"}); err != nil {
		t.Fatal(err)
	}
	p := Period{From: time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC), To: time.Date(2026, 4, 1, 6, 0, 0, 0, time.UTC)}

	var cov []Coverage
	if err := s.PollCoverage(ctx, p, 30*time.Minute, func(c Coverage) { cov = append(cov, c) }); err != nil {
		t.Fatal(err)
	}
	if len(cov) != 1 || cov[0].Watched != 75*time.Minute || cov[0].Polls != 11 || cov[0].Failed != 1 {
		t.Errorf("coverage %+v, want 75m watched (0→65, 185→195), 11 polls, 1 failed", cov)
	}
	var profiles []ProfileState
	if err := s.Profiles(ctx, p, func(st ProfileState) { profiles = append(profiles, st) }); err != nil {
		t.Fatal(err)
	}
	if len(profiles) != 1 || !profiles[0].Verified || !profiles[0].ObservedAt.Equal(at(195)) || profiles[0].Changes != 1 {
		t.Errorf("profiles %+v, want verified at %v and 1 change", profiles, at(195))
	}
	// Before the change of name: not verified, no change yet.
	early := Period{From: p.From, To: at(30)}
	profiles = nil
	if err := s.Profiles(ctx, early, func(st ProfileState) { profiles = append(profiles, st) }); err != nil {
		t.Fatal(err)
	}
	if len(profiles) != 1 || profiles[0].Verified || profiles[0].Changes != 0 {
		t.Errorf("early profiles %+v", profiles)
	}
	ok, err := s.AlertCounts(ctx, p, "%takeover%", func(string, int64) { t.Error("no alert was recorded") })
	if err != nil || ok {
		t.Errorf("alert counts with no takeover alert: ok %v, err %v; want no data", ok, err)
	}
}
