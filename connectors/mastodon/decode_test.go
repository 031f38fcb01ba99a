package mastodon

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/decode")

// ownTestID is the own account of the recorded samples.
const ownTestID = "109000000000000001"

// statusView is what a decoded status yields, for golden comparison.
type statusView struct {
	ID           string             `json:"id"`
	Parent       string             `json:"parent,omitempty"`
	AuthorID     string             `json:"author_id"`
	AuthorHandle string             `json:"author_handle"`
	AuthorName   string             `json:"author_name"`
	Own          bool               `json:"own"`
	Text         string             `json:"text"`
	Lang         string             `json:"lang,omitempty"`
	CreatedAt    string             `json:"created_at"`
	EditedAt     string             `json:"edited_at,omitempty"`
	URL          string             `json:"url"`
	Media        []connectors.Media `json:"media,omitempty"`
	Reblog       bool               `json:"reblog,omitempty"`
	RawBytes     int                `json:"raw_bytes"`
}

func viewStatus(s *status) statusView {
	it := s.item(ownTestID, connectors.KindPost, "", "")
	v := statusView{
		ID: it.ExternalID, Parent: s.parent(), AuthorID: it.AuthorID, AuthorHandle: it.AuthorHandle,
		AuthorName: it.AuthorName, Own: it.Own, Text: it.Text, Lang: it.Lang,
		CreatedAt: it.CreatedAt.Format(time.RFC3339Nano), URL: it.URL, Media: it.Media,
		Reblog: !isNull(s.Reblog), RawBytes: len(it.Raw),
	}
	if !it.EditedAt.IsZero() {
		v.EditedAt = it.EditedAt.Format(time.RFC3339Nano)
	}
	return v
}

// decodeFixture runs the decoder the file's name prefix selects.
func decodeFixture(name string, body []byte) (any, error) {
	switch {
	case strings.HasPrefix(name, "statuses_"):
		sts, err := decodeStatuses(body)
		if err != nil {
			return nil, err
		}
		out := []statusView{}
		for _, s := range sts {
			out = append(out, viewStatus(s))
		}
		return out, nil
	case strings.HasPrefix(name, "context_"):
		c, err := decodeContext(body)
		if err != nil {
			return nil, err
		}
		out := map[string][]statusView{"ancestors": {}, "descendants": {}}
		for _, s := range c.Ancestors {
			out["ancestors"] = append(out["ancestors"], viewStatus(s))
		}
		for _, s := range c.Descendants {
			out["descendants"] = append(out["descendants"], viewStatus(s))
		}
		return out, nil
	case strings.HasPrefix(name, "notifications_"):
		ns, err := decodeNotifications(body)
		if err != nil {
			return nil, err
		}
		type nview struct {
			ID     string      `json:"id"`
			Type   string      `json:"type"`
			Status *statusView `json:"status,omitempty"`
		}
		out := []nview{}
		for _, n := range ns {
			v := nview{ID: n.ID, Type: n.Type}
			if n.status != nil {
				sv := viewStatus(n.status)
				v.Status = &sv
			}
			out = append(out, v)
		}
		return out, nil
	case strings.HasPrefix(name, "account_"):
		a, err := decodeAccount(body)
		if err != nil {
			return nil, err
		}
		p := a.profile(body)
		p.Raw = nil
		return p, nil
	case strings.HasPrefix(name, "error_"):
		return map[string]string{"message": decodeError(body)}, nil
	}
	return nil, nil
}

func TestDecode_Golden(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "decode", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			body, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			v, err := decodeFixture(name, body)
			if v == nil && err == nil {
				t.Fatalf("no decoder for %s", name)
			}
			var got []byte
			if err != nil {
				if !strings.Contains(name, "_bad_") {
					t.Errorf("decode: %v", err)
				}
				got = []byte("error: " + err.Error() + "\n")
			} else {
				if strings.Contains(name, "_bad_") {
					t.Errorf("a bad fixture decoded")
				}
				var buf bytes.Buffer
				enc := json.NewEncoder(&buf)
				enc.SetEscapeHTML(false)
				enc.SetIndent("", "  ")
				if err := enc.Encode(v); err != nil {
					t.Fatal(err)
				}
				got = buf.Bytes()
			}
			golden := strings.TrimSuffix(f, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("decoded %s differs from %s:\n--- got\n%s\n--- want\n%s", f, golden, got, want)
			}
		})
	}
}

func TestParseLink(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want map[string]string
	}{
		{`<https://mastodon.example/api/v1/accounts/1/statuses?max_id=7163058>; rel="next", <https://mastodon.example/api/v1/accounts/1/statuses?min_id=7275607>; rel="prev"`,
			map[string]string{"next": "https://mastodon.example/api/v1/accounts/1/statuses?max_id=7163058", "prev": "https://mastodon.example/api/v1/accounts/1/statuses?min_id=7275607"}},
		{`<https://a/x?types[]=mention&min_id=5>;rel=prev`, map[string]string{"prev": "https://a/x?types[]=mention&min_id=5"}},
		{`<https://a/1>; title="a, b"; rel="next prev"`, map[string]string{"next": "https://a/1", "prev": "https://a/1"}},
		{`<https://a/1>; rel="next", <https://a/2>; rel="next"`, map[string]string{"next": "https://a/1"}},
		{`garbage, <https://a/2>; rel="prev"`, map[string]string{"prev": "https://a/2"}},
		{``, map[string]string{}},
		{`<unterminated; rel="next"`, map[string]string{}},
		{`<https://a/3>; rel`, map[string]string{}},
	} {
		got := parseLink(c.in)
		if len(got) != len(c.want) {
			t.Errorf("parseLink(%q) = %v, want %v", c.in, got, c.want)
			continue
		}
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("parseLink(%q)[%q] = %q, want %q", c.in, k, got[k], v)
			}
		}
	}
	if got := linkParam(`<https://a/x?limit=40&min_id=113000000000000005>; rel="prev"`, "prev", "min_id"); got != "113000000000000005" {
		t.Errorf("linkParam = %q", got)
	}
}
