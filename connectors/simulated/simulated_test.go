package simulated

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ife-mx/vigia/connectors"
)

// epoch is two weeks before the 2012 federal election.
var epoch = time.Date(2012, 6, 15, 12, 0, 0, 0, time.UTC)

// clock is an injected wall clock.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock {
	c := &clock{}
	c.set(t)
	return c
}

func (c *clock) now() time.Time        { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) set(t time.Time)       { c.ns.Store(t.UnixNano()) }
func (c *clock) add(d time.Duration)   { c.ns.Add(int64(d)) }
func (c *clock) deps() connectors.Deps { return connectors.Deps{Now: c.now} }

func account(id string) connectors.Account {
	return connectors.Account{ID: id, Network: "x", Handle: strings.ToUpper(id)}
}

// newWorld builds a world anchored at epoch (simulated now = wall now).
func newWorld(t testing.TB, cfg Config) *World {
	t.Helper()
	if cfg.Epoch.IsZero() {
		cfg.Epoch = epoch
	}
	if cfg.Anchor.IsZero() {
		cfg.Anchor = epoch
	}
	w, err := NewWorld(cfg, epoch.Add(time.Hour)) // now must not matter
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// drain polls until More is false, returning every batch and the last cursor.
// Errors (injected faults) are retried; each failed poll must return a zero Batch.
func drain(t testing.TB, c *Connector, acct connectors.Account, cur connectors.Cursor) ([]connectors.Batch, connectors.Cursor) {
	t.Helper()
	var out []connectors.Batch
	for i := 0; ; i++ {
		if i > 100000 {
			t.Fatal("drain: no end")
		}
		b, err := c.Poll(context.Background(), acct, cur)
		if err != nil {
			if !reflect.DeepEqual(b, connectors.Batch{}) {
				t.Fatalf("poll failed with %v but returned a batch: %+v", err, b)
			}
			continue
		}
		out = append(out, b)
		if b.Cursor != nil {
			cur = b.Cursor
		}
		if !b.More {
			return out, cur
		}
	}
}

// delivery is one event of the stream as the agent sees it.
type delivery struct {
	del  bool
	id   string
	at   time.Time
	item connectors.Item
}

// stream flattens batches: each batch's items, then its deletions (a batch
// never holds two events of one item, so this loses no order that matters).
func stream(bs []connectors.Batch) []delivery {
	var out []delivery
	for _, b := range bs {
		for _, it := range b.Items {
			at := it.CreatedAt
			if !it.EditedAt.IsZero() {
				at = it.EditedAt
			}
			out = append(out, delivery{id: it.ExternalID, at: at, item: it})
		}
		for _, d := range b.Deletions {
			out = append(out, delivery{del: true, id: d.ExternalID, at: d.ObservedAt})
		}
	}
	return out
}

// history groups a stream per item: its delivered versions and deletion.
type history struct {
	versions []connectors.Item
	deleted  []time.Time
}

func histories(ds []delivery) map[string]*history {
	m := map[string]*history{}
	for _, d := range ds {
		h := m[d.id]
		if h == nil {
			h = &history{}
			m[d.id] = h
		}
		if d.del {
			h.deleted = append(h.deleted, d.at)
		} else {
			h.versions = append(h.versions, d.item)
		}
	}
	return m
}

// checkAgainstTruth asserts that a stream is exactly the truth: every item once
// per version, in order, in its final version last, deletions reported once.
func checkAgainstTruth(t *testing.T, ds []delivery, truth Truth) {
	t.Helper()
	hs := histories(ds)
	if len(hs) != len(truth.Items) {
		t.Errorf("stream has %d distinct ids, truth %d items", len(hs), len(truth.Items))
	}
	for _, ti := range truth.Items {
		h := hs[ti.ExternalID]
		if h == nil {
			t.Errorf("%s: in truth, never delivered", ti.ExternalID)
			continue
		}
		if len(h.versions) != len(ti.Versions) {
			t.Errorf("%s: delivered %d versions, truth has %d", ti.ExternalID, len(h.versions), len(ti.Versions))
			continue
		}
		for i, v := range ti.Versions {
			got := h.versions[i]
			wantEdited := time.Time{}
			if i > 0 {
				wantEdited = v.At
			}
			if got.Text != v.Text || !got.EditedAt.Equal(wantEdited) || !got.CreatedAt.Equal(ti.Versions[0].At) {
				t.Errorf("%s v%d: got (%q, edited %v), want (%q, edited %v)", ti.ExternalID, i, got.Text, got.EditedAt, v.Text, wantEdited)
			}
			if got.Kind != ti.Kind || got.ParentID != ti.ParentID || got.RootID != ti.RootID || got.Own != ti.Own || got.AuthorID != ti.AuthorID {
				t.Errorf("%s: metadata differs from truth", ti.ExternalID)
			}
		}
		switch {
		case ti.DeletedAt.IsZero() && len(h.deleted) > 0:
			t.Errorf("%s: deletion delivered, not deleted in truth", ti.ExternalID)
		case !ti.DeletedAt.IsZero() && (len(h.deleted) != 1 || !h.deleted[0].Equal(ti.DeletedAt)):
			t.Errorf("%s: deleted at %v in truth, delivered %v", ti.ExternalID, ti.DeletedAt, h.deleted)
		}
	}
}

// checkBatch asserts the per-batch invariants of the contract.
func checkBatch(t *testing.T, b connectors.Batch, pageSize int, upTo time.Time) {
	t.Helper()
	if n := len(b.Items) + len(b.Deletions); n > pageSize {
		t.Errorf("batch of %d events, page size %d", n, pageSize)
	}
	seen := map[string]bool{}
	var last time.Time
	for _, it := range b.Items {
		if seen[it.ExternalID] {
			t.Errorf("%s twice in one batch", it.ExternalID)
		}
		seen[it.ExternalID] = true
		at := it.CreatedAt
		if !it.EditedAt.IsZero() {
			at = it.EditedAt
		}
		if at.Before(last) || at.After(upTo) {
			t.Errorf("%s at %v: out of order or after now %v", it.ExternalID, at, upTo)
		}
		last = at
		if !it.Kind.Valid() || it.Lang != "es" || it.URL == "" || it.AuthorID == "" || it.AuthorHandle == "" {
			t.Errorf("%s: incomplete item %+v", it.ExternalID, it)
		}
		if (it.Kind == connectors.KindPost || it.Kind == connectors.KindMention) != (it.ParentID == "") || (it.ParentID == "") != (it.RootID == "") {
			t.Errorf("%s: kind %s with parent %q root %q", it.ExternalID, it.Kind, it.ParentID, it.RootID)
		}
		var raw rawItem
		if err := json.Unmarshal(it.Raw, &raw); err != nil || raw.ID != it.ExternalID {
			t.Errorf("%s: raw payload %q: %v", it.ExternalID, it.Raw, err)
		}
	}
	for _, d := range b.Deletions {
		if seen[d.ExternalID] {
			t.Errorf("%s twice in one batch", d.ExternalID)
		}
		seen[d.ExternalID] = true
	}
	if b.Profile == nil || b.Profile.DisplayName == "" || len(b.Profile.Raw) == 0 {
		t.Errorf("batch without profile: %+v", b.Profile)
	}
	if b.Budget.Calls != 1 || b.Budget.Items != len(b.Items) || b.Budget.Reset.IsZero() {
		t.Errorf("budget %+v", b.Budget)
	}
	if b.Cursor == nil {
		t.Error("batch without cursor")
	}
}

func TestWorld_Deterministic(t *testing.T) {
	t.Parallel()
	acct := account("ife_mx")
	run := func(cfg Config, created time.Time) []connectors.Batch {
		cfg.Epoch, cfg.Anchor, cfg.Backfill = epoch, epoch, 72*time.Hour
		w, err := NewWorld(cfg, created)
		if err != nil {
			t.Fatal(err)
		}
		bs, _ := drain(t, w.Connector("x", newClock(epoch).deps()), acct, nil)
		return bs
	}
	base := run(Config{Seed: 42, Hostile: 0.05}, epoch)
	if len(base) < 3 {
		t.Fatalf("only %d batches", len(base))
	}
	tests := []struct {
		name string
		cfg  Config
		same bool
	}{
		{"same seed, world created later (a restart)", Config{Seed: 42, Hostile: 0.05}, true},
		{"different seed", Config{Seed: 43, Hostile: 0.05}, false},
		{"different page size, same events", Config{Seed: 42, Hostile: 0.05, PageSize: 7}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := run(tt.cfg, epoch.Add(97*time.Minute))
			if tt.cfg.PageSize != 0 {
				// Same events in other batches: compare the streams.
				if eq := reflect.DeepEqual(histories(stream(got)), histories(stream(base))); eq != tt.same {
					t.Errorf("histories equal = %v, want %v", eq, tt.same)
				}
				return
			}
			if reflect.DeepEqual(got, base) != tt.same {
				t.Errorf("batches equal = %v, want %v", !tt.same, tt.same)
			}
		})
	}
}

