package response

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/policy/calendar"
)

var mx = func() *time.Location {
	l, err := time.LoadLocation("America/Mexico_City")
	if err != nil {
		panic(err)
	}
	return l
}()

// tm parses "2013-04-09 10:00" in Mexico City.
func tm(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, mx)
	if err != nil {
		panic(err)
	}
	return t
}

func defaultSLA(t testing.TB) SLA {
	t.Helper()
	cal, err := calendar.New(calendar.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	return NewSLA(cal, DefaultConfig())
}

// A conversation under post p1 of @IFE_mx (Tuesday 9 April 2013).
var (
	post     = Entry{ID: "p1", Kind: connectors.KindPost, AuthorID: "ife", AuthorHandle: "IFE_mx", Own: true, CreatedAt: tm("2013-04-09 08:00")}
	comment  = Entry{ID: "c1", Kind: connectors.KindComment, ParentID: "p1", RootID: "p1", AuthorID: "u1", AuthorHandle: "lupita_gzz", CreatedAt: tm("2013-04-09 10:00"), Text: "¿Dónde me toca votar?", NeedsAnswer: true}
	earlierC = Entry{ID: "c0", Kind: connectors.KindComment, ParentID: "p1", RootID: "p1", AuthorID: "u1", AuthorHandle: "lupita_gzz", CreatedAt: tm("2013-04-09 09:30"), Text: "Hola", NeedsAnswer: false}
	laterC   = Entry{ID: "c2", Kind: connectors.KindComment, ParentID: "p1", RootID: "p1", AuthorID: "u1", AuthorHandle: "lupita_gzz", CreatedAt: tm("2013-04-09 11:00"), Text: "¿Alguien?", NeedsAnswer: true}
	otherC   = Entry{ID: "c3", Kind: connectors.KindComment, ParentID: "p1", RootID: "p1", AuthorID: "u2", AuthorHandle: "pepe", CreatedAt: tm("2013-04-09 10:30"), Text: "¿Y yo?", NeedsAnswer: true}
	userRe   = Entry{ID: "r9", Kind: connectors.KindReply, ParentID: "c1", RootID: "p1", AuthorID: "u2", AuthorHandle: "pepe", CreatedAt: tm("2013-04-09 10:05"), Text: "@lupita_gzz en tu sección"}
)

func own(id, parent, root, at, text string) Entry {
	return Entry{ID: id, Kind: connectors.KindReply, ParentID: parent, RootID: root, AuthorID: "ife", AuthorHandle: "IFE_mx", Own: true, CreatedAt: tm(at), Text: text}
}

func deleted(e Entry) Entry { e.Deleted = true; return e }

func TestFirstAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		conv  []Entry
		scope Scope
		want  string
		how   How
	}{
		{"no answer", []Entry{post, comment, userRe}, ScopeConversation, "", ""},
		{"a direct reply", []Entry{post, comment, own("a1", "c1", "p1", "2013-04-09 12:00", "Hola, en tu sección.")}, ScopeConversation, "a1", HowDirect},
		{"a deleted direct reply does not count", []Entry{post, comment, deleted(own("a1", "c1", "p1", "2013-04-09 12:00", "Hola"))}, ScopeConversation, "", ""},
		{"the next reply after a deleted one", []Entry{post, comment, deleted(own("a1", "c1", "p1", "2013-04-09 12:00", "x")), own("a2", "c1", "p1", "2013-04-09 13:00", "y")}, ScopeConversation, "a2", HowDirect},
		{"the earliest of two", []Entry{post, comment, own("a2", "c1", "p1", "2013-04-09 13:00", "y"), own("a1", "c1", "p1", "2013-04-09 12:00", "x")}, ScopeConversation, "a1", HowDirect},
		{"ties go to the smaller id", []Entry{post, comment, own("a2", "c1", "p1", "2013-04-09 12:00", "y"), own("a1", "c1", "p1", "2013-04-09 12:00", "x")}, ScopeConversation, "a1", HowDirect},
		{"a mention of the author later in the conversation", []Entry{post, comment, otherC, own("a1", "c3", "p1", "2013-04-09 12:00", "@pepe y @Lupita_Gzz: consulten ife.org.mx")}, ScopeConversation, "a1", HowMention},
		{"a mention in another conversation", []Entry{post, comment, own("a1", "x", "p2", "2013-04-09 12:00", "@lupita_gzz hola")}, ScopeConversation, "", ""},
		{"a mention before the comment", []Entry{post, comment, own("a1", "c0", "p1", "2013-04-09 09:45", "@lupita_gzz hola")}, ScopeConversation, "", ""},
		{"a mention of someone else", []Entry{post, comment, own("a1", "c3", "p1", "2013-04-09 12:00", "@lupita_gzzz hola")}, ScopeConversation, "", ""},
		{"a reply to the author's later comment", []Entry{post, comment, laterC, own("a1", "c2", "p1", "2013-04-09 12:00", "Hola, en tu sección.")}, ScopeConversation, "a1", HowThread},
		{"a reply to the author's earlier comment", []Entry{post, earlierC, comment, own("a1", "c0", "p1", "2013-04-09 12:00", "Hola")}, ScopeConversation, "", ""},
		{"a reply to another user's comment", []Entry{post, comment, otherC, own("a1", "c3", "p1", "2013-04-09 12:00", "Hola")}, ScopeConversation, "", ""},
		{"a reply to a user replying to the author", []Entry{post, comment, userRe, own("a1", "r9", "p1", "2013-04-09 12:00", "Gracias, Pepe")}, ScopeConversation, "", ""},
		{"a user's reply is no answer", []Entry{post, comment, userRe}, ScopeConversation, "", ""},
		{"direct scope ignores mentions", []Entry{post, comment, otherC, own("a1", "c3", "p1", "2013-04-09 12:00", "@lupita_gzz hola")}, ScopeDirect, "", ""},
		{"direct scope ignores thread replies", []Entry{post, comment, laterC, own("a1", "c2", "p1", "2013-04-09 12:00", "Hola")}, ScopeDirect, "", ""},
		{"a direct reply beats a later mention", []Entry{post, comment, otherC, own("a2", "c3", "p1", "2013-04-09 13:00", "@lupita_gzz"), own("a1", "c1", "p1", "2013-04-09 12:00", "Hola")}, ScopeConversation, "a1", HowDirect},
		{"an earlier mention beats a direct reply", []Entry{post, comment, otherC, own("a2", "c1", "p1", "2013-04-09 13:00", "Hola"), own("a1", "c3", "p1", "2013-04-09 12:00", "@lupita_gzz")}, ScopeConversation, "a1", HowMention},
		{"an own post mentioning the author is no answer", []Entry{post, comment, {ID: "p9", Kind: connectors.KindPost, Own: true, CreatedAt: tm("2013-04-09 12:00"), Text: "@lupita_gzz"}}, ScopeConversation, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := FirstAnswer(comment, tc.conv, tc.scope)
			if ok != (tc.want != "") || got.ID != tc.want || got.How != tc.how {
				t.Errorf("FirstAnswer = %+v, %v; want %q (%s)", got, ok, tc.want, tc.how)
			}
			m := Recompute(tc.conv, tc.scope)
			if m["c1"].ID != tc.want {
				t.Errorf("Recompute gives %+v", m["c1"])
			}
		})
	}
}

