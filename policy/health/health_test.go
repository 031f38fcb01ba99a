package health

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/metrics"
)

var mx = time.FixedZone("CST", -6*3600)

// office returns a history of n own posts in Spanish, on weekdays between 9:00 and
// 17:59 Mexico City time, linking to the institute's site.
func office(n int) *History {
	h := NewHistory(mx)
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, mx)
	for i := range n {
		at := start.AddDate(0, 0, i/3).Add(time.Duration(i%3)*3*time.Hour + time.Duration(i%7)*7*time.Minute)
		h.Add(Post{ID: fmt.Sprintf("p%d", i), CreatedAt: at, Lang: "es", Hosts: []string{"www.ife.org.mx"}})
	}
	return h
}

func signals(as Assessment) []string {
	var out []string
	for _, e := range as.Evidence {
		out = append(out, e.Signal)
	}
	return out
}

func TestAssess_Takeover(t *testing.T) {
	t.Parallel()
	h := office(60)
	prev := connectors.Profile{Handle: "CNCS_IFE", DisplayName: "IFE Comunicación", Bio: "Cuenta oficial", AvatarURL: "https://a/1.png", Link: "https://www.ife.org.mx"}
	cur := connectors.Profile{Handle: "CriptoGanancias", DisplayName: "GANA YA", Bio: "Invierte hoy", AvatarURL: "https://a/x.png", Link: "https://promo.example"}
	night := time.Date(2026, 4, 10, 3, 0, 0, 0, mx)
	p := Poll{
		ProfileChanges: DiffProfile(prev, cur, Announced{}),
		OwnOffensive:   []string{"t1"},
		OwnDeleted:     []string{"p50", "p51", "p52", "p53"},
		NewOwn: []Post{
			{ID: "t1", CreatedAt: night, Lang: "en", Hosts: []string{"promo.example"}},
			{ID: "t2", CreatedAt: night.Add(5 * time.Minute), Lang: "en", Hosts: []string{"promo.example"}},
		},
	}
	as := Assess(h, p, DefaultThreshold)
	if !as.Urgent {
		t.Fatalf("a takeover is not urgent: %+v", as)
	}
	want := []string{SignalHandle, SignalDisplayName, SignalBio, SignalAvatar, SignalLink, SignalOwnOffensive,
		SignalDeletions, SignalUnusualHours, SignalNewLanguage, SignalNewLinks}
	if got := signals(as); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("signals %v, want %v", got, want)
	}
	for _, e := range as.Evidence {
		if e.Score <= 0 || e.Detail == "" {
			t.Errorf("evidence without score or detail: %+v", e)
		}
	}
	if as.Evidence[6].Score != scoreDeletions+scoreDeletionsExtra {
		t.Errorf("4 deletions score %v", as.Evidence[6].Score)
	}
}

func TestAssess_Ordinary(t *testing.T) {
	t.Parallel()
	h := office(60)
	prev := connectors.Profile{Handle: "CNCS_IFE", DisplayName: "IFE Comunicación", Bio: "Cuenta oficial", Link: "https://www.ife.org.mx"}
	tests := []struct {
		name   string
		poll   Poll
		urgent bool
		want   []string
	}{
		{"announced rename and bio", Poll{ProfileChanges: DiffProfile(prev,
			connectors.Profile{Handle: "cncs_ife", DisplayName: "IFE | Proceso Electoral", Bio: "Proceso Electoral Federal 2026", Link: prev.Link},
			Announced{DisplayName: []string{"IFE | Proceso Electoral"}, Bio: []string{"Proceso Electoral Federal 2026"}})}, false, nil},
		{"unannounced bio only", Poll{ProfileChanges: DiffProfile(prev, connectors.Profile{Handle: prev.Handle, DisplayName: prev.DisplayName, Bio: "Nueva bio", Link: prev.Link}, Announced{})},
			false, []string{SignalBio}},
		{"two deletions", Poll{OwnDeleted: []string{"a", "b"}}, false, nil},
		{"office-hours posts in Spanish", Poll{NewOwn: []Post{
			{ID: "n1", CreatedAt: time.Date(2026, 4, 10, 10, 0, 0, 0, mx), Lang: "es", Hosts: []string{"www.ife.org.mx"}},
			{ID: "n2", CreatedAt: time.Date(2026, 4, 10, 12, 0, 0, 0, mx), Lang: "es-MX"}}}, false, nil},
		{"one post in English", Poll{NewOwn: []Post{{ID: "n1", CreatedAt: time.Date(2026, 4, 10, 10, 0, 0, 0, mx), Lang: "en"}}}, false, nil},
		{"unannounced handle and link", Poll{ProfileChanges: DiffProfile(prev, connectors.Profile{Handle: "otro", DisplayName: prev.DisplayName, Bio: prev.Bio, Link: "https://x.example"}, Announced{})},
			true, []string{SignalHandle, SignalLink}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			as := Assess(h, tt.poll, DefaultThreshold)
			if as.Urgent != tt.urgent || strings.Join(signals(as), ",") != strings.Join(tt.want, ",") {
				t.Errorf("urgent %v signals %v (score %v), want urgent %v signals %v", as.Urgent, signals(as), as.Score, tt.urgent, tt.want)
			}
		})
	}
}

