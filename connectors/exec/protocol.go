package execplugin

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Protocol is the version string of the request line.
const Protocol = "vigia-exec/1"

// The type of each line a plugin writes.
const (
	lineItem     = "item"
	lineDeletion = "deletion"
	lineProfile  = "profile"
	lineError    = "error"
	lineEnd      = "end"
)

// The kinds an error line may carry.
const (
	errKindAuth        = "auth"
	errKindNotFound    = "not_found"
	errKindRateLimited = "rate_limited"
	errKindTransient   = "transient"
	errKindMalformed   = "malformed"
)

// request is the one line written to the plugin's stdin.
type request struct {
	Protocol string         `json:"protocol"`
	Account  requestAccount `json:"account"`
	// Cursor is the opaque cursor, base64 (standard, padded) in JSON; null at start.
	Cursor []byte `json:"cursor"`
}

type requestAccount struct {
	ID          string            `json:"id"`
	Network     string            `json:"network"`
	Handle      string            `json:"handle"`
	ExternalID  string            `json:"external_id"`
	Organ       string            `json:"organ"`
	Options     map[string]string `json:"options"`
	Credentials map[string]string `json:"credentials"`
}

// encodeRequest renders the request line, newline included. The credentials are
// revealed here and nowhere else.
func encodeRequest(acct connectors.Account, cur connectors.Cursor) ([]byte, error) {
	req := request{Protocol: Protocol, Account: requestAccount{
		ID: acct.ID, Network: acct.Network, Handle: acct.Handle, ExternalID: acct.ExternalID, Organ: acct.Organ,
		Options: map[string]string{}, Credentials: map[string]string{},
	}}
	for k, v := range acct.Options {
		req.Account.Options[k] = v
	}
	for k, v := range acct.Credentials {
		req.Account.Credentials[k] = v.Reveal()
	}
	if cur != nil {
		req.Cursor = cur
	}
	b, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// wireItem is an item line.
type wireItem struct {
	ExternalID   string             `json:"external_id"`
	Kind         string             `json:"kind"`
	ParentID     string             `json:"parent_id"`
	RootID       string             `json:"root_id"`
	AuthorID     string             `json:"author_id"`
	AuthorHandle string             `json:"author_handle"`
	AuthorName   string             `json:"author_name"`
	Own          bool               `json:"own"`
	Text         string             `json:"text"`
	Lang         string             `json:"lang"`
	CreatedAt    string             `json:"created_at"`
	EditedAt     string             `json:"edited_at"`
	URL          string             `json:"url"`
	Media        []connectors.Media `json:"media"`
	Raw          json.RawMessage    `json:"raw"`
}

type wireDeletion struct {
	ExternalID string `json:"external_id"`
	ObservedAt string `json:"observed_at"`
}

type wireProfile struct {
	ExternalID  string          `json:"external_id"`
	Handle      string          `json:"handle"`
	DisplayName string          `json:"display_name"`
	Bio         string          `json:"bio"`
	AvatarURL   string          `json:"avatar_url"`
	Link        string          `json:"link"`
	Verified    bool            `json:"verified"`
	Followers   int64           `json:"followers"`
	Raw         json.RawMessage `json:"raw"`
}

type wireError struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
	Reset   string `json:"reset"`
}

type wireEnd struct {
	Cursor *string `json:"cursor"`
	More   bool    `json:"more"`
	Budget *struct {
		Calls     int    `json:"calls"`
		Items     int    `json:"items"`
		Remaining *int   `json:"remaining"`
		Reset     string `json:"reset"`
	} `json:"budget"`
}

// line is one decoded plugin line: Type says which of the other fields is set.
type line struct {
	Type     string
	Item     *connectors.Item
	Deletion *connectors.Deletion // a zero ObservedAt means "now"
	Profile  *connectors.Profile
	Error    *pluginError
	End      *endLine
}

// pluginError is an error line, validated; Message is as the plugin wrote it.
type pluginError struct {
	Kind    string
	Message string
	Reset   time.Time
}

type endLine struct {
	Cursor connectors.Cursor
	More   bool
	Budget connectors.Budget
}

// errProtocol marks violations of the protocol by the plugin.
var errProtocol = errors.New("protocol violation")

func violation(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errProtocol}, args...)...)
}