func TestFirstAnswer_Mention(t *testing.T) {
	t.Parallel()
	m := Entry{ID: "m1", Kind: connectors.KindMention, AuthorID: "u5", AuthorHandle: "chuy@mastodon.social", CreatedAt: tm("2013-04-09 10:00"), Text: "@ine ¿dónde voto?", NeedsAnswer: true}
	ans := Entry{ID: "a1", Kind: connectors.KindComment, ParentID: "m1", RootID: "m1", Own: true, CreatedAt: tm("2013-04-09 11:00"), Text: "Hola"}
	if a, ok := FirstAnswer(m, []Entry{m, ans}, ScopeConversation); !ok || a.ID != "a1" {
		t.Errorf("answer to a mention = %+v", a)
	}
	ans2 := Entry{ID: "a2", Kind: connectors.KindReply, ParentID: "x", RootID: "m1", Own: true, CreatedAt: tm("2013-04-09 10:30"), Text: "@chuy@mastodon.social hola"}
	if a, ok := FirstAnswer(m, []Entry{m, ans, ans2}, ScopeConversation); !ok || a.ID != "a2" || a.How != HowMention {
		t.Errorf("mention of a mastodon handle = %+v", a)
	}
}

func TestTracker_Story(t *testing.T) {
	t.Parallel()
	tr := NewTracker(defaultSLA(t), ScopeConversation)
	type step struct {
		name string
		do   func() []Event
		want []string // "kind comment answer"
	}
	ev := func(evs []Event) []string {
		var out []string
		for _, e := range evs {
			out = append(out, fmt.Sprintf("%s %s %s", e.Kind, e.Comment, e.Answer.ID))
		}
		return out
	}
	steps := []step{
		{"the post", func() []Event { return tr.Observe(post) }, nil},
		{"an own reply arrives before the comment it answers", func() []Event { return tr.Observe(own("a2", "c1", "p1", "2013-04-09 15:00", "Hola")) }, nil},
		{"the comment arrives late, already answered", func() []Event { return tr.Observe(comment) }, []string{"answered c1 a2"}},
		{"an earlier answer arrives late", func() []Event { return tr.Observe(own("a1", "c1", "p1", "2013-04-09 12:00", "Hola")) }, []string{"answered c1 a1"}},
		{"the earlier answer is deleted", func() []Event { return tr.Delete("a1", tm("2013-04-09 16:00")) }, []string{"answered c1 a2"}},
		{"the other answer is deleted: reopened", func() []Event { return tr.Delete("a2", tm("2013-04-09 16:00")) }, []string{"reopened c1 "}},
		{"a deleted answer arriving again stays deleted", func() []Event { return tr.Observe(own("a2", "c1", "p1", "2013-04-09 15:00", "Hola")) }, nil},
		{"another user's comment", func() []Event { return tr.Observe(otherC) }, []string{"opened c3 "}},
		{"an answer to it mentions both", func() []Event {
			return tr.Observe(own("a3", "c3", "p1", "2013-04-10 10:00", "@pepe y @lupita_gzz: consulten ife.org.mx"))
		}, []string{"answered c1 a3", "answered c3 a3"}},
		{"the mention is edited away", func() []Event {
			return tr.Observe(own("a3", "c3", "p1", "2013-04-10 10:00", "@pepe: consulten ife.org.mx"))
		}, []string{"reopened c1 "}},
		{"the author comments again", func() []Event { return tr.Observe(laterC) }, []string{"opened c2 "}},
		{"the account answers the later comment", func() []Event { return tr.Observe(own("a4", "c2", "p1", "2013-04-10 11:00", "Hola")) }, []string{"answered c1 a4", "answered c2 a4"}},
		{"the later comment is edited into thanks", func() []Event {
			e := laterC
			e.Text, e.NeedsAnswer = "gracias", false
			return tr.Observe(e)
		}, []string{"withdrawn c2 "}},
		{"a deletion of an item not seen yet", func() []Event { return tr.Delete("c7", tm("2013-04-10 12:00")) }, nil},
		{"which then arrives", func() []Event {
			return tr.Observe(Entry{ID: "c7", Kind: connectors.KindComment, ParentID: "p1", RootID: "p1", AuthorID: "u7", CreatedAt: tm("2013-04-10 09:00"), NeedsAnswer: true})
		}, nil},
		{"the comment itself is deleted", func() []Event { return tr.Delete("c3", tm("2013-04-10 12:00")) }, []string{"withdrawn c3 "}},
	}
	for _, s := range steps {
		got := ev(s.do())
		slices.Sort(got)
		if !slices.Equal(got, s.want) {
			t.Fatalf("%s: events %q, want %q", s.name, got, s.want)
		}
	}
	st, ok := tr.Status("c1")
	if !ok || st.Answer.ID != "a4" || st.Answer.How != HowThread {
		t.Fatalf("Status(c1) = %+v", st)
	}
	// 10:00 Tuesday to 11:00 Wednesday with 09:00–18:00 hours: 8 + 2 business hours.
	if st.Business != 10*time.Hour || st.Wall != 25*time.Hour {
		t.Errorf("delays %v business, %v wall", st.Business, st.Wall)
	}
	if tracked, open := tr.Len(); tracked != 1 || open != 0 {
		t.Errorf("Len = %d tracked, %d open", tracked, open)
	}
}

