package simulated

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// The raw payload of an item is built by hand rather than by encoding/json:
// reflection was a quarter of the cost of serving a backfill. The bytes are
// exactly what json.Marshal(rawItem) gives (TestRawItem_AppendJSON checks it
// over generated and hostile texts, FuzzAppendJSONString over any string).

// appendJSON appends r encoded as json.Marshal encodes it.
func (r *rawItem) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, r.ID)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, string(r.Kind))
	if r.ParentID != "" {
		b = append(b, `,"parent_id":`...)
		b = appendJSONString(b, r.ParentID)
	}
	if r.RootID != "" {
		b = append(b, `,"root_id":`...)
		b = appendJSONString(b, r.RootID)
	}
	b = append(b, `,"author":{"id":`...)
	b = appendJSONString(b, r.Author.ID)
	b = append(b, `,"handle":`...)
	b = appendJSONString(b, r.Author.Handle)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, r.Author.Name)
	b = append(b, `},"own":`...)
	b = strconv.AppendBool(b, r.Own)
	b = append(b, `,"text":`...)
	b = appendJSONString(b, r.Text)
	b = append(b, `,"lang":`...)
	b = appendJSONString(b, r.Lang)
	b = append(b, `,"created_at":`...)
	b = appendJSONTime(b, r.CreatedAt)
	if !r.EditedAt.IsZero() {
		b = append(b, `,"edited_at":`...)
		b = appendJSONTime(b, r.EditedAt)
	}
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, int64(r.Version), 10)
	b = append(b, `,"url":`...)
	b = appendJSONString(b, r.URL)
	if len(r.Media) > 0 {
		b = append(b, `,"media":[`...)
		for i, m := range r.Media {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"type":`...)
			b = appendJSONString(b, m.Type)
			if m.URL != "" {
				b = append(b, `,"url":`...)
				b = appendJSONString(b, m.URL)
			}
			if m.AltText != "" {
				b = append(b, `,"alt_text":`...)
				b = appendJSONString(b, m.AltText)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendJSONTime appends t as time.Time's MarshalJSON writes it.
func appendJSONTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// jsonSafe marks the ASCII bytes encoding/json writes as they are (with its
// default HTML escaping: <, > and & are escaped).
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// appendJSONString appends s quoted as encoding/json quotes a string: control
// characters, quote, backslash, <, > and & escaped, each byte of invalid UTF-8
// replaced by \ufffd, and U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
