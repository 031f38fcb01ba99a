package alerts

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

// hostile is a comment written to break every format it lands in.
const hostile = "<script>alert('x')</script><img src=x onerror=alert(1)> @channel @here <!channel> <@U123> " +
	"[clic aquí](https://malo.example/robo) **urgente** `código` # título\n> cita falsa\u202e invertido\x00"

func hostileAlert() Alert {
	return Alert{Rule: RuleSLAAtRisk, Subject: "x:1866", State: StateFiring, Severity: SeverityWarning, Account: "cncs-x",
		Network: "x", Handle: "IFEMexico", Organ: "cncs", OrganName: "Coordinación Nacional de Comunicación Social",
		Text: hostile, Author: "troll<b>@here", Link: "https://x.com/IFEMexico/status/1866",
		Waited: 3*time.Hour + 20*time.Minute, StartsAt: time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC)}
}

func TestEmail_STARTTLSWithAuthentication(t *testing.T) {
	s, clientTLS := startSMTP(t, false, "vigia@ife.org.mx", "contraseña-de-prueba")
	e, err := NewEmail(EmailOptions{Name: "correo", Host: "127.0.0.1", Port: s.port, TLS: TLSStartTLS, Username: s.user,
		Password: s.password, From: "Vigía <vigia@ife.org.mx>", TLSConfig: clientTLS})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Notify(t.Context(), Message{To: titular, Alerts: []Alert{hostileAlert()}}); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	msgs := s.messages()
	if len(msgs) != 1 {
		t.Fatalf("the server received %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if len(m.To) != 1 || m.To[0] != titular.Email || m.From != "vigia@ife.org.mx" {
		t.Errorf("envelope from %q to %v", m.From, m.To)
	}
	if want := "[Vigía] Comentario por vencer sin respuesta en @IFEMexico (x)"; m.Subject != want {
		t.Errorf("subject %q, want %q", m.Subject, want)
	}
	for _, want := range []string{"3 h 20 min", "Cuenta: @IFEMexico (x)", "Coordinación Nacional de Comunicación Social",
		"https://x.com/IFEMexico/status/1866", "Qué hacer:", "INFOMEX-IFE", "Responda el comentario", "@\u200bchannel"} {
		if !strings.Contains(m.Plain, want) {
			t.Errorf("the plain-text body lacks %q:\n%s", want, m.Plain)
		}
	}
	for _, bad := range []string{"<script", "<img", "\u202e", "\x00", "@channel", "@here", "troll<b>"} {
		if strings.Contains(m.HTML, bad) {
			t.Errorf("the HTML body contains %q unescaped:\n%s", bad, m.HTML)
		}
	}
	for _, want := range []string{"&lt;script&gt;", `<a href="https://x.com/IFEMexico/status/1866">`, "Qué hacer", "3 h 20 min"} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("the HTML body lacks %q:\n%s", want, m.HTML)
		}
	}
}

func TestEmail_ImplicitTLS(t *testing.T) {
	s, clientTLS := startSMTP(t, true, "vigia@ife.org.mx", "otra-contraseña")
	e, err := NewEmail(EmailOptions{Name: "correo", Host: "127.0.0.1", Port: s.port, TLS: TLSImplicit, Username: s.user,
		Password: s.password, From: "vigia@ife.org.mx", TLSConfig: clientTLS})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Notify(t.Context(), Message{To: head, Alerts: []Alert{{Rule: RuleTakeover, Subject: "cncs-x", Severity: SeverityUrgent,
		Handle: "IFEMexico", Network: "x", State: StateFiring}}}); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	msgs := s.messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Subject, "Posible toma de control") || !strings.Contains(msgs[0].Plain, "UNICOM") {
		t.Fatalf("received %+v", msgs)
	}
}

func TestEmail_FailuresAreClassified(t *testing.T) {
	s, clientTLS := startSMTP(t, false, "vigia@ife.org.mx", "la-buena")
	msg := Message{To: titular, Alerts: []Alert{hostileAlert()}}
	notify := func(port int, password string) error {
		e, err := NewEmail(EmailOptions{Name: "correo", Host: "127.0.0.1", Port: port, Username: s.user, Password: password,
			From: "vigia@ife.org.mx", TLSConfig: clientTLS, Timeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		return e.Notify(t.Context(), msg)
	}
	t.Run("wrong password: not retried, password not quoted", func(t *testing.T) {
		err := notify(s.port, "Mala-Contraseña-123")
		var e *Error
		if !errors.As(err, &e) || e.Reason != ReasonAuth || e.Retry {
			t.Fatalf("err = %v, want an auth error not retried", err)
		}
		if strings.Contains(err.Error(), "Mala-Contraseña-123") {
			t.Fatalf("the error quotes the password: %v", err)
		}
	})
	t.Run("server refusing for now: retried", func(t *testing.T) {
		s.setRefuse(func() bool { return true })
		defer s.setRefuse(nil)
		err := notify(s.port, "la-buena")
		if err == nil || !Retryable(err) || Reason(err) != ReasonTemp {
			t.Fatalf("err = %v (reason %s), want a temporary error worth retrying", err, Reason(err))
		}
	})
	t.Run("nothing listening: retried", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		err = notify(port, "la-buena")
		if err == nil || !Retryable(err) || Reason(err) != ReasonConnect {
			t.Fatalf("err = %v (reason %s), want a connection error worth retrying", err, Reason(err))
		}
	})
	if n := len(s.messages()); n != 0 {
		t.Fatalf("%d messages got through", n)
	}
}
