package agent

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/metrics"
)

// account is the scheduler's view of one configured account.
type account struct {
	cfg  AccountConfig
	acct connectors.Account
	conn connectors.Connector

	next    time.Time // when the next poll is due
	errors  int       // consecutive failed polls
	running bool      // a poll is in flight
	stopped string    // non-empty: not polled, and why ("auth", "suspended", "cancelled")
	skipped bool      // a skip was already counted for the current due time
}

// scheduler polls each active account on its interval, at most one poll per account
// at a time and at most Scheduler.ConcurrencyPerNetwork per network.
type scheduler struct {
	a *Agent

	// guarded by a.mu
	accounts map[string]*account
	order    []string
	sems     map[string]chan struct{}
	maxBack  time.Duration
	wake     chan struct{}

	wg sync.WaitGroup
}

func newScheduler(a *Agent) *scheduler {
	return &scheduler{a: a, accounts: map[string]*account{}, sems: map[string]chan struct{}{}, wake: make(chan struct{}, 1)}
}

// setAccounts installs a configuration's accounts, keeping the state (next poll,
// errors, in-flight poll) of accounts that stay. Called with a.mu held.
func (s *scheduler) setAccounts(cfg *Config, conns map[string]connectors.Connector, states map[string]archive.PollState) {
	now := s.a.now()
	old := s.accounts
	s.accounts = make(map[string]*account, len(old))
	s.order = s.order[:0]
	s.maxBack = cfg.Scheduler.MaxBackoff
	per := max(cfg.Scheduler.ConcurrencyPerNetwork, 1)
	var labels []metrics.Account
	for _, ac := range cfg.AccountConfigs() {
		acc := &account{cfg: ac, acct: ac.Account(), conn: conns[ac.Network]}
		if prev, ok := old[ac.ID]; ok && prev.cfg.Network == ac.Network {
			acc.next, acc.errors, acc.running, acc.skipped = prev.next, prev.errors, prev.running, prev.skipped
			if prev.stopped == connectors.ReasonAuth && credentialsEqual(prev.cfg, ac) {
				acc.stopped = prev.stopped // the same rejected credentials: stay stopped
			}
		} else if st, ok := states[ac.ID]; ok {
			acc.errors = st.ConsecutiveErrors
			acc.next = st.NextPollAt
		}
		if acc.next.IsZero() || acc.next.After(now.Add(ac.PollInterval+s.maxBack)) {
			// first start, or a stored plan from a clock far ahead: spread the first
			// polls over a fraction of the interval, a few seconds at most
			spread := min(ac.Jitter*float64(ac.PollInterval), float64(maxFirstSpread))
			acc.next = now.Add(time.Duration(rand.Float64() * spread))
		}
		switch ac.Status {
		case StatusSuspended, StatusCancelled:
			acc.stopped = string(ac.Status)
		}
		s.accounts[ac.ID] = acc
		s.order = append(s.order, ac.ID)
		if _, ok := s.sems[ac.Network]; !ok || cap(s.sems[ac.Network]) != per {
			s.sems[ac.Network] = make(chan struct{}, per)
		}
		labels = append(labels, metrics.Account{Network: ac.Network, ID: ac.ID})
	}
	for id, prev := range old {
		if _, ok := s.accounts[id]; !ok {
			s.a.metrics.ForgetAccount(metrics.Account{Network: prev.cfg.Network, ID: id})
		}
	}
	s.a.metrics.InitAccounts(labels)
	s.a.metrics.AccountsConfigured.Reset()
	for _, id := range s.order {
		acc := s.accounts[id]
		s.a.metrics.AccountsConfigured.WithLabelValues(acc.cfg.Network, string(acc.cfg.Status)).Inc()
		s.a.metrics.SetAccountInfo(acc.cfg.Network, id, acc.cfg.Organ)
		polling := 0.0
		if acc.stopped == "" {
			polling = 1
		}
		s.a.metrics.AccountPolling.WithLabelValues(acc.cfg.Network, id).Set(polling)
		s.a.metrics.ConsecutiveErrors.WithLabelValues(acc.cfg.Network, id).Set(float64(acc.errors))
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func credentialsEqual(a, b AccountConfig) bool {
	if len(a.Secrets) != len(b.Secrets) {
		return false
	}
	for k, v := range a.Secrets {
		if b.Secrets[k].Reveal() != v.Reveal() {
			return false
		}
	}
	return true
}

// run dispatches due polls until ctx is done, then waits for in-flight ones.
func (s *scheduler) run(ctx context.Context) {
	defer s.wg.Wait()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-s.wake:
		}
		wait := s.dispatch(ctx)
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(wait)
	}
}

