package agent_test

import (
	"testing"
	"time"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/configs"
	"github.com/ife-mx/vigia/policy/health"
	"github.com/ife-mx/vigia/policy/registry"
)

// TestShippedConfigsPassTheRegistryRules: the example and the demo configurations
// break no registry rule of the Criterios.
func TestShippedConfigsPassTheRegistryRules(t *testing.T) {
	t.Parallel()
	for name, cfg := range map[string]*agent.Config{
		"example": mustParse(t, configs.Example, "/etc/vigia/vigia.yaml", exampleEnv(t)),
		"demo":    mustParse(t, configs.Demo, "demo.yaml", nil),
	} {
		if fs := registry.Check(cfg.Registry()); len(fs) != 0 {
			t.Errorf("%s: %d registry findings:\n%v", name, len(fs), fs)
		}
	}
}

func mustParse(t *testing.T, data []byte, name string, env agent.LookupEnv) *agent.Config {
	t.Helper()
	cfg, err := agent.ParseConfig(data, name, env)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestParseConfig_Governance(t *testing.T) {
	t.Parallel()
	cfg := mustParse(t, configs.Example, "/etc/vigia/vigia.yaml", exampleEnv(t))
	if cfg.Institute.XSuffix != "ife" || cfg.Governance != agent.DefaultGovernance() {
		t.Errorf("institute %+v, governance %+v", cfg.Institute, cfg.Governance)
	}
	x := cfg.AccountConfigs()[0]
	if x.Name == "" || x.Purpose == "" || x.Operation == "" || x.RegistrationEmail != "redes.cncs-x@ife.org.mx" ||
		x.Authorization.Oficio == "" || !x.Authorization.Date.Equal(time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("registry record %+v", x.AccountRegistry)
	}
	if x.Cadence != health.Daily || len(x.Announced.DisplayName) != 1 {
		t.Errorf("cadence %v, announced %+v", x.Cadence, x.Announced)
	}
	if o := cfg.Organs[0]; o.Admins.Titular.Level != registry.LevelMandoMedio || o.AttentionPublished == "" {
		t.Errorf("organ %+v", o)
	}
}
