package alerts

import (
	"context"
	"strings"
	"testing"
	"time"
)

type fakeDigests struct{}

func (fakeDigests) AccountDigest(_ context.Context, account string, from, to time.Time) (AccountDigest, error) {
	d := AccountDigest{Within: 3, AtRisk: 2, Breached: 1, Offensive: 4, Review: 1,
		Own:    map[string]int{"personal_data_phone": 1, "capitals": 2},
		Oldest: []WaitingComment{{Text: "¿Dónde tramito mi credencial? <b>urgente</b> @here", Author: "ciudadana", Link: "https://x.com/c/1", Waited: 9*time.Hour + 30*time.Minute}}}
	if to.Sub(from) > 48*time.Hour {
		d.Offensive = 20 // the weekly digest covers the week
	}
	return d, nil
}

// Daily digests go to each account's administrators and each organ's head, the
// weekly one to CNCS on its weekday; each once per period, across restarts.
func TestDispatcher_Digests(t *testing.T) {
	s, clientTLS := startSMTP(t, false, "vigia@ife.org.mx", "smtp-pass")
	mx, err := time.LoadLocation("America/Mexico_City")
	if err != nil {
		t.Fatal(err)
	}
	c := newClock(time.Date(2026, 11, 30, 7, 59, 0, 0, mx)) // Monday, a minute before the digests
	dir := t.TempDir()
	store := openStore(t, dir, c.Now)
	cfg := emailConfig(s)
	cfg.Digests = Digests{Via: []string{"correo"}, At: "08:00", TimeZone: mx, Weekday: time.Monday}
	ns := emailNotifiers(t, cfg, s.password, clientTLS)
	newD := func() *Dispatcher {
		d, err := New(Options{Config: cfg, Notifiers: ns, Directory: testAccounts(), Store: store, Now: c.Now, Digests: fakeDigests{}})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	d := newD()
	ctx := t.Context()
	if err := d.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(s.messages()); n != 0 {
		t.Fatalf("%d messages before the digests' time", n)
	}
	c.Add(time.Minute)
	tickUntil(t, ctx, d, c, time.Second, 5, func() bool { return len(s.messages()) == 4 })
	by := map[string]received{}
	for _, m := range s.messages() {
		by[m.To[0]] = m
	}
	acct := by[titular.Email]
	if acct.Subject != "[Vigía] Resumen diario de @IFEMexico (x), 30/11/2026" || by[suplente.Email].Subject != acct.Subject {
		t.Errorf("account digest subject %q", acct.Subject)
	}
	for _, want := range []string{"En espera de respuesta: 6 (dentro del plazo 3, por vencer 2, fuera de plazo 1)",
		"4 recomendados para bloqueo, 1 por revisar", "datos personales (phone) 1", "mayúsculas 2", "9 h 30 min", "https://x.com/c/1"} {
		if !strings.Contains(acct.Plain, want) {
			t.Errorf("account digest lacks %q:\n%s", want, acct.Plain)
		}
	}
	if strings.Contains(acct.HTML, "<b>urgente") || strings.Contains(acct.Plain, "@here") {
		t.Errorf("a comment's text is not escaped in the digest:\n%s", acct.HTML)
	}
	if organ := by[head.Email]; organ.Subject != "[Vigía] Resumen diario de Coordinación Nacional de Comunicación Social, 30/11/2026" ||
		!strings.Contains(organ.Plain, "Cuentas: 1. Comentarios en espera de respuesta: 6") {
		t.Errorf("organ digest %q:\n%s", organ.Subject, organ.Plain)
	}
	if weekly := by[cncs.Email]; !strings.HasPrefix(weekly.Subject, "[Vigía] Resumen semanal") ||
		!strings.Contains(weekly.Plain, "20 comentarios ofensivos recomendados para bloqueo") {
		t.Errorf("weekly digest %q:\n%s", weekly.Subject, weekly.Plain)
	}

	store.Close()
	store = openStore(t, dir, c.Now)
	defer store.Close()
	d = newD()
	for i := 0; i < 10; i++ {
		c.Add(time.Hour)
		if err := d.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(s.messages()); n != 4 {
		t.Fatalf("%d messages after a restart the same day, want the same 4", n)
	}
	c.Add(time.Date(2026, 12, 1, 8, 0, 0, 0, mx).Sub(c.Now())) // Tuesday 08:00: daily digests only
	tickUntil(t, ctx, d, c, time.Second, 5, func() bool { return len(s.messages()) == 7 })
	for _, m := range s.messages()[4:] {
		if m.To[0] == cncs.Email {
			t.Errorf("a weekly digest on Tuesday: %q", m.Subject)
		}
	}
}
