package execplugin

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ife-mx/vigia/connectors"
)

func TestDecodeLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in, want string
	}{
		{"item ok", `{"type":"item","external_id":"1","kind":"reply","created_at":"2026-11-01T10:00:00.5-06:00"}`, ""},
		{"item no id", `{"type":"item","kind":"post","created_at":"2026-11-01T10:00:00Z"}`, "empty external_id"},
		{"item bad kind", `{"type":"item","external_id":"1","kind":"story","created_at":"2026-11-01T10:00:00Z"}`, "unknown kind"},
		{"item no time", `{"type":"item","external_id":"1","kind":"post"}`, "no created_at"},
		{"item bad time", `{"type":"item","external_id":"1","kind":"post","created_at":"yesterday"}`, "RFC 3339"},
		{"item bad raw", `{"type":"item","external_id":"1","kind":"post","created_at":"2026-11-01T10:00:00Z","raw":"!!"}`, "base64"},
		{"item media no type", `{"type":"item","external_id":"1","kind":"post","created_at":"2026-11-01T10:00:00Z","media":[{}]}`, "empty type"},
		{"item wrong type", `{"type":"item","external_id":1}`, "expected string"},
		{"no type", `{"external_id":"1"}`, `no "type"`},
		{"array", `[1]`, "not a JSON object"},
		{"trailing", `{"type":"end"} x`, "not a JSON object"},
		{"error bad reset", `{"type":"error","kind":"rate_limited","reset":"soon"}`, "reset"},
		{"deletion no id", `{"type":"deletion"}`, "empty external_id"},
		{"end ok", `{"type":"end","cursor":null,"more":true}`, ""},
		{"end empty budget", `{"type":"end","budget":{}}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeLine([]byte(tc.in))
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, errProtocol) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	l, _ := decodeLine([]byte(`{"type":"end","budget":{}}`))
	if l.End.Budget.Remaining != -1 || l.End.Cursor != nil {
		t.Errorf("end defaults = %+v", l.End)
	}
}

func TestReadLine(t *testing.T) {
	t.Parallel()
	const max = 10
	for _, tc := range []struct {
		in    string
		lines []string
		long  bool
	}{
		{"a\nbb\n", []string{"a", "bb", ""}, false},
		{"0123456789\nx", []string{"0123456789", "x"}, false},
		{"0123456789", []string{"0123456789"}, false},
		{"0123456789a\n", nil, true},
		{"0123456789a", nil, true},
	} {
		br := bufio.NewReaderSize(strings.NewReader(tc.in), 16)
		var got []string
		for {
			b, err := readLine(br, max)
			if errors.Is(err, errLineTooLong) {
				if !tc.long {
					t.Errorf("%q: too long", tc.in)
				}
				break
			}
			got = append(got, string(b))
			if err != nil {
				break
			}
		}
		if !tc.long && strings.Join(got, "|") != strings.Join(tc.lines, "|") {
			t.Errorf("%q: lines %q, want %q", tc.in, got, tc.lines)
		}
	}
}

func TestEncodeRequest(t *testing.T) {
	t.Parallel()
	b, err := encodeRequest(account(), connectors.Cursor("c-1"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil || b[len(b)-1] != '\n' || bytes.Count(b, []byte("\n")) != 1 {
		t.Fatalf("%s: %v", b, err)
	}
	if m["protocol"] != Protocol || m["cursor"] != "Yy0x" {
		t.Errorf("request = %s", b)
	}
	acct := m["account"].(map[string]any)
	if acct["credentials"].(map[string]any)["token"] != secret || acct["options"].(map[string]any)["lang"] != "es" {
		t.Errorf("account = %v", acct)
	}
	b, _ = encodeRequest(connectors.Account{ID: "a"}, nil)
	if !bytes.Contains(b, []byte(`"cursor":null`)) || !bytes.Contains(b, []byte(`"credentials":{}`)) {
		t.Errorf("start request = %s", b)
	}
}

// FuzzDecodeLine feeds arbitrary lines to the decoder: it must not panic, must
// classify every failure as a protocol violation, and what it accepts must be
// a valid line of the kind it says.
func FuzzDecodeLine(f *testing.F) {
	for _, s := range []string{
		`{"type":"item","external_id":"1","kind":"post","created_at":"2026-11-01T10:00:00Z","raw":{"a":1},"media":[{"type":"image"}]}`,
		`{"type":"item","external_id":"2","kind":"comment","parent_id":"1","root_id":"1","created_at":"2026-11-01T10:00:00Z","raw":"aGk="}`,
		`{"type":"deletion","external_id":"1","observed_at":"2026-11-01T10:00:00Z"}`,
		`{"type":"profile","handle":"ife_mx","followers":3,"raw":[1,2]}`,
		`{"type":"error","kind":"rate_limited","message":"x","reset":"2026-11-01T10:00:00Z"}`,
		`{"type":"end","cursor":"Yy0x","more":true,"budget":{"calls":1,"items":2,"remaining":3,"reset":"2026-11-01T10:00:00Z"}}`,
		`{"type":null}`, `null`, `"item"`, `{"type":"item","external_id":"\ud800"}`, "\xff\xfe",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := decodeLine(b)
		if err != nil {
			if !errors.Is(err, errProtocol) {
				t.Fatalf("error is not a protocol violation: %v", err)
			}
			return
		}
		set := 0
		for _, p := range []bool{l.Item != nil, l.Deletion != nil, l.Profile != nil, l.Error != nil, l.End != nil} {
			if p {
				set++
			}
		}
		if set != 1 {
			t.Fatalf("%d payloads set for type %q", set, l.Type)
		}
		if l.Item != nil && (l.Item.ExternalID == "" || !l.Item.Kind.Valid() || l.Item.CreatedAt.IsZero()) {
			t.Fatalf("invalid item accepted: %+v", l.Item)
		}
		if l.Deletion != nil && l.Deletion.ExternalID == "" {
			t.Fatalf("deletion without id accepted")
		}
	})
}
