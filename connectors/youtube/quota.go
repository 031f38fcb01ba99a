package youtube

import (
	"errors"
	"fmt"
	"sync"
	"time"

	_ "time/tzdata" // the Pacific zone on hosts without tzdata

	"github.com/ife-mx/vigia/connectors"
)

// UnitsPerCall is what every call the connector makes costs: channels.list,
// playlistItems.list, commentThreads.list and comments.list are list methods,
// 1 unit each, and every page, retry and failed request costs again.
const UnitsPerCall = 1

// pacific is the zone of YouTube's quota day.
var pacific = mustLoad("America/Los_Angeles")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("youtube: " + err.Error()) // time/tzdata is embedded: cannot happen
	}
	return loc
}

// quotaDay returns the Pacific date of t ("2026-03-02") and the instant the
// quota resets after t: the next midnight in America/Los_Angeles.
func quotaDay(t time.Time) (day string, reset time.Time) {
	p := t.In(pacific)
	y, m, d := p.Date()
	return p.Format(time.DateOnly), time.Date(y, m, d+1, 0, 0, 0, 0, pacific).UTC()
}

// ledger counts the units one Google Cloud project spent in the current
// Pacific day. It is safe for concurrent use: the accounts sharing a project
// share one ledger.
type ledger struct {
	allowance int

	mu   sync.Mutex
	day  string
	used int
	// blocked is until when YouTube said the project's quota is exhausted.
	blocked time.Time
}

// errQuota is the cause of a refusal to call.
var errQuota = errors.New("daily quota units exhausted")

// roll starts a new day when now is past the ledger's.
func (l *ledger) roll(now time.Time) (reset time.Time) {
	day, reset := quotaDay(now)
	if day != l.day {
		l.day, l.used = day, 0
	}
	return reset
}

// reserve refuses with a *connectors.RateLimitError when a call costing n
// units would exceed the allowance, or YouTube said the quota is exhausted.
func (l *ledger) reserve(now time.Time, n int) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.check(now, n)
}

// check is reserve with the lock held.
func (l *ledger) check(now time.Time, n int) error {
	reset := l.roll(now)
	if l.blocked.After(now) {
		return &connectors.RateLimitError{Reset: l.blocked, Err: fmt.Errorf("%w: YouTube reported quotaExceeded", errQuota)}
	}
	if l.used+n > l.allowance {
		return &connectors.RateLimitError{Reset: reset, Err: fmt.Errorf("%w: %d of %d units spent today (Pacific time)", errQuota, l.used, l.allowance)}
	}
	return nil
}

// take reserves n units for requests about to be made, atomically with the
// check of reserve, so concurrent polls of one project cannot both take the
// last unit.
func (l *ledger) take(now time.Time, n int) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.check(now, n); err != nil {
		return err
	}
	l.used += n
	return nil
}

// refund gives back n units taken on day for requests that were not made.
func (l *ledger) refund(day string, n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if day == l.day {
		l.used = max(0, l.used-n)
	}
}

// exhausted records that YouTube refused for exceeded quota: no call until
// the next Pacific midnight.
func (l *ledger) exhausted(now time.Time) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	reset := l.roll(now)
	l.blocked = reset
	l.used = max(l.used, l.allowance)
	return reset
}

// restore raises the day's count to what a cursor recorded, so a restart
// does not forget the units already spent.
func (l *ledger) restore(now time.Time, day string, used int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.roll(now)
	if day == l.day && used > l.used {
		l.used = min(used, l.allowance)
	}
}

// state returns the day, the units spent and left, and the reset.
func (l *ledger) state(now time.Time) (day string, used, left int, reset time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	reset = l.roll(now)
	if l.blocked.After(now) {
		return l.day, l.used, 0, l.blocked
	}
	return l.day, l.used, max(0, l.allowance-l.used), reset
}
