package response

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

func TestSLA_State(t *testing.T) {
	t.Parallel()
	sla := defaultSLA(t)
	tests := []struct {
		name                   string
		created, answered, now string
		want                   State
		wait                   time.Duration
	}{
		{"fresh", "2013-04-09 10:00", "", "2013-04-09 11:00", StateWithin, time.Hour},
		{"four hours is still within", "2013-04-09 10:00", "", "2013-04-09 14:00", StateWithin, 4 * time.Hour},
		{"past four hours is at risk", "2013-04-09 10:00", "", "2013-04-09 14:01", StateAtRisk, 4*time.Hour + time.Minute},
		{"posted at night, morning after", "2013-04-09 23:00", "", "2013-04-10 12:00", StateWithin, 3 * time.Hour},
		{"the weekend does not count", "2013-04-05 16:00", "", "2013-04-08 11:00", StateWithin, 4 * time.Hour},
		{"then at risk", "2013-04-05 16:00", "", "2013-04-08 11:01", StateAtRisk, 4*time.Hour + time.Minute},
		{"breached after eight", "2013-04-05 16:00", "", "2013-04-08 15:30", StateBreached, 8*time.Hour + 30*time.Minute},
		{"holiday monday", "2013-03-15 18:00", "", "2013-03-19 12:00", StateWithin, 3 * time.Hour},
		{"answered in time", "2013-03-15 18:00", "2013-03-19 10:00", "2013-03-25 10:00", StateAnsweredInTime, time.Hour},
		{"answered at exactly eight hours", "2013-04-09 10:00", "2013-04-10 09:00", "2013-04-30 00:00", StateAnsweredInTime, 8 * time.Hour},
		{"answered late", "2013-04-09 10:00", "2013-04-10 09:01", "2013-04-30 00:00", StateAnsweredLate, 8*time.Hour + time.Minute},
	}
	for _, tc := range tests {
		var answered time.Time
		if tc.answered != "" {
			answered = tm(tc.answered)
		}
		got, wait := sla.State(tm(tc.created), answered, tm(tc.now))
		if got != tc.want || wait != tc.wait {
			t.Errorf("%s: State = %s after %v, want %s after %v", tc.name, got, wait, tc.want, tc.wait)
		}
	}
}

func TestTracker_Evaluate(t *testing.T) {
	t.Parallel()
	tr := NewTracker(defaultSLA(t), ScopeConversation)
	add := func(id, at string) {
		tr.Observe(Entry{ID: id, Kind: connectors.KindComment, ParentID: "p", RootID: "p", AuthorID: id, CreatedAt: tm(at), NeedsAnswer: true})
	}
	add("a", "2013-04-09 09:00") // Tuesday
	add("b", "2013-04-09 13:00")
	add("c", "2013-04-09 16:00")
	add("d", "2013-04-08 09:00") // Monday
	tick := tr.Evaluate(tm("2013-04-09 17:30"))
	if tick.Counts[StateWithin] != 1 || tick.Counts[StateAtRisk] != 1 || tick.Counts[StateBreached] != 2 {
		t.Errorf("counts %v", tick.Counts)
	}
	if tick.OldestID != "d" || tick.Oldest != 9*time.Hour+8*time.Hour+30*time.Minute {
		t.Errorf("oldest %s %v", tick.OldestID, tick.Oldest)
	}
	if got := changes(tick); got != "a:breached b:at_risk d:breached" {
		t.Errorf("changes %q", got)
	}
	// Overnight nothing moves; the next morning c, then b, cross their thresholds.
	if tick := tr.Evaluate(tm("2013-04-10 08:00")); len(tick.Changes) != 0 {
		t.Errorf("changes overnight %q", changes(tick))
	}
	if got := changes(tr.Evaluate(tm("2013-04-10 11:31"))); got != "c:at_risk" {
		t.Errorf("changes at 11:31 %q", got)
	}
	if got := changes(tr.Evaluate(tm("2013-04-10 12:01"))); got != "b:breached" {
		t.Errorf("changes at 12:01 %q", got)
	}
	// Answering removes a comment from the tick.
	tr.Observe(Entry{ID: "x", Kind: connectors.KindReply, ParentID: "a", RootID: "p", Own: true, CreatedAt: tm("2013-04-10 12:05")})
	tick = tr.Evaluate(tm("2013-04-10 12:10"))
	if tick.Counts[StateBreached] != 2 || tick.Counts[StateAtRisk] != 1 || tick.Counts[StateWithin] != 0 {
		t.Errorf("counts after an answer %v", tick.Counts)
	}
	// Deleting the answer reopens the comment, already breached.
	tr.Delete("x", tm("2013-04-10 12:15"))
	if got := changes(tr.Evaluate(tm("2013-04-10 12:15"))); got != "a:breached" {
		t.Errorf("changes after reopening %q", got)
	}
	if tick := tr.Evaluate(tm("2013-04-10 12:15")); len(tick.Changes) != 0 {
		t.Errorf("repeated changes %q", changes(tick))
	}
}

