package graph

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// TimeLayout is Graph's timestamp form: "2026-08-20T08:00:00+0000".
const TimeLayout = "2006-01-02T15:04:05-0700"

// ParseTime reads a Graph timestamp (RFC 3339 is accepted too), in UTC.
func ParseTime(s string) (time.Time, error) {
	if t, err := time.Parse(TimeLayout, s); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad time %q", s)
	}
	return t.UTC(), nil
}

// Paging is Graph's cursor paging block.
type Paging struct {
	Cursors struct {
		Before string `json:"before"`
		After  string `json:"after"`
	} `json:"cursors"`
	Next     string `json:"next"`
	Previous string `json:"previous"`
}

// More reports whether a next page exists, and its after cursor.
func (p Paging) More() (string, bool) {
	if p.Next == "" || p.Cursors.After == "" {
		return "", false
	}
	return p.Cursors.After, true
}

// List is the envelope of every Graph edge: {"data": [...], "paging": {...}}.
type List struct {
	Data   *[]json.RawMessage `json:"data"`
	Paging Paging             `json:"paging"`
}

// DecodeList reads an edge's envelope; a body without a data array is an
// error.
func DecodeList(b []byte) ([]json.RawMessage, Paging, error) {
	var l List
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, Paging{}, err
	}
	if l.Data == nil {
		return nil, Paging{}, errors.New("no data array")
	}
	return *l.Data, l.Paging, nil
}

// Error is the body of a failed Graph call.
type Error struct {
	Message     string `json:"message"`
	Type        string `json:"type"`
	Code        int    `json:"code"`
	Subcode     int    `json:"error_subcode"`
	IsTransient bool   `json:"is_transient"`
	FBTraceID   string `json:"fbtrace_id"`
}

// DecodeError reads a Graph error body; ok is false when b is not one.
func DecodeError(b []byte) (*Error, bool) {
	var env struct {
		Error *Error `json:"error"`
	}
	if json.Unmarshal(b, &env) != nil || env.Error == nil || env.Error.Code == 0 {
		return nil, false
	}
	return env.Error, true
}

// Compact returns a copy of r without insignificant whitespace.
func Compact(r []byte) []byte {
	var buf bytes.Buffer
	if json.Compact(&buf, r) != nil {
		return append([]byte(nil), r...)
	}
	return buf.Bytes()
}

// Text is an item's text: the message with CRLF normalised and trimmed.
func Text(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// HashText returns a short hash of a text: Graph gives comments (and
// Instagram captions) no edit time, so edits are noticed by a changed hash.
func HashText(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

// Mark is a position in a time-ordered edge: the newest creation (Unix
// seconds) and the ids created in that second. Cursors keep marks, never
// Meta's paging cursors, which are invalidated when items are deleted.
type Mark struct {
	Time int64    `json:"t,omitempty"`
	IDs  []string `json:"ids,omitempty"`
}

// Seen reports whether an item created at t with the given id is at or
// before the mark.
func (m Mark) Seen(t time.Time, id string) bool {
	u := t.Unix()
	return m.Time != 0 && (u < m.Time || u == m.Time && slices.Contains(m.IDs, id))
}

// Advance moves the mark to include an item.
func (m *Mark) Advance(t time.Time, id string) {
	switch u := t.Unix(); {
	case u > m.Time:
		m.Time, m.IDs = u, []string{id}
	case u == m.Time && !slices.Contains(m.IDs, id):
		m.IDs = append(m.IDs, id)
	}
}
