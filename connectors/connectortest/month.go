package connectortest

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Month is a scripted month of an institutional account's activity starting at
// start (truncated to the second), the same for the same seed:
//
//   - one or two own posts a day (some with links, some edited once or twice),
//     and sometimes an own comment continuing the thread;
//   - comments from users, most within hours, some late (days after the post)
//     and a few very late (beyond a week), some edited, some deleted;
//   - replies from users to comments, own replies to comments, and user replies
//     to own replies;
//   - standalone mentions of the account;
//   - deletions of own posts (with comments under them) and of a comment that
//     has a reply under it;
//   - texts in Spanish, some HTML-ish or hostile (markup, entities, bidi
//     controls, emoji), with mentions and links;
//   - two profile changes and a revert;
//   - faults of every kind at known instants, each covering exactly one
//     instant start+k·hour, some in the middle of paging (Fault.After).
//
// Every edit and deletion happens at least three hours after what it changes
// was created, and all activity falls before End = start + 30 days.
func Month(seed int64, start time.Time) *Scenario {
	start = start.UTC().Truncate(time.Second)
	g := &monthGen{
		rng:   rand.New(rand.NewPCG(uint64(seed), 0x1fe_2026)),
		start: start,
		end:   start.Add(30 * 24 * time.Hour),
	}
	sc := &Scenario{
		Start: start,
		End:   g.end,
		Account: ScenarioAccount{
			ID:          "109000000000000001",
			Handle:      "ife_mx",
			DisplayName: "Instituto Federal Electoral",
			Bio:         "Cuenta oficial del Instituto Federal Electoral. Credencial para votar, procesos electorales y transparencia.",
		},
	}
	for i, u := range monthUsers {
		sc.Users = append(sc.Users, ScenarioUser{
			ID:     strconv.FormatInt(109555000000000100+int64(i), 10),
			Handle: u[0], Domain: u[1], Name: u[2],
		})
	}
	g.sc = sc
	g.script()
	assignIDs(g.items)
	sc.Items = g.items

	day := func(d, h int) time.Time { return start.Add(time.Duration(d*24+h) * time.Hour) }
	sc.ProfileChanges = []ProfileChange{
		{At: day(10, 3).Add(17 * time.Minute), Bio: "Cuenta oficial del IFE. Atención ciudadana de lunes a viernes, 9 a 18 h. https://www.ife.org.mx"},
		{At: day(20, 5).Add(41 * time.Minute), DisplayName: "IFE Oficial ✅ Sorteos"},
		{At: day(22, 1).Add(9 * time.Minute), DisplayName: "Instituto Federal Electoral"},
	}
	faults := []struct {
		d, h, after int
		kind        string
	}{
		{2, 15, 0, FaultRateLimited},
		{4, 16, 0, FaultServerError},
		{7, 15, 0, FaultMalformed},
		{9, 17, 1, FaultTruncated},
		{12, 15, 0, FaultAuth},
		{15, 16, 0, FaultNotFound},
		{18, 15, 2, FaultRateLimited},
		{21, 18, 1, FaultServerError},
		{24, 15, 0, FaultTruncated},
		{27, 16, 3, FaultMalformed},
	}
	for _, f := range faults {
		at := day(f.d, f.h)
		ft := Fault{From: at.Add(-time.Minute), Until: at.Add(20 * time.Minute), Kind: f.kind, After: f.after}
		if f.kind == FaultRateLimited {
			ft.Reset = at.Add(17*time.Minute + 30*time.Second)
		}
		sc.Faults = append(sc.Faults, ft)
	}
	return sc
}

type monthGen struct {
	rng        *rand.Rand
	start, end time.Time
	sc         *Scenario
	items      []ScenarioItem
	n          int
}

// add appends a draft with a temporary id and returns that id, or "" when it
// would fall after the end of the month.
func (g *monthGen) add(it ScenarioItem) string {
	if !it.Created().Before(g.end) {
		return ""
	}
	g.n++
	it.ID = "k" + strconv.Itoa(g.n)
	// Drop edits and deletions after the end; keep edits before a deletion.
	vs := it.Versions[:1]
	for _, v := range it.Versions[1:] {
		if v.At.Before(g.end) && (it.DeletedAt.IsZero() || v.At.Before(it.DeletedAt)) {
			vs = append(vs, v)
		}
	}
	it.Versions = vs
	if !it.DeletedAt.Before(g.end) {
		it.DeletedAt = time.Time{}
	}
	g.items = append(g.items, it)
	return it.ID
}

func (g *monthGen) dur(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(g.rng.Int64N(int64(hi-lo)+1)).Truncate(time.Second)
}

func (g *monthGen) chance(p float64) bool { return g.rng.Float64() < p }

func (g *monthGen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g *monthGen) user() ScenarioUser { return g.sc.Users[g.rng.IntN(len(g.sc.Users))] }

// edits returns the versions of a text created at t: none, one or two edits,
// each at least three hours after the previous version.
func (g *monthGen) edits(text string, t time.Time, p float64, suffixes []string) []Version {
	vs := []Version{{Text: text, At: t}}
	if !g.chance(p) {
		return vs
	}
	n := 1 + g.rng.IntN(2)
	at := t
	for i := 0; i < n; i++ {
		at = at.Add(g.dur(3*time.Hour, 20*time.Hour))
		text = text + " " + suffixes[g.rng.IntN(len(suffixes))]
		vs = append(vs, Version{Text: text, At: at})
	}
	return vs
}

// before reports whether t comes before limit, a deletion instant that may be
// zero (never): children are only scripted while their thread exists.
func before(t, limit time.Time) bool { return limit.IsZero() || t.Before(limit) }

