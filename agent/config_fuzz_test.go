package agent_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/configs"
)

// FuzzParseConfig checks that no input makes ParseConfig panic, that every failure
// is a ConfigErrors whose entries name the file, and that no error or decoded
// section reveals a secret.
func FuzzParseConfig(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "config", "*", "*.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(configs.Demo)
	f.Add(configs.Example)
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("organs: [&o {id: a, <<: *o}]\n"))

	const secret = "fuzz-secret-value-7f3a"
	credDir := f.TempDir()
	if err := os.WriteFile(filepath.Join(credDir, "token"), []byte(secret), 0o600); err != nil {
		f.Fatal(err)
	}
	env := mapEnv(map[string]string{
		"VIGIA_X_TOKEN":         secret,
		"CREDENTIALS_DIRECTORY": credDir,
	})

	f.Fuzz(func(t *testing.T, data []byte) {
		const file = "fuzz.yaml"
		cfg, err := agent.ParseConfig(data, file, env)
		leaks := !bytes.Contains(data, []byte(secret))
		if err != nil {
			if cfg != nil {
				t.Fatal("a configuration returned along with an error")
			}
			var ces agent.ConfigErrors
			if !errors.As(err, &ces) || len(ces) == 0 {
				t.Fatalf("error is %T, not ConfigErrors: %v", err, err)
			}
			for _, ce := range ces {
				if ce.File != file || ce.Msg == "" || ce.Line < 0 {
					t.Fatalf("malformed problem %#v", ce)
				}
			}
			if leaks && strings.Contains(err.Error(), secret) {
				t.Fatalf("error reveals the secret: %v", err)
			}
			return
		}
		_ = cfg.Accounts()
		if err := cfg.Validate(testRegistry(t)); err != nil {
			var ces agent.ConfigErrors
			if !errors.As(err, &ces) {
				t.Fatalf("Validate error is %T, not ConfigErrors: %v", err, err)
			}
			if leaks && strings.Contains(err.Error(), secret) {
				t.Fatalf("Validate error reveals the secret: %v", err)
			}
		}
		for name := range cfg.Networks {
			var sim simConfig
			_ = cfg.NetworkDecoder(name)(&sim)
			var anything map[string]any
			_ = cfg.NetworkDecoder(name)(&anything)
		}
	})
}