func TestTracker_AnsweredEvent(t *testing.T) {
	t.Parallel()
	tr := NewTracker(defaultSLA(t), ScopeConversation)
	// Friday 15 March 2013, 18:00; Monday 18 is a holiday; answered Tuesday 10:00.
	c := Entry{ID: "c", Kind: connectors.KindComment, ParentID: "p", RootID: "p", AuthorID: "u", CreatedAt: tm("2013-03-15 18:00"), NeedsAnswer: true}
	tr.Observe(c)
	evs := tr.Observe(Entry{ID: "a", Kind: connectors.KindReply, ParentID: "c", RootID: "p", Own: true, CreatedAt: tm("2013-03-19 10:00")})
	if len(evs) != 1 || evs[0].Kind != EventAnswered || evs[0].Business != time.Hour || evs[0].Wall != 88*time.Hour || evs[0].State != StateAnsweredInTime {
		t.Fatalf("events %+v", evs)
	}
	c2 := c
	c2.ID, c2.AuthorID, c2.CreatedAt = "c2", "u2", tm("2013-03-14 10:00")
	tr.Observe(c2)
	evs = tr.Observe(Entry{ID: "a2", Kind: connectors.KindReply, ParentID: "c2", RootID: "p", Own: true, CreatedAt: tm("2013-03-19 10:00")})
	if len(evs) != 1 || evs[0].Business != 8*time.Hour+9*time.Hour+time.Hour || evs[0].State != StateAnsweredLate {
		t.Fatalf("late answer events %+v", evs)
	}
}

