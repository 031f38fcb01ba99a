package agent

import (
	"fmt"
	"regexp"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ife-mx/vigia/policy/health"
	"github.com/ife-mx/vigia/policy/registry"
)

// The governance part of the configuration: what 7.iii asks to record about each
// account, the administrators' levels (5.1), the suffix of handles on X (7.v), the
// expected cadence (6.xx) and the announced profile values that keep an ordinary
// profile edit from counting as a takeover signal (6.xxvi).

// DefaultXSuffix is the suffix of handles on X that 7.v names.
const DefaultXSuffix = "ife"

// Governance tunes the account-health checks.
type Governance struct {
	// TakeoverThreshold is the score at which takeover signals become urgent.
	TakeoverThreshold float64 `yaml:"takeover_threshold"`
	// AbandonedAfter is how long without an own post makes an account abandoned.
	AbandonedAfter time.Duration `yaml:"abandoned_after"`
	// AbandonedUnanswered is how many comments past the response SLA make an
	// account abandoned, whatever it posts.
	AbandonedUnanswered int `yaml:"abandoned_unanswered"`
}

// DefaultGovernance is the governance section when the configuration leaves it out.
func DefaultGovernance() Governance {
	return Governance{
		TakeoverThreshold:   health.DefaultThreshold,
		AbandonedAfter:      health.DefaultAbandonedAfter,
		AbandonedUnanswered: health.DefaultAbandonedUnanswered,
	}
}

// Authorization is the CNCS's authorization of an account (7.iii).
type Authorization struct {
	Oficio string `yaml:"oficio,omitempty"`
	// Date is the oficio's date (YYYY-MM-DD).
	Date time.Time `yaml:"date,omitempty"`
}

// Announced are profile values the organ has announced: a profile that changes to
// one of them is an ordinary edit, not a takeover signal.
type Announced struct {
	Handle      []string `yaml:"handle,omitempty"`
	DisplayName []string `yaml:"display_name,omitempty"`
	Bio         []string `yaml:"bio,omitempty"`
	AvatarURL   []string `yaml:"avatar_url,omitempty"`
	Link        []string `yaml:"link,omitempty"`
}

// AccountRegistry is an account's registry record and health settings.
type AccountRegistry struct {
	// Name is the account's public name (7.iii).
	Name string `yaml:"name,omitempty"`
	// Purpose and Operation are the account's purposes and how it is operated (7.iii).
	Purpose   string `yaml:"purpose,omitempty"`
	Operation string `yaml:"operation,omitempty"`
	// Authorization is the CNCS's oficio (7.iii).
	Authorization Authorization `yaml:"authorization,omitempty"`
	// RegistrationEmail is the address the account was opened with (7.v).
	RegistrationEmail string `yaml:"registration_email,omitempty"`
	// Cadence is the longest expected gap between own posts (6.xx); zero means the
	// network's default (daily, or weekly on YouTube).
	Cadence time.Duration `yaml:"cadence,omitempty"`
	// Announced are the announced profile values (6.xxvi).
	Announced Announced `yaml:"announced,omitempty"`
}

var (
	accountRegistryKeys = []string{"name", "purpose", "operation", "authorization", "registration_email", "cadence", "announced"}
	personLevels        = registry.Levels
	xSuffixRe           = regexp.MustCompile(`^[A-Za-z0-9_]{1,15}$`)
)

func (d *decoder) xSuffix(e entry) string {
	s := d.str(e)
	if s == "" {
		return DefaultXSuffix
	}
	if !xSuffixRe.MatchString(s) {
		d.errorf(e.line, e.path, "sufijo inválido %q: use letras, dígitos o «_» (ejemplo: ife)", s)
		return DefaultXSuffix
	}
	return s
}

func (d *decoder) governance(e entry) Governance {
	g := DefaultGovernance()
	f, _ := d.mapping(e, "takeover_threshold", "abandoned_after", "abandoned_unanswered")
	g.TakeoverThreshold = float64(d.integer(f["takeover_threshold"], int(g.TakeoverThreshold), 1, 1000))
	g.AbandonedAfter = d.duration(f["abandoned_after"], g.AbandonedAfter, 24*time.Hour)
	g.AbandonedUnanswered = d.integer(f["abandoned_unanswered"], g.AbandonedUnanswered, 1, 1_000_000)
	return g
}

