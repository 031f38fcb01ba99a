package alerts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
)

// Secrets (the SMTP password, webhook URLs with their tokens, a Telegram bot
// token) never appear in logs, metrics, errors or the archive, while deliveries
// fail in every way and are retried.
func TestSecrets_NeverLeak(t *testing.T) {
	const (
		smtpPassword  = "SMTP-Pa55-SECRETO"
		hookToken     = "XOXB-TOKEN-SECRETO"
		telegramToken = "987654:TELEGRAM-SECRETO"
	)
	secrets := []string{smtpPassword, hookToken, telegramToken, "TELEGRAM-SECRETO"}

	s, clientTLS := startSMTP(t, false, "vigia@ife.org.mx", "otra-cosa") // refuses our password
	slack := startHook(t, http.StatusInternalServerError)
	tg := startHook(t, http.StatusForbidden)
	c := newClock(monday10)
	dir := t.TempDir()
	store := openStore(t, dir, c.Now)
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)

	cfg := emailConfig(s)
	cfg.Notifiers[0].Password = secret(smtpPassword)
	cfg.Notifiers = append(cfg.Notifiers,
		NotifierConfig{Name: "slack", Type: TypeSlack, URL: secret(slack.URL + "/services/T0/B0/" + hookToken)},
		NotifierConfig{Name: "tg", Type: TypeTelegram, Token: secret(telegramToken), ChatID: "-1", APIURL: tg.URL})
	cfg.Routes[0].Steps[0].Via = []string{"correo", "slack", "tg"}
	ns, err := BuildNotifiers(cfg, BuildOptions{TLS: clientTLS})
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(Options{Config: cfg, Notifiers: ns, Directory: testAccounts(), Store: store, Now: c.Now, Metrics: m, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if err := d.Raise(ctx, breached(1)); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 6; i++ {
		if err := d.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		c.Add(10 * time.Minute)
	}
	var errs []string
	for name, n := range ns {
		err := n.Notify(ctx, Message{To: titular, Alerts: []Alert{hostileAlert()}})
		if err == nil {
			t.Fatalf("%s: delivery succeeded; the test needs every one to fail", name)
		}
		errs = append(errs, err.Error())
	}
	store.Close()

	var scrape bytes.Buffer
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if _, err := expfmt.MetricFamilyToText(&scrape, mf); err != nil {
			t.Fatal(err)
		}
	}
	var db []byte
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(filepath.Join(dir, "vigia.db") + suffix)
		if err == nil {
			db = append(db, b...)
		}
	}
	cfgJSON, _ := json.Marshal(cfg)
	places := map[string]string{
		"logs":          logs.String(),
		"metrics":       scrape.String(),
		"errors":        strings.Join(errs, "\n"),
		"archive":       string(db),
		"configuration": fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfgJSON),
	}
	for where, text := range places {
		for _, sec := range secrets {
			if strings.Contains(text, sec) {
				t.Errorf("the %s contain the secret %q", where, sec)
			}
		}
	}
	if !strings.Contains(logs.String(), "delivery failed") || !strings.Contains(scrape.String(), `vigia_alerts_failed_total{notifier="slack",reason="temporary"}`) {
		t.Fatalf("the failures were not logged and counted:\n%s", logs.String())
	}
	if !strings.Contains(string(db), "comentario número 1") {
		t.Fatal("the archive does not hold the alert (is the test reading the right file?)")
	}
}
