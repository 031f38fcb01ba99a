package report_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/simulated"
	"github.com/ife-mx/vigia/policy/calendar"
	"github.com/ife-mx/vigia/policy/offensive"
	"github.com/ife-mx/vigia/policy/response"
	"github.com/ife-mx/vigia/report"
)

// The simulated semester: the world starts on 2025-12-15 (Mexico City), so the
// previous semester (the trend) has two weeks of data. The agent archives it in
// two runs: the first up to 2026-04-01 with the default attention calendar
// (Monday to Friday 09:00–18:00), the second up to 2026-07-02 with a changed one
// (07:00–15:00): answers found in the first run keep the delays measured then.
// Under the race detector, which makes the agent several times slower, the period
// is the semester's last month (June), from a world started on 2026-05-25, with
// the calendar changed on 2026-06-15.
var (
	simStart  = time.Date(2025, 12, 15, 6, 0, 0, 0, time.UTC)
	simEpoch1 = time.Date(2026, 4, 1, 12, 0, 0, 500_000_000, time.UTC)
	simEpoch2 = time.Date(2026, 7, 2, 12, 0, 0, 500_000_000, time.UTC)
	simPeriod = func() report.Period {
		if raceDetector {
			p, _ := report.Dates("2026-06-01", "2026-06-30")
			return p
		}
		p, _ := report.Semester("2026-1")
		return p
	}()
)

func init() {
	if raceDetector {
		simStart = time.Date(2026, 5, 25, 6, 0, 0, 0, time.UTC)
		simEpoch1 = time.Date(2026, 6, 15, 12, 0, 0, 500_000_000, time.UTC)
	}
}

const simSeed = 11

// simHostile is the share of hostile user texts (markup, invalid UTF-8, bodies up
// to 64 KiB); smaller under the race detector, where classifying them is slow.
var simHostile = map[bool]float64{false: 0.01, true: 0.002}[raceDetector]

