// Package configs holds the configuration files shipped with Vigía: the demo
// configuration `vigia demo` runs with and the commented example an institute
// adapts. Both are embedded so the binary carries them.
package configs

import _ "embed"

// Demo is demo.yaml: the whole agent on the simulated network, with no credentials.
//
//go:embed demo.yaml
var Demo []byte

// Example is vigia.example.yaml: a commented configuration for the institute.
//
//go:embed vigia.example.yaml
var Example []byte
