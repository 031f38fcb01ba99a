package mastodon

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/ife-mx/vigia/connectors"
)

// account is the part of Mastodon's Account entity the connector reads.
type account struct {
	ID             string          `json:"id"`
	Username       string          `json:"username"`
	Acct           string          `json:"acct"`
	DisplayName    string          `json:"display_name"`
	Note           string          `json:"note"`
	URL            *string         `json:"url"`
	Avatar         string          `json:"avatar"`
	Fields         []field         `json:"fields"`
	FollowersCount int64           `json:"followers_count"`
	Bot            bool            `json:"bot"`
	Source         *source         `json:"source"` // CredentialAccount only
	Moved          json.RawMessage `json:"moved"`
}

type field struct {
	Name       string  `json:"name"`
	Value      string  `json:"value"`
	VerifiedAt *string `json:"verified_at"`
}

type source struct {
	Note string `json:"note"`
}

// status is the part of Mastodon's Status entity the connector reads; raw
// holds the object's bytes as received.
type status struct {
	ID               string          `json:"id"`
	URI              string          `json:"uri"`
	URL              *string         `json:"url"`
	CreatedAt        string          `json:"created_at"`
	EditedAt         *string         `json:"edited_at"`
	Account          account         `json:"account"`
	InReplyToID      *string         `json:"in_reply_to_id"`
	Content          string          `json:"content"`
	SpoilerText      string          `json:"spoiler_text"`
	Language         *string         `json:"language"`
	MediaAttachments []media         `json:"media_attachments"`
	Reblog           json.RawMessage `json:"reblog"`

	raw     []byte
	created time.Time
	edited  time.Time
}

type media struct {
	Type        string  `json:"type"`
	URL         *string `json:"url"`
	RemoteURL   *string `json:"remote_url"`
	Description *string `json:"description"`
}

// notification is Mastodon's Notification entity; the status stays raw until
// decodeStatus reads it.
type notification struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	CreatedAt string          `json:"created_at"`
	Status    json.RawMessage `json:"status"`

	status *status
}

// context is the answer of /api/v1/statuses/:id/context.
type threadContext struct {
	Ancestors   []*status
	Descendants []*status
}

// apiError is Mastodon's Error entity.
type apiError struct {
	Error            string  `json:"error"`
	ErrorDescription *string `json:"error_description"`
}

// isNull reports whether raw is absent or JSON null.
func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

// parseTime reads a Mastodon timestamp (ISO 8601, usually with milliseconds).
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad timestamp %q", truncate(s, 40))
	}
	return t.UTC(), nil
}

// decodeStatus reads one Status object and checks what the connector relies on.
func decodeStatus(raw []byte) (*status, error) {
	var s status
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, err
	}
	if s.ID == "" {
		return nil, errors.New("status without id")
	}
	if s.Account.ID == "" {
		return nil, fmt.Errorf("status %s: account without id", truncate(s.ID, 40))
	}
	var err error
	if s.created, err = parseTime(s.CreatedAt); err != nil {
		return nil, fmt.Errorf("status %s: created_at: %w", truncate(s.ID, 40), err)
	}
	if s.EditedAt != nil {
		if s.edited, err = parseTime(*s.EditedAt); err != nil {
			return nil, fmt.Errorf("status %s: edited_at: %w", truncate(s.ID, 40), err)
		}
	}
	s.raw = append([]byte(nil), raw...)
	return &s, nil
}

