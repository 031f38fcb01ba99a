// Package registry checks the registry of institutional accounts against the
// Criterios para el uso institucional de redes sociales: who administers each
// organ's accounts (5.1), the institute's e-mail domain (4.vii, 7.v), the suffix of
// handles on X (7.v), what is recorded about each account (7.iii) and the
// published attention calendar (5.1).
//
// Check is pure: it reads the Registry it is given and returns one Finding per
// broken rule, each citing its clause, in Spanish. The agent builds the Registry
// from its configuration; `vigia check` prints the findings.
package registry

import (
	"fmt"
	"net/mail"
	"sort"
	"strings"
	"time"
)

// Levels of a public servant (5.1: the administrador titular is "mando medio o
// superior"; the suplente "mando medio o personal operativo").
const (
	LevelMandoSuperior = "mando_superior"
	LevelMandoMedio    = "mando_medio"
	LevelOperativo     = "operativo"
)

// Levels lists the valid levels, highest first.
var Levels = []string{LevelMandoSuperior, LevelMandoMedio, LevelOperativo}

// Lifecycle statuses of an account (7.vii, 7.viii).
const (
	StatusActive    = "active"
	StatusSuspended = "suspended"
	StatusCancelled = "cancelled"
)

// NetworkX is the network whose handles must carry the institute's suffix (7.v
// names Twitter, now X).
const NetworkX = "x"

// The rules Check applies; a Finding's Rule is one of them.
const (
	RuleAdminMissing       = "admin_missing"
	RuleAdminLevel         = "admin_level"
	RuleAdminEmailDomain   = "admin_email_domain"
	RuleSameAdmin          = "same_admin"
	RuleRegistrationEmail  = "registration_email"
	RuleXHandleSuffix      = "x_handle_suffix"
	RuleRegistryField      = "registry_field"
	RuleAuthorization      = "authorization"
	RuleAttentionPublished = "attention_published"
)

// Person is an administrator or the titular del órgano as registered.
type Person struct {
	Name  string
	Email string
	// Level is one of the Level constants; empty when not registered.
	Level string
}

// Authorization is the CNCS's authorization of an account (7.iii): the oficio's
// number and date.
type Authorization struct {
	Oficio string
	Date   time.Time
}

// Account is one registered account.
type Account struct {
	ID      string
	Network string
	Handle  string
	// Name, URL, Purpose and Operation are what 7.iii asks to record: the
	// account's name, its address, its purposes and how it is operated.
	Name      string
	URL       string
	Purpose   string
	Operation string
	// Authorization is the CNCS's oficio.
	Authorization Authorization
	// RegistrationEmail is the address the account was opened with (7.v).
	RegistrationEmail string
	// Status is one of the Status constants.
	Status string
	// Key and Line locate the account in the configuration file.
	Key  string
	Line int
}

// Organ is an órgano responsable with its administrators and accounts.
type Organ struct {
	ID       string
	Name     string
	Titular  Person
	Suplente Person
	// AttentionPublished is where the organ publishes its accounts' attention hours
	// (a URL or a description); empty when it does not.
	AttentionPublished string
	Accounts           []Account
	// Key and Line locate the organ in the configuration file.
	Key  string
	Line int
}

// Registry is every organ and account, with the institute's settings.
type Registry struct {
	// Domain is the institute's e-mail domain (4.vii), such as ife.org.mx.
	Domain string
	// XSuffix is the suffix of handles on X (7.v), such as "ife".
	XSuffix string
	Organs  []Organ
}

// Finding is one broken rule.
type Finding struct {
	// Rule is one of the Rule constants.
	Rule string `json:"rule"`
	// Clause is the clause of the Criterios the rule comes from ("5.1", "7.v").
	Clause  string `json:"clause"`
	Organ   string `json:"organ"`
	Account string `json:"account,omitempty"`
	// Key is the configuration key at fault; Line its line (0 when unknown).
	Key  string `json:"key"`
	Line int    `json:"line,omitempty"`
	// Message says what is wrong, in Spanish.
	Message string `json:"message"`
}

// String formats the finding as "key: message (Criterios clause)".
func (f Finding) String() string {
	return fmt.Sprintf("%s: %s (Criterios, %s)", f.Key, f.Message, f.Clause)
}

