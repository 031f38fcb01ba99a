package alerts

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRender feeds arbitrary comment text, author and link to every renderer and
// payload: none may panic, every JSON payload must be valid, no mention survives,
// the HTML body never carries a tag from the text and Markdown never an
// unescaped link.
func FuzzRender(f *testing.F) {
	f.Add(hostile, "troll<b>@here", "https://x.com/a/status/1")
	f.Add("[a](javascript:alert(1)) <!here> ＠channel", "@everyone", "javascript:alert(1)")
	f.Add("\xff\xfe\x00\u202e@@channel", "", "http://user:pass@host/")
	f.Fuzz(func(t *testing.T, text, author, link string) {
		a := hostileAlert()
		a.Text, a.Author, a.Link = text, author, link
		m := Message{To: titular, Alerts: []Alert{a, a}}
		outputs := map[string]string{"subject": Subject(m), "plain": PlainText(m), "markdown": Markdown(m), "telegram": telegramHTML(m)}
		html, err := HTML(m)
		if err != nil {
			t.Fatal(err)
		}
		outputs["html"] = html
		for _, typ := range []string{TypeWebhook, TypeSlack, TypeMattermost, TypeTeams, TypeTelegram} {
			w, err := NewWebhook(WebhookOptions{Name: "n", Type: typ, URL: "https://hooks.example/x", Token: "1:t", ChatID: "1"})
			if err != nil {
				t.Fatal(err)
			}
			b, err := w.Payload(m)
			if err != nil || !json.Valid(b) {
				t.Fatalf("%s: invalid JSON payload (%v): %s", typ, err, b)
			}
			var doc any
			_ = json.Unmarshal(b, &doc)
			var vals []string
			strs(doc, &vals)
			outputs[typ] = strings.Join(vals, "\n")
		}
		am, _ := NewAlertmanager(AlertmanagerOptions{Name: "am", URL: "http://127.0.0.1:9093"})
		b, err := am.Payload(m)
		if err != nil || !json.Valid(b) {
			t.Fatalf("alertmanager: invalid JSON payload (%v)", err)
		}
		for name, out := range outputs {
			if !utf8.ValidString(out) {
				t.Errorf("%s: invalid UTF-8", name)
			}
			for _, mention := range []string{"@channel", "@here", "@everyone", "@all"} {
				if strings.Contains(strings.ToLower(out), mention) {
					t.Errorf("%s: the mention %q survives:\n%s", name, mention, out)
				}
			}
		}
		if strings.Contains(html, "<script") || strings.Contains(html, "javascript:") && strings.Contains(html, `href="javascript`) {
			t.Errorf("html carries active content:\n%s", html)
		}
	})
}
