package all_test

import (
	"slices"
	"testing"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/all"
	"github.com/ife-mx/vigia/connectors/simulated"
)

func TestRegistry(t *testing.T) {
	t.Parallel()
	got := all.Registry().Networks()
	for _, want := range []string{"simulated", "x", "mastodon", "bluesky", "exec", "facebook", "instagram", "threads", "tiktok", "youtube"} {
		if !slices.Contains(got, want) {
			t.Errorf("Registry lacks %q: %v", want, got)
		}
	}
	for _, n := range got {
		if n != "simulated" && !slices.Contains(all.Networks, n) {
			t.Errorf("registered network %q is not in all.Networks", n)
		}
	}
}

func TestSimulated(t *testing.T) {
	t.Parallel()
	w, err := simulated.NewWorld(simulated.Config{Seed: 1}, simulated.DefaultConfig().Epoch)
	if err != nil {
		t.Fatal(err)
	}
	r := all.Simulated(w)
	for _, n := range append([]string{"simulated"}, all.Networks...) {
		f, ok := r.Lookup(n)
		if !ok {
			t.Fatalf("the demo registry lacks %q", n)
		}
		c, err := f(func(any) error { return nil }, connectors.Deps{})
		if err != nil {
			t.Fatal(err)
		}
		if c.Network() != n {
			t.Errorf("connector for %q says it is %q", n, c.Network())
		}
	}
}
