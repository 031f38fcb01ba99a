package alerts

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/mail"
	"net/textproto"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Email sends messages over SMTP with github.com/wneessen/go-mail: STARTTLS
// (required) or implicit TLS, optional authentication, a plain-text and an HTML
// body. The password never appears in errors or logs.
type Email struct {
	name     string
	host     string
	port     int
	mode     string
	username string
	password string
	from     string
	timeout  time.Duration
	tlsConf  *tls.Config
}

// EmailOptions build an Email notifier.
type EmailOptions struct {
	Name     string
	Host     string
	Port     int
	TLS      string // TLSStartTLS (default), TLSImplicit or TLSNone
	Username string
	Password string
	From     string
	Timeout  time.Duration
	// TLSConfig overrides the TLS settings (tests trust their own certificate).
	TLSConfig *tls.Config
}

// NewEmail builds an e-mail notifier.
func NewEmail(o EmailOptions) (*Email, error) {
	if o.Host == "" {
		return nil, fmt.Errorf("alerts: %s: the SMTP host is required", o.Name)
	}
	if _, err := mail.ParseAddress(o.From); err != nil {
		return nil, fmt.Errorf("alerts: %s: invalid sender address", o.Name)
	}
	e := &Email{name: o.Name, host: o.Host, port: o.Port, mode: o.TLS, username: o.Username, password: o.Password,
		from: o.From, timeout: o.Timeout, tlsConf: o.TLSConfig}
	if e.mode == "" {
		e.mode = TLSStartTLS
	}
	if e.port == 0 {
		e.port = map[string]int{TLSStartTLS: 587, TLSImplicit: 465, TLSNone: 25}[e.mode]
	}
	if e.timeout <= 0 {
		e.timeout = DefaultTimeout
	}
	if e.tlsConf == nil {
		e.tlsConf = &tls.Config{ServerName: o.Host, MinVersion: tls.VersionTLS12}
	}
	return e, nil
}

// Name returns the notifier's configured name.
func (e *Email) Name() string { return e.name }

// Type returns TypeEmail.
func (e *Email) Type() string { return TypeEmail }

// Build returns the message as go-mail will send it.
func (e *Email) Build(m Message) (*gomail.Msg, error) {
	if m.To.Email == "" {
		return nil, errors.New("el mensaje no tiene destinatario")
	}
	msg := gomail.NewMsg()
	if err := msg.From(e.from); err != nil {
		return nil, errors.New("remitente inválido")
	}
	to := m.To.Email
	if m.To.Name != "" {
		to = (&mail.Address{Name: oneLine(m.To.Name), Address: m.To.Email}).String()
	}
	if err := msg.To(to); err != nil {
		return nil, fmt.Errorf("destinatario inválido %q", m.To.Email)
	}
	msg.Subject(Subject(m))
	msg.SetGenHeader(gomail.HeaderXMailer, "Vigía")
	msg.SetBodyString(gomail.TypeTextPlain, PlainText(m))
	html, err := HTML(m)
	if err != nil {
		return nil, err
	}
	msg.AddAlternativeString(gomail.TypeTextHTML, html)
	return msg, nil
}

// Notify sends the message to m.To.
func (e *Email) Notify(ctx context.Context, m Message) error {
	msg, err := e.Build(m)
	if err != nil {
		return &Error{Notifier: e.name, Reason: ReasonInvalid, Detail: err.Error()}
	}
	opts := []gomail.Option{gomail.WithPort(e.port), gomail.WithTimeout(e.timeout), gomail.WithTLSConfig(e.tlsConf),
		gomail.WithHELO("vigia")}
	switch e.mode {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if e.username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(e.username), gomail.WithPassword(e.password))
	}
	c, err := gomail.NewClient(e.host, opts...)
	if err != nil {
		return &Error{Notifier: e.name, Reason: ReasonInvalid, Detail: "configuración SMTP inválida"}
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return e.classify(err)
	}
	return nil
}

// classify maps go-mail's errors to a reason. SMTP 4xx replies and network
// failures are retried; 5xx replies are not, except authentication (535) which
// an administrator fixes in the configuration. The SMTP server's reply is quoted
// (it never holds the password); the password is removed in case it does.
func (e *Email) classify(err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		r := &Error{Notifier: e.name, Detail: e.redact(fmt.Sprintf("el servidor SMTP respondió %d", code))}
		switch {
		case se.IsTemp() || (code >= 400 && code < 500):
			r.Reason, r.Retry = ReasonTemp, true
		case code >= 500:
			r.Reason = ReasonRejected
		default:
			*r = *netError(e.name, err)
		}
		return r
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		r := &Error{Notifier: e.name, Detail: fmt.Sprintf("el servidor SMTP respondió %d", te.Code)}
		switch {
		case te.Code == 530 || te.Code == 534 || te.Code == 535:
			r.Reason, r.Detail = ReasonAuth, "el servidor SMTP rechazó las credenciales"
		case te.Code >= 400 && te.Code < 500:
			r.Reason, r.Retry = ReasonTemp, true
		default:
			r.Reason = ReasonRejected
		}
		return r
	}
	return netError(e.name, err)
}

func (e *Email) redact(s string) string {
	if e.password != "" {
		s = strings.ReplaceAll(s, e.password, "<secret>")
	}
	return s
}

var _ Notifier = (*Email)(nil)