// ---- randomized agreement between the Tracker and Recompute ----------------------

type history struct {
	entries []Entry // every version, in arrival order
	deletes []string
}

// randomHistory builds a few conversations with users' comments and replies, the
// account's replies (some mentioning users), mentions, edits and deletions.
func randomHistory(r *rand.Rand) (ops []func(*Tracker) []Event, final func() []Entry) {
	users := []string{"lupita", "chuy", "pepe", "memo", "rafa"}
	base := tm("2013-04-08 08:00")
	var all []Entry
	id := 0
	next := func(p string) string { id++; return fmt.Sprintf("%s%d", p, id) }
	at := func() time.Time { return base.Add(time.Duration(r.IntN(5*24*60)) * time.Minute) }
	for range 1 + r.IntN(4) {
		var conv []Entry
		var root Entry
		if r.IntN(4) == 0 { // a mention by a user is a root
			u := users[r.IntN(len(users))]
			root = Entry{ID: next("m"), Kind: connectors.KindMention, AuthorID: u, AuthorHandle: u, CreatedAt: at(), Text: "@IFE_mx ¿dónde voto?", NeedsAnswer: true}
		} else {
			root = Entry{ID: next("p"), Kind: connectors.KindPost, AuthorID: "ife", AuthorHandle: "IFE_mx", Own: true, CreatedAt: at()}
		}
		conv = append(conv, root)
		for range 3 + r.IntN(12) {
			parent := conv[r.IntN(len(conv))]
			t := parent.CreatedAt.Add(time.Duration(1+r.IntN(48*60)) * time.Minute)
			if r.IntN(3) == 0 {
				text := "Hola"
				if r.IntN(2) == 0 {
					u := users[r.IntN(len(users))]
					text = "@" + u + " hola"
				}
				conv = append(conv, Entry{ID: next("a"), Kind: connectors.KindReply, ParentID: parent.ID, RootID: root.ID, AuthorID: "ife", AuthorHandle: "IFE_mx", Own: true, CreatedAt: t, Text: text})
				continue
			}
			u := users[r.IntN(len(users))]
			kind := connectors.KindReply
			if parent.ID == root.ID {
				kind = connectors.KindComment
			}
			conv = append(conv, Entry{ID: next("c"), Kind: kind, ParentID: parent.ID, RootID: root.ID, AuthorID: u, AuthorHandle: u, CreatedAt: t, Text: "¿y?", NeedsAnswer: r.IntN(4) != 0})
		}
		all = append(all, conv...)
	}
	// Arrival: each item once, some edited (a new text, a flipped verdict), some
	// deleted (sometimes before they arrive), all in random order.
	type op struct {
		e      Entry
		delete bool
	}
	var opsList []op
	roots := map[string]bool{}
	for _, e := range all {
		roots[e.Root()] = true
	}
	var rootList []string
	for r := range roots {
		rootList = append(rootList, r)
	}
	slices.Sort(rootList)
	for _, e := range all {
		opsList = append(opsList, op{e: e})
		if r.IntN(4) == 0 {
			e2 := e
			switch {
			case r.IntN(10) == 0 && e2.RootID != "":
				// The platform moved it (a thread split): another conversation.
				e2.RootID = rootList[r.IntN(len(rootList))]
				e2.ParentID = e2.RootID
			case e2.Own:
				e2.Text = "@" + users[r.IntN(len(users))] + " corrijo"
			default:
				e2.NeedsAnswer = !e2.NeedsAnswer
			}
			opsList = append(opsList, op{e: e2})
		}
		if r.IntN(5) == 0 {
			opsList = append(opsList, op{e: e, delete: true})
		}
	}
	r.Shuffle(len(opsList), func(i, j int) { opsList[i], opsList[j] = opsList[j], opsList[i] })
	// The latest observed version of each id, and the deletions.
	latest := map[string]Entry{}
	gone := map[string]bool{}
	var order []string
	for _, o := range opsList {
		o := o
		ops = append(ops, func(tr *Tracker) []Event {
			if o.delete {
				gone[o.e.ID] = true
				return tr.Delete(o.e.ID, o.e.CreatedAt)
			}
			if _, ok := latest[o.e.ID]; !ok {
				order = append(order, o.e.ID)
			}
			latest[o.e.ID] = o.e
			return tr.Observe(o.e)
		})
	}
	final = func() []Entry {
		var out []Entry
		for _, id := range order {
			e := latest[id]
			e.Deleted = gone[id]
			out = append(out, e)
		}
		return out
	}
	return ops, final
}

