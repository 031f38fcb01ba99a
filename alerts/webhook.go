package alerts

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// Webhook posts JSON to a URL: the generic payload, or what Slack, Mattermost,
// Microsoft Teams (workflow webhooks) or a Telegram bot expect. The URL (and the
// Telegram bot token) are secrets: they never appear in errors or logs.
type Webhook struct {
	name, kind string
	url        string // the full address, token included
	chatID     string
	client     *http.Client
}

// WebhookOptions build a Webhook.
type WebhookOptions struct {
	Name string
	// Type is TypeWebhook, TypeSlack, TypeMattermost, TypeTeams or TypeTelegram.
	Type string
	// URL is where to post; for Telegram the API base (https://api.telegram.org).
	URL string
	// Token and ChatID are Telegram's bot token and chat.
	Token  string
	ChatID string
	// Client makes the requests; one with Timeout is built when nil.
	Client  *http.Client
	Timeout time.Duration
}

// NewWebhook builds a webhook notifier.
func NewWebhook(o WebhookOptions) (*Webhook, error) {
	w := &Webhook{name: o.Name, kind: o.Type, url: o.URL, chatID: o.ChatID, client: o.Client}
	switch o.Type {
	case TypeWebhook, TypeSlack, TypeMattermost, TypeTeams:
		if safeLink(o.URL) == "" {
			return nil, fmt.Errorf("alerts: %s: the webhook URL must be an absolute http or https URL", o.Name)
		}
	case TypeTelegram:
		if o.Token == "" || o.ChatID == "" {
			return nil, fmt.Errorf("alerts: %s: telegram needs a bot token and a chat id", o.Name)
		}
		base := o.URL
		if base == "" {
			base = "https://api.telegram.org"
		}
		if safeLink(base) == "" {
			return nil, fmt.Errorf("alerts: %s: api_url must be an absolute http or https URL", o.Name)
		}
		w.url = strings.TrimRight(base, "/") + "/bot" + o.Token + "/sendMessage"
	default:
		return nil, fmt.Errorf("alerts: %s: unknown webhook type %q", o.Name, o.Type)
	}
	w.client = clientOr(o.Client, o.Timeout)
	return w, nil
}

