// Package report is Vigía's semester evaluation (Criterios 8.i and 8.ii): it
// assembles, from the archive, the figures of every account and organ for a period
// (posting cadence, comments by intent, response rate and first-response times in
// business and wall time, unanswered backlog, suggestions, information requests,
// offensive comments and blocks, flags on the account's own content,
// verification, takeover signals, polling coverage, the trend against the previous
// period) and the compliance matrix, and renders them as HTML (printable, in
// Spanish), CSV (one file per table) and JSON (stable field names, documented in
// docs/report-json.md).
package report

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/policy/health"
	"github.com/ife-mx/vigia/policy/response"
)

// Location is the time zone the report's dates are in: the institute's.
var Location = mustLocation("America/Mexico_City")

func mustLocation(name string) *time.Location {
	l, err := time.LoadLocation(name) // the calendar package embeds tzdata
	if err != nil {
		panic(err)
	}
	return l
}

// DefaultCoverageGap is the longest stretch between two successful polls that
// still counts as watched: the README's "account not polled for 30 minutes" alert.
const DefaultCoverageGap = 30 * time.Minute

// expectedPerWeek is the number of own posts a week an expected cadence (the
// longest expected gap between own posts, as governance judges it) asks for:
// 7 for daily, 1 for weekly.
func expectedPerWeek(cadence time.Duration) float64 {
	return float64(health.Weekly) / float64(cadence)
}

// Period is the evaluated interval, in whole days of the institute's time zone.
type Period struct {
	// From is the first day's midnight; To the midnight after the last day.
	From, To time.Time
	// Label is "2026-1" for a semester given as such; empty otherwise.
	Label string
}

// Days returns the period's length in days.
func (p Period) Days() float64 { return p.To.Sub(p.From).Hours() / 24 }

// LastDay returns the period's last day (To minus one day).
func (p Period) LastDay() time.Time { return p.To.AddDate(0, 0, -1) }

// Previous returns the period of the same kind just before p: the previous
// semester for a semester, else the same number of days before From.
func (p Period) Previous() Period {
	if p.Label != "" {
		y, h := p.From.Year(), 1
		if p.From.Month() == time.January {
			y, h = y-1, 2
		}
		prev, _ := Semester(fmt.Sprintf("%d-%d", y, h))
		return prev
	}
	days := int(p.To.Sub(p.From).Round(24*time.Hour) / (24 * time.Hour))
	return Period{From: p.From.AddDate(0, 0, -days), To: p.From}
}

func (p Period) archive() archive.Period { return archive.Period{From: p.From, To: p.To} }

var semesterRe = regexp.MustCompile(`^(\d{4})-([12])$`)

// Semester parses "2026-1" (January to June) or "2026-2" (July to December).
func Semester(s string) (Period, error) {
	m := semesterRe.FindStringSubmatch(s)
	if m == nil {
		return Period{}, fmt.Errorf("semestre inválido %q: use AAAA-1 (enero a junio) o AAAA-2 (julio a diciembre)", s)
	}
	y, _ := strconv.Atoi(m[1])
	month := time.January
	if m[2] == "2" {
		month = time.July
	}
	from := time.Date(y, month, 1, 0, 0, 0, 0, Location)
	return Period{From: from, To: from.AddDate(0, 6, 0), Label: s}, nil
}

// Dates parses a period given by its first and last days, "2026-01-01" and
// "2026-06-30", both included.
func Dates(from, to string) (Period, error) {
	f, err := time.ParseInLocation(time.DateOnly, from, Location)
	if err != nil {
		return Period{}, fmt.Errorf("fecha inicial inválida %q: use AAAA-MM-DD", from)
	}
	t, err := time.ParseInLocation(time.DateOnly, to, Location)
	if err != nil {
		return Period{}, fmt.Errorf("fecha final inválida %q: use AAAA-MM-DD", to)
	}
	if t.Before(f) {
		return Period{}, fmt.Errorf("la fecha final %s es anterior a la inicial %s", to, from)
	}
	return Period{From: f, To: t.AddDate(0, 0, 1)}, nil
}