// accountRegistry reads an account's registry keys from its fields.
func (d *decoder) accountRegistry(f map[string]entry) AccountRegistry {
	r := AccountRegistry{
		Name:              d.str(f["name"]),
		Purpose:           d.str(f["purpose"]),
		Operation:         d.str(f["operation"]),
		RegistrationEmail: d.str(f["registration_email"]),
	}
	af, _ := d.mapping(f["authorization"], "oficio", "date")
	r.Authorization.Oficio = d.str(af["oficio"])
	r.Authorization.Date = d.date(af["date"])
	r.Cadence = d.cadence(f["cadence"])
	nf, _ := d.mapping(f["announced"], "handle", "display_name", "bio", "avatar_url", "link")
	r.Announced = Announced{
		Handle:      d.stringList(nf["handle"]),
		DisplayName: d.stringList(nf["display_name"]),
		Bio:         d.stringList(nf["bio"]),
		AvatarURL:   d.stringList(nf["avatar_url"]),
		Link:        d.stringList(nf["link"]),
	}
	return r
}

func (d *decoder) date(e entry) time.Time {
	s := d.str(e)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t, err = time.Parse(time.RFC3339, s) // as a marshalled Config writes it
	}
	if err != nil {
		d.errorf(e.line, e.path, "fecha inválida %q (formato AAAA-MM-DD, ejemplo: 2026-01-15)", s)
		return time.Time{}
	}
	return t
}

// cadence reads daily, weekly or a duration of at least an hour; zero when absent.
func (d *decoder) cadence(e entry) time.Duration {
	s := d.str(e)
	switch s {
	case "":
		return 0
	case "daily", "diaria":
		return health.Daily
	case "weekly", "semanal":
		return health.Weekly
	}
	v, err := time.ParseDuration(s)
	switch {
	case err != nil:
		d.errorf(e.line, e.path, "periodicidad inválida %q (valores admitidos: daily, weekly o una duración como 48h)", s)
		return 0
	case v < time.Hour:
		d.errorf(e.line, e.path, "periodicidad demasiado corta %s (mínimo: 1h)", v)
		return 0
	}
	return v
}

// stringList reads a text or a list of texts.
func (d *decoder) stringList(e entry) []string {
	if e.absent() {
		return nil
	}
	if e.val.Kind == yaml.ScalarNode {
		if s := d.str(e); s != "" {
			return []string{s}
		}
		return nil
	}
	if e.val.Kind != yaml.SequenceNode {
		d.wrongType(e, "un texto o una lista de textos")
		return nil
	}
	var out []string
	for i, item := range e.val.Content {
		ie := entry{val: resolve(item), path: fmt.Sprintf("%s[%d]", e.path, i), line: item.Line}
		if s := d.str(ie); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Registry returns the configuration as policy/registry sees it.
func (c *Config) Registry() registry.Registry {
	r := registry.Registry{Domain: c.Institute.Domain, XSuffix: c.Institute.XSuffix}
	for i, o := range c.Organs {
		ro := registry.Organ{
			ID: o.ID, Name: o.Name, AttentionPublished: o.AttentionPublished,
			Titular:  registry.Person{Name: o.Admins.Titular.Name, Email: o.Admins.Titular.Email, Level: o.Admins.Titular.Level},
			Suplente: registry.Person{Name: o.Admins.Suplente.Name, Email: o.Admins.Suplente.Email, Level: o.Admins.Suplente.Level},
			Key:      fmt.Sprintf("organs[%d]", i), Line: o.Line,
		}
		for j, a := range o.Accounts {
			ro.Accounts = append(ro.Accounts, registry.Account{
				ID: a.ID, Network: a.Network, Handle: a.Handle, Name: a.Name, URL: a.URL,
				Purpose: a.Purpose, Operation: a.Operation,
				Authorization:     registry.Authorization{Oficio: a.Authorization.Oficio, Date: a.Authorization.Date},
				RegistrationEmail: a.RegistrationEmail, Status: string(a.Status),
				Key: fmt.Sprintf("organs[%d].accounts[%d]", i, j), Line: a.Line,
			})
		}
		r.Organs = append(r.Organs, ro)
	}
	return r
}