// clientOr returns c, or a client with the given timeout (DefaultTimeout when 0).
func clientOr(c *http.Client, timeout time.Duration) *http.Client {
	if c != nil {
		return c
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &http.Client{Timeout: timeout}
}

// Name returns the notifier's configured name.
func (w *Webhook) Name() string { return w.name }

// Type returns the notifier's type.
func (w *Webhook) Type() string { return w.kind }

// Notify posts the message's payload.
func (w *Webhook) Notify(ctx context.Context, m Message) error {
	body, err := w.Payload(m)
	if err != nil {
		return &Error{Notifier: w.name, Reason: ReasonInvalid, Detail: "no se pudo formar el mensaje: " + err.Error()}
	}
	return postJSON(ctx, w.client, w.name, w.url, body)
}

// postJSON posts body and classifies the outcome; errors never quote the URL.
func postJSON(ctx context.Context, client *http.Client, name, url string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return &Error{Notifier: name, Reason: ReasonInvalid, Detail: "dirección inválida"}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "vigia")
	resp, err := client.Do(req)
	if err != nil {
		return netError(name, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return httpStatusError(name, resp.StatusCode)
	}
	return nil
}

// Payload returns the JSON body the notifier posts for m.
func (w *Webhook) Payload(m Message) ([]byte, error) {
	switch w.kind {
	case TypeSlack:
		return slackPayload(m)
	case TypeMattermost:
		return json.Marshal(map[string]any{"username": "Vigía", "text": truncate(Markdown(m), 16000)})
	case TypeTeams:
		return teamsPayload(m)
	case TypeTelegram:
		return json.Marshal(map[string]any{"chat_id": w.chatID, "text": truncate(telegramHTML(m), 4000),
			"parse_mode": "HTML", "disable_web_page_preview": true})
	}
	return genericPayload(m)
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// genericPayload is the generic webhook's body: the Spanish subject and text, and
// each alert's fields with untrusted values sanitized (encoding/json escapes <, >
// and & as \u003c, \u003e, \u0026).
func genericPayload(m Message) ([]byte, error) {
	alerts := make([]Alert, len(m.Alerts))
	for i, a := range m.Alerts {
		if a.Rule == RuleDigest {
			a.Summary = trustedLine(a.Summary)
		} else {
			a.Summary = oneLine(a.Summary)
		}
		if a.Summary == "" {
			a.Summary = oneLine(defaultSummary(a))
		}
		a.Text, a.Author, a.Link, a.Evidence, a.Body = sanitize(a.Text), oneLine(a.Author), safeLink(a.Link), sanitize(a.Evidence), sanitize(a.Body)
		if a.Fields != nil {
			f := make(map[string]string, len(a.Fields))
			for k, v := range a.Fields {
				f[oneLine(k)] = oneLine(v)
			}
			a.Fields = f
		}
		alerts[i] = a
	}
	return json.Marshal(struct {
		Version string  `json:"version"`
		Source  string  `json:"source"`
		Subject string  `json:"subject"`
		Text    string  `json:"text"`
		Alerts  []Alert `json:"alerts"`
	}{"1", "vigia", Subject(m), PlainText(m), alerts})
}

// slackPayload uses Block Kit plain_text sections: Slack shows them literally (no
// mrkdwn, no links, no mentions); the notification text is escaped as Slack asks.
func slackPayload(m Message) ([]byte, error) {
	type text struct {
		Type  string `json:"type"`
		Text  string `json:"text"`
		Emoji bool   `json:"emoji"`
	}
	type block struct {
		Type string `json:"type"`
		Text *text  `json:"text,omitempty"`
	}
	blocks := []block{{Type: "header", Text: &text{Type: "plain_text", Text: truncate(Subject(m), 150)}}}
	for i, a := range m.Alerts {
		if i >= 45 {
			break // Slack takes at most 50 blocks
		}
		blocks = append(blocks, block{Type: "section", Text: &text{Type: "plain_text", Text: truncate(PlainText(Message{Alerts: []Alert{a}}), 2900)}})
	}
	return json.Marshal(map[string]any{"text": slackEscape(Subject(m)), "mrkdwn": false, "blocks": blocks})
}

// teamsPayload is a Power Automate workflow webhook's message: an Adaptive Card
// whose text blocks carry escaped Markdown.
func teamsPayload(m Message) ([]byte, error) {
	body := []map[string]any{{"type": "TextBlock", "text": markdownEscape(Subject(m)), "weight": "Bolder", "size": "Medium", "wrap": true}}
	body = append(body, map[string]any{"type": "TextBlock", "text": truncate(Markdown(m), 20000), "wrap": true})
	card := map[string]any{
		"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
		"type":    "AdaptiveCard",
		"version": "1.4",
		"body":    body,
	}
	return json.Marshal(map[string]any{
		"type": "message",
		"attachments": []map[string]any{{
			"contentType": "application/vnd.microsoft.card.adaptive",
			"contentUrl":  nil,
			"content":     card,
		}},
	})
}

// telegramHTML renders a message in Telegram's HTML mode, every value escaped.
func telegramHTML(m Message) string {
	var b strings.Builder
	b.WriteString("<b>" + htmlEscape(Subject(m)) + "</b>\n")
	for _, a := range m.Alerts {
		v := viewOf(a)
		b.WriteString("\n<b>" + htmlEscape(v.Title) + "</b>\n" + htmlEscape(v.Summary) + "\n")
		for _, l := range v.Lines {
			switch {
			case l.Quote && l.Label == "":
				b.WriteString("<pre>" + htmlEscape(l.Value) + "</pre>\n")
			case l.Quote:
				b.WriteString("<b>" + htmlEscape(l.Label) + ":</b>\n<blockquote>" + htmlEscape(l.Value) + "</blockquote>\n")
			default:
				b.WriteString("<b>" + htmlEscape(l.Label) + ":</b> " + htmlEscape(l.Value) + "\n")
			}
		}
		for _, act := range v.Actions {
			b.WriteString("• " + htmlEscape(act) + "\n")
		}
	}
	return b.String()
}
