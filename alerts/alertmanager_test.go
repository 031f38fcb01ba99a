package alerts

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// alertmanagerBinary finds Debian's prometheus-alertmanager (or an upstream
// alertmanager). Without it the test skips, except under CI, where .ci/run
// installs it and its absence is a failure.
func alertmanagerBinary(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"prometheus-alertmanager", "alertmanager"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("prometheus-alertmanager is not installed (CI=true): .ci/run installs the Debian package prometheus-alertmanager")
	}
	t.Skip("prometheus-alertmanager is not installed: apt-get install prometheus-alertmanager to run this test")
	return ""
}

// startAlertmanager runs a real Alertmanager on a free loopback port, with its own
// configuration and storage, clustering off; it returns its base URL.
func startAlertmanager(t *testing.T) string {
	t.Helper()
	bin := alertmanagerBinary(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(conf, []byte("route:\n  receiver: nadie\n  group_wait: 1h\nreceivers:\n  - name: nadie\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "--config.file="+conf, "--storage.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--cluster.listen-address=", "--log.level=warn")
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second) // a guard against a hang, not a timing assertion
	for {
		resp, err := http.Get(base + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("alertmanager did not become ready:\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type gettableAlert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	StartsAt    time.Time         `json:"startsAt"`
	EndsAt      time.Time         `json:"endsAt"`
	Status      struct {
		State string `json:"state"`
	} `json:"status"`
}

func listAlerts(t *testing.T, base, filter string) []gettableAlert {
	t.Helper()
	resp, err := http.Get(base + "/api/v2/alerts?filter=" + url.QueryEscape(filter))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v2/alerts: %s", resp.Status)
	}
	var out []gettableAlert
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// Alerts pushed through the outbox reach a real Alertmanager with their labels
// and annotations, and a resolution ends them there.
func TestAlertmanager_PushAndResolve(t *testing.T) {
	base := startAlertmanager(t)
	// Alertmanager judges "resolved" by its own clock: the test's starts behind it.
	c := newClock(time.Now().UTC().Add(-time.Minute).Truncate(time.Second))
	store := openStore(t, t.TempDir(), c.Now)
	defer store.Close()
	cfg := DefaultConfig()
	cfg.Group = Group{Max: 1}
	cfg.Notifiers = []NotifierConfig{{Name: "am", Type: TypeAlertmanager, URL: secret(base), FiringTTL: time.Hour}}
	cfg.Routes = []Route{{Name: "monitoreo", Steps: []Step{{Via: []string{"am"}}}}}
	cfg.Rules[RuleSLABreached] = RuleConfig{Route: "monitoreo", Severity: SeverityWarning}
	ns, err := BuildNotifiers(cfg, BuildOptions{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	m := NewMetrics(prometheus.NewRegistry())
	d := newDispatcher(t, store, cfg, ns, testAccounts(), c, m)
	ctx := t.Context()
	ev := breached(7)
	ev.Text = hostile
	ev.Link = "https://x.com/IFEMexico/status/1007"
	if err := d.Raise(ctx, ev); err != nil {
		t.Fatal(err)
	}
	if err := d.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if sent := testutil.ToFloat64(m.Sent.WithLabelValues("am", RuleSLABreached)); sent != 1 {
		t.Fatalf("vigia_alerts_sent_total = %v: the push failed (failures: %v)", sent, testutil.ToFloat64(m.Failed.WithLabelValues("am", ReasonConnect)))
	}
	filter := fmt.Sprintf(`subject="%s"`, ev.Subject)
	got := listAlerts(t, base, filter)
	if len(got) != 1 {
		t.Fatalf("alertmanager holds %d alerts for %s, want 1", len(got), ev.Subject)
	}
	a := got[0]
	for k, v := range map[string]string{"alertname": RuleSLABreached, "account": "cncs-x", "network": "x", "organ": "cncs",
		"severity": "warning", "source": "vigia"} {
		if a.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, a.Labels[k], v)
		}
	}
	if a.Status.State != "active" {
		t.Errorf("state %q, want active", a.Status.State)
	}
	if !strings.Contains(a.Annotations["summary"], "venció el plazo") || a.Annotations["link"] != ev.Link {
		t.Errorf("annotations %v", a.Annotations)
	}
	if cm := a.Annotations["comment"]; strings.Contains(cm, "@channel") || !strings.Contains(cm, "@\u200bchannel") {
		t.Errorf("comment annotation not defused: %q", cm)
	}
	if !a.EndsAt.After(c.Now()) {
		t.Errorf("a firing alert ends at %v", a.EndsAt)
	}

	c.Add(time.Second)
	resolvedAt := c.Now()
	if err := d.Raise(ctx, Event{Rule: ev.Rule, Subject: ev.Subject, Account: ev.Account, State: StateResolved}); err != nil {
		t.Fatal(err)
	}
	if err := d.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if sent := testutil.ToFloat64(m.Sent.WithLabelValues("am", RuleSLABreached)); sent != 2 {
		t.Fatalf("vigia_alerts_sent_total = %v after the resolution, want 2", sent)
	}
	// Alertmanager lists only alerts not yet ended; a listed one must end when resolved.
	for _, a := range listAlerts(t, base, filter) {
		if a.EndsAt.After(resolvedAt.Add(time.Second)) {
			t.Fatalf("after the resolution the alert still ends at %v (resolved at %v)", a.EndsAt, resolvedAt)
		}
	}
}