// Options select what a report covers and how it is labelled.
type Options struct {
	Period Period
	// Institute is the name printed on every page; "Instituto Federal Electoral"
	// when empty.
	Institute string
	// Organ and Account restrict the report to one organ or one account (ids).
	Organ, Account string
	// OrganNames maps organ ids to their names (from the configuration); the id
	// is shown when a name is missing.
	OrganNames map[string]string
	// Cadence is the expected cadence (the longest expected gap between own posts,
	// the configuration's per-account key cadence) by account id; an account not
	// in it, or with zero, has its network's default (health.DefaultCadence:
	// daily, weekly on YouTube), as governance judges it.
	Cadence map[string]time.Duration
	// CoverageGap is the longest gap between successful polls counted as watched;
	// DefaultCoverageGap when zero.
	CoverageGap time.Duration
	// Now is the generation time printed on the report; time.Now when nil.
	Now func() time.Time
}

// ErrNoAccounts is returned when the selection matches no account of the archive.
var ErrNoAccounts = errors.New("report: no account matches the selection")

// Report is one evaluation: every field is in the JSON output under its json name
// (docs/report-json.md is the reference).
type Report struct {
	Institute   string    `json:"institute"`
	From        string    `json:"from"` // first day, YYYY-MM-DD
	To          string    `json:"to"`   // last day, included
	Semester    string    `json:"semester,omitempty"`
	TimeZone    string    `json:"time_zone"`
	GeneratedAt time.Time `json:"generated_at"`
	// PreviousFrom and PreviousTo are the period the trend compares against.
	PreviousFrom string           `json:"previous_from"`
	PreviousTo   string           `json:"previous_to"`
	Organs       []*OrganReport   `json:"organs"`
	Accounts     []*AccountReport `json:"accounts"`

	period Period
}

// OrganReport is one organ's figures: sums over its accounts, with percentiles
// taken over all its answered comments.
type OrganReport struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Accounts []string `json:"accounts"`
	Figures
	// VerifiedAccounts counts its accounts whose latest profile is verified.
	VerifiedAccounts int `json:"verified_accounts"`
}

// AccountReport is one account's figures, compliance matrix and trend.
type AccountReport struct {
	ID        string `json:"id"`
	Network   string `json:"network"`
	Handle    string `json:"handle"`
	Organ     string `json:"organ"`
	OrganName string `json:"organ_name"`
	Status    string `json:"status"`
	Figures
	// WeeklyPosts are the own posts of each week of the period (week 1 first).
	WeeklyPosts        []int64      `json:"weekly_posts"`
	WeeksBelowExpected int          `json:"weeks_below_expected"`
	Verification       Verification `json:"verification"`
	Takeover           Takeover     `json:"takeover"`
	// CadenceSignals are the changes to a stale or abandoned cadence.
	CadenceSignals CadenceSignals `json:"cadence_signals"`
	// Watch are the comments by others matching a watch list (3.ix).
	Watch      Watch        `json:"watch"`
	Compliance []Compliance `json:"compliance"`
	Previous   Trend        `json:"previous"`
}

// Figures are the numbers an account and an organ share.
type Figures struct {
	Posts                int64   `json:"posts"`
	PostsPerWeek         float64 `json:"posts_per_week"`
	ExpectedPostsPerWeek float64 `json:"expected_posts_per_week"`
	// CommentsReceived counts comments, replies and mentions by others.
	CommentsReceived int64            `json:"comments_received"`
	CommentsByIntent map[string]int64 `json:"comments_by_intent"`
	NeedingAnswer    int64            `json:"needing_answer"`
	Answered         int64            `json:"answered"`
	// ResponseRate is Answered / NeedingAnswer; null when nothing needed an answer.
	ResponseRate     *float64   `json:"response_rate"`
	AnsweredInTime   int64      `json:"answered_in_time"`
	AnsweredLate     int64      `json:"answered_late"`
	Unanswered       int64      `json:"unanswered"`
	OldestUnanswered *time.Time `json:"oldest_unanswered"`
	// FirstResponseBusiness and FirstResponseWall are in seconds.
	FirstResponseBusiness Percentiles      `json:"first_response_business_seconds"`
	FirstResponseWall     Percentiles      `json:"first_response_wall_seconds"`
	Suggestions           Suggestions      `json:"suggestions"`
	InfoRequests          InfoRequests     `json:"info_requests"`
	Offensive             Offensive        `json:"offensive"`
	OwnContentFlags       map[string]int64 `json:"own_content_flags"`
	Coverage              Coverage         `json:"coverage"`
}