func TestAssess_ShortHistoryJudgesNoHabit(t *testing.T) {
	t.Parallel()
	h := office(5)
	night := time.Date(2026, 4, 10, 3, 0, 0, 0, mx)
	as := Assess(h, Poll{NewOwn: []Post{{ID: "a", CreatedAt: night, Lang: "en", Hosts: []string{"x.example"}},
		{ID: "b", CreatedAt: night, Lang: "en", Hosts: []string{"x.example"}}}}, DefaultThreshold)
	if len(as.Evidence) != 0 {
		t.Errorf("habits judged on 5 posts: %+v", as.Evidence)
	}
}

func TestDiffProfile(t *testing.T) {
	t.Parallel()
	a := connectors.Profile{Handle: "CNCS_IFE", DisplayName: "A", Verified: true, Followers: 10}
	b := connectors.Profile{Handle: "@cncs_ife", DisplayName: "B", Verified: false, Followers: 11}
	got := DiffProfile(a, b, Announced{})
	var fields []string
	for _, c := range got {
		fields = append(fields, c.Field)
	}
	// A handle that differs only in case or "@" prefix... differs in "@" here, so it is a change.
	if strings.Join(fields, ",") != "handle,display_name,verified,followers" {
		t.Errorf("fields %v", fields)
	}
	if got := DiffProfile(connectors.Profile{Handle: "CNCS_IFE"}, connectors.Profile{Handle: "cncs_ife"}, Announced{}); len(got) != 0 {
		t.Errorf("a change of case is a change: %v", got)
	}
}

func TestCadence(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   CadenceInput
		want CadenceState
	}{
		{"posted today", CadenceInput{LastOwnPost: now.Add(-3 * time.Hour), Expected: Daily}, CadenceOK},
		{"two days silent on a daily account", CadenceInput{LastOwnPost: now.Add(-49 * time.Hour), Expected: Daily}, CadenceStale},
		{"two days silent on a weekly account", CadenceInput{LastOwnPost: now.Add(-49 * time.Hour), Expected: Weekly}, CadenceOK},
		{"forty days silent", CadenceInput{LastOwnPost: now.Add(-40 * 24 * time.Hour), Expected: Daily, AbandonedAfter: DefaultAbandonedAfter}, CadenceAbandoned},
		{"posts but leaves comments unanswered", CadenceInput{LastOwnPost: now.Add(-time.Hour), Expected: Daily, Unanswered: 60, AbandonedUnanswered: 50}, CadenceAbandoned},
		{"never posted", CadenceInput{Expected: Daily}, CadenceUnknown},
	}
	for _, tt := range tests {
		tt.in.Now = now
		if got := Cadence(tt.in); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
		if DescribeCadence(Cadence(tt.in), tt.in) == "" {
			t.Errorf("%s: no description", tt.name)
		}
	}
	if DefaultCadence("youtube") != Weekly || DefaultCadence("x") != Daily {
		t.Error("network defaults")
	}
}

// TestMetricsLabelValues keeps the metrics package's copies of the signal and state
// names in step with this package.
func TestMetricsLabelValues(t *testing.T) {
	t.Parallel()
	if got := strings.Join(metrics.TakeoverSignals, ","); got != strings.Join(Signals, ",") {
		t.Errorf("metrics.TakeoverSignals %s, want %s", got, strings.Join(Signals, ","))
	}
	var states []string
	for _, s := range CadenceStates {
		states = append(states, string(s))
	}
	if got := strings.Join(metrics.CadenceStates, ","); got != strings.Join(states, ",") {
		t.Errorf("metrics.CadenceStates %s, want %v", got, states)
	}
}

// TestAssess_RunAcrossPolls: posts in a new language arriving one per poll make a
// run at the second; a language first used more than NovelWindow ago is a habit.
func TestAssess_RunAcrossPolls(t *testing.T) {
	t.Parallel()
	h := office(60)
	night := time.Date(2026, 4, 10, 3, 0, 0, 0, mx)
	p1 := Post{ID: "e1", CreatedAt: night, Lang: "en", Hosts: []string{"promo.example"}}
	p2 := Post{ID: "e2", CreatedAt: night.Add(4 * time.Minute), Lang: "en", Hosts: []string{"promo.example"}}
	if as := Assess(h, Poll{NewOwn: []Post{p1}}, DefaultThreshold); strings.Contains(strings.Join(signals(as), ","), "new_") {
		t.Errorf("one post is a run: %v", signals(as))
	}
	h.Add(p1)
	as := Assess(h, Poll{NewOwn: []Post{p2}}, DefaultThreshold)
	if got := strings.Join(signals(as), ","); !strings.Contains(got, SignalNewLanguage) || !strings.Contains(got, SignalNewLinks) {
		t.Errorf("second post of the run: %v", got)
	}
	h.Add(p2)
	later := Post{ID: "e3", CreatedAt: night.Add(NovelWindow + time.Hour), Lang: "en", Hosts: []string{"promo.example"}}
	if got := strings.Join(signals(Assess(h, Poll{NewOwn: []Post{later}}, DefaultThreshold)), ","); strings.Contains(got, "new_") {
		t.Errorf("a day later English is a habit: %v", got)
	}
}