func TestPoll_MatchesTruth(t *testing.T) {
	t.Parallel()
	w := newWorld(t, Config{Seed: 7, Hostile: 0.02, Backfill: 10 * 24 * time.Hour})
	for _, pageSize := range []int{1, 13, 100, 5000} {
		for _, id := range []string{"ife_mx", "ife_jalisco"} {
			t.Run(fmt.Sprintf("%s/page_%d", id, pageSize), func(t *testing.T) {
				t.Parallel()
				cfg := w.Config()
				cfg.PageSize = pageSize
				pw := newWorld(t, cfg)
				acct := account(id)
				c := pw.Connector("x", newClock(epoch).deps())
				bs, cur := drain(t, c, acct, nil)
				for _, b := range bs {
					checkBatch(t, b, pageSize, epoch)
				}
				checkAgainstTruth(t, stream(bs), w.Truth(acct, epoch))
				// At the end, polling again yields nothing and keeps the position.
				b, err := c.Poll(context.Background(), acct, cur)
				if err != nil || len(b.Items)+len(b.Deletions) != 0 || b.More || string(b.Cursor) != string(cur) {
					t.Errorf("poll at end: %d items, more %v, cursor %s → %s, err %v", len(b.Items), b.More, cur, b.Cursor, err)
				}
			})
		}
	}
}

