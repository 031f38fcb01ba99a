package agent_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/configs"
	"github.com/ife-mx/vigia/connectors"
)

// mapEnv is a LookupEnv over a map.
func mapEnv(m map[string]string) agent.LookupEnv {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

const testToken = "tok-0123456789-secret"

var testEnv = mapEnv(map[string]string{"VIGIA_X_TOKEN": testToken})

// fakeConnector is what the test factories build.
type fakeConnector struct{ network string }

func (f fakeConnector) Network() string { return f.network }
func (fakeConnector) Poll(context.Context, connectors.Account, connectors.Cursor) (connectors.Batch, error) {
	return connectors.Batch{}, nil
}

var _ connectors.Connector = fakeConnector{}

// simConfig stands for a connector's own configuration, applying defaults and
// validating in UnmarshalYAML as STYLE.md asks.
type simConfig struct {
	Seed     int64         `yaml:"seed"`
	Speed    float64       `yaml:"speed"`
	Backfill time.Duration `yaml:"backfill"`
	Nested   struct {
		Depth int `yaml:"depth"`
	} `yaml:"nested"`
}

func (c *simConfig) UnmarshalYAML(n *yaml.Node) error {
	*c = simConfig{Seed: 1, Speed: 1}
	type plain simConfig
	if err := n.Decode((*plain)(c)); err != nil {
		return err
	}
	if c.Speed <= 0 {
		return errors.New("simulated: speed must be positive")
	}
	return nil
}

// testRegistry knows x, mastodon and simulated; simulated decodes its section.
func testRegistry(t *testing.T) *connectors.Registry {
	t.Helper()
	reg := connectors.NewRegistry()
	plain := func(name string) connectors.Factory {
		return func(decode func(v any) error, _ connectors.Deps) (connectors.Connector, error) {
			var cfg struct {
				BaseURL string `yaml:"base_url"`
			}
			if err := decode(&cfg); err != nil {
				return nil, err
			}
			return fakeConnector{name}, nil
		}
	}
	sim := func(decode func(v any) error, _ connectors.Deps) (connectors.Connector, error) {
		var cfg simConfig
		if err := decode(&cfg); err != nil {
			return nil, err
		}
		return fakeConnector{"simulated"}, nil
	}
	for name, f := range map[string]connectors.Factory{"x": plain("x"), "mastodon": plain("mastodon"), "bluesky": plain("bluesky"), "simulated": sim} {
		if err := reg.Register(name, f); err != nil {
			t.Fatal(err)
		}
	}
	return reg
}

func asConfigErrors(t *testing.T, err error) agent.ConfigErrors {
	t.Helper()
	var ces agent.ConfigErrors
	if !errors.As(err, &ces) {
		t.Fatalf("error is %T, want ConfigErrors: %v", err, err)
	}
	return ces
}

func TestLoadConfig_Bad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file     string
		line     int
		key      string
		fragment string
		validate bool // the problem shows only in Validate
	}{
		{"unknown-key", 13, "organs[0].accounts[0].pol_interval", `clave desconocida "pol_interval" (¿quiso decir "poll_interval"?)`, false},
		{"wrong-type", 3, "scheduler.concurrency_per_network", `se esperaba un número entero y hay un texto ("dos")`, false},
		{"missing-titular", 6, "organs[0].admins.titular", "falta el administrador titular", false},
		{"missing-suplente", 6, "organs[0].admins.suplente", "falta el administrador suplente", false},
		{"missing-head", 3, "organs[0].head", "falta el titular del órgano", false},
		{"same-admin", 8, "organs[0].admins.suplente", "persona distinta del titular", false},
		{"bad-email", 8, "organs[0].admins.suplente.email", `correo electrónico inválido "ana.torres(at)ife.org.mx"`, false},
		{"duplicate-account-id", 20, "organs[1].accounts[0].id", `id de cuenta repetido "cncs-x" (ya usado en la línea 10)`, false},
		{"duplicate-organ-id", 13, "organs[1].id", `id de órgano repetido "cncs" (ya usado en la línea 3)`, false},
		{"duplicate-handle", 20, "organs[1].accounts[0].handle", "ya está configurada", false},
		{"duplicate-key", 13, "organs[0].accounts[0].handle", "clave repetida (ya aparece en la línea 12)", false},
		{"bad-duration", 13, "organs[0].accounts[0].poll_interval", `duración inválida "5 minutos" (ejemplos: 90s, 5m, 1h30m)`, false},
		{"interval-too-short", 13, "organs[0].accounts[0].poll_interval", "mínimo: 10s", false},
		{"unreadable-secret", 14, "organs[0].accounts[0].credentials.token.file", `archivo de credencial "no-such-token"`, false},
		{"missing-env", 14, "organs[0].accounts[0].credentials.token.env", "la variable de entorno VIGIA_NO_SUCH_VARIABLE no está definida", false},
		{"inline-secret", 14, "organs[0].accounts[0].credentials.token", "no se admiten secretos escritos en el archivo", false},
		{"two-secret-sources", 14, "organs[0].accounts[0].credentials.token", "un solo origen del secreto", false},
		{"unknown-network", 11, "organs[0].accounts[0].network", `red desconocida "myspace"`, true},
		{"unknown-network-section", 3, "networks.simulated.sped", `clave desconocida "sped"`, true},
		{"network-section-wrong-type", 5, "networks.simulated.speed", "tipo incorrecto", true},
		{"bad-status", 13, "organs[0].accounts[0].status", `estado inválido "paused" (valores admitidos: active, suspended, cancelled)`, false},
		{"bad-authorization-date", 13, "organs[0].accounts[0].authorization.date", `fecha inválida "15/01/2026"`, false},
		{"bad-cadence", 13, "organs[0].accounts[0].cadence", `periodicidad inválida "cada tercer día"`, false},
		{"bad-announced", 13, "organs[0].accounts[0].announced.bio", "se esperaba un texto o una lista de textos", false},
		{"bad-level", 7, "organs[0].admins.titular.level", `nivel inválido "director"`, false},
		{"bad-x-suffix", 2, "institute.x_suffix", `sufijo inválido "-ife"`, false},
		{"bad-governance", 13, "governance.takeover_threshold", "valor fuera de rango 0", false},
		{"bad-listen", 2, "listen", "falta el host", false},
		{"bad-listen-port", 2, "listen", `puerto inválido "metrics"`, false},
		{"bad-url", 13, "organs[0].accounts[0].url", "URL inválida", false},
		{"bad-account-id", 10, "organs[0].accounts[0].id", `identificador inválido "CNCS X"`, false},
		{"empty-organs", 2, "organs", "la lista de órganos está vacía", false},
		{"no-accounts", 2, "organs", "no hay cuentas configuradas", false},
		{"jitter-out-of-range", 3, "defaults.jitter", "valor fuera de rango 0.7 (debe estar entre 0 y 0.5)", false},
		{"missing-database", 1, "database", "falta la ruta de la base de datos", false},
		{"not-a-mapping", 1, "", "se esperaba un mapa de claves y hay una lista", false},
		{"syntax-error", 12, "", "sintaxis YAML inválida", false},
		{"two-documents", 13, "", "más de un documento YAML", false},
		{"watch-not-a-list", 13, "watch", "se esperaba una lista de listas de vigilancia", false},
		{"watch-unknown-key", 16, "watch[0].severidad", `clave desconocida "severidad"`, false},
		{"watch-missing-phrases", 14, "watch[0].phrases", "faltan las frases de la lista de vigilancia", false},
		{"watch-empty-phrases", 15, "watch[0].phrases", "la lista de frases está vacía", false},
		{"watch-empty-phrase", 17, "watch[0].phrases[1]", "frase vacía", false},
		{"watch-no-words", 15, "watch[0].phrases[0]", `la frase "¡¿…?!" no tiene palabras que buscar`, false},
		{"watch-duplicate-phrase", 15, "watch[0].phrases[1]", `frase repetida "casillas CERRADAS"`, false},
		{"watch-duplicate-name", 16, "watch[1].name", `nombre de lista de vigilancia repetido "casillas" (ya usado en la línea 14)`, false},
		{"watch-bad-severity", 16, "watch[0].severity", `nivel de severidad inválido "high" (valores admitidos: info, warning, urgent)`, false},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.file+".yaml"] = true
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join("testdata", "config", "bad", tt.file+".yaml")
			cfg, err := agent.LoadConfig(path, testEnv)
			if tt.validate {
				if err != nil {
					t.Fatalf("LoadConfig: %v", err)
				}
				err = cfg.Validate(testRegistry(t))
			} else if cfg != nil {
				t.Errorf("LoadConfig returned a config along with the error")
			}
			if err == nil {
				t.Fatal("no error")
			}
			ces := asConfigErrors(t, err)
			if len(ces) != 1 {
				t.Fatalf("want exactly one problem, got %d:\n%v", len(ces), err)
			}
			got := ces[0]
			if got.File != path || got.Line != tt.line || got.Key != tt.key || !strings.Contains(got.Msg, tt.fragment) {
				t.Errorf("got  %s\nwant %s:%d: %s: …%s…", got.Error(), path, tt.line, tt.key, tt.fragment)
			}
			if strings.Contains(err.Error(), "inline-secret-value") || strings.Contains(err.Error(), testToken) {
				t.Errorf("error reveals a secret: %v", err)
			}
		})
	}
	t.Run("every bad file is in the table", func(t *testing.T) {
		files, err := filepath.Glob(filepath.Join("testdata", "config", "bad", "*.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if !covered[filepath.Base(f)] {
				t.Errorf("%s has no expected error in the table", f)
			}
		}
	})
}

