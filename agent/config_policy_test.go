package agent_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/policy/calendar"
	"github.com/ife-mx/vigia/policy/response"
)

const policyConfig = `database: v.db
organs:
  - id: cncs
    name: CNCS
    head: {name: T, email: t@ife.org.mx}
    admins:
      titular: {name: A, email: a@ife.org.mx}
      suplente: {name: B, email: b@ife.org.mx}
    attention:
      time_zone: America/Tijuana
      hours: {weekdays: ["08:00-16:00"]}
      vacations: [{name: Invierno, from: 2026-12-20, to: 2027-01-05}]
    response:
      at_risk: 2h
      breached: 6h
    accounts:
      - {id: inherits, network: simulated, handle: a}
      - id: own
        network: simulated
        handle: b
        attention: {hours: {weekdays: ["09:00-18:00"], saturday: ["10:00-14:00"]}}
        response: {intents: [question, complaint], answers: direct}
  - id: derfe
    name: DERFE
    head: {name: T, email: t2@ife.org.mx}
    admins:
      titular: {name: A, email: a2@ife.org.mx}
      suplente: {name: B, email: b2@ife.org.mx}
    accounts:
      - {id: defaults, network: simulated, handle: c}
`

func TestParseConfig_AttentionAndResponse(t *testing.T) {
	t.Parallel()
	cfg, err := agent.ParseConfig([]byte(policyConfig), "vigia.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]agent.AccountConfig{}
	for _, a := range cfg.AccountConfigs() {
		byID[a.ID] = a
	}
	t.Run("an account inherits its organ's calendar and policy", func(t *testing.T) {
		a := byID["inherits"]
		if a.Attention.TimeZone != "America/Tijuana" || len(a.Attention.Vacations) != 1 {
			t.Errorf("attention = %+v", a.Attention)
		}
		if a.Response.AtRisk != 2*time.Hour || a.Response.Breached != 6*time.Hour {
			t.Errorf("response = %+v", a.Response)
		}
		if len(a.Response.Intents) != len(response.DefaultIntents) {
			t.Errorf("intents = %v, want the defaults", a.Response.Intents)
		}
	})
	t.Run("an account's own sections replace its organ's", func(t *testing.T) {
		a := byID["own"]
		if a.Attention.TimeZone != calendar.DefaultTimeZone || len(a.Attention.Hours.Saturday) != 1 {
			t.Errorf("attention = %+v", a.Attention)
		}
		if a.Response.Answers != response.ScopeDirect || len(a.Response.Intents) != 2 || a.Response.AtRisk != response.DefaultAtRisk {
			t.Errorf("response = %+v", a.Response)
		}
	})
	t.Run("without sections the defaults apply", func(t *testing.T) {
		a := byID["defaults"]
		if a.Attention.TimeZone != calendar.DefaultTimeZone || a.Response.Breached != response.DefaultBreached {
			t.Errorf("attention = %+v, response = %+v", a.Attention, a.Response)
		}
		if _, err := calendar.New(a.Attention); err != nil {
			t.Fatal(err)
		}
	})
}

func TestParseConfig_AttentionErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, old, new, key, want string
		line                      int
	}{
		{"unknown time zone", "time_zone: America/Tijuana", "time_zone: America/Atlantida", "organs[0].attention", "zona horaria", 8},
		{"bad hours", `hours: {weekdays: ["08:00-16:00"]}`, `hours: {weekdays: ["16:00-08:00"]}`, "organs[0].attention", "", 8},
		{"unknown key", "at_risk: 2h", "at_risk: 2h\n      en_riesgo: 3h", "organs[0].response", "en_riesgo", 13},
		{"breached before at risk", "breached: 6h", "breached: 1h", "organs[0].response", "at_risk", 13},
		{"unknown intent", "intents: [question, complaint]", "intents: [question, chisme]", "organs[0].accounts[1].response", "chisme", 22},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc := strings.Replace(policyConfig, tc.old, tc.new, 1)
			if doc == policyConfig {
				t.Fatal("test case does not change the document")
			}
			_, err := agent.ParseConfig([]byte(doc), "vigia.yaml", nil)
			ces, ok := err.(agent.ConfigErrors)
			if !ok || len(ces) == 0 {
				t.Fatalf("err = %v, want ConfigErrors", err)
			}
			found := false
			for _, ce := range ces {
				if strings.HasPrefix(ce.Key, tc.key) && strings.Contains(ce.Error(), tc.want) && ce.Line >= tc.line {
					found = true
				}
			}
			if !found {
				t.Fatalf("errors = %v, want one at %s (line ≥ %d) mentioning %q", ces, tc.key, tc.line, tc.want)
			}
		})
	}
}