func TestPoll_ResumeFromAnyCursor(t *testing.T) {
	t.Parallel()
	w := newWorld(t, Config{Seed: 11, PageSize: 17, Backfill: 5 * 24 * time.Hour})
	acct := account("ife_mx")
	c := w.Connector("x", newClock(epoch).deps())
	full, _ := drain(t, c, acct, nil)
	want := stream(full)
	for k := 0; k < len(full); k += 1 + k/4 {
		rest, _ := drain(t, c, acct, full[k].Cursor)
		got := append(stream(full[:k+1]), stream(rest)...)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("resumed after batch %d: %d deliveries, want %d", k, len(got), len(want))
		}
	}
}

func TestPoll_IncrementalClock(t *testing.T) {
	t.Parallel()
	// A daemon that polls as time passes, restarting now and then from its last
	// saved cursor, sees exactly what one poll at the end sees.
	cfg := Config{Seed: 5, PageSize: 40, Speed: 60, Backfill: 48 * time.Hour}
	w := newWorld(t, cfg)
	acct := account("ife_oaxaca")
	clk := newClock(epoch)
	var got []connectors.Batch
	var cur connectors.Cursor
	for i := range 400 {
		if i%37 == 0 { // restart: a new World and Connector from the same config
			w = newWorld(t, cfg)
		}
		c := w.Connector("x", clk.deps())
		b, err := c.Poll(context.Background(), acct, cur)
		if err != nil {
			t.Fatal(err)
		}
		checkBatch(t, b, cfg.PageSize, w.SimNow(clk.now()))
		got = append(got, b)
		cur = b.Cursor
		if !b.More {
			clk.add(time.Duration(1+i%7) * 13 * time.Second) // 13 to 91 simulated minutes
		}
	}
	end := w.SimNow(clk.now())
	if end.Sub(epoch) < 24*time.Hour {
		t.Fatalf("simulated only %v", end.Sub(epoch))
	}
	rest, _ := drain(t, w.Connector("x", clk.deps()), acct, cur)
	got = append(got, rest...)
	checkAgainstTruth(t, stream(got), w.Truth(acct, end))
}