func TestTracker_MatchesRecompute(t *testing.T) {
	t.Parallel()
	sla := defaultSLA(t)
	r := rand.New(rand.NewPCG(7, 8))
	n := 200
	if testing.Short() {
		n = 50
	}
	for i := range n {
		scope := ScopeConversation
		if i%4 == 3 {
			scope = ScopeDirect
		}
		tr := NewTracker(sla, scope)
		ops, final := randomHistory(r)
		replay := map[string]Answer{} // the state the events describe
		for j, op := range ops {
			replayEvents(replay, op(tr))
			want := Recompute(final(), scope)
			got := tr.Answers()
			if !maps.EqualFunc(got, want, sameAnswer) {
				t.Fatalf("history %d, step %d (%s): Tracker\n%v\nRecompute\n%v\nentries %+v", i, j, scope, got, want, final())
			}
			if !maps.EqualFunc(replay, want, sameAnswer) {
				t.Fatalf("history %d, step %d: replaying the events gives\n%v\nwant\n%v", i, j, replay, want)
			}
			tracked, open := tr.Len()
			if tracked != len(want) {
				t.Fatalf("history %d, step %d: Len reports %d tracked, want %d", i, j, tracked, len(want))
			}
			nOpen := 0
			for _, a := range want {
				if a.ID == "" {
					nOpen++
				}
			}
			if open != nOpen {
				t.Fatalf("history %d, step %d: %d open slots, want %d", i, j, open, nOpen)
			}
		}
	}
}

// replayEvents applies events to the state they describe: each tracked
// comment's answer (zero while open).
func replayEvents(replay map[string]Answer, evs []Event) {
	for _, e := range evs {
		switch e.Kind {
		case EventOpened, EventReopened:
			replay[e.Comment] = Answer{}
		case EventAnswered:
			replay[e.Comment] = e.Answer
		case EventWithdrawn:
			delete(replay, e.Comment)
		}
	}
}

func sameAnswer(a, b Answer) bool { return a.ID == b.ID && a.At.Equal(b.At) && a.How == b.How }

func TestTracker_Prune(t *testing.T) {
	t.Parallel()
	tr := NewTracker(defaultSLA(t), ScopeConversation)
	tr.Observe(post)
	tr.Observe(comment)
	tr.Observe(own("a1", "c1", "p1", "2013-04-09 12:00", "Hola"))
	open := otherC
	open.RootID, open.ParentID, open.ID = "p2", "p2", "c5"
	tr.Observe(open)
	tr.Delete("zz", tm("2013-04-01 00:00"))
	if n := tr.Prune(tm("2013-04-09 11:00"), tm("2013-04-09 11:00")); n != 1 {
		t.Errorf("pruned %d before the conversations ended, want the old deletion only", n)
	}
	// Tuesday 12:00: c5 (10:30) has waited 1.5 business hours, within the SLA.
	if n := tr.Prune(tm("2013-04-20 00:00"), tm("2013-04-09 12:00")); n != 3 {
		t.Errorf("pruned %d, want the answered conversation's 3 items", n)
	}
	if _, ok := tr.Status("c5"); !ok {
		t.Error("an open comment was pruned")
	}
	if tracked, open := tr.Len(); tracked != 1 || open != 1 {
		t.Errorf("Len after pruning = %d, %d", tracked, open)
	}
	if _, ok := tr.Status("c1"); ok {
		t.Error("an answered conversation was kept")
	}
	if tr.Resident("p2") || tr.Resident("p1") {
		t.Error("a pruned conversation is still resident")
	}
	// Thursday: c5 has breached; pruned again it is only counted.
	if n := tr.Prune(tm("2013-04-20 00:00"), tm("2013-04-11 12:00")); n != 1 || tr.Dormant() != 1 {
		t.Errorf("pruned %d, %d dormant; want the breached comment dormant", n, tr.Dormant())
	}
	tr.SetOldestOpen("c5", open.CreatedAt)
	tick := tr.Evaluate(tm("2013-04-11 12:00"))
	if tick.Counts[StateBreached] != 1 || tick.OldestID != "c5" || tick.Oldest != 7*time.Hour+30*time.Minute+9*time.Hour+3*time.Hour {
		t.Errorf("tick with a dormant comment: %+v", tick)
	}
	// The account answers it: the caller loads the conversation back from its
	// archive (the answer is archived), with the stored state (open).
	ans := own("a5", "c5", "p2", "2013-04-11 13:00", "Hola")
	evs := tr.Load("p2", []Entry{open, ans}, map[string]Prior{"c5": {Needs: true}})
	if len(evs) != 1 || evs[0].Kind != EventAnswered || evs[0].Comment != "c5" || evs[0].Answer.ID != "a5" {
		t.Fatalf("Load events %+v", evs)
	}
	if tr.Dormant() != 0 || !tr.Resident("p2") {
		t.Errorf("after Load: %d dormant, resident %v", tr.Dormant(), tr.Resident("p2"))
	}
	if tick := tr.Evaluate(tm("2013-04-11 14:00")); tick.Counts[StateBreached] != 0 || tick.OldestID != "" {
		t.Errorf("tick after the answer: %+v", tick)
	}
}