func TestLoadConfig_Good(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "config", "good", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no good files: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			cfg, err := agent.LoadConfig(f, testEnv)
			if err != nil {
				t.Fatal(err)
			}
			if err := cfg.Validate(testRegistry(t)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestParseConfig_Defaults(t *testing.T) {
	t.Parallel()
	path := filepath.Join("testdata", "config", "good", "minimal.yaml")
	cfg, err := agent.LoadConfig(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Path != path {
		t.Errorf("Path = %q", cfg.Path)
	}
	if want := filepath.Join("testdata", "config", "good", "vigia.db"); cfg.Database != want {
		t.Errorf("Database = %q, want %q (relative to the file)", cfg.Database, want)
	}
	want := agent.Config{
		Listen:    "127.0.0.1:9464",
		Log:       agent.LogConfig{Level: "info", Format: "text"},
		Institute: agent.Institute{Name: "Instituto Federal Electoral", Domain: "ife.org.mx", XSuffix: "ife"},
		Defaults:  agent.PollDefaults{PollInterval: 5 * time.Minute, PollTimeout: time.Minute, Jitter: 0.1},
		Scheduler: agent.SchedulerConfig{ConcurrencyPerNetwork: 2, MaxBackoff: 30 * time.Minute},
	}
	if cfg.Listen != want.Listen || cfg.Log != want.Log || cfg.Institute != want.Institute ||
		cfg.Defaults != want.Defaults || cfg.Scheduler != want.Scheduler {
		t.Errorf("defaults not applied: %+v", cfg)
	}
	accts := cfg.AccountConfigs()
	if len(accts) != 1 {
		t.Fatalf("AccountConfigs = %d", len(accts))
	}
	a := accts[0]
	if a.Status != agent.StatusActive || a.PollInterval != 5*time.Minute || a.PollTimeout != time.Minute || a.Jitter != 0.1 || a.Organ != "cncs" || a.Line != 11 {
		t.Errorf("account defaults: %+v", a)
	}
	if cfg.Log.SlogLevel().String() != "INFO" {
		t.Errorf("SlogLevel = %v", cfg.Log.SlogLevel())
	}
}

func TestParseConfig_Full(t *testing.T) {
	t.Parallel()
	path := filepath.Join("testdata", "config", "good", "full.yaml")
	cfg, err := agent.LoadConfig(path, testEnv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Database != "/var/lib/vigia/vigia.db" || cfg.Listen != "0.0.0.0:9464" || cfg.Institute.Domain != "ife.org.mx" {
		t.Errorf("top level: %+v", cfg)
	}
	if cfg.Defaults.Jitter != 0 {
		t.Errorf("an explicit jitter of 0 must be kept, got %v", cfg.Defaults.Jitter)
	}
	o, ok := cfg.Organ("cncs-2")
	if !ok || o.Head.Name != "Laura Méndez Ortiz" || o.Admins.Titular.Position != "Director de Información" {
		t.Errorf("anchored organ: %+v", o)
	}
	first, _ := cfg.Organ("cncs")
	if o.Admins != first.Admins {
		t.Errorf("aliased admins differ")
	}

	accts := cfg.Accounts()
	got := map[string]connectors.Account{}
	for _, a := range accts {
		got[a.ID] = a
	}
	x := got["cncs-x"]
	if x.Handle != "IFEMexico" || x.ExternalID != "150834129" || x.Organ != "cncs" {
		t.Errorf("cncs-x: %+v", x)
	}
	if x.Credentials["token"].Reveal() != testToken {
		t.Errorf("token not resolved from the environment")
	}
	if want := map[string]string{"include_replies": "true", "max_pages": "5", "lang": "es"}; !reflect.DeepEqual(x.Options, want) {
		t.Errorf("options = %v", x.Options)
	}
	if got["cncs-bluesky"].Credentials["app_password"].Reveal() != "bsky-app-password-1234" {
		t.Errorf("file secret not read or not trimmed")
	}
	old := got["cncs-x-old"]
	if old.Network != "x" || old.Handle != "prensa_ife" || old.Credentials != nil || old.Options["lang"] != "es" {
		t.Errorf("merged account: %+v", old)
	}
	var statuses []agent.AccountStatus
	for _, a := range cfg.AccountConfigs() {
		statuses = append(statuses, a.Status)
	}
	if want := []agent.AccountStatus{"active", "active", "suspended", "cancelled", "active"}; !slices.Equal(statuses, want) {
		t.Errorf("statuses = %v, want %v (every account, whatever its status)", statuses, want)
	}
	ac := cfg.AccountConfigs()[0]
	if ac.PollInterval != time.Minute || ac.PollTimeout != 20*time.Second || ac.Jitter != 0.25 {
		t.Errorf("overrides: %+v", ac)
	}
	if ac2 := cfg.AccountConfigs()[1]; ac2.PollInterval != 3*time.Minute || ac2.PollTimeout != 45*time.Second || ac2.Jitter != 0 {
		t.Errorf("defaults section: %+v", ac2)
	}

	// Accounts returns copies: changing them leaves the configuration alone.
	accts[0].Options["lang"] = "en"
	if cfg.Accounts()[0].Options["lang"] != "es" {
		t.Errorf("Accounts shares its maps with the configuration")
	}

	for _, s := range []string{fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%v", accts)} {
		if strings.Contains(s, testToken) || strings.Contains(s, "bsky-app-password") {
			t.Fatalf("printing the configuration reveals a secret")
		}
	}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), testToken) {
		t.Fatalf("marshalling the configuration reveals a secret")
	}
}

func TestParseConfig_CredentialsDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x-token"), []byte("from-systemd\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join("testdata", "config", "good", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, "        credentials:\n          token: {file: x-token}\n"...)
	cfg, err := agent.ParseConfig(data, "/etc/vigia/vigia.yaml", mapEnv(map[string]string{"CREDENTIALS_DIRECTORY": dir}))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Accounts()[0].Credentials["token"].Reveal(); got != "from-systemd" {
		t.Errorf("token = %q", got)
	}
	if cfg.Database != "/etc/vigia/vigia.db" {
		t.Errorf("Database = %q", cfg.Database)
	}

	// Without $CREDENTIALS_DIRECTORY the name is relative to the configuration file.
	_, err = agent.ParseConfig(data, filepath.Join(dir, "sub", "vigia.yaml"), nil)
	ces := asConfigErrors(t, err)
	if len(ces) != 1 || !strings.Contains(ces[0].Msg, filepath.Join(dir, "sub", "x-token")) {
		t.Errorf("got %v", err)
	}
}

func TestParseConfig_CollectsEveryProblem(t *testing.T) {
	t.Parallel()
	data := `database: vigia.db
listen: localhost
log: {level: verbose, format: xml}
defaults: {poll_interval: often, jitter: -1}
scheduler: {concurrency_per_network: 0}
organs:
  - id: cncs
    name: CNCS
    head: {name: Titular, email: titular@ife.org.mx}
    admins:
      titular: {name: Titular, email: a@ife.org.mx, phone: "555"}
    accounts:
      - {id: cncs-x, network: x, handle: h, status: paused}
      - {id: cncs-x, network: x, handle: h2, credentials: {token: {env: NOPE}}}
`
	_, err := agent.ParseConfig([]byte(data), "vigia.yaml", nil)
	ces := asConfigErrors(t, err)
	want := []string{
		"vigia.yaml:2: listen:",
		"vigia.yaml:3: log.level:",
		"vigia.yaml:3: log.format:",
		"vigia.yaml:4: defaults.poll_interval:",
		"vigia.yaml:4: defaults.jitter:",
		"vigia.yaml:5: scheduler.concurrency_per_network:",
		"vigia.yaml:10: organs[0].admins.suplente:",
		"vigia.yaml:11: organs[0].admins.titular.phone:",
		"vigia.yaml:13: organs[0].accounts[0].status:",
		"vigia.yaml:14: organs[0].accounts[1].credentials.token.env:",
		"vigia.yaml:14: organs[0].accounts[1].id:",
	}
	lines := strings.Split(err.Error(), "\n")
	if len(ces) != len(want) || len(lines) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(ces), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("problem %d = %q, want prefix %q", i, lines[i], w)
		}
	}
}