func TestPoll_EditsRedelivered(t *testing.T) {
	t.Parallel()
	w := newWorld(t, Config{Seed: 3})
	acct := account("ife_mx")
	bs, _ := drain(t, w.Connector("x", newClock(epoch).deps()), acct, nil)
	hs := histories(stream(bs))
	edited := map[connectors.Kind]int{}
	for _, ti := range w.Truth(acct, epoch).Items {
		if len(ti.Versions) < 2 {
			continue
		}
		edited[ti.Kind]++
		vs := hs[ti.ExternalID].versions
		last := vs[len(vs)-1]
		if last.EditedAt.IsZero() || !last.EditedAt.Equal(ti.Final().At) || last.Text != ti.Final().Text || last.Text == vs[0].Text {
			t.Errorf("%s: last delivery %+v, want the edit %+v", ti.ExternalID, last, ti.Final())
		}
	}
	for _, k := range []connectors.Kind{connectors.KindPost, connectors.KindComment, connectors.KindReply, connectors.KindMention} {
		if edited[k] == 0 {
			t.Errorf("no edited %s in 30 days", k)
		}
	}
}

func TestPoll_FaultsNeverAdvanceCursor(t *testing.T) {
	t.Parallel()
	cfg := Config{Seed: 9, PageSize: 50, Backfill: 7 * 24 * time.Hour}
	acct := account("ife_mx")
	clean, _ := drain(t, newWorld(t, cfg).Connector("x", newClock(epoch).deps()), acct, nil)

	cfg.Faults = Faults{Seed: 1, RateLimited: 0.15, ServerError: 0.15, Timeout: 0.15, Malformed: 0.15, RetryAfter: time.Minute}
	w := newWorld(t, cfg)
	clk := newClock(epoch)
	c := w.Connector("x", clk.deps())
	var got []connectors.Batch
	var cur connectors.Cursor
	kinds := map[string]int{}
	for i := 0; ; i++ {
		if i > 10000 {
			t.Fatal("no end")
		}
		b, err := c.Poll(context.Background(), acct, cur)
		if err != nil {
			if !reflect.DeepEqual(b, connectors.Batch{}) {
				t.Fatalf("failed poll returned a batch: %+v", b)
			}
			var rl *connectors.RateLimitError
			switch {
			case errors.As(err, &rl):
				if !rl.Reset.Equal(clk.now().Add(time.Minute)) {
					t.Errorf("rate limit reset %v", rl.Reset)
				}
			case errors.Is(err, connectors.ErrMalformed), errors.Is(err, context.DeadlineExceeded),
				strings.Contains(err.Error(), "server error 503"):
			default:
				t.Errorf("unexpected error %v", err)
			}
			kinds[connectors.Reason(err)]++
			continue
		}
		got = append(got, b)
		cur = b.Cursor
		if !b.More {
			break
		}
	}
	for _, r := range []string{connectors.ReasonRateLimited, connectors.ReasonMalformed, connectors.ReasonTransient} {
		if kinds[r] == 0 {
			t.Errorf("no %s fault in %v", r, kinds)
		}
	}
	// The budget counts failed calls too; everything else is identical.
	for _, bs := range [][]connectors.Batch{got, clean} {
		for i := range bs {
			bs[i].Budget = connectors.Budget{}
		}
	}
	if !reflect.DeepEqual(got, clean) {
		t.Errorf("faulty run delivered %d batches, clean run %d", len(got), len(clean))
	}
}

