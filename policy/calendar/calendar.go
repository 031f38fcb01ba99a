// Package calendar is the attention calendar of an institutional account (Criterios
// 5.1): the hours it attends each weekday in its time zone, closed on Mexican
// statutory holidays, institutional vacations and extra non-working days, with
// reduced hours in some periods. It measures business time, the time the calendar
// is open, between two instants, and finds the instant when some business time will
// have elapsed; the response clock of the Criterios 5.2.e, 6.xvi and 6.xvii runs on it.
//
// The package is pure: instants are passed in, nothing reads the clock or the disk
// (time zones come from Go's embedded tzdata when the system has none). A Calendar is
// immutable and safe for concurrent use.
//
// # Speed
//
// A Calendar reduces every question to a business clock: Clock(t) is the business
// time elapsed from a fixed origin to t. The clock of a day's midnight is a whole
// number of weeks times the week's business time, plus the week's prefix up to the
// day, plus the sum of the differences every exceptional day (holiday, vacation,
// closed day, reduced day, or a day when the clocks change) makes, kept as a prefix
// sum over the sorted exceptions. Clock costs one zone lookup and one binary search;
// BusinessDuration is two Clocks; Add inverts Clock with a galloping search over days.
// Nothing walks minute by minute.
package calendar

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	// Embedded IANA time zone data, so that calendars work on hosts without
	// /usr/share/zoneinfo (distroless images, Windows).
	_ "time/tzdata"
)

const (
	secondsPerDay = 86400
	nsPerSecond   = int64(time.Second)
	nsPerDay      = secondsPerDay * nsPerSecond

	// Exceptional days (holidays, clock changes) are precomputed for these years.
	firstExceptionYear = 1990
	lastExceptionYear  = 2109
)

var (
	// minInstant and maxInstant bound the instants a Calendar measures; earlier and
	// later instants are clamped.
	minInstant = time.Date(MinYear, time.January, 1, 0, 0, 0, 0, time.UTC)
	maxInstant = time.Date(MaxYear+1, time.January, 1, 0, 0, 0, 0, time.UTC)
	// lastInstant is the last instant a Calendar measures; NextOpen and Add return it
	// when the answer would lie beyond.
	lastInstant = maxInstant.Add(-time.Nanosecond)
	// originDay is a Monday (2000-01-03), as days since 1970-01-01; Clock is zero at
	// its local midnight.
	originDay = Date{2000, time.January, 3}.days()
)

// span is a range of a day in nanoseconds since the instant the day starts.
type span struct{ a, b int64 }

// daySched is the open spans of one day, sorted and disjoint.
type daySched struct {
	spans []span
	total int64
}

func newSched(spans []Span) daySched {
	var s daySched
	for _, sp := range spans {
		s.spans = append(s.spans, span{int64(sp.Start), int64(sp.End)})
	}
	s.normalise()
	return s
}

func (s *daySched) normalise() {
	slices.SortFunc(s.spans, func(x, y span) int {
		switch {
		case x.a < y.a:
			return -1
		case x.a > y.a:
			return 1
		}
		return 0
	})
	out := s.spans[:0]
	for _, sp := range s.spans {
		if sp.b <= sp.a {
			continue
		}
		if n := len(out); n > 0 && sp.a <= out[n-1].b {
			out[n-1].b = max(out[n-1].b, sp.b)
			continue
		}
		out = append(out, sp)
	}
	s.spans = out
	s.total = 0
	for _, sp := range out {
		s.total += sp.b - sp.a
	}
}

// before returns the open time of the day before elapsed ns into it.
func (s *daySched) before(elapsed int64) int64 {
	var n int64
	for _, sp := range s.spans {
		if elapsed <= sp.a {
			break
		}
		n += min(elapsed, sp.b) - sp.a
	}
	return n
}

// exception is a day whose schedule differs from its weekday's, or whose length is
// not 24 hours because the clocks change on it.
type exception struct {
	day   int64
	sched *daySched
	// cum is the sum of (sched.total − the weekday's total) over the exceptions
	// before this one.
	cum int64
	// start is the instant the day starts (unix ns); elapsed time in the day is
	// measured from it. Set only when shifted.
	start int64
	// shifted marks a day when the clocks change: its schedule is already in
	// elapsed time, and wall-clock time of day is not elapsed time.
	shifted bool
	reason  string
}

// Calendar answers questions about business time. Build it with New.
type Calendar struct {
	loc  *time.Location
	week [7]daySched // by time.Weekday
	// weekPrefix[i] is the business time of the i days starting on Monday.
	weekPrefix [8]int64
	exc        []exception
	excTotal   int64
}

