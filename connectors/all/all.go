// Package all is the one place every network's connector is wired into a Registry.
package all

import (
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/bluesky"
	execplugin "github.com/ife-mx/vigia/connectors/exec"
	"github.com/ife-mx/vigia/connectors/facebook"
	"github.com/ife-mx/vigia/connectors/instagram"
	"github.com/ife-mx/vigia/connectors/mastodon"
	"github.com/ife-mx/vigia/connectors/simulated"
	"github.com/ife-mx/vigia/connectors/threads"
	"github.com/ife-mx/vigia/connectors/tiktok"
	"github.com/ife-mx/vigia/connectors/x"
	"github.com/ife-mx/vigia/connectors/youtube"
)

// Networks are the network names Vigía knows, in the order the README lists them.
// The demo serves each of them from the simulated world.
var Networks = []string{"x", "facebook", "instagram", "youtube", "tiktok", "threads", "mastodon", "bluesky", "exec"}

// Registry returns a registry with every connector built into this binary.
func Registry() *connectors.Registry {
	r := connectors.NewRegistry()
	must(r.Register(simulated.Network, simulated.NewFactory()))
	must(r.Register(x.Network, x.NewFactory()))
	must(r.Register(mastodon.Network, mastodon.NewFactory()))
	must(r.Register(bluesky.Network, bluesky.NewFactory()))
	must(r.Register(execplugin.Network, execplugin.NewFactory()))
	must(r.Register(facebook.Network, facebook.NewFactory()))
	must(r.Register(instagram.Network, instagram.NewFactory()))
	must(r.Register(threads.Network, threads.NewFactory()))
	must(r.Register(tiktok.Network, tiktok.NewFactory()))
	must(r.Register(youtube.Network, youtube.NewFactory()))
	return r
}

// Simulated returns a registry that serves every name in Networks, and "simulated"
// itself, from one simulated world: the demo's registry.
func Simulated(world *simulated.World) *connectors.Registry {
	r := connectors.NewRegistry()
	for _, n := range append([]string{simulated.Network}, Networks...) {
		must(r.Register(n, simulated.Factory(world, n)))
	}
	return r
}

func must(err error) {
	if err != nil {
		panic(err) // a duplicate name here is a programming error
	}
}
