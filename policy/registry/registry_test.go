package registry

import (
	"strings"
	"testing"
	"time"
)

// clean is a registry that breaks no rule.
func clean() Registry {
	return Registry{
		Domain:  "ife.org.mx",
		XSuffix: "ife",
		Organs: []Organ{{
			ID: "cncs", Name: "Coordinación Nacional de Comunicación Social", Key: "organs[0]", Line: 10,
			Titular:            Person{Name: "Jorge Salinas Ruiz", Email: "jorge.salinas@ife.org.mx", Level: LevelMandoMedio},
			Suplente:           Person{Name: "Ana Karen Torres Vega", Email: "ana.torres@ife.org.mx", Level: LevelOperativo},
			AttentionPublished: "https://www.ife.org.mx/redes/horarios",
			Accounts: []Account{{
				ID: "cncs-x", Network: "x", Handle: "CNCS_IFE", Key: "organs[0].accounts[0]", Line: 20,
				Name: "IFE Comunicación Social", URL: "https://x.com/CNCS_IFE",
				Purpose: "Difundir las actividades del Instituto", Operation: "Publica la CNCS en días hábiles",
				Authorization:     Authorization{Oficio: "CNCS/0123/2026", Date: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)},
				RegistrationEmail: "redes.cncs@ife.org.mx",
				Status:            StatusActive,
			}},
		}},
	}
}

func TestCheck_Clean(t *testing.T) {
	t.Parallel()
	if fs := Check(clean()); len(fs) != 0 {
		t.Fatalf("a clean registry has findings: %v", fs)
	}
}

// TestCheck_EachRule breaks one rule per registry: each gives exactly one finding,
// with its rule, clause and key.
func TestCheck_EachRule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		breaks func(r *Registry)
		rule   string
		clause string
		key    string
		msg    string
	}{
		{"no titular", func(r *Registry) { r.Organs[0].Titular = Person{} },
			RuleAdminMissing, "5.1", "organs[0].admins.titular", "no tiene administrador titular"},
		{"no suplente", func(r *Registry) { r.Organs[0].Suplente = Person{} },
			RuleAdminMissing, "5.1", "organs[0].admins.suplente", "no tiene administrador suplente"},
		{"titular operativo", func(r *Registry) { r.Organs[0].Titular.Level = LevelOperativo },
			RuleAdminLevel, "5.1", "organs[0].admins.titular.level", "debe ser mando medio o superior"},
		{"titular level not registered", func(r *Registry) { r.Organs[0].Titular.Level = "" },
			RuleAdminLevel, "5.1", "organs[0].admins.titular.level", "no se registró el nivel"},
		{"suplente level not registered", func(r *Registry) { r.Organs[0].Suplente.Level = "" },
			RuleAdminLevel, "5.1", "organs[0].admins.suplente.level", "no se registró el nivel"},
		{"titular e-mail outside the domain", func(r *Registry) { r.Organs[0].Titular.Email = "jorge.salinas@gmail.com" },
			RuleAdminEmailDomain, "4.vii, 7.v", "organs[0].admins.titular.email", "no pertenece al dominio del Instituto ife.org.mx"},
		{"suplente e-mail on a look-alike domain", func(r *Registry) { r.Organs[0].Suplente.Email = "ana.torres@ife.org.mx.example.com" },
			RuleAdminEmailDomain, "4.vii, 7.v", "organs[0].admins.suplente.email", "no pertenece al dominio"},
		{"same person twice", func(r *Registry) { r.Organs[0].Suplente.Email = "JORGE.SALINAS@ife.org.mx" },
			RuleSameAdmin, "5.1", "organs[0].admins.suplente", "misma persona"},
		{"attention hours not published", func(r *Registry) { r.Organs[0].AttentionPublished = " " },
			RuleAttentionPublished, "5.1", "organs[0].attention_published", "horarios de atención"},
		{"no account name", func(r *Registry) { r.Organs[0].Accounts[0].Name = "" },
			RuleRegistryField, "7.iii", "organs[0].accounts[0].name", "el nombre de la cuenta"},
		{"no account URL", func(r *Registry) { r.Organs[0].Accounts[0].URL = "" },
			RuleRegistryField, "7.iii", "organs[0].accounts[0].url", "la dirección (URL)"},
		{"no purpose", func(r *Registry) { r.Organs[0].Accounts[0].Purpose = "" },
			RuleRegistryField, "7.iii", "organs[0].accounts[0].purpose", "los propósitos"},
		{"no operation", func(r *Registry) { r.Organs[0].Accounts[0].Operation = "" },
			RuleRegistryField, "7.iii", "organs[0].accounts[0].operation", "la operación"},
		{"no authorization", func(r *Registry) { r.Organs[0].Accounts[0].Authorization = Authorization{} },
			RuleAuthorization, "7.iii", "organs[0].accounts[0].authorization", "número y fecha del oficio"},
		{"authorization without oficio", func(r *Registry) { r.Organs[0].Accounts[0].Authorization.Oficio = "" },
			RuleAuthorization, "7.iii", "organs[0].accounts[0].authorization.oficio", "número del oficio"},
		{"authorization without date", func(r *Registry) { r.Organs[0].Accounts[0].Authorization.Date = time.Time{} },
			RuleAuthorization, "7.iii", "organs[0].accounts[0].authorization.date", "fecha del oficio"},
		{"no registration e-mail", func(r *Registry) { r.Organs[0].Accounts[0].RegistrationEmail = "" },
			RuleRegistrationEmail, "7.v", "organs[0].accounts[0].registration_email", "falta el correo con el que se abrió"},
		{"registration e-mail outside the domain", func(r *Registry) { r.Organs[0].Accounts[0].RegistrationEmail = "cncs.ife@hotmail.com" },
			RuleRegistrationEmail, "4.vii, 7.v", "organs[0].accounts[0].registration_email", "se abrió con cncs.ife@hotmail.com"},
		{"X handle without the suffix", func(r *Registry) { r.Organs[0].Accounts[0].Handle = "IFEMexico" },
			RuleXHandleSuffix, "7.v", "organs[0].accounts[0].handle", `@IFEMexico en X no lleva el sufijo "ife"`},
		{"configured suffix", func(r *Registry) { r.XSuffix = "_mx" },
			RuleXHandleSuffix, "7.v", "organs[0].accounts[0].handle", `no lleva el sufijo "_mx"`},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.rule] = true
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := clean()
			tt.breaks(&r)
			fs := Check(r)
			if len(fs) != 1 {
				t.Fatalf("want exactly one finding, got %d: %v", len(fs), fs)
			}
			f := fs[0]
			if f.Rule != tt.rule || f.Clause != tt.clause || f.Key != tt.key || f.Organ != "cncs" {
				t.Errorf("finding %+v, want rule %s, clause %s, key %s", f, tt.rule, tt.clause, tt.key)
			}
			if !strings.Contains(f.Message, tt.msg) {
				t.Errorf("message %q does not say %q", f.Message, tt.msg)
			}
			if want := "(Criterios, " + tt.clause + ")"; !strings.HasSuffix(f.String(), want) {
				t.Errorf("%q does not cite %s", f.String(), want)
			}
		})
	}
	for _, rule := range []string{RuleAdminMissing, RuleAdminLevel, RuleAdminEmailDomain, RuleSameAdmin, RuleRegistrationEmail,
		RuleXHandleSuffix, RuleRegistryField, RuleAuthorization, RuleAttentionPublished} {
		if !seen[rule] {
			t.Errorf("rule %s has no case in the table", rule)
		}
	}
}

