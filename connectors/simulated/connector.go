package simulated

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Network is the name of the simulated network in configurations.
const Network = "simulated"

// The simulated API allowance: budgetCalls calls per budgetWindow of wall time,
// per account. It is reported, never enforced (use Faults.RateLimited for that).
const (
	budgetCalls  = 900
	budgetWindow = 15 * time.Minute
)

// Per-account options understood by the simulated network.
const (
	// OptionError makes every Poll and Probe of the account fail: "auth" with
	// connectors.ErrAuth, "not_found" with connectors.ErrNotFound.
	OptionError = "simulated_error"
)

// Connector serves one network name from a World.
type Connector struct {
	world   *World
	network string
	now     func() time.Time

	mu      sync.Mutex
	budgets map[string]*budget
}

type budget struct {
	window time.Time
	calls  int
}

var (
	_ connectors.Connector = (*Connector)(nil)
	_ connectors.Prober    = (*Connector)(nil)
)

// Connector returns a connector that presents the world under a network name
// ("x", "facebook", …); an empty name means Network. A nil deps.Now means
// time.Now.
func (w *World) Connector(network string, deps connectors.Deps) *Connector {
	if network == "" {
		network = Network
	}
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	return &Connector{world: w, network: network, now: now, budgets: map[string]*budget{}}
}

// New builds a world from cfg, anchored at deps.Now(), and its connector for
// the network name Network.
func New(cfg Config, deps connectors.Deps) (*Connector, error) {
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	w, err := NewWorld(cfg, now())
	if err != nil {
		return nil, err
	}
	return w.Connector(Network, deps), nil
}

// NewFactory returns the factory for `network: simulated` in a configuration:
// it decodes Config over DefaultConfig and calls New.
func NewFactory() connectors.Factory {
	return func(decode func(v any) error, deps connectors.Deps) (connectors.Connector, error) {
		cfg := DefaultConfig()
		if err := decode(&cfg); err != nil {
			return nil, fmt.Errorf("simulated: config: %w", err)
		}
		return New(cfg, deps)
	}
}

// Factory returns a factory that serves world under a network name, for the
// demo, where one world impersonates every network. The network's section of
// the configuration is not read: the world is already configured.
func Factory(world *World, network string) connectors.Factory {
	return func(_ func(v any) error, deps connectors.Deps) (connectors.Connector, error) {
		return world.Connector(network, deps), nil
	}
}

// World returns the world the connector serves.
func (c *Connector) World() *World { return c.world }

// Network returns the name the connector was given.
func (c *Connector) Network() string { return c.network }

// Probe checks the account as a real connector would check its credentials.
func (c *Connector) Probe(ctx context.Context, acct connectors.Account) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("simulated: probe: %w", err)
	}
	return accountError("probe", acct)
}

func accountError(op string, acct connectors.Account) error {
	if acct.ID == "" {
		return fmt.Errorf("simulated: %s: empty account id: %w", op, connectors.ErrNotFound)
	}
	switch acct.Options[OptionError] {
	case "auth":
		return fmt.Errorf("simulated: %s: %s: %w", op, acct.ID, connectors.ErrAuth)
	case "not_found":
		return fmt.Errorf("simulated: %s: %s: %w", op, acct.ID, connectors.ErrNotFound)
	}
	return nil
}

// Poll returns the account's events after cur and up to the simulated now: items
// (created, or re-delivered with EditedAt when edited) and deletions, in time
// order, at most PageSize of them, with the profile and the simulated budget.
// A batch never holds two events of one item; the rest follows with More set.
func (c *Connector) Poll(ctx context.Context, acct connectors.Account, cur connectors.Cursor) (connectors.Batch, error) {
	if err := ctx.Err(); err != nil {
		return connectors.Batch{}, fmt.Errorf("simulated: list items: %w", err)
	}
	if err := accountError("list items", acct); err != nil {
		return connectors.Batch{}, err
	}
	p, err := decodeCursor(cur)
	if err != nil {
		return connectors.Batch{}, err
	}
	wall := c.now()
	bud := c.spend(acct.ID, wall)
	if err := c.world.fault(ctx, wall); err != nil {
		return connectors.Batch{}, err
	}
	w := c.world
	p = w.clamp(p)
	simNow := w.SimNow(wall)
	evs, more := w.events(acct, p, simNow.Unix(), w.cfg.PageSize)

	b := connectors.Batch{More: more, Budget: bud, Items: make([]connectors.Item, 0, len(evs))}
	for _, e := range evs {
		if e.typ == evDelete {
			b.Deletions = append(b.Deletions, connectors.Deletion{ExternalID: e.it.id, ObservedAt: time.Unix(e.at, 0).UTC()})
			continue
		}
		b.Items = append(b.Items, w.render(c.network, acct, e.it, e.ver))
	}
	if len(b.Items) == 0 {
		b.Items = nil // as an unallocated batch: nothing new
	}
	b.Budget.Items = len(b.Items)
	prof := w.Profile(acct, simNow)
	b.Profile = &prof
	if err := w.takeover(c.network, acct, simNow, &b); err != nil {
		return connectors.Batch{}, err
	}
	if len(evs) > 0 {
		p = evs[len(evs)-1].pos()
	}
	b.Cursor = encodeCursor(p)
	return b, nil
}

