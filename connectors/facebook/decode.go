package facebook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// graphTimeLayout is Graph's timestamp form: "2026-08-20T08:00:00+0000".
const graphTimeLayout = "2006-01-02T15:04:05-0700"

// parseTime reads a Graph timestamp (RFC 3339 is accepted too).
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(graphTimeLayout, s); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad time %q", s)
	}
	return t.UTC(), nil
}

// object is Graph's {id,name} reference (from, parent).
type object struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// post is a Page post of published_posts or tagged.
type post struct {
	ID           string  `json:"id"`
	Message      string  `json:"message"`
	CreatedTime  string  `json:"created_time"`
	UpdatedTime  string  `json:"updated_time"`
	PermalinkURL string  `json:"permalink_url"`
	From         *object `json:"from"`

	created, updated time.Time
	raw              []byte
}

// comment is a comment or reply of /{post-id}/comments?filter=stream.
type comment struct {
	ID           string  `json:"id"`
	Message      string  `json:"message"`
	CreatedTime  string  `json:"created_time"`
	From         *object `json:"from"`
	Parent       *object `json:"parent"`
	IsHidden     bool    `json:"is_hidden"`
	CanHide      bool    `json:"can_hide"`
	PermalinkURL string  `json:"permalink_url"`

	created time.Time
	raw     []byte
}

// page is the Page's profile.
type page struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	Username           string `json:"username"`
	About              string `json:"about"`
	Link               string `json:"link"`
	VerificationStatus string `json:"verification_status"`
	FollowersCount     int64  `json:"followers_count"`
	Picture            *struct {
		Data struct {
			URL string `json:"url"`
		} `json:"data"`
	} `json:"picture"`
}

// paging is Graph's cursor paging block.
type paging struct {
	Cursors struct {
		Before string `json:"before"`
		After  string `json:"after"`
	} `json:"cursors"`
	Next     string `json:"next"`
	Previous string `json:"previous"`
}

// more reports whether a next page exists, and its after cursor.
func (p paging) more() (string, bool) {
	if p.Next == "" || p.Cursors.After == "" {
		return "", false
	}
	return p.Cursors.After, true
}

// list is the envelope of every Graph edge.
type list struct {
	Data   *[]json.RawMessage `json:"data"`
	Paging paging             `json:"paging"`
}

// graphError is the body of a failed Graph call.
type graphError struct {
	Message     string `json:"message"`
	Type        string `json:"type"`
	Code        int    `json:"code"`
	Subcode     int    `json:"error_subcode"`
	IsTransient bool   `json:"is_transient"`
	FBTraceID   string `json:"fbtrace_id"`
}

func decodeList(b []byte) ([]json.RawMessage, paging, error) {
	var l list
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, paging{}, err
	}
	if l.Data == nil {
		return nil, paging{}, errors.New("no data array")
	}
	return *l.Data, l.Paging, nil
}

// decodePosts reads a page of posts; every post needs an id and a creation time.
func decodePosts(b []byte) ([]*post, paging, error) {
	raws, pg, err := decodeList(b)
	if err != nil {
		return nil, paging{}, err
	}
	out := make([]*post, 0, len(raws))
	for i, r := range raws {
		p := &post{}
		if err := json.Unmarshal(r, p); err != nil {
			return nil, paging{}, fmt.Errorf("post %d: %w", i, err)
		}
		if p.ID == "" {
			return nil, paging{}, fmt.Errorf("post %d: no id", i)
		}
		if p.created, err = parseTime(p.CreatedTime); err != nil {
			return nil, paging{}, fmt.Errorf("post %s: created_time: %w", p.ID, err)
		}
		if p.UpdatedTime != "" {
			if p.updated, err = parseTime(p.UpdatedTime); err != nil {
				return nil, paging{}, fmt.Errorf("post %s: updated_time: %w", p.ID, err)
			}
		}
		p.raw = compact(r)
		out = append(out, p)
	}
	return out, pg, nil
}

// decodeComments reads a page of comments.
func decodeComments(b []byte) ([]*comment, paging, error) {
	raws, pg, err := decodeList(b)
	if err != nil {
		return nil, paging{}, err
	}
	out := make([]*comment, 0, len(raws))
	for i, r := range raws {
		c := &comment{}
		if err := json.Unmarshal(r, c); err != nil {
			return nil, paging{}, fmt.Errorf("comment %d: %w", i, err)
		}
		if c.ID == "" {
			return nil, paging{}, fmt.Errorf("comment %d: no id", i)
		}
		if c.Parent != nil && c.Parent.ID == "" {
			c.Parent = nil
		}
		if c.created, err = parseTime(c.CreatedTime); err != nil {
			return nil, paging{}, fmt.Errorf("comment %s: created_time: %w", c.ID, err)
		}
		c.raw = compact(r)
		out = append(out, c)
	}
	return out, pg, nil
}

// decodePage reads the Page's profile.
func decodePage(b []byte) (*page, error) {
	p := &page{}
	if err := json.Unmarshal(b, p); err != nil {
		return nil, err
	}
	if p.ID == "" {
		return nil, errors.New("no id")
	}
	return p, nil
}

// decodeGraphError reads a Graph error body; ok is false when b is not one.
func decodeGraphError(b []byte) (*graphError, bool) {
	var env struct {
		Error *graphError `json:"error"`
	}
	if json.Unmarshal(b, &env) != nil || env.Error == nil || env.Error.Code == 0 {
		return nil, false
	}
	return env.Error, true
}

// compact returns a copy of r without insignificant whitespace.
func compact(r []byte) []byte {
	var buf bytes.Buffer
	if json.Compact(&buf, r) != nil {
		return append([]byte(nil), r...)
	}
	return buf.Bytes()
}

// text is the item text: the message with CRLF normalised and trimmed.
func text(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}