// decodeStatuses reads an array of Status, as account statuses return it.
func decodeStatuses(body []byte) ([]*status, error) {
	var raws []json.RawMessage
	if err := json.Unmarshal(body, &raws); err != nil {
		return nil, err
	}
	out := make([]*status, 0, len(raws))
	for i, r := range raws {
		s, err := decodeStatus(r)
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// decodeContext reads a Context.
func decodeContext(body []byte) (*threadContext, error) {
	var raw struct {
		Ancestors   *[]json.RawMessage `json:"ancestors"`
		Descendants *[]json.RawMessage `json:"descendants"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, err
	}
	if raw.Ancestors == nil || raw.Descendants == nil {
		return nil, errors.New("context without ancestors or descendants")
	}
	var c threadContext
	for i, r := range *raw.Ancestors {
		s, err := decodeStatus(r)
		if err != nil {
			return nil, fmt.Errorf("ancestor %d: %w", i, err)
		}
		c.Ancestors = append(c.Ancestors, s)
	}
	for i, r := range *raw.Descendants {
		s, err := decodeStatus(r)
		if err != nil {
			return nil, fmt.Errorf("descendant %d: %w", i, err)
		}
		c.Descendants = append(c.Descendants, s)
	}
	return &c, nil
}

// decodeNotifications reads an array of Notification. Mentions must carry a
// status; other types are kept without one (the caller skips them).
func decodeNotifications(body []byte) ([]*notification, error) {
	var ns []*notification
	if err := json.Unmarshal(body, &ns); err != nil {
		return nil, err
	}
	for i, n := range ns {
		if n == nil || n.ID == "" {
			return nil, fmt.Errorf("notification %d without id", i)
		}
		if n.Type != "mention" {
			continue
		}
		if isNull(n.Status) {
			return nil, fmt.Errorf("mention notification %s without status", truncate(n.ID, 40))
		}
		s, err := decodeStatus(n.Status)
		if err != nil {
			return nil, fmt.Errorf("notification %s: %w", truncate(n.ID, 40), err)
		}
		n.status = s
	}
	return ns, nil
}

// decodeAccount reads an Account or CredentialAccount.
func decodeAccount(body []byte) (*account, error) {
	var a account
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, err
	}
	if a.ID == "" {
		return nil, errors.New("account without id")
	}
	return &a, nil
}

// decodeError reads the error message of an Error body; "" when the body is
// not one. The message is cut to 200 characters and stripped of control
// characters, since it ends up in error strings and logs.
func decodeError(body []byte) string {
	var e apiError
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	msg := e.Error
	if e.ErrorDescription != nil && *e.ErrorDescription != "" && *e.ErrorDescription != msg {
		msg += ": " + *e.ErrorDescription
	}
	msg = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return ' '
		}
		return r
	}, msg)
	return truncate(strings.TrimSpace(msg), 200)
}

// truncate cuts s to at most n runes, marking the cut with "…".
func truncate(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}

// parseLink reads an RFC 8288 Link header into rel → URL. Malformed entries
// are skipped; the first URL of each rel wins.
func parseLink(h string) map[string]string {
	out := map[string]string{}
	s := h
	for {
		s = strings.TrimLeft(s, " \t,")
		if s == "" || s[0] != '<' {
			if i := strings.IndexByte(s, ','); i >= 0 && s != "" {
				s = s[i+1:]
				continue
			}
			return out
		}
		end := strings.IndexByte(s, '>')
		if end < 0 {
			return out
		}
		target := s[1:end]
		s = s[end+1:]
		// Parameters up to the next comma outside quotes.
		var rels []string
		for {
			s = strings.TrimLeft(s, " \t")
			if s == "" || s[0] == ',' {
				break
			}
			if s[0] != ';' {
				// Garbage: skip to the next entry.
				i := strings.IndexByte(s, ',')
				if i < 0 {
					s = ""
				} else {
					s = s[i:]
				}
				break
			}
			s = strings.TrimLeft(s[1:], " \t")
			eq := strings.IndexAny(s, "=;,")
			var key, val string
			if eq < 0 || s[eq] != '=' {
				if eq < 0 {
					key, s = s, ""
				} else {
					key, s = s[:eq], s[eq:]
				}
			} else {
				key = s[:eq]
				s = strings.TrimLeft(s[eq+1:], " \t")
				if strings.HasPrefix(s, `"`) {
					q := strings.IndexByte(s[1:], '"')
					if q < 0 {
						val, s = s[1:], ""
					} else {
						val, s = s[1:1+q], s[q+2:]
					}
				} else {
					i := strings.IndexAny(s, ";,")
					if i < 0 {
						val, s = s, ""
					} else {
						val, s = s[:i], s[i:]
					}
				}
			}
			if strings.EqualFold(strings.TrimSpace(key), "rel") {
				rels = append(rels, strings.Fields(strings.ToLower(val))...)
			}
		}
		for _, r := range rels {
			if _, dup := out[r]; !dup {
				out[r] = target
			}
		}
	}
}

