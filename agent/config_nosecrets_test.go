package agent_test

import (
	"path/filepath"
	"testing"

	"github.com/ife-mx/vigia/agent"
)

// TestLoadConfigWithoutSecrets checks that commands reading only the archive can
// load a configuration whose tokens are not available here.
func TestLoadConfigWithoutSecrets(t *testing.T) {
	t.Parallel()
	path := filepath.Join("testdata", "config", "bad", "missing-env.yaml")
	if _, err := agent.LoadConfig(path, func(string) (string, bool) { return "", false }); err == nil {
		t.Fatal("LoadConfig accepted a missing environment variable")
	}
	cfg, err := agent.LoadConfigWithoutSecrets(path)
	if err != nil {
		t.Fatalf("LoadConfigWithoutSecrets: %v", err)
	}
	if cfg.Database == "" {
		t.Fatal("no database path")
	}
	for _, a := range cfg.AccountConfigs() {
		if a.Secrets != nil {
			t.Errorf("account %s: secrets resolved", a.ID)
		}
	}
	if _, err := agent.LoadConfigWithoutSecrets(filepath.Join(t.TempDir(), "nope.yaml")); err == nil {
		t.Fatal("a missing file was accepted")
	}
}