// dispatch starts every due poll it can and returns how long to sleep.
func (s *scheduler) dispatch(ctx context.Context) time.Duration {
	const maxWait = time.Second
	s.a.mu.Lock()
	defer s.a.mu.Unlock()
	now := s.a.now()
	wait := maxWait
	for _, id := range s.order {
		acc := s.accounts[id]
		if acc.stopped != "" {
			continue
		}
		if acc.next.After(now) {
			wait = min(wait, acc.next.Sub(now))
			continue
		}
		if acc.running {
			if !acc.skipped {
				acc.skipped = true
				s.a.metrics.PollsSkipped.WithLabelValues(acc.cfg.Network, id).Inc()
			}
			continue
		}
		sem := s.sems[acc.cfg.Network]
		select {
		case sem <- struct{}{}:
		default:
			continue // the network is busy; the account stays due
		}
		acc.running, acc.skipped = true, false
		s.wg.Add(1)
		go func(acc *account) {
			defer s.wg.Done()
			defer func() { <-sem }()
			s.pollAccount(ctx, acc)
		}(acc)
	}
	return max(wait, 10*time.Millisecond)
}

// pollAccount runs one poll cycle of acc (several batches while the connector says
// More) and plans the next one.
func (s *scheduler) pollAccount(ctx context.Context, acc *account) {
	s.a.mu.Lock()
	cfg, conn, acct := acc.cfg, acc.conn, acc.acct
	s.a.mu.Unlock()

	var err error
	var more bool
	var hold time.Time // the reset a batch that spent the allowance planned
	planned := func(err error) time.Time {
		t := s.plan(acc, err)
		if rl := (*connectors.RateLimitError)(nil); errors.As(err, &rl) {
			hold = t
		}
		return t
	}
	more, err = s.a.pollPages(ctx, cfg, conn, acct, planned, maxPagesPerCycle+1, nil)

	consecutive := 0
	defer func() { s.a.alerts.poll(cfg, err, consecutive) }() // after the unlock below
	s.a.mu.Lock()
	defer s.a.mu.Unlock()
	if cur, ok := s.accounts[cfg.ID]; ok && cur != acc && cur.cfg.Network == cfg.Network {
		// A reload replaced the account's entry while this poll ran, copying its
		// running mark: the poll's end must clear it there, or the account would
		// never be polled again.
		acc = cur
	}
	acc.running = false
	acc.next = s.planLocked(acc, err)
	if more && err == nil {
		acc.next = s.a.now() // a backfill goes on in the next cycle, right away
	}
	if err == nil && hold.After(acc.next) {
		acc.next = hold
	}
	if err == nil {
		acc.errors = 0
	} else if !errors.Is(err, context.Canceled) {
		acc.errors++
		if connectors.Reason(err) == connectors.ReasonAuth {
			acc.stopped = connectors.ReasonAuth
			s.a.metrics.AccountPolling.WithLabelValues(cfg.Network, cfg.ID).Set(0)
			s.a.log.Error("credentials rejected: polling of the account stops until the configuration changes",
				slog.String("network", cfg.Network), slog.String("account", cfg.ID))
		}
	}
	s.a.metrics.ConsecutiveErrors.WithLabelValues(cfg.Network, cfg.ID).Set(float64(acc.errors))
	consecutive = acc.errors
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// maxFirstSpread bounds the random delay of an account's first poll.
const maxFirstSpread = 3 * time.Second

// maxPagesPerCycle bounds how many batches one cycle takes before yielding to the
// schedule (a long backfill continues in the next cycle, right away).
const maxPagesPerCycle = 50

// plan is planLocked for the poll pipeline, which stores the plan with the poll's
// outcome so that a restart keeps it.
func (s *scheduler) plan(acc *account, err error) time.Time {
	s.a.mu.Lock()
	defer s.a.mu.Unlock()
	return s.planLocked(acc, err)
}

// planLocked computes when acc polls next after a poll ending in err: the interval
// with jitter after success; capped exponential backoff (counting this failure)
// after failures; the network's reset time after a rate limit.
func (s *scheduler) planLocked(acc *account, err error) time.Time {
	now := s.a.now()
	iv := acc.cfg.PollInterval
	jit := 1 + acc.cfg.Jitter*(2*rand.Float64()-1)
	if err == nil || errors.Is(err, context.Canceled) {
		return now.Add(time.Duration(float64(iv) * jit))
	}
	var rl *connectors.RateLimitError
	if errors.As(err, &rl) && rl.Reset.After(now) {
		return rl.Reset.Add(time.Duration(rand.Float64() * float64(time.Second)))
	}
	back := iv
	for i := 0; i < acc.errors && i < 30 && (s.maxBack <= 0 || back < s.maxBack); i++ {
		back *= 2
	}
	if s.maxBack > 0 {
		back = min(back, s.maxBack)
	}
	return now.Add(time.Duration(float64(back) * jit))
}