// linkParam returns the value of a query parameter of the Link URL for rel,
// or "" when absent or unparsable. Only parameter values are taken from a
// Link: the connector never follows a server-given URL with its token.
func linkParam(h, rel, param string) string {
	target, ok := parseLink(h)[rel]
	if !ok {
		return ""
	}
	u, err := url.Parse(target)
	if err != nil {
		return ""
	}
	return u.Query().Get(param)
}

// item converts a status to an Item; kind, parent and root are decided by
// the caller.
func (s *status) item(ownID string, kind connectors.Kind, parent, root string) connectors.Item {
	it := connectors.Item{
		ExternalID:   s.ID,
		Kind:         kind,
		ParentID:     parent,
		RootID:       root,
		AuthorID:     s.Account.ID,
		AuthorHandle: s.Account.Acct,
		AuthorName:   s.Account.DisplayName,
		Own:          s.Account.ID == ownID,
		Text:         s.text(),
		CreatedAt:    s.created,
		EditedAt:     s.edited,
		Raw:          s.raw,
	}
	if it.AuthorHandle == "" {
		it.AuthorHandle = s.Account.Username
	}
	if s.Language != nil {
		it.Lang = *s.Language
	}
	if s.URL != nil && *s.URL != "" {
		it.URL = *s.URL
	} else {
		it.URL = s.URI
	}
	for _, m := range s.MediaAttachments {
		md := connectors.Media{Type: m.Type}
		switch {
		case m.URL != nil && *m.URL != "":
			md.URL = *m.URL
		case m.RemoteURL != nil:
			md.URL = *m.RemoteURL
		}
		if m.Description != nil {
			md.AltText = *m.Description
		}
		it.Media = append(it.Media, md)
	}
	return it
}

// text is the status's plain text: the content warning, if any, then the
// content.
func (s *status) text() string {
	t := HTMLToText(s.Content)
	if cw := strings.TrimSpace(s.SpoilerText); cw != "" {
		if t == "" {
			return cw
		}
		return cw + "\n\n" + t
	}
	return t
}

// parent returns in_reply_to_id, or "".
func (s *status) parent() string {
	if s.InReplyToID == nil {
		return ""
	}
	return *s.InReplyToID
}

// profile converts the account to a Profile.
func (a *account) profile(raw []byte) *connectors.Profile {
	p := &connectors.Profile{
		ExternalID:  a.ID,
		Handle:      a.Acct,
		DisplayName: a.DisplayName,
		Bio:         HTMLToText(a.Note),
		AvatarURL:   a.Avatar,
		Followers:   a.FollowersCount,
		Raw:         append([]byte(nil), raw...),
	}
	if p.Handle == "" {
		p.Handle = a.Username
	}
	if a.Source != nil && a.Source.Note != "" {
		p.Bio = a.Source.Note
	}
	// The link is the first verified field's URL, else the first field that
	// holds a URL, else the profile page.
	var firstURL string
	for _, f := range a.Fields {
		v := fieldURL(f.Value)
		if v == "" {
			continue
		}
		if f.VerifiedAt != nil && *f.VerifiedAt != "" {
			p.Verified = true
			if p.Link == "" {
				p.Link = v
			}
		}
		if firstURL == "" {
			firstURL = v
		}
	}
	if p.Link == "" {
		p.Link = firstURL
	}
	if p.Link == "" && a.URL != nil {
		p.Link = *a.URL
	}
	return p
}

// fieldURL extracts a URL from a profile field's value: an href in its HTML,
// or the text itself when it is an http(s) URL.
func fieldURL(v string) string {
	if i := strings.Index(v, `href="`); i >= 0 {
		rest := v[i+len(`href="`):]
		if j := strings.IndexByte(rest, '"'); j >= 0 {
			return html.UnescapeString(rest[:j])
		}
	}
	t := strings.TrimSpace(HTMLToText(v))
	if strings.HasPrefix(t, "https://") || strings.HasPrefix(t, "http://") {
		return t
	}
	return ""
}
