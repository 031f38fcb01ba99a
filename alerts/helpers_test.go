package alerts

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
)

// testCert returns a self-signed certificate for 127.0.0.1 and a client TLS
// configuration that trusts it.
func testCert(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
	client = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	return server, client
}

// received is one message the test SMTP server accepted.
type received struct {
	From    string
	To      []string
	Subject string
	Plain   string
	HTML    string
	Raw     []byte
}

// smtpServer is a real SMTP server on loopback (emersion/go-smtp) that requires
// STARTTLS (or speaks implicit TLS) and AUTH PLAIN, parses what it receives, and
// can refuse sessions with a temporary error for a while.
type smtpServer struct {
	t        *testing.T
	addr     string
	port     int
	user     string
	password string
	srv      *smtp.Server

	mu     sync.Mutex
	msgs   []received
	refuse func() bool
}

func startSMTP(t *testing.T, implicit bool, user, password string) (*smtpServer, *tls.Config) {
	t.Helper()
	serverTLS, clientTLS := testCert(t)
	s := &smtpServer{t: t, user: user, password: password}
	srv := smtp.NewServer(s)
	srv.Domain = "127.0.0.1"
	srv.TLSConfig = serverTLS
	srv.ReadTimeout, srv.WriteTimeout = 30*time.Second, 30*time.Second
	srv.MaxMessageBytes = 4 << 20
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if implicit {
		ln = tls.NewListener(ln, serverTLS)
	}
	s.srv = srv
	s.addr = ln.Addr().String()
	s.port = ln.Addr().(*net.TCPAddr).Port
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s, clientTLS
}

func (s *smtpServer) setRefuse(f func() bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = f
}

func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

// NewSession implements smtp.Backend.
func (s *smtpServer) NewSession(c *smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	refuse := s.refuse
	s.mu.Unlock()
	if refuse != nil && refuse() {
		return nil, &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "servicio no disponible, intente más tarde"}
	}
	return &smtpSession{s: s, conn: c}, nil
}

type smtpSession struct {
	s      *smtpServer
	conn   *smtp.Conn
	authed bool
	from   string
	to     []string
}

func (ss *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *smtpSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != ss.s.user || password != ss.s.password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "credenciales inválidas"}
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.user != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	if _, ok := ss.conn.TLSConnectionState(); !ok {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "STARTTLS requerido"}
	}
	ss.from = from
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := parseMail(raw)
	if err != nil {
		ss.s.t.Errorf("the SMTP server received a message it cannot parse: %v", err)
		return &smtp.SMTPError{Code: 554, Message: "mensaje inválido"}
	}
	m.From, m.To = ss.from, ss.to
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, m)
	ss.s.mu.Unlock()
	return nil
}

func (ss *smtpSession) Reset()        { ss.from, ss.to = "", nil }
func (ss *smtpSession) Logout() error { return nil }

// parseMail reads a message as a mail client would: the decoded subject and the
// text/plain and text/html alternatives, transfer encodings undone.
func parseMail(raw []byte) (received, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return received{}, err
	}
	var r received
	r.Raw = raw
	dec := new(mime.WordDecoder)
	if r.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return received{}, err
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return received{}, err
	}
	if !strings.HasPrefix(mt, "multipart/") {
		return received{}, errors.New("not multipart: " + mt)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return received{}, err
		}
		body, err := io.ReadAll(p)
		if err != nil {
			return received{}, err
		}
		pt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		switch pt {
		case "text/plain":
			r.Plain = string(body)
		case "text/html":
			r.HTML = string(body)
		}
	}
	if r.Plain == "" || r.HTML == "" {
		return received{}, errors.New("missing the text/plain or text/html part")
	}
	return r, nil
}