func simWorld(t testing.TB, epoch time.Time) *simulated.World {
	t.Helper()
	w, err := simulated.NewWorld(simulated.Config{Seed: simSeed, Epoch: epoch, Anchor: time.Now(), Speed: 1e-9,
		Backfill: epoch.Sub(simStart), PageSize: 500, Hostile: simHostile}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !w.Start().Equal(simStart) {
		t.Fatalf("world starts at %v, want %v", w.Start(), simStart)
	}
	return w
}

// simAccounts are the simulated accounts: two in one organ (the organ's
// percentiles mix them), one in another.
var simAccounts = []struct{ organ, id, network, handle string }{
	{"cncs", "cncs-x", "x", "IFEMexico"},
	{"cncs", "cncs-fb", "facebook", "IFEMexicoFB"},
	{"deceyec", "deceyec-x", "x", "IFE_Educa"},
}

var simOrganNames = map[string]string{"cncs": "Coordinación Nacional de Comunicación Social",
	"deceyec": "Dirección Ejecutiva de Capacitación Electoral y Educación Cívica"}

func simConfig(t testing.TB, db, hours string) *agent.Config {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "database: %s\nlisten: 127.0.0.1:0\norgans:\n", db)
	for _, organ := range []string{"cncs", "deceyec"} {
		fmt.Fprintf(&b, `  - id: %s
    name: %s
    head: {name: Titular, email: titular@ife.org.mx}
    admins:
      titular: {name: Ana, email: ana@ife.org.mx}
      suplente: {name: Beto, email: beto@ife.org.mx}
    attention:
      time_zone: America/Mexico_City
      hours: {weekdays: ["%s"]}
    response:
      answers: direct
      intents: [question, info_request, suggestion, complaint, praise, other]
    accounts:
`, organ, simOrganNames[organ], hours)
		for _, a := range simAccounts {
			if a.organ == organ {
				fmt.Fprintf(&b, "      - {id: %s, network: %s, handle: %s}\n", a.id, a.network, a.handle)
			}
		}
	}
	cfg, err := agent.ParseConfig([]byte(b.String()), "sim.yaml", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	for i := range cfg.Organs {
		for j := range cfg.Organs[i].Accounts {
			a := &cfg.Organs[i].Accounts[j]
			a.PollInterval, a.PollTimeout, a.Jitter = 20*time.Millisecond, 10*time.Second, 0
		}
	}
	cfg.Scheduler.MaxBackoff = 100 * time.Millisecond
	return cfg
}

// runAgent runs the agent on world until the archive holds the world's truth, then
// stops it.
func runAgent(t testing.TB, cfg *agent.Config, world *simulated.World) {
	t.Helper()
	ctx := context.Background()
	store, err := archive.Open(ctx, cfg.Database, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	reg := connectors.NewRegistry()
	for _, n := range []string{"x", "facebook"} {
		reg.Register(n, simulated.Factory(world, n))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	prom := prometheus.NewRegistry()
	a, err := agent.New(ctx, agent.Options{Config: cfg, Registry: reg, Store: store, Registerer: prom, Gatherer: prom,
		Listener: ln, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	want := 0
	for _, acct := range cfg.Accounts() {
		want += len(world.Truth(acct, world.SimNow(time.Now())).Items)
	}
	deadline := time.Now().Add(10 * time.Minute)
	for {
		tot, err := store.Totals(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got int64
		for _, n := range tot.Items {
			got += n
		}
		if got >= int64(want) {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("the archive holds %d items of %d after 10 minutes", got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// simulatedSemester builds the archive of the simulated semester once per test
// binary run.
func simulatedSemester(t *testing.T) (db string, world *simulated.World) {
	t.Helper()
	db = t.TempDir() + "/vigia.db"
	world = simWorld(t, simEpoch2)
	if keep := os.Getenv("VIGIA_REPORT_SIMDB"); keep != "" { // debugging: reuse an archive built before
		if _, err := os.Stat(keep); err == nil {
			return keep, world
		}
		db = keep
	}
	start := time.Now()
	runAgent(t, simConfig(t, db, "09:00-18:00"), simWorld(t, simEpoch1))
	t.Logf("first run (to %s): %v", simEpoch1.Format(time.DateOnly), time.Since(start))
	start = time.Now()
	runAgent(t, simConfig(t, db, "07:00-15:00"), world)
	t.Logf("second run (to %s): %v", simEpoch2.Format(time.DateOnly), time.Since(start))
	return db, world
}

// TestReport_MatchesSimulation runs the agent over a simulated semester and checks
// every figure of the report against one computed here from the simulation's
// ground truth and the Criterios' own rules (intent, spam, offensive classifier,
// calendars), not from the archive.
func TestReport_MatchesSimulation(t *testing.T) {
	if testing.Short() {
		t.Skip("a simulated semester: skipped with -short")
	}
	db, world := simulatedSemester(t)
	ctx := context.Background()
	store, err := archive.Open(ctx, db, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	period := simPeriod
	r, err := report.Build(ctx, store, report.Options{Period: period, OrganNames: simOrganNames})
	if err != nil {
		t.Fatal(err)
	}
	exp := newExpectation(t)
	upTo := world.SimNow(time.Now())
	organs := map[string]*expected{}
	for _, sa := range simAccounts {
		truth := world.Truth(connectors.Account{ID: sa.id, Network: sa.network, Handle: sa.handle}, upTo)
		want := exp.figures(truth, sa.handle, period)
		prev := exp.figures(truth, sa.handle, period.Previous())
		got := findAccount(t, r, sa.id)
		if !compareFigures(t, sa.id, &got.Figures, want) {
			explain(t, store, sa.id, want)
		}
		if !slices.Equal(got.WeeklyPosts, want.weekly) {
			t.Errorf("%s: weekly posts %v, want %v", sa.id, got.WeeklyPosts, want.weekly)
		}
		if got.OrganName != simOrganNames[sa.organ] {
			t.Errorf("%s: organ name %q", sa.id, got.OrganName)
		}
		// The trend: the previous semester from the same truth.
		if got.Previous.Posts != prev.posts || got.Previous.CommentsReceived != prev.received ||
			got.Previous.Unanswered != prev.unanswered || got.Previous.Offensive != prev.offensive ||
			!equalRate(got.Previous.ResponseRate, prev.rate()) || !equalOpt(got.Previous.MedianBusiness, pct(prev.business, 50)) {
			explain(t, store, sa.id, prev)
			t.Errorf("%s: previous period %+v, want posts %d received %d unanswered %d offensive %d rate %v", sa.id, got.Previous,
				prev.posts, prev.received, prev.unanswered, prev.offensive, prev.rate())
		}
		if prev.received == 0 || want.answered < 500 || want.offensive == 0 || want.suggestions[0] == 0 || want.lateOrChanged == 0 {
			t.Fatalf("%s: the simulated semester proves too little: %d received before, %d answered, %d offensive, %d suggestions, %d answers after the calendar change",
				sa.id, prev.received, want.answered, want.offensive, want.suggestions[0], want.lateOrChanged)
		}
		o := organs[sa.organ]
		if o == nil {
			o = newExpected(period)
			organs[sa.organ] = o
		}
		o.merge(want)
		t.Logf("%s: %d posts, %d comments, %d answered (median %ds business), %d offensive: all equal", sa.id, want.posts,
			want.received, want.answered, deref(pct(want.business, 50)), want.offensive)
	}
	for _, o := range r.Organs {
		want := organs[o.ID]
		if want == nil {
			t.Fatalf("unexpected organ %s", o.ID)
		}
		compareFigures(t, "organ "+o.ID, &o.Figures, want)
	}
	if len(r.Organs) != 2 || len(r.Accounts) != len(simAccounts) {
		t.Errorf("%d organs and %d accounts", len(r.Organs), len(r.Accounts))
	}
	checkMigratedFromBefore0006(t, store, report.Options{Period: period, OrganNames: simOrganNames})

	// The HTML of the simulated semester loads in chromium with no console message
	// and prints: a cover, the summary, the organs, the matrix, then at least a page
	// per account (each starts a page) and the notes.
	page := filepath.Join(t.TempDir(), "informe.html")
	f, err := os.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := report.WriteHTML(f, r); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	pdf := checkChromium(t, page)
	if n := pdfPages(pdf); n < len(simAccounts)+5 {
		t.Errorf("the printed report has %d pages, want at least %d", n, len(simAccounts)+5)
	}
	if os.Getenv("VIGIA_UPDATE_SCREENSHOT") != "" {
		screenshot(t, page, filepath.Join("..", "docs", "report-first-page.png"))
	}
}

func deref(p *int64) int64 {
	if p == nil {
		return -1
	}
	return *p
}

func findAccount(t *testing.T, r *report.Report, id string) *report.AccountReport {
	t.Helper()
	for _, a := range r.Accounts {
		if a.ID == id {
			return a
		}
	}
	t.Fatalf("account %s not in the report", id)
	return nil
}

// expectation holds the rules the expected figures are computed with.
type expectation struct {
	calA, calB *calendar.Calendar
	cls        *offensive.Classifier
	sla        time.Duration
}

func newExpectation(t *testing.T) *expectation {
	t.Helper()
	cfgA := calendar.DefaultConfig()
	calA, err := calendar.New(cfgA)
	if err != nil {
		t.Fatal(err)
	}
	cfgB := calendar.DefaultConfig()
	cfgB.Hours = calendar.Hours{Weekdays: []calendar.Span{{Start: 7 * time.Hour, End: 15 * time.Hour}}}
	calB, err := calendar.New(cfgB)
	if err != nil {
		t.Fatal(err)
	}
	cls, err := offensive.Default()
	if err != nil {
		t.Fatal(err)
	}
	return &expectation{calA: calA, calB: calB, cls: cls, sla: response.DefaultConfig().Breached}
}

// expected are the figures of one account (or organ) computed from the truth.
type expected struct {
	period                      report.Period
	posts                       int64
	weekly                      []int64
	received, needing, answered int64
	inTime, late, unanswered    int64
	oldest                      time.Time
	byIntent                    map[string]int64
	business, wall              []int64
	suggestions, infoRequests   [3]int64 // received, needing, answered
	redirected                  int64
	offensive, review           int64
	repeat                      int64
	lateOrChanged               int64 // answers found after the calendar change
	// comments are the expectations per comment, to name the differing ones.
	comments map[string]commentExpectation
}

type commentExpectation struct {
	intent string
	needs  bool
	reply  string
	text   string
}

func newExpected(p report.Period) *expected {
	weeks := int((p.To.Sub(p.From) + 7*24*time.Hour - 1) / (7 * 24 * time.Hour))
	return &expected{period: p, weekly: make([]int64, weeks), byIntent: map[string]int64{}, comments: map[string]commentExpectation{}}
}

func (e *expected) rate() *float64 {
	if e.needing == 0 {
		return nil
	}
	r := float64(e.answered) / float64(e.needing)
	return &r
}

func (e *expected) merge(o *expected) {
	e.posts += o.posts
	e.received += o.received
	e.needing += o.needing
	e.answered += o.answered
	e.inTime += o.inTime
	e.late += o.late
	e.unanswered += o.unanswered
	if !o.oldest.IsZero() && (e.oldest.IsZero() || o.oldest.Before(e.oldest)) {
		e.oldest = o.oldest
	}
	for k, v := range o.byIntent {
		e.byIntent[k] += v
	}
	e.business = append(e.business, o.business...)
	e.wall = append(e.wall, o.wall...)
	for i := range 3 {
		e.suggestions[i] += o.suggestions[i]
		e.infoRequests[i] += o.infoRequests[i]
	}
	e.redirected += o.redirected
	e.offensive += o.offensive
	e.review += o.review
	e.repeat += o.repeat
}

// figures computes an account's figures for period p from its truth.
func (x *expectation) figures(truth simulated.Truth, handle string, p report.Period) *expected {
	e := newExpected(p)
	byID := truth.ByID()
	in := func(at time.Time) bool { return !at.Before(p.From) && at.Before(p.To) }
	offenders := map[string]int{}
	for _, it := range truth.Items {
		created := it.Versions[0].At
		if !in(created) {
			continue
		}
		if it.Own {
			if it.Kind == connectors.KindPost {
				e.posts++
				e.weekly[int(created.Sub(p.From)/(7*24*time.Hour))]++
			}
			continue
		}
		if it.Kind == connectors.KindPost {
			continue
		}
		final := it.Final().Text
		e.received++
		// Offensive: any version the classifier puts at recommend_block (review
		// when only the review band).
		band, finalBand := offensive.BandNone, offensive.BandNone
		for _, v := range it.Versions {
			finalBand = x.cls.Classify(v.Text).Band
			band = max(band, finalBand)
		}
		switch {
		case band >= offensive.BandBlock:
			e.offensive++
			offenders[it.AuthorID]++
		case band >= offensive.BandReview:
			e.review++
		}
		parentOwn := it.ParentID != "" && byID[it.ParentID].Own
		d := response.NeedsAnswer(connectors.Item{Kind: it.Kind, Text: final, ParentID: it.ParentID},
			response.Options{Intents: response.Intents, AccountHandle: handle, ParentOwn: parentOwn, Offensive: finalBand >= offensive.BandBlock})
		intent := string(d.Intent.Intent) // the rule-based intent of the final text
		e.byIntent[intent]++
		needs := d.Needs && it.DeletedAt.IsZero()
		ce := commentExpectation{intent: intent, needs: needs, text: final}
		if ans, ok := byID[it.AnsweredBy]; ok && ans.DeletedAt.IsZero() {
			ce.reply = it.AnsweredBy
		}
		e.comments[it.ExternalID] = ce
		var cnt *[3]int64
		switch intent {
		case string(response.IntentSuggestion):
			cnt = &e.suggestions
		case string(response.IntentInfoRequest):
			cnt = &e.infoRequests
		}
		if cnt != nil {
			cnt[0]++
		}
		if !needs {
			continue
		}
		e.needing++
		if cnt != nil {
			cnt[1]++
		}
		ans, answered := byID[it.AnsweredBy]
		if !answered || !ans.DeletedAt.IsZero() {
			e.unanswered++
			if e.oldest.IsZero() || created.Before(e.oldest) {
				e.oldest = created
			}
			continue
		}
		e.answered++
		if cnt != nil {
			cnt[2]++
		}
		// The calendar in force when the answer was found: the first run's up to
		// its end, the changed one after.
		cal := x.calA
		if it.AnsweredAt.After(simEpoch1) {
			cal = x.calB
			e.lateOrChanged++
		}
		b := int64(cal.BusinessDuration(created, it.AnsweredAt) / time.Second)
		e.business = append(e.business, b)
		e.wall = append(e.wall, int64(it.AnsweredAt.Sub(created)/time.Second))
		if time.Duration(b)*time.Second > x.sla {
			e.late++
		} else {
			e.inTime++
		}
		if intent == string(response.IntentInfoRequest) {
			t := strings.ToLower(ans.Final().Text)
			if strings.Contains(t, "infomex") || strings.Contains(t, "ifetel") || strings.Contains(t, "unidad de enlace") {
				e.redirected++
			}
		}
	}
	for _, n := range offenders {
		if n >= 2 {
			e.repeat++
		}
	}
	return e
}

// pct is the nearest-rank percentile of vs, computed here independently.
func pct(vs []int64, p int) *int64 {
	if len(vs) == 0 {
		return nil
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	rank := (len(s)*p + 99) / 100 // ceil(n·p/100)
	v := s[rank-1]
	return &v
}

func equalOpt(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func equalRate(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// explain names the comments whose stored response row differs from the expectation.
func explain(t *testing.T, store *archive.Store, account string, want *expected) {
	t.Helper()
	rows, err := store.Responses(context.Background(), account)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for id, ce := range want.comments {
		row := rows[id]
		reply := row.Reply
		if !row.NeedsAnswer {
			reply = ""
		}
		wantReply := ce.reply
		if !ce.needs {
			wantReply = ""
		}
		if row.Intent != ce.intent || row.NeedsAnswer != ce.needs || reply != wantReply {
			t.Logf("%s: comment %s: stored intent %q needs %v reply %q; expected %q %v %q; text %.80q", account, id,
				row.Intent, row.NeedsAnswer, reply, ce.intent, ce.needs, wantReply, ce.text)
			if n++; n == 10 {
				return
			}
		}
	}
}

func compareFigures(t *testing.T, who string, got *report.Figures, want *expected) bool {
	t.Helper()
	ok := true
	check := func(what string, g, w int64) {
		if g != w {
			ok = false
			t.Errorf("%s: %s = %d, want %d", who, what, g, w)
		}
	}
	check("posts", got.Posts, want.posts)
	check("comments received", got.CommentsReceived, want.received)
	check("needing answer", got.NeedingAnswer, want.needing)
	check("answered", got.Answered, want.answered)
	check("answered in time", got.AnsweredInTime, want.inTime)
	check("answered late", got.AnsweredLate, want.late)
	check("unanswered", got.Unanswered, want.unanswered)
	check("suggestions received", got.Suggestions.Received, want.suggestions[0])
	check("suggestions needing answer", got.Suggestions.NeedingAnswer, want.suggestions[1])
	check("suggestions answered", got.Suggestions.Answered, want.suggestions[2])
	check("info requests received", got.InfoRequests.Received, want.infoRequests[0])
	check("info requests needing answer", got.InfoRequests.NeedingAnswer, want.infoRequests[1])
	check("info requests answered", got.InfoRequests.Answered, want.infoRequests[2])
	check("info requests redirected", got.InfoRequests.Redirected, want.redirected)
	check("offensive", got.Offensive.Comments, want.offensive)
	check("offensive review", got.Offensive.Review, want.review)
	check("repeat offenders", got.Offensive.RepeatOffenders, want.repeat)
	for _, in := range response.Intents {
		check("comments of intent "+string(in), got.CommentsByIntent[string(in)], want.byIntent[string(in)])
	}
	var byCat int64
	for _, c := range got.Offensive.ByCategory {
		if c.Rule == "offensive" {
			byCat += c.Comments
		}
	}
	if byCat < want.offensive {
		ok = false
		t.Errorf("%s: offensive comments by category sum to %d, fewer than the %d offensive comments", who, byCat, want.offensive)
	}
	if !equalRate(got.ResponseRate, want.rate()) {
		ok = false
		t.Errorf("%s: response rate %v, want %v", who, got.ResponseRate, want.rate())
	}
	var oldest time.Time
	if got.OldestUnanswered != nil {
		oldest = *got.OldestUnanswered
	}
	if !oldest.Equal(want.oldest) {
		ok = false
		t.Errorf("%s: oldest unanswered %v, want %v", who, oldest, want.oldest)
	}
	for _, p := range []struct {
		name       string
		got        *int64
		vs         []int64
		percentile int
	}{
		{"business median", got.FirstResponseBusiness.Median, want.business, 50},
		{"business p90", got.FirstResponseBusiness.P90, want.business, 90},
		{"business p99", got.FirstResponseBusiness.P99, want.business, 99},
		{"wall median", got.FirstResponseWall.Median, want.wall, 50},
		{"wall p90", got.FirstResponseWall.P90, want.wall, 90},
		{"wall p99", got.FirstResponseWall.P99, want.wall, 99},
	} {
		if w := pct(p.vs, p.percentile); !equalOpt(p.got, w) {
			ok = false
			t.Errorf("%s: first response %s = %v, want %v", who, p.name, deref(p.got), deref(w))
		}
	}
	return ok
}
