package alerts

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Alertmanager pushes alerts to Prometheus Alertmanager's API v2 (POST
// /api/v2/alerts). A firing alert is pushed with endsAt FiringTTL ahead (so it
// stays active until then or until resolved); a resolved one with its end time,
// which resolves it in Alertmanager.
type Alertmanager struct {
	name   string
	url    string
	ttl    time.Duration
	client *http.Client
	now    func() time.Time
}

// AlertmanagerOptions build an Alertmanager notifier.
type AlertmanagerOptions struct {
	Name string
	// URL is Alertmanager's base address (http://127.0.0.1:9093).
	URL       string
	FiringTTL time.Duration
	Client    *http.Client
	Timeout   time.Duration
	Now       func() time.Time
}

// NewAlertmanager builds an Alertmanager notifier.
func NewAlertmanager(o AlertmanagerOptions) (*Alertmanager, error) {
	if safeLink(o.URL) == "" {
		return nil, fmt.Errorf("alerts: %s: the Alertmanager URL must be an absolute http or https URL", o.Name)
	}
	am := &Alertmanager{name: o.Name, url: strings.TrimRight(o.URL, "/") + "/api/v2/alerts", ttl: o.FiringTTL, client: o.Client, now: o.Now}
	if am.ttl <= 0 {
		am.ttl = DefaultFiringTTL
	}
	if am.now == nil {
		am.now = time.Now
	}
	am.client = clientOr(o.Client, o.Timeout)
	return am, nil
}

// Name returns the notifier's configured name.
func (am *Alertmanager) Name() string { return am.name }

// Type returns TypeAlertmanager.
func (am *Alertmanager) Type() string { return TypeAlertmanager }

// amAlert is Alertmanager's postableAlert.
type amAlert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	StartsAt     time.Time         `json:"startsAt,omitempty"`
	EndsAt       time.Time         `json:"endsAt,omitempty"`
	GeneratorURL string            `json:"generatorURL,omitempty"`
}

// Notify pushes every alert of the message.
func (am *Alertmanager) Notify(ctx context.Context, m Message) error {
	body, err := am.Payload(m)
	if err != nil {
		return &Error{Notifier: am.name, Reason: ReasonInvalid, Detail: err.Error()}
	}
	return postJSON(ctx, am.client, am.name, am.url, body)
}

// Payload returns the JSON array of alerts pushed for m.
func (am *Alertmanager) Payload(m Message) ([]byte, error) {
	now := am.now()
	out := make([]amAlert, 0, len(m.Alerts))
	for _, a := range m.Alerts {
		labels := map[string]string{"alertname": a.Rule, "severity": string(a.Severity), "subject": oneLine(a.Subject), "source": "vigia"}
		for k, v := range map[string]string{"account": a.Account, "network": a.Network, "organ": a.Organ} {
			if v != "" {
				labels[k] = v
			}
		}
		v := viewOf(a)
		ann := map[string]string{"summary": v.Summary, "title": v.Title, "description": PlainText(Message{Alerts: []Alert{a}})}
		if a.Text != "" {
			ann["comment"] = sanitize(a.Text)
		}
		if l := safeLink(a.Link); l != "" {
			ann["link"] = l
		}
		if len(v.Actions) > 0 {
			ann["actions"] = strings.Join(v.Actions, " ")
		}
		p := amAlert{Labels: labels, Annotations: ann, StartsAt: a.StartsAt, GeneratorURL: safeLink(a.Link)}
		if p.StartsAt.IsZero() {
			p.StartsAt = now
		}
		if a.State == StateResolved {
			p.EndsAt = a.EndsAt
			if p.EndsAt.IsZero() {
				p.EndsAt = now
			}
		} else {
			p.EndsAt = now.Add(am.ttl)
		}
		out = append(out, p)
	}
	return json.Marshal(out)
}

var _ Notifier = (*Alertmanager)(nil)
var _ Notifier = (*Webhook)(nil)