// Check applies every rule to r and returns the findings, ordered by line and
// then in the order the rules are listed above.
func Check(r Registry) []Finding {
	var out []Finding
	for _, o := range r.Organs {
		out = append(out, checkOrgan(r, o)...)
		for _, a := range o.Accounts {
			out = append(out, checkAccount(r, o, a)...)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

func checkOrgan(r Registry, o Organ) []Finding {
	var out []Finding
	add := func(rule, clause, key, format string, args ...any) {
		out = append(out, Finding{Rule: rule, Clause: clause, Organ: o.ID, Key: o.Key + key, Line: o.Line,
			Message: fmt.Sprintf(format, args...)})
	}
	admins := []struct {
		p    Person
		key  string
		role string
		ok   func(level string) bool
		want string
	}{
		{o.Titular, ".admins.titular", "administrador titular", func(l string) bool { return l == LevelMandoMedio || l == LevelMandoSuperior },
			"mando medio o superior"},
		{o.Suplente, ".admins.suplente", "administrador suplente", func(l string) bool { return validLevel(l) },
			"mando medio o personal operativo"},
	}
	for _, ad := range admins {
		if ad.p.Name == "" || ad.p.Email == "" {
			add(RuleAdminMissing, "5.1", ad.key, "el órgano %q no tiene %s registrado: cada órgano designa un administrador titular y un suplente", o.ID, ad.role)
			continue
		}
		switch {
		case ad.p.Level == "":
			add(RuleAdminLevel, "5.1", ad.key+".level", "no se registró el nivel del %s %s (debe ser %s)", ad.role, ad.p.Name, ad.want)
		case !ad.ok(ad.p.Level):
			add(RuleAdminLevel, "5.1", ad.key+".level", "el %s %s tiene nivel %s; debe ser %s", ad.role, ad.p.Name, levelES(ad.p.Level), ad.want)
		}
		if !InDomain(ad.p.Email, r.Domain) {
			add(RuleAdminEmailDomain, "4.vii, 7.v", ad.key+".email", "el correo del %s (%s) no pertenece al dominio del Instituto %s", ad.role, ad.p.Email, r.Domain)
		}
	}
	if o.Titular.Email != "" && strings.EqualFold(o.Titular.Email, o.Suplente.Email) {
		add(RuleSameAdmin, "5.1", ".admins.suplente", "el administrador suplente es la misma persona que el titular: se designan dos funcionarios")
	}
	active := false
	for _, a := range o.Accounts {
		if a.Status != StatusCancelled {
			active = true
		}
	}
	if active && strings.TrimSpace(o.AttentionPublished) == "" {
		add(RuleAttentionPublished, "5.1", ".attention_published",
			"no se indica dónde publica el órgano los horarios de atención de sus cuentas (vacaciones y días no laborables)")
	}
	return out
}

func checkAccount(r Registry, o Organ, a Account) []Finding {
	var out []Finding
	add := func(rule, clause, key, format string, args ...any) {
		out = append(out, Finding{Rule: rule, Clause: clause, Organ: o.ID, Account: a.ID, Key: a.Key + key, Line: a.Line,
			Message: fmt.Sprintf(format, args...)})
	}
	fields := []struct {
		v, key, what string
	}{
		{a.Name, ".name", "el nombre de la cuenta"},
		{a.URL, ".url", "la dirección (URL) de la cuenta"},
		{a.Purpose, ".purpose", "los propósitos de la cuenta"},
		{a.Operation, ".operation", "la operación de la cuenta (quién publica, cómo y cuándo)"},
	}
	for _, f := range fields {
		if strings.TrimSpace(f.v) == "" {
			add(RuleRegistryField, "7.iii", f.key, "falta en el registro %s %q", f.what, a.ID)
		}
	}
	switch {
	case strings.TrimSpace(a.Authorization.Oficio) == "" && a.Authorization.Date.IsZero():
		add(RuleAuthorization, "7.iii", ".authorization", "falta la autorización de la CNCS de la cuenta %q (número y fecha del oficio)", a.ID)
	case strings.TrimSpace(a.Authorization.Oficio) == "":
		add(RuleAuthorization, "7.iii", ".authorization.oficio", "falta el número del oficio de autorización de la cuenta %q", a.ID)
	case a.Authorization.Date.IsZero():
		add(RuleAuthorization, "7.iii", ".authorization.date", "falta la fecha del oficio de autorización de la cuenta %q", a.ID)
	}
	switch {
	case strings.TrimSpace(a.RegistrationEmail) == "":
		add(RuleRegistrationEmail, "7.v", ".registration_email", "falta el correo con el que se abrió la cuenta %q (debe ser del dominio %s)", a.ID, r.Domain)
	case !InDomain(a.RegistrationEmail, r.Domain):
		add(RuleRegistrationEmail, "4.vii, 7.v", ".registration_email", "la cuenta %q se abrió con %s, que no pertenece al dominio del Instituto %s", a.ID, a.RegistrationEmail, r.Domain)
	}
	if a.Network == NetworkX && r.XSuffix != "" && !HasSuffix(a.Handle, r.XSuffix) {
		add(RuleXHandleSuffix, "7.v", ".handle", "el nombre de usuario @%s en X no lleva el sufijo %q", a.Handle, r.XSuffix)
	}
	return out
}

// InDomain reports whether addr is a valid e-mail address of domain or of one of
// its subdomains, ignoring case.
func InDomain(addr, domain string) bool {
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Address != strings.TrimSpace(addr) || domain == "" {
		return false
	}
	at := strings.LastIndexByte(a.Address, '@')
	host := strings.ToLower(a.Address[at+1:])
	domain = strings.ToLower(domain)
	return host == domain || strings.HasSuffix(host, "."+domain)
}

// HasSuffix reports whether handle ends with suffix, ignoring case and a leading
// "@" ("CNCS_IFE" carries the suffix "ife").
func HasSuffix(handle, suffix string) bool {
	h := strings.ToLower(strings.TrimPrefix(handle, "@"))
	return len(h) > 0 && strings.HasSuffix(h, strings.ToLower(suffix))
}

func validLevel(l string) bool {
	for _, v := range Levels {
		if l == v {
			return true
		}
	}
	return false
}

func levelES(l string) string {
	switch l {
	case LevelMandoSuperior:
		return "mando superior"
	case LevelMandoMedio:
		return "mando medio"
	case LevelOperativo:
		return "personal operativo"
	}
	return fmt.Sprintf("%q", l)
}