func (g *monthGen) script() {
	acct := g.sc.Account
	for d := 0; d < 30; d++ {
		base := g.start.Add(time.Duration(d) * 24 * time.Hour)
		posts := 1
		if g.chance(0.5) {
			posts = 2
		}
		for p := 0; p < posts; p++ {
			at := base.Add(14*time.Hour + g.dur(0, 8*time.Hour))
			text := fmt.Sprintf(g.pick(ownPosts), d+1)
			if g.chance(0.3) {
				text += " " + g.pick(ownLinks)
			}
			post := ScenarioItem{Kind: connectors.KindPost, AuthorID: acct.ID, Own: true,
				Versions: g.edits(text, at, 0.25, ownEdits)}
			forceDelete := d == 6 && p == 0
			if forceDelete || g.chance(0.04) {
				post.DeletedAt = at.Add(g.dur(5*time.Hour, 60*time.Hour))
			}
			if d == 3 && p == 0 && len(post.Versions) == 1 { // at least one edited post
				post.Versions = append(post.Versions, Version{Text: text + " " + ownEdits[0], At: at.Add(4 * time.Hour)})
			}
			pid := g.add(post)
			if pid == "" {
				continue
			}
			g.thread(pid, post, d)
		}
		for m := g.rng.IntN(3); m > 0; m-- {
			u := g.user()
			at := base.Add(g.dur(0, 24*time.Hour-time.Minute))
			it := ScenarioItem{Kind: connectors.KindMention, AuthorID: u.ID,
				Versions: []Version{{Text: fmt.Sprintf(g.pick(mentionTexts), acct.Handle), At: at}}}
			if g.chance(0.05) {
				it.DeletedAt = at.Add(g.dur(3*time.Hour, 30*time.Hour))
			}
			g.add(it)
		}
	}
}

// thread scripts the conversation under an own post.
func (g *monthGen) thread(pid string, post ScenarioItem, d int) {
	acct := g.sc.Account
	pat := post.Created()
	if g.chance(0.1) { // the account continues its own thread
		at := pat.Add(g.dur(2*time.Minute, 30*time.Minute))
		g.add(ScenarioItem{Kind: connectors.KindComment, ParentID: pid, RootID: pid, AuthorID: acct.ID, Own: true,
			Versions: []Version{{Text: g.pick(ownThread), At: at}}})
	}
	n := g.rng.IntN(6)
	if d == 9 || d == 2 {
		n = max(n, 2)
	}
	for c := 0; c < n; c++ {
		u := g.user()
		var at time.Time
		switch r := g.rng.Float64(); {
		case r < 0.03 || (d == 2 && c == 0): // very late: beyond a week
			at = pat.Add(g.dur(8*24*time.Hour, 12*24*time.Hour))
		case r < 0.13 || (d == 2 && c == 1): // late: days after
			at = pat.Add(g.dur(2*24*time.Hour, 5*24*time.Hour))
		default:
			at = pat.Add(g.dur(5*time.Minute, 8*time.Hour))
		}
		if !before(at, post.DeletedAt) {
			continue
		}
		text := g.commentText()
		cm := ScenarioItem{Kind: connectors.KindComment, ParentID: pid, RootID: pid, AuthorID: u.ID,
			Versions: g.edits(text, at, 0.1, commentEdits)}
		forceOrphan := d == 9 && c == 0
		if forceOrphan || g.chance(0.07) {
			cm.DeletedAt = at.Add(g.dur(4*time.Hour, 48*time.Hour))
			if forceOrphan {
				cm.DeletedAt = at.Add(6 * time.Hour)
			}
		}
		if !before(cm.DeletedAt, post.DeletedAt) {
			cm.DeletedAt = time.Time{}
		}
		cid := g.add(cm)
		if cid == "" {
			continue
		}
		limit := cm.DeletedAt
		if !post.DeletedAt.IsZero() && (limit.IsZero() || post.DeletedAt.Before(limit)) {
			limit = post.DeletedAt
		}
		if forceOrphan || g.chance(0.25) { // another user answers the comment
			v := g.user()
			rat := at.Add(g.dur(30*time.Minute, 4*time.Hour))
			if forceOrphan {
				rat = at.Add(time.Hour)
			}
			if before(rat, limit) {
				g.add(ScenarioItem{Kind: connectors.KindReply, ParentID: cid, RootID: pid, AuthorID: v.ID,
					Versions: []Version{{Text: fmt.Sprintf(g.pick(userReplies), handleOf(u)), At: rat}}})
			}
		}
		if g.chance(0.4) { // the account answers
			rat := at.Add(g.dur(time.Hour, 20*time.Hour))
			if !before(rat, limit) {
				continue
			}
			own := ScenarioItem{Kind: connectors.KindReply, ParentID: cid, RootID: pid, AuthorID: acct.ID, Own: true,
				Versions: g.edits(fmt.Sprintf(g.pick(ownReplies), handleOf(u)), rat, 0.05, ownEdits)}
			oid := g.add(own)
			if oid != "" && g.chance(0.2) {
				rr := rat.Add(g.dur(20*time.Minute, 6*time.Hour))
				if before(rr, limit) {
					g.add(ScenarioItem{Kind: connectors.KindReply, ParentID: oid, RootID: pid, AuthorID: u.ID,
						Versions: []Version{{Text: fmt.Sprintf(g.pick(userFollowUps), acct.Handle), At: rr}}})
				}
			}
		}
	}
}

func (g *monthGen) commentText() string {
	if g.chance(0.15) {
		return g.pick(hostileTexts)
	}
	t := g.pick(commentTexts)
	if g.chance(0.3) {
		t = "@" + g.sc.Account.Handle + " " + t
	}
	return t
}

func handleOf(u ScenarioUser) string { return u.Handle }