func TestConfigErrors_Error(t *testing.T) {
	t.Parallel()
	es := agent.ConfigErrors{
		{File: "vigia.yaml", Line: 12, Key: "organs[0].accounts[1].poll_interval", Msg: `duración inválida "5 minutos" (ejemplos: 90s, 5m, 1h30m)`},
		{File: "vigia.yaml", Msg: "el archivo está vacío"},
		{File: "vigia.yaml", Line: 3, Msg: "sintaxis YAML inválida"},
	}
	want := `vigia.yaml:12: organs[0].accounts[1].poll_interval: duración inválida "5 minutos" (ejemplos: 90s, 5m, 1h30m)
vigia.yaml: el archivo está vacío
vigia.yaml:3: sintaxis YAML inválida`
	if got := es.Error(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestLoadConfig_MissingFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "vigia.yaml")
	_, err := agent.LoadConfig(path, nil)
	ces := asConfigErrors(t, err)
	if len(ces) != 1 || ces[0].File != path || !strings.Contains(ces[0].Msg, "no existe") {
		t.Errorf("got %v", err)
	}
	for _, empty := range []string{"", "# only a comment\n", "~\n"} {
		_, err := agent.ParseConfig([]byte(empty), "vigia.yaml", nil)
		if ces := asConfigErrors(t, err); len(ces) != 1 || !strings.Contains(ces[0].Msg, "vacío") {
			t.Errorf("%q: got %v", empty, err)
		}
	}
}

