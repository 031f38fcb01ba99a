package report_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/report"
)

// governanceArchive is a hand-built archive of three accounts in semester 2026-1:
// "tomada" with an urgent takeover signal (and its alert), a sub-threshold one and
// a cadence change to stale then abandoned; "sana" with only a sub-threshold
// signal; "vieja" with an urgent signal of the previous semester only. With
// governance false nothing of governance is recorded (an archive written before it).
func governanceArchive(t *testing.T, governance bool) *archive.Store {
	t.Helper()
	ctx := context.Background()
	clock := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	s, err := archive.Open(ctx, filepath.Join(t.TempDir(), "vigia.db"), archive.Options{Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var accts []archive.AccountInfo
	for _, id := range []string{"tomada", "sana", "vieja"} {
		accts = append(accts, archive.AccountInfo{ID: id, Network: "x", Handle: id, Organ: "cncs", Status: "active"})
	}
	if err := s.SyncAccounts(ctx, accts); err != nil {
		t.Fatal(err)
	}
	if !governance {
		return s
	}
	detail := func(summary string, ev ...[2]string) string {
		type e struct {
			Signal string `json:"signal"`
			Detail string `json:"detail"`
		}
		var es []e
		for _, x := range ev {
			es = append(es, e{x[0], x[1]})
		}
		b, _ := json.Marshal(map[string]any{"summary": summary, "evidence": es})
		return string(b)
	}
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 18, 0, 0, 0, time.UTC) }
	for _, sg := range []archive.Signal{
		{Account: "tomada", Kind: "takeover", Score: 30, Detail: detail("posible toma", [2]string{"odd_hour", "publicación a las 03:00"}), At: day(2, 1)},
		{Account: "tomada", Kind: "takeover", Score: 85, Urgent: true, Detail: detail("toma probable de la cuenta",
			[2]string{"profile_handle", "cambió el usuario"}, [2]string{"own_deleted", "borró 12 publicaciones"}), At: day(3, 10)},
		{Account: "tomada", Kind: "cadence", Detail: detail("sin publicar desde hace 3 días", [2]string{"stale", "3 días"}), At: day(4, 1)},
		{Account: "tomada", Kind: "cadence", Detail: detail("abandonada: 31 días sin publicar", [2]string{"abandoned", "31 días"}), At: day(5, 1)},
		{Account: "sana", Kind: "takeover", Score: 20, Detail: detail("idioma inusual", [2]string{"language", "inglés"}), At: day(3, 3)},
		{Account: "vieja", Kind: "takeover", Score: 90, Urgent: true, Detail: detail("toma probable"), At: time.Date(2025, 12, 20, 0, 0, 0, 0, time.UTC)},
	} {
		if err := s.RecordSignal(ctx, sg); err != nil {
			t.Fatal(err)
		}
	}
	_, err = s.TransitionAlert(ctx, "takeover", "tomada", func(*archive.AlertStateRow) (*archive.AlertTransition, error) {
		return &archive.AlertTransition{Rule: "takeover", Subject: "tomada", Account: "tomada", Record: archive.AlertFiring,
			State: archive.AlertFiring, Payload: "{}", FiredAt: clock}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func matrixRow(t *testing.T, a *report.AccountReport, rule string) report.Compliance {
	t.Helper()
	i := slices.IndexFunc(a.Compliance, func(c report.Compliance) bool { return c.Rule == rule })
	if i < 0 {
		t.Fatalf("%s: no %s row in the matrix", a.ID, rule)
	}
	return a.Compliance[i]
}

// TestReport_GovernanceSignals: the takeover and cadence signals and the takeover
// alerts of the period reach the account and judge rows 6.xxvi and 6.xx.
func TestReport_GovernanceSignals(t *testing.T) {
	s := governanceArchive(t, true)
	p, _ := report.Semester("2026-1")
	r, err := report.Build(context.Background(), s, report.Options{Period: p})
	if err != nil {
		t.Fatal(err)
	}
	taken := findAccount(t, r, "tomada")
	tk := taken.Takeover
	if deref(tk.UrgentSignals) != 1 || deref(tk.SubThresholdSignals) != 1 || deref(tk.Alerts) != 1 || tk.MaxScore != 85 {
		t.Errorf("tomada takeover = urgent %v, sub-threshold %v, alerts %v, max %v; want 1, 1, 1, 85",
			deref(tk.UrgentSignals), deref(tk.SubThresholdSignals), deref(tk.Alerts), tk.MaxScore)
	}
	if tk.Summary != "toma probable de la cuenta" || !slices.Equal(tk.Evidence, []string{"cambió el usuario", "borró 12 publicaciones"}) {
		t.Errorf("tomada strongest signal = %q %q", tk.Summary, tk.Evidence)
	}
	if c := matrixRow(t, taken, "no_takeover"); c.State != report.NotMet || c.Evidence != 1 {
		t.Errorf("tomada 6.xxvi = %s (%d), want not met (1)", c.State, c.Evidence)
	}
	cs := taken.CadenceSignals
	if deref(cs.Stale) != 1 || deref(cs.Abandoned) != 1 || cs.Summary != "abandonada: 31 días sin publicar" {
		t.Errorf("tomada cadence signals = stale %d, abandoned %d, %q", deref(cs.Stale), deref(cs.Abandoned), cs.Summary)
	}
	if c := matrixRow(t, taken, "cadence"); c.State != report.NotMet || c.Evidence < 2 {
		t.Errorf("tomada 6.xx = %s (%d), want not met with the two cadence signals", c.State, c.Evidence)
	}
	for _, id := range []string{"sana", "vieja"} {
		a := findAccount(t, r, id)
		if c := matrixRow(t, a, "no_takeover"); c.State != report.Met || c.Evidence != 0 {
			t.Errorf("%s 6.xxvi = %s (%d), want met: sub-threshold and other-period signals are no evidence", id, c.State, c.Evidence)
		}
		if deref(a.Takeover.UrgentSignals) != 0 || deref(a.Takeover.Alerts) != 0 || a.CadenceSignals.Stale == nil {
			t.Errorf("%s: urgent %v, alerts %v, stale %v; want 0, 0, 0", id, a.Takeover.UrgentSignals, a.Takeover.Alerts, a.CadenceSignals.Stale)
		}
	}
	if n := deref(findAccount(t, r, "sana").Takeover.SubThresholdSignals); n != 1 {
		t.Errorf("sana sub-threshold signals = %d, want 1", n)
	}
}

// TestReport_GovernanceNoData: an archive governance never wrote to has no
// takeover figure: null counts and "no data" in 6.xxvi, not a clean bill.
func TestReport_GovernanceNoData(t *testing.T) {
	s := governanceArchive(t, false)
	p, _ := report.Semester("2026-1")
	r, err := report.Build(context.Background(), s, report.Options{Period: p})
	if err != nil {
		t.Fatal(err)
	}
	a := findAccount(t, r, "tomada")
	if a.Takeover.UrgentSignals != nil || a.Takeover.Alerts != nil || a.CadenceSignals.Stale != nil {
		t.Errorf("takeover = %+v, cadence = %+v; want null counts", a.Takeover, a.CadenceSignals)
	}
	if c := matrixRow(t, a, "no_takeover"); c.State != report.NoData {
		t.Errorf("6.xxvi = %s, want no data", c.State)
	}
}

// TestReport_ExpectedCadence: the expected posts a week follow the account's
// configured cadence, else its network's default (daily; weekly on YouTube), as
// governance judges it; the weeks below and row 6.xx follow.
func TestReport_ExpectedCadence(t *testing.T) {
	ctx := context.Background()
	s, err := archive.Open(ctx, filepath.Join(t.TempDir(), "vigia.db"), archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	accts := []archive.AccountInfo{
		{ID: "diaria", Network: "x", Handle: "diaria", Organ: "cncs", Status: "active"},
		{ID: "video", Network: "youtube", Handle: "video", Organ: "cncs", Status: "active"},
		{ID: "cada2", Network: "x", Handle: "cada2", Organ: "cncs", Status: "active"},
	}
	if err := s.SyncAccounts(ctx, accts); err != nil {
		t.Fatal(err)
	}
	p, _ := report.Dates("2026-03-02", "2026-03-15") // two whole weeks
	// One own post every two days on each account: 3.5 a week.
	for _, a := range accts {
		var items []connectors.Item
		for d := 0; d < 14; d += 2 {
			at := p.From.AddDate(0, 0, d).Add(12 * time.Hour)
			items = append(items, connectors.Item{ExternalID: a.ID + "-" + at.Format("0102"), Kind: connectors.KindPost, Own: true,
				AuthorID: "ife", CreatedAt: at, Text: "Aviso"})
		}
		if _, err := s.Commit(ctx, archive.Poll{Account: a.ID, Network: a.Network, Started: p.To, Finished: p.To,
			Batch: connectors.Batch{Items: items, Cursor: connectors.Cursor("1")}}); err != nil {
			t.Fatal(err)
		}
	}
	r, err := report.Build(ctx, s, report.Options{Period: p, Cadence: map[string]time.Duration{"cada2": 48 * time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		id    string
		want  float64
		below int
		state string
	}{
		{"diaria", 7, 2, report.NotMet},
		{"video", 1, 0, report.Met},
		{"cada2", 3.5, 0, report.Met},
	} {
		a := findAccount(t, r, tc.id)
		if a.ExpectedPostsPerWeek != tc.want || a.WeeksBelowExpected != tc.below {
			t.Errorf("%s: expected %v a week, %d weeks below; want %v, %d", tc.id, a.ExpectedPostsPerWeek, a.WeeksBelowExpected, tc.want, tc.below)
		}
		if c := matrixRow(t, a, "cadence"); c.State != tc.state {
			t.Errorf("%s: 6.xx = %s, want %s", tc.id, c.State, tc.state)
		}
	}
}

// TestReport_WatchLists: comments by others flagged by a watch list in the period
// are counted with their answers and judge row 3.ix: one left unanswered is
// evidence; an account without any is "not applicable".
func TestReport_WatchLists(t *testing.T) {
	ctx := context.Background()
	s, err := archive.Open(ctx, filepath.Join(t.TempDir(), "vigia.db"), archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	accts := []archive.AccountInfo{{ID: "vigilada", Network: "x", Handle: "v", Organ: "cncs", Status: "active"},
		{ID: "tranquila", Network: "x", Handle: "t", Organ: "cncs", Status: "active"}}
	if err := s.SyncAccounts(ctx, accts); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 16, 0, 0, 0, time.UTC)
	c := func(id, text string) connectors.Item {
		return connectors.Item{ExternalID: id, Kind: connectors.KindComment, ParentID: "p1", RootID: "p1", AuthorID: "u" + id, CreatedAt: at.Add(time.Minute), Text: text}
	}
	items := []connectors.Item{{ExternalID: "p1", Kind: connectors.KindPost, Own: true, AuthorID: "ife", CreatedAt: at, Text: "Aviso"},
		c("c1", "dicen que la credencial ya no sirve"), c("c2", "el IFE cambió la fecha de la elección"), c("c3", "gracias"),
		{ExternalID: "r1", Kind: connectors.KindReply, ParentID: "c1", RootID: "p1", Own: true, AuthorID: "ife", CreatedAt: at.Add(time.Hour), Text: "Es falso: sigue vigente."}}
	flags := []archive.Flag{{ExternalID: "c1", Rule: "watch", Category: "desinformacion", Severity: "alert", Score: 1, Evidence: "[]"},
		{ExternalID: "c2", Rule: "watch", Category: "desinformacion", Severity: "alert", Score: 1, Evidence: "[]"}}
	if _, err := s.Commit(ctx, archive.Poll{Account: "vigilada", Network: "x", Started: at, Finished: at.Add(2 * time.Hour),
		Batch: connectors.Batch{Items: items, Cursor: connectors.Cursor("1")}, Flags: flags}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveResponses(ctx, "x", "vigilada", []archive.ResponseRow{{Comment: "c1", Intent: "complaint", NeedsAnswer: true, Reply: "r1"},
		{Comment: "c2", Intent: "complaint", NeedsAnswer: true}, {Comment: "c3", Intent: "other"}}); err != nil {
		t.Fatal(err)
	}
	p, _ := report.Semester("2026-1")
	r, err := report.Build(ctx, s, report.Options{Period: p})
	if err != nil {
		t.Fatal(err)
	}
	a := findAccount(t, r, "vigilada")
	if a.Watch != (report.Watch{Comments: 2, Answered: 1}) {
		t.Errorf("watch = %+v, want 2 comments, 1 answered", a.Watch)
	}
	if row := matrixRow(t, a, "misinformation_clarified"); row.State != report.NotMet || row.Evidence != 1 || row.Criterio != "3.ix" {
		t.Errorf("3.ix = %+v, want not met with 1", row)
	}
	if row := matrixRow(t, findAccount(t, r, "tranquila"), "misinformation_clarified"); row.State != report.NotApplicable {
		t.Errorf("3.ix without watched comments = %s, want not applicable", row.State)
	}
}