// clock is a hand-moved clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// openStore opens an archive in dir.
func openStore(t *testing.T, dir string, now func() time.Time) *archive.Store {
	t.Helper()
	s, err := archive.Open(t.Context(), filepath.Join(dir, "vigia.db"), archive.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// testDirectory is a Directory of fixed accounts.
type testDirectory map[string]AccountInfo

func (d testDirectory) Account(id string) (AccountInfo, bool) {
	a, ok := d[id]
	return a, ok
}

func (d testDirectory) Accounts() []AccountInfo {
	var out []AccountInfo
	for _, a := range d {
		out = append(out, a)
	}
	return out
}

var (
	titular  = Person{Name: "Jorge Salinas Ruiz", Email: "jorge.salinas@ife.org.mx"}
	suplente = Person{Name: "Ana Karen Torres Vega", Email: "ana.torres@ife.org.mx"}
	head     = Person{Name: "Laura Méndez Ortiz", Email: "laura.mendez@ife.org.mx"}
	cncs     = Person{Name: "Mesa de la CNCS", Email: "cncs@ife.org.mx"}
	unicom   = Person{Name: "Mesa de la UNICOM", Email: "unicom@ife.org.mx"}
)

func testAccounts() testDirectory {
	return testDirectory{"cncs-x": {ID: "cncs-x", Network: "x", Handle: "IFEMexico", Organ: "cncs",
		OrganName: "Coordinación Nacional de Comunicación Social", Titular: titular, Suplente: suplente, Head: head}}
}

// emailConfig is an alerts configuration with one e-mail notifier, named "correo",
// pointing at s, and the route "cuenta": admins at once, the head after an hour.
func emailConfig(s *smtpServer) Config {
	cfg := DefaultConfig()
	cfg.QuietHours = false
	cfg.Group = Group{Wait: 0, Max: 1}
	cfg.Contacts = Contacts{CNCS: cncs, UNICOM: unicom}
	cfg.Notifiers = []NotifierConfig{{Name: "correo", Type: TypeEmail, Host: "127.0.0.1", Port: s.port, TLS: TLSStartTLS,
		Username: s.user, From: "Vigía <vigia@ife.org.mx>", Timeout: 10 * time.Second}}
	cfg.Routes = []Route{{Name: "cuenta", Steps: []Step{
		{After: 0, To: []string{ToAdmins}, Via: []string{"correo"}},
		{After: time.Hour, To: []string{ToHead}, Via: []string{"correo"}},
	}}}
	for _, r := range Rules {
		cfg.Rules[r] = RuleConfig{Route: "cuenta"}
	}
	return cfg
}

func emailNotifiers(t *testing.T, cfg Config, password string, clientTLS *tls.Config) map[string]Notifier {
	t.Helper()
	for i := range cfg.Notifiers {
		if cfg.Notifiers[i].Type == TypeEmail {
			cfg.Notifiers[i].Password = secret(password)
		}
	}
	ns, err := BuildNotifiers(cfg, BuildOptions{TLS: clientTLS})
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

// tickUntil ticks d, moving the clock by step each time, until cond holds; it fails
// after max ticks (a guard against a hang, not a timing assertion).
func tickUntil(t *testing.T, ctx context.Context, d *Dispatcher, c *clock, step time.Duration, max int, cond func() bool) {
	t.Helper()
	for i := 0; i < max; i++ {
		if err := d.Tick(ctx); err != nil {
			t.Fatalf("tick: %v", err)
		}
		if cond() {
			return
		}
		c.Add(step)
	}
	t.Fatalf("condition not reached after %d ticks", max)
}

func secret(s string) connectors.Secret { return connectors.NewSecret(s) }

// openReadDB opens the archive in dir read-only, with plain SQL.
func openReadDB(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "vigia.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// verifyArchive runs the archive's hash-chain verification («vigia verify»).
func verifyArchive(ctx context.Context, dir string) error {
	s, err := archive.Open(ctx, filepath.Join(dir, "vigia.db"), archive.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer s.Close()
	rep, err := s.Verify(ctx)
	if err != nil {
		return err
	}
	if rep.Problem != nil {
		return errors.New(rep.Problem.String())
	}
	if rep.Records == 0 {
		return errors.New("no chained records")
	}
	return nil
}
