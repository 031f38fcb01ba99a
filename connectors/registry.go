package connectors

import (
	"fmt"
	"log/slog"
	"sort"
	"time"
)

// Deps are what the agent hands every connector it builds.
type Deps struct {
	// HTTP is the shared retrying client; nil for connectors that make no HTTP calls.
	HTTP *HTTPClient
	// Logger is already scoped with the network's name.
	Logger *slog.Logger
	// Now is the clock; connectors never call time.Now directly.
	Now func() time.Time
}

// Factory builds a connector for one network. decode fills the network's own
// configuration struct from its section of the YAML file (strictly: unknown keys
// are errors); it leaves v untouched when the section is absent.
type Factory func(decode func(v any) error, deps Deps) (Connector, error)

// Registry maps network names to factories. It is a value, filled explicitly by
// connectors/all, so tests can build their own.
type Registry struct {
	factories map[string]Factory
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{factories: map[string]Factory{}} }

// Register adds a factory; it fails on an empty or duplicate name.
func (r *Registry) Register(network string, f Factory) error {
	if network == "" || f == nil {
		return fmt.Errorf("connectors: register: empty network name or nil factory")
	}
	if _, dup := r.factories[network]; dup {
		return fmt.Errorf("connectors: register %q: already registered", network)
	}
	r.factories[network] = f
	return nil
}

// Lookup returns the factory for network.
func (r *Registry) Lookup(network string) (Factory, bool) {
	f, ok := r.factories[network]
	return f, ok
}

// Networks returns the registered names, sorted.
func (r *Registry) Networks() []string {
	names := make([]string, 0, len(r.factories))
	for n := range r.factories {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