// Percentiles are nearest-rank percentiles in seconds; null when nothing was answered.
type Percentiles struct {
	Median *int64 `json:"median"`
	P90    *int64 `json:"p90"`
	P99    *int64 `json:"p99"`
}

// Suggestions are the proposals and suggestions of the public (8.ii).
type Suggestions struct {
	Received      int64 `json:"received"`
	NeedingAnswer int64 `json:"needing_answer"`
	Answered      int64 `json:"answered"`
}

// InfoRequests are the requests for information (6.vii).
type InfoRequests struct {
	Received      int64 `json:"received"`
	NeedingAnswer int64 `json:"needing_answer"`
	Answered      int64 `json:"answered"`
	// Redirected counts answers that point to INFOMEX-IFE, IFETEL or the Unidad de Enlace.
	Redirected int64 `json:"redirected"`
}

// Watch are the comments, replies and mentions by others created in the period
// that match a watch list (3.ix: misinformation about the Institute to clarify),
// and how many of them the account answered.
type Watch struct {
	Comments int64 `json:"comments"`
	Answered int64 `json:"answered"`
}

// Offensive are the offensive comments by others (6.xv).
type Offensive struct {
	// Comments were recommended for blocking (any version); Review were only ever
	// in the review band.
	Comments   int64           `json:"comments"`
	Review     int64           `json:"review"`
	ByCategory []CategoryCount `json:"by_category"`
	// RepeatOffenders counts authors with two or more comments recommended for
	// blocking in the period.
	RepeatOffenders int64 `json:"repeat_offenders"`
	// BlocksConfirmed and BlocksObserved count the administrators' decisions of
	// the period: block_confirmed and blocked_on_network.
	BlocksConfirmed int64 `json:"blocks_confirmed"`
	BlocksObserved  int64 `json:"blocks_observed"`
}

// CategoryCount counts offensive comments by category and severity.
type CategoryCount struct {
	Rule     string `json:"rule"`
	Category string `json:"category"`
	Severity string `json:"severity"`
	Comments int64  `json:"comments"`
}

// Coverage is how much of the period the agent watched.
type Coverage struct {
	WatchedSeconds int64 `json:"watched_seconds"`
	PeriodSeconds  int64 `json:"period_seconds"`
	// Ratio is WatchedSeconds / PeriodSeconds (elapsed part of the period only).
	Ratio       float64 `json:"ratio"`
	Polls       int64   `json:"polls"`
	FailedPolls int64   `json:"failed_polls"`
}

// Verification is the account's verified mark (6.xxv).
type Verification struct {
	// Status is "verified", "unverified" or "no_data".
	Status     string     `json:"status"`
	ObservedAt *time.Time `json:"observed_at"`
}

// Trend are the main figures of the previous period.
type Trend struct {
	Posts            int64    `json:"posts"`
	CommentsReceived int64    `json:"comments_received"`
	ResponseRate     *float64 `json:"response_rate"`
	MedianBusiness   *int64   `json:"median_business_seconds"`
	Unanswered       int64    `json:"unanswered"`
	Offensive        int64    `json:"offensive"`
}

