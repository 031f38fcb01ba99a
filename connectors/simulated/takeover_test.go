package simulated

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// pollAll polls acct from the start until the world's now, returning every batch.
func pollAll(t *testing.T, c *Connector, acct connectors.Account) []connectors.Batch {
	t.Helper()
	var out []connectors.Batch
	var cur connectors.Cursor
	for range 1000 {
		b, err := c.Poll(context.Background(), acct, cur)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
		cur = b.Cursor
		if !b.More {
			return out
		}
	}
	t.Fatal("the backfill never ended")
	return nil
}

func TestPoll_Takeover(t *testing.T) {
	t.Parallel()
	mx := time.FixedZone("CST", -6*3600)
	takeover := time.Date(2026, 3, 11, 1, 30, 0, 0, mx)
	at := func(simNow time.Time) *Connector {
		w, err := NewWorld(Config{Seed: 3, Epoch: simNow, Anchor: time.Unix(0, 0), Speed: 1e-12, Backfill: 72 * time.Hour, PageSize: 5000}, time.Unix(0, 0))
		if err != nil {
			t.Fatal(err)
		}
		return w.Connector("x", connectors.Deps{Now: func() time.Time { return time.Unix(0, 0) }})
	}
	acct := connectors.Account{ID: "cncs-x", Handle: "cncs_ife", Options: map[string]string{OptionTakeover: takeover.Format(time.RFC3339)}}

	before := pollAll(t, at(takeover.Add(-time.Minute)), acct)
	last := before[len(before)-1]
	if last.Profile.Handle != "cncs_ife" {
		t.Errorf("before the takeover: profile %+v", last.Profile)
	}
	for _, b := range before {
		for _, it := range b.Items {
			if strings.Contains(it.ExternalID, "-takeover-") {
				t.Errorf("takeover post before the takeover: %s", it.ExternalID)
			}
		}
	}

	after := pollAll(t, at(takeover.Add(2*time.Hour)), acct) // 03:30
	last = after[len(after)-1]
	if p := last.Profile; p.Handle != takeoverHandle || p.DisplayName != takeoverName || p.Bio != takeoverBio || p.Link != takeoverLink ||
		!strings.Contains(string(p.Raw), takeoverHandle) {
		t.Errorf("profile not rewritten: %+v", p)
	}
	deleted := 0
	for _, d := range last.Deletions {
		if strings.HasPrefix(d.ExternalID, "cncs-x-") && d.ObservedAt.Equal(takeover.Add(10*time.Minute)) {
			deleted++
		}
	}
	if deleted < 3 {
		t.Errorf("%d own posts deleted by the takeover, want at least 3", deleted)
	}
	var night []connectors.Item
	for _, it := range last.Items {
		if strings.Contains(it.ExternalID, "-takeover-") {
			night = append(night, it)
		}
	}
	if len(night) != 3 {
		t.Fatalf("%d takeover posts, want 3", len(night))
	}
	for i, it := range night {
		if !it.Own || it.Kind != connectors.KindPost || it.CreatedAt.In(mx).Hour() != 3 || !strings.Contains(it.Text, "promo-cripto.example") {
			t.Errorf("takeover post %d: %+v", i, it)
		}
	}
	if night[1].Lang != "en" || night[2].Lang != "en" {
		t.Errorf("languages %s, %s", night[1].Lang, night[2].Lang)
	}

	bad := acct
	bad.Options = map[string]string{OptionTakeover: "mañana"}
	if _, err := at(takeover).Poll(context.Background(), bad, nil); err == nil || !strings.Contains(err.Error(), OptionTakeover) {
		t.Errorf("bad option: %v", err)
	}
}
