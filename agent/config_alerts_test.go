package agent_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/alerts"
)

var alertsEnv = mapEnv(map[string]string{
	"VIGIA_SMTP_PASSWORD":  "smtp-password-secreto",
	"VIGIA_SLACK_URL":      "https://hooks.slack.com/services/T0/B0/hook-token-secreto",
	"VIGIA_TELEGRAM_TOKEN": "123:telegram-token-secreto",
	"VIGIA_BAD_URL":        "ftp://hooks.example/url-token-secreto",
})

func TestParseConfig_Alerts(t *testing.T) {
	t.Parallel()
	cfg, err := agent.LoadConfig(filepath.Join("testdata", "config", "alerts", "good.yaml"), alertsEnv)
	if err != nil {
		t.Fatal(err)
	}
	a := cfg.Alerts
	if a == nil {
		t.Fatal("no alerts section")
	}
	if len(a.Notifiers) != 7 {
		t.Fatalf("%d notifiers", len(a.Notifiers))
	}
	mail, _ := a.Notifier("correo")
	if mail.Host != "smtp.ife.org.mx" || mail.Port != 465 || mail.TLS != alerts.TLSImplicit || mail.Username != "vigia@ife.org.mx" ||
		mail.Password.Reveal() != "smtp-password-secreto" || mail.Timeout != 20*time.Second {
		t.Errorf("e-mail notifier: %+v", mail)
	}
	if n, _ := a.Notifier("slack-cncs"); n.URL.Reveal() != "https://hooks.slack.com/services/T0/B0/hook-token-secreto" {
		t.Errorf("slack URL not resolved")
	}
	if n, _ := a.Notifier("telegram"); n.Token.Reveal() != "123:telegram-token-secreto" || n.ChatID != "-1001234567890" {
		t.Errorf("telegram: %+v", n)
	}
	if n, _ := a.Notifier("alertmanager"); n.URL.Reveal() != "http://127.0.0.1:9093" || n.FiringTTL != 24*time.Hour {
		t.Errorf("alertmanager: %+v", n)
	}
	if a.Contacts.CNCS.Email != "redes.cncs@ife.org.mx" || a.Contacts.UNICOM.Email != "seguridad.unicom@ife.org.mx" {
		t.Errorf("contacts: %+v", a.Contacts)
	}
	r, ok := a.Route("cuenta")
	if !ok || len(r.Steps) != 2 || r.Steps[1].After != 2*time.Hour || r.Steps[1].To[0] != alerts.ToHead ||
		strings.Join(r.Steps[0].Via, ",") != "correo,alertmanager" {
		t.Errorf("route cuenta: %+v", r)
	}
	if rc := a.Rules[alerts.RuleSLABreached]; rc.Route != "cuenta" || rc.Severity != alerts.SeverityUrgent {
		t.Errorf("sla_breached: %+v", rc)
	}
	if rc := a.Rules[alerts.RuleSLAAtRisk]; rc.Severity != alerts.SeverityWarning {
		t.Errorf("sla_at_risk takes the default severity: %+v", rc)
	}
	if rc := a.Rules[alerts.RuleTakeover]; rc.Severity != alerts.SeverityUrgent {
		t.Errorf("takeover is urgent by default: %+v", rc)
	}
	if _, ok := a.Rules[alerts.RuleStaleAccount]; ok {
		t.Errorf("a rule left out must not be routed")
	}
	if a.QuietHours || a.RateLimit != (alerts.RateLimit{Messages: 5, Per: 30 * time.Minute}) ||
		a.Group != (alerts.Group{Wait: 2 * time.Minute, Max: 10}) || a.Retry != (alerts.Retry{Initial: 10 * time.Second, Max: 10 * time.Minute}) {
		t.Errorf("settings: quiet %v rate %+v group %+v retry %+v", a.QuietHours, a.RateLimit, a.Group, a.Retry)
	}
	if a.SLAMaxAge != 72*time.Hour {
		t.Errorf("sla_max_age = %s", a.SLAMaxAge)
	}
	if a.Digests.At != "07:30" || a.Digests.TimeZone.String() != "America/Monterrey" || a.Digests.Weekday != time.Monday {
		t.Errorf("digests: %+v", a.Digests)
	}
	if _, err := alerts.BuildNotifiers(*a, alerts.BuildOptions{}); err != nil {
		t.Errorf("BuildNotifiers: %v", err)
	}
}

