package alerts

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/policy/calendar"
)

// monday10 is a Monday at 10:00 in Mexico City, within attention hours.
var monday10 = time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC)

func newDispatcher(t *testing.T, store *archive.Store, cfg Config, ns map[string]Notifier, dir Directory, c *clock, m *Metrics) *Dispatcher {
	t.Helper()
	d, err := New(Options{Config: cfg, Notifiers: ns, Directory: dir, Store: store, Now: c.Now, Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func breached(n int) Event {
	return Event{Rule: RuleSLABreached, Subject: fmt.Sprintf("x:%d", 1000+n), Account: "cncs-x", State: StateFiring,
		Text: fmt.Sprintf("comentario número %d: ¿dónde está mi credencial?", n), Author: "ciudadano", Waited: 9 * time.Hour}
}

// An SMTP server that refuses every session for ten minutes, then accepts:
// every alert arrives once, to each recipient, in the order it was raised.
func TestDispatcher_OutageLosesNothingAndKeepsOrder(t *testing.T) {
	s, clientTLS := startSMTP(t, false, "vigia@ife.org.mx", "smtp-pass")
	c := newClock(monday10)
	outageEnd := monday10.Add(10 * time.Minute)
	s.setRefuse(func() bool { return c.Now().Before(outageEnd) })
	store := openStore(t, t.TempDir(), c.Now)
	defer store.Close()
	cfg := emailConfig(s)
	m := NewMetrics(prometheus.NewRegistry())
	d := newDispatcher(t, store, cfg, emailNotifiers(t, cfg, s.password, clientTLS), testAccounts(), c, m)
	ctx := t.Context()

	const n = 6
	for i := 0; i < n; i++ {
		if err := d.Raise(ctx, breached(i)); err != nil {
			t.Fatal(err)
		}
		if err := d.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		c.Add(time.Minute)
	}
	if got := len(s.messages()); got != 0 {
		t.Fatalf("%d messages got through a server that refuses", got)
	}
	if f := testutil.ToFloat64(m.Failed.WithLabelValues("correo", ReasonTemp)); f == 0 {
		t.Fatal("no failed delivery counted during the outage")
	}
	if q := testutil.ToFloat64(m.Queued); q != 2*n {
		t.Fatalf("vigia_alerts_queued = %v, want %d", q, 2*n)
	}
	tickUntil(t, ctx, d, c, 30*time.Second, 400, func() bool { return len(s.messages()) >= 2*n })
	for i := 0; i < 20; i++ { // more ticks: nothing is sent twice
		c.Add(time.Minute)
		if err := d.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	msgs := s.messages()
	if len(msgs) != 2*n {
		t.Fatalf("received %d messages, want %d (each alert once to each administrator)", len(msgs), 2*n)
	}
	for _, who := range []Person{titular, suplente} {
		next := 0
		for _, msg := range msgs {
			if msg.To[0] != who.Email {
				continue
			}
			if want := fmt.Sprintf("comentario número %d:", next); !strings.Contains(msg.Plain, want) {
				t.Fatalf("message %d to %s is not alert %d:\n%s", next, who.Email, next, msg.Plain)
			}
			next++
		}
		if next != n {
			t.Fatalf("%s received %d alerts, want %d", who.Email, next, n)
		}
	}
	if q := testutil.ToFloat64(m.Queued); q != 0 {
		t.Fatalf("vigia_alerts_queued = %v after delivery", q)
	}
	if sent := testutil.ToFloat64(m.Sent.WithLabelValues("correo", RuleSLABreached)); sent != 2*n {
		t.Fatalf("vigia_alerts_sent_total = %v, want %d", sent, 2*n)
	}
}

// A restart in the middle of an escalation neither sends again what was sent
// nor forgets the step still due; the resolution reaches everyone notified.
func TestDispatcher_RestartMidEscalation(t *testing.T) {
	s, clientTLS := startSMTP(t, false, "vigia@ife.org.mx", "smtp-pass")
	c := newClock(monday10)
	dir := t.TempDir()
	cfg := emailConfig(s)
	ns := emailNotifiers(t, cfg, s.password, clientTLS)
	ctx := t.Context()
	ev := breached(1)

	// start: the administrators are told at once.
	store := openStore(t, dir, c.Now)
	d := newDispatcher(t, store, cfg, ns, testAccounts(), c, nil)
	if err := d.Raise(ctx, ev); err != nil {
		t.Fatal(err)
	}
	tickUntil(t, ctx, d, c, time.Second, 10, func() bool { return len(s.messages()) == 2 })
	c.Add(30 * time.Minute)
	if err := d.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	store.Close() // the daemon stops half-way up the ladder

	restart := func() *Dispatcher {
		store = openStore(t, dir, c.Now)
		d := newDispatcher(t, store, cfg, ns, testAccounts(), c, nil)
		// The restarted agent re-evaluates every comment and raises it again.
		if err := d.Raise(ctx, ev); err != nil {
			t.Fatal(err)
		}
		if err := d.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		return d
	}
	d = restart()
	if got := len(s.messages()); got != 2 {
		t.Fatalf("after the restart %d messages, want the same 2", got)
	}
	c.Add(31 * time.Minute) // an hour after it fired: the titular del órgano's step
	tickUntil(t, ctx, d, c, time.Second, 10, func() bool { return len(s.messages()) == 3 })
	esc := s.messages()[2]
	if esc.To[0] != head.Email || !strings.HasPrefix(esc.Subject, "[Vigía] ESCALADA: Comentario sin respuesta fuera de plazo") ||
		!strings.Contains(esc.Plain, "nivel 2") {
		t.Fatalf("escalation: to %v, subject %q\n%s", esc.To, esc.Subject, esc.Plain)
	}
	store.Close()
	d = restart()
	c.Add(3 * time.Hour)
	if err := d.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if got := len(s.messages()); got != 3 {
		t.Fatalf("after a second restart %d messages, want the same 3", got)
	}

	// The comment is answered: everyone who was told hears it is resolved, once.
	res := Event{Rule: ev.Rule, Subject: ev.Subject, Account: ev.Account, State: StateResolved}
	for i := 0; i < 2; i++ {
		if err := d.Raise(ctx, res); err != nil {
			t.Fatal(err)
		}
	}
	tickUntil(t, ctx, d, c, time.Second, 10, func() bool { return len(s.messages()) == 6 })
	for i := 0; i < 5; i++ {
		c.Add(time.Hour)
		if err := d.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	msgs := s.messages()
	if len(msgs) != 6 {
		t.Fatalf("%d messages, want 6", len(msgs))
	}
	to := map[string]bool{}
	for _, m := range msgs[3:] {
		to[m.To[0]] = true
		if !strings.HasPrefix(m.Subject, "[Vigía] RESUELTA:") || !strings.Contains(m.Plain, "ya fue respondido") {
			t.Errorf("resolution: %q\n%s", m.Subject, m.Plain)
		}
		if strings.Contains(m.Plain, "Qué hacer") {
			t.Errorf("a resolution still says what to do:\n%s", m.Plain)
		}
	}
	if !to[titular.Email] || !to[suplente.Email] || !to[head.Email] {
		t.Fatalf("resolution sent to %v", to)
	}
	// The chain holds fired, escalated and resolved, once each.
	var states []string
	rows, err := openReadDB(t, dir).QueryContext(ctx, `SELECT state FROM alerts WHERE rule = ? AND subject = ? ORDER BY id`, ev.Rule, ev.Subject)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		states = append(states, s)
	}
	if got := strings.Join(states, ","); got != "firing,escalated,resolved" {
		t.Fatalf("chained alert records: %s", got)
	}
	store.Close()
	if err := verifyArchive(ctx, dir); err != nil {
		t.Fatalf("verify: %v", err)
	}
}

// Similar alerts queued together go in one message; a recipient over the rate
// limit gets what accumulated in one message when the window frees.
func TestDispatcher_GroupsAndRateLimits(t *testing.T) {
	s, clientTLS := startSMTP(t, false, "vigia@ife.org.mx", "smtp-pass")
	c := newClock(monday10)
	store := openStore(t, t.TempDir(), c.Now)
	defer store.Close()
	cfg := emailConfig(s)
	cfg.Group = Group{Wait: time.Minute, Max: 20}
	cfg.RateLimit = RateLimit{Messages: 1, Per: time.Hour}
	cfg.Routes[0].Steps = cfg.Routes[0].Steps[:1]
	cfg.Routes[0].Steps[0].To = []string{ToTitular}
	d := newDispatcher(t, store, cfg, emailNotifiers(t, cfg, s.password, clientTLS), testAccounts(), c, nil)
	ctx := t.Context()
	raise := func(from, to int) {
		for i := from; i < to; i++ {
			ev := breached(i)
			ev.Rule = RuleOffensiveComment
			if err := d.Raise(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	raise(0, 5)
	if err := d.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(s.messages()); n != 0 {
		t.Fatalf("%d messages before the grouping wait", n)
	}
	c.Add(time.Minute)
	tickUntil(t, ctx, d, c, time.Second, 5, func() bool { return len(s.messages()) == 1 })
	first := s.messages()[0]
	if first.Subject != "[Vigía] 5 alertas: Comentario ofensivo" {
		t.Fatalf("grouped subject %q", first.Subject)
	}
	for i := 0; i < 5; i++ {
		if !strings.Contains(first.Plain, fmt.Sprintf("comentario número %d:", i)) {
			t.Fatalf("the grouped message lacks alert %d", i)
		}
	}
	c.Add(5 * time.Minute)
	raise(5, 8)
	for i := 0; i < 30; i++ { // 30 minutes: still within the hour of the first message
		c.Add(time.Minute)
		if err := d.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(s.messages()); n != 1 {
		t.Fatalf("%d messages within the rate limit's hour, want 1", n)
	}
	tickUntil(t, ctx, d, c, time.Minute, 60, func() bool { return len(s.messages()) == 2 })
	second := s.messages()[1]
	if second.Subject != "[Vigía] 3 alertas: Comentario ofensivo" {
		t.Fatalf("second message %q", second.Subject)
	}
	i5, i7 := strings.Index(second.Plain, "comentario número 5:"), strings.Index(second.Plain, "comentario número 7:")
	if i5 < 0 || i7 < i5 {
		t.Fatalf("the alerts are not in order:\n%s", second.Plain)
	}
}

// Outside the recipient's attention hours a warning waits for them to open; an
// urgent alert goes at once.
func TestDispatcher_QuietHours(t *testing.T) {
	s, clientTLS := startSMTP(t, false, "vigia@ife.org.mx", "smtp-pass")
	cal, err := calendar.New(calendar.DefaultConfig()) // Mexico City, Mon–Fri 09:00–18:00
	if err != nil {
		t.Fatal(err)
	}
	saturdayNight := time.Date(2026, 11, 29, 2, 0, 0, 0, time.UTC) // Saturday 20:00 in Mexico City
	c := newClock(saturdayNight)
	store := openStore(t, t.TempDir(), c.Now)
	defer store.Close()
	cfg := emailConfig(s)
	cfg.QuietHours = true
	dir := testAccounts()
	info := dir["cncs-x"]
	info.NextOpen = cal.NextOpen
	dir["cncs-x"] = info
	cfg.Routes[0].Steps = cfg.Routes[0].Steps[:1]
	cfg.Routes[0].Steps[0].To = []string{ToTitular}
	d := newDispatcher(t, store, cfg, emailNotifiers(t, cfg, s.password, clientTLS), dir, c, nil)
	ctx := t.Context()
	if err := d.Raise(ctx, breached(1)); err != nil {
		t.Fatal(err)
	}
	takeover := Event{Rule: RuleTakeover, Subject: "cncs-x", Account: "cncs-x", State: StateFiring, Severity: SeverityUrgent,
		Fields: map[string]string{"Cambio": "nombre visible «IFE» → «Cuenta hackeada»"}}
	if err := d.Raise(ctx, takeover); err != nil {
		t.Fatal(err)
	}
	tickUntil(t, ctx, d, c, time.Minute, 5, func() bool { return len(s.messages()) == 1 })
	if m := s.messages()[0]; !strings.Contains(m.Subject, "Posible toma de control") {
		t.Fatalf("first message at night: %q", m.Subject)
	}
	for i := 0; i < 24; i++ { // Sunday passes
		c.Add(time.Hour)
		if err := d.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(s.messages()); n != 1 {
		t.Fatalf("%d messages during the weekend, want only the urgent one", n)
	}
	mondayOpen := time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC) // Monday 09:00 in Mexico City
	c.Add(mondayOpen.Add(-time.Minute).Sub(c.Now()))
	if err := d.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(s.messages()); n != 1 {
		t.Fatalf("%d messages a minute before the attention hours", n)
	}
	c.Add(time.Minute)
	tickUntil(t, ctx, d, c, time.Minute, 5, func() bool { return len(s.messages()) == 2 })
	if got := s.messages()[1]; !strings.Contains(got.Subject, "Comentario sin respuesta fuera de plazo") {
		t.Fatalf("second message %q", got.Subject)
	}
}

// An outbox entry altered by hand into something unreadable is marked failed and
// does not hold its channel: the next alert still goes out.
func TestDispatcher_UnreadableEntryDoesNotBlock(t *testing.T) {
	s, clientTLS := startSMTP(t, false, "vigia@ife.org.mx", "smtp-pass")
	c := newClock(monday10)
	dir := t.TempDir()
	store := openStore(t, dir, c.Now)
	defer store.Close()
	cfg := emailConfig(s)
	cfg.Routes[0].Steps = cfg.Routes[0].Steps[:1]
	cfg.Routes[0].Steps[0].To = []string{ToTitular}
	d := newDispatcher(t, store, cfg, emailNotifiers(t, cfg, s.password, clientTLS), testAccounts(), c, nil)
	ctx := t.Context()
	if err := store.QueueOutbox(ctx, []archive.OutboxEntry{{Channel: "correo:" + titular.Email, Notifier: "correo",
		Recipient: titular.Email, GroupKey: "x", Payload: "{no es JSON", NotBefore: c.Now()}}); err != nil {
		t.Fatal(err)
	}
	if err := d.Raise(ctx, breached(1)); err != nil {
		t.Fatal(err)
	}
	tickUntil(t, ctx, d, c, time.Second, 5, func() bool { return len(s.messages()) == 1 })
	if n, _, err := store.OutboxStats(ctx); err != nil || n != 0 {
		t.Fatalf("%d deliveries still pending (%v)", n, err)
	}
}
