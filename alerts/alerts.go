// Package alerts tells people what the agent found: an unanswered comment about to
// breach its answer time, an insult, an account that looks hijacked (Criterios
// 5.2.f, 6.xv, 6.xvii, 6.xix, 6.xxvi).
//
// The agent raises an Event through a Sink. The Dispatcher records every change of
// state of an alert (rule and subject) in the archive, once, and queues what must
// be sent in an outbox in the same transaction: one entry per channel (a notifier
// and, for e-mail, a recipient), following the rule's route and its escalation
// ladder. Deliveries go out in order per channel, with retries and backoff for
// failures worth retrying, per-recipient rate limits, grouping of similar alerts
// into one message and quiet hours outside the recipient's attention calendar.
// Notifiers are e-mail (SMTP), webhooks (generic JSON, Slack, Mattermost, Microsoft
// Teams workflows, Telegram bots) and Prometheus Alertmanager.
package alerts

import (
	"context"
	"time"
)

// The rules an alert can be about. Each has a route, a severity and an escalation
// ladder in the configuration.
const (
	// RuleSLAAtRisk: a comment awaiting an answer entered the at-risk band (5.2.e, 6.xvii).
	RuleSLAAtRisk = "sla_at_risk"
	// RuleSLABreached: a comment awaiting an answer passed the answer time.
	RuleSLABreached = "sla_breached"
	// RuleOffensiveComment: a comment by others recommended for blocking (6.xv).
	RuleOffensiveComment = "offensive_comment"
	// RuleOwnContent: the account's own text insults or discloses personal data (6.xix, 6.iii).
	RuleOwnContent = "own_content"
	// RuleTakeover: signals that the account is operated by someone else (6.xxvi).
	RuleTakeover = "takeover"
	// RulePollingBroken: the account cannot be polled (credentials rejected, repeated failures).
	RulePollingBroken = "polling_broken"
	// RuleStaleAccount: the account has not published for longer than its cadence (6.xx, 7.viii).
	RuleStaleAccount = "stale_account"
	// RuleRegistryChange: an organ's administrators or an account's lifecycle status
	// changed between two configurations (7.iv, 7.vii); CNCS must hear of it.
	RuleRegistryChange = "registry_change"
	// RuleTest is the rule of the messages «vigia alerts test» sends.
	RuleTest = "test"
	// RuleDigest is the rule of digest messages.
	RuleDigest = "digest"
)

// Rules lists the configurable rules in a stable order.
var Rules = []string{RuleSLAAtRisk, RuleSLABreached, RuleOffensiveComment, RuleOwnContent, RuleTakeover, RulePollingBroken, RuleStaleAccount, RuleRegistryChange}

// Severity says how fast someone must act; urgent alerts ignore quiet hours and
// rate limits.
type Severity string

// The severities.
const (
	SeverityInfo    Severity = "info"
	SeverityWarning Severity = "warning"
	SeverityUrgent  Severity = "urgent"
)

// Severities lists the severities in increasing order.
var Severities = []Severity{SeverityInfo, SeverityWarning, SeverityUrgent}

// State is an alert's state.
type State string

// The states of an alert. Escalated is recorded in the archive when a step of the
// ladder is reached; an Event is only ever Firing or Resolved.
const (
	StateFiring    State = "firing"
	StateResolved  State = "resolved"
	StateEscalated State = "escalated"
)

// Event is something the agent found, or found over. Rule and Subject identify the
// alert (Subject is stable: "x:1234567" for a comment, the account id for an
// account); an alert is notified once per change of State.
type Event struct {
	Rule    string `json:"rule"`
	Subject string `json:"subject"`
	// Account is the configured account's id; it selects the recipients.
	Account string `json:"account"`
	State   State  `json:"state"`
	// Severity overrides the rule's configured severity when set.
	Severity Severity `json:"severity,omitempty"`
	// Summary is one Spanish sentence saying what happened; a default per rule when empty.
	Summary string `json:"summary,omitempty"`
	// Text is the comment's or post's text (untrusted: it is escaped wherever rendered).
	Text string `json:"text,omitempty"`
	// Author is the handle of the text's author (untrusted).
	Author string `json:"author,omitempty"`
	// Link is the item's address on the network; only http and https links are shown.
	Link string `json:"link,omitempty"`
	// Waited is how long the comment has waited, in the account's business time.
	Waited time.Duration `json:"waited,omitempty"`
	// Evidence is a short machine description of why (matched spans, a flag's rule).
	Evidence string `json:"evidence,omitempty"`
	// Fields are further facts shown as "key: value" lines, in key order.
	Fields map[string]string `json:"fields,omitempty"`
	// At is when it happened; the dispatcher's clock when zero.
	At time.Time `json:"at"`
}

// Sink receives the agent's events. The Dispatcher is one; governance signals
// (takeover, stale accounts) are raised through the same interface.
type Sink interface {
	Raise(ctx context.Context, ev Event) error
}

// Person is someone an alert can be sent to.
type Person struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// AccountInfo is what routing needs to know about an account: who administers it,
// who heads its organ, and its attention calendar's next opening.
type AccountInfo struct {
	ID        string
	Network   string
	Handle    string
	Organ     string
	OrganName string
	Titular   Person
	Suplente  Person
	Head      Person
	// NextOpen returns the first instant at or after t within the account's
	// attention hours; nil means always open (no quiet hours).
	NextOpen func(t time.Time) time.Time
}

// Directory looks accounts up by id; the agent builds it from its configuration.
type Directory interface {
	Account(id string) (AccountInfo, bool)
	Accounts() []AccountInfo
}

// Alert is one alert as delivered: the event with what routing added. It is what
// the outbox stores (as JSON) and notifiers render; it never holds a secret.
type Alert struct {
	// ID is the alert's record in the archive's hash chain (0 for tests and digests).
	ID        int64             `json:"id,omitempty"`
	Rule      string            `json:"rule"`
	Subject   string            `json:"subject"`
	State     State             `json:"state"`
	Severity  Severity          `json:"severity"`
	Account   string            `json:"account,omitempty"`
	Network   string            `json:"network,omitempty"`
	Handle    string            `json:"handle,omitempty"`
	Organ     string            `json:"organ,omitempty"`
	OrganName string            `json:"organ_name,omitempty"`
	Summary   string            `json:"summary"`
	Text      string            `json:"text,omitempty"`
	Author    string            `json:"author,omitempty"`
	Link      string            `json:"link,omitempty"`
	Waited    time.Duration     `json:"waited,omitempty"`
	Evidence  string            `json:"evidence,omitempty"`
	Fields    map[string]string `json:"fields,omitempty"`
	// StartsAt is when the alert fired; EndsAt when it resolved (zero while firing).
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at,omitempty"`
	// Step is the escalation step (0 the first) this delivery belongs to.
	Step int `json:"step"`
	// Body, for digests, is the preformatted Spanish text.
	Body string `json:"body,omitempty"`
}

// Message is one delivery: the alerts (several when grouped) for one recipient.
type Message struct {
	// To is the recipient; e-mail notifiers need its Email, the others ignore it.
	To     Person
	Alerts []Alert
}