func TestPoll_TimeoutFault(t *testing.T) {
	t.Parallel()
	w := newWorld(t, Config{Seed: 1, Faults: Faults{Timeout: 1, TimeoutAfter: time.Hour}})
	c := w.Connector("x", newClock(epoch).deps())
	ctx, cancel := context.WithCancel(context.Background())
	w.SetFaults(Faults{Timeout: 1, TimeoutAfter: time.Hour})
	done := make(chan error, 1)
	go func() {
		_, err := c.Poll(ctx, account("ife_mx"), nil)
		done <- err
	}()
	cancel() // the poll blocks until its context is done
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("timeout fault with cancelled context: %v", err)
	}
	w.SetFaults(Faults{Timeout: 1})
	if _, err := c.Poll(context.Background(), account("ife_mx"), nil); !errors.Is(err, context.DeadlineExceeded) || connectors.Reason(err) != connectors.ReasonTransient {
		t.Errorf("timeout fault: %v", err)
	}
	w.SetFaults(Faults{})
	if _, err := c.Poll(context.Background(), account("ife_mx"), nil); err != nil {
		t.Errorf("faults off: %v", err)
	}
}

func TestTruth_Realistic(t *testing.T) {
	t.Parallel()
	w := newWorld(t, Config{Seed: 2012})
	labels := map[Label]int{}
	kinds := map[connectors.Kind]int{}
	texts := map[string]int{}
	var users, answerable, answered, wrongAnswers, ownAnswers, inOffice, edited, deleted, total, changes int
	for _, id := range []string{"ife_mx", "ife_df", "ife_jalisco"} {
		tr := w.Truth(account(id), epoch)
		byID := tr.ByID()
		changes += len(tr.Profiles) - 1
		for _, it := range tr.Items {
			total++
			kinds[it.Kind]++
			texts[it.Versions[0].Text]++
			if len(it.Versions) > 1 {
				edited++
			}
			if !it.DeletedAt.IsZero() {
				deleted++
			}
			if it.Own {
				if it.Label != "" {
					t.Errorf("%s: own item labelled %q", it.ExternalID, it.Label)
				}
				if p, ok := byID[it.ParentID]; ok && !p.Own && p.AnsweredBy == it.ExternalID {
					ownAnswers++
					local := it.Versions[0].At.In(mxZone)
					if wd := local.Weekday(); wd >= time.Monday && wd <= time.Friday && local.Hour() >= 9 && local.Hour() < 18 {
						inOffice++
					}
				}
				continue
			}
			users++
			labels[it.Label]++
			if it.Kind == connectors.KindComment && it.Versions[0].At.Before(epoch.Add(-8*24*time.Hour)) {
				switch it.Label {
				case LabelSpam, LabelOffensive:
					if it.AnsweredBy != "" {
						wrongAnswers++
					}
				default:
					if it.DeletedAt.IsZero() {
						answerable++
						if it.AnsweredBy != "" {
							answered++
						}
					}
				}
			}
		}
	}
	for _, l := range Labels {
		if labels[l] == 0 {
			t.Errorf("label %s never generated", l)
		}
	}
	for _, k := range connectors.Kinds {
		if kinds[k] == 0 {
			t.Errorf("kind %s never generated", k)
		}
	}
	if share := float64(labels[LabelOffensive]) / float64(users); share < 0.04 || share > 0.06 {
		t.Errorf("offensive share %.3f of %d user items, want ≈ 0.05", share, users)
	}
	if rate := float64(answered) / float64(answerable); rate < 0.78 || rate > 0.92 {
		t.Errorf("answer rate %.3f of %d answerable comments, want ≈ 0.85", rate, answerable)
	}
	if wrongAnswers > 0 {
		t.Errorf("%d spam or offensive comments answered", wrongAnswers)
	}
	if share := float64(inOffice) / float64(ownAnswers); share < 0.9 {
		t.Errorf("only %.3f of %d answers in office hours", share, ownAnswers)
	}
	if len(texts) < 3000 {
		t.Errorf("only %d distinct texts in %d items", len(texts), total)
	}
	canned := 0
	for _, s := range cannedAnswers {
		canned = max(canned, texts[s])
	}
	if canned < 20 {
		t.Errorf("the most used canned answer appears %d times", canned)
	}
	if e, d := float64(edited)/float64(total), float64(deleted)/float64(total); e < 0.01 || e > 0.06 || d < 0.01 || d > 0.08 {
		t.Errorf("edited %.3f, deleted %.3f of %d items", e, d, total)
	}
	if changes == 0 {
		t.Error("no profile change in 30 days of 3 accounts")
	}
	t.Logf("%d items, %d user items, labels %v, kinds %v, answered %d/%d, distinct texts %d, profile changes %d",
		total, users, labels, kinds, answered, answerable, len(texts), changes)
}