// spend counts one call against the account's window and reports the budget.
func (c *Connector) spend(acctID string, wall time.Time) connectors.Budget {
	c.mu.Lock()
	defer c.mu.Unlock()
	win := wall.Truncate(budgetWindow)
	b, ok := c.budgets[acctID]
	if !ok || !b.window.Equal(win) {
		b = &budget{window: win}
		c.budgets[acctID] = b
	}
	b.calls++
	return connectors.Budget{Calls: 1, Remaining: max(0, budgetCalls-b.calls), Reset: win.Add(budgetWindow)}
}

// fault draws the next fault decision and, when one falls, returns the error a
// real connector would.
func (w *World) fault(ctx context.Context, wall time.Time) error {
	w.fmu.Lock()
	f := w.faults
	u := w.frng.float()
	w.fmu.Unlock()
	switch {
	case u < f.RateLimited:
		return &connectors.RateLimitError{
			Reset: wall.Add(f.RetryAfter),
			Err:   errors.New("simulated: list items: 429 too many requests"),
		}
	case u < f.RateLimited+f.ServerError:
		return errors.New("simulated: list items: server error 503")
	case u < f.RateLimited+f.ServerError+f.Timeout:
		if f.TimeoutAfter > 0 {
			t := time.NewTimer(f.TimeoutAfter)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return fmt.Errorf("simulated: list items: %w", ctx.Err())
			case <-t.C:
			}
		}
		return fmt.Errorf("simulated: list items: request timed out: %w", context.DeadlineExceeded)
	case u < f.RateLimited+f.ServerError+f.Timeout+f.Malformed:
		return connectors.Malformed(Network, "items", errors.New("unexpected end of JSON input"))
	}
	return nil
}

// cursorVersion is the version of the cursor encoding.
const cursorVersion = 1

// cursorJSON is the cursor: the position (time, day, sequence) of the last
// event delivered. {"v":1,"at":…,"day":…,"seq":…}.
type cursorJSON struct {
	V   int   `json:"v"`
	At  int64 `json:"at"`
	Day int64 `json:"day"`
	Seq int64 `json:"seq"`
}

// Bounds on cursor times: years 1 to 9999.
const (
	minCursorAt = -62135596800
	maxCursorAt = 253402300799
)

func encodeCursor(p pos) connectors.Cursor {
	b, _ := json.Marshal(cursorJSON{V: cursorVersion, At: p.at, Day: p.day, Seq: p.seq})
	return b
}

// decodeCursor parses a cursor; nil or empty is the start of the world.
func decodeCursor(b connectors.Cursor) (pos, error) {
	if len(b) == 0 {
		return pos{math.MinInt64, math.MinInt64, math.MinInt64}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var c cursorJSON
	if err := dec.Decode(&c); err != nil {
		return pos{}, connectors.Malformed(Network, "cursor", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return pos{}, connectors.Malformed(Network, "cursor", errors.New("trailing data"))
	}
	switch {
	case c.V != cursorVersion:
		return pos{}, connectors.Malformed(Network, "cursor", fmt.Errorf("unknown version %d", c.V))
	case c.At < minCursorAt || c.At > maxCursorAt:
		return pos{}, connectors.Malformed(Network, "cursor", fmt.Errorf("time %d out of range", c.At))
	case c.Seq < 0:
		return pos{}, connectors.Malformed(Network, "cursor", fmt.Errorf("negative sequence %d", c.Seq))
	}
	return pos{c.At, c.Day, c.Seq}, nil
}
