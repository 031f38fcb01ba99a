package tiktok

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// TikTok business access tokens last 24 hours. An account configured with
// app_id, app_secret and refresh_token has its access token renewed in
// memory: before it expires, and once when a call reports the token expired
// or revoked. Renewed tokens are never written anywhere; after a restart the
// configured credentials are used again.

// renewMargin is how long before its expiry a renewed token is renewed again.
const renewMargin = 10 * time.Minute

// maxTokenAnswer caps the bytes read of the refresh endpoint's answer.
const maxTokenAnswer = 1 << 20

// tokenStore keeps the renewed access token of each account.
type tokenStore struct {
	mu sync.Mutex
	m  map[string]renewed
}

// renewed is an access token obtained with the refresh token; fingerprint
// identifies the configured credentials it came from, so a reload with new
// ones discards it.
type renewed struct {
	fingerprint [32]byte
	access      string
	expires     time.Time
}

func (ts *tokenStore) get(account string, fp [32]byte) (renewed, bool) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	r, ok := ts.m[account]
	return r, ok && r.fingerprint == fp
}

func (ts *tokenStore) put(account string, r renewed) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.m == nil {
		ts.m = map[string]renewed{}
	}
	ts.m[account] = r
}

// refresher is what renews an account's access token.
type refresher struct {
	appID, secret, refreshToken string
	fingerprint                 [32]byte
}

// newRefresher returns the account's refresher, or nil when it has not all
// three credentials.
func newRefresher(acct connectors.Account) *refresher {
	id, sec, rt := acct.Credentials[CredentialAppID], acct.Credentials[CredentialAppSecret], acct.Credentials[CredentialRefreshToken]
	if id.IsZero() || sec.IsZero() || rt.IsZero() {
		return nil
	}
	r := &refresher{appID: id.Reveal(), secret: sec.Reveal(), refreshToken: rt.Reveal()}
	r.fingerprint = sha256.Sum256([]byte(r.appID + "\x00" + r.secret + "\x00" + r.refreshToken + "\x00" + acct.Credentials[CredentialToken].Reveal()))
	return r
}

// tokenAnswer is the data of the refresh endpoint.
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
}

// renew obtains a new access token with the refresh token and makes the
// session use it.
func (s *session) renew() error {
	const op = "renew access token"
	body, err := json.Marshal(map[string]string{
		"client_id": s.refresh.appID, "client_secret": s.refresh.secret,
		"grant_type": "refresh_token", "refresh_token": s.refresh.refreshToken,
	})
	if err != nil {
		return fmt.Errorf("tiktok: %s: %w", op, err)
	}
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, s.base+"/tt_user/oauth2/refresh_token/", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("tiktok: %s: bad base URL", op)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	hr, err := s.c.http.Do(req)
	if err != nil {
		return fmt.Errorf("tiktok: %s: %w", op, s.scrub(err))
	}
	b, err := io.ReadAll(io.LimitReader(hr.Body, maxTokenAnswer))
	_ = hr.Body.Close()
	if err != nil {
		return fmt.Errorf("tiktok: %s: read answer: %w", op, s.scrub(err))
	}
	resp := &connectors.Response{Status: hr.StatusCode, Header: hr.Header, Body: b}
	now := s.c.now()
	env, derr := decodeEnvelope(b)
	switch {
	case derr == nil && *env.Code != codeOK:
		err := s.classify(op, env, resp, now)
		if errors.Is(err, connectors.ErrNotFound) || *env.Code >= 40000 && *env.Code < 50000 && connectors.Reason(err) == connectors.ReasonTransient {
			// The refresh endpoint's refusals (bad client, bad refresh token)
			// mean the configured credentials do not work.
			return fmt.Errorf("%w: %w", err, connectors.ErrAuth)
		}
		return err
	case resp.Status < 200 || resp.Status > 299:
		return connectors.StatusError(Network, op, resp, now)
	case derr != nil:
		return connectors.Malformed(Network, op, derr)
	}
	var ta tokenAnswer
	if err := json.Unmarshal(env.Data, &ta); err != nil || ta.AccessToken == "" {
		return connectors.Malformed(Network, op, errors.New("no access_token"))
	}
	expires := now.Add(24 * time.Hour)
	if ta.ExpiresIn > 0 && ta.ExpiresIn < 10*365*24*3600 {
		expires = now.Add(time.Duration(ta.ExpiresIn) * time.Second)
	}
	s.c.tokens.put(s.account, renewed{fingerprint: s.refresh.fingerprint, access: ta.AccessToken, expires: expires})
	s.use(ta.AccessToken)
	s.renewed = true
	return nil
}
