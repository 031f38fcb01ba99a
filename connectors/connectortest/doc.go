// Package connectortest is the conformance suite every network connector
// passes, and the helpers its fake servers share.
//
// A connector's test supplies a Harness: how to build the connector against a
// base URL, and an http.Handler that renders a network-neutral Scenario (a
// scripted month of an institutional account's activity, see Month) in the
// network's exact JSON shapes, paging, rate-limit headers and error bodies.
// Run then polls the connector hourly under a fake clock, stores what it
// returns in an in-memory archive with the real archive's semantics, and
// compares the archive with the scenario item by item; it also checks resuming
// from stale cursors, faults in the middle of paging, the error kinds, the
// number of calls in a steady state, and that the token leaks nowhere.
//
// StartPrism runs Stoplight Prism on an OpenAPI spec for the spec-conformance
// tests; PrismTransport records the requests Prism rejects.
//
// The package depends only on the standard library and connectors.
package connectortest
