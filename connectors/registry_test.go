package connectors_test

import (
	"context"
	"slices"
	"testing"

	"github.com/ife-mx/vigia/connectors"
)

// fakeConnector is the smallest Connector, for registry tests.
type fakeConnector struct{ network string }

var _ connectors.Connector = (*fakeConnector)(nil)

func (f *fakeConnector) Network() string { return f.network }

func (f *fakeConnector) Poll(context.Context, connectors.Account, connectors.Cursor) (connectors.Batch, error) {
	return connectors.Batch{}, nil
}

func factoryFor(network string) connectors.Factory {
	return func(func(any) error, connectors.Deps) (connectors.Connector, error) {
		return &fakeConnector{network: network}, nil
	}
}

func TestRegistry_Register(t *testing.T) {
	t.Parallel()

	t.Run("a registered network can be looked up and built", func(t *testing.T) {
		t.Parallel()
		r := connectors.NewRegistry()
		if err := r.Register("mastodon", factoryFor("mastodon")); err != nil {
			t.Fatalf("Register: %v", err)
		}
		f, ok := r.Lookup("mastodon")
		if !ok {
			t.Fatal("Lookup(mastodon) found nothing")
		}
		c, err := f(func(any) error { return nil }, connectors.Deps{})
		if err != nil || c.Network() != "mastodon" {
			t.Errorf("factory built %v, %v; want the mastodon connector", c, err)
		}
	})

	t.Run("a duplicate name fails and keeps the first factory", func(t *testing.T) {
		t.Parallel()
		r := connectors.NewRegistry()
		if err := r.Register("x", factoryFor("first")); err != nil {
			t.Fatalf("Register: %v", err)
		}
		if err := r.Register("x", factoryFor("second")); err == nil {
			t.Error("a second Register(x) should fail")
		}
		f, _ := r.Lookup("x")
		if c, _ := f(nil, connectors.Deps{}); c.Network() != "first" {
			t.Errorf("Lookup(x) built %q, want the first factory", c.Network())
		}
	})

	t.Run("an empty name fails", func(t *testing.T) {
		t.Parallel()
		r := connectors.NewRegistry()
		if err := r.Register("", factoryFor("")); err == nil {
			t.Error("Register with an empty name should fail")
		}
		if len(r.Networks()) != 0 {
			t.Errorf("Networks = %v, want none", r.Networks())
		}
	})

	t.Run("a nil factory fails", func(t *testing.T) {
		t.Parallel()
		r := connectors.NewRegistry()
		if err := r.Register("x", nil); err == nil {
			t.Error("Register with a nil factory should fail")
		}
		if _, ok := r.Lookup("x"); ok {
			t.Error("a failed Register should leave nothing behind")
		}
	})
}

func TestRegistry_Lookup(t *testing.T) {
	t.Parallel()
	r := connectors.NewRegistry()
	if f, ok := r.Lookup("x"); ok || f != nil {
		t.Errorf("Lookup on an empty registry = %v, %v; want nil, false", f, ok)
	}
}

func TestRegistry_Networks(t *testing.T) {
	t.Parallel()
	r := connectors.NewRegistry()
	if got := r.Networks(); len(got) != 0 {
		t.Errorf("Networks of an empty registry = %v, want none", got)
	}
	for _, n := range []string{"youtube", "bluesky", "x", "mastodon", "facebook"} {
		if err := r.Register(n, factoryFor(n)); err != nil {
			t.Fatalf("Register(%s): %v", n, err)
		}
	}
	want := []string{"bluesky", "facebook", "mastodon", "x", "youtube"}
	got := r.Networks()
	if !slices.Equal(got, want) {
		t.Errorf("Networks = %v, want %v", got, want)
	}
	got[0] = "mutated"
	if r.Networks()[0] != "bluesky" {
		t.Error("Networks should return a fresh slice each time")
	}
}