// decodeLine decodes and validates one line (without its newline). Errors wrap
// errProtocol and never quote the line's content.
func decodeLine(b []byte) (line, error) {
	var head struct {
		Type *string `json:"type"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return line{}, violation("not a JSON object: %v", jsonErr(err))
	}
	if head.Type == nil {
		return line{}, violation(`no "type"`)
	}
	l := line{Type: *head.Type}
	switch l.Type {
	case lineItem:
		var w wireItem
		if err := json.Unmarshal(b, &w); err != nil {
			return line{}, violation("item: %v", jsonErr(err))
		}
		it, err := w.item()
		if err != nil {
			return line{}, err
		}
		l.Item = &it
	case lineDeletion:
		var w wireDeletion
		if err := json.Unmarshal(b, &w); err != nil {
			return line{}, violation("deletion: %v", jsonErr(err))
		}
		if w.ExternalID == "" {
			return line{}, violation("deletion: empty external_id")
		}
		at, err := optTime(w.ObservedAt)
		if err != nil {
			return line{}, violation("deletion: observed_at: %v", err)
		}
		l.Deletion = &connectors.Deletion{ExternalID: w.ExternalID, ObservedAt: at}
	case lineProfile:
		var w wireProfile
		if err := json.Unmarshal(b, &w); err != nil {
			return line{}, violation("profile: %v", jsonErr(err))
		}
		raw, err := decodeRaw(w.Raw)
		if err != nil {
			return line{}, violation("profile: raw: %v", err)
		}
		l.Profile = &connectors.Profile{
			ExternalID: w.ExternalID, Handle: w.Handle, DisplayName: w.DisplayName, Bio: w.Bio,
			AvatarURL: w.AvatarURL, Link: w.Link, Verified: w.Verified, Followers: w.Followers, Raw: raw,
		}
	case lineError:
		var w wireError
		if err := json.Unmarshal(b, &w); err != nil {
			return line{}, violation("error: %v", jsonErr(err))
		}
		switch w.Kind {
		case errKindAuth, errKindNotFound, errKindRateLimited, errKindTransient, errKindMalformed:
		default:
			return line{}, violation("error: unknown kind (%d bytes)", len(w.Kind))
		}
		reset, err := optTime(w.Reset)
		if err != nil {
			return line{}, violation("error: reset: %v", err)
		}
		l.Error = &pluginError{Kind: w.Kind, Message: w.Message, Reset: reset}
	case lineEnd:
		var w wireEnd
		if err := json.Unmarshal(b, &w); err != nil {
			return line{}, violation("end: %v", jsonErr(err))
		}
		e := endLine{More: w.More, Budget: connectors.Budget{Remaining: -1}}
		if w.Cursor != nil && *w.Cursor != "" {
			c, err := base64.StdEncoding.DecodeString(*w.Cursor)
			if err != nil {
				return line{}, violation("end: cursor is not standard base64")
			}
			e.Cursor = c
		}
		if w.Budget != nil {
			e.Budget.Calls, e.Budget.Items = w.Budget.Calls, w.Budget.Items
			if w.Budget.Remaining != nil {
				e.Budget.Remaining = *w.Budget.Remaining
			}
			var err error
			if e.Budget.Reset, err = optTime(w.Budget.Reset); err != nil {
				return line{}, violation("end: budget.reset: %v", err)
			}
		}
		l.End = &e
	default:
		return line{}, violation("unknown line type (%d bytes)", len(l.Type))
	}
	return l, nil
}

func (w *wireItem) item() (connectors.Item, error) {
	if w.ExternalID == "" {
		return connectors.Item{}, violation("item: empty external_id")
	}
	k := connectors.Kind(w.Kind)
	if !k.Valid() {
		return connectors.Item{}, violation("item %q: unknown kind", w.ExternalID)
	}
	if w.CreatedAt == "" {
		return connectors.Item{}, violation("item %q: no created_at", w.ExternalID)
	}
	created, err := optTime(w.CreatedAt)
	if err != nil {
		return connectors.Item{}, violation("item %q: created_at: %v", w.ExternalID, err)
	}
	edited, err := optTime(w.EditedAt)
	if err != nil {
		return connectors.Item{}, violation("item %q: edited_at: %v", w.ExternalID, err)
	}
	raw, err := decodeRaw(w.Raw)
	if err != nil {
		return connectors.Item{}, violation("item %q: raw: %v", w.ExternalID, err)
	}
	for i, m := range w.Media {
		if m.Type == "" {
			return connectors.Item{}, violation("item %q: media[%d]: empty type", w.ExternalID, i)
		}
	}
	return connectors.Item{
		ExternalID: w.ExternalID, Kind: k, ParentID: w.ParentID, RootID: w.RootID,
		AuthorID: w.AuthorID, AuthorHandle: w.AuthorHandle, AuthorName: w.AuthorName, Own: w.Own,
		Text: w.Text, Lang: w.Lang, CreatedAt: created, EditedAt: edited, URL: w.URL,
		Media: w.Media, Raw: raw,
	}, nil
}

// optTime parses an RFC 3339 time; empty is the zero time.
func optTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, errors.New("not an RFC 3339 time")
	}
	return t, nil
}

// decodeRaw turns the raw field into bytes: a JSON string is base64 (standard,
// padded) of the payload; any other JSON value is the payload itself; absent or
// null is none.
func decodeRaw(r json.RawMessage) ([]byte, error) {
	if len(r) == 0 || string(r) == "null" {
		return nil, nil
	}
	if r[0] == '"' {
		var s string
		if err := json.Unmarshal(r, &s); err != nil {
			return nil, err
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, errors.New("a string raw must be standard base64")
		}
		return b, nil
	}
	return bytes.Clone(r), nil
}

// jsonErr describes a decoding error without quoting the input.
func jsonErr(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("field %q: expected %v, got JSON %s", te.Field, te.Type, te.Value)
	}
	return "invalid JSON"
}