// Build assembles the report from the archive.
func Build(ctx context.Context, s *archive.Store, opts Options) (*Report, error) {
	if opts.Institute == "" {
		opts.Institute = "Instituto Federal Electoral"
	}
	if opts.CoverageGap == 0 {
		opts.CoverageGap = DefaultCoverageGap
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	accts, err := s.ReportAccounts(ctx)
	if err != nil {
		return nil, err
	}
	p := opts.Period
	prev := p.Previous()
	r := &Report{Institute: opts.Institute, From: p.From.Format(time.DateOnly), To: p.LastDay().Format(time.DateOnly),
		Semester: p.Label, TimeZone: Location.String(), GeneratedAt: now().UTC().Truncate(time.Second),
		PreviousFrom: prev.From.Format(time.DateOnly), PreviousTo: prev.LastDay().Format(time.DateOnly), period: p}
	byID := map[string]*AccountReport{}
	organs := map[string]*OrganReport{}
	for _, a := range accts {
		if (opts.Account != "" && a.ID != opts.Account) || (opts.Organ != "" && a.Organ != opts.Organ) {
			continue
		}
		name := opts.OrganNames[a.Organ]
		if name == "" {
			name = a.Organ
		}
		ar := &AccountReport{ID: a.ID, Network: a.Network, Handle: a.Handle, Organ: a.Organ, OrganName: name, Status: a.Status}
		r.Accounts = append(r.Accounts, ar)
		byID[a.ID] = ar
		o := organs[a.Organ]
		if o == nil {
			o = &OrganReport{ID: a.Organ, Name: name}
			organs[a.Organ] = o
			r.Organs = append(r.Organs, o)
		}
		o.Accounts = append(o.Accounts, a.ID)
	}
	if len(r.Accounts) == 0 {
		return nil, ErrNoAccounts
	}
	elapsed := p.To
	if n := now(); n.Before(elapsed) {
		elapsed = n
	}
	weeks := int((p.To.Sub(p.From) + 7*24*time.Hour - 1) / (7 * 24 * time.Hour))
	for _, a := range r.Accounts {
		a.WeeklyPosts = make([]int64, weeks)
		cadence := opts.Cadence[a.ID]
		if cadence <= 0 {
			cadence = health.DefaultCadence(a.Network)
		}
		a.ExpectedPostsPerWeek = expectedPerWeek(cadence)
		a.Coverage.PeriodSeconds = max(0, int64(elapsed.Sub(p.From)/time.Second))
	}
	// The flags of both periods are read in one pass, with the period's figures.
	var prevFlags map[string]archive.FlagFigures
	bothFlags := func() (map[string]archive.FlagFigures, error) {
		sets := [2]map[string]archive.FlagFigures{{}, {}}
		err := s.PeriodFlagFigures(ctx, []archive.Period{p.archive(), prev.archive()}, ruleWatch, func(i int, f archive.FlagFigures) {
			sets[i][f.Account] = f
		})
		prevFlags = sets[1]
		return sets[0], err
	}
	cur, organDelays, err := gather(ctx, s, p.archive(), opts.CoverageGap, byID, true, bothFlags)
	if err != nil {
		return nil, err
	}
	for id, f := range cur {
		a := byID[id]
		per := a.Coverage.PeriodSeconds
		exp := a.ExpectedPostsPerWeek
		a.Figures = f.Figures
		a.ExpectedPostsPerWeek, a.Coverage.PeriodSeconds = exp, per
		if per > 0 {
			a.Coverage.Ratio = float64(a.Coverage.WatchedSeconds) / float64(per)
		}
		for w, n := range f.weekly {
			if w >= 0 && w < len(a.WeeklyPosts) {
				a.WeeklyPosts[w] = n
			}
		}
		a.PostsPerWeek = float64(a.Posts) / (p.Days() / 7)
		a.WeeksBelowExpected = weeksBelow(a.WeeklyPosts, a.ExpectedPostsPerWeek, p)
		a.Verification = f.verification
		a.Takeover = f.takeover
		a.CadenceSignals = f.cadence
		a.Watch = f.watch
	}
	organFigures(r, byID, organDelays)
	prevFigures, _, err := gather(ctx, s, prev.archive(), opts.CoverageGap, byID, false,
		func() (map[string]archive.FlagFigures, error) { return prevFlags, nil })
	if err != nil {
		return nil, err
	}
	for id, f := range prevFigures {
		byID[id].Previous = Trend{Posts: f.Posts, CommentsReceived: f.CommentsReceived, ResponseRate: f.ResponseRate,
			MedianBusiness: f.FirstResponseBusiness.Median, Unanswered: f.Unanswered, Offensive: f.Offensive.Comments}
	}
	for _, a := range r.Accounts {
		a.Compliance = compliance(a)
	}
	return r, nil
}

// weeksBelow counts the whole weeks of the period with fewer own posts than the
// least an account keeping its cadence makes in seven days: the whole part of the
// expected posts a week (posting every 48 h, 3.5 a week, some weeks hold only 3).
// A cadence longer than a week judges no week: the cadence signals cover it.
func weeksBelow(weekly []int64, expected float64, p Period) int {
	expected = math.Floor(expected + 1e-9)
	n := 0
	for w, posts := range weekly {
		if p.From.AddDate(0, 0, 7*(w+1)).After(p.To) {
			break // a partial last week is not judged
		}
		if float64(posts) < expected {
			n++
		}
	}
	return n
}

// accountFigures are one account's figures for one period, with the parts only an
// account has.
type accountFigures struct {
	Figures
	weekly       map[int]int64
	verification Verification
	takeover     Takeover
	cadence      CadenceSignals
	watch        Watch
}

// gather reads the per-account figures of period p for the accounts in byID: all
// of them when full, else only those the trend shows (posts, comments and their
// answers, offensive comments); flags gives the period's flag figures. The
// archive's queries run at the same time, each on its own connection of the read
// pool, and each fills its own fields of the accounts' figures.
func gather(ctx context.Context, s *archive.Store, p archive.Period, gap time.Duration, byID map[string]*AccountReport, full bool,
	flags func() (map[string]archive.FlagFigures, error)) (map[string]*accountFigures, map[string]archive.DelayPercentiles, error) {
	out := make(map[string]*accountFigures, len(byID))
	for id := range byID {
		out[id] = &accountFigures{Figures: emptyFigures(), weekly: map[int]int64{}, verification: Verification{Status: VerificationNoData}}
	}
	get := func(id string) *accountFigures { return out[id] } // nil for accounts not selected
	var byOrgan map[string]archive.DelayPercentiles
	tasks := []func() error{
		func() error {
			return s.WeeklyPosts(ctx, p, func(acct string, week int, n int64) {
				if f := get(acct); f != nil {
					f.weekly[week] += n
					f.Posts += n
				}
			})
		},
		func() error {
			return s.Comments(ctx, p, intentOrder, func(c archive.CommentCounts) {
				if f := get(c.Account); f != nil {
					f.addComments(c)
				}
			})
		},
		func() error {
			byAccount, organs, err := s.ResponseDelays(ctx, p)
			for id, d := range byAccount {
				if f := get(id); f != nil {
					f.setDelays(d)
				}
			}
			byOrgan = organs
			return err
		},
		// Offensive comments (the trend too), flags on own content, watch lists
		// and repeat offenders.
		func() error {
			figures, err := flags()
			for _, c := range figures {
				f := get(c.Account)
				if f == nil {
					continue
				}
				f.Offensive.Comments, f.Offensive.Review = c.Offensive, c.Review
				if !full {
					continue
				}
				for rule, n := range c.OwnFlags {
					f.OwnContentFlags[rule] = n
				}
				for _, k := range c.ByCategory {
					f.Offensive.ByCategory = append(f.Offensive.ByCategory, CategoryCount{Rule: k.Rule, Category: k.Category, Severity: k.Severity, Comments: k.Items})
				}
				f.watch = Watch{Comments: c.Watched, Answered: c.WatchedAnswered}
				f.Offensive.RepeatOffenders = c.RepeatOffenders
			}
			return err
		},
	}
	if full {
		tasks = append(tasks,
			func() error {
				return s.PeriodDecisions(ctx, p, func(acct, decision string, n int64) {
					if f := get(acct); f != nil {
						switch decision {
						case archive.DecisionBlockConfirmed:
							f.Offensive.BlocksConfirmed = n
						case archive.DecisionBlockedOnNetwork:
							f.Offensive.BlocksObserved = n
						}
					}
				})
			},
			func() error {
				return s.PollCoverage(ctx, p, gap, func(c archive.Coverage) {
					if f := get(c.Account); f != nil {
						f.Coverage = Coverage{WatchedSeconds: int64(c.Watched / time.Second), Polls: c.Polls, FailedPolls: c.Failed}
					}
				})
			},
			func() error {
				return s.Profiles(ctx, p, func(st archive.ProfileState) {
					if f := get(st.Account); f != nil {
						f.verification = Verification{Status: VerificationUnverified, ObservedAt: timePtr(st.ObservedAt)}
						if st.Verified {
							f.verification.Status = VerificationVerified
						}
						f.takeover.ProfileChanges = st.Changes
					}
				})
			},
			func() error { return takeoverSignals(ctx, s, p, out) },
		)
	}
	if err := parallel(tasks); err != nil {
		return nil, nil, err
	}
	for _, f := range out {
		f.finish()
	}
	return out, byOrgan, nil
}

// parallel runs the tasks at the same time and returns their errors joined.
func parallel(tasks []func() error) error {
	var wg sync.WaitGroup
	errs := make([]error, len(tasks))
	for i, task := range tasks {
		wg.Go(func() { errs[i] = task() })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Verification states.
const (
	VerificationVerified   = "verified"
	VerificationUnverified = "unverified"
	VerificationNoData     = "no_data"
)

// Flag rules the report reads (the agent's conduct review writes them).
const (
	ruleOffensive       = "offensive"
	ruleOffensiveReview = "offensive_review"
	// ruleWatch marks a comment by others matching a watch list (agent.RuleWatch).
	ruleWatch = "watch"
)

func emptyFigures() Figures {
	f := Figures{CommentsByIntent: map[string]int64{}, OwnContentFlags: map[string]int64{}}
	for _, i := range response.Intents {
		f.CommentsByIntent[string(i)] = 0
	}
	f.Offensive.ByCategory = []CategoryCount{}
	return f
}

func (f *Figures) addComments(c archive.CommentCounts) {
	f.CommentsReceived += c.Received
	f.NeedingAnswer += c.NeedingAnswer
	f.Answered += c.Answered
	f.AnsweredInTime += c.InTime
	f.AnsweredLate += c.Late
	f.Unanswered += c.Unanswered
	if !c.OldestUnanswered.IsZero() && (f.OldestUnanswered == nil || c.OldestUnanswered.Before(*f.OldestUnanswered)) {
		f.OldestUnanswered = timePtr(c.OldestUnanswered)
	}
	known := int64(0)
	for in, n := range c.ByIntent {
		f.CommentsByIntent[in] += n.Received
		known += n.Received
	}
	// A row stored with no intent (or one unknown to this version) counts as other.
	f.CommentsByIntent[string(response.IntentOther)] += c.Received - known
	sug, info := c.ByIntent[string(response.IntentSuggestion)], c.ByIntent[string(response.IntentInfoRequest)]
	f.Suggestions.Received += sug.Received
	f.Suggestions.NeedingAnswer += sug.NeedingAnswer
	f.Suggestions.Answered += sug.Answered
	f.InfoRequests.Received += info.Received
	f.InfoRequests.NeedingAnswer += info.NeedingAnswer
	f.InfoRequests.Answered += info.Answered
	f.InfoRequests.Redirected += c.Redirected
}

func (f *Figures) setDelays(d archive.DelayPercentiles) {
	f.FirstResponseBusiness = Percentiles{Median: &d.BusinessP50, P90: &d.BusinessP90, P99: &d.BusinessP99}
	f.FirstResponseWall = Percentiles{Median: &d.WallP50, P90: &d.WallP90, P99: &d.WallP99}
}

// finish computes the ratios and sorts the lists.
func (f *Figures) finish() {
	if f.NeedingAnswer > 0 {
		r := float64(f.Answered) / float64(f.NeedingAnswer)
		f.ResponseRate = &r
	}
	slices.SortFunc(f.Offensive.ByCategory, func(a, b CategoryCount) int {
		if a.Comments != b.Comments {
			return int(b.Comments - a.Comments)
		}
		return compareStrings(a.Rule+a.Category+a.Severity, b.Rule+b.Category+b.Severity)
	})
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// organFigures sums the accounts' figures into their organs and sets the organs'
// percentiles.
func organFigures(r *Report, byID map[string]*AccountReport, delays map[string]archive.DelayPercentiles) {
	for _, o := range r.Organs {
		o.Figures = emptyFigures()
		o.ExpectedPostsPerWeek = 0
		for _, id := range o.Accounts {
			a := byID[id]
			o.add(&a.Figures)
			o.ExpectedPostsPerWeek += a.ExpectedPostsPerWeek
			if a.Verification.Status == VerificationVerified {
				o.VerifiedAccounts++
			}
		}
		o.PostsPerWeek = float64(o.Posts) / (r.period.Days() / 7)
		if o.Coverage.PeriodSeconds > 0 {
			o.Coverage.Ratio = float64(o.Coverage.WatchedSeconds) / float64(o.Coverage.PeriodSeconds)
		}
		o.ResponseRate = nil
		o.finish()
		// With an account or organ filter the organ may hold only some of its
		// accounts: with one, its percentiles are that account's.
		if len(o.Accounts) == 1 {
			a := byID[o.Accounts[0]]
			o.FirstResponseBusiness, o.FirstResponseWall = a.FirstResponseBusiness, a.FirstResponseWall
		} else if d, ok := delays[o.ID]; ok {
			o.setDelays(d)
		}
	}
}

// add sums another figure set into f (percentiles and ratios excluded).
func (f *Figures) add(g *Figures) {
	f.Posts += g.Posts
	f.CommentsReceived += g.CommentsReceived
	for k, v := range g.CommentsByIntent {
		f.CommentsByIntent[k] += v
	}
	f.NeedingAnswer += g.NeedingAnswer
	f.Answered += g.Answered
	f.AnsweredInTime += g.AnsweredInTime
	f.AnsweredLate += g.AnsweredLate
	f.Unanswered += g.Unanswered
	if g.OldestUnanswered != nil && (f.OldestUnanswered == nil || g.OldestUnanswered.Before(*f.OldestUnanswered)) {
		f.OldestUnanswered = g.OldestUnanswered
	}
	f.Suggestions.Received += g.Suggestions.Received
	f.Suggestions.NeedingAnswer += g.Suggestions.NeedingAnswer
	f.Suggestions.Answered += g.Suggestions.Answered
	f.InfoRequests.Received += g.InfoRequests.Received
	f.InfoRequests.NeedingAnswer += g.InfoRequests.NeedingAnswer
	f.InfoRequests.Answered += g.InfoRequests.Answered
	f.InfoRequests.Redirected += g.InfoRequests.Redirected
	f.Offensive.Comments += g.Offensive.Comments
	f.Offensive.Review += g.Offensive.Review
	f.Offensive.RepeatOffenders += g.Offensive.RepeatOffenders
	f.Offensive.BlocksConfirmed += g.Offensive.BlocksConfirmed
	f.Offensive.BlocksObserved += g.Offensive.BlocksObserved
	idx := map[string]int{}
	for i, c := range f.Offensive.ByCategory {
		idx[c.Rule+"\x00"+c.Category+"\x00"+c.Severity] = i
	}
	for _, c := range g.Offensive.ByCategory {
		k := c.Rule + "\x00" + c.Category + "\x00" + c.Severity
		if i, ok := idx[k]; ok {
			f.Offensive.ByCategory[i].Comments += c.Comments
		} else {
			idx[k] = len(f.Offensive.ByCategory)
			f.Offensive.ByCategory = append(f.Offensive.ByCategory, c)
		}
	}
	for k, v := range g.OwnContentFlags {
		f.OwnContentFlags[k] += v
	}
	f.Coverage.WatchedSeconds += g.Coverage.WatchedSeconds
	f.Coverage.PeriodSeconds += g.Coverage.PeriodSeconds
	f.Coverage.Polls += g.Coverage.Polls
	f.Coverage.FailedPolls += g.Coverage.FailedPolls
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}
