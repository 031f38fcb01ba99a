package archive

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// exportFixture is an archive with two accounts: acct's comments 1–3 in March
// (1 edited, 2 deleted and flagged, 3 with media and a decision), one in April,
// and other's comment, interleaved in the chain.
func exportFixture(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	s := openTest(t)
	if err := s.SyncAccounts(ctx, []AccountInfo{
		{ID: "acct", Network: "x", Handle: "ife_mx", Organ: "cncs"},
		{ID: "other", Network: "x", Handle: "ife_jal", Organ: "jal"},
	}); err != nil {
		t.Fatal(err)
	}
	commit := func(p Poll) {
		t.Helper()
		if _, err := s.Commit(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	i3 := item("3", "con foto")
	i3.Media = []connectors.Media{{Type: "photo", URL: "https://pbs.example/3.jpg", AltText: "una casilla"}}
	// 5's text is not valid UTF-8: the export must keep it byte for byte.
	p := poll([]connectors.Item{item("1", "hola"), item("2", "insulto"), i3, item("5", "mal\xffformado")}, "c1")
	p.Flags = []Flag{{ExternalID: "2", Rule: "offensive", Category: "insulto", Severity: "urgent", Score: 0.93, Evidence: `[{"start":0,"end":7}]`}}
	commit(p)
	o := poll([]connectors.Item{item("o1", "de otra cuenta")}, "o1")
	o.Account = "other"
	commit(o)
	e := item("1", "hola, editado")
	e.EditedAt = t0.Add(time.Hour)
	p = poll([]connectors.Item{e}, "c2")
	p.Batch.Deletions = []connectors.Deletion{{ExternalID: "2", ObservedAt: t0.Add(2 * time.Hour)}}
	commit(p)
	april := item("4", "abril")
	april.CreatedAt = time.Date(2026, 4, 10, 0, 0, 0, 0, time.UTC)
	commit(poll([]connectors.Item{april}, "c3"))
	if err := s.RecordDecision(ctx, Decision{Network: "x", ExternalID: "3", Decision: "false_positive", By: "Ana", At: t0.Add(3 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return s
}

func march() ExportOptions {
	return ExportOptions{Account: "acct", From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}
}

func readItems(t *testing.T, dir string) map[string]ExportItem {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, ExportItems))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]ExportItem{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var it ExportItem
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			t.Fatalf("items.jsonl: %v: %s", err, sc.Text())
		}
		out[it.ExternalID] = it
	}
	return out
}

func mustVerifyExport(t *testing.T, dir string) ExportCheck {
	t.Helper()
	chk, err := VerifyExport(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(chk.Problems) > 0 {
		t.Fatalf("VerifyExport: %v", chk.Problems)
	}
	return chk
}

func TestStore_Export(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := exportFixture(t)
	dir := filepath.Join(t.TempDir(), "evidencia")
	var calls int64
	rep, err := s.Export(ctx, dir, ExportOptions{Account: "acct", From: march().From, To: march().To,
		Progress: func(done, total int64) { calls = done; _ = total }})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 4 {
		t.Errorf("progress reached %d items, want 4", calls)
	}

	t.Run("the slice holds the account's items of the period with their whole history", func(t *testing.T) {
		items := readItems(t, dir)
		if len(items) != 4 || items["1"].ExternalID == "" || items["2"].ExternalID == "" || items["3"].ExternalID == "" {
			t.Fatalf("exported items %v, want 1, 2, 3 and 5", keys(items))
		}
		if v := items["1"].Versions; len(v) != 2 || v[0].Text != "hola" || v[1].Text != "hola, editado" || v[1].EditedAt == nil {
			t.Errorf("item 1 versions = %+v, want the original and the edit", v)
		}
		if string(items["1"].Versions[0].Raw) != `{"id":"1","text":"hola"}` {
			t.Errorf("item 1 raw = %s, want the payload verbatim", items["1"].Versions[0].Raw)
		}
		if it := items["2"]; it.DeletedAt == nil || len(it.Events) != 1 || it.Events[0].Event != "deleted" || len(it.Flags) != 1 || it.Flags[0].Rule != "offensive" {
			t.Errorf("item 2 = %+v, want deleted with its event and its offensive flag", it)
		}
		if d := items["3"].Decisions; len(d) != 1 || d[0].Decision != "false_positive" || d[0].DecidedBy != "Ana" {
			t.Errorf("item 3 decisions = %+v", d)
		}
		media, err := os.ReadFile(filepath.Join(dir, ExportMedia))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(media), `"external_id":"3"`) || !strings.Contains(string(media), "una casilla") || strings.Count(string(media), "\n") != 1 {
			t.Errorf("media.jsonl = %s, want one line for item 3's photo", media)
		}
	})

	t.Run("the manifest anchors the slice in the archive's chain", func(t *testing.T) {
		m := rep.Manifest
		if m.Counts.Items != 4 || m.Counts.Versions != 5 {
			t.Errorf("counts = %+v, want 4 items and 5 versions", m.Counts)
		}
		if m.Chain.HeadID != s.Records() {
			t.Errorf("head id %d, archive has %d records", m.Chain.HeadID, s.Records())
		}
		if len(m.Chain.Segments) < 2 {
			t.Errorf("segments = %+v: the other account's records split the slice, want at least 2 runs", m.Chain.Segments)
		}
		chk := mustVerifyExport(t, dir)
		if chk.Records != m.Counts.Records || chk.ManifestSHA256 != rep.ManifestSHA256 {
			t.Errorf("verify: %d records, manifest %s; export said %d, %s", chk.Records, chk.ManifestSHA256, m.Counts.Records, rep.ManifestSHA256)
		}
		probs, err := s.VerifyExportAnchors(ctx, m)
		if err != nil || len(probs) > 0 {
			t.Errorf("anchors against the archive: %v %v", probs, err)
		}
	})

	t.Run("a text that is not UTF-8 is exported byte for byte", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(dir, ExportRecords))
		if err != nil {
			t.Fatal(err)
		}
		want := base64.StdEncoding.EncodeToString([]byte("mal\xffformado"))
		if !strings.Contains(string(b), `"value":"`+want+`","encoding":"base64"`) {
			t.Errorf("records.jsonl lacks the text of item 5 in base64 (%s)", want)
		}
	})

	t.Run("anchors do not match another archive", func(t *testing.T) {
		other := openTest(t)
		if _, err := other.Commit(ctx, poll([]connectors.Item{item("1", "otra historia")}, "x")); err != nil {
			t.Fatal(err)
		}
		probs, err := other.VerifyExportAnchors(ctx, rep.Manifest)
		if err != nil {
			t.Fatal(err)
		}
		if len(probs) == 0 {
			t.Error("anchors of this export matched an unrelated archive")
		}
	})

	t.Run("a cancelled export removes what it wrote", func(t *testing.T) {
		parent := t.TempDir()
		for _, dir := range []string{filepath.Join(parent, "nuevo"), parent} {
			cctx, cancel := context.WithCancel(ctx)
			opts := march()
			opts.Progress = func(done, total int64) { cancel() }
			_, err := s.Export(cctx, dir, opts)
			cancel()
			if err == nil {
				t.Fatalf("export into %s cancelled after its first item succeeded", dir)
			}
			entries, _ := os.ReadDir(parent)
			if len(entries) != 0 {
				t.Errorf("after a cancelled export into %s, %s holds %d entries", dir, parent, len(entries))
			}
		}
	})

	t.Run("a non-empty directory is refused", func(t *testing.T) {
		if _, err := s.Export(ctx, dir, march()); err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Errorf("export into a used directory: %v", err)
		}
	})

	t.Run("everything of every account without bounds", func(t *testing.T) {
		all := filepath.Join(t.TempDir(), "todo")
		rep, err := s.Export(ctx, all, ExportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Manifest.Counts.Items != 6 {
			t.Errorf("exported %d items, want 6", rep.Manifest.Counts.Items)
		}
		mustVerifyExport(t, all)
	})
}