func TestParseConfig_AlertsAbsent(t *testing.T) {
	t.Parallel()
	cfg, err := agent.LoadConfig(filepath.Join("testdata", "config", "good", "minimal.yaml"), testEnv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Alerts != nil {
		t.Fatalf("alerts configured without a section: %+v", cfg.Alerts)
	}
}

func TestLoadConfig_BadAlerts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file     string
		line     int
		key      string
		fragment string
	}{
		{"unknown-key", 14, "alerts.notifers", `clave desconocida "notifers" (¿quiso decir "notifiers"?)`},
		{"bad-type", 16, "alerts.notifiers[0].type", `tipo de notificador inválido "pager"`},
		{"inline-secret", 21, "alerts.notifiers[0].credentials.password", "no se admiten secretos escritos"},
		{"webhook-missing-url", 15, "alerts.notifiers[0].credentials.url", "falta la credencial url"},
		{"unknown-notifier", 25, "alerts.routes[0].steps[0].via[0]", `notificador desconocido "correo2" (configurados: correo)`},
		{"unknown-route", 27, "alerts.rules.sla_breached.route", `ruta desconocida "nada" (configuradas: cuenta)`},
		{"unknown-rule", 27, "alerts.rules.sla_late", `clave desconocida "sla_late" (claves válidas: sla_at_risk,`},
		{"bad-recipient", 25, "alerts.routes[0].steps[0].to[1]", `destinatario desconocido "jefe"`},
		{"missing-contact", 25, "alerts.routes[0].steps[0].to[0]", "falta su contacto en alerts.contacts.cncs"},
		{"steps-out-of-order", 26, "alerts.routes[0].steps[1].after", "los pasos van en orden"},
		{"email-without-to", 25, "alerts.routes[0].steps[0].to", "no dice a quién"},
		{"username-without-password", 15, "alerts.notifiers[0].username", "usuario (username) y contraseña"},
		{"bad-tls", 18, "alerts.notifiers[0].tls", `modo TLS inválido "ssl"`},
		{"bad-digest-time", 24, "alerts.digests.at", `hora inválida "8 am"`},
		{"duplicate-notifier", 22, "alerts.notifiers[1].name", `nombre de notificador repetido "correo" (ya usado en la línea 15)`},
		{"webhook-url-not-http", 18, "alerts.notifiers[0].credentials.url", "no es una dirección http o https"},
		{"bad-severity", 27, "alerts.rules.takeover.severity", `nivel de severidad inválido "critical"`},
		{"missing-steps", 23, "alerts.routes[0].steps", "faltan los pasos de la ruta"},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.file+".yaml"] = true
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join("testdata", "config", "alerts", "bad", tt.file+".yaml")
			cfg, err := agent.LoadConfig(path, alertsEnv)
			if err == nil || cfg != nil {
				t.Fatalf("no error (config %v)", cfg)
			}
			ces := asConfigErrors(t, err)
			if len(ces) != 1 {
				t.Fatalf("want exactly one problem, got %d:\n%v", len(ces), err)
			}
			got := ces[0]
			if got.File != path || got.Line != tt.line || got.Key != tt.key || !strings.Contains(got.Msg, tt.fragment) {
				t.Errorf("got  %s\nwant %s:%d: %s: …%s…", got.Error(), path, tt.line, tt.key, tt.fragment)
			}
			for _, sec := range []string{"password-secreto", "token-secreto", "inline-secret-value"} {
				if strings.Contains(err.Error(), sec) {
					t.Errorf("the error reveals a secret: %v", err)
				}
			}
		})
	}
	t.Run("every bad file is in the table", func(t *testing.T) {
		files, err := filepath.Glob(filepath.Join("testdata", "config", "alerts", "bad", "*.yaml"))
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
