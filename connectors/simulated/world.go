package simulated

import (
	"container/list"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// World is one simulated social network: every account's content, the clock
// that maps wall time to simulated time, and the fault injector. It is safe for
// concurrent use, and several Connectors (one per impersonated network name) may
// share it.
type World struct {
	cfg   Config
	start int64 // Unix second a nil cursor starts after

	mu         sync.Mutex
	days       map[dayKey]*list.Element
	lru        *list.List // of *dayEntry, most recent first
	pools      map[string]*pool
	cacheBytes int64 // sum of the cached days' sizes
	generated  int64 // days generated since the world was made
	// the cache's bounds: maxCachedDays and maxCacheBytes (tests lower them)
	maxDays  int
	maxBytes int64

	fmu    sync.Mutex
	faults Faults
	frng   *rng
}

type dayKey struct {
	id, handle string
	day        int64
}

type dayEntry struct {
	key dayKey
	dd  *dayData
}

// The day cache keeps at most maxCachedDays days (about 40 days for each of
// 50 accounts) and, since a day of hostile long bodies can be large, at most
// maxCacheBytes of them (a day of the default world is about 60 KiB). A
// backfill only needs the days of the accounts being polled at once, each from
// its cursor's day − maxSpill to the end of its page; an evicted day is
// generated again, identically, if it is needed again.
const (
	maxCachedDays = 2048
	maxCacheBytes = 96 << 20
)

// Stats is what the world holds and has done, for benchmarks.
type Stats struct {
	// DaysGenerated counts account-days generated since the world was made,
	// including days generated again after their eviction from the cache.
	DaysGenerated int64
	// DaysCached and CacheBytes are the days in the cache and their approximate
	// size in bytes.
	DaysCached int
	CacheBytes int64
	// Accounts is how many accounts' user populations the world holds.
	Accounts int
}

// Stats returns the world's current figures.
func (w *World) Stats() Stats {
	w.mu.Lock()
	defer w.mu.Unlock()
	return Stats{DaysGenerated: w.generated, DaysCached: w.lru.Len(), CacheBytes: w.cacheBytes, Accounts: len(w.pools)}
}

// NewWorld builds a world from cfg; now is the wall-clock instant used as the
// default Anchor.
func NewWorld(cfg Config, now time.Time) (*World, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults(now)
	w := &World{
		cfg:      cfg,
		start:    cfg.Epoch.Add(-cfg.Backfill).Unix(),
		days:     map[dayKey]*list.Element{},
		lru:      list.New(),
		pools:    map[string]*pool{},
		maxDays:  maxCachedDays,
		maxBytes: maxCacheBytes,
	}
	w.SetFaults(cfg.Faults)
	return w, nil
}

// Config returns the world's configuration with its defaults applied.
func (w *World) Config() Config { return w.cfg }

// SimNow maps a wall-clock instant to simulated time:
// Epoch + (wall − Anchor) × Speed.
func (w *World) SimNow(wall time.Time) time.Time {
	d := wall.Sub(w.cfg.Anchor)
	if w.cfg.Speed == 1 {
		return w.cfg.Epoch.Add(d)
	}
	f := float64(d) * w.cfg.Speed
	if f > math.MaxInt64 {
		f = math.MaxInt64
	} else if f < math.MinInt64 {
		f = math.MinInt64
	}
	return w.cfg.Epoch.Add(time.Duration(f))
}

// Start is the simulated instant after which a nil cursor starts delivering:
// Epoch − Backfill, truncated to the second. Events at or before it are never
// delivered, nor are edits and deletions of items created at or before it.
func (w *World) Start() time.Time { return time.Unix(w.start, 0).UTC() }

// startPos is the position of a nil cursor: after every event at Start.
func (w *World) startPos() pos { return pos{w.start, math.MaxInt64, math.MaxInt64} }

// clamp moves a position before the start of the world to the start.
func (w *World) clamp(p pos) pos {
	if s := w.startPos(); p.compare(s) < 0 {
		return s
	}
	return p
}

// SetFaults replaces the fault probabilities and restarts their sequence from
// f.Seed. It panics on invalid probabilities, which are a programming error.
func (w *World) SetFaults(f Faults) {
	if err := f.Validate(); err != nil {
		panic(err)
	}
	w.fmu.Lock()
	defer w.fmu.Unlock()
	w.faults = f
	w.frng = newRNG(f.Seed, "faults")
}

func (w *World) pool(acctID string) *pool {
	w.mu.Lock()
	defer w.mu.Unlock()
	p, ok := w.pools[acctID]
	if !ok {
		p = newPool(w.cfg.Seed, acctID)
		w.pools[acctID] = p
	}
	return p
}

// day returns the generated day d of an account, from the cache when it can.
func (w *World) day(acct connectors.Account, d int64) *dayData {
	k := dayKey{acct.ID, handleOf(acct), d}
	w.mu.Lock()
	if e, ok := w.days[k]; ok {
		w.lru.MoveToFront(e)
		w.mu.Unlock()
		return e.Value.(*dayEntry).dd
	}
	w.mu.Unlock()
	dd := genDay(w.cfg.Seed, k.id, k.handle, d, w.pool(k.id), w.cfg.Hostile)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.generated++
	if e, ok := w.days[k]; ok { // generated concurrently; both are identical
		return e.Value.(*dayEntry).dd
	}
	w.days[k] = w.lru.PushFront(&dayEntry{key: k, dd: dd})
	w.cacheBytes += dd.size
	for w.lru.Len() > 1 && (w.lru.Len() > w.maxDays || w.cacheBytes > w.maxBytes) {
		e := w.lru.Back()
		w.lru.Remove(e)
		old := e.Value.(*dayEntry)
		delete(w.days, old.key)
		w.cacheBytes -= old.dd.size
	}
	return dd
}

// events returns, in stream order, up to limit events of acct after position p
// and at or before upTo, never two for the same item (a batch is cut before the
// second); more reports whether further events at or before upTo exist.
//
// Each day's events are sorted, so the stream is a merge of the days from
// day(p) − maxSpill on. Day d only holds events from its own start on, so once
// day d has joined the merge every event before the end of day d is known.
func (w *World) events(acct connectors.Account, p pos, upTo int64, limit int) (out []event, more bool) {
	p = w.clamp(p)
	last := dayOf(upTo)
	seen := make(map[*item]bool, min(limit, 64))
	out = make([]event, 0, min(limit, 64))
	type run struct {
		evs []event
		i   int
	}
	var runs []*run
	for d := dayOf(p.at) - maxSpill; d <= last; d++ {
		evs := w.day(acct, d).events
		i, _ := slices.BinarySearchFunc(evs, p, func(e event, p pos) int { return e.pos().compare(p) })
		for i < len(evs) && evs[i].pos().compare(p) <= 0 {
			i++
		}
		runs = append(runs, &run{evs: evs, i: i})
		bound := dayStart(d + 1)
		if d == last {
			bound = math.MaxInt64
		}
		for {
			var best *run
			for _, r := range runs {
				for r.i < len(r.evs) && r.evs[r.i].it.created() <= w.start {
					r.i++ // nothing of items from before the start is delivered
				}
				if r.i < len(r.evs) && r.evs[r.i].at <= upTo &&
					(best == nil || r.evs[r.i].pos().compare(best.evs[best.i].pos()) < 0) {
					best = r
				}
			}
			if best == nil || best.evs[best.i].at >= bound {
				break
			}
			e := best.evs[best.i]
			if len(out) == limit || seen[e.it] {
				return out, true
			}
			seen[e.it] = true
			out = append(out, e)
			best.i++
		}
		runs = slices.DeleteFunc(runs, func(r *run) bool { return r.i == len(r.evs) || r.evs[r.i].at > upTo })
	}
	return out, false
}

type rawAuthor struct {
	ID     string `json:"id"`
	Handle string `json:"handle"`
	Name   string `json:"name"`
}

type rawItem struct {
	ID        string             `json:"id"`
	Kind      connectors.Kind    `json:"kind"`
	ParentID  string             `json:"parent_id,omitempty"`
	RootID    string             `json:"root_id,omitempty"`
	Author    rawAuthor          `json:"author"`
	Own       bool               `json:"own"`
	Text      string             `json:"text"`
	Lang      string             `json:"lang"`
	CreatedAt time.Time          `json:"created_at"`
	EditedAt  time.Time          `json:"edited_at,omitzero"`
	Version   int                `json:"version"`
	URL       string             `json:"url"`
	Media     []connectors.Media `json:"media,omitempty"`
}

func (w *World) authorOf(acct connectors.Account, it *item) (id, handle, name string) {
	if it.own {
		return ownAuthorID(acct), handleOf(acct), w.displayNameAt(acct, it.created())
	}
	return it.author.id, it.author.handle, it.author.name
}

// render turns version ver of an item into the network-neutral Item.
func (w *World) render(network string, acct connectors.Account, it *item, ver int) connectors.Item {
	id, handle, name := w.authorOf(acct, it)
	v := it.versions[ver]
	out := connectors.Item{
		ExternalID:   it.id,
		Kind:         it.kind,
		AuthorID:     id,
		AuthorHandle: handle,
		AuthorName:   name,
		Own:          it.own,
		Text:         v.text,
		Lang:         "es",
		CreatedAt:    time.Unix(it.created(), 0).UTC(),
		URL:          itemURL(network, handle, it.id),
		Media:        slices.Clone(it.media),
	}
	if ver > 0 {
		out.EditedAt = time.Unix(v.at, 0).UTC()
	}
	if it.parent != nil {
		out.ParentID, out.RootID = it.parent.id, it.root.id
	}
	raw := rawItem{
		ID: out.ExternalID, Kind: out.Kind, ParentID: out.ParentID, RootID: out.RootID,
		Author: rawAuthor{ID: id, Handle: handle, Name: name}, Own: out.Own,
		Text: out.Text, Lang: out.Lang, CreatedAt: out.CreatedAt, EditedAt: out.EditedAt,
		Version: ver, URL: out.URL, Media: out.Media,
	}
	out.Raw = raw.appendJSON(make([]byte, 0, rawSize(&raw)))
	return out
}

// itemURL is an item's address on the simulated network.
func itemURL(network, handle, id string) string {
	return "https://" + network + ".simulated.invalid/" + handle + "/status/" + id
}

// rawSize is a capacity for r's JSON that is enough unless its texts need escaping.
func rawSize(r *rawItem) int {
	n := 200 + len(r.ID) + len(r.ParentID) + len(r.RootID) + len(r.Author.ID) + len(r.Author.Handle) +
		len(r.Author.Name) + len(r.Text) + len(r.URL)
	for _, m := range r.Media {
		n += 40 + len(m.URL) + len(m.AltText)
	}
	return n
}