func keys(m map[string]ExportItem) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// copyDir copies an export into a fresh directory to tamper with.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// resum rewrites the manifest's sums after a file was changed, as a forger would.
func resum(t *testing.T, dir string, edit func(m *Manifest)) {
	t.Helper()
	body, err := os.ReadFile(filepath.Join(dir, ExportManifest))
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	for i, f := range m.Files {
		sum, n, err := fileSum(filepath.Join(dir, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		m.Files[i].SHA256, m.Files[i].Bytes = sum, n
	}
	if edit != nil {
		edit(&m)
	}
	body, _ = json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, ExportManifest), body, 0o600); err != nil {
		t.Fatal(err)
	}
}

func editLines(t *testing.T, path string, fn func(lines []string) []string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	lines = fn(lines)
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyExport_Tampering(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := exportFixture(t)
	src := filepath.Join(t.TempDir(), "evidencia")
	if _, err := s.Export(ctx, src, march()); err != nil {
		t.Fatal(err)
	}
	mustVerifyExport(t, src)

	cases := []struct {
		name   string
		tamper func(t *testing.T, dir string)
		kind   string
		file   string
	}{
		{"a changed text in items.jsonl", func(t *testing.T, dir string) {
			editLines(t, filepath.Join(dir, ExportItems), func(l []string) []string {
				l[0] = strings.Replace(l[0], "hola", "HOLA", 1)
				return l
			})
		}, ExportFileChanged, ExportItems},
		{"a missing file", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, ExportMedia))
		}, ExportFileMissing, ExportMedia},
		{"an extra file", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "nota.txt"), []byte("añadido"), 0o600)
		}, ExportFileExtra, "nota.txt"},
		{"a record changed and the manifest's sums rewritten", func(t *testing.T, dir string) {
			editLines(t, filepath.Join(dir, ExportRecords), func(l []string) []string {
				for i := range l {
					if strings.Contains(l[i], `"value":"insulto"`) {
						l[i] = strings.Replace(l[i], `"value":"insulto"`, `"value":"saludo"`, 1)
						return l
					}
				}
				t.Fatal("no record holds the text 'insulto'")
				return l
			})
			resum(t, dir, nil)
		}, ExportRecordChanged, ExportRecords},
		{"a record removed from a run and the sums rewritten", func(t *testing.T, dir string) {
			editLines(t, filepath.Join(dir, ExportRecords), func(l []string) []string {
				return append(l[:1:1], l[2:]...)
			})
			resum(t, dir, nil)
		}, ExportAnchorMismatch, ExportRecords},
		{"a record rehashed by a forger breaks the link to the next", func(t *testing.T, dir string) {
			editLines(t, filepath.Join(dir, ExportRecords), func(l []string) []string {
				var rec ExportRecord
				dec := json.NewDecoder(strings.NewReader(l[1]))
				dec.UseNumber()
				if err := dec.Decode(&rec); err != nil {
					t.Fatal(err)
				}
				for i, v := range rec.Values {
					if v.Type == "text" && rec.Table == "items" && v.Column == "author_id" {
						rec.Values[i].Value = "u-falso"
					}
				}
				vals := make([]any, len(rec.Values))
				for i, v := range rec.Values {
					vals[i], _ = untypedValue(v)
				}
				var prev [32]byte
				p, _ := hex.DecodeString(rec.Prev)
				copy(prev[:], p)
				sum, _ := recordHash(prev, rec.ID, rec.Table, vals)
				rec.Hash = hex.EncodeToString(sum[:])
				b, _ := json.Marshal(rec)
				l[1] = string(b)
				return l
			})
			resum(t, dir, nil)
		}, ExportChainBroken, ExportRecords},
		{"a manifest whose anchors were changed", func(t *testing.T, dir string) {
			resum(t, dir, func(m *Manifest) { m.Chain.Segments[0].LastHash = strings.Repeat("0", 64) })
		}, ExportAnchorMismatch, ExportRecords},
		{"a manifest that is not JSON", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, ExportManifest), []byte("{"), 0o600)
		}, ExportManifestInvalid, ExportManifest},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := copyDir(t, src)
			tt.tamper(t, dir)
			chk, err := VerifyExport(dir)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, p := range chk.Problems {
				if p.Kind == tt.kind && p.File == tt.file {
					found = true
				}
			}
			if !found {
				t.Errorf("problems = %v, want a %s on %s", chk.Problems, tt.kind, tt.file)
			}
		})
	}
}