// built holds the calendars New has built, by configuration. The agent asks
// for one per account, and hundreds of accounts share a few configurations
// (their organ's, or the default); each calendar holds some 45 KB of
// precomputed days (holidays and clock changes from 1990 to 2109) and never
// changes once built, so accounts with the same configuration share one.
var built struct {
	sync.Mutex
	m map[string]*Calendar
}

// maxBuilt bounds built: past it (reload after reload of changing
// configurations) it starts over.
const maxBuilt = 256

// New builds a Calendar from cfg, which it validates. A configuration equal to
// one given before gets the same Calendar, which is safe to share: it is
// immutable.
func New(cfg Config) (*Calendar, error) {
	key := fmt.Sprintf("%#v", cfg)
	built.Lock()
	c := built.m[key]
	built.Unlock()
	if c != nil {
		return c, nil
	}
	c, err := build(cfg)
	if err != nil {
		return nil, err
	}
	built.Lock()
	defer built.Unlock()
	if built.m == nil || len(built.m) >= maxBuilt {
		built.m = map[string]*Calendar{}
	}
	if prev := built.m[key]; prev != nil {
		return prev, nil // built at the same time by another caller
	}
	built.m[key] = c
	return c, nil
}

// build builds a Calendar from cfg, which it validates.
func build(cfg Config) (*Calendar, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	tz := cfg.TimeZone
	if tz == "" {
		tz = DefaultTimeZone
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("calendar: time_zone: %w", err)
	}
	c := &Calendar{loc: loc}
	for wd := range time.Weekday(7) {
		c.week[wd] = newSched(cfg.Hours.Day(wd))
	}
	for i := range 7 {
		c.weekPrefix[i+1] = c.weekPrefix[i] + c.week[(int(time.Monday)+i)%7].total
	}

	// What makes each exceptional day exceptional, by day number.
	type special struct {
		closed  string
		reduced *Reduced
		shifted bool
	}
	days := map[int64]*special{}
	get := func(n int64) *special {
		s := days[n]
		if s == nil {
			s = &special{}
			days[n] = s
		}
		return s
	}
	if cfg.Holidays != HolidaysNone {
		for y := firstExceptionYear; y <= lastExceptionYear; y++ {
			for _, h := range MexicanHolidays(y) {
				get(h.Date.days()).closed = h.Name
			}
		}
	}
	for i := range cfg.Reduced {
		r := &cfg.Reduced[i]
		for n := r.From.days(); n <= r.To.days(); n++ {
			get(n).reduced = r
		}
	}
	for _, v := range cfg.Vacations {
		name := v.Name
		if name == "" {
			name = "vacaciones"
		}
		for n := v.From.days(); n <= v.To.days(); n++ {
			get(n).closed = name
		}
	}
	for _, d := range cfg.ClosedDays {
		get(d.days()).closed = "día inhábil"
	}
	// Days when the offset from UTC changes.
	end := time.Date(lastExceptionYear+1, time.January, 1, 0, 0, 0, 0, time.UTC)
	for t := time.Date(firstExceptionYear, time.January, 1, 0, 0, 0, 0, time.UTC); ; {
		_, next := t.In(loc).ZoneBounds()
		if next.IsZero() || !next.Before(end) || !next.After(t) {
			break
		}
		_, before := next.Add(-time.Nanosecond).In(loc).Zone()
		_, after := next.In(loc).Zone()
		if before != after {
			get(c.dayOf(next)).shifted = true
			get(c.dayOf(next.Add(-time.Nanosecond))).shifted = true
		}
		t = next
	}

	closed := &daySched{}
	for n, s := range days {
		wd := weekday(n)
		e := exception{day: n, shifted: s.shifted}
		var spans []Span
		switch {
		case s.closed != "":
			e.reason = s.closed
		case s.reduced != nil:
			spans = s.reduced.Hours.Day(wd)
			e.reason = s.reduced.Name
			if e.reason == "" {
				e.reason = "horario reducido"
			}
		default:
			spans = cfg.Hours.Day(wd)
		}
		switch {
		case s.shifted:
			e.sched, e.start = c.shiftedSched(n, spans)
		case len(spans) == 0:
			e.sched = closed
		default:
			sched := newSched(spans)
			if slices.Equal(sched.spans, c.week[wd].spans) {
				continue // an exception that changes nothing
			}
			e.sched = &sched
		}
		if !s.shifted && e.sched.total == 0 && c.week[wd].total == 0 {
			continue // closed anyway
		}
		c.exc = append(c.exc, e)
	}
	slices.SortFunc(c.exc, func(a, b exception) int {
		switch {
		case a.day < b.day:
			return -1
		case a.day > b.day:
			return 1
		}
		return 0
	})
	var cum int64
	for i := range c.exc {
		e := &c.exc[i]
		e.cum = cum
		cum += e.sched.total - c.week[weekday(e.day)].total
	}
	c.excTotal = cum
	return c, nil
}

