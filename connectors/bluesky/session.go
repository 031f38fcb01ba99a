package bluesky

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Credential and option names an account uses.
const (
	// CredentialAppPassword is the credential holding the account's app password.
	CredentialAppPassword = "app_password"
	// OptionIdentifier is the per-account option naming the login identifier
	// (handle, DID or e-mail); the account's handle when absent.
	OptionIdentifier = "identifier"
)

// Session timing.
const (
	// refreshMargin is how long before the access token's expiry the session is
	// refreshed instead of used.
	refreshMargin = time.Minute
	// loginHoldOff is how long after createSession rejected the credentials no
	// new login is attempted with the same credentials: createSession allows
	// only 30 calls per 5 minutes and 300 per day.
	loginHoldOff = 5 * time.Minute
)

// sessions holds one session per account. It is safe for concurrent use.
type sessions struct {
	mu sync.Mutex
	m  map[string]*session
}

// get returns the account's session holder, creating an empty one.
func (ss *sessions) get(acctID string) *session {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.m == nil {
		ss.m = map[string]*session{}
	}
	s, ok := ss.m[acctID]
	if !ok {
		s = &session{}
		ss.m[acctID] = s
	}
	return s
}

// session is one account's cached login. Its mutex serialises logins and
// refreshes, so concurrent callers never log in twice. The tokens never leave
// this type except in an Authorization header.
type session struct {
	mu sync.Mutex
	// key identifies the credentials the session was made with: a hash of
	// service, identifier and password, so a changed configuration logs in anew.
	key [sha256.Size]byte

	did, handle     string
	access, refresh string
	accessExp       time.Time
	// inactive is the account status a session reported as not active
	// ("deactivated", "takendown", "suspended").
	inactive string
	// gen counts the tokens issued; a caller that saw gen g asks to renew
	// only if nobody has renewed since.
	gen uint64

	// failKey and failAt remember the last login the service rejected.
	failKey [sha256.Size]byte
	failAt  time.Time
	failErr error
}

// creds are what logging in needs.
type creds struct {
	// account is the account's configuration id, for log lines.
	account    string
	service    string
	identifier string
	password   connectors.Secret
}

func (cr creds) key() [sha256.Size]byte {
	h := sha256.New()
	for _, s := range []string{cr.service, cr.identifier, cr.password.Reveal()} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	var k [sha256.Size]byte
	copy(k[:], h.Sum(nil))
	return k
}

// credsFor reads the account's login from its options and credentials.
func (c *Connector) credsFor(acct connectors.Account) (creds, error) {
	id := strings.TrimSpace(acct.Options[OptionIdentifier])
	if id == "" {
		id = strings.TrimPrefix(strings.TrimSpace(acct.Handle), "@")
	}
	if id == "" {
		return creds{}, fmt.Errorf("%s: login: account %q has neither an %s option nor a handle: %w", Network, acct.ID, OptionIdentifier, connectors.ErrAuth)
	}
	pw, ok := acct.Credentials[CredentialAppPassword]
	if !ok || pw.IsZero() {
		return creds{}, fmt.Errorf("%s: login: account %q has no %s credential: %w", Network, acct.ID, CredentialAppPassword, connectors.ErrAuth)
	}
	return creds{account: acct.ID, service: c.cfg.Service, identifier: id, password: pw}, nil
}

// grant is what a caller holds of a session for one call.
type grant struct {
	did    string
	handle string
	token  string
	gen    uint64
}

// use returns a valid session for cr: the cached one, refreshed when its access
// token is about to expire, or a new login when there is none.
func (s *session) use(ctx context.Context, c *Connector, m *meter, cr creds) (grant, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := cr.key()
	if k != s.key {
		s.reset()
		s.key = k
	}
	now := c.now()
	switch {
	case s.access == "":
		if err := s.login(ctx, c, m, cr); err != nil {
			return grant{}, err
		}
	case s.inactive != "" || (!s.accessExp.IsZero() && !now.Add(refreshMargin).Before(s.accessExp)):
		if err := s.renew(ctx, c, m, cr); err != nil {
			return grant{}, err
		}
	}
	if s.inactive != "" {
		return grant{}, fmt.Errorf("%s: session: account is %s: %w", Network, s.inactive, connectors.ErrNotFound)
	}
	return grant{did: s.did, handle: s.handle, token: s.access, gen: s.gen}, nil
}