// TestTracker_PruneAndLoadMatchRecompute prunes the tracker (letting
// conversations go cold and breached comments go dormant) and loads every
// conversation back from the "archive" (the items so far) at random points of
// random histories: the events, replayed, always give Recompute's answers.
func TestTracker_PruneAndLoadMatchRecompute(t *testing.T) {
	t.Parallel()
	sla := defaultSLA(t)
	r := rand.New(rand.NewPCG(11, 12))
	n := 200
	if testing.Short() {
		n = 50
	}
	loads, dormant := 0, 0
	for i := range n {
		scope := ScopeConversation
		if i%4 == 3 {
			scope = ScopeDirect
		}
		tr := NewTracker(sla, scope)
		ops, final := randomHistory(r)
		replay := map[string]Answer{}
		apply := func(evs []Event) { replayEvents(replay, evs) }
		for j, op := range ops {
			// (Not while a deletion waits for its item: the archive does not
			// record deletions of items it does not hold, and neither would Prune.)
			if r.IntN(3) == 0 && !slices.ContainsFunc(slices.Collect(maps.Values(tr.nodes)), func(n *node) bool { return !n.known }) {
				// Everything goes cold (breached comments dormant), then every
				// conversation of the archive comes back with its stored state.
				now := tm("2013-04-08 08:00").Add(time.Duration(r.IntN(9*24)) * time.Hour)
				tr.Prune(tm("2014-01-01 00:00"), now)
				if tr.Dormant() > 0 {
					dormant++
				}
				byRoot := map[string][]Entry{}
				for _, e := range final() {
					byRoot[e.Root()] = append(byRoot[e.Root()], e)
				}
				for root, es := range byRoot {
					prior := map[string]Prior{}
					for _, e := range es {
						if a, ok := replay[e.ID]; ok {
							prior[e.ID] = Prior{Needs: true, Answer: a}
						}
					}
					apply(tr.Load(root, es, prior))
					loads++
				}
				if d := tr.Dormant(); d != 0 {
					t.Fatalf("history %d, step %d: %d comments still dormant after loading every conversation", i, j, d)
				}
				if want := Recompute(final(), scope); !maps.EqualFunc(replay, want, sameAnswer) {
					t.Fatalf("history %d, step %d: after Load the events give\n%v\nwant\n%v", i, j, replay, want)
				}
			}
			apply(op(tr))
			want := Recompute(final(), scope)
			if !maps.EqualFunc(replay, want, sameAnswer) {
				t.Fatalf("history %d, step %d (%s): replaying the events gives\n%v\nwant\n%v", i, j, scope, replay, want)
			}
			if got := tr.Answers(); !maps.EqualFunc(got, want, sameAnswer) {
				t.Fatalf("history %d, step %d: Tracker\n%v\nRecompute\n%v", i, j, got, want)
			}
		}
	}
	if loads < 100 || dormant < 20 {
		t.Fatalf("only %d loads, %d prunes with dormant comments: the test proves too little", loads, dormant)
	}
	t.Logf("%d loads, %d prunes with dormant comments", loads, dormant)
}