// Location returns the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// weekday returns the weekday of day number n (1970-01-01 was a Thursday).
func weekday(n int64) time.Weekday {
	return time.Weekday(((n+4)%7 + 7) % 7)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func clamp(t time.Time) time.Time {
	if t.Before(minInstant) {
		return minInstant
	}
	if !t.Before(maxInstant) {
		return lastInstant
	}
	return t
}

// dayOf returns the local day number of t.
func (c *Calendar) dayOf(t time.Time) int64 {
	_, off := t.In(c.loc).Zone()
	return floorDiv(t.Unix()+int64(off), secondsPerDay)
}

// civil returns the date of day number n.
func civil(n int64) (int, time.Month, int) {
	return time.Unix(n*secondsPerDay, 0).UTC().Date()
}

// piece is a range of instants (unix ns) [a, b) with one offset from UTC (ns).
type piece struct{ a, b, off int64 }

// dayPieces returns the instants whose wall-clock date is day n, split where the
// offset from UTC changes, in time order.
func (c *Calendar) dayPieces(n int64) []piece {
	const window = 26 * 3600 * nsPerSecond // more than any offset from UTC
	lo, hi := n*nsPerDay-window, (n+1)*nsPerDay+window
	var ps []piece
	for t := time.Unix(0, lo).In(c.loc); ; {
		_, off := t.Zone()
		o := int64(off) * nsPerSecond
		start, end := t.ZoneBounds()
		s, e := int64(math.MinInt64), int64(math.MaxInt64)
		if !start.IsZero() {
			s = start.UnixNano()
		}
		if !end.IsZero() {
			e = end.UnixNano()
		}
		if a, b := max(s, n*nsPerDay-o), min(e, (n+1)*nsPerDay-o); a < b {
			ps = append(ps, piece{a, b, o})
		}
		if end.IsZero() || e >= hi {
			return ps
		}
		t = end.In(c.loc)
	}
}

// shiftedSched returns the schedule of day n, a day when the clocks change, in time
// elapsed since the day starts, and that start: the instants whose wall-clock time
// falls in one of spans (so a repeated hour counts twice and a skipped one not at all).
func (c *Calendar) shiftedSched(n int64, spans []Span) (*daySched, int64) {
	ps := c.dayPieces(n)
	if len(ps) == 0 { // unreachable: every date has instants
		return &daySched{}, n * nsPerDay
	}
	start := ps[0].a
	s := &daySched{}
	for _, sp := range spans {
		for _, p := range ps {
			a := max(p.a, n*nsPerDay+int64(sp.Start)-p.off)
			b := min(p.b, n*nsPerDay+int64(sp.End)-p.off)
			if a < b {
				s.spans = append(s.spans, span{a - start, b - start})
			}
		}
	}
	s.normalise()
	return s, start
}

// find returns the index of the first exception on or after day n.
func (c *Calendar) find(n int64) int {
	lo, hi := 0, len(c.exc)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if c.exc[m].day < n {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// dayClock returns the clock at the start of day n, given i = c.find(n).
func (c *Calendar) dayClock(n int64, i int) int64 {
	rel := n - originDay
	w := floorDiv(rel, 7)
	r := rel - w*7
	cum := c.excTotal
	if i < len(c.exc) {
		cum = c.exc[i].cum
	}
	return w*c.weekPrefix[7] + c.weekPrefix[r] + cum
}

// day returns the schedule of day n and, for a day when the clocks change, the
// instant it starts; i = c.find(n).
func (c *Calendar) day(n int64, i int) (s *daySched, start int64, shifted bool) {
	if i < len(c.exc) && c.exc[i].day == n {
		e := &c.exc[i]
		return e.sched, e.start, e.shifted
	}
	return &c.week[weekday(n)], 0, false
}

// locate returns t's day number, the index of its first exception, its schedule and
// the time elapsed since the day started.
func (c *Calendar) locate(t time.Time) (n int64, i int, s *daySched, elapsed int64) {
	t = clamp(t)
	_, off := t.In(c.loc).Zone()
	local := t.Unix() + int64(off)
	n = floorDiv(local, secondsPerDay)
	i = c.find(n)
	s, start, shifted := c.day(n, i)
	if shifted {
		elapsed = max(0, t.UnixNano()-start)
	} else {
		elapsed = (local-n*secondsPerDay)*nsPerSecond + int64(t.Nanosecond())
	}
	return n, i, s, elapsed
}

// Clock returns the business time elapsed from the calendar's origin (midnight
// starting Monday 3 January 2000 in its zone) to t, negative before the origin. It is
// non-decreasing in t, and for from ≤ to, BusinessDuration(from, to) is
// Clock(to) − Clock(from): callers that measure many intervals against one instant
// (an SLA tick) can keep Clock(created) per item and subtract. Instants before
// MinYear or from MaxYear+1 on are clamped.
func (c *Calendar) Clock(t time.Time) time.Duration {
	n, i, s, elapsed := c.locate(t)
	return time.Duration(c.dayClock(n, i) + s.before(elapsed))
}

// BusinessDuration returns the business time between from and to: how long the
// calendar was open in [from, to). It is zero when to is not after from.
func (c *Calendar) BusinessDuration(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	return max(0, c.Clock(to)-c.Clock(from))
}

// IsOpen reports whether the calendar is open at t: whether t's wall-clock time in the
// calendar's zone falls in one of the spans of t's wall-clock date. Spans include
// their start and exclude their end: at 18:00 a 09:00–18:00 day is closed. On a day
// when the clocks change, an hour the clocks repeat is open twice if a span covers
// it, and an hour they skip is not there to be open.
func (c *Calendar) IsOpen(t time.Time) bool {
	_, _, s, elapsed := c.locate(t)
	for _, sp := range s.spans {
		if elapsed < sp.a {
			return false
		}
		if elapsed < sp.b {
			return true
		}
	}
	return false
}

// NextOpen returns t when the calendar is open at t, and otherwise the instant it
// next opens; the last instant of MaxYear if it does not open before.
func (c *Calendar) NextOpen(t time.Time) time.Time {
	n, i, s, elapsed := c.locate(t)
	for _, sp := range s.spans {
		if elapsed < sp.a {
			return c.instant(n, i, sp.a)
		}
		if elapsed < sp.b {
			return t
		}
	}
	for {
		n++
		if n > maxDay {
			return lastInstant
		}
		for i < len(c.exc) && c.exc[i].day < n {
			i++
		}
		if s, _, _ := c.day(n, i); len(s.spans) > 0 {
			return c.instant(n, i, s.spans[0].a)
		}
	}
}

var maxDay = Date{MaxYear + 1, time.January, 1}.days()

// instant returns the instant elapsed ns after day n starts; i = c.find(n).
func (c *Calendar) instant(n int64, i int, elapsed int64) time.Time {
	var t time.Time
	if _, start, shifted := c.day(n, i); shifted {
		t = time.Unix(0, start+elapsed).In(c.loc)
	} else {
		y, m, d := civil(n)
		t = time.Date(y, m, d, 0, 0, 0, 0, c.loc).Add(time.Duration(elapsed))
	}
	if t.After(lastInstant) {
		return lastInstant.In(c.loc)
	}
	return t
}

// Add returns the instant at which d of business time has elapsed since from: the
// earliest instant t ≥ from with BusinessDuration(from, t) = d. Add(from, 0) is from.
// A comment posted at 17:00 on a Friday with 09:00–18:00 weekdays, plus 2 business
// hours, is due at 10:00 on Monday.
func (c *Calendar) Add(from time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return from
	}
	from = clamp(from)
	n, i, s, elapsed := c.locate(from)
	base := c.dayClock(n, i) + s.before(elapsed)
	if base > 0 && int64(d) > math.MaxInt64-base {
		return lastInstant
	}
	target := base + int64(d)
	// Find the day x with clock(x) < target ≤ clock(x+1), galloping from n.
	clockAt := func(x int64) int64 { return c.dayClock(x, c.find(x)) }
	lo := n // clockAt(lo) < target
	hi := n + 1
	for step := int64(1); clockAt(hi) < target; step *= 2 {
		if hi > maxDay {
			return lastInstant
		}
		lo = hi
		hi = lo + step
	}
	for hi-lo > 1 { // clockAt(lo) < target ≤ clockAt(hi)
		m := lo + (hi-lo)/2
		if clockAt(m) < target {
			lo = m
		} else {
			hi = m
		}
	}
	x := lo
	xi := c.find(x)
	rest := target - c.dayClock(x, xi)
	xs, _, _ := c.day(x, xi)
	for _, sp := range xs.spans {
		if rest <= sp.b-sp.a {
			t := c.instant(x, xi, sp.a+rest)
			if t.Before(from) {
				return from
			}
			return t
		}
		rest -= sp.b - sp.a
	}
	// Unreachable: clock(x+1) ≥ target means the day holds rest.
	return c.instant(x, xi, xs.spans[len(xs.spans)-1].b)
}

// Closure describes why the date of t does not keep its weekly hours: a holiday's
// name, a vacation's name, "día inhábil" for a closed day, a reduced window's name.
// It is empty on a regular day, and on a holiday or vacation day the weekly hours
// close anyway (a Sunday).
func (c *Calendar) Closure(t time.Time) string {
	n := c.dayOf(clamp(t))
	if i := c.find(n); i < len(c.exc) && c.exc[i].day == n {
		return c.exc[i].reason
	}
	return ""
}