// renewAfter renews the session after a call made with g was rejected with
// cause (errExpiredToken: refresh; anything else: log in again). When the
// session was already renewed since g was issued, it does nothing.
func (s *session) renewAfter(ctx context.Context, c *Connector, m *meter, cr creds, g grant, cause error) (grant, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gen == g.gen && s.key == cr.key() {
		var err error
		if errors.Is(cause, errExpiredToken) {
			err = s.renew(ctx, c, m, cr)
		} else {
			s.reset()
			s.key = cr.key()
			err = s.login(ctx, c, m, cr)
		}
		if err != nil {
			return grant{}, err
		}
	}
	if s.access == "" {
		return grant{}, fmt.Errorf("%s: session: no session: %w", Network, connectors.ErrAuth)
	}
	if s.inactive != "" {
		return grant{}, fmt.Errorf("%s: session: account is %s: %w", Network, s.inactive, connectors.ErrNotFound)
	}
	return grant{did: s.did, handle: s.handle, token: s.access, gen: s.gen}, nil
}

// reset forgets the tokens, keeping the memory of a rejected login.
func (s *session) reset() {
	s.did, s.handle, s.access, s.refresh, s.inactive = "", "", "", "", ""
	s.accessExp = time.Time{}
	s.key = [sha256.Size]byte{}
}

// renew refreshes the session with its refresh token, and logs in again when
// the refresh token is expired or rejected.
func (s *session) renew(ctx context.Context, c *Connector, m *meter, cr creds) error {
	if s.refresh != "" {
		resp, err := c.post(ctx, cr.service, nsidRefreshSession, bearer(s.refresh), nil)
		if err != nil {
			return err
		}
		m.observe(resp)
		err = xrpcStatusError("refresh session", resp, c.now())
		if err == nil {
			if err := s.adopt(resp.Body, "refresh session"); err != nil {
				return err
			}
			c.log.LogAttrs(ctx, slog.LevelDebug, "session refreshed", slog.String("account", cr.account))
			return nil
		}
		if !errors.Is(err, connectors.ErrAuth) {
			return err // transient or rate limited: keep the refresh token
		}
	}
	k := s.key
	s.reset()
	s.key = k
	return s.login(ctx, c, m, cr)
}

// login calls createSession, unless the same credentials were rejected less
// than loginHoldOff ago.
func (s *session) login(ctx context.Context, c *Connector, m *meter, cr creds) error {
	k := cr.key()
	now := c.now()
	if s.failErr != nil && s.failKey == k && now.Sub(s.failAt) < loginHoldOff {
		return fmt.Errorf("%s: login: not retried until %s after a rejection: %w",
			Network, s.failAt.Add(loginHoldOff).UTC().Format(time.RFC3339), s.failErr)
	}
	body, err := json.Marshal(struct {
		Identifier string `json:"identifier"`
		Password   string `json:"password"`
	}{cr.identifier, cr.password.Reveal()})
	if err != nil {
		return fmt.Errorf("%s: login: %w", Network, err)
	}
	resp, err := c.post(ctx, cr.service, nsidCreateSession, nil, body)
	clear(body)
	if err != nil {
		return err
	}
	m.observe(resp)
	if err := xrpcStatusError("login", resp, now); err != nil {
		if errors.Is(err, connectors.ErrAuth) {
			s.failKey, s.failAt, s.failErr = k, now, err
		}
		return err
	}
	s.failErr = nil
	if err := s.adopt(resp.Body, "login"); err != nil {
		return err
	}
	// Logins are limited (30 per 5 minutes, 300 a day): each one is worth a line.
	c.log.LogAttrs(ctx, slog.LevelInfo, "session created", slog.String("account", cr.account), slog.String("did", s.did))
	return nil
}

// adopt takes the tokens of a createSession or refreshSession answer.
func (s *session) adopt(body []byte, op string) error {
	sr, err := decodeSession(body)
	if err != nil {
		return connectors.Malformed(Network, op, err)
	}
	s.did, s.handle = sr.DID, sr.Handle
	s.access, s.refresh = sr.AccessJwt, sr.RefreshJwt
	s.accessExp = jwtExpiry(sr.AccessJwt)
	s.inactive = ""
	if sr.Active != nil && !*sr.Active {
		s.inactive = "inactive"
		if safeName(sr.Status) {
			s.inactive = sr.Status
		}
	}
	s.gen++
	return nil
}

// jwtExpiry reads the exp claim of a JWT without verifying it (the service
// does that); zero when it cannot be read.
func jwtExpiry(tok string) time.Time {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return time.Time{}
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}
	}
	var claims struct {
		Exp *float64 `json:"exp"`
	}
	if json.Unmarshal(b, &claims) != nil || claims.Exp == nil || *claims.Exp <= 0 || *claims.Exp > 1e11 {
		return time.Time{}
	}
	return time.Unix(int64(*claims.Exp), 0)
}
