package alerts

import (
	"fmt"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Notifier types.
const (
	TypeEmail        = "email"
	TypeWebhook      = "webhook"
	TypeSlack        = "slack"
	TypeMattermost   = "mattermost"
	TypeTeams        = "teams"
	TypeTelegram     = "telegram"
	TypeAlertmanager = "alertmanager"
)

// NotifierTypes lists the notifier types in a stable order.
var NotifierTypes = []string{TypeEmail, TypeWebhook, TypeSlack, TypeMattermost, TypeTeams, TypeTelegram, TypeAlertmanager}

// TLS modes of the e-mail notifier.
const (
	TLSStartTLS = "starttls" // STARTTLS required
	TLSImplicit = "tls"      // implicit TLS (SMTPS, port 465)
	TLSNone     = "none"     // no encryption (a relay on loopback)
)

// Recipients a route step can name.
const (
	ToAdmins   = "admins"   // the account's administrador titular and suplente
	ToTitular  = "titular"  // the administrador titular only
	ToSuplente = "suplente" // the administrador suplente only
	ToHead     = "head"     // the titular del órgano
	ToCNCS     = "cncs"     // Coordinación Nacional de Comunicación Social
	ToUNICOM   = "unicom"   // the institute's IT unit
)

// RecipientNames lists what a step's "to" accepts.
var RecipientNames = []string{ToAdmins, ToTitular, ToSuplente, ToHead, ToCNCS, ToUNICOM}

// Defaults of the alerts section.
const (
	DefaultGroupWait     = time.Minute
	DefaultGroupMax      = 20
	DefaultRateMessages  = 20
	DefaultRatePer       = time.Hour
	DefaultRetryInitial  = 30 * time.Second
	DefaultRetryMax      = 30 * time.Minute
	DefaultTimeout       = 30 * time.Second
	DefaultFiringTTL     = 7 * 24 * time.Hour
	DefaultDigestTime    = "08:00"
	DefaultDigestWeekday = time.Monday
	DefaultSLAMaxAge     = 7 * 24 * time.Hour
)

// Config is the configuration's alerts section, decoded and validated by the
// agent's configuration loader (secrets resolved).
type Config struct {
	Notifiers []NotifierConfig
	Contacts  Contacts
	Routes    []Route
	// Rules maps each rule (Rules) to its route and severity; a rule absent is not notified.
	Rules map[string]RuleConfig
	// QuietHours holds non-urgent messages outside the recipient's attention hours.
	QuietHours bool
	RateLimit  RateLimit
	Group      Group
	Retry      Retry
	Digests    Digests
	// SLAMaxAge: no sla_at_risk or sla_breached alert is raised for a comment
	// published longer ago than this (a first backfill finds many such; the digests
	// list them); 0 raises them whatever their age.
	SLAMaxAge time.Duration
}

// NotifierConfig is one notifier. Which fields apply depends on Type.
type NotifierConfig struct {
	Name string
	Type string
	// E-mail: the SMTP server, TLS mode, optional authentication, sender.
	Host     string
	Port     int
	TLS      string
	Username string
	Password connectors.Secret
	From     string
	// URL is a webhook's address (a secret: it carries the token), or
	// Alertmanager's base URL.
	URL connectors.Secret
	// Telegram: the bot token (secret), the chat and the API's base URL.
	Token  connectors.Secret
	ChatID string
	APIURL string
	// Timeout bounds one delivery.
	Timeout time.Duration
	// FiringTTL is the endsAt pushed to Alertmanager with a firing alert
	// (Alertmanager resolves an alert by itself once endsAt passes).
	FiringTTL time.Duration
	Line      int
}

// Contacts are the institute-wide recipients.
type Contacts struct {
	CNCS   Person
	UNICOM Person
}

// Route is an escalation ladder: its steps in order of After.
type Route struct {
	Name  string
	Steps []Step
	Line  int
}

// Step is one rung of a ladder: after the alert has fired for After (and is still
// firing), send to To through Via.
type Step struct {
	After time.Duration
	To    []string
	Via   []string
}

// RuleConfig routes one rule.
type RuleConfig struct {
	Route    string
	Severity Severity
}

// RateLimit bounds the messages one channel (a notifier and recipient) receives in
// a window; what exceeds it waits and is grouped. Urgent alerts are exempt.
type RateLimit struct {
	Messages int
	Per      time.Duration
}

// Group merges alerts of the same rule and state queued for one channel into one
// message: a non-urgent alert waits Wait for others to join; at most Max per message.
type Group struct {
	Wait time.Duration
	Max  int
}

// Retry is the outbox's backoff after a failure worth retrying: Initial, doubling,
// capped at Max. Deliveries are retried until they succeed.
type Retry struct {
	Initial time.Duration
	Max     time.Duration
}

// Digests configures the daily digests (per account and per organ, to the
// administrators and the titular del órgano) and the weekly one for CNCS.
type Digests struct {
	// Via are the notifiers digests go through; none disables digests.
	Via []string
	// At is the local time ("08:00") digests are sent, in TimeZone.
	At       string
	TimeZone *time.Location
	// Weekday is the day of the weekly digest.
	Weekday time.Weekday
}

// DefaultConfig returns the section's defaults (no notifiers, no routes).
func DefaultConfig() Config {
	loc, err := time.LoadLocation("America/Mexico_City")
	if err != nil {
		loc = time.UTC
	}
	return Config{
		Rules:      map[string]RuleConfig{},
		QuietHours: true,
		RateLimit:  RateLimit{Messages: DefaultRateMessages, Per: DefaultRatePer},
		Group:      Group{Wait: DefaultGroupWait, Max: DefaultGroupMax},
		Retry:      Retry{Initial: DefaultRetryInitial, Max: DefaultRetryMax},
		Digests:    Digests{At: DefaultDigestTime, TimeZone: loc, Weekday: DefaultDigestWeekday},
		SLAMaxAge:  DefaultSLAMaxAge,
	}
}

// DefaultSeverity is each rule's severity unless the configuration says otherwise.
var DefaultSeverity = map[string]Severity{
	RuleSLAAtRisk:        SeverityWarning,
	RuleSLABreached:      SeverityWarning,
	RuleOffensiveComment: SeverityWarning,
	RuleOwnContent:       SeverityUrgent,
	RuleTakeover:         SeverityUrgent,
	RulePollingBroken:    SeverityWarning,
	RuleStaleAccount:     SeverityInfo,
	RuleRegistryChange:   SeverityWarning,
}

// Route returns the route with the given name.
func (c *Config) Route(name string) (Route, bool) {
	for _, r := range c.Routes {
		if r.Name == name {
			return r, true
		}
	}
	return Route{}, false
}

// Notifier returns the notifier configuration with the given name.
func (c *Config) Notifier(name string) (NotifierConfig, bool) {
	for _, n := range c.Notifiers {
		if n.Name == name {
			return n, true
		}
	}
	return NotifierConfig{}, false
}

// check verifies the references between notifiers, routes and rules (the
// configuration loader reports them with lines first; this guards New).
func (c *Config) check() error {
	for _, r := range c.Routes {
		for _, s := range r.Steps {
			for _, v := range s.Via {
				if _, ok := c.Notifier(v); !ok {
					return fmt.Errorf("alerts: route %q: unknown notifier %q", r.Name, v)
				}
			}
		}
	}
	for rule, rc := range c.Rules {
		if _, ok := c.Route(rc.Route); !ok {
			return fmt.Errorf("alerts: rule %q: unknown route %q", rule, rc.Route)
		}
	}
	for _, v := range c.Digests.Via {
		if _, ok := c.Notifier(v); !ok {
			return fmt.Errorf("alerts: digests: unknown notifier %q", v)
		}
	}
	return nil
}