func TestConfig_NetworkDecoder(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "config", "good", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	section := `networks:
  simulated:
    seed: 42
    backfill: 720h
    nested: {depth: 3}
  bad:
    seed: 1
    speed: 0
  typo:
    nested: {depht: 3}
  types:
    seed: [1]
    nested: {depth: deep}
`
	cfg, err := agent.ParseConfig(append([]byte(section), data...), "vigia.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("decodes strictly, with the struct's own defaults", func(t *testing.T) {
		var c simConfig
		if err := cfg.NetworkDecoder("simulated")(&c); err != nil {
			t.Fatal(err)
		}
		if c.Seed != 42 || c.Speed != 1 || c.Backfill != 720*time.Hour || c.Nested.Depth != 3 {
			t.Errorf("got %+v", c)
		}
	})
	t.Run("leaves v untouched when the section is absent", func(t *testing.T) {
		c := simConfig{Seed: 9}
		if err := cfg.NetworkDecoder("mastodon")(&c); err != nil || c.Seed != 9 {
			t.Errorf("got %+v, %v", c, err)
		}
	})
	t.Run("names the section when the struct rejects it", func(t *testing.T) {
		var c simConfig
		ces := asConfigErrors(t, cfg.NetworkDecoder("bad")(&c))
		if len(ces) != 1 || ces[0].Key != "networks.bad" || ces[0].Line != 7 || !strings.Contains(ces[0].Msg, "speed must be positive") {
			t.Errorf("got %v", ces)
		}
	})
	t.Run("unknown nested key", func(t *testing.T) {
		var c simConfig
		ces := asConfigErrors(t, cfg.NetworkDecoder("typo")(&c))
		if len(ces) != 1 || ces[0].Key != "networks.typo.nested.depht" || ces[0].Line != 10 {
			t.Errorf("got %v", ces)
		}
	})
	t.Run("every wrong type", func(t *testing.T) {
		var c simConfig
		ces := asConfigErrors(t, cfg.NetworkDecoder("types")(&c))
		if len(ces) != 2 || ces[0].Key != "networks.types.seed" || ces[0].Line != 12 ||
			ces[1].Key != "networks.types.nested.depth" || ces[1].Line != 13 {
			t.Errorf("got %v", ces)
		}
	})
	t.Run("needs a pointer", func(t *testing.T) {
		if err := cfg.NetworkDecoder("simulated")(simConfig{}); err == nil {
			t.Error("no error")
		}
	})
}