func TestPoll_Hostile(t *testing.T) {
	t.Parallel()
	shapes := []struct {
		name string
		is   func(string) bool
	}{
		{"script", func(s string) bool { return strings.Contains(s, "<script>") }},
		{"invalid UTF-8", func(s string) bool { return !utf8.ValidString(s) }},
		{"NUL", func(s string) bool { return strings.Contains(s, "\x00") }},
		{"right-to-left override", func(s string) bool { return strings.Contains(s, "\u202e") }},
		{"long body", func(s string) bool { return len(s) > 8<<10 }},
	}
	cfg := Config{Seed: 4, Backfill: 10 * 24 * time.Hour}
	ids := func(tr Truth) []string {
		var out []string
		for _, it := range tr.Items {
			out = append(out, it.ExternalID)
		}
		return out
	}
	acct := account("ife_mx")
	calm := newWorld(t, cfg).Truth(acct, epoch)
	cfg.Hostile = 0.2
	hostile := newWorld(t, cfg).Truth(acct, epoch)
	if !reflect.DeepEqual(ids(calm), ids(hostile)) {
		t.Error("the hostile rate changed the world's structure, not only its texts")
	}
	for _, sh := range shapes {
		t.Run(sh.name, func(t *testing.T) {
			t.Parallel()
			var nCalm, nHostile int
			for _, it := range calm.Items {
				if sh.is(it.Final().Text) {
					nCalm++
				}
			}
			for _, it := range hostile.Items {
				if sh.is(it.Final().Text) {
					nHostile++
					if it.Own {
						t.Errorf("%s: own text made hostile", it.ExternalID)
					}
				}
				if len(it.Versions[0].Text) > maxBody {
					t.Errorf("%s: %d bytes", it.ExternalID, len(it.Versions[0].Text))
				}
			}
			if nCalm != 0 || nHostile == 0 {
				t.Errorf("%d with hostile 0, %d with hostile 0.2", nCalm, nHostile)
			}
		})
	}
}