func TestCheck_Scope(t *testing.T) {
	t.Parallel()
	t.Run("suffix applies on X only", func(t *testing.T) {
		r := clean()
		r.Organs[0].Accounts[0].Network = "mastodon"
		r.Organs[0].Accounts[0].Handle = "ife@mastodon.social"
		if fs := Check(r); len(fs) != 0 {
			t.Errorf("findings on a Mastodon handle: %v", fs)
		}
	})
	t.Run("an organ with only cancelled accounts needs no attention hours", func(t *testing.T) {
		r := clean()
		r.Organs[0].AttentionPublished = ""
		r.Organs[0].Accounts[0].Status = StatusCancelled
		if fs := Check(r); len(fs) != 0 {
			t.Errorf("findings: %v", fs)
		}
	})
	t.Run("subdomains belong to the domain", func(t *testing.T) {
		r := clean()
		r.Organs[0].Titular.Email = "jorge.salinas@jal.ife.org.mx"
		if fs := Check(r); len(fs) != 0 {
			t.Errorf("findings: %v", fs)
		}
	})
	t.Run("findings in line order", func(t *testing.T) {
		r := clean()
		r.Organs[0].Accounts[0].Name = ""
		r.Organs[0].Titular.Level = ""
		fs := Check(r)
		if len(fs) != 2 || fs[0].Line != 10 || fs[1].Line != 20 {
			t.Errorf("findings %v", fs)
		}
	})
}

func TestInDomain(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]bool{
		"a@ife.org.mx": true, "a@IFE.ORG.MX": true, "a@sub.ife.org.mx": true,
		"a@xife.org.mx": false, "a@ife.org.mx.evil": false, "Ana <a@ife.org.mx>": false, "": false, "ife.org.mx": false,
	} {
		if got := InDomain(addr, "ife.org.mx"); got != want {
			t.Errorf("InDomain(%q) = %v, want %v", addr, got, want)
		}
	}
}