func changes(t Tick) string {
	s := ""
	for i, c := range t.Changes {
		if i > 0 {
			s += " "
		}
		s += c.Comment + ":" + string(c.State)
	}
	if len(t.Changes) > 1 { // order is the slots' order; sort for the test
		cs := append([]Change(nil), t.Changes...)
		for i := range cs {
			for j := i + 1; j < len(cs); j++ {
				if cs[j].Comment < cs[i].Comment {
					cs[i], cs[j] = cs[j], cs[i]
				}
			}
		}
		s = ""
		for i, c := range cs {
			if i > 0 {
				s += " "
			}
			s += c.Comment + ":" + string(c.State)
		}
	}
	return s
}

// BenchmarkTracker_Evaluate measures the SLA tick over a million open comments;
// ns/comment is the figure to read.
func BenchmarkTracker_Evaluate(b *testing.B) {
	const n = 1_000_000
	tr := NewTracker(defaultSLA(b), ScopeConversation)
	r := rand.New(rand.NewPCG(1, 1))
	base := tm("2013-01-07 09:00")
	for i := range n {
		root := fmt.Sprintf("p%d", i/100)
		tr.Observe(Entry{
			ID: fmt.Sprintf("c%d", i), Kind: connectors.KindComment, ParentID: root, RootID: root,
			AuthorID: fmt.Sprintf("u%d", r.IntN(50000)), CreatedAt: base.Add(time.Duration(r.Int64N(int64(90 * 24 * time.Hour)))),
			NeedsAnswer: true,
		})
	}
	now := base.Add(91 * 24 * time.Hour)
	first := tr.Evaluate(now) // the first tick reports every at-risk and breached comment
	b.Logf("first tick: %d changes", len(first.Changes))
	for i := 0; b.Loop(); i++ {
		tr.Evaluate(now.Add(time.Duration(i) * time.Minute))
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/comment")
}

// BenchmarkTracker_Observe measures answered detection as items arrive: a
// comment, then the account's answer to it, in conversations of a hundred.
func BenchmarkTracker_Observe(b *testing.B) {
	tr := NewTracker(defaultSLA(b), ScopeConversation)
	base := tm("2013-01-07 09:00")
	for i := 0; b.Loop(); i++ {
		root := fmt.Sprintf("p%d", i/50)
		c := fmt.Sprintf("c%d", i)
		at := base.Add(time.Duration(i) * time.Minute)
		tr.Observe(Entry{ID: c, Kind: connectors.KindComment, ParentID: root, RootID: root, AuthorID: c, AuthorHandle: c, CreatedAt: at, NeedsAnswer: true})
		tr.Observe(Entry{ID: "a" + c, Kind: connectors.KindReply, ParentID: c, RootID: root, Own: true, CreatedAt: at.Add(time.Hour), Text: "@" + c + " hola"})
	}
}