func TestPoll_MalformedCursor(t *testing.T) {
	t.Parallel()
	c := newWorld(t, Config{Seed: 1}).Connector("x", newClock(epoch).deps())
	tests := []struct {
		name   string
		cursor string
	}{
		{"garbage", "not a cursor"},
		{"other version", `{"v":2,"at":1339761600,"day":15506,"seq":3}`},
		{"no version", `{"at":1339761600,"day":15506,"seq":3}`},
		{"null", `null`},
		{"unknown field", `{"v":1,"at":1339761600,"day":15506,"seq":3,"x":1}`},
		{"negative sequence", `{"v":1,"at":1339761600,"day":15506,"seq":-1}`},
		{"time out of range", `{"v":1,"at":99999999999999,"day":15506,"seq":1}`},
		{"trailing data", `{"v":1,"at":1339761600,"day":15506,"seq":3}{}`},
		{"truncated", `{"v":1,"at":13397`},
		{"wrong type", `{"v":"1"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := c.Poll(context.Background(), account("ife_mx"), connectors.Cursor(tt.cursor))
			if !errors.Is(err, connectors.ErrMalformed) || !reflect.DeepEqual(b, connectors.Batch{}) {
				t.Errorf("got %v, batch %+v; want ErrMalformed and no batch", err, b)
			}
		})
	}
}

func TestPoll_AccountErrors(t *testing.T) {
	t.Parallel()
	c := newWorld(t, Config{Seed: 1}).Connector("facebook", newClock(epoch).deps())
	tests := []struct {
		name string
		acct connectors.Account
		want error
	}{
		{"credentials rejected", connectors.Account{ID: "a", Options: map[string]string{OptionError: "auth"}}, connectors.ErrAuth},
		{"account gone", connectors.Account{ID: "a", Options: map[string]string{OptionError: "not_found"}}, connectors.ErrNotFound},
		{"no id", connectors.Account{}, connectors.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := c.Poll(context.Background(), tt.acct, nil); !errors.Is(err, tt.want) {
				t.Errorf("Poll: %v, want %v", err, tt.want)
			}
			if err := c.Probe(context.Background(), tt.acct); !errors.Is(err, tt.want) {
				t.Errorf("Probe: %v, want %v", err, tt.want)
			}
		})
	}
}

func TestPoll_ProfileAndBudget(t *testing.T) {
	t.Parallel()
	w := newWorld(t, Config{Seed: 1, Speed: 3600}) // an hour per second
	clk := newClock(epoch)
	c := w.Connector("x", clk.deps())
	acct := account("ife_mx")
	var cur connectors.Cursor
	var prev connectors.Budget
	for i := range 5 {
		b, err := c.Poll(context.Background(), acct, cur)
		if err != nil {
			t.Fatal(err)
		}
		cur = b.Cursor
		if want := w.Profile(acct, w.SimNow(clk.now())); !reflect.DeepEqual(*b.Profile, want) {
			t.Errorf("poll %d: profile %+v, want %+v", i, *b.Profile, want)
		}
		if i > 0 && b.Budget.Remaining != prev.Remaining-1 {
			t.Errorf("poll %d: remaining %d after %d", i, b.Budget.Remaining, prev.Remaining)
		}
		prev = b.Budget
		clk.add(time.Second)
	}
	clk.add(budgetWindow)
	b, err := c.Poll(context.Background(), acct, cur)
	if err != nil || b.Budget.Remaining != budgetCalls-1 {
		t.Errorf("after the window: %+v, %v", b.Budget, err)
	}
}

func TestWorld_SimNow(t *testing.T) {
	t.Parallel()
	anchor := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		cfg  Config
		wall time.Time
		want time.Time
	}{
		{"defaults: simulated time is wall time", Config{}, anchor.Add(time.Hour), anchor.Add(time.Hour)},
		{"epoch shifts", Config{Epoch: epoch, Anchor: anchor}, anchor.Add(time.Hour), epoch.Add(time.Hour)},
		{"speed scales", Config{Epoch: epoch, Anchor: anchor, Speed: 60}, anchor.Add(time.Minute), epoch.Add(time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w, err := NewWorld(tt.cfg, anchor)
			if err != nil {
				t.Fatal(err)
			}
			if got := w.SimNow(tt.wall); !got.Equal(tt.want) {
				t.Errorf("SimNow = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestConfig_Validate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		want string // substring of the error; empty for valid
	}{
		{"zero", Config{}, ""},
		{"defaults", DefaultConfig(), ""},
		{"negative speed", Config{Speed: -1}, "speed"},
		{"negative backfill", Config{Backfill: -time.Hour}, "backfill"},
		{"huge page", Config{PageSize: MaxPageSize + 1}, "page_size"},
		{"hostile above 1", Config{Hostile: 1.5}, "hostile"},
		{"fault above 1", Config{Faults: Faults{Timeout: 2}}, "faults.timeout"},
		{"faults sum above 1", Config{Faults: Faults{RateLimited: 0.6, ServerError: 0.6}}, "sum"},
		{"negative timeout delay", Config{Faults: Faults{TimeoutAfter: -1}}, "faults.timeout_after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.cfg.Validate()
			if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("Validate() = %v, want error containing %q", err, tt.want)
			}
		})
	}
}

func TestFactories(t *testing.T) {
	t.Parallel()
	deps := newClock(epoch).deps()
	t.Run("NewFactory decodes over the defaults", func(t *testing.T) {
		t.Parallel()
		c, err := NewFactory()(func(v any) error {
			v.(*Config).Seed = 99
			return nil
		}, deps)
		if err != nil {
			t.Fatal(err)
		}
		sc := c.(*Connector)
		if got := sc.World().Config(); got.Seed != 99 || got.PageSize != DefaultPageSize || got.Hostile != DefaultConfig().Hostile || !got.Anchor.Equal(epoch) {
			t.Errorf("config %+v", got)
		}
		if c.Network() != Network {
			t.Errorf("network %q", c.Network())
		}
	})
	t.Run("NewFactory rejects bad config", func(t *testing.T) {
		t.Parallel()
		if _, err := NewFactory()(func(v any) error { v.(*Config).Speed = -2; return nil }, deps); err == nil {
			t.Error("no error for negative speed")
		}
		decodeErr := errors.New("line 3: unknown key")
		if _, err := NewFactory()(func(any) error { return decodeErr }, deps); !errors.Is(err, decodeErr) {
			t.Errorf("decode error lost: %v", err)
		}
	})
	t.Run("Factory impersonates a network", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t, Config{Seed: 1})
		c, err := Factory(w, "mastodon")(nil, deps)
		if err != nil || c.Network() != "mastodon" {
			t.Fatalf("%v, %v", c, err)
		}
		b, err := c.Poll(context.Background(), account("ife_mx"), nil)
		if err != nil || len(b.Items) == 0 || !strings.HasPrefix(b.Items[0].URL, "https://mastodon.") {
			t.Errorf("%d items, %v", len(b.Items), err)
		}
	})
}

func FuzzCursor(f *testing.F) {
	f.Add([]byte(`{"v":1,"at":1339761600,"day":15506,"seq":3}`))
	f.Add([]byte(`{"v":1,"at":1339761600,"day":9223372036854775807,"seq":9223372036854775807}`))
	f.Add([]byte(`{"v":2}`))
	f.Add([]byte(`null`))
	f.Add([]byte{0xff, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := decodeCursor(b)
		if err != nil {
			if !errors.Is(err, connectors.ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if len(b) == 0 {
			return
		}
		q, err := decodeCursor(encodeCursor(p))
		if err != nil || q != p {
			t.Fatalf("round trip of %q: %+v → %+v, %v", b, p, q, err)
		}
	})
}

func BenchmarkPoll(b *testing.B) {
	accts := make([]connectors.Account, 10)
	for i := range accts {
		accts[i] = account(fmt.Sprintf("ife_%02d", i))
	}
	bench := func(b *testing.B, fresh bool) {
		w := newWorld(b, Config{Seed: 1})
		items := 0
		for b.Loop() {
			if fresh {
				w = newWorld(b, Config{Seed: 1})
			}
			c := w.Connector("x", newClock(epoch).deps())
			for _, a := range accts {
				bs, _ := drain(b, c, a, nil)
				for _, batch := range bs {
					items += len(batch.Items)
				}
			}
		}
		b.ReportMetric(float64(items)/b.Elapsed().Seconds(), "items/s")
		b.ReportMetric(float64(items)/float64(b.N), "items/op")
	}
	// 10 accounts × 30 days of backfill, generating every day.
	b.Run("generate", func(b *testing.B) { bench(b, true) })
	// The same from a warm day cache: the cost of paging alone.
	b.Run("cached", func(b *testing.B) { bench(b, false) })
}