func TestConfig_Validate(t *testing.T) {
	t.Parallel()
	cfg, err := agent.LoadConfig(filepath.Join("testdata", "config", "good", "minimal.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("factories get usable deps that cannot reach the network", func(t *testing.T) {
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
		defer srv.Close()
		reg := connectors.NewRegistry()
		err := reg.Register("x", func(_ func(any) error, deps connectors.Deps) (connectors.Connector, error) {
			if deps.HTTP == nil || deps.Logger == nil || deps.Now == nil {
				return nil, errors.New("x: missing deps")
			}
			if _, err := deps.HTTP.Get(t.Context(), srv.URL, nil); err == nil {
				return nil, errors.New("x: the validation client made a request")
			}
			return fakeConnector{"x"}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := cfg.Validate(reg); err != nil {
			t.Fatal(err)
		}
		if hits.Load() != 0 {
			t.Errorf("the server got %d requests", hits.Load())
		}
	})
	t.Run("a factory's error names the network", func(t *testing.T) {
		reg := connectors.NewRegistry()
		if err := reg.Register("x", func(func(any) error, connectors.Deps) (connectors.Connector, error) {
			return nil, errors.New("x: config: bearer token name missing")
		}); err != nil {
			t.Fatal(err)
		}
		ces := asConfigErrors(t, cfg.Validate(reg))
		if len(ces) != 1 || ces[0].Key != "networks.x" || ces[0].Line != 12 || !strings.Contains(ces[0].Msg, "rechazó la configuración") {
			t.Errorf("got %v", ces)
		}
	})
}

// TestConfig_MarshalRoundTrip checks that the yaml tags match the keys ParseConfig
// reads: a parsed configuration, marshalled, parses to the same configuration.
func TestConfig_MarshalRoundTrip(t *testing.T) {
	t.Parallel()
	cfg, err := agent.LoadConfig(filepath.Join("testdata", "config", "good", "full.yaml"), testEnv)
	if err != nil {
		t.Fatal(err)
	}
	first, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg2, err := agent.ParseConfig(first, filepath.Join("testdata", "config", "good", "again.yaml"), testEnv)
	if err != nil {
		t.Fatalf("%v\n%s", err, first)
	}
	second, err := yaml.Marshal(cfg2)
	if err != nil {
		t.Fatal(err)
	}
	if string(first) != string(second) {
		t.Errorf("round trip differs:\n%s\n---\n%s", first, second)
	}
}

func exampleEnv(t *testing.T) agent.LookupEnv {
	t.Helper()
	dir := t.TempDir()
	for name, v := range map[string]string{"facebook-cncs-page-token": "page-token\n", "tiktok-app-secret": "tiktok-secret\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(v), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return mapEnv(map[string]string{
		"CREDENTIALS_DIRECTORY":           dir,
		"VIGIA_X_BEARER_TOKEN":            "x",
		"VIGIA_YOUTUBE_API_KEY":           "y",
		"VIGIA_MASTODON_TOKEN":            "m",
		"VIGIA_BLUESKY_APP_PASSWORD":      "b",
		"VIGIA_FACEBOOK_DERFE_TOKEN":      "f",
		"VIGIA_FACEBOOK_JALISCO_TOKEN":    "j",
		"VIGIA_INSTAGRAM_CNCS_TOKEN":      "i",
		"VIGIA_THREADS_CNCS_TOKEN":        "t",
		"VIGIA_TIKTOK_APP_ID":             "7000000000000000001",
		"VIGIA_TIKTOK_CNCS_REFRESH_TOKEN": "r",
		"VIGIA_SMTP_PASSWORD":             "s",
		"VIGIA_TEAMS_CNCS_URL":            "https://example.webhook.office.com/workflows/t",
	})
}

func TestExampleConfig(t *testing.T) {
	t.Parallel()
	cfg, err := agent.ParseConfig(configs.Example, "/etc/vigia/vigia.yaml", exampleEnv(t))
	if err != nil {
		t.Fatal(err)
	}
	networks := map[string]bool{}
	for _, a := range cfg.AccountConfigs() {
		networks[a.Network] = true
	}
	for _, n := range []string{"x", "facebook", "instagram", "threads", "tiktok", "youtube", "mastodon", "bluesky"} {
		if !networks[n] {
			t.Errorf("the example has no %s account", n)
		}
	}
	if len(cfg.Organs) < 3 {
		t.Errorf("the example has %d organs", len(cfg.Organs))
	}
	if got := cfg.Accounts()[1].Credentials["page_token"].Reveal(); got != "page-token" {
		t.Errorf("LoadCredential file: %q", got)
	}
	for _, a := range cfg.Accounts() {
		if a.ID == "cncs-tiktok" && a.Credentials["app_secret"].Reveal() != "tiktok-secret" {
			t.Errorf("cncs-tiktok app_secret from the credentials directory: %q", a.Credentials["app_secret"].Reveal())
		}
	}

	// Without its variables the example names each missing one.
	_, err = agent.ParseConfig(configs.Example, "vigia.yaml", nil)
	// (ten for X, Facebook, Instagram, YouTube, Mastodon and Bluesky; one for
	// Threads; three for TikTok's app id, app secret file and refresh token;
	// two for the alerts' SMTP password and Teams webhook URL)
	if ces := asConfigErrors(t, err); len(ces) != 16 {
		t.Errorf("got %d problems without the environment:\n%v", len(ces), err)
	}
}

func TestDemoConfig(t *testing.T) {
	t.Parallel()
	cfg, err := agent.ParseConfig(configs.Demo, "demo.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Database != "vigia-demo.db" || cfg.Listen != "127.0.0.1:9464" {
		t.Errorf("database %q, listen %q", cfg.Database, cfg.Listen)
	}
	networks := map[string]bool{}
	for _, a := range cfg.AccountConfigs() {
		networks[a.Network] = true
		if a.PollInterval != 10*time.Second || len(a.Credentials) != 0 {
			t.Errorf("%s: interval %v, credentials %v", a.ID, a.PollInterval, a.Credentials)
		}
	}
	var want []string
	for n := range networks {
		want = append(want, n)
	}
	slices.Sort(want)
	if !slices.Equal(want, []string{"bluesky", "facebook", "instagram", "mastodon", "threads", "tiktok", "x", "youtube"}) {
		t.Errorf("demo networks = %v", want)
	}
	if n := len(cfg.AccountConfigs()); n < 8 || n > 12 {
		t.Errorf("demo has %d accounts", n)
	}
	var sim struct {
		Seed     int64         `yaml:"seed"`
		Speed    float64       `yaml:"speed"`
		Backfill time.Duration `yaml:"backfill"`
	}
	if err := cfg.NetworkDecoder("simulated")(&sim); err != nil {
		t.Fatal(err)
	}
	if sim.Seed == 0 || sim.Speed <= 1 || sim.Backfill < 24*time.Hour { // a fixed world, accelerated, with history
		t.Errorf("simulated section: %+v", sim)
	}
}

// TestParseConfig_MergeKeyBomb checks that merge keys that fan out exponentially
// are cut short with an error instead of taking the agent's time.
func TestParseConfig_MergeKeyBomb(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("networks:\n  base: &m0 {a: 1}\n")
	for i := 1; i <= 16; i++ {
		fmt.Fprintf(&b, "  m%d: &m%d {<<: [*m%d, *m%d, *m%d, *m%d], k%d: 1}\n", i, i, i-1, i-1, i-1, i-1, i)
	}
	b.WriteString("  simulated: {<<: *m16}\n")
	minimal, err := os.ReadFile(filepath.Join("testdata", "config", "good", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	b.Write(minimal)
	b.WriteString("        options: {<<: *m16}\n")
	_, err = agent.ParseConfig([]byte(b.String()), "vigia.yaml", nil)
	if ces := asConfigErrors(t, err); !strings.Contains(ces.Error(), "demasiados alias") {
		t.Errorf("got %v", err)
	}
}
