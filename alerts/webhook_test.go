package alerts

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// hookServer is a loopback HTTP server that records every request and answers
// with status.
type hookServer struct {
	*httptest.Server
	mu     sync.Mutex
	bodies [][]byte
	paths  []string
	status int
}

func startHook(t *testing.T, status int) *hookServer {
	t.Helper()
	h := &hookServer{status: status}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies = append(h.bodies, b)
		h.paths = append(h.paths, r.URL.Path)
		st := h.status
		h.mu.Unlock()
		if r.Header.Get("Content-Type") != "application/json" {
			st = http.StatusUnsupportedMediaType
		}
		w.WriteHeader(st)
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookServer) last(t *testing.T) ([]byte, string) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.bodies) == 0 {
		t.Fatal("the server received nothing")
	}
	return h.bodies[len(h.bodies)-1], h.paths[len(h.paths)-1]
}

// strs collects every string value of a decoded JSON document.
func strs(v any, out *[]string) {
	switch v := v.(type) {
	case string:
		*out = append(*out, v)
	case []any:
		for _, x := range v {
			strs(x, out)
		}
	case map[string]any:
		for _, x := range v {
			strs(x, out)
		}
	}
}

// A comment with HTML, scripts, @channel/@here and Markdown is inert in every
// notifier's payload, each by the rules of the format it lands in.
func TestNotifiers_HostileTextIsInert(t *testing.T) {
	msg := Message{To: titular, Alerts: []Alert{hostileAlert()}}
	everywhere := func(t *testing.T, raw []byte, values []string) {
		t.Helper()
		for _, bad := range []string{"<script", "<img", "<!channel>", "<@U123>", "\u202e", "\\u0000"} {
			if bytes.Contains(raw, []byte(bad)) {
				t.Errorf("the payload contains %q:\n%s", bad, raw)
			}
		}
		for _, v := range values {
			for _, bad := range []string{"@channel", "@here", "\u202e", "\x00"} {
				if strings.Contains(v, bad) {
					t.Errorf("a payload value contains %q: %q", bad, v)
				}
			}
		}
	}
	cases := []struct {
		typ   string
		check func(t *testing.T, doc any, values []string, path string)
	}{
		{TypeWebhook, func(t *testing.T, doc any, _ []string, _ string) {
			a := doc.(map[string]any)["alerts"].([]any)[0].(map[string]any)
			if txt := a["text"].(string); !strings.Contains(txt, "<script>alert('x')</script>") {
				t.Errorf("the generic payload should carry the text (JSON-escaped on the wire): %q", txt)
			}
		}},
		{TypeSlack, func(t *testing.T, doc any, _ []string, _ string) {
			d := doc.(map[string]any)
			if d["mrkdwn"] != false {
				t.Errorf("mrkdwn = %v", d["mrkdwn"])
			}
			for _, b := range d["blocks"].([]any) {
				if typ := b.(map[string]any)["text"].(map[string]any)["type"]; typ != "plain_text" {
					t.Errorf("a block of type %v: Slack would interpret it", typ)
				}
			}
			if strings.ContainsAny(d["text"].(string), "<>") {
				t.Errorf("unescaped notification text %q", d["text"])
			}
		}},
		{TypeMattermost, func(t *testing.T, doc any, _ []string, _ string) {
			markdownInert(t, doc.(map[string]any)["text"].(string))
		}},
		{TypeTeams, func(t *testing.T, doc any, _ []string, _ string) {
			card := doc.(map[string]any)["attachments"].([]any)[0].(map[string]any)
			if card["contentType"] != "application/vnd.microsoft.card.adaptive" {
				t.Errorf("contentType %v", card["contentType"])
			}
			for _, b := range card["content"].(map[string]any)["body"].([]any) {
				markdownInert(t, b.(map[string]any)["text"].(string))
			}
		}},
		{TypeTelegram, func(t *testing.T, doc any, _ []string, path string) {
			d := doc.(map[string]any)
			if d["parse_mode"] != "HTML" || d["chat_id"] != "-100200" || path != "/bot123:tok/sendMessage" {
				t.Errorf("telegram request %v at %s", d, path)
			}
			txt := d["text"].(string)
			if strings.Contains(txt, "<script") || !strings.Contains(txt, "&lt;script&gt;") {
				t.Errorf("telegram text not escaped: %q", txt)
			}
		}},
		{TypeAlertmanager, func(t *testing.T, doc any, _ []string, _ string) {
			a := doc.([]any)[0].(map[string]any)
			if a["labels"].(map[string]any)["alertname"] != RuleSLAAtRisk {
				t.Errorf("labels %v", a["labels"])
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.typ, func(t *testing.T) {
			h := startHook(t, http.StatusOK)
			nc := NotifierConfig{Name: "n", Type: tc.typ, URL: secret(h.URL + "/hook"), Token: secret("123:tok"), ChatID: "-100200", APIURL: h.URL}
			cfg := Config{Notifiers: []NotifierConfig{nc}}
			ns, err := BuildNotifiers(cfg, BuildOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if err := ns["n"].Notify(t.Context(), msg); err != nil {
				t.Fatalf("Notify: %v", err)
			}
			raw, path := h.last(t)
			var doc any
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatalf("payload is not JSON: %v\n%s", err, raw)
			}
			var values []string
			strs(doc, &values)
			everywhere(t, raw, values)
			tc.check(t, doc, values, path)
		})
	}
}

// markdownInert checks that no Markdown construct of the comment survives.
func markdownInert(t *testing.T, md string) {
	t.Helper()
	for _, bad := range []string{"[clic aquí](", "**urgente**", "`código`", " <script", "\n# título", "> <"} {
		if strings.Contains(md, bad) {
			t.Errorf("Markdown %q survives in:\n%s", bad, md)
		}
	}
	if strings.Contains(md, "Texto") && (!strings.Contains(md, `\[clic aquí\]\(https\:`) || !strings.Contains(md, `\<script\>`)) {
		t.Errorf("the comment is not escaped:\n%s", md)
	}
}

func TestWebhook_StatusClassification(t *testing.T) {
	for _, tc := range []struct {
		status int
		reason string
		retry  bool
	}{
		{http.StatusInternalServerError, ReasonTemp, true},
		{http.StatusTooManyRequests, ReasonTemp, true},
		{http.StatusBadRequest, ReasonRejected, false},
		{http.StatusForbidden, ReasonAuth, false},
	} {
		h := startHook(t, tc.status)
		w, err := NewWebhook(WebhookOptions{Name: "hook", Type: TypeSlack, URL: h.URL + "/services/T0/B0/SECRETO"})
		if err != nil {
			t.Fatal(err)
		}
		err = w.Notify(t.Context(), Message{Alerts: []Alert{hostileAlert()}})
		if Reason(err) != tc.reason || Retryable(err) != tc.retry {
			t.Errorf("status %d: err %v, want reason %s retry %v", tc.status, err, tc.reason, tc.retry)
		}
		if err != nil && strings.Contains(err.Error(), "SECRETO") {
			t.Errorf("the error quotes the webhook URL: %v", err)
		}
	}
}
